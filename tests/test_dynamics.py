"""Frequency-domain response, Eqs. (12)-(13): friction, J integrals, the 2x2 solve and its limits.

RPA reference values: equations.md Secs. 3, 4.5 and 6 (independent numpy/scipy implementation;
proton + deuteron, sigma = +1).
"""

import warnings

import numpy as np
import pytest
from scipy.integrate import IntegrationWarning, quad

from viscous_forces.constants import M_DEUTERON, M_PROTON
from viscous_forces.dynamics import (
    Impurity,
    MarkovModel,
    dc_limit,
    friction_coefficients,
    friction_density,
    high_frequency_limit,
    j_integrals,
    solve_newton,
    solve_response,
)
from viscous_forces.electron_gas import ElectronGas
from viscous_forces.lindhard import lindhard
from viscous_forces.quadrature import GridSpec, dynamic_grid, static_grid
from viscous_forces.response import dyson
from viscous_forces.statics import find_equilibrium, w_parallel, w_perpendicular

HD = Impurity(1.0, 1.0, M_PROTON, M_DEUTERON)

# rs: (Q0, Q_par(d_eq), Q_perp(d_eq)) -- equations.md Sec. 3 table
RPA_FRICTION = {2: (0.158331, -0.0033106, 0.0031638), 6: (0.057011, -0.0267719, 0.0197691), 10: (0.030802, -0.0099989, 0.0140329)}
# rs: (Gamma_c par, Gamma_r/2, omega_vib, perp rates) -- equations.md Sec. 4.5 table
RPA_MODES = {
    2: (5.630e-5, 3.652e-5, 1.16988e-3, (4.31e-5, 8.63e-5)),
    6: (1.098e-5, 1.780e-5, 1.52936e-3, (1.24e-5, 3.42e-5)),
    10: (7.56e-6, 8.81e-6, 1.04734e-3, (5.74e-6, 1.94e-5)),
}
# n G at omega = 1e-3 (c.m., relative) -- equations.md Sec. 6
RPA_G_1E3 = {
    (2, "parallel"): (0.0024646 + 0.0560249j, -0.0149144 + 0.111223j),
    (2, "perpendicular"): (0.0042078 + 0.0583503j, -0.0059014 - 0.0433527j),
    (6, "parallel"): (0.0005376 + 0.0109776j, 0.0001437 + 0.006148j),
    (6, "perpendicular"): (0.00132 + 0.0278444j, -0.0013063 - 0.0208447j),
    (10, "parallel"): (0.0004563 + 0.0075494j, -0.0063975 + 0.0574748j),
    (10, "perpendicular"): (0.0009077 + 0.0162823j, -0.0007638 - 0.0121941j),
}


class RPA:
    """RPA statics, friction and J integrals at one rs (cached per test module)."""

    def __init__(self, rs):
        self.gas = gas = ElectronGas(rs)
        q, w = static_grid(gas.kF, GridSpec())
        chi_s = lindhard(q, 0.0, gas.kF).real
        chi0 = dyson(chi_s, q, 0.0)
        self.eq = find_equilibrium(q, w, chi0)
        a = friction_density(q, chi_s, chi0, 0.0, gas.kF)
        self.Q = friction_coefficients(q, w, a, self.eq.d_eq)
        self.spec = GridSpec(d_max=15.0)

    def jtilde(self, omega):
        kF = self.gas.kF
        qd, wd = dynamic_grid(omega, kF, self.spec)
        dchi = dyson(lindhard(qd, omega[:, None], kF), qd, 0.0) - dyson(lindhard(qd, 0.0, kF), qd, 0.0)
        J = j_integrals(qd, wd, dchi, self.eq.d_eq)
        return {k: v / omega for k, v in J.items()}

    def spring(self, geometry):
        return self.eq.spring_constant if geometry == "parallel" else 0.0


@pytest.fixture(scope="module")
def rpa():
    cache = {}

    def get(rs):
        if rs not in cache:
            cache[rs] = RPA(rs)
        return cache[rs]

    return get


