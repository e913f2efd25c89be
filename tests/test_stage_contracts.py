"""The stage datasets as an interface: variables, dimensions, units, identity attributes and parameter records,
each value against the core function that computes it, and the refusals of inconsistent inputs.

One coarse chain (rMCP07, r_s = 6, tiny grids) computed in-process; the stage functions are compared with direct
calls of the numpy core (the composition is what is tested here; the core is tested against oracles elsewhere).
"""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
import pytest
import xarray as xr

from viscous_forces.core.dyson import chi_h
from viscous_forces.core.electron_gas import ElectronGas
from viscous_forces.core.frequency_grids import FrequencySpec
from viscous_forces.core.friction import friction_coefficients, friction_density, j_integrals
from viscous_forces.core.impurity import get_impurity
from viscous_forces.core.kernels import get_kernel, im_slope
from viscous_forces.core.lindhard import lindhard
from viscous_forces.core.pulses import make_pulse
from viscous_forces.core.quadrature import GridSpec, dynamic_grid, static_grid
from viscous_forces.core.statics import pair_statics
from viscous_forces.io import parameters
from viscous_forces.stages.chi import compute_chi
from viscous_forces.stages.common import check_derived, check_same, describe, require_stage
from viscous_forces.stages.equilibrium import compute_equilibrium
from viscous_forces.stages.kernel import tabulate_kernel
from viscous_forces.stages.pulse import derive_pulse, pulse_length
from viscous_forces.stages.response import friction, impurity_of, markov_model, solve_response
from viscous_forces.stages.velocity import MAX_TIME_POINTS, TimeSpec, compute_velocity, time_grid

from conftest import data_scope

RS = 6.0
GRID = GridSpec(q_max_static=60, q_max_dynamic=20, panel_width=0.5, d_max=15, n_gl=8, grading_levels=8)
FREQ = FrequencySpec(omega_max=0.3, omega_min=1e-5, points_per_decade=4)
TIME = TimeSpec(points_per_period=8, min_points_per_pulse=100)
HD = get_impurity("hd")
RESPONSE = {"density": 0.5, "max_time_error": 1e-3}

#: The interface: variable -> (dims, units) per stage.
INTERFACE = {
    "kernel": {
        "weight_static": (("q_static",), "1/bohr"),
        "fxc_static": (("q_static",), "hartree*bohr**3"),
        "fxc_slope": (("q_static",), "bohr**3"),
        "q_dyn": (("omega", "node"), "1/bohr"),
        "weight_dyn": (("omega", "node"), "1/bohr"),
        "fxc": (("omega", "node"), "hartree*bohr**3"),
        "fxc_zero": (("omega", "node"), "hartree*bohr**3"),
        "q_static": (("q_static",), "1/bohr"),
        "omega": (("omega",), "hartree"),
        "node": (("node",), "1"),
    },
    "chi": {
        "weight_static": (("q_static",), "1/bohr"),
        "chi_static": (("q_static",), "1/(hartree*bohr**3)"),
        "friction_density": (("q_static",), "1/(hartree**2*bohr**3)"),
        "q_dyn": (("omega", "node"), "1/bohr"),
        "weight_dyn": (("omega", "node"), "1/bohr"),
        "chi": (("omega", "node"), "1/(hartree*bohr**3)"),
        "chi_zero": (("omega", "node"), "1/(hartree*bohr**3)"),
        "q_static": (("q_static",), "1/bohr"),
        "omega": (("omega",), "hartree"),
        "node": (("node",), "1"),
    },
    "equilibrium": {
        "U": (("d",), "hartree"),
        "F": (("d",), "hartree/bohr"),
        "U2": (("d",), "hartree/bohr**2"),
        "d_eq": ((), "bohr"),
        "spring_constant": ((), "hartree/bohr**2"),
        "energy_eq": ((), "hartree"),
        "force_residual": ((), "hartree/bohr"),
        "d": (("d",), "bohr"),
    },
    "response": {
        "G_c": (("omega",), "bohr**3"),
        "G_r": (("omega",), "bohr**3"),
        "time_error": ((), "1"),
        "J0_tilde": (("omega_j",), "electron_mass/atomic_unit_of_time"),
        "Jg_tilde": (("omega_j",), "electron_mass/atomic_unit_of_time"),
        "friction_q0": ((), "electron_mass/atomic_unit_of_time"),
        "friction_qg": ((), "electron_mass/atomic_unit_of_time"),
        "spring": ((), "hartree/bohr**2"),
        "d_eq": ((), "bohr"),
        "density": ((), "1/bohr**3"),
        "sigma": ((), "1"),
        "markov_rate": (("mode",), "1/atomic_unit_of_time"),
        "markov_frequency": (("mode",), "hartree"),
        "Z1": ((), "elementary_charge"),
        "Z2": ((), "elementary_charge"),
        "M1": ((), "electron_mass"),
        "M2": ((), "electron_mass"),
        "omega_vib": ((), "hartree"),
        "omega": (("omega",), "hartree"),
        "omega_j": (("omega_j",), "hartree"),
        "mode": (("mode",), "1"),
    },
    "pulse": {"pulse_duration": ((), "atomic_unit_of_time")},
    "velocity": {
        "v_cm": (("time",), "1"),
        "v_rel": (("time",), "1"),
        "v_cm_markov": (("time",), "1"),
        "v_rel_markov": (("time",), "1"),
        "pulse": (("time",), "1"),
        "time": (("time",), "atomic_unit_of_time"),
    },
}


