"""Snakemake runs of the paper's configuration and the per-job records of their ``benchmark:`` files."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
CORES = 2
_FINISHED = re.compile(r"Finished jobid: \d+ \(Rule: (\w+)\)")


@dataclass(frozen=True)
class Run:
    """One Snakemake run: wall time (s) and the rules it ran (rule -> jobs)."""

    label: str
    wall_s: float
    rules: dict

    @property
    def jobs(self) -> int:
        return sum(self.rules.values())


def run(snakefile: Path, workdir: Path, configfile: Path, label: str, pythonpath: Path | None = None) -> Run:
    """``snakemake --cores 2`` of ``snakefile`` in ``workdir``; raises with the log tail on failure."""
    cmd = [
        SNAKEMAKE,
        "--snakefile",
        str(snakefile),
        "--directory",
        str(workdir),
        "--configfile",
        str(configfile),
        "--cores",
        str(CORES),
    ]
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    log = workdir.parent / f"{workdir.name}.{label}.log"
    t0 = time.perf_counter()
    with log.open("w") as fh:
        rc = subprocess.run(cmd, cwd=workdir, stdout=fh, stderr=subprocess.STDOUT, env=env).returncode
    wall = time.perf_counter() - t0
    text = log.read_text(errors="replace")
    if rc != 0:
        raise RuntimeError(f"snakemake ({label}) failed ({rc}); {log}:\n" + "\n".join(text.splitlines()[-30:]))
    rules = Counter(r for r in _FINISHED.findall(text) if r not in ("all", "everything"))
    return Run(label, wall, dict(rules))


def job_records(workdir: Path) -> list[dict]:
    """One record per job (rule, wall time ``s``, ``max_rss`` MiB) from results/benchmarks/**/*.tsv."""
    records = []
    root = workdir / "results" / "benchmarks"
    for tsv in sorted(root.rglob("*.tsv")):
        with tsv.open() as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        if rows:
            records.append(
                {
                    "rule": tsv.relative_to(root).parts[0],
                    "file": str(tsv.relative_to(root)),
                    "s": float(rows[-1]["s"]),
                    "max_rss": float(rows[-1]["max_rss"]),
                }
            )
    return records


def per_rule(records: list[dict]) -> dict[str, dict]:
    """rule -> {jobs, sum_s, max_s}."""
    out: dict[str, dict] = {}
    for r in records:
        d = out.setdefault(r["rule"], {"jobs": 0, "sum_s": 0.0, "max_s": 0.0})
        d["jobs"] += 1
        d["sum_s"] += r["s"]
        d["max_s"] = max(d["max_s"], r["s"])
    return out


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
