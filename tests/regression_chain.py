"""The production chain run in memory for the regression tables (a helper module, not a test file).

Used by tests/test_regression.py and by the table generator tests/data/make_regression.py, so
that both extract the same numbers from the same stage functions.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import yaml

from viscous_forces.core.frequency_grids import FrequencySpec
from viscous_forces.core.impurity import get_impurity
from viscous_forces.core.quadrature import GridSpec
from viscous_forces.stages.chi import compute_chi
from viscous_forces.stages.equilibrium import compute_equilibrium
from viscous_forces.stages.kernel import tabulate_kernel
from viscous_forces.stages.pulse import pulse_length
from viscous_forces.stages.response import markov_model, solve_response
from viscous_forces.stages.velocity import TimeSpec, compute_velocity

REPO = Path(__file__).resolve().parents[1]
KERNELS = ("rpa", "alda", "mcp07", "rmcp07")
RS = (2.0, 6.0, 10.0)
GEOMETRIES = ("parallel", "perpendicular")
T_OVER_T = (0.1, 0.25, 0.5, 0.9, 1.05, 1.25, 1.5)
#: 2000 samples per pulse length put every t/T above on the time grid; 4 points per vibration
#: period keeps the count at 2000 for every kernel and r_s here (V at a grid time does not
#: depend on the spacing: the step response is evaluated exactly at each time).
TIME = TimeSpec(before=0.1, after=2.0, points_per_period=4, min_points_per_pulse=2000)


@functools.cache
def paper_specs():
    """Grid, frequency spec, response density, impurity and direct-field option of config.yaml."""
    cfg = yaml.safe_load((REPO / "config.yaml").read_text())
    freq = dict(cfg["frequency"])
    density = freq.pop("response_density")
    freq.pop("max_time_error", None)  # a guard, not a grid parameter (solve_response default)
    return (
        GridSpec(**cfg["grid"]),
        FrequencySpec(**freq),
        density,
        get_impurity(cfg["impurity"]),
        cfg["direct_field_sign"],
    )


def _responses(kernel, rs, grid, frequency, density, imp, direct_field):
    chi = compute_chi(tabulate_kernel(rs, kernel, None, grid, frequency))
    eq = compute_equilibrium(chi, d_max=grid.d_max)
    resp = {g: solve_response(chi, eq, imp, g, direct_field=direct_field, density=density) for g in GEOMETRIES}
    return eq, resp


@functools.cache
def rpa_duration(rs, grid, frequency, density, imp, direct_field):
    """The workflow's default pulse length at ``rs``: derive_pulse of the RPA responses."""
    return pulse_length(list(_responses("rpa", rs, grid, frequency, density, imp, direct_field)[1].values()))


def chain_values(kernel, rs, grid, frequency, density, imp, direct_field, duration=None, return_chain=False):
    """{(quantity, geometry, t_over_T): value} of one (kernel, rs); T from the RPA chain unless given."""
    eq, resp = _responses(kernel, rs, grid, frequency, density, imp, direct_field)
    if duration is None:
        duration = rpa_duration(rs, grid, frequency, density, imp, direct_field)
    out = {
        ("d_eq", "", ""): float(eq["d_eq"]),
        ("spring_constant", "", ""): float(eq["spring_constant"]),
        ("omega_vib", "", ""): float(resp["parallel"]["omega_vib"]),
        ("friction_q0", "", ""): float(resp["parallel"]["friction_q0"]),
        ("friction_parallel", "", ""): float(resp["parallel"]["friction_qg"]),
        ("friction_perpendicular", "", ""): float(resp["perpendicular"]["friction_qg"]),
        ("pulse_duration", "", ""): float(duration),
    }
    lam = markov_model(resp["parallel"]).eigenvalues
    osc = lam[lam.imag > 0][0]
    out[("markov_rate_vibration", "parallel", "")] = float(-osc.real)
    out[("markov_frequency_vibration", "parallel", "")] = float(osc.imag)
    out[("markov_rate_translation", "parallel", "")] = float(-lam[lam.imag == 0].real.max())
    rates = np.sort(-markov_model(resp["perpendicular"]).eigenvalues.real)
    out[("markov_rate_slow", "perpendicular", "")] = float(rates[0])
    out[("markov_rate_fast", "perpendicular", "")] = float(rates[1])
    for g in GEOMETRIES:
        v = compute_velocity(resp[g], duration, TIME)
        t = v["time"].values
        for x in T_OVER_T:
            i = int(np.argmin(np.abs(t - x * duration)))
            if abs(t[i] - x * duration) > 1e-9 * duration:
                raise RuntimeError(f"t/T = {x} is not on the time grid of {kernel} rs={rs} {g}")
            out[("v_cm", g, x)] = float(v["v_cm"].values[i])
            out[("v_rel", g, x)] = float(v["v_rel"].values[i])
    if return_chain:
        return out, duration, resp
    return out
