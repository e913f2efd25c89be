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

from .. import units
from .common import check_same, require_stage, scalar, stage_attrs


def pulse_length(responses: Sequence[xr.Dataset], decay_times: float = 5.0) -> float:
    """T = decay_times / (slowest non-zero Markov decay rate of ``responses``) (a.u. of time).

    The paper does not give T (docs/theory.md, "Pulses"); with this choice the c.m. velocity
    saturates and the relative motion has decayed well before the end of the pulse.

    Parameters
    ----------
    responses : sequence of xarray.Dataset
        Outputs of :func:`~viscous_forces.stages.response.solve_response` of one r_s (the workflow
        passes the RPA responses of both geometries); their ``markov_rate`` (1/a.u. of time) are used.
    decay_times : float
        T in units of the slowest decay time (config ``pulse.decay_times``).

    Returns
    -------
    float
        The pulse length T (a.u. of time).

    Raises
    ------
    ValueError
        If ``decay_times`` is not finite and > 0, the datasets are not responses of one r_s, or no
        decay rate is positive.
    """
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

    T of the rectangular pulse of Eq. (14), which the paper does not give (docs/theory.md, "Pulses").

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    responses : sequence of xarray.Dataset
        Response datasets of this r_s (used only when ``duration`` is None).
    decay_times : float
        T in units of the slowest Markov decay time (config ``pulse.decay_times``).
    duration : float, optional
        Explicit T (a.u. of time), config ``pulse.duration`` or ``pulse.durations``.

    Returns
    -------
    xarray.Dataset
        Stage ``pulse``: scalar ``pulse_duration`` (``atomic_unit_of_time``), whose ``long_name`` says
        how it was obtained; attributes provenance, ``stage``, ``rs``.

    Raises
    ------
    ValueError
        If the responses are for another r_s, or ``duration`` is not finite and > 0.
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
        {"pulse_duration": scalar(T, units.TIME, f"pulse length T ({how})")},
        attrs=stage_attrs("pulse", record, rs, None),
    )
