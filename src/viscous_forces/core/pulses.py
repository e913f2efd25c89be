r"""Current pulses: the paper's rectangular pulse (Eq. 14) and smooth shapes (docs/theory.md, "Pulses").

The paper's pulse is rectangular, :math:`\overline{\delta j}(t) = j_0[H(T - t) - H(-t)]` (Eq. 14);
smooth ramps, a Gaussian and an AC drive are offered besides.  By linearity every velocity is a
superposition of unit-step responses S(t) (:func:`~viscous_forces.core.time_domain.pulse_response`,
:mod:`viscous_forces.core.time_domain`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from .time_domain import StepResponse, pulse_response  # noqa: F401 (pulse_response: its old import path)

#: Default rise time of the ramp pulse (each edge) and standard deviation of the Gaussian pulse,
#: in units of the pulse length T.
DEFAULT_RISE_FRACTION = 0.05
DEFAULT_WIDTH_FRACTION = 1.0 / 6.0


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
        r"""The pulse shape p(t) (dimensionless): the current is :math:`\overline{\delta j}(t) = j_0\,p(t)`.

        Parameters
        ----------
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            p(t) (dimensionless), the current in units of j0, same shape as ``t``.
        """

    def jumps(self) -> tuple[tuple[float, float], ...]:
        """Discontinuities (t_j, h_j) of p (a.u., dimensionless); none by default.

        Returns
        -------
        tuple of (float, float)
            The jumps (t_j, h_j): time (a.u. of time) and height (dimensionless, units of j0).
        """
        return ()

    def smooth_derivative(self, t) -> np.ndarray:
        """dp/dt of the continuous part of p (1/a.u.); zero by default.

        Parameters
        ----------
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            dp/dt of the continuous part of p (1/a.u. of time), same shape as ``t``.
        """
        return np.zeros_like(np.asarray(t, dtype=float))

    def window(self) -> tuple[float, float]:
        """Interval (a.u.) outside which p is constant (to 1e-12 relative); [0, T] by default.

        Returns
        -------
        tuple of float
            (start, end) of the interval (a.u. of time).
        """
        return 0.0, self.duration

    def response(self, step: StepResponse, t) -> np.ndarray:
        r"""Velocity response at arbitrary times t from the jumps alone.

        :math:`V(t) = \sum_j h_j S(t - t_j)` (for the rectangular pulse of Eq. (14),
        :math:`S(t) - S(t - T)`; docs/theory.md, "Pulses").  Only for pulses without a smooth
        part, e.g. rectangular; use :func:`pulse_response` on a uniform grid otherwise.

        Parameters
        ----------
        step : StepResponse
            Unit-step response S(t).
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            V(t) per unit j0, in the units of ``step``, shape ``t.shape`` (+ the columns of S).

        Raises
        ------
        NotImplementedError
            If the pulse has a smooth part (its class overrides :meth:`smooth_derivative`), however
            short it is.
        """
        if type(self).smooth_derivative is not Pulse.smooth_derivative:  # the shape has a smooth part
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
        """p(t) = 1 for 0 < t < T, 0 otherwise (Eq. 14).

        Parameters
        ----------
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            p(t) (dimensionless), the current in units of j0, same shape as ``t``.
        """
        t = np.asarray(t, dtype=float)
        return ((t > 0) & (t < self.duration)).astype(float)

    def jumps(self):
        """The two jumps of Eq. (14): +1 at t = 0 and -1 at t = T.

        Returns
        -------
        tuple of (float, float)
            The jumps (t_j, h_j): time (a.u. of time) and height (dimensionless, units of j0).
        """
        return ((0.0, 1.0), (self.duration, -1.0))


def _raised_cosine(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 - np.cos(np.pi * np.clip(x, 0, 1)))  # exactly 0 for x <= 0 and 1 for x >= 1


@dataclass(frozen=True)
class SmoothRampPulse(Pulse):
    r"""Rectangular pulse with raised-cosine edges of rise time :math:`\tau`:
    :math:`p(t) = s(t/\tau) - s((t - T)/\tau)`, :math:`s(x) = (1 - \cos\pi x)/2` on [0, 1].
    Tends to :class:`RectangularPulse` as :math:`\tau \to 0` (docs/theory.md, "Pulses").

    Attributes
    ----------
    duration : float
        Pulse length T (a.u. of time), from the start of the rise to the start of the fall.
    rise_time : float
        Rise time :math:`\tau` of each edge (a.u. of time), 0 < tau <= T.
    """

    duration: float
    rise_time: float

    def __post_init__(self) -> None:
        self._check_duration()
        if not (0 < self.rise_time <= self.duration):
            raise ValueError(f"pulse rise_time must be in (0, T = {self.duration:g}] a.u., got {self.rise_time!r}")

    def shape(self, t) -> np.ndarray:
        r""":math:`p(t) = s(t/\tau) - s((t - T)/\tau)`, :math:`s(x) = (1 - \cos\pi x)/2` on [0, 1].

        Parameters
        ----------
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            p(t) (dimensionless), the current in units of j0, same shape as ``t``.
        """
        t = np.asarray(t, dtype=float)
        return _raised_cosine(t / self.rise_time) - _raised_cosine((t - self.duration) / self.rise_time)

    def smooth_derivative(self, t) -> np.ndarray:
        r""":math:`p'(t) = s'(t/\tau)/\tau - s'((t - T)/\tau)/\tau`, :math:`s'(x) = (\pi/2)\sin\pi x` on (0, 1).

        Parameters
        ----------
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            dp/dt of the continuous part of p (1/a.u. of time), same shape as ``t``.
        """
        t = np.asarray(t, dtype=float)
        tau = self.rise_time

        def ds(x):
            return np.where((x > 0) & (x < 1), 0.5 * np.pi / tau * np.sin(np.pi * x), 0.0)

        return ds(t / tau) - ds((t - self.duration) / tau)

    def window(self):
        r"""The pulse varies on :math:`[0, T + \tau]`.

        Returns
        -------
        tuple of float
            (start, end) of the interval (a.u. of time).
        """
        return 0.0, self.duration + self.rise_time


@dataclass(frozen=True)
class GaussianPulse(Pulse):
    r"""Gaussian pulse :math:`p(t) = \exp[-(t - t_0)^2/(2\sigma^2)]`, centred at :math:`t_0 = T/2`
    with standard deviation :math:`\sigma` (a.u.).  Its area is :math:`\sqrt{2\pi}\sigma`
    (docs/theory.md, "Pulses").

    Attributes
    ----------
    duration : float
        Characteristic length T (a.u. of time); the pulse is centred at T/2.
    width : float
        Standard deviation :math:`\sigma` (a.u. of time), 0 < sigma <= T.
    """

    duration: float
    width: float

    def __post_init__(self) -> None:
        self._check_duration()
        if not (0 < self.width <= self.duration):
            raise ValueError(f"pulse width (sigma) must be in (0, T = {self.duration:g}] a.u., got {self.width!r}")

    @property
    def center(self) -> float:
        """Centre of the pulse.

        Returns
        -------
        float
            :math:`t_0 = T/2` (a.u. of time).
        """
        return 0.5 * self.duration

    def shape(self, t) -> np.ndarray:
        r""":math:`p(t) = \exp[-(t - t_0)^2/(2\sigma^2)]`.

        Parameters
        ----------
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            p(t) (dimensionless), the current in units of j0, same shape as ``t``.
        """
        t = np.asarray(t, dtype=float)
        return np.exp(-0.5 * ((t - self.center) / self.width) ** 2)

    def smooth_derivative(self, t) -> np.ndarray:
        r""":math:`p'(t) = -[(t - t_0)/\sigma^2]\exp[-(t - t_0)^2/(2\sigma^2)]`.

        Parameters
        ----------
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            dp/dt of the continuous part of p (1/a.u. of time), same shape as ``t``.
        """
        t = np.asarray(t, dtype=float)
        x = (t - self.center) / self.width
        return -x / self.width * np.exp(-0.5 * x * x)

    def window(self):
        r""":math:`t_0 \pm 7.5\sigma`, beyond which p < 1e-12.

        Returns
        -------
        tuple of float
            (start, end) of the interval (a.u. of time).
        """
        half = 7.5 * self.width  # exp(-7.5^2/2) < 1e-12
        return self.center - half, self.center + half


@dataclass(frozen=True)
class ACPulse(Pulse):
    r"""AC drive switched on for a time T: :math:`p(t) = \sin(\Omega t)\,[H(t) - H(t - T)]`,
    angular frequency :math:`\Omega` (Ha, i.e. rad per a.u. of time) (docs/theory.md, "Pulses").

    Attributes
    ----------
    duration : float
        Length T of the drive (a.u. of time).
    frequency : float
        Angular frequency :math:`\Omega` (Ha), > 0.
    """

    duration: float
    frequency: float

    def __post_init__(self) -> None:
        self._check_duration()
        if not (np.isfinite(self.frequency) and self.frequency > 0):
            raise ValueError(f"pulse frequency must be finite and > 0 Ha, got {self.frequency!r}")

    def shape(self, t) -> np.ndarray:
        r""":math:`p(t) = \sin(\Omega t)` for 0 < t < T, 0 otherwise.

        Parameters
        ----------
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            p(t) (dimensionless), the current in units of j0, same shape as ``t``.
        """
        t = np.asarray(t, dtype=float)
        return np.where((t > 0) & (t < self.duration), np.sin(self.frequency * t), 0.0)

    def jumps(self):
        r"""One jump, :math:`-\sin(\Omega T)` at t = T (p is continuous at t = 0).

        Returns
        -------
        tuple of (float, float)
            The jumps (t_j, h_j): time (a.u. of time) and height (dimensionless, units of j0).
        """
        return ((self.duration, -float(np.sin(self.frequency * self.duration))),)

    def smooth_derivative(self, t) -> np.ndarray:
        r""":math:`p'(t) = \Omega\cos(\Omega t)` on the closed interval [0, T], 0 outside.

        Parameters
        ----------
        t : array_like
            Times (a.u. of time).

        Returns
        -------
        numpy.ndarray
            dp/dt of the continuous part of p (1/a.u. of time), same shape as ``t``.
        """
        t = np.asarray(t, dtype=float)
        # closed interval: the trapezoid rule of pulse_response takes the one-sided limits at the ends
        return np.where((t >= 0) & (t <= self.duration), self.frequency * np.cos(self.frequency * t), 0.0)


PULSE_SHAPES = {"rectangular": RectangularPulse, "ramp": SmoothRampPulse, "gaussian": GaussianPulse, "ac": ACPulse}


def make_pulse(
    shape: str,
    duration: float,
    rise_time: float | None = None,
    width: float | None = None,
    frequency: float | None = None,
) -> Pulse:
    """Build a pulse by name (``rectangular``, ``ramp``, ``gaussian``, ``ac``).

    Parameters
    ----------
    shape : str
        One of the keys of :data:`PULSE_SHAPES` (config ``pulse.shape``).
    duration : float
        Pulse length T (a.u. of time).
    rise_time : float, optional
        ``ramp``: rise time of each edge in units of T (default :data:`DEFAULT_RISE_FRACTION`).
    width : float, optional
        ``gaussian``: standard deviation in units of T (default :data:`DEFAULT_WIDTH_FRACTION`).
    frequency : float, optional
        ``ac``: angular frequency (Ha), required.

    Returns
    -------
    Pulse
        A :class:`RectangularPulse`, :class:`SmoothRampPulse` (rise time in a.u.),
        :class:`GaussianPulse` (sigma in a.u.) or :class:`ACPulse`.

    Raises
    ------
    ValueError
        For an unknown shape, or ``ac`` without a frequency.
    """
    if shape not in PULSE_SHAPES:
        raise ValueError(f"pulse.shape must be one of {', '.join(PULSE_SHAPES)}, got {shape!r}")
    if shape == "rectangular":
        return RectangularPulse(duration)
    if shape == "ramp":
        return SmoothRampPulse(duration, (DEFAULT_RISE_FRACTION if rise_time is None else rise_time) * duration)
    if shape == "gaussian":
        return GaussianPulse(duration, (DEFAULT_WIDTH_FRACTION if width is None else width) * duration)
    if frequency is None:
        raise ValueError("pulse.frequency (Ha) is required for the 'ac' pulse shape")
    return ACPulse(duration, frequency)
