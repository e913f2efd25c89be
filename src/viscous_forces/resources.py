"""Memory of each workflow job, estimated from the configuration before anything runs.

The estimates count the quadrature nodes exactly as :mod:`viscous_forces.core.quadrature` lays
them out (without building the grids) and multiply by bytes per node measured for each stage
(peak RSS of the stage functions, paper grids and 12x finer grids, r_s = 2 and 10; the
coefficients below are those fits plus 25 %).  The workflow refuses a configuration whose largest
job would exceed ``resources.max_memory_gb`` and gives every rule its estimate as ``mem_mb``, so
that a cluster scheduler is asked for what the job needs.
"""

from __future__ import annotations

import math
import os

from .core.electron_gas import ElectronGas
from .core.frequency_grids import FrequencySpec
from .core.quadrature import GridSpec
from .core.statics import CHUNK

MB = 1e6
#: Per grid-dependent rule: (fixed MB, bytes per node of the per-frequency J-integral grids, bytes
#: per static node).  Measured peak RSS: interpreter with numpy and xarray 81 MB; per J-grid node
#: 85 (tabulate_kernel), 180 (compute_chi), 43 (find_equilibrium, which reads the chi file),
#: 129 (solve_response, fixed part 133 MB).  find_equilibrium adds its chunk of (distance, node)
#: pairs, statics.CHUNK x 118 bytes, and 48 bytes per scan distance.
PER_RULE = {
    "tabulate_kernel": (100, 130, 80),
    "compute_chi": (100, 230, 80),
    "find_equilibrium": (100, 60, 80),
    "solve_response": (150, 165, 80),
    "compute_friction": (100, 60, 80),
}
PER_CHUNK_PAIR = 140
PER_SCAN_POINT = 48
#: compute_chi_map: (fixed MB, bytes per map point).  Measured peak RSS 128, 196, 533 MB for 300^2, 1000^2,
#: 2000^2 points (interpreter with xarray and scipy.optimize: 121 MB), i.e. <= 103 bytes per point.
MAP_RULE = (150, 130)
#: simulate_cluster: (fixed MB, MB per nucleus).  Measured peak RSS 287 MB for three nuclei at r_s = 10
#: (paper grids, 25 170 times, 2 600 frequencies), 176 MB for the diatomic's compute_velocity.
CLUSTER_RULE = (150, 60)
#: compute_stopping: (fixed MB, bytes per velocity of the stopping grid).  Measured peak RSS 211-246 MiB (<= 258 MB)
#: for the default 240 velocities (r_s = 2-10, every kernel, jobs forked from the job server); the quadrature works in
#: chunks (core.loss), so only the velocity arrays grow with ``stopping.points``.
STOPPING_RULE = (300, 20_000)
#: Rules whose memory does not grow with the grids (figures, tables, pulse, velocities), MB.
FIXED = {"derive_pulse": 300, "compute_velocity": 600, "plot": 400, "table": 300}


def grid_sizes(config: dict, rs: float) -> dict:
    """Node counts at ``rs``: static nodes, J frequencies, nodes per frequency, scan points.

    Counted as :mod:`viscous_forces.core.quadrature` and :mod:`viscous_forces.core.frequency_grids` lay
    the grids out, without building them (an upper bound where edges coincide).

    Parameters
    ----------
    config : dict
        A validated configuration (``grid``, ``frequency``, ``equilibrium`` sections).
    rs : float
        Density parameter (bohr).

    Returns
    -------
    dict of str to int
        ``static`` (static q nodes), ``omega`` (J-grid frequencies), ``per_omega`` (q nodes per
        frequency) and ``scan`` (distances of the d_eq scan).
    """
    grid = GridSpec(**config["grid"])
    f = config["frequency"]
    freq = FrequencySpec(omega_max=f["omega_max"], omega_min=f["omega_min"], points_per_decade=f["points_per_decade"])
    kF = ElectronGas(rs).kF
    h = grid.h_max(kF)
    graded = 2 * grid.grading_levels

    def panels(q_max):
        return math.ceil(2 * kF / h) + math.ceil(max(q_max * kF - 2 * kF, 0.0) / h) + graded

    n_static = grid.n_gl * panels(grid.q_max_static)
    n_omega = math.ceil(math.log10(freq.omega_max / freq.omega_min) * freq.points_per_decade) + 1
    n_dynamic = grid.n_gl * (panels(grid.q_max_dynamic) + 4 + 4 * graded)
    eq = config["equilibrium"]
    n_scan = int((grid.d_max - eq["d_min"]) / eq["d_step"]) + 1
    return {"static": n_static, "omega": n_omega, "per_omega": n_dynamic, "scan": n_scan}


