"""Frequency-domain response, Eqs. (12)-(13): friction, J integrals, the 2x2 solve and its limits.

RPA reference values: an independent numpy/scipy implementation written for this project's
validation (proton + deuteron, sigma = +1); docs/theory.md, "Checks".
"""

import numpy as np
import pytest

from viscous_forces.constants import M_DEUTERON, M_PROTON
from viscous_forces.core.dyson import dyson
from viscous_forces.core.electron_gas import ElectronGas
from viscous_forces.core.frequency_domain import dc_limit, high_frequency_limit, solve_2x2
from viscous_forces.core.friction import friction_coefficients, friction_density, j_integrals
from viscous_forces.core.impurity import Impurity
from viscous_forces.core.lindhard import lindhard
from viscous_forces.core.quadrature import GridSpec, dynamic_grid, static_grid
from viscous_forces.core.statics import find_equilibrium
from viscous_forces.core.time_domain import MarkovModel

import oracles
from conftest import data_scope

HD = Impurity(1.0, 1.0, M_PROTON, M_DEUTERON)

# rs: (Q0, Q_par(d_eq), Q_perp(d_eq)), independent RPA implementation
RPA_FRICTION = {
    2: (0.158331, -0.0033106, 0.0031638),
    6: (0.057011, -0.0267719, 0.0197691),
    10: (0.030802, -0.0099989, 0.0140329),
}
# rs: (Gamma_c par, Gamma_r/2, omega_vib, perp rates), independent RPA implementation
RPA_MODES = {
    2: (5.630e-5, 3.652e-5, 1.16988e-3, (4.31e-5, 8.63e-5)),
    6: (1.098e-5, 1.780e-5, 1.52936e-3, (1.24e-5, 3.42e-5)),
    10: (7.56e-6, 8.81e-6, 1.04734e-3, (5.74e-6, 1.94e-5)),
}
# n G at omega = 1e-3 (c.m., relative), independent RPA implementation
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


@pytest.fixture(scope=data_scope)
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
    # Lindhard-Winther closed form by adaptive quadrature (tests/oracles.py); measured 2e-15 relative
    assert r.Q["J0"] == pytest.approx(oracles.lindhard_winther(rs), rel=1e-13)


@pytest.mark.parametrize(
    "rs, frequencies",
    [
        (10, ("3e-3",)),
        pytest.param(2, ("1e-5", "3e-3", "0.3 omega_p"), marks=pytest.mark.slow),
        pytest.param(10, ("1e-5", "0.3 omega_p"), marks=pytest.mark.slow),
    ],
)
def test_j_integrals_against_adaptive_quad(rpa, rs, frequencies):
    r = rpa(rs)
    d = r.eq.d_eq
    omega = np.array([0.3 * r.gas.omega_p if f == "0.3 omega_p" else float(f) for f in frequencies])
    jt = r.jtilde(omega)
    for i, w in enumerate(omega):
        ref = oracles.j_integrals(rs, "rpa", d, w, q_max=r.spec.q_max_dynamic * r.gas.kF)
        for key in ("J0", "parallel", "perpendicular"):
            # absolute accuracy relative to the friction scale Q0: measured <= 4.4e-12 Q0 (J0, 1e-5 Ha)
            assert abs(jt[key][i] - ref[key] / w) < 5e-11 * r.Q["J0"], (key, w, jt[key][i], ref[key] / w)


@pytest.mark.parametrize("rs", [2, 6, 10])
def test_jtilde_tends_to_minus_i_friction(rpa, rs):
    r = rpa(rs)
    jt = r.jtilde(np.array([1e-9]))
    for key in ("J0", "parallel", "perpendicular"):
        assert abs(jt[key][0] - (-1j * r.Q[key])) < 1e-7 * r.Q["J0"]


