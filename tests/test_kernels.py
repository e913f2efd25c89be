"""Tests of the xc kernels (viscous_forces.core.kernels) against reference numbers computed with
the rMCP07 authors' public reference implementation (github.com/esoteric-ephemera/tc21 @
85570dab64680c5ace08c07d1929b02dbd030977, dft/mcp07.py, dft/gki_fxc.py, dft/alda.py) and
confirmed by an independent implementation from the published formulas.  Hartree atomic units.

Reference values are copied verbatim (as strings where the number of printed digits sets the
tolerance).  Tolerances: 1e-9 relative unless stated; where a printed value carries fewer
than ~10 significant digits the tolerance is max(1e-9 |ref|, half a unit of the last printed
digit), since the table itself cannot be more precise than that.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from scipy import integrate
from scipy.optimize import brentq

from viscous_forces.core.electron_gas import ElectronGas
from viscous_forces.core.kernels import (
    Kernel,
    alda,
    available_kernels,
    get_kernel,
    gki,
    gki_shapes,
    im_slope,
    kernel_module_file,
    mcp07,
    pw92,
    rmcp07,
)


def half_unit(ref: str) -> float:
    """Half a unit of the last printed digit of the decimal string ``ref``."""
    return 0.5 * 10.0 ** Decimal(ref).as_tuple().exponent


def assert_close(value, ref: str, rtol: float = 1e-9, digits_only: bool = False):
    """|value - ref| <= max(rtol |ref|, half a unit of the last printed digit of ref)."""
    r = float(ref)
    tol = half_unit(ref) if digits_only else max(rtol * abs(r), half_unit(ref))
    assert abs(float(value) - r) <= tol, f"{value!r} vs {ref} (tol {tol:.2e})"


# --------------------------------------------------------------------------------------
# tc21 @ 85570dab: intermediate quantities, PW92 with
# A = (1 - ln 2)/pi^2.  Columns: rs, kF, wp, eps_c, eps_c', f0, f_inf, b, B, k, C, C_xc, E, k_s
# --------------------------------------------------------------------------------------
# fmt: off
TABLE_7_1 = [
    ("2", "0.9595791463", "0.6123724357", "-0.0447594945", "1.0099975e-2", "-3.6538880542",
     "-1.0205465917", "0.6413728959", "0.8265340444", "0.3517909209", "0.0402030852",
     "1.5454489e-3", "-0.0297280916", "2.1432024950"),
    ("4", "0.4797895732", "0.2165063509", "-0.0318663387", "4.2320088e-3", "-15.3103037871",
     "-3.5250134658", "4.7302934168", "0.9328516787", "1.3060546406", "0.0489069238",
     "1.2248815e-3", "-0.4916516766", "1.5614587765"),
    ("6", "0.3198597154", "0.1178511302", "-0.0254271240", "2.4685838e-3", "-35.7139869450",
     "-7.9105330131", "14.8559136669", "0.9846636514", "2.8862939906", "0.0521321620",
     "1.0113168e-3", "-2.7348858440", "1.1410318584"),
    ("10", "0.1919158293", "0.0547722558", "-0.0185722892", "1.2016582e-3", "-104.6301850624",
     "-24.3248284902", "61.1073878840", "1.0314048137", "8.0726844240", "0.0536572805",
     "7.4861513e-4", "-24.7840009923", "0.7194068885"),
]
# fmt: on


@pytest.mark.parametrize("row", TABLE_7_1, ids=lambda r: f"rs={r[0]}")
def test_table_7_1_intermediate_quantities(row):
    rs = float(row[0])
    kF, wp, eps_c, deps_c, f0, finf, b, B, k, C, C_xc, E, k_s = row[1:]
    gas = ElectronGas(rs)
    ec = pw92.pw92_eps_c_derivatives(rs)
    co = mcp07.mcp07_coefficients(rs)
    gc = gki.gki_coefficients(rs)
    assert_close(gas.kF, kF)
    assert_close(gas.omega_p, wp)
    assert_close(ec.eps, eps_c)
    assert_close(ec.d1, deps_c, digits_only=True)  # to the digits given
    assert_close(pw92.f_alda(rs), f0)
    assert_close(co.f0, f0)
    assert_close(pw92.f_inf(rs), finf)
    assert_close(gc.f_inf, finf)
    assert_close(gki.b_gki(rs), b)
    assert_close(co.B, B)
    assert_close(mcp07.cdop_B(rs), B)
    assert_close(co.k, k)
    assert_close(co.C, C)
    assert_close(co.C_xc, C_xc, digits_only=True)  # to the digits given
    assert_close(mcp07.c_xc(rs), C_xc, digits_only=True)
    assert_close(co.E, E)
    assert_close(rmcp07.screening_wavevector(rs), k_s)


# tc21 @ 85570dab, text below the table: PZ81 f0 and f_inf.
PZ81_F0 = {2: "-3.6489610", 4: "-15.3389446", 6: "-35.8094254", 10: "-104.8626416"}
PZ81_FINF = {2: "-1.0022238", 4: "-3.5921892", 6: "-8.1643240", 10: "-25.0399213"}
# tc21 @ 85570dab: s = (rs/c')^2 and gamma (f_inf - f0) = c b^(3/4).
S_VALUES = {2: "0.21177", 4: "0.84709", 6: "1.90595", 10: "5.29429"}
GAMMA_DELTA = {2: "3.452386", 6: "36.451128", 10: "105.282633"}


@pytest.mark.parametrize("rs", [2, 4, 6, 10])
def test_pz81_and_derived_constants(rs):
    assert_close(pw92.f_alda(rs, "PZ81"), PZ81_F0[rs], digits_only=True)
    assert_close(pw92.f_inf(rs, "PZ81"), PZ81_FINF[rs], digits_only=True)
    assert_close((rs / rmcp07.DEFAULTS["c_prime"]) ** 2, S_VALUES[rs], digits_only=True)
    gc = gki.gki_coefficients(rs)
    if rs in GAMMA_DELTA:
        assert_close(gki_shapes.GAMMA * gc.delta, GAMMA_DELTA[rs], digits_only=True)
    # identity c b^(3/4) = gamma (f_inf - f0)
    assert gki_shapes.C_GKI * gc.b**0.75 == pytest.approx(gki_shapes.GAMMA * gc.delta, rel=1e-14, abs=0.0)


def test_gki_constants():
    # docs/theory.md section 5: gamma = 1.311028777146060, c = 23 pi/15 = 4.817108735504349
    assert gki_shapes.GAMMA == pytest.approx(1.311028777146060, rel=1e-15, abs=0.0)
    assert gki_shapes.C_GKI == pytest.approx(4.817108735504349, rel=1e-15, abs=0.0)


def test_pw92_pz81_derivatives_match_finite_differences():
    rs = np.array([0.3, 0.9, 1.5, 2.0, 6.0, 10.0, 50.0])
    for corr in ("PW92", "PZ81"):
        e = pw92.eps_c_derivatives(rs, corr)
        for i, r in enumerate(rs):
            hstep = 1e-4 * r
            ep = pw92.eps_c_derivatives(r + hstep, corr).eps
            em = pw92.eps_c_derivatives(r - hstep, corr).eps
            d1p = pw92.eps_c_derivatives(r + hstep, corr).d1
            d1m = pw92.eps_c_derivatives(r - hstep, corr).d1
            assert (ep - em) / (2 * hstep) == pytest.approx(e.d1[i], rel=1e-7, abs=1e-12)
            assert (d1p - d1m) / (2 * hstep) == pytest.approx(e.d2[i], rel=1e-6, abs=1e-12)


def test_f_alda_is_second_density_derivative():
    # f0 = d^2(n eps_xc)/dn^2 by central differences in n, eps_x = -3 kF/(4 pi) (Dirac exchange).
    def n_eps_xc(n):
        rs = (3.0 / (4.0 * math.pi * n)) ** (1.0 / 3.0)
        return n * (-0.75 * ElectronGas(rs).kF / math.pi + pw92.pw92_eps_c_derivatives(rs).eps)

    for rs in (1.0, 4.0):
        n = ElectronGas(rs).n
        dn = 1e-3 * n
        fd = (n_eps_xc(n + dn) - 2 * n_eps_xc(n) + n_eps_xc(n - dn)) / dn**2
        assert fd == pytest.approx(pw92.f_alda(rs), rel=1e-5, abs=0.0)


# --------------------------------------------------------------------------------------
# tc21 @ 85570dab: static kernel f_xc(q, w=0), Ha bohr^3.
# Columns: rs, q/kF, rMCP07(q,0) [PW92], MCP07-2020 [PZ81], ratio to f0
# --------------------------------------------------------------------------------------
# fmt: off
TABLE_7_2 = [
    (2, 0.1, "-3.6508161953", "-3.6458892932", "0.99915929"),
    (2, 0.5, "-3.5789776068", "-3.5741166527", "0.97949843"),
    (2, 1, "-3.3788846278", "-3.3749043458", "0.92473677"),
    (2, 2, "-2.7032770692", "-2.7055018390", "0.73983577"),
    (2, 3, "-1.8149788307", "-1.8216603502", "0.49672535"),
    (6, 0.1, "-35.6958836295", "-35.7913209105", "0.99949310"),
    (6, 0.5, "-35.2662250168", "-35.3609477866", "0.98746256"),
    (6, 1, "-34.0142989844", "-34.0994982399", "0.95240834"),
    (6, 2, "-28.9361732340", "-28.9420580807", "0.81021963"),
    (6, 3, "-20.2896262380", "-20.2229285166", "0.56811429"),
    (10, 0.1, "-104.5929138130", "-104.8253667747", "0.99964378"),
    (10, 3, "-59.8020893158", "-59.5829949900", "0.57155676"),
]
# fmt: on


@pytest.mark.parametrize("rs,qk,f_pw92,f_pz81,ratio", TABLE_7_2)
def test_table_7_2_static(rs, qk, f_pw92, f_pz81, ratio):
    q = qk * ElectronGas(rs).kF
    f = get_kernel("mcp07")(q, 0.0, rs)
    assert f.imag == 0.0
    assert_close(f.real, f_pw92)
    assert_close(get_kernel("rmcp07")(q, 0.0, rs).real, f_pw92)
    assert_close(get_kernel("mcp07")(q, 0.0, rs, correlation="PZ81").real, f_pz81)
    assert_close(mcp07.static_kernel(q, rs) / pw92.f_alda(rs), ratio, digits_only=True)


# tc21 @ 85570dab: q -> 0 checks, f(1e-3 kF), f(1e-2 kF), f0.
# Note: the rs = 10, 1e-3 kF entry differs from the accurate value (-104.6301813388) by 1.6e-10
# relative; tc21 evaluates e^{-kq^2}(1+Eq^4) - 1 without expm1, which cancels at kq^2 ~ 3e-7.
# Hence 1e-9 relative here rather than the printed digits.
# fmt: off
Q_TO_0 = [
    (2, 1e-3, "-3.653887747"), (2, 1e-2, "-3.653857306"), (2, 0.0, "-3.653888054"),
    (10, 1e-3, "-104.630181356"), (10, 1e-2, "-104.629812700"), (10, 0.0, "-104.630185062"),
]
# fmt: on


@pytest.mark.parametrize("rs,qk,ref", Q_TO_0)
def test_table_7_2_small_q(rs, qk, ref):
    if qk == 0.0:
        value = pw92.f_alda(rs)
        assert mcp07.static_kernel(0.0, rs) == value  # series branch at q = 0 gives f0 exactly
    else:
        value = mcp07.static_kernel(qk * ElectronGas(rs).kF, rs)
    assert_close(value, ref, rtol=1e-9)


def test_mcp07_small_q_series_matches_closed_form_at_switch():
    # Just below k q^2 = 1e-4 the O(q^6) series is used; it must agree with the expm1 closed
    # form evaluated at the same q (both accurate to ~2e-16, checked against 60-digit decimal).
    for rs in (2.0, 10.0):
        co = mcp07.mcp07_coefficients(rs)
        for fac in (1 - 1e-9, 0.5, 0.1):
            q = math.sqrt(mcp07.SMALL_Q_SWITCH / co.k) * fac
            y = co.k * q * q
            closed = 4 * math.pi * co.B * (
                math.expm1(-y) / q**2 + co.E * q**2 * math.exp(-y)
            ) - 4 * math.pi * co.C / co.kF**2 * y**2 / (1 + y**2)
            assert mcp07.static_kernel(q, rs) == pytest.approx(closed, rel=1e-14, abs=0.0)


def test_mcp07_large_q_limit_and_sign():
    rs = 4.0
    co = mcp07.mcp07_coefficients(rs)
    q = np.linspace(0.01, 20, 400) * co.kF
    f = mcp07.static_kernel(q, rs)
    assert np.all(f < 0)
    assert np.all(np.diff(f) > 0)  # monotonically increasing (docs/theory.md section 4)
    qbig = 1e4 * co.kF
    lim = -4 * math.pi * co.B / qbig**2 - 4 * math.pi * co.C / co.kF**2
    assert mcp07.static_kernel(qbig, rs) == pytest.approx(lim, rel=1e-12, abs=0.0)


# --------------------------------------------------------------------------------------
# tc21 @ 85570dab: rMCP07 f_xc(q, w), real w, Ha bohr^3.
# Columns: rs, q/kF, w/wp, Re f, Im f, dRe(exactKK), p(q)
# --------------------------------------------------------------------------------------
# fmt: off
TABLE_7_3 = [
    (2, 0.5, 0.1, "-3.5702804512", "-0.1519370909", "-4.6e-04", "0.965943"),
    (2, 0.5, 0.5, "-3.3783830844", "-0.7115704724", "-6.9e-03", "0.965943"),
    (2, 0.5, 1, "-2.9236727099", "-1.1829637348", "-2.7e-03", "0.965943"),
    (2, 0.5, 2, "-2.0053882572", "-1.3681749866", "+3.8e-03", "0.965943"),
    (2, 1, 0.1, "-3.3731187916", "-0.1115184447", "-3.1e-04", "0.872351"),
    (2, 1, 0.5, "-3.2440176733", "-0.5284702951", "-5.0e-03", "0.872351"),
    (2, 1, 1, "-2.9249667639", "-0.9059294150", "-4.0e-03", "0.872351"),
    (2, 1, 2, "-2.2241339475", "-1.1249830333", "+5.2e-03", "0.872351"),
    (2, 2, 0.1, "-2.7020769157", "-0.0337046585", "-6.4e-05", "0.600587"),
    (2, 2, 0.5, "-2.6742322709", "-0.1642413343", "-1.3e-03", "0.600587"),
    (2, 2, 1, "-2.5973114569", "-0.3040858811", "-2.8e-03", "0.600587"),
    (2, 2, 2, "-2.3825524381", "-0.4650220326", "+1.1e-03", "0.600587"),
    (6, 0.5, 0.1, "-35.1757093140", "-1.6237927477", "-4.8e-03", "1.015550"),
    (6, 0.5, 0.5, "-33.1703600426", "-7.6298525108", "-7.4e-02", "1.015550"),
    (6, 0.5, 1, "-28.3635867034", "-12.7922958794", "-3.7e-02", "1.015550"),
    (6, 0.5, 2, "-18.4321239618", "-15.0799164819", "+5.0e-02", "1.015550"),
    (6, 1, 0.1, "-33.9245535926", "-1.5416663541", "-4.8e-03", "1.060618"),
    (6, 1, 0.5, "-31.9497012174", "-7.2044091283", "-7.0e-02", "1.060618"),
    (6, 1, 1, "-27.3051846027", "-11.9107514539", "-2.3e-02", "1.060618"),
    (6, 1, 2, "-18.0637884195", "-13.6074436298", "+3.3e-02", "1.060618"),
    (6, 2, 0.1, "-28.8565707152", "-1.1898717094", "-4.2e-03", "1.219204"),
    (6, 2, 0.5, "-27.1490666022", "-5.4453558845", "-5.1e-02", "1.219204"),
    (6, 2, 1, "-23.3989805975", "-8.5495045380", "+1.0e-02", "1.219204"),
    (6, 2, 2, "-16.8728443326", "-8.7818677731", "-1.1e-02", "1.219204"),
]
# fmt: on


DRE_ROUNDING_BOUNDARY = {(6, 0.5, 1), (6, 1, 0.1)}


@pytest.mark.parametrize("rs,qk,wk,re,im,dre,p", TABLE_7_3)
def test_table_7_3_dynamic(rs, qk, wk, re, im, dre, p):
    gas = ElectronGas(rs)
    q, w = qk * gas.kF, wk * gas.omega_p
    kern = get_kernel("rmcp07")
    f = kern(q, w, rs)
    assert_close(f.real, re)
    assert_close(f.imag, im)
    f_exact = kern(q, w, rs, h="exact")
    # Half a unit of the last digit shown.  Two entries sit on the rounding boundary: the
    # accurate values (exact h checked against quad(weight="cauchy") to 1e-14) are -0.0364951
    # (printed -3.7e-02) and -0.00474989 (printed -4.8e-03), i.e. 0.505 and 0.501 units off;
    # docs/theory.md's own exact h must have been ~1e-7 off there.  Allow 0.51 units for those two.
    tol = half_unit(dre) * (1.02 if (rs, qk, wk) in DRE_ROUNDING_BOUNDARY else 1.0)
    assert abs((f_exact.real - f.real) - float(dre)) <= tol
    assert f_exact.imag == pytest.approx(f.imag, rel=1e-15, abs=0.0)  # Im f is independent of h
    assert_close(rmcp07.frequency_scale(q, rs), p, digits_only=True)
    # negative frequency: f(q, -w) = conj f(q, w)
    assert kern(q, -w, rs) == f.conj()


# tc21 @ 85570dab: small-w slope dIm f/dw at w = 0, bohr^3.
# Columns: rs, (q -> 0, 0.5 kF, kF, 2 kF)
# fmt: off
SLOPES = [
    (2, (-2.76487, -2.48808, -1.82526, -0.55099)),
    (6, (-140.495, -138.150, -131.194, -101.351)),
    (10, (-823.007, -854.697, -931.040, -997.511)),
]
# fmt: on


@pytest.mark.parametrize("rs,refs", SLOPES)
def test_small_omega_slope(rs, refs):
    kF = ElectronGas(rs).kF
    q = np.array([1e-9, 0.5, 1.0, 2.0]) * kF
    s = im_slope("rmcp07", q, rs)
    np.testing.assert_allclose(s, refs, rtol=1e-5, atol=0.0)
    # the same via the Kernel object and, independently, by Im f(q, w)/w at small w
    np.testing.assert_allclose(im_slope(get_kernel("rmcp07"), q, rs), s, rtol=1e-15, atol=0.0)
    w = 1e-7 * ElectronGas(rs).omega_p
    np.testing.assert_allclose(get_kernel("rmcp07")(q, w, rs).imag / w, s, rtol=1e-9, atol=0.0)


def test_im_slope_finite_difference_path_and_static_kernels():
    # A kernel without an analytic slope uses Im f(q, delta)/delta with delta = 1e-6 omega_p.
    fd_kernel = Kernel(
        function=lambda q, w, rs, **p: rmcp07.fxc(q, w, rs, **p),
        defaults=rmcp07.DEFAULTS,
        dynamic=True,
        description="test",
        label="fd",
    )
    q = np.array([0.3, 1.0, 2.5]) * ElectronGas(4.0).kF
    np.testing.assert_allclose(im_slope(fd_kernel, q, 4.0), im_slope("rmcp07", q, 4.0), rtol=1e-10, atol=0.0)
    for name in ("rpa", "alda", "mcp07"):
        np.testing.assert_array_equal(im_slope(name, q, 4.0), np.zeros(3))


# tc21 @ 85570dab: w -> inf checks (w = 1e8 Ha).
def test_omega_to_infinity():
    rs = 2.0
    gas = ElectronGas(rs)
    kern = get_kernel("rmcp07")
    q = 0.5 * gas.kF
    f = kern(q, 1e8, rs)
    assert_close(f.real, "-1.12570461", digits_only=True)
    assert f.real == pytest.approx(rmcp07.omega_inf_limit(q, rs), rel=1e-10, abs=0.0)
    assert abs(f.imag) < 1e-10
    f0q = kern(1e-6 * gas.kF, 1e8, rs)
    assert_close(f0q.real, "-1.0205466", digits_only=True)
    # GKI alone tends to f_inf
    assert gki.f_gki(1e12, rs).real == pytest.approx(pw92.f_inf(rs), rel=1e-12, abs=0.0)


# --------------------------------------------------------------------------------------
# Exact Kramers-Kronig h(x) (docs/theory.md, "GKI frequency dependence")
# --------------------------------------------------------------------------------------
def _h_by_cauchy_quad(x: float) -> float:
    """(2/pi) PV int_0^inf t g(t)/(t^2 - x^2) dt by QUADPACK's Cauchy-weight rule."""

    def f(t):
        return t * gki_shapes.g(t) / (t + x)

    cut = 4.0 * x + 10.0
    pv, _ = integrate.quad(f, 0.0, cut, weight="cauchy", wvar=x, epsabs=1e-14, epsrel=1e-13, limit=400)
    tail, _ = integrate.quad(lambda t: f(t) / (t - x), cut, np.inf, epsabs=1e-14, epsrel=1e-13, limit=400)
    return 2.0 / math.pi * (pv + tail)