def job_bytes(rule: str, config: dict, rs: float | None = None) -> float:
    """Estimated peak memory (bytes) of one job of ``rule`` (at ``rs`` for the grid-dependent rules).

    For the rules of :data:`PER_RULE`: fixed + (bytes per J node) x (frequencies x nodes per
    frequency) + (bytes per static node) x (static nodes), plus the distance chunk and scan for
    ``find_equilibrium``; for ``compute_chi_map`` :data:`MAP_RULE` times the map points; for
    ``compute_stopping`` :data:`STOPPING_RULE` times the velocities; a constant
    for the others (:data:`FIXED`).

    Parameters
    ----------
    rule : str
        Rule name, e.g. ``"compute_chi"``; unknown ``plot_*`` rules count as figures, any other as
        a table.
    config : dict
        A validated configuration.
    rs : float, optional
        Density parameter (bohr), required for the rules of :data:`PER_RULE`.

    Returns
    -------
    float
        Estimated peak memory (bytes).
    """
    if rule in PER_RULE:
        fixed, per_dynamic, per_static = PER_RULE[rule]
        n = grid_sizes(config, rs)
        total = fixed * MB + per_dynamic * n["omega"] * n["per_omega"] + per_static * n["static"]
        if rule == "find_equilibrium":
            total += PER_CHUNK_PAIR * CHUNK + PER_SCAN_POINT * n["scan"]
        return total
    if rule == "simulate_cluster":
        sizes = [len(c["nuclei"]) if "nuclei" in c else 3 for c in config.get("clusters", {}).values()] or [3]
        return (CLUSTER_RULE[0] + CLUSTER_RULE[1] * max(sizes)) * MB
    if rule == "compute_stopping":
        return STOPPING_RULE[0] * MB + STOPPING_RULE[1] * config["stopping"]["points"]
    if rule == "compute_chi_map":
        m = config["chi_map"]
        return MAP_RULE[0] * MB + MAP_RULE[1] * m["n_q"] * m["n_omega"]
    if rule in FIXED:
        return FIXED[rule] * MB
    return (FIXED["plot"] if rule.startswith("plot") else FIXED["table"]) * MB


def job_mb(rule: str, config: dict, rs: float | None = None) -> int:
    """:func:`job_bytes` in MB, rounded up to 100 MB (a rule's ``mem_mb``).

    Parameters
    ----------
    rule : str
        Rule name.
    config : dict
        A validated configuration.
    rs : float, optional
        Density parameter (bohr), for the grid-dependent rules.

    Returns
    -------
    int
        Memory (MB, 10^6 bytes), a multiple of 100.
    """
    return int(math.ceil(job_bytes(rule, config, rs) / MB / 100.0) * 100)


def machine_memory_gb() -> float:
    """Physical memory of this machine (GB).

    Returns
    -------
    float
        Page size x number of physical pages, in GB (10^9 bytes).
    """
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9


def memory_limit_gb(config: dict) -> float:
    """``resources.max_memory_gb``, or half of this machine's memory when it is null.

    Parameters
    ----------
    config : dict
        The configuration.

    Returns
    -------
    float
        The limit (GB).
    """
    limit = config.get("resources", {}).get("max_memory_gb")
    return float(limit) if limit is not None else 0.5 * machine_memory_gb()


def _gb(nbytes: float) -> str:
    """GB with one decimal, or three significant digits for absurd sizes (1e+289 GB, not 300 digits)."""
    gb = nbytes / 1e9
    return f"{gb:.1f}" if gb < 1e6 else f"{gb:.3g}"


def _count(n: float) -> str:
    return f"{n:d}" if isinstance(n, int) and n < 10**9 else f"{float(n):.3g}"


def check_memory(config: dict) -> list[str]:
    """Problems (one per offending rule) where the estimated memory exceeds the limit.

    Every grid-dependent rule is estimated at the r_s (of ``rs`` and ``analysis.sweep_rs``) where it
    needs most.

    Parameters
    ----------
    config : dict
        A validated configuration.

    Returns
    -------
    list of str
        One message per rule whose estimate exceeds :func:`memory_limit_gb`, naming the grid
        sizes and the keys to change; empty if every job fits.
    """
    limit = memory_limit_gb(config) * 1e9
    rs_values = list(config["rs"]) + list(config.get("analysis", {}).get("sweep_rs", []))
    problems = []
    for rule in PER_RULE:
        worst = max(rs_values, key=lambda r: job_bytes(rule, config, r))
        need = job_bytes(rule, config, worst)
        if need > limit:
            n = grid_sizes(config, worst)
            problems.append(
                f"{rule} at rs = {worst:g} would need about {_gb(need)} GB (> resources.max_memory_gb = "
                f"{limit / 1e9:.1f} GB): {_count(n['omega'])} frequencies x {_count(n['per_omega'])} q nodes, "
                f"{_count(n['static'])} static nodes, {_count(n['scan'])} scan points; coarsen grid (q_max_*, "
                "panel_width, n_gl, grading_levels), frequency (omega_min, points_per_decade) or "
                "equilibrium.d_step, or raise resources.max_memory_gb"
            )
    if "chi_map" in config and job_bytes("compute_chi_map", config) > limit:
        m = config["chi_map"]
        problems.append(
            f"compute_chi_map would need about {_gb(job_bytes('compute_chi_map', config))} GB (> "
            f"resources.max_memory_gb = {limit / 1e9:.1f} GB) for chi_map.n_q x chi_map.n_omega = {m['n_q']} x "
            f"{m['n_omega']} points; lower them or raise resources.max_memory_gb"
        )
    return problems
