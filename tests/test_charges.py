"""An impurity with charges other than 1 through the whole chain (kernel -> ... -> velocity).

The scalings with the charges are derived here independently of the package: U, F, U'' scale
with Z1 Z2 (Eqs. 9-10), so d_eq does not depend on the charges and the restoring constant is
Z1 Z2 U''(d_eq); nucleus alpha feels the friction Z_alpha Z_gamma Q_alpha,gamma.  The oracles are
the static integrals by adaptive quadrature and Newton's equations for each nucleus
(tests/oracles.py).
"""

import numpy as np
import pytest

from viscous_forces.core.frequency_domain import high_frequency_limit, interpolate_jtilde
from viscous_forces.core.frequency_grids import FrequencySpec
from viscous_forces.core.impurity import Impurity
from viscous_forces.core.quadrature import GridSpec
from viscous_forces.stages.chi import compute_chi
from viscous_forces.stages.equilibrium import compute_equilibrium
from viscous_forces.stages.kernel import tabulate_kernel
from viscous_forces.stages.response import markov_model, solve_response
from viscous_forces.stages.velocity import compute_velocity

import oracles
from conftest import data_scope

RS = 6.0
GRID = GridSpec(d_max=15.0)
FREQ = FrequencySpec(omega_max=0.3, omega_min=1e-5, points_per_decade=6)
#: Charges chosen so that Z1, Z2, Z1 Z2, Z1^2 and Z2^2 all differ; arbitrary masses (m_e).
IMPURITIES = [
    Impurity(2.0, 3.0, 3000.0, 7000.0),
    Impurity(1.0, 2.0, 5000.0, 2500.0),
    Impurity(2.0, 1.0, 1836.15, 3670.48),
]


@pytest.fixture(scope=data_scope, params=["rpa", "mcp07"])
def chain(request):
    chi = compute_chi(tabulate_kernel(RS, request.param, None, GRID, FREQ))
    eq = compute_equilibrium(chi, d_max=GRID.d_max)
    U, F, K = oracles.static_integrals(RS, request.param, float(eq["d_eq"]))
    Q = oracles.friction(RS, request.param, float(eq["d_eq"]))
    return request.param, chi, eq, K, Q


@pytest.mark.parametrize("imp", IMPURITIES, ids=lambda i: f"Z{i.Z1:g}{i.Z2:g}")
@pytest.mark.parametrize("geometry", ["parallel", "perpendicular"])
def test_response_with_charges_against_newton_oracle(chain, imp, geometry):
    kernel, chi, eq, k_unit, Q = chain
    resp = solve_response(chi, eq, imp, geometry)
    # restoring constant Z1 Z2 U''(d_eq), U'' from the quadrature oracle (measured <= 7.3e-7 relative:
    # the 200 kF cut-off of the production grid)
    spring = imp.Z1 * imp.Z2 * k_unit if geometry == "parallel" else 0.0
    assert float(resp["spring"]) == pytest.approx(spring, rel=7e-6, abs=0.0)
    if geometry == "parallel":
        assert float(resp["omega_vib"]) == pytest.approx(np.sqrt(spring / imp.mu), rel=4e-6)
    # friction per unit charges, from the finite-difference oracle (measured <= 4.4e-16 relative)
    assert float(resp["friction_q0"]) == pytest.approx(Q["J0"], rel=5e-15)
    assert float(resp["friction_qg"]) == pytest.approx(Q[geometry], rel=5e-15)
    # G on the response grid against Newton's equations with the same J~ and the oracle spring
    omega = resp["omega"].values[1:]
    om_j = resp["omega_j"].values
    jt0 = interpolate_jtilde(om_j, resp["J0_tilde"].values, float(resp["friction_q0"]), omega)
    jtg = interpolate_jtilde(om_j, resp["Jg_tilde"].values, float(resp["friction_qg"]), omega)
    n = float(resp["density"])
    Nc, Nr = oracles.solve_newton(omega, jt0, jtg, spring, imp.Z1, imp.Z2, imp.M1, imp.M2, n, float(resp["sigma"]))
    scale = np.max(np.abs(n * Nc))
    # measured <= 1.5e-5 of the peak |n G| near the resonance (the oracle spring differs from the
    # production one by 7e-7), 4e-15 perpendicular
    assert np.max(np.abs(n * resp["G_c"].values[1:] - n * Nc)) < 1.5e-4 * scale
    assert np.max(np.abs(n * resp["G_r"].values[1:] - n * Nr)) < 1.5e-4 * scale
    # G(infinity): the direct field pushes each nucleus with sigma Z_alpha/M_alpha
    gc_inf, gr_inf = high_frequency_limit(imp, n, float(resp["sigma"]))
    s = float(resp["sigma"])
    assert n * gc_inf == pytest.approx(s * (imp.Z1 + imp.Z2) / (imp.M1 + imp.M2), rel=1e-14)
    assert n * gr_inf == pytest.approx(s * (imp.Z2 / imp.M2 - imp.Z1 / imp.M1), rel=1e-14)


@pytest.mark.parametrize("imp", IMPURITIES[:1], ids=lambda i: f"Z{i.Z1:g}{i.Z2:g}")
@pytest.mark.parametrize("geometry", ["parallel", "perpendicular"])
def test_velocity_with_charges_against_markov_ode(chain, imp, geometry):
    kernel, chi, eq, k_unit, Q = chain
    resp = solve_response(chi, eq, imp, geometry)
    model = markov_model(resp)
    spring = imp.Z1 * imp.Z2 * k_unit if geometry == "parallel" else 0.0
    A, _ = oracles.markov_matrix(Q["J0"], Q[geometry], spring, imp.Z1, imp.Z2, imp.M1, imp.M2)
    lam = np.linalg.eigvals(A)
    lam = lam[np.abs(lam) > 1e-30]
    # measured <= 4.8e-6 relative (the oracle spring)
    assert np.allclose(np.sort_complex(model.eigenvalues), np.sort_complex(lam), rtol=5e-5, atol=0)
    T = 5.0 / float(resp["markov_rate"].min())
    v = compute_velocity(resp, T)
    t = v["time"].values
    sel = (t > 0) & (t < T)
    vc, vr = oracles.markov_step_response(
        t[sel], Q["J0"], Q[geometry], spring, imp.Z1, imp.Z2, imp.M1, imp.M2, float(resp["sigma"])
    )
    # the constant-friction solution of the package against the ODE in the (V1, V2, R) basis
    # (measured <= 7e-8 j0/n, the oracle spring)
    assert np.max(np.abs(v["v_cm_markov"].values[sel] - vc)) < 7e-7
    assert np.max(np.abs(v["v_rel_markov"].values[sel] - vr)) < 7e-7
    # the full solution drifts with the electrons late in the pulse: 1 - V_c(0.9 T) ~ e^-4.5 (slowest mode)
    assert 1 - 1.01 * np.exp(-4.5) < v["v_cm"].values[np.argmin(np.abs(t - 0.9 * T))] < 1.001