@pytest.mark.parametrize("x", [0.05, 0.5, 1.0, 2.0, 2.36746, 3.0, 7.5, 20.0])
def test_exact_h_is_kk_partner_of_g(x):
    ref = _h_by_cauchy_quad(x)
    assert abs(float(gki_shapes.h_exact(x)) - ref) <= 1e-8
    assert abs(float(gki_shapes.h_exact_reference(x)) - ref) <= 1e-12


def test_exact_h_table_accuracy():
    # Documented accuracy of the fast spline: <= 1.6e-13 absolute (assert 1e-12).
    x = np.concatenate([np.linspace(0.0, 30.0, 30001), np.logspace(-8, 12, 2001)])
    err = np.abs(gki_shapes.h_exact(x) - gki_shapes.h_exact_reference(x))
    assert err.max() <= 1e-12
    big = x > 100
    rel = err[big] / np.abs(gki_shapes.h_exact_reference(x[big]))
    assert rel.max() <= 1e-13


def test_exact_h_properties():
    assert float(gki_shapes.h_exact(0.0)) == pytest.approx(1.0 / gki_shapes.GAMMA, rel=1e-15, abs=0.0)
    assert float(gki_shapes.h_exact_reference(0.0)) == pytest.approx(1.0 / gki_shapes.GAMMA, rel=1e-15, abs=0.0)
    assert float(gki_shapes.h_fit(0.0)) == pytest.approx(1.0 / gki_shapes.GAMMA, rel=1e-15, abs=0.0)
    # zero of the exact h at 2.36746 (docs/theory.md, "GKI frequency dependence"), of the fit at 2.392
    assert brentq(gki_shapes.h_exact, 2.0, 3.0, xtol=1e-12) == pytest.approx(2.36746, abs=1e-5)
    assert brentq(gki_shapes.h_fit, 2.0, 3.0, xtol=1e-12) == pytest.approx(2.392, abs=1e-3)
    # even in x
    x = np.linspace(0, 50, 101)
    np.testing.assert_array_equal(gki_shapes.h_exact(-x), gki_shapes.h_exact(x))
    np.testing.assert_array_equal(gki_shapes.h_fit(-x), gki_shapes.h_fit(x))
    np.testing.assert_array_equal(gki_shapes.g(-x), -gki_shapes.g(x))


