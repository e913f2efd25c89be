"""Lindhard function: reference table, exact limits, sum rules and analyticity.

Reference values (rs = 2) from the rMCP07 authors' public implementation
(esoteric-ephemera/tc21 @ 85570dab) evaluated with complex u = (w + 1e-10 i)/(q kF); the table is
rounded to 10 decimals, hence atol = 1e-10.
"""

import numpy as np
import pytest
from scipy.integrate import quad

from viscous_forces.core.electron_gas import ElectronGas
from viscous_forces.core.lindhard import lindhard

GAS = ElectronGas(2.0)
KF, WP, N = GAS.kF, GAS.omega_p, GAS.n

# (q/kF, w/wp, Re chi_s, Im chi_s) -- tc21 @ 85570dab, lindhard() with complex u
TABLE_7_4 = [
    (0.5, 0.0, -0.0951741377, 0.0),
    (0.5, 0.5, -0.0377049734, -0.1015675471),
    (0.5, 1.0, +0.0335926641, 0.0),
    (0.5, 2.0, +0.0050675381, 0.0),
    (1.0, 0.0, -0.0886678512, 0.0),
    (1.0, 0.5, -0.0744493865, -0.0507837736),
    (1.0, 1.0, -0.0183793300, -0.0742807073),
    (1.0, 2.0, +0.0393882665, -0.0237432973),
    (2.0, 0.0, -0.0486128475, 0.0),
    (2.0, 0.5, -0.0462704581, -0.0116405144),
    (2.0, 1.0, -0.0411155963, -0.0211701708),
    (2.0, 2.0, -0.0262306447, -0.0338969096),
]


@pytest.mark.parametrize("qk, ww, re, im", TABLE_7_4)
def test_reference_table(qk, ww, re, im):
    chi = lindhard(qk * KF, ww * WP, KF)
    assert chi.real == pytest.approx(re, rel=1e-8, abs=1e-10)
    assert chi.imag == pytest.approx(im, rel=1e-8, abs=1e-10)


def test_static_limits():
    # chi_s(q -> 0, 0) = -kF/pi^2 and chi_s(2kF, 0) = -kF/(2 pi^2) (docs/theory.md, "Response of the electron gas")
    assert lindhard(1e-9 * KF, 0.0, KF).real == pytest.approx(-KF / np.pi**2, rel=1e-12)
    assert lindhard(2 * KF, 0.0, KF).real == pytest.approx(-KF / (2 * np.pi**2), rel=1e-14)
    # large q: -4 n/q^2 [1 + (4/5)(kF/q)^2 + (48/35)(kF/q)^4] (docs/theory.md, "Statics")
    q = 50 * KF
    series = -4 * N / q**2 * (1 + 0.8 * (KF / q) ** 2 + 48 / 35 * (KF / q) ** 4)
    assert lindhard(q, 0.0, KF).real == pytest.approx(series, rel=1e-9)


def test_small_omega_slope():
    # Im chi_s = -omega/(2 pi q) exactly for z + u < 1 (docs/theory.md, "Response of the electron gas")
    q = np.array([0.1, 0.7, 1.5]) * KF
    w = 1e-4
    assert np.allclose(lindhard(q, w, KF).imag, -w / (2 * np.pi * q), rtol=1e-13, atol=0)


def test_conjugation_symmetry():
    q = np.linspace(0.05, 4, 37) * KF
    w = np.linspace(0.01, 3, 29) * WP
    chi_p = lindhard(q[:, None], w[None, :], KF)
    chi_m = lindhard(q[:, None], -w[None, :], KF)
    assert np.array_equal(chi_m, np.conj(chi_p))


def test_im_nonpositive_and_continuum():
    q = np.linspace(0.05, 4, 81) * KF
    w = np.linspace(0.0, 3, 91) * WP
    chi = lindhard(q[:, None], w[None, :], KF)
    assert np.all(chi.imag <= 0)
    # Im chi_s = 0 outside the particle-hole continuum q kF |z - 1| <= w <= q kF (z + 1)
    z = q[:, None] / (2 * KF)
    upper = q[:, None] * KF * (z + 1)
    assert np.all(chi.imag[w[None, :] > upper * (1 + 1e-12)] == 0)


@pytest.mark.parametrize("qk", [0.1, 0.5, 1.0, 2.0, 3.0])
def test_f_sum_rule(qk):
    # int_0^inf w Im chi_s dw = -pi n q^2/2 (docs/theory.md, "Response of the electron gas"), continuum [w_lo, w_hi]
    q = qk * KF
    z = q / (2 * KF)
    lo, hi = q * KF * max(z - 1, 0.0), q * KF * (z + 1)
    pts = [q * KF * abs(1 - z)] if z < 1 else None
    val, _ = quad(lambda w: w * lindhard(q, w, KF).imag, lo, hi, points=pts, epsabs=0, epsrel=1e-13, limit=200)
    assert val == pytest.approx(-np.pi * N * q**2 / 2, rel=1e-11)


@pytest.mark.parametrize("qk, ww", [(0.5, 0.3), (1.0, 0.8), (2.5, 1.2)])
def test_kramers_kronig(qk, ww):
    # Re chi(q, w) = (2/pi) PV int_0^inf w' Im chi(q, w') / (w'^2 - w^2) dw'
    q = qk * KF
    w0 = ww * WP
    z = q / (2 * KF)
    hi = q * KF * (z + 1)
    lo = q * KF * max(z - 1, 0.0)

    def f(w):
        return w * lindhard(q, w, KF).imag / (w + w0)

    # PV of f(w)/(w - w0) via the Cauchy weight on [lo, hi] (Im chi = 0 outside)
    val, _ = quad(f, lo, hi, weight="cauchy", wvar=w0, epsabs=0, epsrel=1e-12, limit=400)
    assert (2 / np.pi) * val == pytest.approx(lindhard(q, w0, KF).real, rel=1e-8, abs=1e-12)


def test_large_u_series_matches_closed_form():
    # chi_s = (n q^2/w^2)[1 + (z^2 + 3/5)/u^2 + (z^4 + 2 z^2 + 3/7)/u^4 + O(u^-6)] (large-u expansion of
    # the closed form, docs/theory.md, "Response of the electron gas"); at u = 40, z = 1.5 the omitted
    # O(u^-6) term is ~1e-7 relative.
    z = np.array([1e-6, 1e-3, 0.2, 1.5])
    for u in (40.0, 1e3, 1e7):
        q = 2 * KF * z
        w = u * q * KF
        series = N * q**2 / w**2 * (1 + (z**2 + 0.6) / u**2 + (z**4 + 2 * z**2 + 3 / 7) / u**4)
        assert np.allclose(lindhard(q, w, KF).real, series, rtol=3e-7 if u == 40 else 1e-13, atol=0)


def test_continuity_across_series_threshold():
    # the closed form and the series branch agree where they meet (|nu| = 8)
    z = 0.3
    q = 2 * KF * z
    u = np.array([8.3 - 1e-9, 8.3 + 1e-9])
    vals = lindhard(q, u * q * KF, KF).real
    assert vals[0] == pytest.approx(vals[1], rel=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="q must be"):
        lindhard(0.0, 0.1, KF)
    for kF in (-1.0, 0.0, float("nan")):
        with pytest.raises(ValueError, match=r"kF must be > 0 bohr\^-1, got"):
            lindhard(1.0, 0.1, kF)
