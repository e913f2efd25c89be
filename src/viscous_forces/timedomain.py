r"""Time-domain velocities from the frequency-domain response, paper Eq. (14), equations.md Sec. 4.

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

from abc import ABC, abstractmethod
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

    Parameters
    ----------
    omega : ndarray, shape (N+1,)
        Increasing frequency grid.
    f : ndarray, shape (N+1,) or (N+1, m)
        Samples of the smooth factor (real or complex); several columns are integrated at once.
    t : ndarray, shape (n_t,)

    Returns
    -------
    ndarray, shape (n_t,) or (n_t, m), complex
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
    (integration by parts twice; :math:`s_j` the slope on interval j)

    .. math::

        \int f\cos\omega t = \Big[\frac{f\sin\omega t}{t}\Big]_{\omega_0}^{\omega_N}
          + \frac{s_{N-1}\cos\omega_N t - s_0\cos\omega_0 t
          - \sum_{j=1}^{N-1}(s_j - s_{j-1})\cos\omega_j t}{t^2},

    one cosine per (t, node) and a real matrix product.

    Parameters
    ----------
    omega : ndarray, shape (N+1,)
    f : ndarray, shape (N+1,) or (N+1, m), real
    t : ndarray, shape (n_t,)
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


def step_response_re_form(omega, G, t, G_inf) -> np.ndarray:
    r"""Unit-step response by the "Re form", an independent causality (Kramers-Kronig) check.

    :math:`S(t) = (2/\pi)\int_0^\infty \mathrm{Re}\,G\,\sin(\omega t)/\omega\,d\omega` with Re G
    piecewise linear: on each interval
    :math:`\int (\alpha + \beta\omega)\sin(\omega t)/\omega = \alpha\,\Delta\mathrm{Si} - \beta\,\Delta\cos(\omega t)/t`;
    the tail uses :math:`\mathrm{Re}\,G \to G_\infty` (its :math:`O(\omega^{-2})` remainder is dropped).
    """
    from scipy.special import sici

    omega = np.asarray(omega, dtype=float)
    G = np.asarray(G)
    squeeze = G.ndim == 1
    g = (G[:, None] if squeeze else G).real
    t = np.asarray(t, dtype=float)
    beta = np.diff(g, axis=0) / np.diff(omega)[:, None]
    alpha = g[:-1] - beta * omega[:-1, None]
    out = np.empty((t.size, g.shape[1]))
    step = max(1, _CHUNK // max(1, omega.size))
    for start in range(0, t.size, step):
        tb = np.abs(t[start : start + step])[:, None]
        si, _ = sici(tb * omega[None, :])
        tt = np.where(tb > 0, tb, 1.0)
        cos = np.cos(tb * omega[None, :]) / tt
        d_si = np.diff(si, axis=1)
        d_cos = np.diff(cos, axis=1)
        out[start : start + step] = d_si @ alpha - d_cos @ beta
    si_end, _ = sici(np.abs(t) * omega[-1])
    out += (0.5 * np.pi - si_end)[:, None] * np.asarray(G_inf, dtype=float).reshape(1, -1)
    S = np.where(t[:, None] > 0, (2.0 / np.pi) * out, 0.0)
    return S[:, 0] if squeeze else S


# --------------------------------------------------------------------------------------------
# Pulses
# --------------------------------------------------------------------------------------------


class Pulse(ABC):
    r"""A current pulse :math:`\overline{\delta j}(t) = j_0\,p(t)` of characteristic length T (a.u.).

    By linearity (Duhamel), with S the unit-step response,

    .. math::

        V(t) = \sum_j h_j\,S(t - t_j) + \int ds\,S(t - s)\,p_s'(s),

    where :math:`(t_j, h_j)` are the jumps of p and :math:`p_s'` the derivative of its continuous
    part.  Subclasses define :meth:`shape`, :meth:`jumps`, :meth:`smooth_derivative` and
    :meth:`window`; :func:`pulse_response` does the superposition on a uniform time grid.
    """

    duration: float

    def _check_duration(self) -> None:
        if not (np.isfinite(self.duration) and self.duration > 0):
            raise ValueError(f"pulse duration T must be finite and > 0 a.u., got {self.duration!r}")

    @abstractmethod
    def shape(self, t) -> np.ndarray:
        """p(t), dimensionless."""

    def jumps(self) -> tuple[tuple[float, float], ...]:
        """Discontinuities (t_j, h_j) of p (a.u., dimensionless)."""
        return ()

    def smooth_derivative(self, t) -> np.ndarray:
        """dp/dt of the continuous part of p (1/a.u.)."""
        return np.zeros_like(np.asarray(t, dtype=float))

    def window(self) -> tuple[float, float]:
        """Interval (a.u.) outside which p is constant (to 1e-12 relative)."""
        return 0.0, self.duration

    def response(self, step: "StepResponse", t) -> np.ndarray:
        """Velocity response at arbitrary times t from the jumps alone (pulses without a smooth
        part, e.g. rectangular); use :func:`pulse_response` on a uniform grid otherwise."""
        lo, hi = self.window()
        if np.any(self.smooth_derivative(np.linspace(lo, hi, 257)) != 0):
            raise NotImplementedError(f"{type(self).__name__} has a smooth part: use pulse_response()")
        t = np.asarray(t, dtype=float)
        return sum(h * step(t - tj) for tj, h in self.jumps())


@dataclass(frozen=True)
class RectangularPulse(Pulse):
    r"""Eq. (14): :math:`\overline{\delta j}(t) = j_0[H(T - t) - H(-t)]`, duration T (a.u.)."""

    duration: float

    def __post_init__(self) -> None:
        self._check_duration()

    def shape(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        return ((t > 0) & (t < self.duration)).astype(float)

    def jumps(self):
        return ((0.0, 1.0), (self.duration, -1.0))


def _raised_cosine(x: np.ndarray) -> np.ndarray:
    return np.where(x <= 0, 0.0, np.where(x >= 1, 1.0, 0.5 * (1 - np.cos(np.pi * np.clip(x, 0, 1)))))


@dataclass(frozen=True)
class SmoothRampPulse(Pulse):
    r"""Rectangular pulse with raised-cosine edges of rise time :math:`\tau`:
    :math:`p(t) = s(t/\tau) - s((t - T)/\tau)`, :math:`s(x) = (1 - \cos\pi x)/2` on [0, 1].
    Tends to :class:`RectangularPulse` as :math:`\tau \to 0`."""

    duration: float
    rise_time: float

    def __post_init__(self) -> None:
        self._check_duration()
        if not (0 < self.rise_time <= self.duration):
            raise ValueError(f"pulse rise_time must be in (0, T = {self.duration:g}] a.u., got {self.rise_time!r}")

    def shape(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        return _raised_cosine(t / self.rise_time) - _raised_cosine((t - self.duration) / self.rise_time)

    def smooth_derivative(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        tau = self.rise_time

        def ds(x):
            return np.where((x > 0) & (x < 1), 0.5 * np.pi / tau * np.sin(np.pi * np.clip(x, 0, 1)), 0.0)

        return ds(t / tau) - ds((t - self.duration) / tau)

    def window(self):
        return 0.0, self.duration + self.rise_time


@dataclass(frozen=True)
class GaussianPulse(Pulse):
    r"""Gaussian pulse :math:`p(t) = \exp[-(t - t_0)^2/(2\sigma^2)]`, centred at :math:`t_0 = T/2`
    with standard deviation :math:`\sigma` (a.u.).  Its area is :math:`\sqrt{2\pi}\sigma`."""

    duration: float
    width: float

    def __post_init__(self) -> None:
        self._check_duration()
        if not (0 < self.width <= self.duration):
            raise ValueError(f"pulse width (sigma) must be in (0, T = {self.duration:g}] a.u., got {self.width!r}")

    @property
    def center(self) -> float:
        return 0.5 * self.duration

    def shape(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        return np.exp(-0.5 * ((t - self.center) / self.width) ** 2)

    def smooth_derivative(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        x = (t - self.center) / self.width
        return -x / self.width * np.exp(-0.5 * x * x)

    def window(self):
        half = 7.5 * self.width  # exp(-7.5^2/2) < 1e-12
        return self.center - half, self.center + half


@dataclass(frozen=True)
class ACPulse(Pulse):
    r"""AC drive switched on for a time T: :math:`p(t) = \sin(\Omega t)\,[H(t) - H(t - T)]`,
    angular frequency :math:`\Omega` (Ha, i.e. rad per a.u. of time)."""

    duration: float
    frequency: float

    def __post_init__(self) -> None:
        self._check_duration()
        if not (np.isfinite(self.frequency) and self.frequency > 0):
            raise ValueError(f"pulse frequency must be finite and > 0 Ha, got {self.frequency!r}")

    def shape(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        return np.where((t > 0) & (t < self.duration), np.sin(self.frequency * t), 0.0)

    def jumps(self):
        return ((self.duration, -float(np.sin(self.frequency * self.duration))),)

    def smooth_derivative(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        return np.where((t > 0) & (t < self.duration), self.frequency * np.cos(self.frequency * t), 0.0)


PULSE_SHAPES = {"rectangular": RectangularPulse, "ramp": SmoothRampPulse, "gaussian": GaussianPulse, "ac": ACPulse}


def make_pulse(shape: str, duration: float, rise_time: float | None = None, width: float | None = None,
               frequency: float | None = None) -> Pulse:
    """Build a pulse by name (``rectangular``, ``ramp``, ``gaussian``, ``ac``) with its parameter."""
    if shape not in PULSE_SHAPES:
        raise ValueError(f"pulse.shape must be one of {', '.join(PULSE_SHAPES)}, got {shape!r}")
    if shape == "rectangular":
        return RectangularPulse(duration)
    if shape == "ramp":
        return SmoothRampPulse(duration, rise_time if rise_time is not None else 0.05 * duration)
    if shape == "gaussian":
        return GaussianPulse(duration, width if width is not None else duration / 6.0)
    if frequency is None:
        raise ValueError("pulse.frequency (Ha) is required for the 'ac' pulse shape")
    return ACPulse(duration, frequency)


def pulse_response(step_lags: np.ndarray, pulse: Pulse, k: np.ndarray, dt: float) -> np.ndarray:
    """Superpose unit-step responses for ``pulse`` on the uniform grid t = k dt (Duhamel).

    Parameters
    ----------
    step_lags : ndarray, shape (L + 1, m)
        S(l dt) for l = 0..L (row 0 ignored: S = 0 for t <= 0), L >= k[-1] - k[0].
    pulse : Pulse
        Its jumps must lie on the grid (multiples of dt); its smooth derivative is integrated by
        the trapezoid rule on the same grid (error O(dt^2)).
    k : ndarray of int, consecutive
    dt : float

    Returns
    -------
    ndarray, shape (len(k), m)
    """
    S = np.array(step_lags, dtype=float)
    S[0] = 0.0
    out = np.zeros((k.size, S.shape[1]))
    for tj, h in pulse.jumps():
        mj = tj / dt
        if abs(mj - round(mj)) > 1e-9 * max(1.0, abs(mj)):
            raise ValueError(f"pulse jump at t = {tj} a.u. is not on the time grid (dt = {dt})")
        lag = k - int(round(mj))
        ok = (lag > 0) & (lag < S.shape[0])
        out[ok] += h * S[lag[ok]]
    lo, hi = pulse.window()
    i = np.arange(int(np.floor(lo / dt)), int(np.ceil(hi / dt)) + 1)
    dp = pulse.smooth_derivative(i * dt)
    if np.any(dp != 0):
        from scipy.signal import fftconvolve

        w = np.ones(i.size)
        w[[0, -1]] = 0.5
        src = (dt * w * dp)[:, None]
        # V_s(k) = sum_i src_i S(k - i): full convolution indexed from i[0] + 0
        conv = fftconvolve(src, S, axes=0)  # index n <-> k = i[0] + n
        n = k - i[0]
        ok = (n >= 0) & (n < conv.shape[0])
        out[ok] += conv[n[ok]]
    return out


@dataclass(frozen=True)
class StepResponse:
    """Callable unit-step response built from G on a frequency grid (Im form, Filon)."""

    omega: np.ndarray
    G: np.ndarray
    G0: np.ndarray

    def __call__(self, t) -> np.ndarray:
        return step_response(self.omega, self.G, t, self.G0)


# --------------------------------------------------------------------------------------------
# Frequency grid for G
# --------------------------------------------------------------------------------------------


def response_frequency_grid(
    rates, omega_max: float, omega_vib: float | None = None, vib_width: float | None = None, density: float = 1.0
) -> np.ndarray:
    r"""Frequency grid resolving every feature of :math:`G(\omega)` (equations.md Sec. 4.3).

    Union of ``linspace(0, 60 Gamma_max, 500)``, ``linspace(omega_vib -+ 60 Gamma_r/2, 500)``
    (parallel only) and ``geomspace(Gamma_min/50, omega_max, 600)``, each count scaled by
    ``density`` (2 doubles the grid for convergence checks).

    Parameters
    ----------
    rates : array_like
        Markov decay rates (1/a.u.), > 0.
    omega_max : float
        Upper end (Ha).
    omega_vib, vib_width : float, optional
        Centre and half-width (Ha) of the vibrational resonance.
    """
    rates = np.asarray(rates, dtype=float)
    if np.any(rates <= 0):
        raise ValueError(f"decay rates must be > 0, got {rates!r}")
    g_min, g_max = rates.min(), rates.max()
    parts = [
        np.linspace(0.0, min(60 * g_max, omega_max), int(500 * density)),
        np.geomspace(g_min / 50.0, omega_max, int(600 * density)),
    ]
    if omega_vib is not None and vib_width is not None:
        lo = max(omega_vib - 60 * vib_width, 0.0)
        hi = min(omega_vib + 60 * vib_width, omega_max)
        parts.append(np.linspace(lo, hi, int(500 * density)))
    grid = np.unique(np.concatenate(parts))
    # Drop points closer than 1e-9 relative (unique() keeps near-duplicates from the unions).
    keep = np.concatenate([[True], np.diff(grid) > 1e-9 * grid[1:]])
    return grid[keep]
