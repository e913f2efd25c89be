r"""The time domain: step responses S(t) of G(omega) and of the Markov model, and their superposition for a pulse.

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
The integrals are :func:`viscous_forces.core.filon.filon_cos`.

The constant-friction (Markov) model freezes :math:`\tilde J` at :math:`-iQ` and gives an ODE whose
step response is exact (:class:`MarkovModel`; docs/theory.md, "Markov limit").  A pulse of current
(:mod:`viscous_forces.core.pulses`) gives the velocities as a superposition of step responses
(Duhamel, :func:`pulse_response`; docs/theory.md, "Pulses").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .filon import filon_cos
from .frequency_domain import combinations
from .impurity import Impurity, check_geometry

if TYPE_CHECKING:
    from .pulses import Pulse

# --------------------------------------------------------------------------------------------
# Step response of G(omega) (Filon)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Markov (constant-friction) limit
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkovModel:
    r"""Constant-friction (Markov) ODE, state :math:`x = (V_c, V_r[, R_r])` (docs/theory.md, "Markov limit").

    .. math::

        \dot x = A x + B\,v(t) + C\,\dot v(t),\qquad v = \overline{\delta j}(t)/\bar n .

    For the perpendicular geometry (no restoring force) :math:`R_r` decouples and is dropped.

    Attributes
    ----------
    A : ndarray, shape (n_state, n_state)
        State matrix (1/a.u. of time).
    B : ndarray, shape (n_state,)
        Drive by the drift velocity (1/a.u. of time).
    C : ndarray, shape (n_state,)
        Drive by its time derivative: the jump of the velocities at a step of the current, the
        high-frequency limit :math:`\bar nG(\infty)` (dimensionless).
    """

    A: np.ndarray
    B: np.ndarray
    C: np.ndarray

    @classmethod
    def build(cls, Q: dict[str, float], spring: float, imp: Impurity, sigma: float, geometry: str):
        r"""From friction coefficients ``Q`` = {"J0": Q0, geometry: Q_g} (a.u.).

        Freezing :math:`\tilde J` at :math:`-iQ` in Eqs. (12)-(13) gives (docs/theory.md, "Markov limit")

        .. math::

            \dot V_c = -\frac{Q_c}{M_c}(V_c - v) - \frac{Q_{xc}}{M_c^2}V_r + \sigma\frac{Z_1 + Z_2}{M_c}\dot v,

            \dot V_r = -Q_{xr}(V_c - v) - \frac{Q_r}{M_c}V_r - \frac{\lambda_g}{\mu}R_r
                + \sigma\Big(\frac{Z_2}{M_2} - \frac{Z_1}{M_1}\Big)\dot v,\qquad \dot R_r = V_r,

        with :math:`Q_c, Q_{xc}, Q_r, Q_{xr}` the :func:`combinations` ``S_c``, ``X_c``, ``S_r``, ``X_r`` of
        :math:`Q_0, Q_g`.

        Parameters
        ----------
        Q : dict of str to float
            Friction coefficients (m_e/a.u. of time), :func:`friction_coefficients`: at least ``"J0"``
            (:math:`Q_0`) and the key ``geometry`` (:math:`Q_g`).
        spring : float
            Restoring constant :math:`\lambda_g` (Ha/bohr^2), :meth:`Impurity.restoring_constant` for
            parallel, 0 for perpendicular.
        imp : Impurity
            Charges (e) and masses (m_e).
        sigma : float
            Sign of the direct-field terms (+1 printed, -1 derived).
        geometry : {"parallel", "perpendicular"}
            Parallel keeps :math:`R_r` in the state (3 components); perpendicular drops it (2).

        Returns
        -------
        MarkovModel
            The model, velocities in units of the drift velocity :math:`v = \overline{\delta j}/\bar n`.
        """
        check_geometry(geometry)
        c = combinations(Q["J0"], Q[geometry], imp)  # Q_c, Q_xc, Q_r, Q_xr
        Mc, mu = imp.Mc, imp.mu
        jump = np.array([sigma * (imp.Z1 + imp.Z2) / Mc, sigma * (imp.Z2 / imp.M2 - imp.Z1 / imp.M1)])
        A = np.array([[-c["S_c"] / Mc, -c["X_c"] / Mc**2], [-c["X_r"], -c["S_r"] / Mc]])
        B = np.array([c["S_c"] / Mc, c["X_r"]])
        if geometry == "parallel":
            A = np.block([[A, np.array([[0.0], [-spring / mu]])], [np.array([[0.0, 1.0, 0.0]])]])
            B = np.append(B, 0.0)
            jump = np.append(jump, 0.0)
        return cls(A=A, B=B, C=jump)

    @property
    def eigenvalues(self) -> np.ndarray:
        r"""Eigenvalues of A (1/a.u. time): the Markov poles are i * eigenvalues (all Re < 0).

        Returns
        -------
        ndarray, complex
            The eigenvalues :math:`\lambda` of :attr:`A` (1/a.u. of time), in LAPACK's order; the poles
            are :math:`\omega = i\lambda` (docs/theory.md, "Markov limit").
        """
        return np.linalg.eigvals(self.A)

    @property
    def decay_rates(self) -> np.ndarray:
        r"""-Re of the eigenvalues, sorted ascending (1/a.u. time).

        Returns
        -------
        ndarray
            :math:`-\mathrm{Re}\,\lambda` (1/a.u. of time), ascending: the amplitude decay rates of the
            Markov modes.
        """
        return np.sort(-self.eigenvalues.real)

    def step_response(self, t) -> np.ndarray:
        r"""Response to :math:`v(t) = H(t)`: :math:`x(t) = e^{At}C + A^{-1}(e^{At} - I)B` for t > 0, 0 before.

        Returns an array of shape (len(t), n_state) (velocities in units of v).  Exact (eigen-
        decomposition of A), no time stepping (docs/theory.md, "Markov limit"): the jump
        :math:`x(0^+) = C` from :math:`\dot v = \delta(t)`, then the relaxation towards
        :math:`-A^{-1}B`.

        Parameters
        ----------
        t : array_like, shape (n_t,)
            Times (a.u. of time).

        Returns
        -------
        ndarray, shape (n_t, n_state)
            :math:`x(t)`, real: velocities in units of the drift velocity v, :math:`R_r` (parallel
            only) in units of v times a.u. of time; 0 for :math:`t \le 0`.
        """
        t = np.asarray(t, dtype=float)
        lam, P = np.linalg.eig(self.A)
        Pinv = np.linalg.inv(P)
        c = Pinv @ self.C
        b = Pinv @ self.B
        tp = np.where(t > 0, t, 0.0)[:, None]
        e = np.exp(lam[None, :] * tp)
        y = e * c[None, :] + (e - 1.0) / lam[None, :] * b[None, :]
        x = (y @ P.T).real
        return np.where(t[:, None] > 0, x, 0.0)


# --------------------------------------------------------------------------------------------
# Pulses: superposition of step responses (Duhamel)
# --------------------------------------------------------------------------------------------


def pulse_response(step_lags: np.ndarray, pulse: Pulse, k: np.ndarray, dt: float) -> np.ndarray:
    r"""Superpose unit-step responses for ``pulse`` on the uniform grid t = k dt (Duhamel).

    :math:`V(t) = \sum_j h_j\,S(t - t_j) + \int ds\,S(t - s)\,p_s'(s)` (class :class:`Pulse`;
    docs/theory.md, "Pulses"); the integral by the trapezoid rule as an FFT convolution.

    Parameters
    ----------
    step_lags : ndarray, shape (L + 1, m)
        S(l dt) for l = 0..L (row 0 ignored: S = 0 for t <= 0), L >= k[-1] - k[0].
    pulse : Pulse
        Its jumps must lie on the grid (multiples of dt); its smooth derivative is integrated by
        the trapezoid rule on the same grid (error O(dt^2)).
    k : ndarray of int, consecutive
        Time indices of the output (t = k dt).
    dt : float
        Time step (a.u. of time).

    Returns
    -------
    ndarray, shape (len(k), m)
        V(k dt) per unit j0, in the units of ``step_lags``.

    Raises
    ------
    ValueError
        If a jump of the pulse is not on the time grid, or ``step_lags`` is too short for the lags from
        the start of the pulse (its first jump or :meth:`Pulse.window`) to the last output time.
    """
    S = np.array(step_lags, dtype=float)
    S[0] = 0.0
    out = np.zeros((k.size, S.shape[1]))
    lo, hi = pulse.window()
    i = np.arange(int(np.floor(lo / dt)), int(np.ceil(hi / dt)) + 1)
    first = min(int(k[0]), int(i[0]), *(int(np.floor(tj / dt)) for tj, _ in pulse.jumps()))
    if int(k[-1]) - first >= S.shape[0]:
        raise ValueError(
            f"step_lags holds S up to lag {S.shape[0] - 1}, but the pulse acts from t = {first * dt:g} a.u. and the "
            f"output runs to t = {k[-1] * dt:g} a.u.: lags up to {int(k[-1]) - first} are needed"
        )
    for tj, h in pulse.jumps():
        mj = tj / dt
        if abs(mj - round(mj)) > 1e-9 * max(1.0, abs(mj)):
            raise ValueError(f"pulse jump at t = {tj} a.u. is not on the time grid (dt = {dt})")
        lag = k - int(round(mj))
        ok = lag > 0
        out[ok] += h * S[lag[ok]]
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
