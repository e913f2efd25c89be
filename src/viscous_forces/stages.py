r"""The workflow's stages as functions: labelled ``xarray.Dataset`` in, ``xarray.Dataset`` out.

Each function is one stage of the Snakemake workflow (the rule of the same name calls it) and
can equally be used from a script:

1. :func:`tabulate_kernel` - f_xc on the static and per-frequency q-quadrature grids;
2. :func:`compute_chi` - chi^h of Eq. (15) on the same grids, and the friction density;
3. :func:`find_equilibrium` - U(d), F(d), d_eq and U''(d_eq), Eqs. (9)-(10);
4. :func:`solve_response` - J integrals, friction, G_c(omega), G_r(omega), Eqs. (12)-(13);
5. :func:`derive_pulse` - the default pulse length from the RPA Markov rates;
6. :func:`compute_velocity` - V_c(t), V_r(t) for the rectangular pulse, Eq. (14).

Hartree atomic units throughout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

import numpy as np
import xarray as xr

from .dynamics import (
    Impurity,
    MarkovModel,
    check_geometry,
    dc_limit,
    direct_field_sign,
    friction_coefficients,
    friction_density,
    j_integrals,
    solve_response as solve_2x2,
)
from .electron_gas import ElectronGas
from .io import parameters, provenance
from .kernels import get_kernel, im_slope
from .lindhard import lindhard
from .quadrature import GridSpec, dynamic_grid, static_grid
from .response import dyson
from .statics import find_equilibrium as _find_equilibrium
from .statics import pair_statics
from .timedomain import Pulse, RectangularPulse, StepResponse, pulse_response, response_frequency_grid

#: Smallest |1 - (4 pi/q^2 + f_xc) chi_s| accepted on the dynamic grid: a smaller value means a
#: (plasmon) pole of chi^h on or next to the real q axis that the quadrature cannot integrate.
MIN_DIELECTRIC = 1e-3


def _var(dims, values, units: str, long_name: str, **extra) -> xr.Variable:
    return xr.Variable(dims, values, {"units": units, "long_name": long_name, **extra})


def _scalar(value: float, units: str, long_name: str) -> xr.Variable:
    return xr.Variable((), float(value), {"units": units, "long_name": long_name})


@dataclass(frozen=True)
class FrequencySpec:
    """Frequency range of the J integrals and of G (in units of the plasma frequency).

    Attributes
    ----------
    omega_max : float
        Largest frequency, units of omega_p (the nuclear dynamics lives below ~1e-2 omega_p;
        beyond omega_max the analytic 1/omega tail of G is used).
    omega_min : float
        Smallest non-zero J-grid frequency, units of omega_p (below it J/omega is interpolated
        linearly to its exact omega -> 0 limit, -i Q).
    points_per_decade : int
        Logarithmic density of the J grid.
    """

    omega_max: float = 0.5
    omega_min: float = 1e-6
    points_per_decade: int = 8

    def __post_init__(self) -> None:
        if not (0 < self.omega_min < self.omega_max <= 0.9):
            raise ValueError(
                "frequency grid needs 0 < omega_min < omega_max <= 0.9 (units of omega_p), "
                f"got omega_min={self.omega_min!r}, omega_max={self.omega_max!r}"
            )
        if not (2 <= self.points_per_decade <= 200):
            raise ValueError(f"frequency.points_per_decade must be in [2, 200], got {self.points_per_decade!r}")

    def grid(self, omega_p: float) -> np.ndarray:
        """Log-spaced J-grid frequencies (Ha)."""
        decades = np.log10(self.omega_max / self.omega_min)
        n = int(np.ceil(decades * self.points_per_decade)) + 1
        return omega_p * np.geomspace(self.omega_min, self.omega_max, n)


# --------------------------------------------------------------------------------------------
# 1. kernel
# --------------------------------------------------------------------------------------------


def tabulate_kernel(
    rs: float, kernel: str, params: Mapping[str, Any] | None = None, grid: GridSpec | None = None,
    frequency: FrequencySpec | None = None,
) -> xr.Dataset:
    """Tabulate f_xc on the static grid (omega = 0, with the slope d Im f/d omega) and on the
    per-frequency J-integral grids.  Validates every argument before computing."""
    gas = ElectronGas(rs)
    kern = get_kernel(kernel)
    p = kern.params(**(params or {}))
    grid = grid or GridSpec()
    frequency = frequency or FrequencySpec()
    qs, ws = static_grid(gas.kF, grid)
    om = frequency.grid(gas.omega_p)
    qd, wd = dynamic_grid(om, gas.kF, grid)
    f_static = kern(qs, 0.0, gas.rs, **p)
    f_dyn = kern(qd, om[:, None], gas.rs, **p)
    f_dyn0 = kern(qd, 0.0, gas.rs, **p)
    record = {"rs": gas.rs, "kernel": kernel, "kernel_params": p, "grid": asdict(grid), "frequency": asdict(frequency)}
    ds = xr.Dataset(
        {
            "weight_static": _var("q_static", ws, "bohr^-1", "Gauss-Legendre weight of the static q grid"),
            "fxc_static": _var("q_static", f_static.real, "Ha bohr^3", f"f_xc(q, omega=0), {kern.label}"),
            "fxc_slope": _var(
                "q_static", im_slope(kern, qs, gas.rs, **p), "bohr^3",
                f"d Im f_xc/d omega at omega = 0, {kern.label}",
            ),
            "q_dyn": _var(("omega", "node"), qd, "bohr^-1", "q node of the J-integral grid at each frequency"),
            "weight_dyn": _var(("omega", "node"), wd, "bohr^-1", "Gauss-Legendre weight of the J-integral grid"),
            "fxc": _var(("omega", "node"), f_dyn, "Ha bohr^3", f"f_xc(q, omega), {kern.label}"),
            "fxc_zero": _var(("omega", "node"), f_dyn0.real, "Ha bohr^3", f"f_xc(q, 0) on the J-integral grid, {kern.label}"),
        },
        coords={
            "q_static": ("q_static", qs, {"units": "bohr^-1", "long_name": "q node of the static grid"}),
            "omega": ("omega", om, {"units": "Ha", "long_name": "frequency of the J-integral grid"}),
            "node": ("node", np.arange(qd.shape[1]), {"units": "1", "long_name": "node index"}),
        },
        attrs={**provenance(record), "rs": gas.rs, "kernel": kernel, "kernel_label": kern.label},
    )
    return ds


# --------------------------------------------------------------------------------------------
# 2. chi
# --------------------------------------------------------------------------------------------


def compute_chi(kernel_ds: xr.Dataset) -> xr.Dataset:
    """chi^h (Eq. 15) on the kernel's grids, the friction density a(q), and stability checks.

    Raises
    ------
    ValueError
        If chi^h(q, 0) >= 0 somewhere (static instability) or the dielectric denominator comes
        within MIN_DIELECTRIC of zero on the dynamic grid (a plasmon pole below omega_max).
    """
    gas = ElectronGas(float(kernel_ds.attrs["rs"]))
    kF = gas.kF
    qs = kernel_ds["q_static"].values
    qd = kernel_ds["q_dyn"].values
    om = kernel_ds["omega"].values
    f_static = kernel_ds["fxc_static"].values
    fxc = kernel_ds["fxc"].values
    chi_s_static = lindhard(qs, 0.0, kF).real
    chi_static = dyson(chi_s_static, qs, f_static)
    if np.any(chi_static >= 0):
        bad = qs[chi_static >= 0][0]
        raise ValueError(f"static instability: chi^h(q, 0) >= 0 at q = {bad:.4g} bohr^-1 (kernel {kernel_ds.attrs['kernel']}, rs = {gas.rs})")
    a = friction_density(qs, chi_s_static, chi_static, kernel_ds["fxc_slope"].values, kF)
    chi_s = lindhard(qd, om[:, None], kF)
    eps = 1.0 - (4.0 * np.pi / qd**2 + fxc) * chi_s
    if np.min(np.abs(eps)) < MIN_DIELECTRIC:
        k = np.unravel_index(np.argmin(np.abs(eps)), eps.shape)
        raise ValueError(
            f"|1 - (4 pi/q^2 + f_xc) chi_s| = {np.abs(eps)[k]:.2e} < {MIN_DIELECTRIC} at omega = {om[k[0]]:.4g} Ha, "
            f"q = {qd[k]:.4g} bohr^-1: a plasmon pole below frequency.omega_max; lower it"
        )
    chi = chi_s / eps
    chi_s0 = lindhard(qd, 0.0, kF).real
    chi_zero = dyson(chi_s0, qd, kernel_ds["fxc_zero"].values)
    label = kernel_ds.attrs["kernel_label"]
    record = parameters(kernel_ds)
    ds = xr.Dataset(
        {
            "weight_static": kernel_ds["weight_static"].variable,
            "chi_static": _var("q_static", chi_static, "Ha^-1 bohr^-3", f"chi^h(q, 0), {label}, Eq. (15)"),
            "friction_density": _var(
                "q_static", a, "Ha^-2 bohr^-3",
                "a(q) = -d Im chi^h/d omega at omega = 0 (friction density)",
            ),
            "q_dyn": kernel_ds["q_dyn"].variable,
            "weight_dyn": kernel_ds["weight_dyn"].variable,
            "chi": _var(("omega", "node"), chi, "Ha^-1 bohr^-3", f"chi^h(q, omega), {label}, Eq. (15)"),
            "chi_zero": _var(("omega", "node"), chi_zero, "Ha^-1 bohr^-3", f"chi^h(q, 0) on the J-integral grid, {label}"),
        },
        coords={name: kernel_ds.coords[name].variable for name in ("q_static", "omega", "node")},
        attrs={**provenance(record), "rs": gas.rs, "kernel": kernel_ds.attrs["kernel"], "kernel_label": label,
               "min_dielectric": float(np.min(np.abs(eps)))},
    )
    return ds


# --------------------------------------------------------------------------------------------
# 3. equilibrium
# --------------------------------------------------------------------------------------------


def find_equilibrium(
    chi_ds: xr.Dataset, d_min: float = 1.0, d_max: float = 30.0, d_step: float = 0.05,
    curve: tuple[float, float, int] = (2.0, 14.0, 601), z1z2: float = 1.0,
) -> xr.Dataset:
    """d_eq, U(d_eq), k = U''(d_eq) and the curves U(d), F(d) (Eqs. 9-10) for ``Z1 Z2 = z1z2``."""
    q = chi_ds["q_static"].values
    w = chi_ds["weight_static"].values
    chi0 = chi_ds["chi_static"].values
    eq = _find_equilibrium(q, w, chi0, d_min=d_min, d_max=d_max, d_step=d_step, z1z2=z1z2)
    lo, hi, n = curve
    if not (0 < lo < hi) or int(n) < 2:
        raise ValueError(f"equilibrium curve must be (d_lo, d_hi, n) with 0 < d_lo < d_hi, n >= 2; got {curve!r}")
    d = np.linspace(lo, hi, int(n))
    U, F, U2 = pair_statics(d, q, w, chi0, z1z2)
    record = {**parameters(chi_ds), "d_scan": [d_min, d_max, d_step], "curve": [lo, hi, int(n)], "z1z2": z1z2}
    label = chi_ds.attrs["kernel_label"]
    return xr.Dataset(
        {
            "U": _var("d", U, "Ha", f"pair potential U(d), Eq. (10), {label}"),
            "F": _var("d", F, "Ha/bohr", f"pair force F(d) = -dU/dd, Eq. (9), {label}"),
            "U2": _var("d", U2, "Ha/bohr^2", f"curvature U''(d), {label}"),
            "d_eq": _scalar(eq.d_eq, "bohr", "equilibrium distance (first stable minimum of U)"),
            "spring_constant": _scalar(eq.spring_constant, "Ha/bohr^2", "spring constant k = U''(d_eq)"),
            "energy_eq": _scalar(eq.energy, "Ha", "U(d_eq)"),
            "force_residual": _scalar(eq.force_residual, "Ha/bohr", "F(d_eq) (root accuracy)"),
        },
        coords={"d": ("d", d, {"units": "bohr", "long_name": "internuclear distance d"})},
        attrs={**provenance(record), "rs": chi_ds.attrs["rs"], "kernel": chi_ds.attrs["kernel"], "kernel_label": label},
    )


# --------------------------------------------------------------------------------------------
# 4. response
# --------------------------------------------------------------------------------------------


def interpolate_jtilde(omega_j: np.ndarray, jt: np.ndarray, friction: float, omega: np.ndarray) -> np.ndarray:
    r"""J/omega at ``omega`` from its values on the log-spaced J grid and its exact limit -iQ at 0.

    Cubic spline in :math:`\ln\omega` on the J grid; linear between 0 and the first grid point
    (J/omega = -iQ + O(omega)).
    """
    from scipy.interpolate import CubicSpline  # imported here: scipy.interpolate costs ~0.25 s

    spline = CubicSpline(np.log(omega_j), jt)
    out = np.empty(omega.shape, complex)
    above = omega >= omega_j[0]
    out[above] = spline(np.log(omega[above]))
    lo = ~above
    frac = omega[lo] / omega_j[0]
    out[lo] = (1 - frac) * (-1j * friction) + frac * jt[0]
    return out


def solve_response(
    chi_ds: xr.Dataset, eq_ds: xr.Dataset, impurity: Impurity, geometry: str,
    direct_field: str = "printed", frequency: FrequencySpec | None = None, density: float = 1.0,
) -> xr.Dataset:
    """J integrals at d_eq, friction coefficients, Markov modes and G(omega) on a grid resolving them.

    ``density`` scales the number of response frequencies (2 doubles them, for convergence
    checks).  The returned G includes omega = 0 where G = (1/n, 0) exactly.
    """
    check_geometry(geometry)
    sigma = direct_field_sign(direct_field)
    frequency = frequency or FrequencySpec()
    gas = ElectronGas(float(chi_ds.attrs["rs"]))
    d_eq = float(eq_ds["d_eq"])
    grid_record = parameters(chi_ds).get("grid", {})
    d_max_dyn = grid_record.get("d_max", np.inf)
    if d_eq > d_max_dyn:
        raise ValueError(f"d_eq = {d_eq:.3f} bohr exceeds grid.d_max = {d_max_dyn} bohr of the J-integral grid")
    # Spring constant for unit charges scaled to this impurity: U is proportional to Z1 Z2.
    z1z2_eq = parameters(eq_ds).get("z1z2", 1.0)
    k_unit = float(eq_ds["spring_constant"]) / z1z2_eq
    spring = impurity.Z1 * impurity.Z2 * k_unit if geometry == "parallel" else 0.0
    om_j = chi_ds["omega"].values
    delta_chi = chi_ds["chi"].values - chi_ds["chi_zero"].values
    J = j_integrals(chi_ds["q_dyn"].values, chi_ds["weight_dyn"].values, delta_chi, d_eq)
    Q = friction_coefficients(chi_ds["q_static"].values, chi_ds["weight_static"].values,
                              chi_ds["friction_density"].values, d_eq)
    markov = MarkovModel.build(Q, spring, impurity, sigma, geometry)
    lam = markov.eigenvalues
    rates = np.sort(-lam.real)
    omega_max = frequency.omega_max * gas.omega_p
    if omega_max > om_j[-1] * (1 + 1e-12):
        raise ValueError(f"frequency.omega_max = {frequency.omega_max} omega_p exceeds the J grid of the chi file")
    if geometry == "parallel":
        omega_vib = float(np.sqrt(spring / impurity.mu))
        osc = lam[np.abs(lam.imag) > 0]
        vib_width = float(-osc.real.mean()) if osc.size else float(rates.min())
    else:
        omega_vib, vib_width = None, None
    omega = response_frequency_grid(rates, omega_max, omega_vib, vib_width, density)
    # Accuracy guard: piecewise-linear Filon integration of G needs the narrowest feature (the
    # friction peak of half-width Gamma_min, the resonance of half-width Gamma_r/2) sampled at
    # <= half its width; a coarser grid would silently bias V(t) by more than ~1e-4 j0/n.
    features = [(0.0, float(rates.min()))] + ([(omega_vib, vib_width)] if omega_vib is not None else [])
    for centre, width in features:
        near = omega[np.abs(omega - centre) <= 3 * width]
        spacing = np.max(np.diff(near)) if near.size > 1 else np.inf
        if spacing > 0.5 * width:
            raise ValueError(
                f"frequency.response_density = {density} is too coarse: spacing {spacing:.3g} Ha near "
                f"omega = {centre:.3g} Ha exceeds half the feature width {width:.3g} Ha; use >= 0.5"
            )
    jt0 = interpolate_jtilde(om_j, J["J0"] / om_j, Q["J0"], omega[1:])
    jtg = interpolate_jtilde(om_j, J[geometry] / om_j, Q[geometry], omega[1:])
    Gc, Gr = solve_2x2(omega[1:], jt0, jtg, spring, impurity, gas.n, sigma)
    G0c, G0r = dc_limit(gas.n)
    Gc = np.concatenate([[G0c], Gc])
    Gr = np.concatenate([[G0r], Gr])
    record = {**parameters(eq_ds), "impurity": asdict(impurity), "geometry": geometry,
              "direct_field": direct_field, "frequency": asdict(frequency), "density": density}
    label = chi_ds.attrs["kernel_label"]
    data = {
        "G_c": _var("omega", Gc, "bohr^3", "c.m. velocity per unit current density, G_c = dV_c/dj"),
        "G_r": _var("omega", Gr, "bohr^3", "relative velocity per unit current density, G_r = dV_r/dj"),
        "J0_tilde": _var("omega_j", J["J0"] / om_j, "Ha^-2 bohr^-4", "J_0(omega)/omega"),
        "Jg_tilde": _var("omega_j", J[geometry] / om_j, "Ha^-2 bohr^-4", f"J_{geometry}(omega)/omega"),
        "friction_q0": _scalar(Q["J0"], "a.u. (Ha^-2 bohr^-4)", "single-nucleus friction coefficient Q0 (Z = 1)"),
        "friction_qg": _scalar(Q[geometry], "a.u. (Ha^-2 bohr^-4)", f"pair friction coefficient Q_{geometry}(d_eq)"),
        "spring": _scalar(spring, "Ha/bohr^2", "restoring constant lambda_g (U''(d_eq) parallel, 0 perpendicular)"),
        "d_eq": _scalar(d_eq, "bohr", "equilibrium distance"),
        "density": _scalar(gas.n, "bohr^-3", "electron density n"),
        "sigma": _scalar(sigma, "1", "sign of the direct-field terms (+1 printed, -1 derived)"),
        "markov_rate": _var("mode", rates, "Ha (1/a.u. time)", "Markov decay rates -Re(lambda)"),
        "markov_frequency": _var("mode", np.abs(lam.imag)[np.argsort(-lam.real)], "Ha", "Markov mode frequencies |Im(lambda)|"),
    }
    for key in ("Z1", "Z2", "M1", "M2"):
        data[key] = _scalar(getattr(impurity, key), "e" if key[0] == "Z" else "m_e", f"impurity {key}")
    if omega_vib is not None:
        data["omega_vib"] = _scalar(omega_vib, "Ha", "harmonic vibration frequency sqrt(k/mu)")
    return xr.Dataset(
        data,
        coords={
            "omega": ("omega", omega, {"units": "Ha", "long_name": "frequency"}),
            "omega_j": ("omega_j", om_j, {"units": "Ha", "long_name": "frequency of the J-integral grid"}),
            "mode": ("mode", np.arange(rates.size), {"units": "1", "long_name": "Markov mode index"}),
        },
        attrs={**provenance(record), "rs": gas.rs, "kernel": chi_ds.attrs["kernel"], "kernel_label": label,
               "geometry": geometry},
    )


def markov_model(response_ds: xr.Dataset) -> MarkovModel:
    """Rebuild the constant-friction model of a response dataset."""
    imp = Impurity(*(float(response_ds[k]) for k in ("Z1", "Z2", "M1", "M2")))
    geometry = response_ds.attrs["geometry"]
    Q = {"J0": float(response_ds["friction_q0"]), geometry: float(response_ds["friction_qg"])}
    return MarkovModel.build(Q, float(response_ds["spring"]), imp, float(response_ds["sigma"]), geometry)


# --------------------------------------------------------------------------------------------
# 5. pulse
# --------------------------------------------------------------------------------------------


def derive_pulse(response_datasets: list[xr.Dataset], decay_times: float = 5.0) -> float:
    """Default pulse length T = decay_times / (slowest non-zero Markov decay rate of the datasets).

    equations.md Sec. 4.5: T ~ 5/Gamma_slowest lets the c.m. saturate and the vibrations and the
    rotation decay before mid-pulse.
    """
    if not decay_times > 0:
        raise ValueError(f"pulse.decay_times must be > 0, got {decay_times!r}")
    rates = np.concatenate([ds["markov_rate"].values for ds in response_datasets])
    rates = rates[rates > 0]
    if rates.size == 0:
        raise ValueError("no positive Markov decay rate to derive the pulse length from")
    return float(decay_times / rates.min())


# --------------------------------------------------------------------------------------------
# 6. velocity
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeSpec:
    """Time sampling: t in [-before T, after T] with at least ``points_per_period`` points per
    vibration period and at least ``min_points_per_pulse`` per pulse length."""

    before: float = 0.1
    after: float = 2.0
    points_per_period: int = 24
    min_points_per_pulse: int = 500

    def __post_init__(self) -> None:
        if not (0 <= self.before <= 10 and 1 <= self.after <= 100):
            raise ValueError(f"time window needs 0 <= before <= 10 and 1 <= after <= 100 (units of T), got {self}")
        if not (4 <= self.points_per_period <= 1000 and 10 <= self.min_points_per_pulse <= 10**6):
            raise ValueError(f"time sampling out of range: {self}")


def compute_velocity(response_ds: xr.Dataset, pulse: Pulse | float, time: TimeSpec | None = None,
                     omega_vib: float | None = None) -> xr.Dataset:
    """V_c(t), V_r(t) in units of the drift velocity j0/n for a current pulse (Eq. 14 by default).

    ``pulse`` is a :class:`~viscous_forces.timedomain.Pulse` or a float T (rectangular pulse of
    Eq. 14).  The time grid is uniform, t = k dt with T an exact multiple of dt, so the step
    response S(t) is evaluated once (Filon, on the lags l dt) and the pulse response is a
    superposition of shifted copies (jumps) and a convolution (smooth parts).  The Markov
    (constant-friction) solution is superposed in the same way as an independent reference.
    """
    if not isinstance(pulse, Pulse):
        pulse = RectangularPulse(float(pulse))
    time = time or TimeSpec()
    n = float(response_ds["density"])
    if omega_vib is None and "omega_vib" in response_ds:
        omega_vib = float(response_ds["omega_vib"])
    T = pulse.duration
    m = time.min_points_per_pulse
    fastest = max(omega_vib or 0.0, getattr(pulse, "frequency", 0.0))
    if fastest:
        m = max(m, int(np.ceil(T * fastest / (2 * np.pi) * time.points_per_period)))
    for scale in (getattr(pulse, "rise_time", None), getattr(pulse, "width", None)):
        if scale:  # resolve the smooth edges by at least 20 points
            m = max(m, int(np.ceil(20 * T / scale)))
    dt = T / m
    lo, hi = pulse.window()
    k0 = min(-int(np.ceil(time.before * m)), int(np.floor(lo / dt)) - 1)
    k = np.arange(k0, int(np.ceil(time.after * m)) + 1)
    t = k * dt
    lags = np.arange(0, k[-1] - k[0] + 1)
    omega = response_ds["omega"].values
    G = np.stack([response_ds["G_c"].values, response_ds["G_r"].values], axis=1)
    step = StepResponse(omega, G, np.array([1.0 / n, 0.0]))
    S = np.zeros((lags.size, 2))
    S[1:] = step(lags[1:] * dt)
    V = n * pulse_response(S, pulse, k, dt)
    markov = markov_model(response_ds)
    Vm = pulse_response(markov.step_response(lags * dt)[:, :2], pulse, k, dt)
    record = {**parameters(response_ds), "pulse": {"shape": type(pulse).__name__, **asdict(pulse)},
              "time": asdict(time)}
    label = response_ds.attrs["kernel_label"]
    geometry = response_ds.attrs["geometry"]
    return xr.Dataset(
        {
            "v_cm": _var("time", V[:, 0], "j0/n", f"c.m. velocity V_c(t), {label}, {geometry}"),
            "v_rel": _var("time", V[:, 1], "j0/n", f"relative velocity V_r(t) = V_2 - V_1, {label}, {geometry}"),
            "v_cm_markov": _var("time", Vm[:, 0], "j0/n", "c.m. velocity, constant-friction (Markov) ODE"),
            "v_rel_markov": _var("time", Vm[:, 1], "j0/n", "relative velocity, constant-friction (Markov) ODE"),
            "pulse": _var("time", pulse.shape(t), "j0", "current pulse j(t)/j0"),
        },
        coords={"time": ("time", t, {"units": "a.u. of time (2.418884e-17 s)", "long_name": "time t"})},
        attrs={**provenance(record), "rs": response_ds.attrs["rs"], "kernel": response_ds.attrs["kernel"],
               "kernel_label": label, "geometry": geometry, "pulse_duration": T,
               "pulse_duration_units": "a.u. of time", "pulse_shape": type(pulse).__name__},
    )


# --------------------------------------------------------------------------------------------
# 7. summary table
# --------------------------------------------------------------------------------------------

#: Columns of results/tables/summary.csv and their units.
SUMMARY_UNITS = {
    "kernel": "",
    "rs": "bohr",
    "d_eq": "bohr",
    "energy_eq": "Ha",
    "spring_constant": "Ha/bohr^2",
    "omega_vib": "Ha",
    "vib_period_fs": "fs",
    "friction_q0": "a.u.",
    "friction_parallel": "a.u.",
    "friction_perpendicular": "a.u.",
    "slowest_rate_parallel": "1/a.u. time",
    "slowest_rate_perpendicular": "1/a.u. time",
    "pulse_duration": "a.u. time",
}


def summary_rows(equilibria: list[xr.Dataset], responses: list[xr.Dataset], pulses: list[xr.Dataset]) -> list[dict]:
    """One row per (kernel, rs) with the columns of :data:`SUMMARY_UNITS` (NaN where a geometry
    was not computed).  omega_vib = sqrt(k/mu) uses the impurity of the response datasets."""
    from .constants import AU_TIME_FS

    T = {float(p.attrs["rs"]): float(p["pulse_duration"]) for p in pulses}
    resp = {(r.attrs["kernel"], float(r.attrs["rs"]), r.attrs["geometry"]): r for r in responses}
    rows = []
    for eq in sorted(equilibria, key=lambda e: (e.attrs["kernel"], float(e.attrs["rs"]))):
        kernel, rs = eq.attrs["kernel"], float(eq.attrs["rs"])
        row = {"kernel": kernel, "rs": rs, "d_eq": float(eq["d_eq"]), "energy_eq": float(eq["energy_eq"]),
               "spring_constant": float(eq["spring_constant"])}
        any_resp = next((resp[(kernel, rs, g)] for g in ("parallel", "perpendicular") if (kernel, rs, g) in resp), None)
        if any_resp is not None:
            mu = float(any_resp["M1"]) * float(any_resp["M2"]) / (float(any_resp["M1"]) + float(any_resp["M2"]))
            z1z2_eq = parameters(eq).get("z1z2", 1.0)
            k = float(any_resp["Z1"]) * float(any_resp["Z2"]) * float(eq["spring_constant"]) / z1z2_eq
            row["omega_vib"] = float(np.sqrt(k / mu))
            row["vib_period_fs"] = 2 * np.pi / row["omega_vib"] * AU_TIME_FS
            row["friction_q0"] = float(any_resp["friction_q0"])
        else:
            row.update(omega_vib=np.nan, vib_period_fs=np.nan, friction_q0=np.nan)
        for g in ("parallel", "perpendicular"):
            r = resp.get((kernel, rs, g))
            row[f"friction_{g}"] = float(r["friction_qg"]) if r is not None else np.nan
        for g in ("parallel", "perpendicular"):
            r = resp.get((kernel, rs, g))
            row[f"slowest_rate_{g}"] = float(r["markov_rate"].min()) if r is not None else np.nan
        row["pulse_duration"] = T.get(rs, np.nan)
        rows.append({k: row[k] for k in SUMMARY_UNITS})
    return rows


def impurity_rows(responses: list[xr.Dataset], velocities: list[xr.Dataset]) -> list[dict]:
    """One row per (impurity, kernel, rs, geometry) from matching response and velocity datasets.

    Columns: Z1, Z2 (e), M1, M2, mu (m_e), omega_vib (Ha; parallel only, else NaN),
    slowest_rate (1/a.u. time), max_abs_v_cm, max_abs_v_rel (j0/n), friction_q0, friction_qg (a.u.).
    """
    def key(ds):
        return (ds.attrs["kernel"], float(ds.attrs["rs"]), ds.attrs["geometry"],
                tuple(float(ds.get(k, np.nan)) if k in ds else None for k in ("Z1", "Z2", "M1", "M2")))

    vel = {}
    for v in velocities:
        imp = parameters(v).get("impurity", {})
        vel[(v.attrs["kernel"], float(v.attrs["rs"]), v.attrs["geometry"],
             tuple(float(imp.get(k, np.nan)) for k in ("Z1", "Z2", "M1", "M2")))] = v
    rows = []
    for r in responses:
        k = key(r)
        v = vel.get(k)
        Z1, Z2, M1, M2 = k[3]
        rows.append({
            "Z1": Z1, "Z2": Z2, "M1": M1, "M2": M2, "mu": M1 * M2 / (M1 + M2),
            "kernel": k[0], "rs": k[1], "geometry": k[2],
            "omega_vib": float(r["omega_vib"]) if "omega_vib" in r else np.nan,
            "slowest_rate": float(r["markov_rate"].min()),
            "friction_q0": float(r["friction_q0"]), "friction_qg": float(r["friction_qg"]),
            "max_abs_v_cm": float(np.abs(v["v_cm"]).max()) if v is not None else np.nan,
            "max_abs_v_rel": float(np.abs(v["v_rel"]).max()) if v is not None else np.nan,
        })
    return sorted(rows, key=lambda row: (row["M1"], row["M2"], row["kernel"], row["rs"], row["geometry"]))
