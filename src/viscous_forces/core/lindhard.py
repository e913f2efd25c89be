r"""Lindhard (Kohn-Sham) density response of the 3D spin-unpolarised electron gas.

Retarded :math:`\chi_s(q, \omega + i0^+)` for real frequencies in closed form, without any
broadening (Lindhard, K. Dan. Vidensk. Selsk. Mat.-Fys. Medd. 28, 1 (1954); Giuliani & Vignale,
*Quantum Theory of the Electron Liquid*, Sec. 4.4).  With :math:`z = q/2k_F`,
:math:`u = \omega/(q k_F)` and :math:`\nu_\pm = z \pm u`,

.. math::

    \chi_s = -\frac{k_F}{\pi^2}\,F(z, u),\qquad
    \mathrm{Re}\,F = \frac{1}{8z}\,[g(\nu_-) + g(\nu_+)],\qquad
    g(x) = (1 - x^2)\ln\left|\frac{x+1}{x-1}\right| + 2x,

    \mathrm{Im}\,F = \begin{cases}
        \pi u/2 & z + u < 1 \\
        \pi (1 - (z-u)^2)/(8z) & |z - u| < 1 < z + u \\
        0 & \text{otherwise}
    \end{cases}\qquad (\omega \ge 0),

and :math:`\chi_s(q, -\omega) = \chi_s(q, \omega)^*`.  Where both :math:`|\nu_\pm|` are large the
two :math:`g` cancel to :math:`O(z/u^2)`; there the odd series
:math:`g(x) = \sum_{k\ge1} 4/((4k^2-1)x^{2k-1})` is summed through the power sums of
:math:`1/\nu_\pm`, whose recurrence has no cancellation (see :func:`_series_pair`).
"""

from __future__ import annotations

import numpy as np

#: Pair regime (u > z, both |nu| large, where g(nu-) + g(nu+) cancels to O(z/u^2)): the summed
#: series is used for u - z > _SERIES_THRESHOLD; with _N_SERIES terms its truncation error is
#: below 8^-(2K+1) < 1e-24 relative.
_SERIES_THRESHOLD = 8.0
_N_SERIES = 12
_SERIES_COEFFS = np.array([4.0 / (4.0 * k * k - 1.0) for k in range(1, _N_SERIES + 1)])
#: Single terms: the closed form of g loses ~1.5 x^2 eps relative (1.4e-13 at x = 30); beyond
#: _SINGLE_THRESHOLD the series with _N_SINGLE terms is used (error < 30^-15 < 1e-22 relative).
_SINGLE_THRESHOLD = 30.0
_N_SINGLE = 7


def _log_ratio(x: np.ndarray) -> np.ndarray:
    """ln|(x+1)/(x-1)| = 2 artanh(x) for |x| < 1 and 2 artanh(1/x) for |x| > 1 (exact, no cancellation)."""
    ax = np.abs(x)
    with np.errstate(divide="ignore"):
        arg = np.where(ax < 1.0, x, 1.0 / np.where(ax == 0.0, 1.0, x))
        return 2.0 * np.arctanh(arg)


def _g_closed(x: np.ndarray) -> np.ndarray:
    """g(x) = (1 - x^2) ln|(x+1)/(x-1)| + 2x, with the removable 0*inf at |x| = 1 set to its limit."""
    one_minus = (1.0 - x) * (1.0 + x)
    with np.errstate(invalid="ignore", divide="ignore"):
        term = one_minus * _log_ratio(x)
    term = np.where(one_minus == 0.0, 0.0, term)
    return term + 2.0 * x


def _g_series(x: np.ndarray, terms: int = _N_SERIES) -> np.ndarray:
    """Large-|x| series g(x) = sum_k 4 / ((4k^2 - 1) x^(2k-1)) (odd in x), ``terms`` terms."""
    inv = 1.0 / x
    inv2 = inv * inv
    acc = np.zeros_like(x)
    for c in _SERIES_COEFFS[:terms][::-1]:
        acc = acc * inv2 + c
    return acc * inv


def _g(x: np.ndarray) -> np.ndarray:
    """g(x): closed form for |x| <= _SINGLE_THRESHOLD, series beyond (avoids the O(1/x^2) cancellation)."""
    out = _g_closed(x)
    far = np.abs(x) > _SINGLE_THRESHOLD
    if far.any():
        out[far] = _g_series(x[far], _N_SINGLE)
    return out