@pytest.fixture(scope=data_scope)
def chain():
    k = tabulate_kernel(RS, "rmcp07", None, GRID, FREQ)
    c = compute_chi(k)
    e = compute_equilibrium(c, d_max=GRID.d_max)
    par = solve_response(c, e, HD, "parallel", **RESPONSE)
    perp = solve_response(c, e, HD, "perpendicular", **RESPONSE)
    p = derive_pulse(RS, [par, perp])
    v = compute_velocity(par, float(p["pulse_duration"]), TIME)
    return {"kernel": k, "chi": c, "equilibrium": e, "response": par, "perp": perp, "pulse": p, "velocity": v}


@pytest.mark.parametrize("stage", list(INTERFACE))
def test_variables_dims_units_and_identity(chain, stage):
    ds = chain[stage]
    names = set(ds.data_vars) | set(ds.coords)
    assert names == set(INTERFACE[stage]), stage
    for name, (dims, unit) in INTERFACE[stage].items():
        assert ds[name].dims == dims and ds[name].attrs["units"] == unit, (stage, name)
        assert ds[name].attrs["long_name"]
    assert ds.attrs["stage"] == stage and ds.attrs["rs"] == RS
    assert ds.attrs["software"] == "viscous_forces" and ds.attrs["constants"] == "CODATA 2018"
    if stage != "pulse":
        assert ds.attrs["kernel"] == "rmcp07" and ds.attrs["kernel_label"] == "rMCP07"
    for name in ("v_cm", "v_rel", "v_cm_markov", "v_rel_markov", "pulse", "time_error"):
        if name in ds:
            assert ds[name].attrs["units_description"]


