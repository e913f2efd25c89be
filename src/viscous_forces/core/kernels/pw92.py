r"""LDA ingredients: PW92 and PZ81 correlation energies, the ALDA kernel and its
Iwamoto-Gross high-frequency limit.

All quantities are for the spin-unpolarised homogeneous electron gas (HEG) in Hartree atomic
units: ``rs`` in bohr, energies per electron in Ha, kernels in Ha bohr^3.  Formulas as in the
reference implementation of Kaplan et al. (github.com/esoteric-ephemera/tc21 @ 85570dab,
``dft/alda.py``); docs/theory.md, "LDA ingredients".

Correlation energy per electron
-------------------------------
PW92 (J. P. Perdew and Y. Wang, Phys. Rev. B 45, 13244 (1992), Eq. (10), unpolarised G(rs)):

.. math::

    \epsilon_c(r_s) = -2A(1 + \alpha_1 r_s)
        \ln\Big[1 + \frac{1}{2A(\beta_1 r_s^{1/2} + \beta_2 r_s + \beta_3 r_s^{3/2}
        + \beta_4 r_s^2)}\Big],

with :math:`A = (1-\ln 2)/\pi^2` (the exact RPA high-density coefficient; PW92 print the
rounded 0.031091, which changes results by ~1e-5 relative, measured).

PZ81 (J. P. Perdew and A. Zunger, Phys. Rev. B 23, 5048 (1981), Appendix C, unpolarised):
:math:`\epsilon_c = \gamma/(1 + \beta_1\sqrt{r_s} + \beta_2 r_s)` for :math:`r_s \ge 1` and
:math:`A\ln r_s + B + C r_s\ln r_s + D r_s` for :math:`r_s < 1`.  Used only by the original
(2020) MCP07 kernel (A. Ruzsinszky et al., Phys. Rev. B 101, 245135 (2020)).

Kernels
-------
ALDA (compressibility sum rule): :math:`f_0 = d^2(n\epsilon_{xc})/dn^2
= -\pi/k_F^2 + \frac{r_s}{9n}(r_s\epsilon_c'' - 2\epsilon_c')`.

High-frequency limit (N. Iwamoto and E. K. U. Gross, Phys. Rev. B 35, 3003 (1987)):
:math:`f_\infty = -\frac45 n^{2/3}\frac{d}{dn}\frac{\epsilon_{xc}}{n^{2/3}}
+ 6 n^{1/3}\frac{d}{dn}\frac{\epsilon_{xc}}{n^{1/3}}
= -\frac15\Big(\frac{3}{\pi n^2}\Big)^{1/3} - \frac{22\epsilon_c + 26 r_s\epsilon_c'}{15 n}`.

Primes denote derivatives with respect to ``rs``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..electron_gas import ElectronGas, check_rs

__all__ = [
    "CORRELATIONS",
    "CorrelationDerivatives",
    "check_correlation",
    "pw92_eps_c_derivatives",
    "pz81_eps_c_derivatives",
    "eps_c_derivatives",
    "f_alda",
    "f_inf",
]

#: Allowed names of the LDA correlation energy.
CORRELATIONS = ("PW92", "PZ81")

# --- PW92 constants: Perdew & Wang, PRB 45, 13244 (1992), Table I, unpolarised column "G(rs,0)".
#: A = (1 - ln 2)/pi^2, the exact high-density (RPA) coefficient of ln rs (PW92 text below
#: Eq. (10) gives the rounded 0.031091; tc21 and UEG_LFF use the exact value; docs/theory.md, "LDA ingredients").
PW92_A = (1.0 - math.log(2.0)) / math.pi**2
#: alpha_1 of PW92 Table I.
PW92_A1 = 0.21370
#: beta_1..beta_4 of PW92 Table I.
PW92_B1, PW92_B2, PW92_B3, PW92_B4 = 7.5957, 3.5876, 1.6382, 0.49294

# --- PZ81 constants: Perdew & Zunger, PRB 23, 5048 (1981), Appendix C, unpolarised values,
# as in tc21 dft/alda.py and docs/theory.md, "LDA ingredients".
PZ81_GAMMA, PZ81_BETA1, PZ81_BETA2 = -0.1423, 1.0529, 0.3334
PZ81_A, PZ81_B, PZ81_C, PZ81_D = 0.0311, -0.048, 0.0020, -0.0116


class CorrelationDerivatives(NamedTuple):
    """Correlation energy per electron and its first two ``rs`` derivatives.

    Attributes
    ----------
    eps : float or numpy.ndarray
        :math:`\\epsilon_c(r_s)` (Ha).
    d1 : float or numpy.ndarray
        :math:`d\\epsilon_c/dr_s` (Ha/bohr).
    d2 : float or numpy.ndarray
        :math:`d^2\\epsilon_c/dr_s^2` (Ha/bohr^2).
    """

    eps: np.ndarray
    d1: np.ndarray
    d2: np.ndarray


def check_correlation(correlation: str) -> str:
    """Return ``correlation`` if it is an allowed name, else raise ``ValueError``.

    Parameters
    ----------
    correlation : str
        ``"PW92"`` or ``"PZ81"`` (case-sensitive, as in the papers).

    Returns
    -------
    str
        ``correlation`` unchanged.

    Raises
    ------
    ValueError
        If ``correlation`` is not one of :data:`CORRELATIONS`.
    """
    if not isinstance(correlation, str) or correlation not in CORRELATIONS:
        raise ValueError(f"correlation must be one of {', '.join(CORRELATIONS)}; got {correlation!r}")
    return correlation


def _rs_array(rs) -> np.ndarray:
    """``rs`` as a float array; ``ValueError`` unless every entry is finite and > 0."""
    r = np.asarray(rs, dtype=float)
    if not np.all(np.isfinite(r) & (r > 0.0)):
        raise ValueError(f"rs must be finite and > 0 (bohr); got {rs!r}")
    return r


def _out(x: np.ndarray):
    """Return a Python float for 0-d arrays, the array otherwise."""
    return float(x) if np.ndim(x) == 0 else x


def pw92_eps_c_derivatives(rs) -> CorrelationDerivatives:
    r"""PW92 correlation energy per electron and its analytic first and second rs-derivatives.

    With :math:`Q = 2A(\beta_1 r_s^{1/2} + \beta_2 r_s + \beta_3 r_s^{3/2} + \beta_4 r_s^2)`,
    :math:`Q' = A(\beta_1 r_s^{-1/2} + 2\beta_2 + 3\beta_3 r_s^{1/2} + 4\beta_4 r_s)`,
    :math:`Q'' = A(-\beta_1 r_s^{-3/2}/2 + 3\beta_3 r_s^{-1/2}/2 + 4\beta_4)`:

    .. math::

        \epsilon_c &= -2A(1+\alpha_1 r_s)\ln(1 + 1/Q),\\
        \epsilon_c' &= -2A\alpha_1\ln(1+1/Q) + 2A(1+\alpha_1 r_s)\,Q'/(Q^2+Q),\\
        \epsilon_c'' &= \frac{2A}{Q^2+Q}\Big[2\alpha_1 Q' + (1+\alpha_1 r_s)
            \Big(Q'' - \frac{(2Q+1)Q'^2}{Q^2+Q}\Big)\Big].

    Parameters
    ----------
    rs : float or array_like
        Density parameter (bohr), > 0.

    Returns
    -------
    CorrelationDerivatives
        ``(eps, d1, d2)`` in Ha, Ha/bohr, Ha/bohr^2 (floats for scalar input).

    References
    ----------
    J. P. Perdew and Y. Wang, Phys. Rev. B 45, 13244 (1992), Eq. (10) and Table I;
    derivatives as in docs/theory.md, "LDA ingredients" (tc21 ``dft/alda.py``).
    """
    r = _rs_array(rs)
    A, a1 = PW92_A, PW92_A1
    sr = np.sqrt(r)
    Q = 2.0 * A * (PW92_B1 * sr + PW92_B2 * r + PW92_B3 * r * sr + PW92_B4 * r * r)
    Q1 = A * (PW92_B1 / sr + 2.0 * PW92_B2 + 3.0 * PW92_B3 * sr + 4.0 * PW92_B4 * r)
    Q2 = A * (-0.5 * PW92_B1 / (r * sr) + 1.5 * PW92_B3 / sr + 4.0 * PW92_B4)
    QQ = Q * Q + Q
    log_term = np.log1p(1.0 / Q)
    lin = 1.0 + a1 * r
    eps = -2.0 * A * lin * log_term
    d1 = -2.0 * A * a1 * log_term + 2.0 * A * lin * Q1 / QQ
    d2 = (2.0 * A / QQ) * (2.0 * a1 * Q1 + lin * (Q2 - (2.0 * Q + 1.0) * Q1 * Q1 / QQ))
    return CorrelationDerivatives(_out(eps), _out(d1), _out(d2))


def pz81_eps_c_derivatives(rs) -> CorrelationDerivatives:
    r"""PZ81 correlation energy per electron and its analytic first and second rs-derivatives.

    For :math:`r_s \ge 1`, with :math:`D = 1 + \beta_1 r_s^{1/2} + \beta_2 r_s`:
    :math:`\epsilon_c = \gamma/D`, :math:`\epsilon_c' = -\gamma D'/D^2`,
    :math:`\epsilon_c'' = \gamma(2D'^2/D^3 - D''/D^2)` with
    :math:`D' = \beta_1/(2\sqrt{r_s}) + \beta_2`, :math:`D'' = -\beta_1 r_s^{-3/2}/4`.
    For :math:`r_s < 1`: :math:`\epsilon_c = A\ln r_s + B + C r_s\ln r_s + D r_s`,
    :math:`\epsilon_c' = A/r_s + C(\ln r_s + 1) + D`, :math:`\epsilon_c'' = -A/r_s^2 + C/r_s`.

    Parameters
    ----------
    rs : float or array_like
        Density parameter (bohr), > 0.

    Returns
    -------
    CorrelationDerivatives
        ``(eps, d1, d2)`` in Ha, Ha/bohr, Ha/bohr^2 (floats for scalar input).

    References
    ----------
    J. P. Perdew and A. Zunger, Phys. Rev. B 23, 5048 (1981), Appendix C (unpolarised).
    """
    r = _rs_array(rs)
    # Low-density (rs >= 1) Ceperley-Alder fit.
    sr = np.sqrt(r)
    den = 1.0 + PZ81_BETA1 * sr + PZ81_BETA2 * r
    den1 = 0.5 * PZ81_BETA1 / sr + PZ81_BETA2
    den2 = -0.25 * PZ81_BETA1 / (r * sr)
    hi_e = PZ81_GAMMA / den
    hi_d1 = -PZ81_GAMMA * den1 / den**2
    hi_d2 = PZ81_GAMMA * (2.0 * den1**2 / den**3 - den2 / den**2)
    # High-density (rs < 1) Gell-Mann-Brueckner-type form.
    lr = np.log(r)
    lo_e = PZ81_A * lr + PZ81_B + PZ81_C * r * lr + PZ81_D * r
    lo_d1 = PZ81_A / r + PZ81_C * (lr + 1.0) + PZ81_D
    lo_d2 = -PZ81_A / r**2 + PZ81_C / r
    high = r >= 1.0
    return CorrelationDerivatives(
        _out(np.where(high, hi_e, lo_e)),
        _out(np.where(high, hi_d1, lo_d1)),
        _out(np.where(high, hi_d2, lo_d2)),
    )


def eps_c_derivatives(rs, correlation: str = "PW92") -> CorrelationDerivatives:
    """Correlation energy per electron and its rs-derivatives for a named LDA.

    Parameters
    ----------
    rs : float or array_like
        Density parameter (bohr), > 0.
    correlation : {"PW92", "PZ81"}
        Which parameterisation.

    Returns
    -------
    CorrelationDerivatives
        ``(eps, d1, d2)`` in Ha, Ha/bohr, Ha/bohr^2.

    References
    ----------
    Perdew & Wang, PRB 45, 13244 (1992); Perdew & Zunger, PRB 23, 5048 (1981).
    """
    if check_correlation(correlation) == "PW92":
        return pw92_eps_c_derivatives(rs)
    return pz81_eps_c_derivatives(rs)


def f_alda(rs: float, correlation: str = "PW92") -> float:
    r"""Static long-wavelength ALDA kernel :math:`f_0 = d^2(n\epsilon_{xc})/dn^2` (Ha bohr^3).

    .. math::

        f_0 = -\frac{\pi}{k_F^2} + \frac{r_s}{9n}\big(r_s\epsilon_c'' - 2\epsilon_c'\big),

    the exchange part being :math:`-\pi/k_F^2`.  This is the compressibility sum rule value
    :math:`f_{xc}(q\to0, \omega=0)`.

    Parameters
    ----------
    rs : float
        Density parameter (bohr), 0 < rs <= RS_MAX.
    correlation : {"PW92", "PZ81"}
        LDA correlation used for :math:`\epsilon_c`.

    Returns
    -------
    float
        :math:`f_0` in Ha bohr^3 (negative).

    References
    ----------
    docs/theory.md, "LDA ingredients"; Perdew & Wang, PRB 45, 13244 (1992).
    """
    gas = ElectronGas(check_rs(rs))
    ec = eps_c_derivatives(gas.rs, correlation)
    r = gas.rs
    return -math.pi / gas.kF**2 + r / (9.0 * gas.n) * (r * ec.d2 - 2.0 * ec.d1)


def f_inf(rs: float, correlation: str = "PW92") -> float:
    r"""Infinite-frequency, long-wavelength xc kernel :math:`f_\infty` (Ha bohr^3).

    .. math::

        f_\infty = -\frac45 n^{2/3}\frac{d}{dn}\frac{\epsilon_{xc}}{n^{2/3}}
        + 6 n^{1/3}\frac{d}{dn}\frac{\epsilon_{xc}}{n^{1/3}}
        = -\frac15\Big(\frac{3}{\pi n^2}\Big)^{1/3}
          - \frac{22\epsilon_c + 26 r_s\epsilon_c'}{15 n}.

    Parameters
    ----------
    rs : float
        Density parameter (bohr), 0 < rs <= RS_MAX.
    correlation : {"PW92", "PZ81"}
        LDA correlation used for :math:`\epsilon_c`.

    Returns
    -------
    float
        :math:`f_\infty` in Ha bohr^3 (negative, and > f_alda for PW92 at every rs).

    References
    ----------
    N. Iwamoto and E. K. U. Gross, Phys. Rev. B 35, 3003 (1987); docs/theory.md, "LDA ingredients".
    """
    gas = ElectronGas(check_rs(rs))
    ec = eps_c_derivatives(gas.rs, correlation)
    n = gas.n
    return -0.2 * (3.0 / (math.pi * n * n)) ** (1.0 / 3.0) - (22.0 * ec.eps + 26.0 * gas.rs * ec.d1) / (15.0 * n)
