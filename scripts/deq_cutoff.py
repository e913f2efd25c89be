"""d_eq at r_s = 2 (MCP07) against the upper cut-off of the static q integrals of Eqs. (9)-(10).

    python scripts/deq_cutoff.py            # print the table (markdown)
    python scripts/deq_cutoff.py --readme   # and write it into README.md (block DEQ_CUTOFF)

The paper quotes d_eq = 5.17 bohr at r_s = 2 with MCP07, where the workflow finds 5.0993 with
converged integrals (q up to 200 k_F).  U(d) = 1/d + 8 int_0^Q dq chi^h(q, 0) j0(qd)/q^2 (Eq. 10)
cut at Q = q_c k_F acquires oscillations of period about 2 pi/Q in d, which move its minima.  For
each cut-off this evaluates F(d) = -U'(d) on a 0.002 bohr scan with the package's own statics
(:func:`viscous_forces.core.statics.pair_statics`, the static grid of
:func:`viscous_forces.core.quadrature.static_grid` ending at Q) and refines every + to - sign
change of F with Brent's method; the first is d_eq as the workflow defines it.  Cut-offs below
the workflow's allowed 4 k_F are set on the grid specification directly (a diagnostic only).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from viscous_forces.core.electron_gas import ElectronGas
from viscous_forces.core.quadrature import GridSpec, static_grid
from viscous_forces.core.statics import pair_statics
from viscous_forces.stages.chi import chi_dataarray

ROOT = Path(__file__).resolve().parents[1]
CUTOFFS = (3, 4, 6, 10, 40, 200)  # k_F
RS, KERNEL, PARAMS = 2.0, "mcp07", {"correlation": "PW92"}


def minima(cutoff: float, d_scan: np.ndarray) -> list[tuple[float, float]]:
    """(d, U(d)) of every minimum of U in the scan, for the static integrals cut at ``cutoff`` k_F."""
    kF = ElectronGas(RS).kF
    spec = GridSpec(q_max_static=max(cutoff, 4.0))
    object.__setattr__(spec, "q_max_static", float(cutoff))  # below GridSpec's bound of 4: diagnostic only
    q, w = static_grid(kF, spec)
    chi = chi_dataarray(q, [0.0], RS, KERNEL, **PARAMS).values.real.ravel()
    _, F, _ = pair_statics(d_scan, q, w, chi)
    found = []
    for i in np.flatnonzero((F[:-1] > 0) & (F[1:] <= 0)):
        d = brentq(lambda x: pair_statics(np.array([x]), q, w, chi)[1][0], d_scan[i], d_scan[i + 1], xtol=1e-12)
        found.append((d, float(pair_statics(np.array([d]), q, w, chi)[0][0])))
    return found


def table() -> str:
    d_scan = np.arange(1.0, 15.0, 0.002)
    lines = [
        "| cut-off (k_F) | d_eq (bohr) | U(d_eq) (mHa) | further minima below 15 bohr (bohr) |",
        "|---|---|---|---|",
    ]
    for c in CUTOFFS:
        found = minima(c, d_scan)
        (d0, u0), rest = found[0], found[1:]
        lines.append(f"| {c} | {d0:.4f} | {u0 * 1e3:.4f} | {', '.join(f'{d:.3f}' for d, _ in rest)} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    text = table()
    print(text)
    if args.readme:
        readme = ROOT / "README.md"
        pattern = re.compile(r"(<!-- DEQ_CUTOFF:START -->\n).*?(\n<!-- DEQ_CUTOFF:END -->)", re.S)
        old = readme.read_text()
        if not pattern.search(old):
            print("README.md has no DEQ_CUTOFF block", file=sys.stderr)
            return 1
        readme.write_text(pattern.sub(lambda m: m.group(1) + text + m.group(2), old))
    return 0


if __name__ == "__main__":
    sys.exit(main())
