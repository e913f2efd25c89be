"""``make bench``: measure the workflow as a user runs it, and the hot paths; write benchmarks/results.md.

    .venv/bin/python -m benchmarks [--skip-workflow] [--skip-before] [--skip-scaling]

Rows: (1) the machine's bare Python start-up and the cold paper run (median of three) with its
in-job compute, overhead share and the ratio R to 37 bare start-ups; (2) the same cold run with
the workflow of the commit before the job server (one interpreter per job); (3) the cold
``everything`` run, the no-op rerun and the rerun after changing one rMCP07 parameter; (4) the
scaling table: cold runs of 1, 3, 9 and 27 (kernel, r_s) chains and the fit wall = fixed +
per-chain x chains; (5) chi^h and J-integral throughput against naive baselines, one stopping-power job; (6) peak memory
of a job and the size of results/.  Workflow runs use temporary directories; the checkout's
results/ and .snakemake/ are never touched.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import tempfile
import time
from pathlib import Path

import yaml

from . import before, machine, throughput, workflow_runs
from .table import Table

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CONFIG = REPO / "config.yaml"

#: R = cold paper wall / (PAPER_STARTUPS x bare start-up): the paper run against what starting
#: Python with numpy, scipy and xarray this many times costs on the same machine.
PAPER_STARTUPS = 37
TARGET_R = 1.1
TARGET_OVERHEAD = 0.20
TARGET_SCALING = 1.3
TARGET_NOOP_S = 5.0
TARGET_CHI_RATE = 1e7
TARGET_RSS_MIB = 2048.0
TARGET_STOPPING_S = 5.0
TARGET_RESULTS_MB = 300.0
#: The scaling runs: (kernel, r_s) chains -> (kernels, r_s values).
KERNELS = ["rmcp07", "mcp07", "rpa"]
SCALING = {
    1: (["rpa"], [6]),
    3: (KERNELS, [6]),
    9: (KERNELS, [2, 6, 10]),
    27: (KERNELS, [2, 3, 4, 5, 6, 7, 8, 9, 10]),
}


def chain_config(path: Path, kernels: list[str], rs: list[float]) -> Path:
    """The paper's configuration with other kernels and r_s (written to ``path``)."""
    cfg = yaml.safe_load(CONFIG.read_text())
    cfg["kernels"], cfg["rs"] = list(kernels), list(rs)
    cfg["plot"]["fig1_rs"] = rs[0]
    cfg["plot"]["fig1_kernels"] = [k for k in cfg["plot"]["fig1_kernels"] if k in kernels] or [kernels[0]]
    path.write_text(yaml.safe_dump(cfg))
    return path


def paper_config(tmp: Path, **changes) -> Path:
    """The paper's configuration as the named run ``paper`` (so that a changed copy writes the same files)."""
    cfg = yaml.safe_load(CONFIG.read_text())
    cfg["run"] = {"name": "paper"}
    for key, value in changes.items():
        cfg[key] = value
    path = tmp / ("paper.yaml" if not changes else "paper-changed.yaml")
    path.write_text(yaml.safe_dump(cfg))
    return path


def cold(tmp: Path, name: str, config: Path, *targets: str) -> workflow_runs.Run:
    work = tmp / name
    work.mkdir()
    return workflow_runs.run(REPO / "Snakefile", work, config, "cold", *targets)


def rule_rows(table: Table, rid: str, records: list[dict]) -> None:
    for rule, d in sorted(workflow_runs.per_rule(records).items(), key=lambda kv: -kv[1]["sum_s"]):
        table.add(
            rid,
            f"  rule `{rule}`",
            f"{d['jobs']} jobs, in-job sum {d['sum_s']:.1f} s, max {d['max_s']:.2f} s, peak RSS {d['rss']:.0f} MiB",
        )


def paper_rows(table: Table, tmp: Path) -> workflow_runs.Run:
    bare = workflow_runs.bare_startup()
    runs = [cold(tmp, f"paper{i}", paper_config(tmp)) for i in range(3)]
    walls = [r.wall_s for r in runs]
    paper = sorted(runs, key=lambda r: r.wall_s)[1]  # the median run
    ratio = paper.wall_s / (PAPER_STARTUPS * bare)
    share = paper.overhead_share()
    table.add("1", 'Bare start-up, best of 3 `python -c "import numpy, scipy.special, xarray"`', f"{bare:.3f} s")
    table.add(
        "1",
        "Cold paper run (`snakemake --cores 2`, empty directory), wall, median of 3",
        f"{paper.wall_s:.1f} s ({paper.jobs} jobs; runs {', '.join(f'{w:.1f}' for w in walls)} s)",
    )
    table.add(
        "1",
        f"  R = cold paper wall / ({PAPER_STARTUPS} x bare start-up)",
        f"{ratio:.2f}",
        f"<= {TARGET_R}",
        ratio <= TARGET_R,
    )
    table.add(
        "1",
        "  in-job compute (jobs' own wall time; CPU), overhead share 1 - compute / (2 x wall)",
        f"{paper.compute_s:.1f} s ({paper.cpu_s:.1f} s CPU); overhead {100 * share:.0f} %",
        f"<= {100 * TARGET_OVERHEAD:.0f} %",
        share <= TARGET_OVERHEAD,
    )
    rule_rows(table, "1", paper.records)
    table.data["paper"] = {"bare_s": bare, "walls_s": walls, "R": ratio, "overhead_share": share}
    return paper