def test_fit_error_on_0_10():
    x = np.linspace(0.0, 10.0, 20001)
    err = np.max(np.abs(gki_shapes.h_fit(x) - gki_shapes.h_exact(x)))
    assert 2.0e-3 <= err <= 3.0e-3  # "about 2.5e-3" (docs/theory.md, "GKI frequency dependence")


@pytest.mark.parametrize("x", [1e3, 1e4, 1e6, 1e9])
def test_exact_h_large_x(x):
    # h ~ -x^{-3/2}; full expansion -x^{-3/2} + 2/(gamma x^2) + 5/4 x^{-7/2} - 2.4/(gamma x^4)
    gam = gki_shapes.GAMMA
    asym = -(x**-1.5) + 2 / (gam * x**2) + 1.25 * x**-3.5 - 2.4 / (gam * x**4)
    h = float(gki_shapes.h_exact(x))
    assert h == pytest.approx(asym, rel=1e-9, abs=0.0)
    assert h * x**1.5 == pytest.approx(-1.0, rel=2.0 / (gam * math.sqrt(x)) * 1.01, abs=0.0)
    assert float(gki_shapes.h_fit(x)) * x**1.5 == pytest.approx(-1.0, rel=0.05, abs=0.0)


def test_f_gki_limits_and_symmetry():
    rs = 4.0
    f0, finf = pw92.f_alda(rs), pw92.f_inf(rs)
    w = np.linspace(0.0, 3.0, 31)
    for h in ("fit", "exact"):
        f = gki.f_gki(w, rs, h=h)
        np.testing.assert_array_equal(gki.f_gki(-w, rs, h=h), f.conj())
        assert np.all(f.imag[1:] < 0)
        assert gki.f_gki(1e9, rs, h=h).real == pytest.approx(finf, rel=1e-9, abs=0.0)
        assert gki.f_gki(0.0, rs, h=h) == f0
    slope = -gki_shapes.GAMMA * (finf - f0) * math.sqrt(gki.b_gki(rs))
    assert gki.f_gki(1e-8, rs).imag / 1e-8 == pytest.approx(slope, rel=1e-12, abs=0.0)


