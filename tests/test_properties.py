"""Invariants over random inputs (hypothesis): symmetries, signs, sum rules, identities, oracles.

Each property holds exactly in the theory (docs/theory.md, "Checks"); the tolerances cover
rounding and, where a quadrature is involved, its measured error.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from viscous_forces.core.dyson import chi_h
from viscous_forces.core.electron_gas import ElectronGas
from viscous_forces.core.frequency_domain import solve_2x2
from viscous_forces.core.impurity import Impurity
from viscous_forces.core.lindhard import lindhard
from viscous_forces.core.quadrature import GridSpec, static_grid
from viscous_forces.core.statics import pair_statics

import oracles

KERNELS = ("rpa", "alda", "mcp07", "rmcp07")
rs_values = st.floats(1.0, 10.0)
q_over_kF = st.floats(0.02, 5.0)
omega_over_wp = st.floats(1e-4, 2.0)
charges = st.floats(0.5, 4.0)
masses = st.floats(1e3, 2e4)
PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(rs=rs_values, x=q_over_kF, y=omega_over_wp, kernel=st.sampled_from(KERNELS))
def test_chi_is_real_in_time(rs, x, y, kernel):
    """chi^h(q, -omega) = chi^h(q, omega)*: a real response function."""
    gas = ElectronGas(rs)
    q, w = x * gas.kF, y * gas.omega_p
    assert chi_h(q, -w, rs, kernel) == np.conj(chi_h(q, w, rs, kernel))


@PROPERTY
@given(rs=rs_values, x=q_over_kF, y=omega_over_wp, kernel=st.sampled_from(KERNELS))
def test_absorption_is_positive(rs, x, y, kernel):
    """Im chi^h(q, omega) <= 0 for omega > 0 (the gas absorbs energy)."""
    gas = ElectronGas(rs)
    assert chi_h(x * gas.kF, y * gas.omega_p, rs, kernel).imag <= 0


@PROPERTY
@given(rs=rs_values, x=st.floats(0.05, 4.0), y=st.floats(0.0, 3.0))
def test_lindhard_closed_form_against_complex_log_formula(rs, x, y):
    """The piecewise real form equals the analytic complex-log form just above the real axis."""
    gas = ElectronGas(rs)
    q, w = x * gas.kF, y * gas.omega_p
    u = w / (q * gas.kF)
    assume(abs(u) < 10 * (1 + x))  # the complex-log oracle cancels catastrophically beyond
    assume(min(abs(x / 2 - u - 1), abs(x / 2 + u - 1), abs(x / 2 - u + 1)) > 1e-6)  # log singularities
    got = lindhard(q, w, gas.kF)
    ref = oracles.lindhard_complex_log(q, w, gas.kF)
    assert abs(got - ref) <= 3e-10 * abs(ref)  # measured <= 2.5e-11 (oracle cancellation near the u limit)


@settings(max_examples=25, deadline=None)
@given(rs=rs_values, x=st.floats(0.05, 4.0))
def test_f_sum_rule(rs, x):
    """int_0^inf omega Im chi_s(q, omega) d omega = -pi n q^2/2 (particle conservation)."""
    gas = ElectronGas(rs)
    q = x * gas.kF
    z = q / (2 * gas.kF)
    lo, hi = q * gas.kF * max(z - 1, 0.0), q * gas.kF * (z + 1)
    pts = [q * gas.kF * abs(1 - z)] if z < 1 else None
    val, _ = quad(lambda w: w * lindhard(q, w, gas.kF).imag, lo, hi, points=pts, epsabs=0, epsrel=1e-12, limit=200)
    assert val == pytest.approx(-np.pi * gas.n * q**2 / 2, rel=1e-10)  # measured <= 1e-15


_STATIC = {}


def _static_rpa(rs):
    if rs not in _STATIC:
        gas = ElectronGas(rs)
        q, w = static_grid(gas.kF, GridSpec(d_max=20.0))
        _STATIC[rs] = (q, w, chi_h(q, 0.0, rs, "rpa").real)
    return _STATIC[rs]


@PROPERTY
@given(rs=st.sampled_from([2.0, 6.0, 10.0]), d=st.floats(1.0, 18.0))
def test_force_is_minus_derivative_of_potential(rs, d):
    """F = -dU/dd and U'' = -dF/dd at random d (central differences, h = 1e-4 bohr)."""
    q, w, chi0 = _static_rpa(rs)
    h = 1e-4
    U, F, K = pair_statics(np.array([d - h, d, d + h]), q, w, chi0)
    # truncation (h^2/6) x third derivative, bounded by the bare Coulomb terms (6/d^4 for U,
    # 24/d^5 for F; the screened part is smaller), plus rounding eps |U|/h
    assert F[1] == pytest.approx(-(U[2] - U[0]) / (2 * h), abs=2 * h**2 / d**4 + 1e-11)
    assert K[1] == pytest.approx(-(F[2] - F[0]) / (2 * h), abs=8 * h**2 / d**5 + 1e-11)


def _jtilde(draw_re, draw_im):
    """A friction-like J/omega: any real part, negative imaginary part (dissipation)."""
    return complex(draw_re, -abs(draw_im))


@PROPERTY
@given(
    omega=st.floats(1e-6, 1e-1),
    j0=st.tuples(st.floats(-1, 1), st.floats(1e-4, 1)),
    jg=st.tuples(st.floats(-1, 1), st.floats(0, 1)),
    spring=st.floats(0, 1e-2),
    Z1=charges,
    Z2=charges,
    M1=masses,
    M2=masses,
    sigma=st.sampled_from([1.0, -1.0]),
)
def test_response_is_real_in_time(omega, j0, jg, spring, Z1, Z2, M1, M2, sigma):
    """G(-omega) = G(omega)*, given J(-omega) = J(omega)*, i.e. J~(-omega) = -J~(omega)*."""
    imp = Impurity(Z1, Z2, M1, M2)
    jt0, jtg = np.array([_jtilde(*j0)]), np.array([_jtilde(*jg)])
    Gp = solve_2x2(np.array([omega]), jt0, jtg, spring, imp, 0.01, sigma)
    Gm = solve_2x2(np.array([-omega]), -np.conj(jt0), -np.conj(jtg), spring, imp, 0.01, sigma)
    for a, b in zip(Gp, Gm):
        assert b[0] == pytest.approx(np.conj(a[0]), rel=1e-12, abs=1e-300)


@PROPERTY
@given(
    omega=st.floats(1e-6, 1e-1),
    j0=st.tuples(st.floats(-1, 1), st.floats(1e-4, 1)),
    jg=st.tuples(st.floats(-1, 1), st.floats(0, 1)),
    spring=st.floats(0, 1e-2),
    Z=charges,
    M=masses,
    sigma=st.sampled_from([1.0, -1.0]),
)
def test_equal_nuclei_do_not_move_relative_to_each_other(omega, j0, jg, spring, Z, M, sigma):
    """Z1 = Z2, M1 = M2: the relative motion is not driven, G_r = 0 exactly."""
    _, Gr = solve_2x2(
        np.array([omega]), np.array([_jtilde(*j0)]), np.array([_jtilde(*jg)]), spring, Impurity(Z, Z, M, M), 0.01, sigma
    )
    assert Gr[0] == 0


@PROPERTY
@given(
    omega=st.floats(1e-5, 1e-1),
    j0=st.tuples(st.floats(-1, 1), st.floats(1e-4, 1)),
    jg=st.tuples(st.floats(-1, 1), st.floats(0, 1)),
    spring=st.floats(0, 1e-2),
    Z1=charges,
    Z2=charges,
    M1=masses,
    M2=masses,
    sigma=st.sampled_from([1.0, -1.0]),
)
def test_two_by_two_solve_against_newton_oracle(omega, j0, jg, spring, Z1, Z2, M1, M2, sigma):
    """The (c.m., relative) 2x2 system equals Newton's equations for each nucleus."""
    n = 0.01
    jt0, jtg = np.array([_jtilde(*j0)]), np.array([_jtilde(*jg)])
    Gc, Gr = solve_2x2(np.array([omega]), jt0, jtg, spring, Impurity(Z1, Z2, M1, M2), n, sigma)
    Nc, Nr = oracles.solve_newton(np.array([omega]), jt0, jtg, spring, Z1, Z2, M1, M2, n, sigma)
    # the (1, 2) basis loses ~ spring/(mu omega^2) digits to cancellation at low frequency
    slack = 1e-12 * (1 + spring / (min(M1, M2) * omega**2))
    assert Gc[0] == pytest.approx(Nc[0], rel=slack, abs=slack / n)
    assert Gr[0] == pytest.approx(Nr[0], rel=slack, abs=slack / n)


