r"""Vibration frequency and damping of the impurity: three independent determinations.

(a) the Markov (constant-friction) model, (b) the poles of the frequency-domain solution with the
frequency-dependent :math:`\tilde J = J/\omega`, and (c) a least-squares fit of the time-domain
velocities after the pulse is switched off (:func:`markov_modes`, :func:`response_poles`,
:func:`fit_modes`, :func:`vibration_rows`).

Conventions: Hartree atomic units; a mode is a pole :math:`\omega = \Omega - i\Gamma` of the
response (time dependence :math:`e^{-i\omega t}`), i.e. a term :math:`e^{-\Gamma t}\cos(\Omega t + \phi)`
in the velocities: :math:`\Omega` (Ha) is its angular frequency and :math:`\Gamma` (1/a.u. of time)
its *amplitude* damping rate (docs/theory.md, "Markov limit").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..core.dynamics import MarkovModel, combinations, interpolate_jtilde
from ..stages.response import impurity_of, markov_model

#: Names of the purely damped (real-eigenvalue) modes per geometry, slowest first.  Parallel: the
#: c.m. drift mode ("translation", slightly mixed with the relative motion); perpendicular: two
#: over-damped mixtures of c.m. drift and rotation (docs/theory.md, "Markov limit").
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
        """Whether the mode oscillates.

        Returns
        -------
        bool
            True if :math:`\\Omega > 0`, False for a purely damped mode.
        """
        return self.frequency > 0

    @property
    def pole(self) -> complex:
        """The pole as a complex number.

        Returns
        -------
        complex
            :math:`\\omega = \\Omega - i\\Gamma` (Ha).
        """
        return complex(self.frequency, -self.rate)


def markov_modes(model: MarkovModel, geometry: str) -> list[Mode]:
    r"""The modes of the constant-friction ODE (docs/theory.md, "Markov limit"), from the eigenvalues of A.

    An eigenvalue :math:`\lambda` of A is a pole :math:`\omega = i\lambda`; a complex pair
    :math:`\lambda = -\Gamma \pm i\Omega` is one oscillating mode (frequency :math:`\Omega`,
    amplitude damping rate :math:`\Gamma`), a real :math:`\lambda = -\Gamma` a purely damped one.
    Oscillating modes come first, then the real ones sorted by rate (slowest first).

    Parameters
    ----------
    model : MarkovModel
        The constant-friction model (:func:`viscous_forces.stages.response.markov_model`).
    geometry : str
        ``"parallel"`` or ``"perpendicular"``; names the purely damped modes
        (:data:`REAL_MODE_NAMES`).

    Returns
    -------
    list of Mode
        ``"vibration"`` (and ``"vibration_2"``, ... if any) first, then the damped modes.
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

    :math:`\tilde J = J/\omega` of Eqs. (12)-(13) (docs/theory.md, "Equations of motion" and
    "Numerical grids").

    On the real axis it is the spline of :func:`viscous_forces.core.dynamics.interpolate_jtilde` (cubic in
    :math:`\ln\omega` on the J grid, linear to its exact limit :math:`-iQ` at 0), exactly the
    interpolation :func:`~viscous_forces.stages.response.solve_response` used to build G; for negative real
    parts the symmetry :math:`\tilde J(-x) = -\tilde J(x)^*` (from :math:`J(-\omega) = J(\omega)^*`).

    Parameters
    ----------
    omega_j : numpy.ndarray
        The J-grid frequencies (Ha), > 0.
    jt : numpy.ndarray
        :math:`\tilde J = J/\omega` on that grid (complex, electron_mass/atomic_unit_of_time).
    friction : float
        Its exact limit at 0 is :math:`-iQ` with Q = ``friction`` (same unit).

    Returns
    -------
    callable
        ``at(z: complex) -> complex``, :math:`\tilde J(\mathrm{Re}\,z)`.
    """

    def at(z: complex) -> complex:
        x = float(np.real(z))
        if x == 0.0:
            return complex(-1j * friction)
        val = complex(interpolate_jtilde(omega_j, jt, friction, np.array([abs(x)]))[0])
        return val if x > 0 else -val.conjugate()

    return at


def pole_function(z: complex, jt0: complex, jtg: complex, spring: float, imp) -> complex:
    r""":math:`z\,\det A(z)` of the 2x2 system of Eqs. (12)-(13) (docs/theory.md, "Equations of motion").

    .. math::

        z\det A = \big(-z + \tilde S_c/M_c\big)\big(-z^2 + z\tilde S_r/M_c + \lambda_g/\mu\big)
                  - z\,\frac{\tilde X_c}{M_c^2}\,\tilde X_r ,

    with :math:`\tilde S, \tilde X` the combinations of :math:`\tilde J_0, \tilde J_g` and
    :math:`\lambda_g` the restoring constant (Ha/bohr^2).  Multiplying by z removes the
    :math:`\lambda_g/(\mu z)` pole at 0; for :math:`\lambda_g = 0` (perpendicular) it adds a spurious
    root z = 0 (the free rotation angle) that the pole search never starts from.

    Parameters
    ----------
    z : complex
        Complex frequency (Ha).
    jt0, jtg : complex
        :math:`\tilde J_0` and :math:`\tilde J_g` at z (electron_mass/atomic_unit_of_time).
    spring : float
        Restoring constant :math:`\lambda_g` (Ha/bohr^2), 0 for the perpendicular geometry.
    imp : Impurity
        Charges and masses of the two nuclei.

    Returns
    -------
    complex
        :math:`z\det A(z)`, zero at a pole of G.
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
        Output of :func:`viscous_forces.stages.response.solve_response`.
    guesses : sequence of Mode, optional
        Starting points (default: :func:`markov_modes` of the dataset's Markov model).

    Returns
    -------
    list of Mode
        The poles, in the order of ``guesses`` (frequency in Ha, rate in 1/a.u. of time).

    Raises
    ------
    RuntimeError
        If the secant iteration does not converge.
    """
    geometry = response_ds.attrs["geometry"]
    imp = impurity_of(response_ds)
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
    amplitude has dropped by :math:`e^{-\mathrm{efolds}}`.

    Parameters
    ----------
    guesses : sequence of Mode
        The modes to be fitted.
    efolds : float
        Window length in decay times of the reference mode (config ``analysis.fit_efolds``), > 0.

    Returns
    -------
    float
        Window length (a.u. of time).

    Raises
    ------
    ValueError
        If ``efolds`` is not > 0.
    """
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
    The modes are those of docs/theory.md, "Markov limit".

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

    Returns
    -------
    ModeFit
        The fitted modes (frequency in Ha, rate in 1/a.u. of time), the window length, the number of
        samples per series and the rms residual.

    Raises
    ------
    ValueError
        If the window holds fewer than 5 samples per fitted parameter.
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

    from scipy.optimize import least_squares  # lazy: ~0.2 s to import

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

    Parameters
    ----------
    responses : mapping
        (kernel, rs, geometry) -> response dataset (:func:`~viscous_forces.stages.response.solve_response`).
    velocities : mapping
        (kernel, rs, geometry) -> velocity dataset (:func:`~viscous_forces.stages.velocity.compute_velocity`).
    efolds : float
        Fit window length in decay times (config ``analysis.fit_efolds``).

    Returns
    -------
    list of dict
        Rows of ``results/tables/vibrations.csv``, sorted by kernel, rs and geometry: the Markov,
        pole and fitted frequency (Ha) and amplitude damping rate (1/a.u. of time) of every mode,
        the relative differences fit/pole - 1, the fit window (a.u. of time) and rms.
    """
    rows = []
    for key in sorted(responses, key=lambda k: (k[0], float(k[1]), k[2])):
        kernel, rs, geometry = key
        r, v = responses[key], velocities[key]
        markov = markov_modes(markov_model(r), geometry)
        poles = response_poles(r, markov)
        try:
            fit = fit_modes(
                v["time"].values,
                [v["v_cm"].values, v["v_rel"].values],
                float(v.attrs["pulse_duration"]),
                poles,
                efolds,
            )
        except ValueError:  # too few samples in the window: report the fit as missing (NaN)
            nan = float("nan")
            fit = ModeFit([Mode(p.name, nan, nan) for p in poles], nan, 0, nan)
        harmonic = float(r["omega_vib"]) if "omega_vib" in r else float("nan")
        for m, p, f in zip(markov, poles, fit.modes):
            rows.append(
                {
                    "kernel": kernel,
                    "rs": float(rs),
                    "geometry": geometry,
                    "mode": m.name,
                    "harmonic_frequency": harmonic if m.oscillating else float("nan"),
                    "markov_frequency": m.frequency,
                    "markov_rate": m.rate,
                    "pole_frequency": p.frequency,
                    "pole_rate": p.rate,
                    "fit_frequency": f.frequency,
                    "fit_rate": f.rate,
                    "fit_vs_pole_frequency": _rel(f.frequency, p.frequency) if p.oscillating else float("nan"),
                    "fit_vs_pole_rate": _rel(f.rate, p.rate),
                    "fit_window": fit.window,
                    "fit_rms": fit.rms,
                }
            )
    return rows
