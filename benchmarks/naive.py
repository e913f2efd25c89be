r"""Naive per-point reference implementations for the benchmark (plain Python, ``math``/``cmath``).

Everything here is deliberately written the way one would write it without numpy: scalar
functions, one call per (q, omega) point, Python loops.  They serve two purposes in
``run_benchmarks.py``:

* the **baseline** of the chi^h throughput ratio (row "chi^h naive"), and
* an **independent check** of the vectorised code: :func:`chi_h_rmcp07` is transcribed from the
  formulas in the docstrings of ``viscous_forces.lindhard``, ``.kernels.pw92``, ``.kernels.mcp07``,
  ``.kernels.gki`` and ``.kernels.rmcp07`` (not by calling them), and must agree with
  ``viscous_forces.response.chi_h(q, omega, rs, "rmcp07")`` to 1e-10 relative.

The only concessions to accuracy (needed for the 1e-10 agreement, and present in any careful
scalar code) are the large-argument series of the Lindhard ``g(x)`` (the closed form cancels
catastrophically for |x| >~ 10) and the small-q Taylor series of the static MCP07 kernel.

Hartree atomic units: q in bohr^-1, omega in Ha, chi in 1/(Ha bohr^3), f_xc in Ha bohr^3.
"""

from __future__ import annotations

import math

PI = math.pi
#: Gamma(1/4)^2 / sqrt(32 pi) (GKI).
GAMMA = math.gamma(0.25) ** 2 / math.sqrt(32.0 * PI)
C_GKI = 23.0 * PI / 15.0
H_C1, H_C2, H_C3, H_C4 = 0.174724, 3.224459, 2.221196, 1.891998
H_C5 = (H_C1 / GAMMA) ** (16.0 / 7.0)
RMCP07_DEFAULTS = {"a": 3.846991, "b": 0.471351, "c_prime": 4.346063, "d": 0.881313}

# PW92 (Perdew & Wang 1992, unpolarised), A = (1 - ln 2)/pi^2 exactly.
_A = (1.0 - math.log(2.0)) / PI**2
_A1 = 0.21370
_B1, _B2, _B3, _B4 = 7.5957, 3.5876, 1.6382, 0.49294


# ---------------------------------------------------------------------------------------------
# rs-only constants (computed once per rs)
# ---------------------------------------------------------------------------------------------


def pw92(rs: float) -> tuple[float, float, float]:
    """eps_c, d eps_c/d rs, d^2 eps_c/d rs^2 (PW92)."""
    sr = math.sqrt(rs)
    Q = 2 * _A * (_B1 * sr + _B2 * rs + _B3 * rs * sr + _B4 * rs * rs)
    Q1 = _A * (_B1 / sr + 2 * _B2 + 3 * _B3 * sr + 4 * _B4 * rs)
    Q2 = _A * (-0.5 * _B1 / (rs * sr) + 1.5 * _B3 / sr + 4 * _B4)
    QQ = Q * Q + Q
    lg = math.log1p(1.0 / Q)
    lin = 1.0 + _A1 * rs
    eps = -2 * _A * lin * lg
    d1 = -2 * _A * _A1 * lg + 2 * _A * lin * Q1 / QQ
    d2 = (2 * _A / QQ) * (2 * _A1 * Q1 + lin * (Q2 - (2 * Q + 1) * Q1 * Q1 / QQ))
    return eps, d1, d2


def constants(rs: float, a: float, b: float, c_prime: float, d: float) -> dict[str, float]:
    """Every rs-dependent constant of rMCP07 + Lindhard, in plain Python."""
    n = 3.0 / (4.0 * PI * rs**3)
    kF = (9.0 * PI / 4.0) ** (1.0 / 3.0) / rs
    eps, d1, d2 = pw92(rs)
    f0 = -PI / kF**2 + rs / (9.0 * n) * (rs * d2 - 2.0 * d1)
    finf = -0.2 * (3.0 / (PI * n * n)) ** (1.0 / 3.0) - (22.0 * eps + 26.0 * rs * d1) / (15.0 * n)
    delta = finf - f0
    b_gki = (GAMMA / C_GKI * delta) ** (4.0 / 3.0)
    sr = math.sqrt(rs)
    B = (1.0 + 2.15 * sr + 0.435 * rs * sr) / (3.0 + 1.57 * sr + 0.409 * rs * sr)
    C = -PI / (2.0 * kF) * (eps + rs * d1)
    cxc = -0.00238 + 0.00423 * (1.0 + 3.138 * rs + 0.3 * rs * rs) / (1.0 + 3.0 * rs + 0.5334 * rs * rs)
    k = -f0 / (4.0 * PI * B)
    E = 2.0 * cxc / (n ** (4.0 / 3.0) * 4.0 * PI * B) - 0.5 * k * k
    ks = kF * (a + b * kF**1.5) / (1.0 + kF * kF)
    return {
        "rs": rs,
        "n": n,
        "kF": kF,
        "f0": f0,
        "delta": delta,
        "sqrt_b": math.sqrt(b_gki),
        "B": B,
        "C": C,
        "cxc": cxc,
        "k": k,
        "E": E,
        "ks": ks,
        "s": (rs / c_prime) ** 2,
        "d": d,
    }


# ---------------------------------------------------------------------------------------------
# per-point functions
# ---------------------------------------------------------------------------------------------