def before_rows(table: Table, tmp: Path, paper: workflow_runs.Run) -> None:
    tree = before.worktree(REPO, before.BEFORE_COMMIT, tmp / "before-tree")
    try:
        work = tmp / "before"
        work.mkdir()
        old = workflow_runs.run(tree / "Snakefile", work, tree / "config.yaml", "cold-before", pythonpath=tree / "src")
        job_s = before.benchmark_seconds(work)
    finally:
        before.remove_worktree(REPO, tree)
    table.add(
        "2",
        f"Cold paper run with one interpreter per job (commit {before.BEFORE_COMMIT}), wall",
        f"{old.wall_s:.1f} s (jobs' script processes, start-up included: {job_s:.1f} s)",
    )
    table.add("2", "  job server / one interpreter per job, cold paper wall", f"{paper.wall_s / old.wall_s:.2f}")
    table.data["before"] = {"wall_s": old.wall_s, "job_s": job_s}


def rerun_rows(table: Table, tmp: Path, paper: workflow_runs.Run) -> None:
    work = tmp / "paper1"  # a finished cold run
    noop = workflow_runs.run(REPO / "Snakefile", work, paper_config(tmp), "noop")
    table.add(
        "3",
        "No-op rerun of the paper, wall",
        f"{noop.wall_s:.2f} s ({noop.jobs} jobs)",
        f"<= {TARGET_NOOP_S:.0f} s",
        noop.wall_s <= TARGET_NOOP_S and noop.jobs == 0,
    )
    params = yaml.safe_load(CONFIG.read_text())["kernel_params"]
    params["rmcp07"]["a"] = round(params["rmcp07"]["a"] * 1.001, 6)
    changed = paper_config(tmp, kernel_params=params)  # the same run name: the same files
    change = workflow_runs.run(REPO / "Snakefile", work, changed, "change")
    table.add(
        "3",
        "Rerun after kernel_params.rmcp07.a x 1.001, wall",
        f"{change.wall_s:.1f} s = {100 * change.wall_s / paper.wall_s:.0f} % of cold ({change.jobs} jobs)",
    )
    every = cold(tmp, "everything", CONFIG, "everything")
    table.add(
        "3",
        "Cold `everything` run (paper, analyses, density sweep, clusters), wall",
        f"{every.wall_s:.1f} s ({every.jobs} jobs, in-job compute {every.compute_s:.1f} s)",
    )
    table.add(
        "3",
        "  overhead share 1 - compute / (2 x wall)",
        f"{100 * every.overhead_share():.0f} %",
        f"<= {100 * TARGET_OVERHEAD:.0f} %",
        every.overhead_share() <= TARGET_OVERHEAD,
    )
    table.data["reruns"] = {"noop_s": noop.wall_s, "change_s": change.wall_s, "change_jobs": change.jobs}
    table.data["everything"] = {"wall_s": every.wall_s, "jobs": every.jobs, "compute_s": every.compute_s}


def scaling_rows(table: Table, tmp: Path, paper: workflow_runs.Run) -> None:
    runs = {}
    for chains, (kernels, rs) in SCALING.items():
        if chains == 9:
            runs[chains] = paper  # the paper's configuration
            continue
        runs[chains] = cold(tmp, f"chains{chains}", chain_config(tmp / f"chains{chains}.yaml", kernels, rs))
    x = sorted(runs)
    fixed, per_chain = workflow_runs.fit_line(x, [runs[n].wall_s for n in x])
    c0, per_chain_compute = workflow_runs.fit_line(x, [runs[n].compute_s for n in x])
    for n in x:
        r = runs[n]
        table.add(
            "4",
            f"Cold run of {n} (kernel, r_s) chains: wall, jobs, in-job compute",
            f"{r.wall_s:.1f} s, {r.jobs} jobs, {r.compute_s:.1f} s (overhead {100 * r.overhead_share():.0f} %)",
        )
    ratio = per_chain / per_chain_compute
    table.add("4", "  fit wall = fixed + per-chain x chains: fixed cost", f"{fixed:.1f} s")
    table.add(
        "4",
        "  per-chain cost (slope of wall) / per-chain compute (slope of in-job compute)",
        f"{per_chain:.2f} s / {per_chain_compute:.2f} s = {ratio:.2f} (on 2 cores)",
        f"<= {TARGET_SCALING}",
        ratio <= TARGET_SCALING,
    )
    table.data["scaling"] = {
        str(n): {"wall_s": runs[n].wall_s, "jobs": runs[n].jobs, "compute_s": runs[n].compute_s} for n in x
    }
    table.data["scaling_fit"] = {
        "fixed_s": fixed,
        "per_chain_s": per_chain,
        "compute_fixed_s": c0,
        "per_chain_compute_s": per_chain_compute,
    }