def test_parameter_records(chain):
    rec = parameters(chain["kernel"])
    params = get_kernel("rmcp07").params()
    assert rec == {
        "rs": RS,
        "kernel": "rmcp07",
        "kernel_params": params,
        "grid": asdict(GRID),
        "frequency": asdict(FREQ),
    }
    assert parameters(chain["chi"]) == rec
    eq = parameters(chain["equilibrium"])
    assert eq["d_scan"] == [1.0, GRID.d_max, 0.05] and eq["curve"] == [3.0, 12.0, 361]
    assert {k: eq[k] for k in rec} == rec
    resp = parameters(chain["response"])
    assert resp["impurity"] == asdict(HD) and resp["geometry"] == "parallel" and resp["direct_field"] == "printed"
    assert resp["response_density"] == 0.5 and resp["max_time_error"] == 1e-3
    vel = parameters(chain["velocity"])
    T = float(chain["pulse"]["pulse_duration"])
    assert vel["pulse"] == {"shape": "RectangularPulse", "duration": T} and vel["time"] == asdict(TIME)
    assert parameters(chain["pulse"]) == {"rs": RS, "decay_times": 5.0, "duration": None}
    attrs = chain["velocity"].attrs
    assert attrs["geometry"] == "parallel" and attrs["pulse_duration"] == T
    assert attrs["pulse_shape"] == "RectangularPulse" and attrs["pulse_duration_units"] == "atomic_unit_of_time"
    assert chain["response"].attrs["geometry"] == "parallel" and chain["perp"].attrs["geometry"] == "perpendicular"


def test_kernel_stage_holds_the_kernel_on_its_grids(chain):
    ds = chain["kernel"]
    gas = ElectronGas(RS)
    kern = get_kernel("rmcp07")
    qs, ws = static_grid(gas.kF, GRID)
    om = FREQ.grid(gas.omega_p)
    qd, wd = dynamic_grid(om, gas.kF, GRID)
    np.testing.assert_array_equal(ds["q_static"].values, qs)
    np.testing.assert_array_equal(ds["weight_static"].values, ws)
    np.testing.assert_array_equal(ds["omega"].values, om)
    np.testing.assert_array_equal(ds["q_dyn"].values, qd)
    np.testing.assert_array_equal(ds["weight_dyn"].values, wd)
    np.testing.assert_array_equal(ds["node"].values, np.arange(qd.shape[1]))
    np.testing.assert_array_equal(ds["fxc_static"].values, kern(qs, 0.0, RS).real)
    np.testing.assert_array_equal(ds["fxc_slope"].values, im_slope(kern, qs, RS))
    np.testing.assert_array_equal(ds["fxc"].values, kern(qd, om[:, None], RS))
    np.testing.assert_array_equal(ds["fxc_zero"].values, kern(qd, 0.0, RS).real)


def test_chi_stage_refuses_a_plasmon_pole_on_its_grid(chain):
    """A kernel table whose dielectric function vanishes at one (omega, q) of the dynamic grid (a
    plasmon below omega_max) is refused, naming where."""
    k = chain["kernel"].copy(deep=True)
    kF = ElectronGas(RS).kF
    i, j = 5, 17
    omega, q = float(k["omega"][i]), float(k["q_dyn"][i, j])
    fxc = k["fxc"].values.copy()
    fxc[i, j] = 1.0 / lindhard(q, omega, kF) - 4.0 * np.pi / q**2  # 1 - (4 pi/q^2 + f_xc) chi_s = 0
    k["fxc"] = (k["fxc"].dims, fxc, k["fxc"].attrs)
    with pytest.raises(ValueError) as err:
        compute_chi(k)
    assert f"at omega = {omega:.4g} Ha, q = {q:.4g} bohr^-1: a plasmon pole below frequency.omega_max" in str(err.value)


def test_chi_stage_is_eq_15_on_the_kernel_grids(chain):
    ds, k = chain["chi"], chain["kernel"]
    gas = ElectronGas(RS)
    qs, qd, om = k["q_static"].values, k["q_dyn"].values, k["omega"].values
    np.testing.assert_allclose(ds["chi_static"].values, chi_h(qs, 0.0, RS, "rmcp07").real, rtol=1e-13)
    np.testing.assert_allclose(ds["chi"].values, chi_h(qd, om[:, None], RS, "rmcp07"), rtol=1e-12)
    np.testing.assert_allclose(ds["chi_zero"].values, chi_h(qd, 0.0, RS, "rmcp07").real, rtol=1e-12)
    a = friction_density(qs, lindhard(qs, 0.0, gas.kF).real, ds["chi_static"].values, k["fxc_slope"].values, gas.kF)
    np.testing.assert_allclose(ds["friction_density"].values, a, rtol=1e-13)
    eps = lindhard(qd, om[:, None], gas.kF) / ds["chi"].values
    assert ds.attrs["min_dielectric"] == pytest.approx(float(np.min(np.abs(eps))), rel=1e-10)
    for name in ("q_dyn", "weight_dyn", "weight_static", "q_static", "omega"):
        np.testing.assert_array_equal(ds[name].values, k[name].values)


