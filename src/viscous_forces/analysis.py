r"""Beyond the paper: quantitative analysis of the workflow's results (issue 6).

Three analyses, each a set of array/dataset functions that a workflow rule calls:

1. **Vibration frequency and damping** (the Supplemental Material's Sec. IV, not available to us):
   the modes of the impurity from (a) the Markov (constant-friction) model, (b) the poles of the
   frequency-domain solution with the frequency-dependent :math:`\tilde J = J/\omega`, and (c) a
   least-squares fit of the time-domain velocities after the pulse is switched off
   (:func:`markov_modes`, :func:`response_poles`, :func:`fit_modes`, :func:`vibration_rows`).
2. **The viscous correction** (the Supplemental Material's Sec. V): relative differences between
   the dynamic (rMCP07) and static (MCP07) kernel velocities in the three phases of the pulse
   (:func:`phase_metrics`, :func:`viscous_correction_rows`, :func:`claim_verdict`).
3. **Friction across densities**: the single-nucleus friction coefficient :math:`Q_0`, the pair
   friction coefficients :math:`Q_\parallel, Q_\perp` at the kernel's own :math:`d_{eq}`, the
   spring constant and :math:`\omega_{vib} = \sqrt{k/\mu}` for one (kernel, r_s), with the RPA
   Lindhard-Winther closed form as a check (:func:`friction_point`,
   :func:`lindhard_winther_friction`, :func:`friction_sweep_rows`, :func:`plot_friction_sweep`).

Conventions: Hartree atomic units; a mode is a pole :math:`\omega = \Omega - i\Gamma` of the
response (time dependence :math:`e^{-i\omega t}`), i.e. a term :math:`e^{-\Gamma t}\cos(\Omega t + \phi)`
in the velocities: :math:`\Omega` (Ha) is its angular frequency and :math:`\Gamma` (1/a.u. of time)
its *amplitude* damping rate.  Equation numbers refer to Nazarov, Todorov, Gross, PRL 133, 026301
(2024); section numbers to ``/work/shared/physics/equations.md``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import xarray as xr
from scipy.integrate import quad
from scipy.interpolate import CubicSpline
from scipy.optimize import least_squares

from .constants import M_DEUTERON, M_PROTON
from .dynamics import Impurity, MarkovModel, combinations, friction_coefficients, friction_density
from .electron_gas import ElectronGas
from .io import provenance
from .kernels import get_kernel, im_slope
from .lindhard import lindhard
from .quadrature import GridSpec, static_grid
from .response import dyson
from .stages import interpolate_jtilde, markov_model
from .statics import find_equilibrium

# --------------------------------------------------------------------------------------------
# 1. Modes: Markov eigenvalues, poles of the frequency-domain solution, time-domain fits
# --------------------------------------------------------------------------------------------

#: Names of the purely damped (real-eigenvalue) modes per geometry, slowest first.  Parallel: the
#: c.m. drift mode ("translation", slightly mixed with the relative motion); perpendicular: two
#: over-damped mixtures of c.m. drift and rotation (equations.md Sec. 4.6).
REAL_MODE_NAMES = {"parallel": ("translation",), "perpendicular": ("slow", "fast")}

#: Relative step of the complex secant iteration's second starting point.
_SECANT_STEP = 1e-6
#: The secant iteration stops when |z_{k+1} - z_k| < _POLE_RTOL |z_k| (the J~ spline is smooth to
#: far better than this, so the pole is converged to rounding in the determinant).
_POLE_RTOL = 1e-13
_POLE_MAXITER = 100
#: Fewest samples per fitted parameter in a fit window (below this the fit is refused).
_MIN_SAMPLES_PER_PARAMETER = 5


@dataclass(frozen=True)
class Mode:
    r"""One pole :math:`\omega = \Omega - i\Gamma` of the impurity's response.

    Attributes
    ----------
    name : str
        ``"vibration"`` (the oscillating pair), or a name from :data:`REAL_MODE_NAMES`.
    frequency : float
        :math:`\Omega = \mathrm{Re}\,\omega \ge 0` (Ha); 0 for a purely damped mode.
    rate : float
        :math:`\Gamma = -\mathrm{Im}\,\omega > 0` (1/a.u. of time), the amplitude damping rate.
    """

    name: str
    frequency: float
    rate: float

    @property
    def oscillating(self) -> bool:
        return self.frequency > 0

    @property
    def pole(self) -> complex:
        return complex(self.frequency, -self.rate)


def markov_modes(model: MarkovModel, geometry: str) -> list[Mode]:
    r"""The modes of the constant-friction ODE (equations.md Sec. 4.6), from the eigenvalues of A.

    An eigenvalue :math:`\lambda` of A is a pole :math:`\omega = i\lambda`; a complex pair
    :math:`\lambda = -\Gamma \pm i\Omega` is one oscillating mode (frequency :math:`\Omega`,
    amplitude damping rate :math:`\Gamma`), a real :math:`\lambda = -\Gamma` a purely damped one.
    Oscillating modes come first, then the real ones sorted by rate (slowest first).
    """
    lam = model.eigenvalues
    osc = sorted((complex(x) for x in lam if x.imag > 0), key=lambda x: x.imag)
    real = np.sort(-lam[lam.imag == 0].real)
    names = REAL_MODE_NAMES.get(geometry, ())
    if len(names) != real.size:
        names = tuple(f"damped_{i + 1}" for i in range(real.size))
    modes = [Mode("vibration" if i == 0 else f"vibration_{i + 1}", x.imag, -x.real) for i, x in enumerate(osc)]
    modes += [Mode(n, 0.0, float(g)) for n, g in zip(names, real)]
    return modes


def jtilde_real_axis(omega_j: np.ndarray, jt: np.ndarray, friction: float):
    r"""Callable :math:`z \mapsto \tilde J(\mathrm{Re}\,z)`: the real-axis J/omega, continued to complex z
    by freezing it at the real part.

    On the real axis it is the spline of :func:`viscous_forces.stages.interpolate_jtilde` (cubic in
    :math:`\ln\omega` on the J grid, linear to its exact limit :math:`-iQ` at 0), exactly the
    interpolation :func:`~viscous_forces.stages.solve_response` used to build G; for negative real
    parts the symmetry :math:`\tilde J(-x) = -\tilde J(x)^*` (from :math:`J(-\omega) = J(\omega)^*`).
    """

    def at(z: complex) -> complex:
        x = float(np.real(z))
        if x == 0.0:
            return complex(-1j * friction)
        val = complex(interpolate_jtilde(omega_j, jt, friction, np.array([abs(x)]))[0])
        return val if x > 0 else -val.conjugate()

    return at


def pole_function(z: complex, jt0: complex, jtg: complex, spring: float, imp: Impurity) -> complex:
    r""":math:`z\,\det A(z)` of the 2x2 system of Eqs. (12)-(13) (equations.md Sec. 2.5).

    .. math::

        z\det A = \big(-z + \tilde S_c/M_c\big)\big(-z^2 + z\tilde S_r/M_c + \lambda_g/\mu\big)
                  - z\,\frac{\tilde X_c}{M_c^2}\,\tilde X_r ,

    with :math:`\tilde S, \tilde X` the combinations of :math:`\tilde J_0, \tilde J_g` and
    :math:`\lambda_g` the restoring constant (Ha/bohr^2).  Multiplying by z removes the
    :math:`\lambda_g/(\mu z)` pole at 0; for :math:`\lambda_g = 0` (perpendicular) it adds a spurious
    root z = 0 (the free rotation angle) that the pole search never starts from.
    """
    c = combinations(jt0, jtg, imp)
    a11 = -z + c["S_c"] / imp.Mc
    a22z = -z * z + z * c["S_r"] / imp.Mc + spring / imp.mu
    return a11 * a22z - z * (c["X_c"] / imp.Mc**2) * c["X_r"]


def _secant(f, z0: complex) -> complex:
    """Complex secant iteration for f(z) = 0 from z0 (raises if it does not converge)."""
    start = z0
    z1 = z0 * (1.0 + _SECANT_STEP) + _SECANT_STEP * abs(z0)
    f0, f1 = f(z0), f(z1)
    for _ in range(_POLE_MAXITER):
        if f1 == 0 or (f1 == f0 and abs(z1 - z0) < _SECANT_STEP * abs(z1)):
            return z1  # exact root, or stagnation at rounding level next to it
        if f1 == f0:
            break
        z2 = z1 - f1 * (z1 - z0) / (f1 - f0)
        z0, f0, z1, f1 = z1, f1, z2, f(z2)
        if abs(z1 - z0) < _POLE_RTOL * abs(z1):
            return z1
    raise RuntimeError(f"pole search did not converge from {start!r} (last z = {z1!r}, |f| = {abs(f1):.3e})")


def response_poles(response_ds: xr.Dataset, guesses: Sequence[Mode] | None = None) -> list[Mode]:
    r"""Poles of the frequency-domain solution G(omega) of Eqs. (12)-(13) near the Markov poles.

    Solves :math:`z\det A(z) = 0` (:func:`pole_function`) by a complex secant iteration started at
    each Markov pole, with the frequency-dependent :math:`\tilde J_0, \tilde J_g` of the response
    file.

    Approximation: :math:`\tilde J` is known on the real axis only (``J0_tilde``, ``Jg_tilde`` on
    the J grid), so at a complex :math:`z = \Omega - i\Gamma` it is evaluated at the real frequency
    :math:`\mathrm{Re}\,z = \Omega` (:func:`jtilde_real_axis`): :math:`\tilde J(\Omega - i\Gamma)
    \approx \tilde J(\Omega)`.  The neglected term is :math:`-i\Gamma\,\tilde J'(\Omega)`, of relative
    size :math:`(\Gamma/\Omega)\cdot|\Omega\tilde J'/\tilde J| \lesssim 10^{-3}` for the vibration
    (:math:`\Gamma/\Omega` = 0.01-0.03 and :math:`\tilde J` varies on electronic scales
    :math:`\gg\Omega`; including it shifts the poles of the paper configuration by < 1e-6 in
    frequency and < 1e-3 in damping).  Consequence: for a purely damped mode (:math:`\Omega = 0`)
    the approximation gives :math:`\tilde J = -iQ`, the Markov value, so (b) coincides with the Markov
    pole (a) by construction; only the time-domain fit (:func:`fit_modes`) tests those.

    Parameters
    ----------
    response_ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.solve_response`.
    guesses : sequence of Mode, optional
        Starting points (default: :func:`markov_modes` of the dataset's Markov model).

    Returns
    -------
    list of Mode, in the order of ``guesses``.
    """
    geometry = response_ds.attrs["geometry"]
    imp = Impurity(*(float(response_ds[k]) for k in ("Z1", "Z2", "M1", "M2")))
    if guesses is None:
        guesses = markov_modes(markov_model(response_ds), geometry)
    om_j = response_ds["omega_j"].values
    j0 = jtilde_real_axis(om_j, response_ds["J0_tilde"].values, float(response_ds["friction_q0"]))
    jg = jtilde_real_axis(om_j, response_ds["Jg_tilde"].values, float(response_ds["friction_qg"]))
    spring = float(response_ds["spring"])

    def f(z):
        return pole_function(z, j0(z), jg(z), spring, imp)

    out = []
    for g in guesses:
        if g.oscillating:
            z = _secant(f, g.pole)
            out.append(Mode(g.name, float(abs(z.real)), float(-z.imag)))
        else:
            # purely damped: search on the imaginary axis, where J~(Re z) = -iQ (see above)
            z = _secant(lambda y: f(complex(0.0, y.real)), complex(-g.rate))
            out.append(Mode(g.name, 0.0, float(-z.real)))
    return out


def _mode_basis(tau: np.ndarray, params: np.ndarray, oscillating: Sequence[bool]) -> np.ndarray:
    """Columns e^{-G tau} cos(W tau), e^{-G tau} sin(W tau) (oscillating) or e^{-G tau} (damped)."""
    cols = []
    k = 0
    for osc in oscillating:
        e = np.exp(-params[k] * tau)
        if osc:
            w = params[k + 1]
            cols += [e * np.cos(w * tau), e * np.sin(w * tau)]
            k += 2
        else:
            cols.append(e)
            k += 1
    return np.stack(cols, axis=1)


@dataclass(frozen=True)
class ModeFit:
    """Result of :func:`fit_modes`.

    Attributes
    ----------
    modes : list of Mode
        Fitted modes, in the order of the guesses.
    window : float
        Length of the fit window after the switch-off (a.u. of time).
    n_samples : int
        Samples per series in the window.
    rms : float
        Root-mean-square residual of the normalised series (each divided by its max |V| in the
        window), dimensionless.
    """

    modes: list
    window: float
    n_samples: int
    rms: float


def fit_window(guesses: Sequence[Mode], efolds: float) -> float:
    r"""Fit window length (a.u. of time): ``efolds`` / (reference rate), the reference being the
    (slowest) oscillating mode if there is one, else the slowest mode - the window ends where that
    amplitude has dropped by :math:`e^{-\mathrm{efolds}}`."""
    if not efolds > 0:
        raise ValueError(f"fit efolds must be > 0, got {efolds!r}")
    osc = [g.rate for g in guesses if g.oscillating]
    ref = min(osc) if osc else min(g.rate for g in guesses)
    return efolds / ref


def fit_modes(
    t: np.ndarray, series: Sequence[np.ndarray], t_off: float, guesses: Sequence[Mode], efolds: float = 3.0
) -> ModeFit:
    r"""Least-squares fit of the free decay after the switch-off at ``t_off`` by damped modes.

    For :math:`\tau = t - t_{off} \in (0, \tau_{max}]`, :math:`\tau_{max}` from :func:`fit_window`,
    every series (e.g. :math:`V_c` and :math:`V_r`, each divided by its max |V| in the window) is
    fitted by

    .. math::

        y(\tau) = \sum_{\text{osc.}} e^{-\Gamma_m\tau}\,[a_m\cos\Omega_m\tau + b_m\sin\Omega_m\tau]
                  + \sum_{\text{damped}} c_m e^{-\Gamma_m\tau},

    with rates and frequencies shared by all series (they are properties of the system) and
    amplitudes per series.  Variable projection: the amplitudes are solved by linear least
    squares inside the residual, the :math:`\Gamma_m, \Omega_m` by
    :func:`scipy.optimize.least_squares` from ``guesses`` (which also fix the number and kind of
    modes).  For the damped cosine of the vibration this is the "damped cosine least squares" fit;
    the extra damped term absorbs the slow c.m. drift mode that the coupling X_r mixes into
    :math:`V_r`.  On the exact Markov solution the fit returns the Markov poles to ~1e-10.

    Parameters
    ----------
    t : ndarray
        Times (a.u.), increasing.
    series : sequence of ndarray
        Velocities on ``t`` (any common unit).
    t_off : float
        Switch-off time T (a.u.).
    guesses : sequence of Mode
        Starting values (e.g. from :func:`response_poles`).
    efolds : float
        Window length in decay times of the reference mode (see :func:`fit_window`).
    """
    t = np.asarray(t, dtype=float)
    tau_max = fit_window(guesses, efolds)
    mask = (t > t_off) & (t <= t_off + tau_max)
    tau = t[mask] - t_off
    window = float(min(tau_max, tau[-1])) if tau.size else 0.0
    oscillating = [g.oscillating for g in guesses]
    p0 = []
    for g in guesses:
        p0 += [g.rate, g.frequency] if g.oscillating else [g.rate]
    p0 = np.array(p0, dtype=float)
    n_linear = len(series) * sum(2 if osc else 1 for osc in oscillating)
    if len(series) * tau.size < _MIN_SAMPLES_PER_PARAMETER * (p0.size + n_linear):
        raise ValueError(
            f"fit window after t = {t_off:.4g} a.u. has only {tau.size} samples per series for "
            f"{p0.size + n_linear} parameters; sample V(t) more densely (time.min_points_per_pulse)"
        )
    ys = []
    for y in series:
        ym = np.asarray(y, dtype=float)[mask]
        scale = np.max(np.abs(ym))
        ys.append(ym / scale if scale > 0 else ym)

    def residual(p):
        basis = _mode_basis(tau, p, oscillating)
        out = []
        for y in ys:
            coef, *_ = np.linalg.lstsq(basis, y, rcond=None)
            out.append(basis @ coef - y)
        return np.concatenate(out)

    res = least_squares(residual, p0, x_scale=np.abs(p0), bounds=(0.0, np.inf), xtol=1e-14, ftol=1e-14, gtol=1e-14)
    p = res.x
    modes, k = [], 0
    for g in guesses:
        if g.oscillating:
            modes.append(Mode(g.name, float(p[k + 1]), float(p[k])))
            k += 2
        else:
            modes.append(Mode(g.name, 0.0, float(p[k])))
            k += 1
    # keep the purely damped modes ordered by rate, as their names are (slowest first)
    damped = [i for i, g in enumerate(guesses) if not g.oscillating]
    rates = sorted(modes[i].rate for i in damped)
    for i, r in zip(damped, rates):
        modes[i] = Mode(guesses[i].name, 0.0, r)
    return ModeFit(modes, window, int(tau.size), float(np.sqrt(np.mean(res.fun**2))))


#: Columns of results/tables/vibrations.csv and their units.
VIBRATION_UNITS = {
    "kernel": "",
    "rs": "bohr",
    "geometry": "",
    "mode": "",
    "harmonic_frequency": "Ha",
    "markov_frequency": "Ha",
    "markov_rate": "1/a.u. time",
    "pole_frequency": "Ha",
    "pole_rate": "1/a.u. time",
    "fit_frequency": "Ha",
    "fit_rate": "1/a.u. time",
    "fit_vs_pole_frequency": "1",
    "fit_vs_pole_rate": "1",
    "fit_window": "a.u. time",
    "fit_rms": "1",
}


def _rel(a: float, b: float) -> float:
    """a/b - 1, NaN if b == 0."""
    return float(a / b - 1.0) if b != 0 else float("nan")


def vibration_rows(
    responses: Mapping[tuple, xr.Dataset], velocities: Mapping[tuple, xr.Dataset], efolds: float = 3.0
) -> list[dict]:
    """One row per (kernel, rs, geometry, mode) with the columns of :data:`VIBRATION_UNITS`.

    ``responses`` and ``velocities`` are keyed by (kernel, rs, geometry).  The fit uses both
    V_c and V_r of the velocity dataset after the switch-off at T; where the window holds too few
    samples for the fit (:func:`fit_modes` raises ValueError) the fit columns are NaN.
    """
    rows = []
    for key in sorted(responses, key=lambda k: (k[0], float(k[1]), k[2])):
        kernel, rs, geometry = key
        r, v = responses[key], velocities[key]
        markov = markov_modes(markov_model(r), geometry)
        poles = response_poles(r, markov)
        try:
            fit = fit_modes(
                v["time"].values, [v["v_cm"].values, v["v_rel"].values], float(v.attrs["pulse_duration"]), poles,
                efolds,
            )
        except ValueError:  # too few samples in the window: report the fit as missing (NaN)
            nan = float("nan")
            fit = ModeFit([Mode(p.name, nan, nan) for p in poles], nan, 0, nan)
        harmonic = float(r["omega_vib"]) if "omega_vib" in r else float("nan")
        for m, p, f in zip(markov, poles, fit.modes):
            rows.append({
                "kernel": kernel, "rs": float(rs), "geometry": geometry, "mode": m.name,
                "harmonic_frequency": harmonic if m.oscillating else float("nan"),
                "markov_frequency": m.frequency, "markov_rate": m.rate,
                "pole_frequency": p.frequency, "pole_rate": p.rate,
                "fit_frequency": f.frequency, "fit_rate": f.rate,
                "fit_vs_pole_frequency": _rel(f.frequency, p.frequency) if p.oscillating else float("nan"),
                "fit_vs_pole_rate": _rel(f.rate, p.rate),
                "fit_window": fit.window, "fit_rms": fit.rms,
            })
    return rows


# --------------------------------------------------------------------------------------------
# 2. Viscous correction per phase
# --------------------------------------------------------------------------------------------

#: The three phases of the paper (text after Fig. 5), in units of the pulse length T:
#: I acceleration (kick) 0 < t <= T/2, II stabilisation T/2 < t <= T, III deceleration
#: T < t <= end of the computed window.
PHASES = {"I": (0.0, 0.5), "II": (0.5, 1.0), "III": (1.0, np.inf)}

#: Columns of results/tables/viscous_correction.csv and their units.
VISCOUS_UNITS = {
    "rs": "bohr",
    "geometry": "",
    "quantity": "",
    "phase": "",
    "phase_start": "T",
    "phase_end": "T",
    "peak_static": "j0/n",
    "peak_dynamic": "j0/n",
    "max_diff_rel": "1",
    "peak_change": "1",
    "integral_change": "1",
    "max_pointwise_decrease": "1",
}

#: The paper's claim (abstract and text after Fig. 5): at r_s = 6 the dynamic kernel decreases the
#: rotational velocity (perpendicular geometry, V_r) "by up to 40 %" in phases II and III.
PAPER_CLAIM = {"rs": 6.0, "geometry": "perpendicular", "quantity": "v_rel", "phases": ("II", "III"), "decrease": 0.40}
#: A metric within this absolute distance of the claimed 0.40 (i.e. 30-50 %) counts as "about 40 %".
#: A judgement call: the paper does not define its measure.
CLAIM_TOLERANCE = 0.10


def _phase_samples(t: np.ndarray, v: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    m = (t > lo) & (t <= hi)
    return t[m], v[m]


def phase_metrics(
    t_dyn: np.ndarray, v_dyn: np.ndarray, t_stat: np.ndarray, v_stat: np.ndarray, lo: float, hi: float,
    threshold: float = 0.5,
) -> dict[str, float]:
    r"""Dynamic-vs-static comparison of one velocity in one phase :math:`lo < t \le hi`.

    With :math:`V_d` (dynamic kernel) and :math:`V_s` (static kernel) on the phase's samples:

    * ``max_diff_rel`` :math:`= \max|V_d - V_s| / \max|V_s|` (the difference relative to the phase peak);
    * ``peak_change`` :math:`= \max|V_d| / \max|V_s| - 1` (signed; < 0 is a decrease);
    * ``integral_change`` :math:`= \int|V_d|\,dt / \int|V_s|\,dt - 1` (signed, trapezoid rule);
    * ``max_pointwise_decrease`` :math:`= \max(1 - |V_d|/|V_s|)` over the times where
      :math:`|V_s| \ge` ``threshold`` :math:`\cdot\max|V_s|` (where the ratio is meaningful).

    If the two time grids differ, :math:`V_d` and :math:`V_s` are compared on the finer grid's
    samples, the other being interpolated by a cubic spline through its own samples of the phase
    (phases are split at the pulse edges, where V may jump, so no spline crosses a jump).

    Returns
    -------
    dict with the four metrics and ``peak_static``, ``peak_dynamic`` (units of V).
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"pointwise threshold must be in (0, 1], got {threshold!r}")
    td, vd = _phase_samples(np.asarray(t_dyn, float), np.asarray(v_dyn, float), lo, hi)
    ts, vs = _phase_samples(np.asarray(t_stat, float), np.asarray(v_stat, float), lo, hi)
    if td.size < 2 or ts.size < 2:
        raise ValueError(f"phase ({lo:.4g}, {hi:.4g}] a.u. has fewer than 2 samples")
    if td.size == ts.size and np.array_equal(td, ts):
        t, a, b = td, vd, vs
    elif td.size >= ts.size:
        t = td[(td >= ts[0]) & (td <= ts[-1])]
        a, b = vd[(td >= ts[0]) & (td <= ts[-1])], CubicSpline(ts, vs)(t)
    else:
        t = ts[(ts >= td[0]) & (ts <= td[-1])]
        a, b = CubicSpline(td, vd)(t), vs[(ts >= td[0]) & (ts <= td[-1])]
    peak_s, peak_d = float(np.max(np.abs(b))), float(np.max(np.abs(a)))
    strong = np.abs(b) >= threshold * peak_s
    return {
        "peak_static": peak_s,
        "peak_dynamic": peak_d,
        "max_diff_rel": float(np.max(np.abs(a - b)) / peak_s),
        "peak_change": peak_d / peak_s - 1.0,
        "integral_change": float(np.trapezoid(np.abs(a), t) / np.trapezoid(np.abs(b), t) - 1.0),
        "max_pointwise_decrease": float(np.max(1.0 - np.abs(a[strong]) / np.abs(b[strong]))),
    }


def viscous_correction_rows(
    dynamic: Mapping[tuple, xr.Dataset], static: Mapping[tuple, xr.Dataset], threshold: float = 0.5
) -> list[dict]:
    """Rows (columns of :data:`VISCOUS_UNITS`) per (rs, geometry, quantity, phase).

    ``dynamic`` and ``static`` map (rs, geometry) to velocity datasets of the dynamic and the
    static kernel (same rs, same pulse length T).
    """
    rows = []
    for key in sorted(dynamic, key=lambda k: (float(k[0]), k[1])):
        rs, geometry = key
        d, s = dynamic[key], static[key]
        T = float(d.attrs["pulse_duration"])
        if not np.isclose(T, float(s.attrs["pulse_duration"]), rtol=1e-12):
            raise ValueError(f"rs={rs} {geometry}: the two kernels' pulse lengths differ")
        t_end = min(float(d["time"].values[-1]), float(s["time"].values[-1]))
        for quantity in ("v_cm", "v_rel"):
            for phase, (lo, hi) in PHASES.items():
                hi_t = min(hi * T, t_end)
                m = phase_metrics(d["time"].values, d[quantity].values, s["time"].values, s[quantity].values,
                                  lo * T, hi_t, threshold)
                rows.append({"rs": float(rs), "geometry": geometry, "quantity": quantity, "phase": phase,
                             "phase_start": lo, "phase_end": hi_t / T, **m})
    return [{k: r[k] for k in VISCOUS_UNITS} for r in rows]


def claim_verdict(rows: Sequence[Mapping[str, Any]], dynamic: str = "rmcp07", static: str = "mcp07") -> str:
    """A short text checking :data:`PAPER_CLAIM` against the rows of :func:`viscous_correction_rows`.

    Every metric of the claimed phases is quoted; a decrease metric (``max_diff_rel``,
    ``max_pointwise_decrease``, or minus ``peak_change`` / ``integral_change``) within
    :data:`CLAIM_TOLERANCE` of 0.40 is reported as "about 40 %".
    """
    c = PAPER_CLAIM
    sel = [r for r in rows if np.isclose(r["rs"], c["rs"]) and r["geometry"] == c["geometry"]
           and r["quantity"] == c["quantity"]]
    head = (f"Paper's claim (PRL 133, 026301, text after Fig. 5): at r_s = {c['rs']:g} the dynamic kernel decreases "
            f"the rotational velocity ({c['geometry']} geometry, V_r) by up to {100 * c['decrease']:.0f} % in phases "
            f"{' and '.join(c['phases'])}.\nCompared: {dynamic} (dynamic) vs {static} (static).\n")
    if not sel:
        return head + f"Not checked: r_s = {c['rs']:g}, {c['geometry']} is not part of this run.\n"
    lines = [head, "All numbers in % (definitions: viscous_correction.csv caption).",
             "phase  max_diff_rel  peak_change  integral_change  max_pointwise_decrease"]
    by_phase = {r["phase"]: r for r in sel}
    decreases = {}
    for ph in PHASES:
        r = by_phase[ph]
        lines.append(f"{ph:<5}  {100 * r['max_diff_rel']:+12.1f}  {100 * r['peak_change']:+11.1f}  "
                     f"{100 * r['integral_change']:+15.1f}  {100 * r['max_pointwise_decrease']:+22.1f}")
        decreases[ph] = {"max_diff_rel": r["max_diff_rel"], "-peak_change": -r["peak_change"],
                         "-integral_change": -r["integral_change"],
                         "max_pointwise_decrease": r["max_pointwise_decrease"]}
    lines.append("")
    for ph in c["phases"]:
        near = [k for k, v in decreases[ph].items() if abs(v - c["decrease"]) <= CLAIM_TOLERANCE]
        above = [k for k, v in decreases[ph].items() if v > c["decrease"] + CLAIM_TOLERANCE]
        lines.append(
            f"phase {ph}: about 40 % ({100 * (c['decrease'] - CLAIM_TOLERANCE):.0f}-"
            f"{100 * (c['decrease'] + CLAIM_TOLERANCE):.0f} %) by: {', '.join(near) or 'none'}; "
            f"above: {', '.join(above) or 'none'}"
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# 3. Friction, d_eq and omega_vib across densities
# --------------------------------------------------------------------------------------------

#: Relative accuracy requested from scipy's adaptive quad for the Lindhard-Winther integral.
LW_EPSREL = 1e-13


def lindhard_winther_friction(rs: float, z: float = 1.0) -> float:
    r"""RPA friction coefficient of a slow ion of charge z (Lindhard-Winther; equations.md Sec. 3).

    .. math::

        Q = \frac{4 z^2}{3\pi}\int_0^{2k_F}\frac{dq}{q\,\varepsilon_{RPA}(q,0)^2},\qquad
        \varepsilon_{RPA} = 1 - \frac{4\pi}{q^2}\chi_s(q,0),

    by :func:`scipy.integrate.quad` (independent of the package's Gauss-Legendre grids).  Units:
    a.u. of force per velocity, (Ha/bohr)/(bohr/a.u. time) = m_e/(a.u. time).
    """
    kF = ElectronGas(rs).kF

    def integrand(q):
        eps = 1.0 - 4.0 * np.pi / q**2 * float(lindhard(q, 0.0, kF).real)
        return 1.0 / (q * eps * eps)

    val, _ = quad(integrand, 0.0, 2.0 * kF, epsabs=0.0, epsrel=LW_EPSREL, limit=200)
    return 4.0 * z * z / (3.0 * np.pi) * val


def _scalar(value: float, units: str, long_name: str) -> xr.Variable:
    return xr.Variable((), float(value), {"units": units, "long_name": long_name})


def friction_point(
    rs: float, kernel: str, kernel_params: Mapping[str, Any] | None = None, grid: GridSpec | None = None,
    d_min: float = 1.0, d_step: float = 0.05, impurity: Impurity | None = None,
) -> xr.Dataset:
    r"""Statics and friction of one (kernel, r_s) from the static kernel alone.

    Builds :math:`\chi^h(q,0)` (Eq. 15) and the friction density
    :math:`a(q) = -\partial_\omega\mathrm{Im}\chi^h|_0` on the static grid (as
    :func:`~viscous_forces.stages.tabulate_kernel` + :func:`~viscous_forces.stages.compute_chi` do),
    finds the first stable minimum :math:`d_{eq}` of U(d) (Eqs. 9-10; scan from ``d_min`` to
    ``grid.d_max`` in steps ``d_step``, bohr) and returns

    * :math:`Q_0 = \tfrac83\int a\,dq` (single nucleus, Z = 1) and :math:`Q_\parallel, Q_\perp` at
      :math:`d_{eq}` (equations.md Sec. 3), a.u.;
    * the RPA Lindhard-Winther :math:`Q_0` (:func:`lindhard_winther_friction`) as a check column;
    * :math:`k = U''(d_{eq})` (Z1 Z2 = 1) and :math:`\omega_{vib} = \sqrt{Z_1Z_2 k/\mu}` for ``impurity``
      (default proton + deuteron).

    With the workflow's grid and scan settings the numbers equal those of the main chain
    (find_equilibrium, solve_response) at the same r_s.
    """
    gas = ElectronGas(rs)
    kern = get_kernel(kernel)
    p = kern.params(**(kernel_params or {}))
    grid = grid or GridSpec()
    imp = impurity or Impurity(1.0, 1.0, M_PROTON, M_DEUTERON)
    q, w = static_grid(gas.kF, grid)
    chi_s = lindhard(q, 0.0, gas.kF).real
    chi0 = dyson(chi_s, q, kern(q, 0.0, gas.rs, **p).real)
    if np.any(chi0 >= 0):
        raise ValueError(f"static instability: chi^h(q, 0) >= 0 at q = {q[chi0 >= 0][0]:.4g} bohr^-1 ({kernel}, rs = {rs})")
    a = friction_density(q, chi_s, chi0, im_slope(kern, q, gas.rs, **p), gas.kF)
    eq = find_equilibrium(q, w, chi0, d_min=d_min, d_max=grid.d_max, d_step=d_step)
    Q = friction_coefficients(q, w, a, eq.d_eq)
    omega_vib = float(np.sqrt(imp.Z1 * imp.Z2 * eq.spring_constant / imp.mu))
    record = {"rs": gas.rs, "kernel": kernel, "kernel_params": p, "grid": asdict(grid), "d_min": d_min,
              "d_step": d_step, "impurity": asdict(imp)}
    return xr.Dataset(
        {
            "friction_q0": _scalar(Q["J0"], "a.u.", "single-nucleus friction coefficient Q0 (Z = 1)"),
            "friction_q0_lindhard_winther": _scalar(
                lindhard_winther_friction(gas.rs), "a.u.", "RPA Q0, Lindhard-Winther closed form (scipy quad)"),
            "friction_parallel": _scalar(Q["parallel"], "a.u.", "pair friction coefficient Q_parallel(d_eq)"),
            "friction_perpendicular": _scalar(Q["perpendicular"], "a.u.", "pair friction coefficient Q_perpendicular(d_eq)"),
            "d_eq": _scalar(eq.d_eq, "bohr", "equilibrium distance (first stable minimum of U)"),
            "energy_eq": _scalar(eq.energy, "Ha", "U(d_eq) for Z1 Z2 = 1"),
            "spring_constant": _scalar(eq.spring_constant, "Ha/bohr^2", "spring constant k = U''(d_eq) for Z1 Z2 = 1"),
            "omega_vib": _scalar(omega_vib, "Ha", "harmonic vibration frequency sqrt(Z1 Z2 k/mu)"),
            "kF": _scalar(gas.kF, "bohr^-1", "Fermi wave vector"),
            "omega_p": _scalar(gas.omega_p, "Ha", "plasma frequency"),
        },
        attrs={**provenance(record), "rs": gas.rs, "kernel": kernel, "kernel_label": kern.label},
    )


#: Columns of results/tables/friction_sweep.csv (variables of :func:`friction_point`) and units.
FRICTION_UNITS = {
    "kernel": "",
    "rs": "bohr",
    "friction_q0": "a.u.",
    "friction_q0_lindhard_winther": "a.u.",
    "friction_parallel": "a.u.",
    "friction_perpendicular": "a.u.",
    "d_eq": "bohr",
    "energy_eq": "Ha",
    "spring_constant": "Ha/bohr^2",
    "omega_vib": "Ha",
}


def friction_sweep_rows(datasets: Sequence[xr.Dataset]) -> list[dict]:
    """One row per (kernel, rs), sorted, with the columns of :data:`FRICTION_UNITS`."""
    rows = []
    for ds in sorted(datasets, key=lambda d: (d.attrs["kernel"], float(d.attrs["rs"]))):
        row = {"kernel": ds.attrs["kernel"], "rs": float(ds.attrs["rs"])}
        row.update({k: float(ds[k]) for k in FRICTION_UNITS if k not in row})
        rows.append(row)
    return rows


def plot_friction_sweep(datasets: Sequence[xr.Dataset], paths: Sequence[str], opts=None):
    r"""Four panels vs r_s, one line per kernel: (a) :math:`Q_0` (log scale) with the RPA
    Lindhard-Winther values as open circles, (b) :math:`Q_\parallel, Q_\perp` at :math:`d_{eq}`,
    (c) :math:`d_{eq}`, (d) :math:`\omega_{vib}`.  Units on the axes come from the datasets."""
    import matplotlib.pyplot as plt

    from .plotting import PlotOptions, _rc, _save

    opts = opts or PlotOptions()
    by_kernel: dict[str, list[xr.Dataset]] = {}
    for ds in datasets:
        by_kernel.setdefault(ds.attrs["kernel"], []).append(ds)
    ref = datasets[0]

    def label(var, symbol, scale=1.0):
        units = ref[var].attrs["units"]
        return f"{symbol} ({'' if scale == 1 else f'$10^{{{-int(np.log10(scale))}}}$ '}{units})"

    with plt.rc_context(_rc(opts)):
        fig, axes = plt.subplots(2, 2, figsize=(opts.width, 2 * opts.height), sharex=True)
        (ax_q, ax_pair), (ax_d, ax_w) = axes
        for kernel, dss in by_kernel.items():
            dss = sorted(dss, key=lambda d: float(d.attrs["rs"]))
            rs = np.array([float(d.attrs["rs"]) for d in dss])
            get = lambda v: np.array([float(d[v]) for d in dss])  # noqa: E731
            st = opts.style(kernel)
            name = dss[0].attrs.get("kernel_label", kernel)
            ax_q.plot(rs, get("friction_q0"), marker="o", ms=2.5, label=name, **st)
            ax_pair.plot(rs, get("friction_parallel"), marker="o", ms=2.5, **st)
            ax_pair.plot(rs, get("friction_perpendicular"), marker="s", ms=3, mfc="none",
                         **{**st, "linewidth": 0.7 * st["linewidth"]})
            ax_d.plot(rs, get("d_eq"), marker="o", ms=2.5, label=name, **st)
            ax_w.plot(rs, 1e3 * get("omega_vib"), marker="o", ms=2.5, label=name, **st)
        lw = sorted(datasets, key=lambda d: float(d.attrs["rs"]))
        rs_all = np.array([float(d.attrs["rs"]) for d in lw])
        _, keep = np.unique(rs_all, return_index=True)
        ax_q.plot(rs_all[keep], [float(lw[i]["friction_q0_lindhard_winther"]) for i in keep], ls="none",
                  marker="o", ms=6, mfc="none", color="0.3", label="RPA closed form (Lindhard-Winther)")
        ax_q.set_yscale("log")
        ax_q.set_ylabel(label("friction_q0", r"$Q_0$ (Z = 1)"))
        ax_pair.axhline(0.0, color="0.75", lw=0.5, zorder=0)
        ax_pair.set_ylabel(label("friction_parallel", r"$Q_g(d_{eq})$"))
        ax_d.set_ylabel(label("d_eq", r"$d_{eq}$"))
        ax_w.set_ylabel(label("omega_vib", r"$\omega_{vib} = \sqrt{k/\mu}$", 1e3))
        for ax in (ax_d, ax_w):
            ax.set_xlabel(r"density parameter $r_s$ (bohr)")
        titles = ("(a) single-nucleus friction", "(b) pair friction at $d_{eq}$", "(c) equilibrium distance",
                  "(d) harmonic vibration frequency")
        for ax, title in zip(axes.ravel(), titles):
            ax.set_title(title, loc="left", fontsize=opts.font_size)
        ax_q.legend(frameon=False, fontsize=opts.font_size - 2)
        markers = [plt.Line2D([], [], color="0.3", marker="o", ms=3, ls="none", label=r"$Q_\parallel$"),
                   plt.Line2D([], [], color="0.3", marker="s", ms=3, mfc="none", ls="none", label=r"$Q_\perp$")]
        ax_pair.legend(handles=markers, frameon=False, fontsize=opts.font_size - 1, loc="lower right")
        fig.suptitle("Friction, equilibrium distance and vibration frequency across densities", fontsize=opts.font_size)
        fig.tight_layout()
        _save(fig, paths, opts.dpi)
    return fig
