"""Pair statics, Eqs. (9)-(10): identities, the Thomas-Fermi limit and the RPA reference numbers.

RPA reference values: equations.md Sec. 1.3 (independent numpy/scipy implementation, Z1 = Z2 = 1).
"""

import numpy as np
import pytest
from viscous_forces.electron_gas import ElectronGas
from viscous_forces.lindhard import lindhard
from viscous_forces.quadrature import GridSpec, static_grid
from viscous_forces.response import chi_h, dyson
from viscous_forces.statics import (
    find_equilibrium,
    j0,
    j1_over_x,
    pair_curvature,
    pair_force,
    pair_potential,
    w_parallel,
)

# rs: (d_eq, U(d_eq), U''(d_eq)) -- equations.md Sec. 1.3 table
RPA_REFERENCE = {
    2: (5.368877, 3.177e-5, 1.67506e-3),
    6: (6.153447, -1.787e-3, 2.86264e-3),
    10: (8.671526, -3.796e-3, 1.34251e-3),
}


def rpa_static(rs, spec=None):
    gas = ElectronGas(rs)
    q, w = static_grid(gas.kF, spec or GridSpec())
    chi_s = lindhard(q, 0.0, gas.kF).real
    return q, w, dyson(chi_s, q, 0.0)


@pytest.mark.parametrize("rs", [2, 6, 10])
def test_rpa_reference_numbers(rs):
    d_ref, u_ref, k_ref = RPA_REFERENCE[rs]
    eq = find_equilibrium(*rpa_static(rs))
    assert eq.d_eq == pytest.approx(d_ref, abs=1e-6)
    assert eq.energy == pytest.approx(u_ref, rel=2e-3)
    assert eq.spring_constant == pytest.approx(k_ref, rel=5e-6)
    assert abs(eq.force_residual) < 1e-14


def test_bessel_helpers_against_scipy():
    from scipy.special import spherical_jn

    x = np.concatenate([np.geomspace(1e-6, 0.049, 40), np.linspace(0.051, 60, 400)])
    assert np.allclose(j0(x), spherical_jn(0, x), rtol=1e-14, atol=1e-16)
    assert np.allclose(j1_over_x(x), spherical_jn(1, x) / x, rtol=1e-12, atol=1e-15)
    assert np.allclose(w_parallel(x), spherical_jn(1, x) / x - spherical_jn(2, x), rtol=1e-10, atol=1e-14)


def test_angular_identity_by_brute_force():
    # int dOmega qhat_i qhat_j e^{i q.d} = 4 pi [ (j1/x) delta_ij - j2 dhat_i dhat_j ] (equations.md Sec. 2.2)
    from scipy.special import spherical_jn

    x = 3.7  # q d
    # d along z: parallel component (zz) and perpendicular (xx) by 2D quadrature over the sphere
    def integrand(theta, phi, comp):
        qx, qz = np.sin(theta) * np.cos(phi), np.cos(theta)
        val = (qz * qz if comp == "zz" else qx * qx) * np.cos(x * qz)
        return val * np.sin(theta)

    from scipy.integrate import dblquad

    par, _ = dblquad(lambda t, p: integrand(t, p, "zz"), 0, 2 * np.pi, 0, np.pi, epsabs=1e-13)
    perp, _ = dblquad(lambda t, p: integrand(t, p, "xx"), 0, 2 * np.pi, 0, np.pi, epsabs=1e-13)
    assert par == pytest.approx(4 * np.pi * float(w_parallel(x)), abs=1e-11)
    assert perp == pytest.approx(4 * np.pi * spherical_jn(1, x) / x, abs=1e-11)


def test_force_is_minus_gradient_and_curvature_three_ways():
    q, w, chi0 = rpa_static(2)
    d = np.array([3.0, 5.3689, 7.5])
    h = 1e-4
    u_p, u_m = pair_potential(d + h, q, w, chi0), pair_potential(d - h, q, w, chi0)
    f = pair_force(d, q, w, chi0)
    # central differences with h = 1e-4: truncation h^2 U'''/6 < 1e-10
    assert np.allclose(f, -(u_p - u_m) / (2 * h), rtol=0, atol=2e-10)
    # U'' three ways: own q-integral, -dF/dd, d^2U/dd^2 (equations.md Sec. 2.7b)
    k = pair_curvature(d, q, w, chi0)
    f_p, f_m = pair_force(d + h, q, w, chi0), pair_force(d - h, q, w, chi0)
    u0 = pair_potential(d, q, w, chi0)
    hh = 1e-3
    u_pp = (pair_potential(d + hh, q, w, chi0) - 2 * u0 + pair_potential(d - hh, q, w, chi0)) / hh**2
    assert np.allclose(k, -(f_p - f_m) / (2 * h), rtol=0, atol=5e-10)
    assert np.allclose(k, u_pp, rtol=0, atol=1e-8)


def test_thomas_fermi_limit_is_screened_coulomb():
    # chi = -N q^2/(q^2 + kTF^2), 4 pi N = kTF^2 => U = exp(-kTF d)/d (equations.md Sec. 1.1).
    # The TF integrands decay only as q^-3 (U) and q^-2 (F): with Q = 2000 the truncation error
    # of F is ~ 8 N/(d Q^2) < 1e-6.
    kTF = 1.3
    N = kTF**2 / (4 * np.pi)
    q, w = static_grid(1.0, GridSpec(q_max_static=2000.0, d_max=10.0))
    chi = -N * q**2 / (q**2 + kTF**2)
    d = np.array([0.7, 1.5, 3.0, 6.0])
    assert np.allclose(pair_potential(d, q, w, chi), np.exp(-kTF * d) / d, rtol=0, atol=1e-7)
    F = pair_force(d, q, w, chi)
    assert np.allclose(F, np.exp(-kTF * d) * (1 + kTF * d) / d**2, rtol=0, atol=1e-6)


def test_static_q_max_convergence():
    # truncation error of the force bracket ~ 32 n/(d Q)^4 (equations.md Sec. 1.2): at rs = 6 and
    # Q = 200 kF it moves d_eq by ~2e-8 bohr, far inside the 1e-6 bohr requirement.
    eq1 = find_equilibrium(*rpa_static(6, GridSpec(q_max_static=200.0)))
    eq2 = find_equilibrium(*rpa_static(6, GridSpec(q_max_static=400.0, n_gl=24, panel_width=0.125)))
    assert abs(eq1.d_eq - eq2.d_eq) < 1e-7
    assert eq1.spring_constant == pytest.approx(eq2.spring_constant, rel=1e-5)


def test_interacting_chi_small_q():
    # chi^h(q -> 0, 0) = -q^2/(4 pi) + (q^4/16 pi^2)(pi^2/kF + f_xc(0,0)) (equations.md Sec. 1.2)
    gas = ElectronGas(4.0)
    q = 1e-3 * gas.kF
    chi = chi_h(q, 0.0, 4.0, "rpa").real
    assert chi == pytest.approx(-q**2 / (4 * np.pi) + q**4 / (16 * np.pi**2) * np.pi**2 / gas.kF, rel=1e-9)


def test_bad_arguments():
    q, w, chi0 = rpa_static(2)
    with pytest.raises(ValueError, match="d must be"):
        pair_force(np.array([-1.0]), q, w, chi0)
    with pytest.raises(ValueError, match="no stable equilibrium"):
        find_equilibrium(q, w, chi0, d_min=1.0, d_max=3.0)
    with pytest.raises(ValueError, match="d_min"):
        find_equilibrium(q, w, chi0, d_min=5.0, d_max=3.0)
