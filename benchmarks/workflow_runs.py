"""Snakemake runs of the workflow and what each job recorded about itself.

Every job logs its own wall time, CPU time and peak memory as the last line of its log
(:data:`viscous_forces.jobs.TIMING`); :func:`job_records` reads them back, so a run's in-job compute
is known without Snakemake's ``benchmark:`` files (which, for jobs run from Snakemake's own
process, would measure that whole process).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from viscous_forces.jobs import read_timing

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
CORES = 2
_FINISHED = re.compile(r"Finished jobid: \d+ \(Rule: (\w+)\)")


@dataclass(frozen=True)
class Run:
    """One Snakemake run: its wall time (s) and the records of the jobs it ran."""

    label: str
    wall_s: float
    records: list = field(default_factory=list)

    @property
    def jobs(self) -> int:
        return len(self.records)

    @property
    def compute_s(self) -> float:
        """Summed in-job wall time of the jobs (s)."""
        return sum(r["wall"] for r in self.records)

    @property
    def cpu_s(self) -> float:
        """Summed in-job CPU time of the jobs (s)."""
        return sum(r["cpu"] for r in self.records)

    def overhead_share(self, cores: int = CORES) -> float:
        """1 - summed in-job compute / (cores x wall): the share of the cores' time not spent in a job."""
        return 1.0 - self.compute_s / (cores * self.wall_s)


def run(
    snakefile: Path,
    workdir: Path,
    configfile: Path,
    label: str,
    *targets: str,
    pythonpath: Path | None = None,
    extra: tuple[str, ...] = (),
) -> Run:
    """``snakemake --cores 2 [targets]`` of ``snakefile`` in ``workdir``; raises with the log tail on failure.

    The jobs of the run are those whose log was written during it.
    """
    cmd = [SNAKEMAKE, "--snakefile", str(snakefile), "--directory", str(workdir), "--configfile", str(configfile)]
    cmd += ["--cores", str(CORES), *extra, *targets]
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    log = workdir.parent / f"{workdir.name}.{label}.log"
    start = time.time()
    t0 = time.perf_counter()
    with log.open("w") as fh:
        rc = subprocess.run(cmd, cwd=workdir, stdout=fh, stderr=subprocess.STDOUT, env=env).returncode
    wall = time.perf_counter() - t0
    if rc != 0:
        text = log.read_text(errors="replace")
        raise RuntimeError(f"snakemake ({label}) failed ({rc}); {log}:\n" + "\n".join(text.splitlines()[-30:]))
    return Run(label, wall, job_records(workdir, since=start))


def job_records(workdir: Path, since: float = 0.0) -> list[dict]:
    """One record per job log under ``workdir/logs`` written after ``since`` (a time.time() value):
    ``rule``, ``wall``, ``cpu`` (s), ``rss`` (MiB), ``log``."""
    records = []
    for log in sorted((workdir / "logs").rglob("*.log")):
        if log.stat().st_mtime < since:
            continue
        timing = read_timing(log)
        if timing is not None:
            records.append({**timing, "log": str(log.relative_to(workdir))})
    return records


def rules_of(text: str) -> dict[str, int]:
    """Rule -> number of finished jobs in a Snakemake console log (the old layout has no job logs)."""
    out: dict[str, int] = {}
    for rule in _FINISHED.findall(text):
        if rule not in ("all", "everything"):
            out[rule] = out.get(rule, 0) + 1
    return out


def per_rule(records: list[dict]) -> dict[str, dict]:
    """rule -> {jobs, sum_s, max_s, cpu_s, rss}."""
    out: dict[str, dict] = {}
    for r in records:
        d = out.setdefault(r["rule"], {"jobs": 0, "sum_s": 0.0, "max_s": 0.0, "cpu_s": 0.0, "rss": 0.0})
        d["jobs"] += 1
        d["sum_s"] += r["wall"]
        d["cpu_s"] += r["cpu"]
        d["max_s"] = max(d["max_s"], r["wall"])
        d["rss"] = max(d["rss"], r["rss"])
    return out


def bare_startup(repeat: int = 3) -> float:
    """Best of ``repeat`` wall times (s) of ``python -c "import numpy, scipy.special, xarray"``."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy, scipy.special, xarray"], check=True)
        times.append(time.perf_counter() - t0)
    return min(times)


def fit_line(x: list[float], y: list[float]) -> tuple[float, float]:
    """Least-squares intercept and slope of y = a + b x."""
    slope, intercept = statistics.linear_regression(x, y)
    return intercept, slope


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