def mcp07_static(q: float, c: dict) -> float:
    """Static MCP07 kernel f(q) (PW92), closed form or its small-q Taylor series."""
    q2 = q * q
    y = c["k"] * q2
    cc = 4.0 * PI * c["C"] / c["kF"] ** 2
    if y < 1e-4:
        c2 = 2.0 * c["cxc"] / c["n"] ** (4.0 / 3.0)
        c4 = c["f0"] * (c["k"] ** 2 / 6.0 + c["E"]) - cc * c["k"] ** 2
        c6 = -c["f0"] * (c["k"] ** 3 / 24.0 + 0.5 * c["E"] * c["k"])
        return c["f0"] + q2 * (c2 + q2 * (c4 + q2 * c6))
    first = 4.0 * PI * c["B"] * (math.expm1(-y) / q2 + c["E"] * q2 * math.exp(-y))
    return first - cc * y * y / (1.0 + y * y)


def fxc_rmcp07(q: float, w: float, c: dict) -> complex:
    """Dynamic rMCP07 kernel (published fit h_r) at one point."""
    f_static = mcp07_static(q, c)
    Y = q * q / (c["ks"] * c["ks"])
    p = c["s"] + (1.0 - c["s"]) * math.exp(-c["d"] * Y)
    K = f_static * math.exp(-Y) * c["delta"] / c["f0"]
    x = c["sqrt_b"] * p * w
    x2 = x * x
    poly = 1.0 + x2 * (H_C2 + x2 * (H_C3 + x2 * (H_C4 + x2 * H_C5)))
    gamma_h = (1.0 - H_C1 * x2) / poly ** (7.0 / 16.0)
    gamma_g = GAMMA * x / (1.0 + x2) ** 1.25
    return complex(f_static + K * (1.0 - gamma_h), -K * gamma_g)


def g_lindhard(x: float) -> float:
    """g(x) = (1 - x^2) ln|(x+1)/(x-1)| + 2x; series sum_k 4/((4k^2-1) x^(2k-1)) for |x| > 8."""
    if abs(x) > 8.0:
        inv = 1.0 / x
        inv2 = inv * inv
        total, power = 0.0, inv
        for k in range(1, 13):
            total += 4.0 / (4.0 * k * k - 1.0) * power
            power *= inv2
        return total
    if x == 1.0 or x == -1.0:
        return 2.0 * x
    ax = abs(x)
    log_ratio = 2.0 * math.atanh(x if ax < 1.0 else 1.0 / x)
    return (1.0 - x) * (1.0 + x) * log_ratio + 2.0 * x


def lindhard(q: float, w: float, kF: float) -> complex:
    """Retarded Lindhard function chi_s(q, omega), closed form (Lindhard 1954)."""
    z = q / (2.0 * kF)
    u = abs(w) / (q * kF)
    nm, npl = z - u, z + u
    if abs(nm) > 8.0 and npl > 8.0:
        # both |nu| large: g(z-u) + g(z+u) from the odd series, with the power sums
        # p_m = a^m + b^m (a = 1/(z+u), b = 1/(z-u)) from p_m = s p_{m-1} - e p_{m-2},
        # s = a + b = 2 z e, e = a b: no cancellation when u > z (Lindhard docstring).
        e = 1.0 / (nm * npl)
        s = 2.0 * z * e
        p_prev2, p_prev = 2.0, s
        re = 4.0 / 3.0 * p_prev
        for k in range(2, 13):
            p_even = s * p_prev - e * p_prev2
            p_odd = s * p_even - e * p_prev
            re += 4.0 / (4.0 * k * k - 1.0) * p_odd
            p_prev2, p_prev = p_even, p_odd
        re /= 8.0 * z
    else:
        re = (g_lindhard(nm) + g_lindhard(npl)) / (8.0 * z)
    if npl < 1.0:
        im = 0.5 * PI * u
    elif abs(nm) < 1.0:
        im = PI * (1.0 - nm) * (1.0 + nm) / (8.0 * z)
    else:
        im = 0.0
    F = complex(re, -im if w < 0 else im)
    return (-kF / PI**2) * F


def chi_h_rmcp07(q: float, w: float, c: dict) -> complex:
    """chi^h = chi_s / (1 - (4 pi/q^2 + f_xc) chi_s), Eq. (15), one point."""
    chi_s = lindhard(q, w, c["kF"])
    return chi_s / (1.0 - (4.0 * PI / (q * q) + fxc_rmcp07(q, w, c)) * chi_s)


def chi_h_points(qs, ws, rs: float, **params) -> list[complex]:
    """The naive baseline: a Python loop over points (rs constants computed once)."""
    c = constants(rs, **{**RMCP07_DEFAULTS, **params})
    return [chi_h_rmcp07(q, w, c) for q, w in zip(qs, ws)]


# ---------------------------------------------------------------------------------------------
# angular weights of the J integrals (spherical Bessel functions)
# ---------------------------------------------------------------------------------------------


def w_parallel(x: float) -> float:
    """j0(x) - 2 j1(x)/x (-> 1/3)."""
    if abs(x) < 0.05:
        x2 = x * x
        return 1.0 / 3.0 - x2 / 10.0 + x2 * x2 / 168.0 - x2**3 / 6480.0
    s, co = math.sin(x), math.cos(x)
    j0 = s / x
    j1_over_x = (s / x - co) / (x * x)
    return j0 - 2.0 * j1_over_x


def w_perpendicular(x: float) -> float:
    """j1(x)/x (-> 1/3)."""
    if abs(x) < 0.05:
        x2 = x * x
        return 1.0 / 3.0 - x2 / 30.0 + x2 * x2 / 840.0 - x2**3 / 45360.0
    return (math.sin(x) / x - math.cos(x)) / (x * x)