def test_b_requires_finf_above_f0(monkeypatch):
    monkeypatch.setattr(gki, "f_inf", lambda rs, correlation="PW92": -1e6)
    gki._gki_coefficients.cache_clear()
    try:
        with pytest.raises(ValueError, match="f_inf > f0"):
            gki.b_gki(3.0)
    finally:
        gki._gki_coefficients.cache_clear()


# --------------------------------------------------------------------------------------
# Kernel properties and the registry
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("rs", [0.5, 2.0, 6.0, 10.0, 30.0])
def test_rmcp07_static_limit_equals_mcp07(rs):
    q = np.logspace(-6, 2, 801) * ElectronGas(rs).kF
    for h in ("fit", "exact"):
        f = get_kernel("rmcp07")(q, 0.0, rs, h=h)
        ref = get_kernel("mcp07")(q, 0.0, rs)
        np.testing.assert_allclose(f.real, ref.real, rtol=1e-15, atol=0.0)
        np.testing.assert_array_equal(f.imag, 0.0)


@pytest.mark.parametrize("name", ["rpa", "alda", "mcp07", "rmcp07"])
def test_conjugate_symmetry_and_dissipation(name):
    kern = get_kernel(name)
    for rs in (1.0, 4.0, 20.0):
        gas = ElectronGas(rs)
        q = np.linspace(0.05, 6.0, 37)[:, None] * gas.kF
        w = np.linspace(0.0, 5.0, 41)[None, :] * gas.omega_p
        f = kern(q, w, rs)
        assert f.shape == (37, 41) and f.dtype == np.complex128
        np.testing.assert_array_equal(kern(q, -w, rs), f.conj())
        assert np.all(f.imag <= 0.0)
        if name == "rmcp07":
            assert np.all(f.imag[:, 1:] < 0.0)
            fe = kern(q, w, rs, h="exact")
            np.testing.assert_array_equal(kern(q, -w, rs, h="exact"), fe.conj())