@pytest.mark.parametrize("rs", [2, 6, 10])
def test_rpa_friction_reference_and_lindhard_winther(rpa, rs):
    r = rpa(rs)
    q0, qpar, qperp = RPA_FRICTION[rs]
    # reference given to 6 decimals / 5 significant digits: half a unit of the last digit
    assert r.Q["J0"] == pytest.approx(q0, abs=5e-7)
    assert r.Q["parallel"] == pytest.approx(qpar, abs=5e-8)
    assert r.Q["perpendicular"] == pytest.approx(qperp, abs=5e-8)
    # Lindhard-Winther: Q = (4/(3 pi)) int_0^{2kF} dq / (q eps_RPA(q, 0)^2), by adaptive quad
    kF = r.gas.kF
    eps = lambda q: 1 - 4 * np.pi / q**2 * lindhard(q, 0.0, kF).real
    with warnings.catch_warnings():  # QUADPACK flags roundoff at epsrel = 1e-13; the result is exact to 1e-12
        warnings.simplefilter("ignore", IntegrationWarning)
        lw, _ = quad(lambda q: 1 / (q * eps(q) ** 2), 0, 2 * kF, epsabs=0, epsrel=1e-13, limit=200)
    assert r.Q["J0"] == pytest.approx(4 / (3 * np.pi) * lw, rel=1e-10)


# QUADPACK may flag roundoff on the tiny real parts at low frequency; the assertion bounds the error.
@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("rs", [2, 10])
def test_j_integrals_against_adaptive_quad(rpa, rs):
    r = rpa(rs)
    kF, d = r.gas.kF, r.eq.d_eq
    omega = np.array([1e-5, 3e-3, 0.3 * r.gas.omega_p])
    jt = r.jtilde(omega)
    chi = lambda q, w: dyson(lindhard(q, w, kF), q, 0.0)
    for i, w in enumerate(omega):
        from viscous_forces.quadrature import continuum_edges

        pts = sorted(set(np.clip(continuum_edges(np.array([w]), kF)[0], 0, 40 * kF)) | {2 * kF})
        for key, weight, pref in (("J0", lambda x: 1 / 3, 8 / 3 * 3), ("parallel", w_parallel, 8), ("perpendicular", w_perpendicular, 8)):
            f = lambda q, part: getattr((chi(q, w) - chi(q, 0.0)) * weight(q * d), part)
            edges = [0.0] + pts + [40 * kF]
            tot = 0j
            for a, b in zip(edges[:-1], edges[1:]):
                if b > a:
                    re, _ = quad(f, a, b, args=("real",), epsabs=1e-16, epsrel=1e-12, limit=400)
                    im, _ = quad(f, a, b, args=("imag",), epsabs=1e-16, epsrel=1e-12, limit=400)
                    tot += re + 1j * im
            ref = pref * tot / w
            # absolute accuracy relative to the friction scale Q0 (equations.md Sec. 4.3: 1e-9)
            assert abs(jt[key][i] - ref) < 1e-9 * r.Q["J0"], (key, w, jt[key][i], ref)


@pytest.mark.parametrize("rs", [2, 6, 10])
def test_jtilde_tends_to_minus_i_friction(rpa, rs):
    r = rpa(rs)
    jt = r.jtilde(np.array([1e-9]))
    for key in ("J0", "parallel", "perpendicular"):
        assert abs(jt[key][0] - (-1j * r.Q[key])) < 1e-7 * r.Q["J0"]


def test_jtilde_reference_values(rpa):
    # J/omega at rs = 2, d_eq, omega = 1e-3 (equations.md Sec. 6): Im parts to the digits given
    jt = rpa(2).jtilde(np.array([1e-3]))
    assert jt["J0"][0].imag == pytest.approx(-0.158331, abs=1e-6)
    assert jt["parallel"][0].imag == pytest.approx(0.0033106, abs=1e-7)
    assert jt["perpendicular"][0].imag == pytest.approx(-0.0031638, abs=1e-7)
    assert jt["perpendicular"][0].real == pytest.approx(-5.1388e-6, rel=1e-3)


@pytest.mark.parametrize("rs", [2, 6, 10])
@pytest.mark.parametrize("geometry", ["parallel", "perpendicular"])
def test_G_reference_values_and_newton_oracle(rpa, rs, geometry):
    r = rpa(rs)
    omega = np.array([1e-3])
    jt = r.jtilde(omega)
    Gc, Gr = solve_response(omega, jt["J0"], jt[geometry], r.spring(geometry), HD, r.gas.n, 1.0)
    ref_c, ref_r = RPA_G_1E3[(rs, geometry)]
    n = r.gas.n
    assert abs(n * Gc[0] - ref_c) < 2e-6 * abs(ref_c) + 2e-7
    assert abs(n * Gr[0] - ref_r) < 2e-6 * abs(ref_r) + 2e-7
    # independent (nucleus 1, nucleus 2)-basis solve (equations.md Sec. 5 item 6)
    for sigma in (1.0, -1.0):
        omega = np.geomspace(1e-7, 0.05, 30)
        jt = r.jtilde(omega)
        Gc, Gr = solve_response(omega, jt["J0"], jt[geometry], r.spring(geometry), HD, n, sigma)
        Nc, Nr = solve_newton(omega, jt["J0"], jt[geometry], r.spring(geometry), HD, n, sigma)
        # the (1,2) basis loses ~lambda/(mu omega^2) ~ 1e7 relative at omega = 1e-7 (parallel)
        assert np.allclose(Gc, Nc, rtol=1e-8, atol=0)
        assert np.allclose(Gr, Nr, rtol=1e-8, atol=1e-10 / n)


