"""Stage 6, ``compute_velocity``: V_c(t), V_r(t) for a current pulse (paper Eq. 14; docs/theory.md, "Time domain")."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import xarray as xr

from ..core.filon import StepResponse
from ..core.pulses import Pulse, RectangularPulse, pulse_response
from ..io import parameters
from .common import require_stage, stage_attrs, var
from .response import markov_model

#: Most time points of one velocity dataset (about 1.6 GB of work arrays at this size).
MAX_TIME_POINTS = 20_000_000


@dataclass(frozen=True)
class TimeSpec:
    """Time sampling: t in [-before T, after T] with at least ``points_per_period`` points per
    vibration period and at least ``min_points_per_pulse`` per pulse length."""

    before: float = 0.1
    after: float = 2.0
    points_per_period: int = 24
    min_points_per_pulse: int = 500

    def __post_init__(self) -> None:
        if not (0 <= self.before <= 10 and 1 <= self.after <= 100):
            raise ValueError(f"time window needs 0 <= before <= 10 and 1 <= after <= 100 (units of T), got {self}")
        if not (4 <= self.points_per_period <= 1000 and 10 <= self.min_points_per_pulse <= 10**6):
            raise ValueError(f"time sampling out of range: {self}")


def compute_velocity(
    response_ds: xr.Dataset, pulse: Pulse | float, time: TimeSpec | None = None, omega_vib: float | None = None
) -> xr.Dataset:
    """V_c(t), V_r(t) in units of the drift velocity j0/n for a current pulse (Eq. 14 by default).

    ``pulse`` is a :class:`~viscous_forces.core.pulses.Pulse` or a float T (rectangular pulse of
    Eq. 14).  The time grid is uniform, t = k dt with T an exact multiple of dt, so the step
    response S(t) is evaluated once (Filon, on the lags l dt) and the pulse response is a
    superposition of shifted copies (jumps) and a convolution (smooth parts).  The Markov
    (constant-friction) solution is superposed in the same way as an independent reference.
    """
    require_stage(response_ds, "response")
    if not isinstance(pulse, Pulse):
        pulse = RectangularPulse(float(pulse))
    time = time or TimeSpec()
    n = float(response_ds["density"])
    if omega_vib is None and "omega_vib" in response_ds:
        omega_vib = float(response_ds["omega_vib"])
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
    lo, hi = pulse.window()
    k0 = min(-int(np.ceil(time.before * m)), int(np.floor(lo / dt)) - 1)
    k = np.arange(k0, int(np.ceil(time.after * m)) + 1)
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
            "v_cm": var("time", V[:, 0], "j0/n", f"c.m. velocity V_c(t), {label}, {geometry}"),
            "v_rel": var("time", V[:, 1], "j0/n", f"relative velocity V_r(t) = V_2 - V_1, {label}, {geometry}"),
            "v_cm_markov": var("time", Vm[:, 0], "j0/n", "c.m. velocity, constant-friction (Markov) ODE"),
            "v_rel_markov": var("time", Vm[:, 1], "j0/n", "relative velocity, constant-friction (Markov) ODE"),
            "pulse": var("time", pulse.shape(t), "j0", "current pulse j(t)/j0"),
        },
        coords={"time": ("time", t, {"units": "a.u. of time (2.418884e-17 s)", "long_name": "time t"})},
        attrs=stage_attrs(
            "velocity",
            record,
            response_ds.attrs["rs"],
            response_ds.attrs["kernel"],
            kernel_label=label,
            geometry=geometry,
            pulse_duration=T,
            pulse_duration_units="a.u. of time",
            pulse_shape=type(pulse).__name__,
        ),
    )