def test_rmcp07_chunking_and_broadcasting_consistent():
    rs = 3.0
    gas = ElectronGas(rs)
    q = np.linspace(0.01, 10, 300) * gas.kF
    w = np.linspace(-2, 2, 250) * gas.omega_p
    grid = rmcp07.fxc(q[:, None], w[None, :], rs)  # chunked over q rows
    qq, ww = np.meshgrid(q, w, indexing="ij")
    flat = rmcp07.fxc(qq.ravel(), ww.ravel(), rs).reshape(grid.shape)  # chunked 1-D
    np.testing.assert_array_equal(grid, flat)
    scalar = rmcp07.fxc(q[7], w[11], rs)
    assert scalar.shape == ()
    assert scalar == grid[7, 11]


def test_rpa_alda_shapes_and_values():
    q = np.ones((3, 1))
    w = np.zeros(4)
    z = get_kernel("rpa")(q, w, 2.0)
    assert z.shape == (3, 4) and z.dtype == np.complex128
    np.testing.assert_array_equal(z, 0.0)
    assert get_kernel("rpa")(1.0, 0.3, 2.0).shape == ()
    a = get_kernel("alda")(q, w, 2.0)
    assert a.shape == (3, 4)
    np.testing.assert_array_equal(a, pw92.f_alda(2.0))
    a_pz = get_kernel("alda")(q, w, 2.0, correlation="PZ81")
    np.testing.assert_array_equal(a_pz, pw92.f_alda(2.0, "PZ81"))
    m = get_kernel("mcp07")(np.array([1.0, 2.0]), np.zeros((5, 1)), 2.0)
    assert m.shape == (5, 2)


