"""Throughput of the two hot paths against plain baselines, on one core.

* chi^h (rMCP07) on a 2000 x 2000 (q, omega) grid, against the per-point plain-Python
  transcription of ``benchmarks/naive.py`` (timed on 2000 random grid points, and checked to agree);
* the J integrals of one (r_s, kernel, d_eq) on the J frequency grid (quadrature grids + chi^h +
  sums), against ``scipy.integrate.quad`` per frequency with a plain-Python integrand.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from scipy import integrate

from . import naive


def best_time(func, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def chi_throughput(n: int = 2000, n_naive: int = 2000, rs: float = 6.0) -> dict:
    from viscous_forces.core.dyson import chi_h
    from viscous_forces.core.electron_gas import ElectronGas

    gas = ElectronGas(rs)
    q = np.linspace(1e-3, 40.0, n) * gas.kF
    omega = np.linspace(0.0, 0.5, n) * gas.omega_p
    chi_h(q[:50, None], omega[None, :50], rs, "rmcp07")  # warm-up (caches)
    t_vec = best_time(lambda: chi_h(q[:, None], omega[None, :], rs, "rmcp07"))
    rng = np.random.default_rng(0)
    qs, ws = q[rng.integers(0, n, n_naive)], omega[rng.integers(0, n, n_naive)]
    t0 = time.perf_counter()
    values = np.array(naive.chi_h_points(qs, ws, rs))
    t_naive = time.perf_counter() - t0
    ref = chi_h(qs, ws, rs, "rmcp07")
    return {
        "rate": n * n / t_vec,
        "time_s": t_vec,
        "naive_rate": n_naive / t_naive,
        "ratio": (n * n / t_vec) / (n_naive / t_naive),
        "max_rel_diff": float(np.max(np.abs(values - ref) / np.abs(ref))),
    }


def j_throughput(rs: float = 6.0, kernel: str = "rmcp07", every: int = 4, epsrel: float = 1e-10) -> dict:
    from viscous_forces.core.dyson import chi_h
    from viscous_forces.core.electron_gas import ElectronGas
    from viscous_forces.core.frequency_grids import FrequencySpec
    from viscous_forces.core.friction import j_integrals
    from viscous_forces.core.quadrature import GridSpec, continuum_edges, dynamic_grid, static_grid
    from viscous_forces.core.statics import find_equilibrium

    gas = ElectronGas(rs)
    grid = GridSpec(d_max=15.0)
    qs, ws = static_grid(gas.kF, grid)
    d = find_equilibrium(qs, ws, chi_h(qs, 0.0, rs, kernel).real, d_max=grid.d_max).d_eq
    om = FrequencySpec().grid(gas.omega_p)

    def vectorised():
        q, w = dynamic_grid(om, gas.kF, grid)
        return j_integrals(q, w, chi_h(q, om[:, None], rs, kernel) - chi_h(q, 0.0, rs, kernel), d), q.shape

    (J, shape) = vectorised()
    t_vec = best_time(lambda: vectorised())
    c = naive.constants(rs, **naive.RMCP07_DEFAULTS)
    subset = list(range(0, om.size, every))
    worst = 0.0
    t0 = time.perf_counter()
    for k in subset:
        w = om[k]
        q_max = grid.q_max_dynamic * gas.kF
        edges = {0.0, 2 * gas.kF, q_max} | set(continuum_edges(np.array([w]), gas.kF)[0])
        # a cut every half period of the angular weight beyond the continuum: one adaptive call over
        # ~30 oscillations stalls at ~1e-10 relative
        edges = sorted(edges | set(np.arange(max(edges - {q_max}), q_max, np.pi / d)))
        for name, weight, pref in (
            ("J0", lambda x: 1.0, 8 / 3),
            ("parallel", naive.w_parallel, 8.0),
            ("perpendicular", naive.w_perpendicular, 8.0),
        ):
            parts = []
            for attr in ("real", "imag"):

                def f(q, attr=attr, weight=weight):
                    return getattr((naive.chi_h_rmcp07(q, w, c) - naive.chi_h_rmcp07(q, 0.0, c)) * weight(q * d), attr)

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", integrate.IntegrationWarning)
                    parts.append(
                        sum(
                            integrate.quad(f, a, b, epsrel=epsrel, epsabs=0.0, limit=400)[0]
                            for a, b in zip(edges[:-1], edges[1:])
                            if b > a
                        )
                    )
            ref = pref * complex(*parts)
            worst = max(worst, abs(ref - J[name][k]) / abs(J["J0"][k]))
    t_quad = (time.perf_counter() - t0) * om.size / len(subset)
    return {
        "rs": rs,
        "kernel": kernel,
        "d_eq": d,
        "n_omega": int(om.size),
        "nodes": int(shape[1]),
        "time_s": t_vec,
        "quad_time_s": t_quad,
        "ratio": t_quad / t_vec,
        "max_rel_diff": worst,
        "subset": len(subset),
    }


#: The stopping-power job measured: the slowest kernel (rMCP07, whose damped plasmon is resolved) at the
#: paper's r_s where it costs most, default settings (240 velocities, 0.01-20 v_F).
STOPPING_CASE = ("rmcp07", 10.0)

_KERNEL_CHILD = """
from viscous_forces.io import write_dataset
from viscous_forces.stages.kernel import tabulate_kernel
write_dataset(tabulate_kernel({rs!r}, {kernel!r}), {path!r})
"""

#: The job as the workflow runs it: read the kernel table, compute S(v) (peak RSS of this process only).
_STOPPING_CHILD = """
import json, resource, sys, time
from viscous_forces.io import read_result
from viscous_forces.stages.stopping import compute_stopping
table = read_result({path!r})
compute_stopping(table, 0.01, 2.0, 20)  # warm caches and lazy imports
best = float("inf")
for _ in range(3):
    t0 = time.perf_counter()
    ds = compute_stopping(table)
    best = min(best, time.perf_counter() - t0)
# VmHWM: the peak of this address space (ru_maxrss on Linux keeps the parent's peak across fork + exec)
try:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
    rss = int(hwm.split()[1]) * 1024
except (OSError, IndexError):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"time_s": best, "rss_bytes": rss, "points": ds.sizes["v"]}}))
"""


def stopping_job() -> dict:
    """One compute_stopping job (default settings) in a fresh one-thread interpreter that reads its kernel
    table as the workflow's job does (tabulated by another process): best of 3 wall times of the stage
    function and the interpreter's peak RSS, with the workflow's memory estimate."""
    import json
    import os
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    import yaml

    from viscous_forces.config import load_schema, validate
    from viscous_forces.resources import job_bytes

    kernel, rs = STOPPING_CASE
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "kernel" / kernel / f"rs{rs:g}.nc")  # the workflow's path (read_result checks it)
        table = _KERNEL_CHILD.format(kernel=kernel, rs=rs, path=path)
        subprocess.run([sys.executable, "-c", table], env=env, check=True)
        out = subprocess.run(
            [sys.executable, "-c", _STOPPING_CHILD.format(path=path)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    res = json.loads(out.stdout.strip().splitlines()[-1])
    repo = __import__("pathlib").Path(__file__).resolve().parents[1]
    cfg = validate(
        yaml.safe_load((repo / "config.yaml").read_text()), load_schema(repo / "workflow/schemas/config.schema.yaml")
    )
    return {"kernel": kernel, "rs": rs, **res, "estimate_bytes": job_bytes("compute_stopping", cfg)}