def test_equilibrium_stage_curves_and_scalars(chain):
    ds, c = chain["equilibrium"], chain["chi"]
    d = np.linspace(3.0, 12.0, 361)
    np.testing.assert_array_equal(ds["d"].values, d)
    U, F, U2 = pair_statics(d, c["q_static"].values, c["weight_static"].values, c["chi_static"].values)
    np.testing.assert_array_equal(ds["U"].values, U)
    np.testing.assert_array_equal(ds["F"].values, F)
    np.testing.assert_array_equal(ds["U2"].values, U2)
    d_eq = float(ds["d_eq"])
    u, f, k = (
        float(x[0])
        for x in pair_statics(np.array([d_eq]), *(c[n].values for n in ("q_static", "weight_static", "chi_static")))
    )
    assert float(ds["energy_eq"]) == u and float(ds["spring_constant"]) == k and float(ds["force_residual"]) == f
    assert abs(f) < 1e-12 and k > 0 and 4.0 < d_eq < 5.0  # rMCP07 at rs = 6: 4.53 bohr
    for curve in ((5.0, 4.0, 10), (5.0, 5.0, 10), (3.0, 9.0, 1)):
        with pytest.raises(ValueError, match=r"equilibrium curve must be \(d_lo, d_hi, n\)"):
            compute_equilibrium(c, curve=curve)
    two = compute_equilibrium(c, d_max=GRID.d_max, curve=(3.0, 9.0, 2))  # the fewest points of a curve
    np.testing.assert_array_equal(two["d"].values, [3.0, 9.0])
    with pytest.raises(ValueError, match="expected the output of the chi stage"):
        compute_equilibrium(chain["kernel"])
    # the scan range and step reach the scan: a range above d_eq has no minimum, a step over half the
    # range is refused, a curve from below 1 bohr is fine
    with pytest.raises(ValueError):
        compute_equilibrium(c, d_min=6.0, d_max=GRID.d_max)
    with pytest.raises(ValueError, match=r"d_step must be in \(0, \(d_max - d_min\)/2\] bohr, got 8.0"):
        compute_equilibrium(c, d_min=1.0, d_max=15.0, d_step=8.0)
    half = compute_equilibrium(c, d_max=GRID.d_max, curve=(0.5, 12.0, 3))
    np.testing.assert_array_equal(half["d"].values, [0.5, 6.25, 12.0])


