"""The production chain against the regression tables of every kernel (tests/data/regression_*.csv).

The tables hold d_eq, U''(d_eq), omega_vib, the friction coefficients, the Markov modes, the
pulse length and V_c, V_r at seven times for both geometries, at r_s = 2, 6, 10, for the
proton + deuteron with the paper's configuration.  Each row carries its tolerance: 10 x the
larger of two measured errors, the change under grid refinement and the distance to an
independent oracle (tests/oracles.py), both recorded in the row (see the file header and
tests/data/make_regression.py, which wrote them).
"""

import csv
from pathlib import Path

import pytest

from regression_chain import KERNELS, RS, chain_values, paper_specs

DATA = Path(__file__).resolve().parent / "data"


def read_table(kernel):
    with (DATA / f"regression_{kernel}.csv").open() as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _key(row):
    x = row["t_over_T"]
    return row["quantity"], row["geometry"], float(x) if x else ""


@pytest.mark.parametrize("kernel", KERNELS)
def test_chain_reproduces_regression_table(kernel):
    rows = read_table(kernel)
    assert len(rows) == 40 * len(RS)
    grid, frequency, density, imp, direct_field = paper_specs()
    failures = []
    for rs in RS:
        values = chain_values(kernel, rs, grid, frequency, density, imp, direct_field)
        for row in (r for r in rows if float(r["rs"]) == rs):
            got, want, tol = values[_key(row)], float(row["value"]), float(row["tolerance"])
            if not abs(got - want) <= tol:
                failures.append(f"{kernel} rs={rs:g} {_key(row)}: {got!r} vs {want!r} (tolerance {tol:.1e})")
    assert not failures, "\n".join(failures)


def test_tables_record_their_checks():
    for kernel in KERNELS:
        for row in read_table(kernel):
            measured = max(float(row["convergence_error"]), float(row["oracle_error"] or 0.0))
            # the tolerance is 10x the larger measured error (or a 1e-12 relative floor)
            assert float(row["tolerance"]) == pytest.approx(
                max(10 * measured, 1e-12 * abs(float(row["value"]))), rel=0.02
            )
            assert row["check"]
