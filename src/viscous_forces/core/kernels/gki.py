r"""Gross-Kohn-Iwamoto (GKI) frequency dependence of the long-wavelength xc kernel.

Hartree atomic units: frequencies in Ha, kernels in Ha bohr^3, ``b`` in Ha^-2; docs/theory.md,
"GKI frequency dependence".  With :math:`\Delta = f_\infty - f_0 > 0`,
:math:`b(n) = [(\gamma/c)\Delta]^{4/3}` and :math:`x = b^{1/2}\omega`,

.. math::

    f^{GKI}(\omega) = f_0 + \Delta\,\{[1 - \gamma h(x)] - i\,\gamma g(x)\},

with the shape functions :math:`g`, :math:`h` of :mod:`.gki_shapes` (published fit or exact
Kramers-Kronig partner).  Sources: E. K. U. Gross and W. Kohn, Phys. Rev. Lett. 55, 2850 (1985);
N. Iwamoto and E. K. U. Gross, Phys. Rev. B 35, 3003 (1987); A. D. Kaplan et al., Phys. Rev. B 105,
035123 (2022).
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from ..electron_gas import check_rs
from .gki_shapes import C_GKI, GAMMA, check_h, gki_shape
from .pw92 import check_correlation, f_alda, f_inf

__all__ = ["GKICoefficients", "gki_coefficients", "b_gki", "f_gki"]


class GKICoefficients(NamedTuple):
    """rs-dependent GKI constants (Hartree atomic units).

    Attributes
    ----------
    rs : float
        Density parameter (bohr).
    correlation : str
        LDA correlation used ("PW92" or "PZ81").
    f0 : float
        ALDA kernel :math:`f_0` (Ha bohr^3).
    f_inf : float
        High-frequency limit :math:`f_\\infty` (Ha bohr^3).
    delta : float
        :math:`\\Delta = f_\\infty - f_0 > 0` (Ha bohr^3).
    b : float
        :math:`b(n) = [(\\gamma/c)\\Delta]^{4/3}` (Ha^-2).
    sqrt_b : float
        :math:`b^{1/2}` (Ha^-1); the scaled frequency is :math:`x = b^{1/2}\\omega`.
    """

    rs: float
    correlation: str
    f0: float
    f_inf: float
    delta: float
    b: float
    sqrt_b: float


@functools.lru_cache(maxsize=256)
def _gki_coefficients(rs: float, correlation: str) -> GKICoefficients:
    f0 = f_alda(rs, correlation)
    finf = f_inf(rs, correlation)
    delta = finf - f0
    if not delta > 0.0:
        raise ValueError(
            f"GKI kernel needs f_inf > f0, got f_inf = {finf!r}, f0 = {f0!r} "
            f"(rs = {rs!r}, correlation = {correlation!r})"
        )
    b = (GAMMA / C_GKI * delta) ** (4.0 / 3.0)
    return GKICoefficients(rs, correlation, f0, finf, delta, b, math.sqrt(b))


def gki_coefficients(rs: float, correlation: str = "PW92") -> GKICoefficients:
    """rs-dependent GKI constants (cached per ``(rs, correlation)``).

    :math:`f_0` (ALDA), :math:`f_\\infty` (Iwamoto-Gross), :math:`\\Delta = f_\\infty - f_0` and
    :math:`b = [(\\gamma/c)\\Delta]^{4/3}` (docs/theory.md, "GKI frequency dependence").

    Parameters
    ----------
    rs : float
        Density parameter (bohr), 0 < rs <= RS_MAX.
    correlation : {"PW92", "PZ81"}
        LDA correlation for :math:`f_0` and :math:`f_\\infty`.

    Returns
    -------
    GKICoefficients
        :math:`f_0`, :math:`f_\\infty`, :math:`\\Delta` (Ha bohr^3), :math:`b` (Ha^-2) and
        :math:`b^{1/2}` (Ha^-1) at this rs.

    Raises
    ------
    ValueError
        If rs or correlation is invalid, or if :math:`f_\\infty \\le f_0`.
    """
    return _gki_coefficients(check_rs(rs), check_correlation(correlation))


def b_gki(rs: float, correlation: str = "PW92") -> float:
    r"""GKI frequency scale :math:`b(n) = [(\gamma/c)(f_\infty - f_0)]^{4/3}` (Ha^-2).

    Parameters
    ----------
    rs : float
        Density parameter (bohr), 0 < rs <= RS_MAX.
    correlation : {"PW92", "PZ81"}
        LDA correlation for :math:`f_0` and :math:`f_\infty`.

    Returns
    -------
    float
        :math:`b` in Ha^-2.

    Raises
    ------
    ValueError
        If :math:`f_\infty \le f_0` (the authors' Fortran reference code sets b = 0 instead).

    References
    ----------
    Iwamoto & Gross, PRB 35, 3003 (1987); docs/theory.md, "GKI frequency dependence".
    """
    return gki_coefficients(rs, correlation).b


def f_gki(omega, rs: float, h: str = "fit", correlation: str = "PW92") -> np.ndarray:
    r"""GKI long-wavelength dynamic xc kernel :math:`f^{GKI}(\omega)` on the real axis (Ha bohr^3).

    .. math::

        f^{GKI}(\omega) = f_\infty - \gamma\Delta\,h(x) - i\,\gamma\Delta\,g(x)
        = f_0 + \Delta\{[1-\gamma h(x)] - i\gamma g(x)\},\quad x = b^{1/2}\omega,

    (:math:`\gamma\Delta = c\,b^{3/4}`).  Retarded: Im f <= 0 for omega > 0,
    :math:`f(-\omega) = f(\omega)^*`, :math:`f(0) = f_0`, :math:`f(\infty) = f_\infty`.

    Parameters
    ----------
    omega : array_like
        Real frequency (Ha), any sign.
    rs : float
        Density parameter (bohr).
    h : {"fit", "exact"}
        Real-part shape: published fit :math:`h_r` or the exact KK partner.
    correlation : {"PW92", "PZ81"}
        LDA correlation for :math:`f_0`, :math:`f_\infty`.

    Returns
    -------
    numpy.ndarray of complex128
        Same shape as ``omega``.

    References
    ----------
    Gross & Kohn, PRL 55, 2850 (1985); Iwamoto & Gross, PRB 35, 3003 (1987);
    Kaplan et al., PRB 105, 035123 (2022) (h_r); docs/theory.md, "GKI frequency dependence".
    """
    co = gki_coefficients(rs, correlation)
    check_h(h)
    w = np.asarray(omega, dtype=float)
    a, gg = gki_shape(co.sqrt_b * w, h)
    out = np.empty(w.shape, dtype=np.complex128)
    out.real = co.f0 + co.delta * a
    out.imag = -co.delta * gg
    return out