@pytest.mark.parametrize("geometry", ["parallel", "perpendicular"])
def test_response_stage_scalars(chain, geometry):
    ds = chain["response"] if geometry == "parallel" else chain["perp"]
    c, e = chain["chi"], chain["equilibrium"]
    gas = ElectronGas(RS)
    d_eq = float(e["d_eq"])
    k = float(e["spring_constant"])
    assert float(ds["d_eq"]) == d_eq and float(ds["density"]) == gas.n and float(ds["sigma"]) == 1.0
    assert float(ds["spring"]) == (HD.Z1 * HD.Z2 * k if geometry == "parallel" else 0.0)
    assert ("omega_vib" in ds) == (geometry == "parallel")
    if geometry == "parallel":
        assert float(ds["omega_vib"]) == pytest.approx(math.sqrt(k / HD.mu), rel=1e-14)
    Q = friction_coefficients(c["q_static"].values, c["weight_static"].values, c["friction_density"].values, d_eq)
    assert float(ds["friction_q0"]) == Q["J0"] and float(ds["friction_qg"]) == Q[geometry]
    assert friction(c, e) == Q
    # the one computation of friction from a chi dataset: at d_eq, or at any d (with or without eq_ds)
    Q5 = friction_coefficients(c["q_static"].values, c["weight_static"].values, c["friction_density"].values, 5.0)
    assert friction(c, d=5.0) == Q5 and friction(c, e, d=5.0) == Q5 and Q5 != Q
    J = j_integrals(c["q_dyn"].values, c["weight_dyn"].values, c["chi"].values - c["chi_zero"].values, d_eq)
    om = c["omega"].values
    np.testing.assert_array_equal(ds["omega_j"].values, om)
    np.testing.assert_allclose(ds["J0_tilde"].values, J["J0"] / om, rtol=1e-14)
    np.testing.assert_allclose(ds["Jg_tilde"].values, J[geometry] / om, rtol=1e-14)
    rates = ds["markov_rate"].values
    assert np.all(np.diff(rates) >= 0) and np.all(rates > 0)
    np.testing.assert_allclose(np.sort(markov_model(ds).decay_rates), rates, rtol=1e-14)
    assert ds["omega"].values[0] == 0.0 and ds["G_c"].values[0] == 1.0 / gas.n and ds["G_r"].values[0] == 0.0
    assert impurity_of(ds) == HD
    assert 0 < float(ds["time_error"]) <= 1e-3
    derived = solve_response(c, e, HD, geometry, direct_field="derived", **RESPONSE)
    assert float(derived["sigma"]) == -1.0


def test_response_refusals(chain):
    c, e = chain["chi"], chain["equilibrium"]
    with pytest.raises(ValueError, match="geometry must be one of parallel, perpendicular, got 'diagonal'"):
        solve_response(c, e, HD, "diagonal")
    with pytest.raises(ValueError, match="direct_field_sign must be one of printed, derived, got 'other'"):
        solve_response(c, e, HD, "parallel", direct_field="other")
    with pytest.raises(ValueError, match="expected the output of the equilibrium stage"):
        solve_response(c, c, HD, "parallel")
    far = e.copy()
    far["d_eq"] = xr.Variable((), 40.0, e["d_eq"].attrs)
    with pytest.raises(ValueError, match=r"d_eq = 40.000 bohr exceeds grid.d_max = 15"):
        solve_response(c, far, HD, "parallel")
    with pytest.raises(ValueError, match="response_density = 0.1 is too coarse"):
        solve_response(c, e, HD, "parallel", density=0.1, max_time_error=1e-6)
    light = get_impurity({"Z1": 1.0, "Z2": 1.0, "M1": 1.0, "M2": 2.0})
    with pytest.raises(ValueError, match="nuclei this light move on the electrons' time scale"):
        solve_response(c, e, light, "parallel")
    with pytest.raises(ValueError, match=r"friction needs the distance: an equilibrium dataset \(its d_eq\) or d"):
        friction(c)
    with pytest.raises(ValueError, match="expected the output of the equilibrium stage"):
        friction(c, c, d=5.0)
    with pytest.raises(ValueError, match="expected the output of the chi stage"):
        friction(e, d=5.0)


