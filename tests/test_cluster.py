"""Clusters of nuclei: relaxation, the 3N x 3N equations of motion, modes and velocities.

Checked against the diatomic 2x2 path on the same grids, against Newton's equations for the
displacements written block by block with a finite-difference Hessian (tests/oracles.py), and
against exact properties: linearity in the current direction, the DC limit, causality (poles in
the lower half plane), the zero modes of the relaxed geometry and mirror symmetry.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from viscous_forces.core.cluster import (
    CLUSTER_PRESETS,
    Cluster,
    cluster_statics,
    coupling_tensor,
    is_linear,
    make_cluster,
    projected_hessian,
    relax,
    solve_cluster,
)
from viscous_forces.core.frequency_grids import FrequencySpec
from viscous_forces.core.impurity import get_impurity
from viscous_forces.core.quadrature import GridSpec
from viscous_forces.core.statics import pair_statics
from viscous_forces.stages.chi import compute_chi
from viscous_forces.stages.cluster import ClusterTerms, simulate_cluster
from viscous_forces.stages.equilibrium import compute_equilibrium
from viscous_forces.stages.kernel import tabulate_kernel
from viscous_forces.stages.response import solve_response
from viscous_forces.stages.velocity import TimeSpec, compute_velocity

import oracles
from conftest import data_scope

RS = 6.0
GRID = GridSpec(q_max_static=60, q_max_dynamic=20, panel_width=0.5, d_max=15, n_gl=8, grading_levels=8)
FREQ = FrequencySpec(omega_max=0.3, omega_min=1e-5, points_per_decade=4)
TIME = TimeSpec(points_per_period=8, min_points_per_pulse=100)
OPTS = {"density": 0.5, "max_time_error": 1e-3, "time": TIME}
T = 3.0e5  # pulse length (a.u. of time), about 5 decay times at rs = 6
#: A time grid set by min_points_per_pulse alone, the same for the diatomic and the cluster paths.
SAME_TIMES = TimeSpec(points_per_period=4, min_points_per_pulse=2000)


@pytest.fixture(scope=data_scope, params=["rpa", "rmcp07"])
def chain(request):
    chi = compute_chi(tabulate_kernel(RS, request.param, None, GRID, FREQ))
    eq = compute_equilibrium(chi, d_max=GRID.d_max)
    qs, ws, chi0 = (chi[k].values for k in ("q_static", "weight_static", "chi_static"))
    return chi, eq, lambda d: pair_statics(d, qs, ws, chi0)


def _diatomic(ds, e):
    """V_c and V_r (V_2 - V_1) along e from a cluster dataset of two nuclei, on time."""
    V = ds["velocity"].values @ e
    M = ds["M"].values
    return (M[0] * V[:, 0] + M[1] * V[:, 1]) / M.sum(), V[:, 1] - V[:, 0]


@pytest.mark.parametrize("geometry, e", [("parallel", [1.0, 0.0, 0.0]), ("perpendicular", [0.0, 1.0, 0.0])])
def test_hd_along_and_across_the_axis_is_the_diatomic(chain, geometry, e):
    """On the diatomic's frequency and time grids the cluster path gives the diatomic's V_c, V_r.  Measured
    (rpa, rmcp07): V(omega) to 1.1e-10 relative (the conditioning of both systems at the lowest frequencies,
    where the spring term lambda/omega dominates), V(t) to 1.6e-10 j0/n."""
    chi, eq, _ = chain
    resp = solve_response(chi, eq, get_impurity("hd"), geometry, density=0.5, max_time_error=1e-3)
    vel = compute_velocity(resp, T, SAME_TIMES)
    opts = {**OPTS, "time": SAME_TIMES}
    ds = simulate_cluster(chi, eq, {"preset": "hd", "direction": e}, "hd", T, omega=resp["omega"].values, **opts)
    n = float(resp["density"])
    e = np.asarray(e)
    Vw = ds["response"].values @ e  # (omega, nucleus)
    M = ds["M"].values
    gc = (M[0] * Vw[:, 0] + M[1] * Vw[:, 1]) / M.sum()
    np.testing.assert_allclose(gc, n * resp["G_c"].values, rtol=1e-9, atol=0)
    np.testing.assert_allclose(Vw[:, 1] - Vw[:, 0], n * resp["G_r"].values, rtol=1e-9, atol=1e-13)
    np.testing.assert_array_equal(ds["time"].values, vel["time"].values)
    vc, vr = _diatomic(ds, e)
    assert np.max(np.abs(vc - vel["v_cm"].values)) < 1e-8
    assert np.max(np.abs(vr - vel["v_rel"].values)) < 1e-8
    # nothing moves across the plane of the axis and the current (rounding of the rotated bases only)
    assert np.max(np.abs(ds["velocity"].values[:, :, 2])) < 1e-15


def test_hd_on_its_own_grids_agrees_within_the_error_estimates(chain):
    chi, eq, _ = chain
    resp = solve_response(chi, eq, get_impurity("hd"), "parallel", density=0.5, max_time_error=1e-3)
    vel = compute_velocity(resp, T, TIME)
    ds = simulate_cluster(chi, eq, {"preset": "hd", "direction": [1.0, 0.0, 0.0]}, "hd", T, **OPTS)
    vc, vr = _diatomic(ds, np.array([1.0, 0.0, 0.0]))
    bound = 3.0 * (float(resp["time_error"]) + float(ds["time_error"]))
    assert np.max(np.abs(vc - vel["v_cm"].values)) < bound
    assert np.max(np.abs(vr - vel["v_rel"].values)) < bound


def test_any_angle_is_the_superposition_of_parallel_and_perpendicular(chain):
    chi, eq, _ = chain
    grid = solve_response(chi, eq, get_impurity("hd"), "parallel", density=0.5, max_time_error=1e-3)["omega"].values
    run = {}
    for name, angle in (("par", 0.0), ("perp", 90.0), ("tilted", 35.0)):
        run[name] = simulate_cluster(chi, eq, {"preset": "hd", "angle": angle}, "hd", T, omega=grid, **OPTS)
    theta = np.deg2rad(35.0)
    expected = np.cos(theta) * run["par"]["velocity"].values + np.sin(theta) * run["perp"]["velocity"].values
    assert np.max(np.abs(run["tilted"]["velocity"].values - expected)) < 1e-10
    np.testing.assert_allclose(run["tilted"]["direction"].values, [np.cos(theta), np.sin(theta), 0.0], atol=1e-15)


def test_solve_against_newton_oracle_for_a_random_cluster(chain):
    """Random charges and masses, three nuclei: the package's tensor assembly and solve against Newton's
    equations for the displacements with a finite-difference Hessian (same J~ values given to both).
    Measured: <= 2.2e-8 relative, from the 3.5e-10 relative error of the finite-difference Hessian amplified
    near the vibrational resonances (with the analytic Hessian the two agree to 5e-13)."""
    chi, eq, statics = chain
    rng = np.random.default_rng(3)
    Z = rng.uniform(1.0, 3.0, 3)
    M = rng.uniform(2000.0, 8000.0, 3)
    d = float(eq["d_eq"])
    R0 = d * np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.8, 0.0]]) + rng.normal(0, 0.2, (3, 3))
    relaxed = relax(Cluster(Z, M, R0, rng.normal(size=3)), statics).cluster
    H_fd = oracles.cluster_hessian_fd(Z, relaxed.positions, lambda x: statics(x)[0])
    H = projected_hessian(cluster_statics(Z, relaxed.positions, statics).hessian, relaxed.positions)
    terms = ClusterTerms(chi, relaxed)
    worst = 0.0
    for omega in (2e-4, 1.5e-3, 1e-2):
        C = terms.tensor([omega])
        V = solve_cluster(np.array([omega]), C, H, M, Z, relaxed.direction, relaxed.positions, sigma=1.0)[0]
        jt0 = C[0, 0, 0] / Z[0] ** 2
        pairs = {}
        for (a, b), (par, perp) in _pair_components(C[0], Z, relaxed.positions).items():
            pairs[(a, b)] = (par, perp)
        ref = oracles.cluster_newton(omega, Z, M, relaxed.positions, relaxed.direction, jt0, pairs, H_fd, sigma=1.0)
        worst = max(worst, float(np.max(np.abs(V - ref)) / np.max(np.abs(ref))))
    assert worst < 2e-7


def _pair_components(C, Z, R):
    """(J~_par, J~_perp) of each pair, read back from the tensor along and across the pair axis."""
    out = {}
    N = len(Z)
    for a in range(N):
        for b in range(a + 1, N):
            n = (R[b] - R[a]) / np.linalg.norm(R[b] - R[a])
            p = np.cross(n, [0.0, 0.0, 1.0] if abs(n[2]) < 0.9 else [1.0, 0.0, 0.0])
            p /= np.linalg.norm(p)
            block = C[3 * a : 3 * a + 3, 3 * b : 3 * b + 3] / (Z[a] * Z[b])
            out[(a, b)] = (n @ block @ n, p @ block @ p)
    return out


def test_coupling_tensor_against_the_oracle_blocks():
    rng = np.random.default_rng(5)
    Z = rng.uniform(1, 2, 4)
    R = rng.normal(0, 5, (4, 3))
    jt0 = np.array([0.3 - 0.2j])
    jp, jq = (
        rng.normal(size=(1, 6)) + 1j * rng.normal(size=(1, 6)),
        rng.normal(size=(1, 6)) + 1j * rng.normal(size=(1, 6)),
    )
    C = coupling_tensor(Z, R, jt0, jp, jq)[0]
    for p, (a, b) in enumerate(zip(*np.triu_indices(4, 1))):
        n = (R[b] - R[a]) / np.linalg.norm(R[b] - R[a])
        ref = Z[a] * Z[b] * oracles.pair_tensor(jp[0, p], jq[0, p], n)
        np.testing.assert_allclose(C[3 * a : 3 * a + 3, 3 * b : 3 * b + 3], ref, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(C[3 * b : 3 * b + 3, 3 * a : 3 * a + 3], ref, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(C[:3, :3], Z[0] ** 2 * jt0[0] * np.eye(3), rtol=1e-15)


def test_hessian_against_finite_differences(chain):
    """Analytic pair Hessian (U'' along, U'/d across each pair) against second differences of the energy at
    a random, unrelaxed geometry (Richardson, h = 0.01 bohr).  Measured 6.0e-9 (rpa), 4.4e-9 (rmcp07) of the
    largest element."""
    _, _, statics = chain
    rng = np.random.default_rng(11)
    Z = rng.uniform(1, 2, 3)
    R = rng.normal(0, 4, (3, 3)) + np.array([[0, 0, 0], [6, 0, 0], [3, 5, 0]])
    H = cluster_statics(Z, R, statics).hessian
    H_fd = oracles.cluster_hessian_fd(Z, R, lambda d: statics(d)[0])
    assert np.max(np.abs(H - H_fd)) < 6e-8 * np.max(np.abs(H))


# --------------------------------------------------------------------------------------------
# Exact properties of the presets
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope=data_scope)
def presets(chain):
    chi, eq, _ = chain
    # the linear chain is a saddle point with the MCP07 statics at rs = 6 (bending curvature -2.2e-3 Ha/bohr^2):
    # it buckles into the triangle; RPA keeps it linear
    return {
        name: simulate_cluster(chi, eq, {"preset": name, "saddle": "descend"}, name, T, **OPTS)
        for name in CLUSTER_PRESETS
    }


@pytest.mark.parametrize("name", list(CLUSTER_PRESETS))
def test_relaxed_geometry_has_no_force_and_exactly_the_rigid_zero_modes(chain, presets, name):
    _, _, statics = chain
    ds = presets[name]
    assert float(ds["max_force"]) < 1e-10
    R = ds["positions"].values
    lam = np.linalg.eigvalsh(cluster_statics(ds["Z"].values, R, statics).hessian)
    zero = np.abs(lam) < 1e-9 * np.max(np.abs(lam))
    assert zero.sum() == (5 if is_linear(R) else 6) and np.all(lam[~zero] > 0)
    if name == "hd" or json.loads(ds.attrs["saddle_curvatures"]) == []:
        assert is_linear(R) == (name != "h3_triangle")
    assert np.all(ds["curvature"].values > 0) and ds.sizes["internal_mode"] == 3 * R.shape[0] - zero.sum()


@pytest.mark.parametrize("name", list(CLUSTER_PRESETS))
def test_dc_limit_and_causality(chain, presets, name):
    """Every nucleus drifts with the electrons at omega -> 0 (V_a -> e linearly in omega), and every pole lies
    in the lower half plane."""
    chi, eq, _ = chain
    ds = presets[name]
    cl = make_cluster({"preset": name}, float(eq["d_eq"])).with_positions(ds["positions"].values)
    terms = ClusterTerms(chi, cl)
    from viscous_forces.core.cluster import cluster_statics as statics_of

    H = projected_hessian(statics_of(cl.Z, cl.positions, chain[2]).hessian, cl.positions)
    dev = []
    for omega in (1e-9, 1e-8):
        V = solve_cluster(np.array([omega]), terms.tensor([omega]), H, cl.M, cl.Z, cl.direction, cl.positions)[0]
        dev.append(np.max(np.abs(V - cl.direction[None, :])))
    assert dev[0] < 1e-4 and dev[1] / dev[0] == pytest.approx(10.0, rel=0.05)  # linear in omega
    assert np.all(ds["mode_rate"].values > 0) and np.all(ds["markov_rate"].values > 0)
    assert ds.sizes["mode"] == 3 * cl.size  # one pole per degree of freedom (conjugate pairs once)
    # the time domain: while the current flows the c.m. approaches the drift velocity along e
    v = ds["v_cm"].values @ cl.direction
    t = ds["time"].values
    assert v[np.argmin(np.abs(t - 0.95 * T))] > 0.9


def test_triangle_driven_along_a_median_keeps_its_mirror_symmetry(presets):
    """Nuclei 1 and 2 are mirror images in the plane x = x_mid through nucleus 3; the current along y lies in
    that plane, so V_1 = mirror(V_2) (measured 8.9e-16 of max |V|)."""
    ds = presets["h3_triangle"]
    R = ds["positions"].values
    x_mid = 0.5 * (R[0, 0] + R[1, 0])
    assert R[2, 0] == pytest.approx(x_mid, abs=1e-12)
    V = ds["velocity"].values
    mirror = V[:, 1, :] * np.array([-1.0, 1.0, 1.0])
    assert np.max(np.abs(V[:, 0, :] - mirror)) < 1e-12 * np.max(np.abs(V))
    assert np.max(np.abs(V[:, 2, 0])) < 1e-12 * np.max(np.abs(V))


def test_a_maximum_of_the_pair_energy_is_refused_naming_the_mode(chain):
    from scipy.optimize import brentq

    _, eq, statics = chain
    d = np.linspace(float(eq["d_eq"]), float(eq["d_eq"]) + 6.0, 400)
    F = statics(d)[1]
    i = int(np.nonzero((F[:-1] < 0) & (F[1:] >= 0))[0][0])  # F from - to +: a maximum of U
    d_max = brentq(lambda x: statics(np.array([x]))[1][0], d[i], d[i + 1], xtol=1e-15)
    cl = Cluster([1.0, 1.0], [1836.15, 3670.48], [[0.0, 0.0, 0.0], [d_max, 0.0, 0.0]])
    with pytest.raises(
        ValueError, match=r"not a minimum .* internal mode 1 of 1 has curvature -[0-9.]+e-0[0-9] Ha/bohr\^2"
    ):
        relax(cl, statics, name="pair at a maximum")


def test_bad_cluster_entries():
    with pytest.raises(ValueError, match="exactly one of 'preset' or 'nuclei'"):
        make_cluster({}, 5.0)
    with pytest.raises(ValueError, match="unknown cluster preset 'h4'"):
        make_cluster({"preset": "h4"}, 5.0)
    with pytest.raises(ValueError, match="'angle' sets the current direction of a linear cluster only"):
        make_cluster({"preset": "h3_triangle", "angle": 10}, 5.0)
    with pytest.raises(ValueError, match="non-zero 3-vector"):
        make_cluster({"preset": "hd", "direction": [0, 0, 0]}, 5.0)
    with pytest.raises(ValueError, match="0.05 bohr apart"):
        make_cluster(
            {"nuclei": [{"Z": 1, "M": 1836, "position": [0, 0, 0]}, {"Z": 1, "M": 1836, "position": [0.05, 0, 0]}]}, 5.0
        )
    with pytest.raises(ValueError, match="cluster M must be finite and > 0"):
        Cluster([1, 1], [1836, -1], [[0, 0, 0], [1, 0, 0]])


def test_motion_plane_orientation(presets):
    """The pair and the chain lie along the first plotting axis; the equilateral triangle, which has no
    longest extent, is shown with the current along the first axis, the same way in every panel."""
    from viscous_forces.figures.cluster_frame import motion_plane

    for name, ds in presets.items():
        plane = motion_plane(ds)
        np.testing.assert_allclose(plane @ plane.T, np.eye(2), atol=1e-12)
        R = ds["positions"].values
        if name == "hd" or (name == "h3_linear" and is_linear(R)):
            axis = (R[-1] - R[0]) / np.linalg.norm(R[-1] - R[0])
            assert abs(plane[0] @ axis) == pytest.approx(1.0, abs=1e-9), name
        if name == "h3_triangle":
            e = ds["direction"].values
            assert plane[0] @ e == pytest.approx(np.linalg.norm(plane @ e), rel=1e-12)  # along +current
