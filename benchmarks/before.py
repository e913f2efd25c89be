"""The same cold paper run with the workflow of the commit before the job server: every job a
script in a fresh interpreter (Snakemake's ``script:`` directive), measured in the same benchmark
run so that the ratio does not depend on how fast the machine is today."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

#: The last commit whose rules ran their scripts with Snakemake's ``script:`` directive.
BEFORE_COMMIT = "0111255"


def worktree(repo: Path, commit: str, dest: Path) -> Path:
    """A detached git worktree of ``commit`` at ``dest`` (removed by :func:`remove_worktree`)."""
    subprocess.run(
        ["git", "-C", str(repo), "worktree", "add", "--detach", "--force", str(dest), commit],
        check=True,
        capture_output=True,
    )
    return dest


def remove_worktree(repo: Path, dest: Path) -> None:
    subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(dest)], capture_output=True)


def benchmark_seconds(workdir: Path) -> float:
    """Summed ``s`` column (each job's script process, start-up included) of the old layout's
    ``benchmark:`` files."""
    total = 0.0
    for tsv in (workdir / "results" / "benchmarks").rglob("*.tsv"):
        with tsv.open() as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        if rows:
            total += float(rows[-1]["s"])
    return total
