"""Stage 5, ``derive_pulse``: the pulse length T of one r_s (docs/theory.md, "Pulses").

The paper does not give T.  By default T = decay_times / Gamma_slowest, the slowest non-zero
decay rate of the constant-friction (Markov) modes of the given responses (the workflow passes
the RPA responses of both geometries), so that the c.m. saturates and the vibrations and the
rotation have decayed by mid-pulse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import xarray as xr

from .common import check_same, require_stage, scalar, stage_attrs


def pulse_length(responses: Sequence[xr.Dataset], decay_times: float = 5.0) -> float:
    """T = decay_times / (slowest non-zero Markov decay rate of ``responses``) (a.u. of time)."""
    if not (math.isfinite(decay_times) and decay_times > 0):
        raise ValueError(f"pulse.decay_times must be finite and > 0, got {decay_times!r}")
    for ds in responses:
        require_stage(ds, "response")
        check_same(responses[0], ds, ("rs",))
    rates = np.concatenate([ds["markov_rate"].values for ds in responses]) if responses else np.array([])
    rates = rates[rates > 0]
    if rates.size == 0:
        raise ValueError("no positive Markov decay rate to derive the pulse length from")
    return float(decay_times / rates.min())


def derive_pulse(
    rs: float, responses: Sequence[xr.Dataset] = (), decay_times: float = 5.0, duration: float | None = None
) -> xr.Dataset:
    """The pulse length of one r_s: ``duration`` if given, else :func:`pulse_length` of ``responses``.

    Returns
    -------
    xarray.Dataset
        Scalar ``pulse_duration`` (a.u. of time), attribute ``rs``.
    """
    if duration is None:
        if responses and float(responses[0].attrs["rs"]) != float(rs):
            raise ValueError(f"responses are for rs = {responses[0].attrs['rs']}, not rs = {rs}")
        T = pulse_length(responses, decay_times)
        how = f"{decay_times:g} / slowest Markov decay rate of the {responses[0].attrs['kernel']} responses"
    else:
        T = float(duration)
        if not (math.isfinite(T) and T > 0):
            raise ValueError(f"pulse duration for rs = {rs:g} must be finite and > 0 a.u., got {duration!r}")
        how = "configured"
    record = {"rs": float(rs), "decay_times": decay_times, "duration": duration}
    return xr.Dataset(
        {"pulse_duration": scalar(T, "a.u. of time", f"pulse length T ({how})")},
        attrs=stage_attrs("pulse", record, rs, None),
    )
