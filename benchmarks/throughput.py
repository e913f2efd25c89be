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