def test_discovered_kernels_and_metadata():
    assert {"rpa", "alda", "mcp07", "rmcp07"} <= set(available_kernels())
    assert "pw92" not in available_kernels() and "gki" not in available_kernels()  # ingredients, no KERNEL
    kernels = {n: get_kernel(n) for n in ("rpa", "alda", "mcp07", "rmcp07")}
    assert get_kernel("rmcp07") is kernels["rmcp07"] is rmcp07.KERNEL
    assert {n: k.label for n, k in kernels.items()} == {
        "rpa": "RPA",
        "alda": "ALDA",
        "mcp07": "MCP07 (static)",
        "rmcp07": "rMCP07",
    }
    assert kernels["rmcp07"].dynamic and not kernels["mcp07"].dynamic
    assert dict(kernels["rmcp07"].defaults) == {
        "a": 3.846991,
        "b": 0.471351,
        "c_prime": 4.346063,
        "d": 0.881313,
        "h": "fit",
    }
    assert dict(kernels["mcp07"].defaults) == {"correlation": "PW92"}
    assert dict(kernels["rpa"].defaults) == {}
    assert kernel_module_file("rmcp07") == rmcp07.__file__
    with pytest.raises(TypeError):
        kernels["rmcp07"].defaults["a"] = 1.0  # read-only mapping
    assert kernels["rmcp07"].params(h="exact", a=4) == {
        "a": 4.0,
        "b": 0.471351,
        "c_prime": 4.346063,
        "d": 0.881313,
        "h": "exact",
    }


def test_kernel_errors():
    with pytest.raises(ValueError) as err:
        get_kernel("x")
    assert "unknown kernel 'x'; available: alda, mcp07, rmcp07, rpa" in str(err.value)
    with pytest.raises(ValueError, match="kernel name must match"):
        get_kernel("RPA ")
    with pytest.raises(ValueError, match="must define KERNEL"):
        get_kernel("pw92")
    kern = get_kernel("rmcp07")
    with pytest.raises(ValueError) as err:
        kern.params(c=1.0)
    msg = str(err.value)
    assert "rmcp07" in msg and "'c'" in msg and "a, b, c_prime, d, h" in msg
    with pytest.raises(ValueError) as err:
        kern(1.0, 0.1, 2.0, foo=1)
    assert "'foo'" in str(err.value)
    with pytest.raises(ValueError) as err:
        get_kernel("rpa").params(h="fit")
    assert "'h'" in str(err.value) and "(none)" in str(err.value)
    with pytest.raises(ValueError) as err:
        kern.params(h="exactly")
    msg = str(err.value)
    assert "h" in msg and "fit" in msg and "exact" in msg and "'exactly'" in msg
    with pytest.raises(ValueError) as err:
        get_kernel("mcp07").params(correlation="LDA")
    assert "PW92" in str(err.value) and "PZ81" in str(err.value)
    for key in ("a", "b", "c_prime", "d"):
        with pytest.raises(ValueError, match=key):
            kern.params(**{key: 0.0})
        with pytest.raises(ValueError, match=key):
            kern.params(**{key: -1.0})
    for bad_q in (0.0, -1.0, np.nan, np.inf, np.array([1.0, 0.0])):
        with pytest.raises(ValueError, match="q"):
            kern(bad_q, 0.1, 2.0)
    with pytest.raises(ValueError, match="omega"):
        kern(1.0, np.inf, 2.0)
    with pytest.raises(ValueError, match="omega must be real"):
        kern(1.0, 0.1 + 0.1j, 2.0)
    with pytest.raises(ValueError, match="rs"):
        kern(1.0, 0.1, -2.0)
    with pytest.raises(ValueError):
        rmcp07.fxc(1.0, 0.1, 2.0, h="bad")  # module functions validate too