def test_pulse_stage(chain):
    par, perp = chain["response"], chain["perp"]
    rates = np.concatenate([par["markov_rate"].values, perp["markov_rate"].values])
    T = 5.0 / rates[rates > 0].min()
    assert pulse_length([par, perp]) == pytest.approx(T, rel=1e-15)
    assert pulse_length([par, perp], 3.0) == pytest.approx(0.6 * T, rel=1e-15)
    ds = chain["pulse"]
    assert float(ds["pulse_duration"]) == pytest.approx(T, rel=1e-15)
    assert "5 / slowest Markov decay rate of the rmcp07 responses" in ds["pulse_duration"].attrs["long_name"]
    fixed = derive_pulse(RS, duration=1.5e5)
    assert float(fixed["pulse_duration"]) == 1.5e5 and parameters(fixed)["duration"] == 1.5e5
    assert "configured" in fixed["pulse_duration"].attrs["long_name"] and fixed.attrs["stage"] == "pulse"
    assert float(derive_pulse(RS, [par], decay_times=2.0)["pulse_duration"]) == pytest.approx(
        2.0 / par["markov_rate"].values.min(), rel=1e-15
    )
    with pytest.raises(ValueError, match="responses are for rs = 6.0, not rs = 2"):
        derive_pulse(2.0, [par])
    with pytest.raises(ValueError, match="pulse duration for rs = 6 must be finite and > 0 a.u., got -1.0"):
        derive_pulse(RS, duration=-1.0)
    with pytest.raises(ValueError, match="pulse.decay_times must be finite and > 0, got 0"):
        pulse_length([par], 0)
    with pytest.raises(ValueError, match="no positive Markov decay rate"):
        pulse_length([])
    with pytest.raises(ValueError, match="expected the output of the response stage"):
        pulse_length([chain["chi"]])


def test_velocity_stage(chain):
    ds, resp = chain["velocity"], chain["response"]
    T = ds.attrs["pulse_duration"]
    t = ds["time"].values
    dt = np.diff(t)
    np.testing.assert_allclose(dt, dt[0], rtol=1e-9)
    m = round(T / dt[0])
    period = 2 * np.pi / float(resp["omega_vib"])
    assert m == max(TIME.min_points_per_pulse, math.ceil(T / period * TIME.points_per_period))
    assert t[0] <= -TIME.before * T + 1e-9 * T and t[-1] >= TIME.after * T - 1e-9 * T
    inside, outside = (t > 0) & (t < T), (t < 0) | (t > T)  # the switching instants themselves are conventions
    assert np.all(ds["pulse"].values[inside] == 1.0) and np.all(ds["pulse"].values[outside] == 0.0)
    before = t <= 0
    assert np.all(ds["v_cm"].values[before] == 0) and np.all(ds["v_rel"].values[before] == 0)
    k, dtt = time_grid(make_pulse("rectangular", T), TIME, float(resp["omega_vib"]))
    np.testing.assert_allclose(k * dtt, t, rtol=0, atol=1e-9 * T)
    # the c.m. follows the drift while the current flows; full and Markov solutions agree closely
    assert 0.95 < ds["v_cm"].values[np.argmin(np.abs(t - 0.9 * T))] < 1.001
    assert np.max(np.abs(ds["v_cm"].values - ds["v_cm_markov"].values)) < 2e-3
    gauss = compute_velocity(resp, make_pulse("gaussian", T), TIME)
    assert gauss.attrs["pulse_shape"] == "GaussianPulse"
    assert np.diff(gauss["time"].values)[0] <= T / (20 * 6) * (1 + 1e-12)  # >= 20 points per width T/6
    with pytest.raises(ValueError, match="expected the output of the response stage"):
        compute_velocity(chain["chi"], T)
    with pytest.raises(ValueError, match=rf"the time grid would have \d+ points \(> {MAX_TIME_POINTS}\)"):
        compute_velocity(resp, 1e12, TIME)


def test_time_spec_bounds():
    with pytest.raises(ValueError, match=r"time window needs 0 <= before <= 10 and 1 <= after <= 100"):
        TimeSpec(before=-0.1)
    with pytest.raises(ValueError, match=r"time window needs"):
        TimeSpec(after=0.5)
    TimeSpec(before=0.0, after=1.0)  # the bounds themselves are allowed
    TimeSpec(before=10.0, after=100.0)
    for bad in ({"before": 10.01}, {"after": 100.01}):
        with pytest.raises(ValueError, match=r"time window needs"):
            TimeSpec(**bad)
    TimeSpec(points_per_period=4, min_points_per_pulse=10)
    TimeSpec(points_per_period=1000, min_points_per_pulse=10**6)
    for bad in (
        {"points_per_period": 3},
        {"points_per_period": 1001},
        {"min_points_per_pulse": 9},
        {"min_points_per_pulse": 10**6 + 1},
    ):
        with pytest.raises(ValueError, match=r"time sampling out of range: TimeSpec\("):
            TimeSpec(**bad)


