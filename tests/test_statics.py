"""Pair statics, Eqs. (9)-(10): identities, the Thomas-Fermi limit, oracles and RPA reference numbers.

RPA reference values (Z1 = Z2 = 1): an independent numpy/scipy implementation written for this
project's validation (adaptive quadrature, brentq); docs/theory.md, "Checks".
"""

import numpy as np
import pytest
from scipy.integrate import dblquad
from scipy.special import spherical_jn

from viscous_forces.core.dyson import chi_h, dyson
from viscous_forces.core.electron_gas import ElectronGas
from viscous_forces.core.lindhard import lindhard
from viscous_forces.core.quadrature import GridSpec, static_grid
from viscous_forces.core.statics import angular_weights, find_equilibrium, pair_statics

import oracles
from reference import printed

# rs: (d_eq, U(d_eq), U''(d_eq)), independent RPA implementation, as printed
RPA_REFERENCE = {
    2: ("5.368877", "3.177e-5", "1.67506e-3"),
    6: ("6.153447", "-1.787e-3", "2.86264e-3"),
    10: ("8.671526", "-3.796e-3", "1.34251e-3"),
}


def rpa_static(rs, spec=None):
    gas = ElectronGas(rs)
    q, w = static_grid(gas.kF, spec or GridSpec())
    return q, w, dyson(lindhard(q, 0.0, gas.kF).real, q, 0.0)


@pytest.mark.parametrize("rs", [2, 6, 10])
def test_rpa_reference_numbers(rs):
    eq = find_equilibrium(*rpa_static(rs))
    # every reference value within half a unit of its last printed digit
    for got, text in zip((eq.d_eq, eq.energy, eq.spring_constant), RPA_REFERENCE[rs]):
        value, tol = printed(text)
        assert got == pytest.approx(value, abs=tol)
    assert abs(eq.force_residual) < 1e-14


def test_angular_weights_against_scipy():
    x = np.concatenate([np.geomspace(1e-6, 0.049, 40), np.linspace(0.051, 60, 400)])
    a, b, c = angular_weights(x)
    # measured max deviation 2e-16 (j0), 1e-15 (j1/x, w_par beyond the series switch)
    assert np.allclose(a, spherical_jn(0, x), rtol=1e-14, atol=1e-16)
    assert np.allclose(b, spherical_jn(1, x) / x, rtol=1e-12, atol=1e-15)
    assert np.allclose(c, spherical_jn(1, x) / x - spherical_jn(2, x), rtol=1e-10, atol=1e-14)


def test_angular_identity_by_brute_force():
    # int dOmega qhat_i qhat_j e^{i q.d} = 4 pi [ (j1/x) delta_ij - j2 dhat_i dhat_j ] (docs/theory.md)
    x = 3.7  # q d, with d along z: parallel component (zz) and perpendicular (xx) by 2D quadrature

    def integrand(theta, phi, comp):
        qx, qz = np.sin(theta) * np.cos(phi), np.cos(theta)
        return (qz * qz if comp == "zz" else qx * qx) * np.cos(x * qz) * np.sin(theta)

    par, _ = dblquad(lambda t, p: integrand(t, p, "zz"), 0, 2 * np.pi, 0, np.pi, epsabs=1e-13)
    perp, _ = dblquad(lambda t, p: integrand(t, p, "xx"), 0, 2 * np.pi, 0, np.pi, epsabs=1e-13)
    _, w_perp, w_par = angular_weights(np.array([x]))
    assert par == pytest.approx(4 * np.pi * w_par[0], abs=1e-11)
    assert perp == pytest.approx(4 * np.pi * w_perp[0], abs=1e-11)


@pytest.mark.parametrize("rs", [2, 6])
def test_pair_statics_against_scipy_bessel_oracle(rs):
    """Same quadrature rule, angular weights from scipy.special: U, F, U'' agree to rounding."""
    q, w, chi0 = rpa_static(rs)
    d = np.array([2.0, 4.5, 5.3689, 9.0, 14.5])
    U, F, K = pair_statics(d, q, w, chi0)
    Uo, Fo, Ko = oracles.pair_statics_on_nodes(d, q, w, chi0)
    # measured: 3e-16 (U), 2e-15 (F), 4e-15 (U'') absolute
    assert np.allclose(U, Uo, rtol=0, atol=3e-15)
    assert np.allclose(F, Fo, rtol=0, atol=2e-14)
    assert np.allclose(K, Ko, rtol=0, atol=4e-14)


