"""Job start-up: the interpreter and the imports of each rule's script, before and after the
per-stage package layout.

A job's start-up is measured as the wall time of ``python -c "runpy.run_path(<script>)"`` (the
script's imports; its ``main`` runs only under Snakemake), median of several runs, with the
package of the layout under test first on ``PYTHONPATH``.  The start-up share of a cold run is
the sum over its jobs of their script's start-up divided by the sum of the jobs' wall times
(Snakemake's ``benchmark:`` column ``s``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: The last commit with one ``stages`` module for all stages (before the per-stage layout).
BEFORE_COMMIT = "530a89b"


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


def script_startup(script: Path, src: Path, repeat: int = 5) -> float:
    """Median wall time (s) of loading ``script`` (its imports) in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(src))
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", f"import runpy; runpy.run_path({str(script)!r})"],
            check=True,
            env=env,
            cwd=src,
            capture_output=True,
        )
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def startup_share(records: list[dict], scripts_dir: Path, src: Path) -> dict:
    """Start-up per rule script and its share of the summed job wall time of a run."""
    per_script = {}
    for rule in sorted({r["rule"] for r in records}):
        script = scripts_dir / f"{rule}.py"
        if script.is_file():
            per_script[rule] = script_startup(script, src)
    startup = sum(per_script.get(r["rule"], 0.0) for r in records)
    total = sum(r["s"] for r in records)
    return {"per_script_s": per_script, "startup_s": startup, "job_s": total, "share": startup / total}
