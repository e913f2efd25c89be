"""Benchmark: rMCP07 kernel on a 2000 x 2000 (q, omega) grid.

rs = 6, q in (0, 40 kF], omega in [0, 0.5 omega_p] (Hartree atomic units).  Prints the best
wall time of several repetitions and the throughput in points/s for the registry call
(validation included), the bare module function, and h = "exact".

Usage: ``python benchmarks/bench_kernels.py [--repeat N] [--n N]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from viscous_forces.electron_gas import ElectronGas
from viscous_forces.kernels import get_kernel, rmcp07


def _best_time(func, repeat: int) -> float:
    """Best wall time (s) of ``repeat`` calls of ``func()``."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="grid points per axis (default 2000)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (best is reported)")
    parser.add_argument("--rs", type=float, default=6.0, help="density parameter (bohr)")
    args = parser.parse_args()

    gas = ElectronGas(args.rs)
    q = np.linspace(40.0 * gas.kF / args.n, 40.0 * gas.kF, args.n)[:, None]  # bohr^-1, q > 0
    omega = np.linspace(0.0, 0.5 * gas.omega_p, args.n)[None, :]  # Ha
    npts = q.size * omega.size
    kern = get_kernel("rmcp07")
    kern(q, omega, gas.rs)  # warm up (coefficient caches, exact-h table)
    kern(q, omega, gas.rs, h="exact")

    cases = [
        ("registry rmcp07 (h=fit)", lambda: kern(q, omega, gas.rs)),
        ("rmcp07.fxc      (h=fit)", lambda: rmcp07.fxc(q, omega, gas.rs)),
        ("registry rmcp07 (h=exact)", lambda: kern(q, omega, gas.rs, h="exact")),
    ]
    print(
        f"rMCP07, rs = {args.rs}, grid {args.n} x {args.n} = {npts:.3g} points, "
        f"best of {args.repeat}"
    )
    for label, func in cases:
        t = _best_time(func, args.repeat)
        print(f"  {label:28s} {t:8.4f} s   {npts / t:10.3e} points/s")


if __name__ == "__main__":
    main()