def _fake_response(rs, rates):
    return xr.Dataset(
        {"markov_rate": ("mode", np.asarray(rates, dtype=float))},
        attrs={"stage": "response", "rs": rs, "kernel": "rpa"},
    )


def test_pulse_length_from_the_slowest_positive_rate():
    """T = decay_times / min(rate > 0): a zero rate (a mode that does not decay) is skipped."""
    responses = [_fake_response(6.0, [0.0, 0.05]), _fake_response(6.0, [0.02, 0.1])]
    assert pulse_length(responses, 0.5) == pytest.approx(0.5 / 0.02, rel=1e-15)
    p = derive_pulse(6.0, responses, decay_times=0.5)
    assert float(p["pulse_duration"]) == pytest.approx(25.0, rel=1e-15)
    assert p["pulse_duration"].attrs["long_name"] == (
        "pulse length T (0.5 / slowest Markov decay rate of the rpa responses)"
    )
    with pytest.raises(ValueError, match=r"they differ in rs: 6.0 vs 2.0"):
        pulse_length([responses[0], _fake_response(2.0, [0.1])], 1.0)
    with pytest.raises(ValueError, match="no positive Markov decay rate"):
        pulse_length([_fake_response(6.0, [0.0])], 1.0)
    with pytest.raises(ValueError, match=r"pulse.decay_times must be finite and > 0, got 0"):
        pulse_length(responses, 0)


def test_configured_pulse_duration():
    p = derive_pulse(6.0, duration=0.5)
    assert float(p["pulse_duration"]) == 0.5
    assert p["pulse_duration"].attrs["long_name"] == "pulse length T (configured)"
    for bad in (0.0, -1.0, float("inf")):
        with pytest.raises(ValueError, match=r"pulse duration for rs = 6 must be finite and > 0 a.u."):
            derive_pulse(6.0, duration=bad)


def test_identity_checks(chain):
    c, e, k = chain["chi"], chain["equilibrium"], chain["kernel"]
    assert describe(c) == "chi dataset (kernel rmcp07, rs 6.0)"
    require_stage(c, "chi")
    with pytest.raises(
        ValueError,
        match=r"expected the output of the kernel stage, got chi dataset \(kernel rmcp07, rs 6.0\) \(stage 'chi'\)",
    ):
        require_stage(c, "kernel")
    check_derived(k, c)
    check_derived(c, e)
    other = compute_chi(tabulate_kernel(RS, "rmcp07", {"a": 3.9}, GRID, FREQ))
    with pytest.raises(ValueError, match=r"was not made from .*; they differ in kernel_params.a: 3.9 vs 3.846991"):
        check_derived(other, e)
    rpa = tabulate_kernel(RS, "rpa", None, GRID, FREQ)
    with pytest.raises(ValueError, match="they differ in kernel: 'rmcp07' vs 'rpa'"):
        check_derived(k, rpa)
    check_same(chain["response"], chain["perp"], ("rs", "kernel"))
    with pytest.raises(ValueError, match=r"do not belong together; they differ in kernel"):
        check_same(k, rpa, ("rs", "kernel"))


def test_scan_points_bounds():
    from viscous_forces.core.statics import scan_points

    np.testing.assert_allclose(scan_points(1.0, 2.0, 0.5), [1.0, 1.5, 2.0])
    for bad in ((0.0, 2.0, 0.5), (2.0, 1.0, 0.1), (1.0, 2.0, 0.0), (1.0, 2.0, 0.51), (1.0, 2.0, 0.8)):
        with pytest.raises(ValueError, match=r"need 0 < d_min < d_max|d_step must be in"):
            scan_points(*bad)


