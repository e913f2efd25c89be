r"""Dynamic rMCP07 exchange-correlation kernel of the homogeneous electron gas.

.. math::

    f^{rMCP07}(q,\omega) = f^{MCP07}(q)\Big\{1 + e^{-(q/k_s)^2}
        \Big[\frac{f^{GKI}(p(q)\,\omega)}{f_0} - 1\Big]\Big\}
    = f^{MCP07}(q) + R\,D\,\Delta\,\big\{[1 - \gamma h(X)] - i\,\gamma g(X)\big\},

with :math:`f^{MCP07}` the static kernel (:mod:`.mcp07`, PW92 correlation),
:math:`f_0 = f^{ALDA}` (PW92), :math:`f^{GKI}` the Gross-Kohn-Iwamoto kernel (:mod:`.gki`),
:math:`R = f^{MCP07}(q)/f_0`, :math:`D = e^{-(q/k_s)^2}`, :math:`\Delta = f_\infty - f_0`,
:math:`X = b^{1/2} p(q)\,\omega`, and

* :math:`k_s(r_s) = k_F(a + b\,k_F^{3/2})/(1 + k_F^2)` (bohr^-1),
* :math:`p(q) = s + (1-s)\,e^{-d(q/k_s)^2}`, :math:`s = (r_s/c')^2`,
* :math:`(a, b, c', d) = (3.846991, 0.471351, 4.346063, 0.881313)`, fitted to PW92 jellium
  correlation energies (Kaplan et al. 2022).

``h = "fit"`` uses the published fit :math:`h_r` (as in the paper); ``h = "exact"`` the exact
Kramers-Kronig partner of :math:`g` (restores the f-sum rule; changes Re f by <~0.3% of f0).
At :math:`\omega = 0` the kernel equals the static MCP07 (PW92) kernel exactly; as
:math:`\omega\to\infty` it tends to :math:`f^{MCP07}(q)[1 + D(f_\infty/f_0 - 1)]`.
Retarded: :math:`\mathrm{Im}\,f \le 0` for :math:`\omega > 0`, :math:`f(q,-\omega) = f(q,\omega)^*`.

Units: q in bohr^-1, omega in Ha, f in Ha bohr^3.

References
----------
A. D. Kaplan, N. K. Nepal, A. Ruzsinszky, P. Ballone, J. P. Perdew, Phys. Rev. B 105, 035123
(2022) (rMCP07; formulas as in the authors' code github.com/esoteric-ephemera/tc21 @ 85570dab,
``dft/mcp07.py``; docs/theory.md, "rMCP07"); A. Ruzsinszky et al., Phys. Rev. B 101, 245135
(2020) (MCP07); E. K. U. Gross and W. Kohn, Phys. Rev. Lett. 55, 2850 (1985); N. Iwamoto and
E. K. U. Gross, Phys. Rev. B 35, 3003 (1987); J. P. Perdew and Y. Wang, Phys. Rev. B 45, 13244
(1992); M. Corradini et al., Phys. Rev. B 57, 14569 (1998).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ..electron_gas import ElectronGas, check_rs
from . import Kernel, check_positive
from .gki import gki_coefficients
from .gki_shapes import GAMMA, check_h, gki_shape
from .mcp07 import static_kernel

__all__ = [
    "DEFAULTS",
    "KERNEL",
    "CHUNK_SIZE",
    "screening_wavevector",
    "frequency_scale",
    "fxc",
    "im_slope",
    "omega_inf_limit",
]

#: Published rMCP07 constants (Kaplan et al., PRB 105, 035123 (2022); tc21 settings.py) and
#: the real-part shape option.
DEFAULTS = {"a": 3.846991, "b": 0.471351, "c_prime": 4.346063, "d": 0.881313, "h": "fit"}

#: Accepted range of each fitted constant: order-one numbers (the published values are 0.47-4.3);
#: far outside it s = (rs/c')^2 or the damping exp(-(q/k_s)^2) overflow or vanish.
PARAM_RANGE = (1e-3, 1e3)

#: The (q, omega) grid is processed in blocks of about this many points so that the
#: temporaries stay in cache (performance only; results do not depend on it).
CHUNK_SIZE = 1 << 15

#: rMCP07 uses PW92 correlation throughout (tc21: tc21_dynamic calls mcp07_static(..., 'PW92')).
_CORRELATION = "PW92"


def screening_wavevector(rs: float, a: float = DEFAULTS["a"], b: float = DEFAULTS["b"]) -> float:
    r"""rMCP07 damping wave vector :math:`k_s = k_F(a + b k_F^{3/2})/(1 + k_F^2)` (bohr^-1).

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    a, b : float
        Fitted constants (published 3.846991, 0.471351).

    Returns
    -------
    float
        :math:`k_s` in bohr^-1 (tc21 name ``kscr``).

    References
    ----------
    Kaplan et al., PRB 105, 035123 (2022); docs/theory.md, "rMCP07".
    """
    kF = ElectronGas(rs).kF
    return kF * (a + b * kF**1.5) / (1.0 + kF * kF)


def frequency_scale(
    q,
    rs: float,
    a: float = DEFAULTS["a"],
    b: float = DEFAULTS["b"],
    c_prime: float = DEFAULTS["c_prime"],
    d: float = DEFAULTS["d"],
) -> np.ndarray:
    r"""rMCP07 frequency scale :math:`p(q) = s + (1-s)e^{-d(q/k_s)^2}`, :math:`s = (r_s/c')^2`.

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1).
    rs : float
        Density parameter (bohr).
    a, b, c_prime, d : float
        Fitted rMCP07 constants (defaults: published values).

    Returns
    -------
    numpy.ndarray
        :math:`p(q)` (dimensionless, > 0; p(0) = 1).

    References
    ----------
    Kaplan et al., PRB 105, 035123 (2022); docs/theory.md, "rMCP07".
    """
    rs = check_rs(rs)
    ks = screening_wavevector(rs, a, b)
    s = (rs / c_prime) ** 2
    y = (np.asarray(q, dtype=float) / ks) ** 2
    return s + (1.0 - s) * np.exp(-d * y)


def _q_factors(q: np.ndarray, rs: float, a: float, b: float, c_prime: float, d: float):
    """q-only factors: (f_MCP07(q), K(q) = R D Delta, alpha(q) = sqrt(b_GKI) p(q), GKI coeffs)."""
    co = gki_coefficients(rs, _CORRELATION)
    f_static = static_kernel(q, rs, _CORRELATION)
    ks = screening_wavevector(rs, a, b)
    s = (rs / c_prime) ** 2
    y = q * q / (ks * ks)
    damp = np.exp(-y)
    p = s + (1.0 - s) * np.exp(-d * y)
    K = f_static * (damp * (co.delta / co.f0))
    alpha = co.sqrt_b * p
    return f_static, K, alpha, co


def _check_params(a, b, c_prime, d, h):
    return (
        check_positive("a", a, *PARAM_RANGE),
        check_positive("b", b, *PARAM_RANGE),
        check_positive("c_prime", c_prime, *PARAM_RANGE),
        check_positive("d", d, *PARAM_RANGE),
        check_h(h),
    )


def fxc(
    q,
    omega,
    rs: float,
    a: float = DEFAULTS["a"],
    b: float = DEFAULTS["b"],
    c_prime: float = DEFAULTS["c_prime"],
    d: float = DEFAULTS["d"],
    h: str = DEFAULTS["h"],
) -> np.ndarray:
    r"""Dynamic rMCP07 kernel :math:`f_{xc}(q,\omega)` on the real frequency axis (Ha bohr^3).

    .. math::

        \mathrm{Re}\,f &= f^{MCP07}(q) + R D\Delta\,[1 - \gamma h(X)],\\
        \mathrm{Im}\,f &= -R D\Delta\,\gamma g(X),
        \qquad X = b_{GKI}^{1/2}\,p(q)\,\omega,

    (:math:`R D\Delta\gamma = R D\,c\,b^{3/4}`; see the module docstring for all symbols).

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0.  For speed pass grids as broadcastable vectors, e.g.
        ``q[:, None]`` and ``omega[None, :]``: all q-only factors are computed on ``q``'s shape.
    omega : array_like
        Real frequency (Ha), any sign; broadcast against ``q``.
    rs : float
        Density parameter (bohr).
    a, b, c_prime, d : float
        Fitted rMCP07 constants (defaults: published 3.846991, 0.471351, 4.346063, 0.881313).
    h : {"fit", "exact"}
        Real-part shape: published fit h_r (default, as in the paper) or the exact KK partner.

    Returns
    -------
    numpy.ndarray of complex128
        Shape ``np.broadcast_shapes(q.shape, omega.shape)``.

    References
    ----------
    Kaplan et al., PRB 105, 035123 (2022); docs/theory.md, "rMCP07".
    """
    rs = check_rs(rs)
    a, b, c_prime, d, h = _check_params(a, b, c_prime, d, h)
    q = np.asarray(q, dtype=float)
    w = np.asarray(omega, dtype=float)
    f_static, K, alpha, _ = _q_factors(q, rs, a, b, c_prime, d)
    shape = np.broadcast_shapes(q.shape, w.shape)
    out = np.empty(shape, dtype=np.complex128)
    if out.size == 0:
        return out
    f_b = np.broadcast_to(f_static, shape)
    K_b = np.broadcast_to(K, shape)
    al_b = np.broadcast_to(alpha, shape)
    w_b = np.broadcast_to(w, shape)
    if out.ndim == 0:
        blocks = [()]
    else:
        row = max(1, out.size // shape[0])
        step = max(1, CHUNK_SIZE // row)
        blocks = [slice(i, i + step) for i in range(0, shape[0], step)]
    for sl in blocks:
        x = np.multiply(al_b[sl], w_b[sl])
        one_minus_gh, gg = gki_shape(x, h)
        kb = K_b[sl]
        one_minus_gh *= kb
        one_minus_gh += f_b[sl]
        gg *= kb
        np.negative(gg, out=gg)
        out.real[sl] = one_minus_gh
        out.imag[sl] = gg
    return out


def im_slope(
    q,
    rs: float,
    a: float = DEFAULTS["a"],
    b: float = DEFAULTS["b"],
    c_prime: float = DEFAULTS["c_prime"],
    d: float = DEFAULTS["d"],
    h: str = DEFAULTS["h"],
) -> np.ndarray:
    r"""Analytic slope :math:`\partial\,\mathrm{Im} f^{rMCP07}/\partial\omega` at omega = 0.

    .. math::

        \frac{\partial\,\mathrm{Im} f}{\partial\omega}\Big|_0
        = -R\,D\,p(q)\,\gamma\,(f_\infty - f_0)\,b^{1/2}

    (from :math:`g(x) = x + O(x^3)`); independent of ``h``.

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0.
    rs : float
        Density parameter (bohr).
    a, b, c_prime, d : float
        Fitted rMCP07 constants.
    h : {"fit", "exact"}
        Accepted for signature compatibility; the slope does not depend on it.

    Returns
    -------
    numpy.ndarray of float64
        Slope in Ha bohr^3 / Ha = bohr^3, same shape as ``q`` (negative).

    References
    ----------
    Kaplan et al., PRB 105, 035123 (2022); docs/theory.md, "rMCP07".
    """
    rs = check_rs(rs)
    a, b, c_prime, d, h = _check_params(a, b, c_prime, d, h)
    q = np.asarray(q, dtype=float)
    _, K, alpha, _ = _q_factors(q, rs, a, b, c_prime, d)
    return -GAMMA * K * alpha


def omega_inf_limit(
    q,
    rs: float,
    a: float = DEFAULTS["a"],
    b: float = DEFAULTS["b"],
    c_prime: float = DEFAULTS["c_prime"],
    d: float = DEFAULTS["d"],
    h: str = DEFAULTS["h"],
) -> np.ndarray:
    r"""Large-omega limit :math:`f^{MCP07}(q)[1 + e^{-(q/k_s)^2}(f_\infty/f_0 - 1)]` (Ha bohr^3).

    Equals :math:`f_\infty` only at q -> 0; it is *not* the exact finite-q third-moment
    :math:`f_\infty(q)` (docs/theory.md, "rMCP07").

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0.
    rs : float
        Density parameter (bohr).
    a, b, c_prime, d : float
        Fitted rMCP07 constants.
    h : {"fit", "exact"}
        Accepted for signature compatibility; the limit does not depend on it.

    Returns
    -------
    numpy.ndarray of float64
        Same shape as ``q``.

    References
    ----------
    Kaplan et al., PRB 105, 035123 (2022); docs/theory.md, "rMCP07".
    """
    rs = check_rs(rs)
    a, b, c_prime, d, h = _check_params(a, b, c_prime, d, h)
    q = np.asarray(q, dtype=float)
    f_static, K, _, _ = _q_factors(q, rs, a, b, c_prime, d)
    return f_static + K


KERNEL = Kernel(
    function=fxc,
    defaults=DEFAULTS,
    dynamic=True,
    description="dynamic rMCP07 kernel (Kaplan et al. PRB 105, 035123): MCP07 x GKI frequency dependence",
    label="rMCP07",
    checks={
        "a": partial(check_positive, "a", lo=PARAM_RANGE[0], hi=PARAM_RANGE[1]),
        "b": partial(check_positive, "b", lo=PARAM_RANGE[0], hi=PARAM_RANGE[1]),
        "c_prime": partial(check_positive, "c_prime", lo=PARAM_RANGE[0], hi=PARAM_RANGE[1]),
        "d": partial(check_positive, "d", lo=PARAM_RANGE[0], hi=PARAM_RANGE[1]),
        "h": check_h,
    },
    slope=im_slope,
)
