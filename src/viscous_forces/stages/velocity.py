"""Stage 6, ``compute_velocity``: V_c(t), V_r(t) for a current pulse (paper Eq. 14; docs/theory.md, "Time domain")."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import xarray as xr

from .. import units
from ..core.pulses import Pulse, RectangularPulse
from ..core.time_domain import StepResponse, pulse_response
from ..io import parameters
from .common import require_stage, stage_attrs, var
from .response import markov_model

#: Most time points of one velocity dataset (about 1.6 GB of work arrays at this size).
MAX_TIME_POINTS = 20_000_000


@dataclass(frozen=True)
class TimeSpec:
    """Time sampling: t in [-before T, after T] with at least ``points_per_period`` points per
    vibration period and at least ``min_points_per_pulse`` per pulse length.

    Attributes
    ----------
    before : float
        Start of the window before the pulse, in units of T (config ``time.before``).
    after : float
        End of the window, in units of T (config ``time.after``).
    points_per_period : int
        Samples per vibration (or AC drive) period (config ``time.points_per_period``).
    min_points_per_pulse : int
        Least number of samples per pulse length (config ``time.min_points_per_pulse``).
    """

    before: float = 0.1
    after: float = 2.0
    points_per_period: int = 24
    min_points_per_pulse: int = 500

    def __post_init__(self) -> None:
        if not (0 <= self.before <= 10 and 1 <= self.after <= 100):
            raise ValueError(f"time window needs 0 <= before <= 10 and 1 <= after <= 100 (units of T), got {self}")
        if not (4 <= self.points_per_period <= 1000 and 10 <= self.min_points_per_pulse <= 10**6):
            raise ValueError(f"time sampling out of range: {self}")


def time_grid(pulse: Pulse, time: TimeSpec, omega_vib: float = 0.0) -> tuple[np.ndarray, float]:
    """The uniform time grid t = k dt of the velocities, with T an exact multiple of dt.

    At least ``time.min_points_per_pulse`` steps per pulse length T, ``time.points_per_period`` per
    period of the fastest oscillation (the vibration ``omega_vib`` or an AC drive) and 20 per smooth
    edge (ramp rise time, Gaussian width); from ``-time.before T`` (or the pulse's start) to
    ``time.after T``.

    Parameters
    ----------
    pulse : Pulse
        The current pulse.
    time : TimeSpec
        Window (units of T) and sampling.
    omega_vib : float
        Fastest vibration frequency (Ha), 0 if none.

    Returns
    -------
    k : ndarray of int
        Consecutive time indices.
    dt : float
        Time step (a.u. of time).

    Raises
    ------
    ValueError
        If the grid would have more than :data:`MAX_TIME_POINTS` points.
    """
    T = pulse.duration
    m = time.min_points_per_pulse
    fastest = max(omega_vib or 0.0, getattr(pulse, "frequency", 0.0))
    if fastest:
        m = max(m, int(np.ceil(T * fastest / (2 * np.pi) * time.points_per_period)))
    for scale in (getattr(pulse, "rise_time", None), getattr(pulse, "width", None)):
        if scale:  # resolve the smooth edges by at least 20 points
            m = max(m, int(np.ceil(20 * T / scale)))
    n_times = int((time.before + time.after) * m)
    if n_times > MAX_TIME_POINTS:
        raise ValueError(
            f"the time grid would have {n_times} points (> {MAX_TIME_POINTS}): {m} per pulse length T = {T:.4g} a.u. "
            f"({time.points_per_period} per vibration period at omega = {fastest:.3g} Ha); shorten the pulse "
            "(pulse.duration, pulse.durations, pulse.decay_times) or lower time.points_per_period"
        )
    dt = T / m
    lo, _ = pulse.window()
    k0 = min(-int(np.ceil(time.before * m)), int(np.floor(lo / dt)) - 1)
    return np.arange(k0, int(np.ceil(time.after * m)) + 1), dt


def compute_velocity(
    response_ds: xr.Dataset, pulse: Pulse | float, time: TimeSpec | None = None, omega_vib: float | None = None
) -> xr.Dataset:
    """V_c(t), V_r(t) in units of the drift velocity j0/n for a current pulse (Eq. 14 by default).

    ``pulse`` is a :class:`~viscous_forces.core.pulses.Pulse` or a float T (rectangular pulse of
    Eq. 14).  The time grid is uniform, t = k dt with T an exact multiple of dt, so the step
    response S(t) is evaluated once (Filon, on the lags l dt) and the pulse response is a
    superposition of shifted copies (jumps) and a convolution (smooth parts).  The Markov
    (constant-friction) solution is superposed in the same way as an independent reference.

    Equations: S(t) = G(0) - (2/pi) int_0^inf Im G(omega) cos(omega t)/omega d omega (docs/theory.md,
    "Time domain"), V(t) = n [S(t) - S(t - T)] for the rectangular pulse of Eq. (14) and the
    Duhamel superposition of docs/theory.md, "Pulses", for the other shapes; the Markov solution
    is that of docs/theory.md, "Markov limit".

    Parameters
    ----------
    response_ds : xarray.Dataset
        Output of :func:`~viscous_forces.stages.response.solve_response` (stage ``response``):
        G_c(omega), G_r(omega), the density and the Markov friction coefficients.
    pulse : Pulse or float
        The current pulse, or its length T (a.u. of time) for the rectangular pulse of Eq. (14).
    time : TimeSpec, optional
        Time window and sampling (default :class:`TimeSpec`).
    omega_vib : float, optional
        Vibration frequency (Ha) to resolve; default the response dataset's ``omega_vib`` if any.

    Returns
    -------
    xarray.Dataset
        Stage ``velocity``, units in pint spelling as stored.  Data variables on ``time``, all
        dimensionless (``1``) with the attribute ``units_description`` giving their meaning:

        * ``v_cm``: centre-of-mass velocity V_c(t), in units of the drift velocity j0/n;
        * ``v_rel``: relative velocity V_r(t) = V_2 - V_1, in units of j0/n;
        * ``v_cm_markov``, ``v_rel_markov``: the same from the constant-friction (Markov) model,
          in units of j0/n;
        * ``pulse``: the current pulse j(t)/j0.

        Coordinate ``time`` (``atomic_unit_of_time``): uniform, t = k dt, with T a multiple of dt.
        Attributes: provenance (the parameter record adds ``pulse`` and ``time``), ``stage``,
        ``rs``, ``kernel``, ``kernel_label``, ``geometry``, ``pulse_duration`` (T) with
        ``pulse_duration_units`` = ``atomic_unit_of_time``, and ``pulse_shape`` (the class name).

    Raises
    ------
    ValueError
        If ``response_ds`` is not a response dataset or the time grid would exceed
        ``MAX_TIME_POINTS`` points.
    """
    require_stage(response_ds, "response")
    if not isinstance(pulse, Pulse):
        pulse = RectangularPulse(float(pulse))
    time = time or TimeSpec()
    n = float(response_ds["density"])
    if omega_vib is None and "omega_vib" in response_ds:
        omega_vib = float(response_ds["omega_vib"])
    T = pulse.duration
    k, dt = time_grid(pulse, time, omega_vib or 0.0)
    t = k * dt
    lags = np.arange(0, k[-1] - k[0] + 1)
    omega = response_ds["omega"].values
    G = np.stack([response_ds["G_c"].values, response_ds["G_r"].values], axis=1)
    step = StepResponse(omega, G, np.array([1.0 / n, 0.0]))
    S = np.zeros((lags.size, 2))
    S[1:] = step(lags[1:] * dt)
    V = n * pulse_response(S, pulse, k, dt)
    markov = markov_model(response_ds)
    Vm = pulse_response(markov.step_response(lags * dt)[:, :2], pulse, k, dt)
    record = {
        **parameters(response_ds),
        "pulse": {"shape": type(pulse).__name__, **asdict(pulse)},
        "time": asdict(time),
    }
    label = response_ds.attrs["kernel_label"]
    geometry = response_ds.attrs["geometry"]
    return xr.Dataset(
        {
            "v_cm": var(
                "time",
                V[:, 0],
                units.DIMENSIONLESS,
                f"c.m. velocity V_c(t), {label}, {geometry}",
                units_description=units.DRIFT_VELOCITY,
            ),
            "v_rel": var(
                "time",
                V[:, 1],
                units.DIMENSIONLESS,
                f"relative velocity V_r(t) = V_2 - V_1, {label}, {geometry}",
                units_description=units.DRIFT_VELOCITY,
            ),
            "v_cm_markov": var(
                "time",
                Vm[:, 0],
                units.DIMENSIONLESS,
                "c.m. velocity, constant-friction (Markov) ODE",
                units_description=units.DRIFT_VELOCITY,
            ),
            "v_rel_markov": var(
                "time",
                Vm[:, 1],
                units.DIMENSIONLESS,
                "relative velocity, constant-friction (Markov) ODE",
                units_description=units.DRIFT_VELOCITY,
            ),
            "pulse": var(
                "time", pulse.shape(t), units.DIMENSIONLESS, "current pulse j(t)/j0", units_description=units.PULSE
            ),
        },
        coords={"time": ("time", t, {"units": units.TIME, "long_name": "time t"})},
        attrs=stage_attrs(
            "velocity",
            record,
            response_ds.attrs["rs"],
            response_ds.attrs["kernel"],
            kernel_label=label,
            geometry=geometry,
            pulse_duration=T,
            pulse_duration_units=units.TIME,
            pulse_shape=type(pulse).__name__,
        ),
    )