def memory_rows(table: Table, tmp: Path, paper: workflow_runs.Run) -> None:
    worst = max(paper.records, key=lambda r: r["rss"])
    table.add(
        "6",
        "Peak memory (max RSS) of the heaviest job of the paper run",
        f"{worst['rss']:.0f} MiB ({worst['log']})",
        f"<= {TARGET_RSS_MIB:.0f} MiB",
        worst["rss"] <= TARGET_RSS_MIB,
    )
    size = workflow_runs.directory_size(tmp / "paper1" / "results") / 1e6
    table.add(
        "6",
        "Size of results/ after the cold paper run",
        f"{size:.0f} MB",
        f"<= {TARGET_RESULTS_MB:.0f} MB",
        size <= TARGET_RESULTS_MB,
    )


def throughput_rows(table: Table) -> None:
    c = throughput.chi_throughput()
    table.add(
        "5",
        "chi^h rMCP07 throughput, 2000 x 2000 grid, rs = 6, 1 core",
        f"{c['rate']:.2e} points/s",
        f">= {TARGET_CHI_RATE:.0e} points/s",
        c["rate"] >= TARGET_CHI_RATE,
    )
    table.add(
        "5",
        "  vectorised / naive per-point plain Python",
        f"{c['ratio']:.0f}x (naive {c['naive_rate']:.2e} points/s; max rel. diff {c['max_rel_diff']:.1e})",
    )
    j = throughput.j_throughput()
    table.add(
        "5",
        f"J integrals rs = {j['rs']:g} {j['kernel']} at d_eq = {j['d_eq']:.4f} bohr, "
        f"{j['n_omega']} frequencies x {j['nodes']} nodes",
        f"{1e3 * j['time_s']:.0f} ms",
    )
    table.add(
        "5",
        "  scipy quad (plain-Python integrand) / vectorised",
        f"{j['ratio']:.0f}x (quad extrapolated from {j['subset']} frequencies; "
        f"agree to {j['max_rel_diff']:.0e} of |J0|)",
    )
    s = throughput.stopping_job()
    table.add(
        "5",
        f"Stopping power, one compute_stopping job ({s['kernel']}, rs = {s['rs']:g}, {s['points']} velocities), "
        "1 core, best of 3",
        f"{s['time_s']:.2f} s (peak RSS {s['rss_bytes'] / 1e6:.0f} MB, estimate {s['estimate_bytes'] / 1e6:.0f} MB)",
        f"<= {TARGET_STOPPING_S:.0f} s, RSS <= estimate",
        s["time_s"] <= TARGET_STOPPING_S and s["rss_bytes"] <= s["estimate_bytes"],
    )
    table.data["throughput"] = {"chi": c, "j": j, "stopping": s}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-workflow", action="store_true", help="only the throughput rows (no Snakemake runs)")
    ap.add_argument("--skip-before", action="store_true", help="without the run of the commit before the job server")
    ap.add_argument("--skip-scaling", action="store_true", help="without the scaling table")
    args = ap.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # one core for the in-process measurements
    t0 = time.perf_counter()
    load = os.getloadavg()[0]
    table = Table(
        header=[f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"] + machine.describe(REPO)
    )
    tmp = Path(tempfile.mkdtemp(prefix="vf-bench-"))
    try:
        if not args.skip_workflow:
            paper = paper_rows(table, tmp)
            if not args.skip_before:
                before_rows(table, tmp, paper)
            rerun_rows(table, tmp, paper)
            if not args.skip_scaling:
                scaling_rows(table, tmp, paper)
            memory_rows(table, tmp, paper)
        throughput_rows(table)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    table.rows.sort(key=lambda r: r["id"])
    table.header.append(
        f"total benchmark time {time.perf_counter() - t0:.0f} s; load average at start {load:.2f}, "
        f"at end {os.getloadavg()[0]:.2f}"
    )
    table.write(HERE)
    print(table.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
