"""Numerical convergence of the whole chain: rerun with every grid refined and compare.

"Refined" doubles the q quadrature (half the panel width, 1.5x the Gauss-Legendre order, twice
the q cut-offs), the J frequency grid (twice the points per decade, half the lowest frequency),
extends omega_max, and doubles the response frequency grid.  The time grid is the same (Filon
integrates the time dependence exactly), so V(t) is compared point by point.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..core.frequency_grids import FrequencySpec
from ..core.impurity import Impurity
from ..core.quadrature import GridSpec
from ..stages.chi import compute_chi
from ..stages.equilibrium import compute_equilibrium
from ..stages.kernel import tabulate_kernel
from ..stages.pulse import pulse_length
from ..stages.response import solve_response
from ..stages.velocity import TimeSpec, compute_velocity


@dataclass(frozen=True)
class ChainResult:
    """Key outputs of one in-memory run of the chain (bohr, Ha/bohr^2, a.u.; V in j0/n).

    Attributes
    ----------
    d_eq : float
        Equilibrium distance (bohr).
    spring_constant : float
        U''(d_eq) per unit charges (Ha/bohr^2).
    friction_q0 : float
        Single-nucleus friction coefficient Q0 (a.u., electron mass per a.u. of time).
    velocities : dict
        Per geometry, ``(t, V)``: times (a.u. of time) and V of shape (n_t, 2), (V_c, V_r) in
        units of j0/n.
    """

    d_eq: float
    spring_constant: float
    friction_q0: float
    velocities: dict  # geometry -> (t, V) with V of shape (n_t, 2) (V_c, V_r) in j0/n


def run_chain(
    rs,
    kernel,
    impurity: Impurity,
    grid: GridSpec,
    frequency: FrequencySpec,
    density: float,
    duration: float | None = None,
    time: TimeSpec | None = None,
    params=None,
    decay_times: float = 5.0,
):
    """Kernel -> chi -> equilibrium -> response (both geometries) -> velocity, in memory.

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    impurity : Impurity
        The two nuclei.
    grid : GridSpec
        q quadrature.
    frequency : FrequencySpec
        J-integral frequencies.
    density : float
        Response frequency density (``frequency.response_density``).
    duration : float, optional
        Pulse length T (a.u. of time); default derived from this chain's own responses with
        ``decay_times`` (the workflow derives it from the RPA responses instead).
    time : TimeSpec, optional
        Time sampling.
    params : mapping, optional
        Kernel parameters overriding the published defaults.
    decay_times : float
        T in units of the slowest Markov decay time, when ``duration`` is None.

    Returns
    -------
    result : ChainResult
        d_eq, the spring constant, Q0 and the velocities of both geometries.
    T : float
        The pulse length used (a.u. of time).
    """
    chi = compute_chi(tabulate_kernel(rs, kernel, params, grid, frequency))
    eq = compute_equilibrium(chi, d_max=grid.d_max)
    responses = {g: solve_response(chi, eq, impurity, g, density=density) for g in ("parallel", "perpendicular")}
    T = duration if duration is not None else pulse_length(list(responses.values()), decay_times)
    vel = {}
    for g, r in responses.items():
        ds = compute_velocity(r, T, time)
        vel[g] = (ds["time"].values, np.stack([ds["v_cm"].values, ds["v_rel"].values], axis=1))
    return ChainResult(
        float(eq["d_eq"]), float(eq["spring_constant"]), float(responses["parallel"]["friction_q0"]), vel
    ), T


def refine(grid: GridSpec, frequency: FrequencySpec) -> tuple[GridSpec, FrequencySpec]:
    """The refined grids described in the module docstring.

    Parameters
    ----------
    grid : GridSpec
        Base q quadrature.
    frequency : FrequencySpec
        Base J-integral frequencies.

    Returns
    -------
    grid : GridSpec
        Half the panel width, 1.5x the Gauss-Legendre order, twice both q cut-offs.
    frequency : FrequencySpec
        Twice the points per decade, half ``omega_min``, ``omega_max`` times 1.6 (at most 0.8).
    """
    g = replace(
        grid,
        panel_width=grid.panel_width / 2,
        n_gl=int(round(grid.n_gl * 1.5)),
        q_max_static=2 * grid.q_max_static,
        q_max_dynamic=2 * grid.q_max_dynamic,
    )
    f = replace(
        frequency,
        points_per_decade=2 * frequency.points_per_decade,
        omega_min=frequency.omega_min / 2,
        omega_max=min(0.8, 1.6 * frequency.omega_max),
    )
    return g, f


def convergence_study(
    rs,
    kernel,
    impurity: Impurity,
    grid: GridSpec | None = None,
    frequency: FrequencySpec | None = None,
    density: float = 1.0,
    params=None,
) -> dict:
    """Differences between the base and the refined chain (same pulse length T for both).

    The refined chain also doubles the response frequency density; the measured changes set
    the regression tolerances (docs/theory.md, "Numerical grids").

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    impurity : Impurity
        The two nuclei.
    grid : GridSpec, optional
        Base q quadrature (default :class:`~viscous_forces.core.quadrature.GridSpec`).
    frequency : FrequencySpec, optional
        Base J-integral frequencies (default :class:`~viscous_forces.core.frequency_grids.FrequencySpec`).
    density : float
        Base response frequency density.
    params : mapping, optional
        Kernel parameters overriding the published defaults.

    Returns
    -------
    dict
        ``rs``, ``kernel``, the base ``d_eq`` (bohr) and ``pulse_duration`` (a.u. of time);
        ``delta_d_eq`` (bohr, absolute), ``rel_delta_spring`` and ``rel_delta_q0`` (relative) and
        ``max_delta_v_parallel``, ``max_delta_v_perpendicular`` (max |Delta V(t)| over V_c and V_r,
        units of j0/n).

    Raises
    ------
    RuntimeError
        If the base and refined time grids differ.
    """
    grid = grid or GridSpec()
    frequency = frequency or FrequencySpec()
    base, T = run_chain(rs, kernel, impurity, grid, frequency, density, params=params)
    g2, f2 = refine(grid, frequency)
    fine, _ = run_chain(rs, kernel, impurity, g2, f2, 2 * density, duration=T, params=params)
    out = {
        "rs": rs,
        "kernel": kernel,
        "d_eq": base.d_eq,
        "pulse_duration": T,
        "delta_d_eq": abs(fine.d_eq - base.d_eq),
        "rel_delta_spring": abs(fine.spring_constant / base.spring_constant - 1),
        "rel_delta_q0": abs(fine.friction_q0 / base.friction_q0 - 1),
    }
    for g in ("parallel", "perpendicular"):
        t0, v0 = base.velocities[g]
        t1, v1 = fine.velocities[g]
        if not np.array_equal(t0, t1):
            raise RuntimeError("time grids differ between base and refined runs")
        out[f"max_delta_v_{g}"] = float(np.max(np.abs(v1 - v0)))
    return out