def test_jtilde_reference_values(rpa):
    # J/omega at rs = 2, d_eq, omega = 1e-3 (independent RPA implementation): Im parts to the digits given
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
    Gc, Gr = solve_2x2(omega, jt["J0"], jt[geometry], r.spring(geometry), HD, r.gas.n, 1.0)
    ref_c, ref_r = RPA_G_1E3[(rs, geometry)]
    n = r.gas.n
    assert abs(n * Gc[0] - ref_c) < 2e-6 * abs(ref_c) + 2e-7
    assert abs(n * Gr[0] - ref_r) < 2e-6 * abs(ref_r) + 2e-7
    # independent (nucleus 1, nucleus 2)-basis solve (tests/oracles.py)
    for sigma in (1.0, -1.0):
        omega = np.geomspace(1e-7, 0.05, 30)
        jt = r.jtilde(omega)
        Gc, Gr = solve_2x2(omega, jt["J0"], jt[geometry], r.spring(geometry), HD, n, sigma)
        Nc, Nr = oracles.solve_newton(
            omega, jt["J0"], jt[geometry], r.spring(geometry), *HD.__dict__.values(), n, sigma
        )
        # the (1,2) basis loses ~lambda/(mu omega^2) ~ 1e7 relative at omega = 1e-7 (parallel)
        assert np.allclose(Gc, Nc, rtol=1e-8, atol=0)
        assert np.allclose(Gr, Nr, rtol=1e-8, atol=1e-10 / n)


@pytest.mark.parametrize("geometry", ["parallel", "perpendicular"])
def test_dc_and_high_frequency_limits(rpa, geometry):
    r = rpa(6)
    n = r.gas.n
    om = np.array([1e-10])
    jt = {k: np.array([-1j * v]) for k, v in r.Q.items()}
    Gc, Gr = solve_2x2(om, jt["J0"], jt[geometry], r.spring(geometry), HD, n)
    # the impurity drifts with the electrons: n G -> (1, 0) linearly in omega/Gamma (~1e-5 here)
    assert n * Gc[0] == pytest.approx(1.0, abs=1e-4)
    assert abs(n * Gr[0]) < 1e-4
    assert dc_limit(n) == (pytest.approx(n * Gc[0] / n, rel=1e-4), 0j)
    # omega -> infinity: G -> G_inf, compared with the (1, 2)-basis Newton solve at the same omega
    for sigma in (1.0, -1.0):
        om = np.array([1e3])
        Gc, Gr = solve_2x2(om, jt["J0"], jt[geometry], r.spring(geometry), HD, n, sigma)
        Nc, Nr = oracles.solve_newton(om, jt["J0"], jt[geometry], r.spring(geometry), *HD.__dict__.values(), n, sigma)
        gc_inf, gr_inf = high_frequency_limit(HD, n, sigma)
        # the remainder is O(Q/(M omega)) ~ 1e-8 relative at omega = 1e3
        assert Gc[0].real == pytest.approx(gc_inf, rel=1e-6)
        assert Gr[0].real == pytest.approx(gr_inf, rel=1e-6)
        assert Nc[0].real == pytest.approx(gc_inf, rel=1e-6)
        assert Nr[0].real == pytest.approx(gr_inf, rel=1e-6)


def test_homonuclear_pair_has_no_relative_motion(rpa):
    r = rpa(2)
    omega = np.geomspace(1e-6, 0.1, 20)
    jt = r.jtilde(omega)
    h2 = Impurity(1.0, 1.0, M_PROTON, M_PROTON)
    for geometry in ("parallel", "perpendicular"):
        Gc, Gr = solve_2x2(omega, jt["J0"], jt[geometry], r.spring(geometry), h2, r.gas.n)
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
    # all poles in the lower half plane (causality)
    assert np.all(par.eigenvalues.real < 0) and np.all(per.eigenvalues.real < 0)


@pytest.mark.parametrize("geometry", ["parallel", "perpendicular"])
def test_markov_model_against_two_nucleus_ode(rpa, geometry):
    """Eigenvalues and step response against the (V1, V2, R) equations integrated by DOP853."""
    r = rpa(2)
    spring = r.spring(geometry)
    m = MarkovModel.build(r.Q, spring, HD, 1.0, geometry)
    A, _ = oracles.markov_matrix(r.Q["J0"], r.Q[geometry], spring, *HD.__dict__.values())
    lam = np.linalg.eigvals(A)
    lam = lam[np.abs(lam) > 1e-30]  # perpendicular: the free rotation angle R decouples (eigenvalue 0)
    assert np.allclose(np.sort_complex(m.eigenvalues), np.sort_complex(lam), rtol=1e-10, atol=0)
    t = np.linspace(1.0, 4e4, 50)
    vc, vr = oracles.markov_step_response(t, r.Q["J0"], r.Q[geometry], spring, *HD.__dict__.values())
    exact = m.step_response(t)
    assert np.allclose(exact[:, 0], vc, rtol=0, atol=1e-9)
    assert np.allclose(exact[:, 1], vr, rtol=0, atol=1e-9)


