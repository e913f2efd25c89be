r"""Static MCP07 exchange-correlation kernel of the homogeneous electron gas.

.. math::

    f^{MCP07}(q) = \frac{4\pi B}{q^2}\Big[e^{-kq^2}(1 + Eq^4) - 1\Big]
                 - \frac{4\pi C}{k_F^2}\,\frac{1}{1 + 1/(kq^2)^2},

with rs-only coefficients (docs/theory.md, "MCP07"):

* :math:`B(r_s) = (1 + 2.15 r_s^{1/2} + 0.435 r_s^{3/2})/(3 + 1.57 r_s^{1/2} + 0.409 r_s^{3/2})`
  (Corradini, Del Sole, Onida, Palummo (CDOP), Phys. Rev. B 57, 14569 (1998));
* :math:`C(r_s) = -\frac{\pi}{2k_F}\frac{d(r_s\epsilon_c)}{dr_s}` (CDOP large-q coefficient);
* :math:`k = -f_0/(4\pi B)`, so that :math:`f(q\to0) = f_0` (compressibility sum rule);
* :math:`E = 2C_{xc}/(n^{4/3}\,4\pi B) - k^2/2`, so the :math:`q^2` term is the second-order
  gradient expansion, with
  :math:`C_{xc}(r_s) = -0.00238 + 0.00423(1 + 3.138r_s + 0.3r_s^2)/(1 + 3.0r_s + 0.5334r_s^2)`.

Units: q in bohr^-1, f in Ha bohr^3.  Correlation: ``"PW92"`` (default) gives the
:math:`\omega = 0` limit of rMCP07 (Kaplan et al., Phys. Rev. B 105, 035123 (2022));
``"PZ81"`` reproduces the original MCP07 (Ruzsinszky, Nepal, Pitarke, Perdew, Phys. Rev. B 101,
245135 (2020)).  Formulas as in the authors' public code
(github.com/esoteric-ephemera/tc21 @ 85570dab, ``dft/mcp07.py``); docs/theory.md, "MCP07".
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from ..electron_gas import ElectronGas, check_rs
from . import Kernel
from .pw92 import check_correlation, eps_c_derivatives, f_alda

__all__ = [
    "DEFAULTS",
    "KERNEL",
    "SMALL_Q_SWITCH",
    "MCP07Coefficients",
    "cdop_B",
    "c_xc",
    "mcp07_coefficients",
    "static_kernel",
    "fxc",
]

#: Published default parameters (correlation = PW92 is the omega = 0 limit of rMCP07).
DEFAULTS = {"correlation": "PW92"}

#: Below k q^2 = SMALL_Q_SWITCH the Taylor series in q^2 is used (the closed form cancels there).
#: The series is kept to O(q^6), so its truncation error there is ~(k q^2)^4 ~ 1e-16 relative.
SMALL_Q_SWITCH = 1.0e-4


class MCP07Coefficients(NamedTuple):
    """rs-dependent MCP07 coefficients (Hartree atomic units).

    Attributes
    ----------
    rs, kF, n : float
        Density parameter (bohr), Fermi wave vector (bohr^-1), density (bohr^-3).
    correlation : str
        "PW92" or "PZ81".
    f0 : float
        ALDA kernel (Ha bohr^3).
    B : float
        CDOP large-q coefficient (dimensionless).
    C : float
        CDOP large-q coefficient (dimensionless, > 0).
    C_xc : float
        Gradient-expansion coefficient of |grad n|^2/n^(4/3) (Ha bohr, a.u.).
    k : float
        Damping constant (bohr^2), -f0/(4 pi B).
    E : float
        q^4 coefficient (bohr^4).
    """

    rs: float
    correlation: str
    kF: float
    n: float
    f0: float
    B: float
    C: float
    C_xc: float
    k: float
    E: float


def cdop_B(rs: float) -> float:
    r"""CDOP coefficient :math:`B(r_s)`, the large-q limit of the local field factor.

    .. math::

        B = \frac{1 + 2.15\sqrt{r_s} + 0.435\,r_s^{3/2}}{3 + 1.57\sqrt{r_s} + 0.409\,r_s^{3/2}}.

    Parameters
    ----------
    rs : float
        Density parameter (bohr).

    Returns
    -------
    float
        B (dimensionless).

    References
    ----------
    M. Corradini, R. Del Sole, G. Onida, M. Palummo, PRB 57, 14569 (1998), Eq. (7) (per the
    tc21 code comment; docs/theory.md, "MCP07").
    """
    sr = math.sqrt(rs)
    return (1.0 + 2.15 * sr + 0.435 * rs * sr) / (3.0 + 1.57 * sr + 0.409 * rs * sr)


def c_xc(rs: float) -> float:
    r"""Gradient-expansion xc coefficient :math:`C_{xc}(r_s)` (a.u.) used by MCP07.

    .. math::

        C_{xc} = -0.00238 + 0.00423\,\frac{1 + 3.138r_s + 0.3r_s^2}{1 + 3.0r_s + 0.5334r_s^2},

    the coefficient of :math:`|\nabla n|^2/n^{4/3}` in :math:`E_{xc}^{GEA}`.
    -0.00238 = -5/(216 pi (3 pi^2)^(1/3)) is the Antoniewicz-Kleinman exchange value and 0.00423
    the Ma-Brueckner correlation value at rs = 0.

    Parameters
    ----------
    rs : float
        Density parameter (bohr).

    Returns
    -------
    float
        :math:`C_{xc}` (Ha bohr, atomic units).

    References
    ----------
    Rational form as in tc21 ``dft/mcp07.py`` and UEG_LFF (docs/theory.md, "MCP07"; literature
    source of the rs fit unconfirmed there); Ruzsinszky et al., PRB 101, 245135 (2020).
    """
    return -0.00238 + 0.00423 * (1.0 + 3.138 * rs + 0.3 * rs * rs) / (1.0 + 3.0 * rs + 0.5334 * rs * rs)


@functools.lru_cache(maxsize=256)
def _mcp07_coefficients(rs: float, correlation: str) -> MCP07Coefficients:
    gas = ElectronGas(rs)
    kF, n = gas.kF, gas.n
    ec = eps_c_derivatives(rs, correlation)
    f0 = f_alda(rs, correlation)
    B = cdop_B(rs)
    C = -math.pi / (2.0 * kF) * (ec.eps + rs * ec.d1)
    cxc = c_xc(rs)
    k = -f0 / (4.0 * math.pi * B)
    E = 2.0 * cxc / (n ** (4.0 / 3.0) * 4.0 * math.pi * B) - 0.5 * k * k
    return MCP07Coefficients(rs, correlation, kF, n, f0, B, C, cxc, k, E)


def mcp07_coefficients(rs: float, correlation: str = "PW92") -> MCP07Coefficients:
    """rs-dependent MCP07 coefficients, cached per ``(rs, correlation)``.

    Parameters
    ----------
    rs : float
        Density parameter (bohr), 0 < rs <= RS_MAX.
    correlation : {"PW92", "PZ81"}
        LDA correlation used in f0 and C.

    Returns
    -------
    MCP07Coefficients
        B, C, C_xc, k, E and f0 at this rs (units in :class:`MCP07Coefficients`).

    References
    ----------
    Ruzsinszky et al., PRB 101, 245135 (2020); docs/theory.md, "MCP07".
    """
    return _mcp07_coefficients(check_rs(rs), check_correlation(correlation))


def static_kernel(q, rs: float, correlation: str = "PW92") -> np.ndarray:
    r"""Real static MCP07 kernel :math:`f^{MCP07}(q)` (Ha bohr^3), vectorised over q.

    .. math::

        f(q) = \frac{4\pi B}{q^2}\big[\mathrm{expm1}(-kq^2) + Eq^4e^{-kq^2}\big]
             - \frac{4\pi C}{k_F^2}\,\frac{(kq^2)^2}{1 + (kq^2)^2}

    for :math:`kq^2 \ge 10^{-4}`, and below that the series
    :math:`f = f_0 + \frac{2C_{xc}}{n^{4/3}}q^2 + [f_0(k^2/6 + E) - \frac{4\pi C}{k_F^2}k^2]q^4
    - f_0(k^3/24 + Ek/2)q^6`.

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), >= 0 (the kernel depends on q^2 only).
    rs : float
        Density parameter (bohr).
    correlation : {"PW92", "PZ81"}
        "PW92": the omega = 0 limit of rMCP07; "PZ81": original MCP07 (2020).

    Returns
    -------
    numpy.ndarray of float64
        Same shape as ``q``; negative, tends to f0 as q -> 0 and to
        :math:`-4\pi B/q^2 - 4\pi C/k_F^2` as q -> inf.

    References
    ----------
    A. Ruzsinszky et al., PRB 101, 245135 (2020); Corradini et al., PRB 57, 14569 (1998);
    docs/theory.md, "MCP07".
    """
    co = mcp07_coefficients(rs, correlation)
    q = np.asarray(q, dtype=float)
    shape = q.shape
    q = np.atleast_1d(q)
    q2 = q * q
    y = co.k * q2
    four_pi_B = 4.0 * math.pi * co.B
    cc = 4.0 * math.pi * co.C / co.kF**2
    ex = np.exp(-y)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = four_pi_B * (np.expm1(-y) / q2 + co.E * q2 * ex)
    y2 = y * y
    f = first - cc * y2 / (1.0 + y2)
    small = y < SMALL_Q_SWITCH
    if np.any(small):
        # Taylor series of the closed form in q^2 (derived from the expansion of
        # e^{-kq^2}(1 + Eq^4) and of 1/(1 + (kq^2)^-2); continued to q^6).
        qs = q2[small]
        c2 = 2.0 * co.C_xc / co.n ** (4.0 / 3.0)
        c4 = co.f0 * (co.k**2 / 6.0 + co.E) - cc * co.k**2
        c6 = -co.f0 * (co.k**3 / 24.0 + 0.5 * co.E * co.k)
        f[small] = co.f0 + qs * (c2 + qs * (c4 + qs * c6))
    return f.reshape(shape)


def fxc(q, omega, rs: float, correlation: str = "PW92") -> np.ndarray:
    r"""Static MCP07 kernel as a (real-valued) complex array broadcast over q and omega.

    :math:`f_{xc}(q, \omega) = f^{MCP07}(q)` for every omega (see :func:`static_kernel`).

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0.
    omega : array_like
        Real frequency (Ha); only its shape matters.
    rs : float
        Density parameter (bohr).
    correlation : {"PW92", "PZ81"}
        "PW92" (default): the omega = 0 limit of rMCP07 (Kaplan et al., PRB 105, 035123 (2022));
        "PZ81": the original 2020 MCP07 (Ruzsinszky et al., PRB 101, 245135 (2020)).

    Returns
    -------
    numpy.ndarray of complex128
        Shape ``np.broadcast_shapes(q.shape, omega.shape)``, Ha bohr^3, imaginary part 0.
    """
    q = np.asarray(q, dtype=float)
    shape = np.broadcast_shapes(q.shape, np.shape(omega))
    out = np.zeros(shape, dtype=np.complex128)
    out.real = static_kernel(q, rs, correlation)
    return out


KERNEL = Kernel(
    function=fxc,
    defaults=DEFAULTS,
    dynamic=False,
    description="static MCP07 kernel (Ruzsinszky et al. PRB 101, 245135), PW92 = rMCP07(q, 0)",
    label="MCP07 (static)",
    checks={"correlation": check_correlation},
)