@pytest.mark.parametrize("geometry", ["parallel", "perpendicular"])
def test_dc_and_high_frequency_limits(rpa, geometry):
    r = rpa(6)
    n = r.gas.n
    om = np.array([1e-10])
    jt = {k: np.array([-1j * v]) for k, v in r.Q.items()}
    Gc, Gr = solve_response(om, jt["J0"], jt[geometry], r.spring(geometry), HD, n)
    assert n * Gc[0] == pytest.approx(1.0, abs=1e-5)
    assert abs(n * Gr[0]) < 1e-5
    assert dc_limit(n) == (1 / n, 0j)
    # omega -> infinity: G -> G_inf (equations.md Sec. 4.2); use the Markov J at a large omega
    for sigma in (1.0, -1.0):
        om = np.array([1e3])
        Gc, Gr = solve_response(om, jt["J0"], jt[geometry], r.spring(geometry), HD, n, sigma)
        gc_inf, gr_inf = high_frequency_limit(HD, n, sigma)
        assert Gc[0].real == pytest.approx(gc_inf, rel=1e-6)
        assert Gr[0].real == pytest.approx(gr_inf, rel=1e-6)
    assert n * gc_inf == pytest.approx(-2 / (M_PROTON + M_DEUTERON), rel=1e-14)


def test_homonuclear_pair_has_no_relative_motion(rpa):
    r = rpa(2)
    omega = np.geomspace(1e-6, 0.1, 20)
    jt = r.jtilde(omega)
    h2 = Impurity(1.0, 1.0, M_PROTON, M_PROTON)
    for geometry in ("parallel", "perpendicular"):
        Gc, Gr = solve_response(omega, jt["J0"], jt[geometry], r.spring(geometry), h2, r.gas.n)
        assert np.all(Gr == 0)


@pytest.mark.parametrize("rs", [2, 6, 10])
def test_markov_modes_reference_and_causal(rpa, rs):
    r = rpa(rs)
    gc, gr_half, w_vib, perp = RPA_MODES[rs]
    par = MarkovModel.build(r.Q, r.spring("parallel"), HD, 1.0, "parallel")
    lam = par.eigenvalues
    real = lam[np.abs(lam.imag) == 0]
    osc = lam[np.abs(lam.imag) > 0]
    assert -real[0].real == pytest.approx(gc, rel=1e-3)
    assert -osc[0].real == pytest.approx(gr_half, rel=1e-3)
    assert np.sqrt(r.spring("parallel") / HD.mu) == pytest.approx(w_vib, rel=1e-5)
    per = MarkovModel.build(r.Q, 0.0, HD, 1.0, "perpendicular")
    assert np.allclose(per.decay_rates, perp, rtol=3e-3)
    # all poles in the lower half plane (equations.md Sec. 5 item 9)
    assert np.all(par.eigenvalues.real < 0) and np.all(per.eigenvalues.real < 0)


def test_markov_step_response_against_ode_integration(rpa):
    from scipy.integrate import solve_ivp

    r = rpa(2)
    m = MarkovModel.build(r.Q, r.spring("parallel"), HD, 1.0, "parallel")
    t = np.linspace(1.0, 4e4, 50)
    exact = m.step_response(t)
    sol = solve_ivp(lambda s, x: m.A @ x + m.B, (0, t[-1]), m.C, t_eval=t, rtol=1e-11, atol=1e-14, method="DOP853")
    assert np.allclose(exact, sol.y.T, rtol=0, atol=1e-9)


def test_impurity_validation():
    with pytest.raises(ValueError, match="M1"):
        Impurity(1.0, 1.0, -5.0, 2.0)
    with pytest.raises(ValueError, match="Z2"):
        Impurity(1.0, 0.0, 1.0, 2.0)
    from viscous_forces.dynamics import check_geometry, direct_field_sign

    with pytest.raises(ValueError, match="parallel, perpendicular"):
        check_geometry("diagonal")
    with pytest.raises(ValueError, match="printed, derived"):
        direct_field_sign("flipped")