def test_force_is_minus_gradient_and_curvature_three_ways():
    q, w, chi0 = rpa_static(2)
    d = np.array([3.0, 5.3689, 7.5])
    h = 1e-4
    U, F, K = pair_statics(d, q, w, chi0)
    U_p, F_p, _ = pair_statics(d + h, q, w, chi0)
    U_m, F_m, _ = pair_statics(d - h, q, w, chi0)
    # central differences with h = 1e-4: truncation h^2 U'''/6 < 1e-10
    assert np.allclose(F, -(U_p - U_m) / (2 * h), rtol=0, atol=2e-10)
    assert np.allclose(K, -(F_p - F_m) / (2 * h), rtol=0, atol=5e-10)
    hh = 1e-3
    u_pp = (pair_statics(d + hh, q, w, chi0)[0] - 2 * U + pair_statics(d - hh, q, w, chi0)[0]) / hh**2
    assert np.allclose(K, u_pp, rtol=0, atol=1e-8)
    # F > 0 is repulsion: at short distance the bare Coulomb wins
    assert np.all(pair_statics(np.array([0.3, 0.5]), q, w, chi0)[1] > 0)


def test_thomas_fermi_limit_is_screened_coulomb():
    # chi = -N q^2/(q^2 + kTF^2), 4 pi N = kTF^2 => U = exp(-kTF d)/d (docs/theory.md, "Statics").
    # The TF integrands decay only as q^-3 (U) and q^-2 (F): with Q = 2000 the truncation error
    # of F is ~ 8 N/(d Q^2) < 1e-6.
    kTF = 1.3
    N = kTF**2 / (4 * np.pi)
    q, w = static_grid(1.0, GridSpec(q_max_static=2000.0, d_max=10.0))
    chi = -N * q**2 / (q**2 + kTF**2)
    d = np.array([0.7, 1.5, 3.0, 6.0])
    U, F, _ = pair_statics(d, q, w, chi)
    U_tf, F_tf = oracles.thomas_fermi_potential(d, kTF)
    assert np.allclose(U, U_tf, rtol=0, atol=1e-7)
    assert np.allclose(F, F_tf, rtol=0, atol=1e-6)


@pytest.mark.parametrize("kernel", ["rpa", "mcp07"])
def test_statics_against_adaptive_quadrature_to_infinity(kernel):
    """U, F, U'' at the production d_eq against scipy quad to infinity (QAWF tail), rs = 6.

    The Gauss-Legendre sum stops at 200 kF; the measured difference is the truncation error:
    U 8e-13 Ha, F 1e-10 Ha/bohr, U'' 3e-9 Ha/bohr^2 (2e-7 relative).
    """
    rs = 6.0
    gas = ElectronGas(rs)
    q, w = static_grid(gas.kF, GridSpec(d_max=15.0))
    chi0 = chi_h(q, 0.0, rs, kernel).real
    eq = find_equilibrium(q, w, chi0, d_max=15.0)
    U, F, K = oracles.static_integrals(rs, kernel, eq.d_eq)
    assert eq.energy == pytest.approx(U, abs=1e-11)
    assert abs(F) < 1e-9
    assert eq.spring_constant == pytest.approx(K, abs=3e-8)


def test_static_q_max_convergence():
    # truncation error of the force bracket ~ 32 n/(d Q)^4 (docs/theory.md, "Statics"): at rs = 6
    # and Q = 200 kF it moves d_eq by ~2e-8 bohr (measured 1.7e-8)
    eq1 = find_equilibrium(*rpa_static(6, GridSpec(q_max_static=200.0)))
    eq2 = find_equilibrium(*rpa_static(6, GridSpec(q_max_static=400.0, n_gl=24, panel_width=0.125)))
    assert abs(eq1.d_eq - eq2.d_eq) < 2e-7
    assert eq1.spring_constant == pytest.approx(eq2.spring_constant, rel=1e-5)


def test_interacting_chi_small_q():
    # chi^h(q -> 0, 0) = -q^2/(4 pi) + (q^4/16 pi^2)(pi^2/kF + f_xc(0,0)) (compressibility sum rule)
    gas = ElectronGas(4.0)
    q = 1e-3 * gas.kF
    chi = chi_h(q, 0.0, 4.0, "rpa").real
    assert chi == pytest.approx(-(q**2) / (4 * np.pi) + q**4 / (16 * np.pi**2) * np.pi**2 / gas.kF, rel=1e-9)


def test_bad_arguments():
    q, w, chi0 = rpa_static(2)
    with pytest.raises(ValueError, match="d must be"):
        pair_statics(np.array([-1.0]), q, w, chi0)
    with pytest.raises(ValueError, match="no stable equilibrium"):
        find_equilibrium(q, w, chi0, d_min=1.0, d_max=3.0)
    with pytest.raises(ValueError, match="d_min"):
        find_equilibrium(q, w, chi0, d_min=5.0, d_max=3.0)