def test_a_kernel_object_validates_its_own_parameters():
    alda = get_kernel("alda")
    new = Kernel(
        function=lambda q, w, rs, correlation="PW92": 0.5 * alda.function(q, w, rs, correlation),
        defaults={"correlation": "PW92"},
        dynamic=False,
        description="test kernel",
        label="ALDA/2",
        checks=dict(alda.checks),
    )
    assert new(1.0, 0.0, 2.0) == 0.5 * pw92.f_alda(2.0)
    with pytest.raises(ValueError, match="correlation"):
        new.params(correlation="XX")
    with pytest.raises(TypeError, match="name"):  # a kernel is named by the module or entry point it is found by
        Kernel(name="half_alda", function=new.function, defaults={}, dynamic=False, description="", label="")


# ---------------------------------------------------------------------------------------------------------
# Parameters reach the formulas: defaults of the module functions are the published ones, an explicit
# correlation or h changes the result, and rMCP07 depends on (a, b) only through k_s.
# ---------------------------------------------------------------------------------------------------------


def test_module_function_defaults_are_the_kernel_defaults():
    q, w = np.array([0.3, 1.1, 2.5]), np.array([0.0, 0.2, 0.9])
    assert mcp07.fxc(q, w, 2.0) == pytest.approx(get_kernel("mcp07")(q, w, 2.0), rel=0, abs=0)
    np.testing.assert_array_equal(mcp07.fxc(q, w, 2.0), mcp07.fxc(q, w, 2.0, "PW92"))
    np.testing.assert_array_equal(mcp07.static_kernel(q, 2.0), mcp07.static_kernel(q, 2.0, "PW92"))
    np.testing.assert_array_equal(alda.fxc(q, w, 2.0), alda.fxc(q, w, 2.0, "PW92"))
    np.testing.assert_array_equal(gki.f_gki(w, 2.0), gki.f_gki(w, 2.0, "fit", "PW92"))
    assert gki.b_gki(2.0) == gki.b_gki(2.0, "PW92")
    assert tuple(pw92.eps_c_derivatives(2.0)) == tuple(pw92.pw92_eps_c_derivatives(2.0))
    np.testing.assert_array_equal(gki_shapes.gki_shape(w), gki_shapes.gki_shape(w, "fit"))


def test_correlation_and_h_reach_the_formulas():
    q, w = np.array([0.3, 1.1, 2.5]), np.array([0.1, 0.2, 0.9])
    for pw, pz in (
        (mcp07.fxc(q, w, 2.0, "PW92"), mcp07.fxc(q, w, 2.0, "PZ81")),
        (mcp07.static_kernel(q, 2.0, "PW92"), mcp07.static_kernel(q, 2.0, "PZ81")),
        (alda.fxc(q, w, 2.0, "PW92"), alda.fxc(q, w, 2.0, "PZ81")),
        (gki.f_gki(w, 2.0, "fit", "PW92"), gki.f_gki(w, 2.0, "fit", "PZ81")),
        (gki.b_gki(2.0, "PW92"), gki.b_gki(2.0, "PZ81")),
    ):
        assert np.all(np.abs(np.asarray(pw) - np.asarray(pz)) > 1e-6 * np.abs(pw))
    fit, exact = gki.f_gki(w, 2.0, "fit"), gki.f_gki(w, 2.0, "exact")
    assert np.all(fit != exact) and np.allclose(fit, exact, rtol=0.05)  # the fit is good to a few per cent
    assert np.all(gki_shapes.gki_shape(w, "exact")[0] != gki_shapes.gki_shape(w, "fit")[0])


def test_pz81_branches_against_the_published_formulas():
    """Perdew & Zunger, PRB 23, 5048 (1981), Eqs. (C3)-(C4) with Table XII (unpolarised): A ln rs + B +
    C rs ln rs + D rs for rs < 1 and gamma/(1 + beta1 sqrt(rs) + beta2 rs) for rs >= 1 (the two differ
    by 3.2e-5 Ha at rs = 1, so the branch taken at rs = 1 is visible)."""
    A, B, C, D = 0.0311, -0.048, 0.0020, -0.0116
    gamma, beta1, beta2 = -0.1423, 1.0529, 0.3334
    for rs in (0.2, 0.5, 0.999):
        ref = A * math.log(rs) + B + C * rs * math.log(rs) + D * rs
        assert pw92.pz81_eps_c_derivatives(rs).eps == pytest.approx(ref, rel=1e-14)
    for rs in (1.0, 2.0, 6.0):
        ref = gamma / (1 + beta1 * math.sqrt(rs) + beta2 * rs)
        assert pw92.pz81_eps_c_derivatives(rs).eps == pytest.approx(ref, rel=1e-14)