def test_kernel_stage_passes_the_parameters_to_the_zero_frequency_kernel():
    """fxc_zero (the static limit on the dynamic nodes) with non-default parameters: MCP07 with PZ81."""
    k = tabulate_kernel(RS, "mcp07", {"correlation": "PZ81"}, GRID, FREQ)
    q = k["q_dyn"].values
    np.testing.assert_array_equal(k["fxc_zero"].values, get_kernel("mcp07")(q, 0.0, RS, correlation="PZ81").real)
    assert not np.allclose(k["fxc_zero"].values, get_kernel("mcp07")(q, 0.0, RS).real, rtol=1e-6)


def test_describe_names_the_file_or_the_identity():
    ds = xr.Dataset(attrs={"stage": "chi", "kernel": "rpa", "rs": 2.0})
    assert describe(ds) == "chi dataset (kernel rpa, rs 2.0)"
    assert describe(xr.Dataset()) == "in-memory dataset ()"
    ds.encoding["source"] = "/data/results/chi/rpa/rs2.nc"
    assert describe(ds) == "chi file /data/results/chi/rpa/rs2.nc"
    bare = xr.Dataset()
    bare.encoding["source"] = "x.nc"
    assert describe(bare) == "dataset file x.nc"


def test_time_grid_resolves_smooth_edges_and_spans_the_window():
    """dt = T/m with m = max(min_points_per_pulse, points_per_period per vibration period, 20 per smooth
    edge); k from -before*m (or the pulse's start) to after*m inclusive."""
    spec = TimeSpec(before=0.5, after=3.0, points_per_period=8, min_points_per_pulse=100)
    k, dt = time_grid(make_pulse("rectangular", 1000.0), spec)
    assert dt == 10.0 and k[0] == -50 and k[-1] == 300 and np.all(np.diff(k) == 1)
    k, dt = time_grid(make_pulse("ramp", 1000.0, rise_time=0.01), spec)  # rise time 10 a.u.: 20 points
    assert dt == pytest.approx(0.5, rel=1e-15) and k[-1] == 6000
    k, dt = time_grid(make_pulse("gaussian", 1000.0, width=0.02), spec)  # width 20 a.u., centre T/2
    assert dt == pytest.approx(1.0, rel=1e-15) and k[0] == -500 and k[-1] == 3000
    k, dt = time_grid(make_pulse("rectangular", 1000.0), spec, omega_vib=0.2)  # 8 per 2 pi/0.2
    assert 1000.0 / dt == math.ceil(1000.0 * 0.2 / (2 * math.pi) * 8)
    g = make_pulse("gaussian", 100.0, width=1.0)  # window from -700: the grid starts before it
    k, dt = time_grid(g, spec)
    assert k[0] * dt < g.window()[0] and k[0] == math.floor(g.window()[0] / dt) - 1
    m = 10**6  # (before + after) m = MAX_TIME_POINTS points is allowed, one step more is not
    at_limit = TimeSpec(before=0.0, after=MAX_TIME_POINTS / m, min_points_per_pulse=m)
    assert time_grid(make_pulse("rectangular", 1.0), at_limit)[0].size == MAX_TIME_POINTS + 2  # from k = -1
    over = TimeSpec(before=0.0, after=(MAX_TIME_POINTS + 1) / m, min_points_per_pulse=m)
    with pytest.raises(ValueError, match=r"the time grid would have \d+ points"):
        time_grid(make_pulse("rectangular", 1.0), over)


def test_time_grid_resolves_an_ac_drive():
    spec = TimeSpec(before=0.5, after=3.0, points_per_period=8, min_points_per_pulse=100)
    _, dt = time_grid(make_pulse("ac", 1000.0, frequency=0.5), spec)  # period 12.57 a.u.: 8 points
    assert 2 * math.pi / 0.5 / dt >= 8 and 1000.0 / dt == math.ceil(1000.0 * 0.5 / (2 * math.pi) * 8)