def _series_pair(z: np.ndarray, u: np.ndarray) -> np.ndarray:
    r"""[g(z-u) + g(z+u)]/(8z) for |z - u| and z + u both large, without cancellation.

    With :math:`a = 1/(z+u)`, :math:`b = 1/(z-u)`: :math:`s = a + b = 2z\,e`,
    :math:`e = ab = 1/(z^2-u^2)`, the power sums :math:`p_m = a^m + b^m` obey
    :math:`p_m = s\,p_{m-1} - e\,p_{m-2}` and both terms have the same sign whenever
    :math:`u > z` (the regime of cancellation), so the sum is accurate to rounding.
    """
    e = 1.0 / ((z - u) * (z + u))
    s = 2.0 * z * e
    p_prev2 = np.full_like(z, 2.0)  # p_0
    p_prev = s  # p_1
    total = _SERIES_COEFFS[0] * p_prev
    for k in range(2, _N_SERIES + 1):
        p_even = s * p_prev - e * p_prev2  # p_{2k-2}
        p_odd = s * p_even - e * p_prev  # p_{2k-1}
        total = total + _SERIES_COEFFS[k - 1] * p_odd
        p_prev2, p_prev = p_even, p_odd
    # every odd power sum carries the factor s = 2 z e, so dividing by 8z loses nothing.
    return total / (8.0 * z)


def lindhard_F(z, u) -> np.ndarray:
    r"""Dimensionless Lindhard function :math:`F(z, u) = -\pi^2\chi_s/k_F` for :math:`u \ge 0`.

    Implements the closed form of the module docstring (docs/theory.md, "Response of the electron
    gas"; Lindhard 1954), with the large-argument series where the two :math:`g` terms cancel.

    Parameters
    ----------
    z : array_like
        :math:`q/2k_F > 0`.
    u : array_like
        :math:`\omega/(q k_F) \ge 0`.

    Returns
    -------
    numpy.ndarray of complex128
        :math:`F = \mathrm{Re}F + i\,\mathrm{Im}F` (module docstring), broadcast shape.
    """
    z, u = np.broadcast_arrays(np.asarray(z, dtype=float), np.asarray(u, dtype=float))
    nu_m = z - u
    nu_p = z + u
    big = -nu_m > _SERIES_THRESHOLD  # u > z + 8: both |nu| > 8 and of opposite sign
    re = np.empty(z.shape, dtype=float)
    if big.any():
        re[big] = _series_pair(z[big], u[big])
    small = ~big
    if small.any():
        zs, nm, npl = z[small], nu_m[small], nu_p[small]
        re[small] = (_g(nm) + _g(npl)) / (8.0 * zs)
    im = np.where(
        nu_p < 1.0,
        0.5 * np.pi * u,
        np.where(np.abs(nu_m) < 1.0, np.pi * (1.0 - nu_m) * (1.0 + nu_m) / (8.0 * z), 0.0),
    )
    return re + 1j * im


def lindhard(q, omega, kF: float) -> np.ndarray:
    r"""Retarded Lindhard function :math:`\chi_s(q, \omega)` of the 3D HEG (1/(Ha bohr^3)).

    Closed form of the module docstring (docs/theory.md, "Response of the electron gas"; Lindhard
    1954; Giuliani & Vignale, Sec. 4.4), exact for
    real :math:`\omega` with the retarded prescription :math:`\omega + i0^+`;
    :math:`\chi_s(q,-\omega) = \chi_s(q,\omega)^*`.  Static limit
    :math:`\chi_s(q,0) = -(k_F/\pi^2)[1/2 + (1-z^2)/(4z)\ln|(1+z)/(1-z)|]`.

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0.
    omega : array_like
        Real frequency (Ha), any sign; broadcast against ``q``.
    kF : float
        Fermi wave vector (bohr^-1), > 0.

    Returns
    -------
    numpy.ndarray of complex128
        :math:`\chi_s(q, \omega)` (1/(Ha bohr^3)), shape ``np.broadcast_shapes(q.shape, omega.shape)``.

    Raises
    ------
    ValueError
        If ``kF <= 0`` or any ``q`` is not finite and > 0.
    """
    if not kF > 0:
        raise ValueError(f"kF must be > 0 bohr^-1, got {kF!r}")
    q = np.asarray(q, dtype=float)
    omega = np.asarray(omega, dtype=float)
    if np.any(~(q > 0)) or not np.all(np.isfinite(q)):
        raise ValueError("q must be finite and > 0 (bohr^-1); got a value outside (0, inf)")
    z = q / (2.0 * kF)
    u = np.abs(omega) / (q * kF)
    F = lindhard_F(z, u)
    F = np.where(omega < 0, np.conj(F), F)
    return (-kF / np.pi**2) * F