def test_rmcp07_depends_on_a_and_b_only_through_the_screening_wavevector():
    """k_s = k_F (a + b k_F^{3/2})/(1 + k_F^2): (a', b') with a' + b' k_F^{3/2} = a + b k_F^{3/2} give the
    same kernel; any other pair a different one."""
    rs, q, w = 2.0, np.array([0.3, 1.1, 2.5]), np.array([0.05, 0.2, 0.9])
    kF = ElectronGas(rs).kF
    p = rmcp07.DEFAULTS
    b2 = 0.2
    a2 = p["a"] + (p["b"] - b2) * kF**1.5
    same = {"a": a2, "b": b2}
    for f in (
        lambda **k: rmcp07.frequency_scale(q, rs, **k),
        lambda **k: rmcp07.fxc(q, w, rs, **k),
        lambda **k: rmcp07.im_slope(q, rs, **k),
        lambda **k: rmcp07.omega_inf_limit(q, rs, **k),
        lambda **k: get_kernel("rmcp07")(q, w, rs, **k),
    ):
        np.testing.assert_allclose(f(**same), f(), rtol=1e-13)
        assert not np.allclose(f(a=a2), f(), rtol=1e-6)
        assert not np.allclose(f(b=b2), f(), rtol=1e-6)


@pytest.mark.parametrize("name", ["a", "b", "c_prime", "d"])
def test_rmcp07_parameter_ranges_name_the_parameter(name):
    k = get_kernel("rmcp07")
    assert k.params(**{name: 1e-3})[name] == 1e-3 and k.params(**{name: 1e3})[name] == 1e3
    for bad in (0.9e-3, 1.1e3):
        with pytest.raises(
            ValueError, match=rf"kernel 'rmcp07': parameter {name} must be finite and > 0 in \[0.001, 1000\]"
        ):
            k.params(**{name: bad})


def test_gki_shapes_are_clipped_symmetrically_at_huge_frequency():
    """Beyond |x| = 1e15 the shapes are evaluated at +-1e15 (values < 1e-22, no overflow): g is odd
    and h even there as everywhere, also where x^2 would overflow."""
    for x in (1e15, 1e200):
        assert gki_shapes.g(-x) == -gki_shapes.g(x) == -gki_shapes.g(1e15) != 0
        assert gki_shapes.h_fit(-x) == gki_shapes.h_fit(x) == gki_shapes.h_fit(1e15)
        assert gki_shapes.h_exact(-x) == gki_shapes.h_exact(x) == gki_shapes.h_exact(1e15)
        for h in ("fit", "exact"):
            a_minus, g_minus = gki_shapes.gki_shape(np.array([-x]), h)
            a_plus, g_plus = gki_shapes.gki_shape(np.array([x]), h)
            assert a_minus == a_plus and g_minus == -g_plus != 0


def test_correlation_energy_input_checks_and_scalar_output():
    for f in (pw92.pw92_eps_c_derivatives, pw92.pz81_eps_c_derivatives, pw92.eps_c_derivatives):
        assert all(type(v) is float for v in f(2.0))
        assert all(isinstance(v, np.ndarray) and v.shape == (2,) for v in f(np.array([2.0, 3.0])))
        for bad in (0.0, -1.0, np.nan, np.inf, np.array([2.0, 0.0])):
            with pytest.raises(ValueError, match=r"rs must be finite and > 0 \(bohr\); got"):
                f(bad)


@pytest.mark.parametrize("rs", [2.0, 6.0, 10.0])
def test_mcp07_small_q_series_against_the_closed_form_in_40_digits(rs):
    """Just below the switch k q^2 = 1e-4 the Taylor series (to q^6) meets the closed form evaluated in
    40-digit arithmetic to 1e-15 relative (measured 1.5e-16; the q^6 term alone is ~1e-13)."""
    import mpmath as mp

    co = mcp07.mcp07_coefficients(rs)
    mp.mp.dps = 40
    for frac in (0.999999, 0.5, 0.1):
        q = math.sqrt(frac * mcp07.SMALL_Q_SWITCH / co.k)
        y = co.k * mp.mpf(q) ** 2
        first = 4 * mp.pi * co.B * (mp.expm1(-y) / mp.mpf(q) ** 2 + co.E * mp.mpf(q) ** 2 * mp.exp(-y))
        ref = first - 4 * mp.pi * co.C / mp.mpf(co.kF) ** 2 * y**2 / (1 + y**2)
        assert abs(mcp07.static_kernel(np.array([q]), rs)[0] / float(ref) - 1) < 1e-15


@pytest.mark.parametrize("name", ["a", "b", "c_prime", "d"])
def test_rmcp07_module_function_checks_its_parameters_by_name(name):
    """rmcp07.fxc called directly (not through the Kernel) checks each constant against [1e-3, 1e3]."""
    q, w = np.array([1.0]), np.array([0.1])
    assert np.isfinite(rmcp07.fxc(q, w, 2.0, **{name: 1e3})).all()
    for bad in (0.9e-3, 1.1e3):
        with pytest.raises(ValueError, match=rf"parameter {name} must be finite and > 0 in \[0.001, 1000\]"):
            rmcp07.fxc(q, w, 2.0, **{name: bad})
