r"""Step response of a causal response G(omega) by Filon quadrature (docs/theory.md, "Time domain").

For a causal real response :math:`G(\omega)` (analytic in the upper half plane,
:math:`G(-\omega) = G(\omega)^*`) the response to a unit step of current, :math:`S(t)`, follows from
:math:`\omega > 0` alone:

.. math::

    S(t) = G(0) - \frac{2}{\pi}\int_0^\infty \frac{\mathrm{Im}\,G(\omega)}{\omega}\cos\omega t\,d\omega
    \quad(\text{"Im form"}),\qquad
    S(t) = \frac{2}{\pi}\int_0^\infty \frac{\mathrm{Re}\,G(\omega)}{\omega}\sin\omega t\,d\omega
    \quad(\text{"Re form"}),

for t > 0 and :math:`S = 0` for t < 0 (causality is built in, no artificial damping).  The
rectangular pulse of Eq. (14) gives :math:`V(t) = j_0[S(t) - S(t - T)]`.  Integrals are done by
Filon's method: the smooth factor is interpolated piecewise-linearly on the frequency grid and the
oscillating factor is integrated exactly, so the grid only has to resolve :math:`G`, not
:math:`\cos\omega t`.  Beyond the last frequency :math:`\mathrm{Im}\,G \sim c/\omega` and the tail
:math:`\int_a^\infty c\cos(\omega t)/\omega^2 d\omega = c[\cos(at)/a - t(\pi/2 - \mathrm{Si}(at))]`
is added analytically.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def _cos_over_omega2_tail(a: float, t: np.ndarray) -> np.ndarray:
    r""":math:`\int_a^\infty \cos(\omega t)/\omega^2\,d\omega = \cos(at)/a - |t|(\pi/2 - \mathrm{Si}(a|t|))`."""
    from scipy.special import sici  # lazy: keeps `import viscous_forces` light for workflow jobs

    at = np.abs(t)
    si, _ = sici(a * at)
    return np.cos(a * at) / a - at * (0.5 * np.pi - si)


def step_response(omega, G, t, G0) -> np.ndarray:
    r"""Unit-step response :math:`S(t)` by the "Im form" (module docstring).

    :math:`S(t) = G(0) - (2/\pi)\int_0^\infty \mathrm{Im}\,G(\omega)\cos(\omega t)/\omega\,d\omega`
    for t > 0 (docs/theory.md, "Time domain"): Filon quadrature (:func:`filon_cos`) on the grid plus
    the analytic :math:`c/\omega` tail beyond it.

    Parameters
    ----------
    omega : ndarray, shape (N,)
        Increasing grid with ``omega[0] == 0``.
    G : ndarray, shape (N,) or (N, m), complex
        Response on the grid (row 0 is ignored for the Im part and replaced by the even
        extrapolation of Im G/omega).
    t : ndarray
        Times (a.u.); S = 0 for t <= 0.
    G0 : complex or array of shape (m,)
        Exact DC value G(0).

    Returns
    -------
    ndarray, shape (len(t),) or (len(t), m), real
        :math:`S(t)` in the units of G (0 for t <= 0).

    Raises
    ------
    ValueError
        If ``omega`` does not start at 0 or does not increase strictly.
    """
    omega = np.asarray(omega, dtype=float)
    if omega[0] != 0.0 or np.any(np.diff(omega) <= 0):
        raise ValueError("omega must start at 0 and increase strictly")
    G = np.asarray(G)
    squeeze = G.ndim == 1
    G2 = G[:, None] if squeeze else G
    f = np.empty(G2.shape, float)
    f[1:] = G2[1:].imag / omega[1:, None]
    # Im G/omega is even in omega: f(w) = f0 + f2 w^2 + ... -> extrapolate from the first two points.
    w1, w2 = omega[1], omega[2]
    f[0] = (w2**2 * f[1] - w1**2 * f[2]) / (w2**2 - w1**2)
    t = np.asarray(t, dtype=float)
    integral = filon_cos(omega, f, t)
    # Tail: Im G ~ c/omega beyond the grid, i.e. f ~ c/omega^2 with c = omega_max^2 f(omega_max).
    a = omega[-1]
    c = a * a * f[-1]
    integral = integral + _cos_over_omega2_tail(a, t)[:, None] * c[None, :]
    S = np.asarray(G0).real[None, ...] - (2.0 / np.pi) * integral
    S = np.where(t[:, None] > 0, S, 0.0)
    return S[:, 0] if squeeze else S


@dataclass(frozen=True)
class StepResponse:
    """Callable unit-step response built from G on a frequency grid (Im form, Filon).

    ``StepResponse(omega, G, G0)(t)`` is :func:`step_response` ``(omega, G, t, G0)``.

    Attributes
    ----------
    omega : numpy.ndarray
        Increasing frequency grid (Ha) with ``omega[0] == 0``.
    G : numpy.ndarray
        Complex response on the grid, shape (N,) or (N, m).
    G0 : numpy.ndarray
        Exact DC value G(0).
    """

    omega: np.ndarray
    G: np.ndarray
    G0: np.ndarray

    def __call__(self, t) -> np.ndarray:
        return step_response(self.omega, self.G, t, self.G0)


def step_response_error(omega, G, omega_coarse, G_coarse, G0, t) -> float:
    """A posteriori estimate of the discretisation error of :func:`step_response` (units of G).

    The piecewise-linear (Filon) representation of G is second order in the grid spacing, so the
    step responses on a grid and on the same family of grids at half the density differ by
    about 3x the error of the finer one (Richardson): the estimate is max over ``t`` of
    |S_fine - S_coarse|/3 (docs/theory.md, "Numerical grids").

    Parameters
    ----------
    omega, G : numpy.ndarray
        The fine frequency grid (Ha, starting at 0) and the response on it.
    omega_coarse, G_coarse : numpy.ndarray
        The grid of half the density and the response on it.
    G0 : complex or numpy.ndarray
        Exact DC value G(0).
    t : numpy.ndarray
        Times (a.u. of time) at which the two step responses are compared.

    Returns
    -------
    float
        Estimated largest error of the fine step response (units of G).
    """
    fine = step_response(omega, G, t, G0)
    coarse = step_response(omega_coarse, G_coarse, t, G0)
    return float(np.max(np.abs(fine - coarse)) / 3.0)