def test_impurity_validation():
    with pytest.raises(ValueError, match="M1"):
        Impurity(1.0, 1.0, -5.0, 2.0)
    with pytest.raises(ValueError, match="Z2"):
        Impurity(1.0, 0.0, 1.0, 2.0)
    from viscous_forces.core.frequency_domain import direct_field_sign
    from viscous_forces.core.impurity import check_geometry

    with pytest.raises(ValueError, match="parallel, perpendicular"):
        check_geometry("diagonal")
    with pytest.raises(ValueError, match="printed, derived"):
        direct_field_sign("flipped")


def test_impurity_presets_mappings_and_refusals():
    from viscous_forces.core.impurity import IMPURITY_PRESETS, Impurity, get_impurity

    hd = get_impurity("hd")
    assert (hd.Z1, hd.Z2, hd.M1, hd.M2) == (1.0, 1.0, M_PROTON, M_DEUTERON) and get_impurity(hd) is hd
    assert get_impurity({"Z1": 2, "Z2": 1, "M1": 7000, "M2": 3000}) == Impurity(2.0, 1.0, 7000.0, 3000.0)
    allowed = ", ".join(sorted(IMPURITY_PRESETS))
    with pytest.raises(ValueError, match=rf"unknown impurity preset 'xx'; allowed: {allowed}$"):
        get_impurity("xx")
    for bad in ({"Z1": 1, "Z2": 1, "M1": 1}, 3.0):
        with pytest.raises(ValueError, match=r"impurity must be a preset name or a mapping with Z1, Z2, M1, M2; got"):
            get_impurity(bad)


def test_high_frequency_limit_default_sign():
    """sigma = +1 (the printed direct-field sign) unless given."""
    from viscous_forces.core.impurity import Impurity

    imp = Impurity(2.0, 1.0, 7000.0, 3000.0)
    assert high_frequency_limit(imp, 0.01) == high_frequency_limit(imp, 0.01, 1.0)
    gc, gr = high_frequency_limit(imp, 0.01, -1.0)
    assert (gc, gr) == tuple(-x for x in high_frequency_limit(imp, 0.01))


def test_markov_step_response_is_causal():
    """x(t) = 0 for t <= 0 exactly (the jump C appears at t = 0+), float64, decaying to the DC value."""
    from viscous_forces.core.time_domain import MarkovModel

    m = MarkovModel(A=np.array([[-0.1, 0.02], [0.0, -0.2]]), B=np.array([0.1, 0.2]), C=np.array([0.3, -0.1]))
    x = m.step_response(np.array([-1.0, 0.0, 1e-12, 1e4]))
    assert x.dtype == np.float64 and np.all(x[:2] == 0)
    np.testing.assert_allclose(x[2], m.C, rtol=1e-9)  # just after the jump
    np.testing.assert_allclose(x[3], -np.linalg.solve(m.A, m.B), rtol=1e-9)  # x' = A x + B -> -A^-1 B


def test_solve_2x2_refuses_zero_and_non_finite_frequencies():
    from viscous_forces.core.frequency_domain import solve_2x2
    from viscous_forces.core.impurity import Impurity

    imp, jt = Impurity(1.0, 1.0, M_PROTON, M_DEUTERON), np.array([0.1 - 0.2j, 0.1 - 0.2j])
    for omega in (np.array([0.0, 0.1]), np.array([0.1, np.inf]), np.array([np.nan, 0.1])):
        with pytest.raises(ValueError, match=r"solve_2x2 needs finite omega != 0 Ha; use dc_limit\(\)"):
            solve_2x2(omega, jt, jt, 0.01, imp, 0.01)


def test_old_import_paths_name_the_moved_objects():
    """core.dynamics (workflow/rules/common.smk imports get_impurity from it) and core.pulses.pulse_response
    re-export the objects that moved to impurity, friction, frequency_domain and time_domain: the same objects."""
    from viscous_forces.core import dynamics, frequency_domain, friction, impurity, pulses, time_domain

    homes = {m.__name__: m for m in (impurity, friction, frequency_domain, time_domain)}
    constants = {"GEOMETRIES": impurity, "IMPURITY_PRESETS": impurity, "DIRECT_FIELD_SIGNS": frequency_domain}
    for name in dynamics.__all__:
        obj = getattr(dynamics, name)
        home = constants[name] if name in constants else homes[obj.__module__]
        assert obj is getattr(home, name), name
    assert pulses.pulse_response is time_domain.pulse_response