def _integer_input_cases():
    """(label, function, integer arguments): every public function that converts an input with
    ``np.asarray(x, dtype=float)`` in the modules under mutation testing."""
    from viscous_forces.core import filon, statics, time_domain
    from viscous_forces.core.kernels import get_kernel, gki, gki_shapes, im_slope, mcp07, pw92, rmcp07
    from viscous_forces.core.lindhard import lindhard_F
    from viscous_forces.core.pulses import make_pulse
    from viscous_forces.core.time_domain import MarkovModel
    from viscous_forces.stages.chi import chi_dataarray

    q, w, t = np.array([1, 2, 3]), np.array([0, 1, 2]), np.array([0, 1, 2, 3, 4, 5, 6])
    imp = Impurity(Z1=1, Z2=1, M1=1836, M2=3671)
    jt = np.array([0.1 - 0.2j, 0.05 + 0.01j, 0.02 - 0.03j])
    markov = MarkovModel(A=np.array([[-0.1, 0.0], [0.0, -0.2]]), B=np.array([0.1, 0.2]), C=np.array([0.0, 0.0]))
    cases = [
        ("lindhard", lambda a, b: lindhard(a, b, 1), (q, w)),
        ("lindhard_F", lindhard_F, (q, w)),
        ("angular_weights", statics.angular_weights, (q,)),
        (
            "pair_statics",
            lambda d: pair_statics(d, np.array([0.5, 1.0]), np.array([0.2, 0.3]), np.array([-0.1, -0.2])),
            (q,),
        ),
        ("solve_2x2", lambda o: solve_2x2(o, jt, jt / 2, 0.01, imp, 0.01), (np.array([1, 2, 3]),)),
        ("markov_step", markov.step_response, (t,)),
        ("filon_fourier", filon.filon_fourier, (w, w, t)),
        ("filon_cos", filon.filon_cos, (w, w, t)),
        ("step_response", lambda o, tt: time_domain.step_response(o, 1.0 / (1 + o - 1j * o), tt, 1.0 + 0j), (w, t)),
        ("f_gki", lambda o: gki.f_gki(o, 2.0), (w,)),
        ("g", gki_shapes.g, (w,)),
        ("h_fit", gki_shapes.h_fit, (w,)),
        ("h_exact_reference", gki_shapes.h_exact_reference, (w,)),
        ("h_exact", gki_shapes.h_exact, (w,)),
        ("gki_shape", gki_shapes.gki_shape, (w,)),
        ("mcp07_static", lambda a: mcp07.static_kernel(a, 2.0), (q,)),
        ("mcp07_fxc", lambda a: mcp07.fxc(a, 0.0, 2.0), (q,)),
        ("eps_c_derivatives", lambda r: tuple(pw92.eps_c_derivatives(r)), (q,)),
        ("rmcp07_scale", lambda a: rmcp07.frequency_scale(a, 2.0), (q,)),
        ("rmcp07_fxc", lambda a, b: rmcp07.fxc(a, b, 2.0), (q, w)),
        ("rmcp07_slope", lambda a: rmcp07.im_slope(a, 2.0), (q,)),
        ("rmcp07_omega_inf", lambda a: rmcp07.omega_inf_limit(a, 2.0), (q,)),
        ("kernel_call", lambda a, b: get_kernel("rmcp07")(a, b, 2), (q, w)),
        ("im_slope", lambda a: im_slope("rmcp07", a, 2), (q,)),
        ("chi_dataarray", lambda a, b: chi_dataarray(a, b, 2, "mcp07").values, (q, w)),
    ]
    for shape in ("rectangular", "ramp", "gaussian", "ac"):
        p = make_pulse(shape, 4, frequency=0.7 if shape == "ac" else None)
        cases += [(f"{shape}_shape", p.shape, (t,)), (f"{shape}_derivative", p.smooth_derivative, (t,))]
    return dict((label, (function, args)) for label, function, args in cases)


INTEGER_INPUT_CASES = (
    "lindhard lindhard_F angular_weights pair_statics solve_2x2 markov_step filon_fourier filon_cos step_response "
    "f_gki g h_fit h_exact_reference h_exact gki_shape mcp07_static mcp07_fxc eps_c_derivatives rmcp07_scale "
    "rmcp07_fxc rmcp07_slope rmcp07_omega_inf kernel_call im_slope chi_dataarray "
    + " ".join(f"{s}_shape {s}_derivative" for s in ("rectangular", "ramp", "gaussian", "ac"))
).split()


@pytest.mark.parametrize("label", INTEGER_INPUT_CASES)
def test_integer_input_gives_the_float_result(label):
    """Integer arrays are read as the same float values: no integer arithmetic anywhere."""
    cases = _integer_input_cases()
    assert sorted(cases) == sorted(INTEGER_INPUT_CASES)
    function, args = cases[label]
    as_int, as_float = function(*args), function(*(np.asarray(a, dtype=float) for a in args))
    as_int, as_float = (r if isinstance(r, tuple) else (r,) for r in (as_int, as_float))
    for x, y in zip(as_int, as_float, strict=True):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=label)
