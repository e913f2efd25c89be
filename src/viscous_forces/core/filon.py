r"""Filon quadrature of Fourier integrals of piecewise-linear functions (docs/theory.md, "Time domain").

:math:`\int f(\omega)\,e^{i\omega t}\,d\omega` and :math:`\int f(\omega)\cos\omega t\,d\omega` with
f interpolated piecewise-linearly on a frequency grid and the oscillating factor integrated exactly, so
the grid only has to resolve f, not :math:`\cos\omega t`.  The step responses built on them are in
:mod:`viscous_forces.core.time_domain`.
"""

from __future__ import annotations

import numpy as np

#: Below |theta| = |t h| the Filon moments use their Taylor series (12 terms: error < 0.1^12/12!).
_FILON_SERIES = 0.1
_FILON_TERMS = 12
#: Largest number of (t, omega) pairs evaluated at once (bounds memory to ~200 MB).
_CHUNK = 1_000_000
#: filon_cos uses the summed second-difference form for t > _SWITCH / omega_max, where its
#: cancellation costs at most ~eps (omega_max t)^-2 relative; below, the moment form.
_SWITCH = 1e3


def _moments(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""E1 = int_0^1 e^{i theta y} dy and E2 = int_0^1 y e^{i theta y} dy, accurate for all theta."""
    small = np.abs(theta) < _FILON_SERIES
    th = np.where(small, 1.0, theta)
    e = np.exp(1j * th)
    E1 = (e - 1.0) / (1j * th)
    E2 = (e * (1.0 - 1j * th) - 1.0) / (th * th)
    if small.any():
        ts = theta[small]
        s1 = np.zeros(ts.shape, complex)
        s2 = np.zeros(ts.shape, complex)
        term = np.ones(ts.shape, complex)  # (i theta)^k / k!
        for k in range(_FILON_TERMS):
            s1 += term / (k + 1)
            s2 += term / (k + 2)
            term = term * (1j * ts) / (k + 1)
        E1[small] = s1
        E2[small] = s2
    return E1, E2


def filon_fourier(omega: np.ndarray, f: np.ndarray, t: np.ndarray) -> np.ndarray:
    r""":math:`\int_{\omega_0}^{\omega_N} f(\omega)\,e^{i\omega t}\,d\omega` with f piecewise linear.

    Filon's rule (docs/theory.md, "Time domain"): on each interval
    :math:`[\omega_j, \omega_j + h_j]` with :math:`f = f_j + s_j(\omega - \omega_j)` the integral is
    :math:`h_j e^{i\omega_j t}[f_j E_1(\theta) + s_jh_j E_2(\theta)]`, :math:`\theta = th_j`,
    :math:`E_1 = \int_0^1 e^{i\theta y}dy`, :math:`E_2 = \int_0^1 y\,e^{i\theta y}dy` (Taylor series
    for small :math:`\theta`), exact for any t.

    Parameters
    ----------
    omega : ndarray, shape (N+1,)
        Increasing frequency grid (Ha).
    f : ndarray, shape (N+1,) or (N+1, m)
        Samples of the smooth factor (real or complex); several columns are integrated at once.
    t : ndarray, shape (n_t,)
        Times (a.u. of time).

    Returns
    -------
    ndarray, shape (n_t,) or (n_t, m), complex
        The integral for every time (and column), in the units of ``f`` times Ha.
    """
    omega = np.asarray(omega, dtype=float)
    f = np.asarray(f)
    squeeze = f.ndim == 1
    f2 = f[:, None] if squeeze else f
    t = np.asarray(t, dtype=float)
    a = omega[:-1]
    h = np.diff(omega)
    fa = f2[:-1]
    slope_h = f2[1:] - f2[:-1]  # s * h
    out = np.empty((t.size, f2.shape[1]), complex)
    step = max(1, _CHUNK // max(1, a.size))
    for start in range(0, t.size, step):
        tb = t[start : start + step, None]
        E1, E2 = _moments(tb * h[None, :])
        phase = np.exp(1j * tb * a[None, :]) * h[None, :]
        out[start : start + step] = (phase * E1) @ fa + (phase * E2) @ slope_h
    return out[:, 0] if squeeze else out


def filon_cos(omega: np.ndarray, f: np.ndarray, t: np.ndarray) -> np.ndarray:
    r""":math:`\int_{\omega_0}^{\omega_N} f(\omega)\cos(\omega t)\,d\omega` for real, piecewise-linear f.

    Same result as ``filon_fourier(...).real`` but, for large t, from the exact identity
    (integration by parts twice; :math:`s_j` the slope on interval j; docs/theory.md, "Time domain")

    .. math::

        \int f\cos\omega t = \Big[\frac{f\sin\omega t}{t}\Big]_{\omega_0}^{\omega_N}
          + \frac{s_{N-1}\cos\omega_N t - s_0\cos\omega_0 t
          - \sum_{j=1}^{N-1}(s_j - s_{j-1})\cos\omega_j t}{t^2},

    one cosine per (t, node) and a real matrix product.

    Parameters
    ----------
    omega : ndarray, shape (N+1,)
        Increasing frequency grid (Ha).
    f : ndarray, shape (N+1,) or (N+1, m), real
        Samples of the smooth factor; several columns are integrated at once.
    t : ndarray, shape (n_t,)
        Times (a.u. of time); the identity above is used for :math:`|t| > 10^3/\omega_N`, the
        moment form of :func:`filon_fourier` below.

    Returns
    -------
    ndarray, shape (n_t,) or (n_t, m), real
        The integral for every time (and column), in the units of ``f`` times Ha.
    """
    omega = np.asarray(omega, dtype=float)
    f = np.asarray(f, dtype=float)
    squeeze = f.ndim == 1
    f2 = f[:, None] if squeeze else f
    t = np.asarray(t, dtype=float)
    out = np.empty((t.size, f2.shape[1]))
    big = np.abs(t) > _SWITCH / omega[-1]
    if (~big).any():
        out[~big] = filon_fourier(omega, f2, t[~big]).real
    if big.any():
        tb = t[big]
        s = np.diff(f2, axis=0) / np.diff(omega)[:, None]  # (N, m)
        ds = np.diff(s, axis=0)  # (N-1, m), at interior nodes 1..N-1
        inner = np.empty((tb.size, f2.shape[1]))
        step = max(1, _CHUNK // max(1, omega.size))
        for start in range(0, tb.size, step):
            tt = tb[start : start + step, None]
            inner[start : start + step] = np.cos(tt * omega[None, 1:-1]) @ ds
        t1 = tb[:, None]
        edge = (f2[-1] * np.sin(omega[-1] * t1) - f2[0] * np.sin(omega[0] * t1)) / t1
        edge += (s[-1] * np.cos(omega[-1] * t1) - s[0] * np.cos(omega[0] * t1)) / t1**2
        out[big] = edge - inner / t1**2
    return out[:, 0] if squeeze else out
