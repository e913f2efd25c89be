"""``make bench``: measure the workflow and the hot paths on this machine; write benchmarks/results.md.

    .venv/bin/python -m benchmarks [--skip-workflow]

Rows: (1) cold paper run; (2) job start-up share of the cold run before and after the per-stage
package layout, both layouts measured in this run; (3) no-op rerun and rerun after changing one
rMCP07 parameter; (4) chi^h and J-integral throughput against naive baselines; (5) peak memory
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

from . import machine, startup, throughput, workflow_runs
from .table import Table

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CONFIG = REPO / "config.yaml"

TARGET_COLD_S = 60.0
TARGET_NOOP_S = 3.0
TARGET_CHI_RATE = 1e7
TARGET_RSS_MIB = 2048.0
TARGET_RESULTS_MB = 300.0


def workflow_rows(table: Table, tmp: Path) -> None:
    work = tmp / "after"
    work.mkdir()
    cold = workflow_runs.run(REPO / "Snakefile", work, CONFIG, "cold")
    records = workflow_runs.job_records(work)
    table.add(
        "1",
        "Cold paper run (`snakemake --cores 2`, empty directory), wall",
        f"{cold.wall_s:.1f} s ({cold.jobs} jobs)",
        f"<= {TARGET_COLD_S:.0f} s",
        cold.wall_s <= TARGET_COLD_S,
    )
    for rule, d in sorted(workflow_runs.per_rule(records).items()):
        table.add("1", f"  rule `{rule}`", f"{d['jobs']} jobs, sum {d['sum_s']:.1f} s, max {d['max_s']:.2f} s")

    before_tree = startup.worktree(REPO, startup.BEFORE_COMMIT, tmp / "before-tree")
    try:
        old = tmp / "before"
        old.mkdir()
        old_cold = workflow_runs.run(
            before_tree / "Snakefile", old, before_tree / "config.yaml", "cold-before", pythonpath=before_tree / "src"
        )
        share_old = startup.startup_share(
            workflow_runs.job_records(old), before_tree / "workflow" / "scripts", before_tree / "src"
        )
    finally:
        startup.remove_worktree(REPO, before_tree)
    share_new = startup.startup_share(records, REPO / "workflow" / "scripts", REPO / "src")
    for label, s, run in (
        ("before (one stages module, commit " + startup.BEFORE_COMMIT + ")", share_old, old_cold),
        ("after (one module per stage)", share_new, cold),
    ):
        table.add(
            "2",
            f"Job start-up share of the cold run, {label}",
            f"{100 * s['share']:.0f} % ({s['startup_s']:.1f} s of {s['job_s']:.1f} job-s; "
            f"cold wall {run.wall_s:.1f} s)",
        )
    table.add(
        "2",
        "  start-up share after / before (same run, same machine)",
        f"{share_new['share'] / share_old['share']:.2f}",
    )
    slow = sorted(share_new["per_script_s"].items(), key=lambda kv: -kv[1])[:4]
    table.add("2", "  slowest script start-ups after", ", ".join(f"{k} {v:.2f} s" for k, v in slow))
    table.data["startup"] = {"before": share_old, "after": share_new}

    noop = workflow_runs.run(REPO / "Snakefile", work, CONFIG, "noop")
    table.add(
        "3",
        "No-op rerun, wall",
        f"{noop.wall_s:.2f} s ({noop.jobs} jobs)",
        f"<= {TARGET_NOOP_S:.0f} s",
        noop.wall_s <= TARGET_NOOP_S and noop.jobs == 0,
    )
    cfg = yaml.safe_load(CONFIG.read_text())
    cfg["kernel_params"]["rmcp07"]["a"] = round(cfg["kernel_params"]["rmcp07"]["a"] * 1.001, 6)
    cfg["run"] = {"name": ""}  # the same outputs (results/), not a named run beside them
    changed = tmp / "changed.yaml"
    changed.write_text(yaml.safe_dump(cfg))
    change = workflow_runs.run(REPO / "Snakefile", work, changed, "change")
    table.add(
        "3",
        "Rerun after kernel_params.rmcp07.a x 1.001, wall",
        f"{change.wall_s:.1f} s = {100 * change.wall_s / cold.wall_s:.0f} % of cold ({change.jobs} jobs)",
    )

    worst = max(records, key=lambda r: r["max_rss"])
    table.add(
        "5",
        "Peak memory (max RSS) of the heaviest job",
        f"{worst['max_rss']:.0f} MiB ({worst['file']})",
        f"<= {TARGET_RSS_MIB:.0f} MiB",
        worst["max_rss"] <= TARGET_RSS_MIB,
    )
    size = workflow_runs.directory_size(work / "results") / 1e6
    table.add(
        "5",
        "Size of results/ after the cold run",
        f"{size:.0f} MB",
        f"<= {TARGET_RESULTS_MB:.0f} MB",
        size <= TARGET_RESULTS_MB,
    )


def throughput_rows(table: Table) -> None:
    c = throughput.chi_throughput()
    table.add(
        "4",
        "chi^h rMCP07 throughput, 2000 x 2000 grid, rs = 6, 1 core",
        f"{c['rate']:.2e} points/s",
        f">= {TARGET_CHI_RATE:.0e} points/s",
        c["rate"] >= TARGET_CHI_RATE,
    )
    table.add(
        "4",
        "  vectorised / naive per-point plain Python",
        f"{c['ratio']:.0f}x (naive {c['naive_rate']:.2e} points/s; max rel. diff {c['max_rel_diff']:.1e})",
    )
    j = throughput.j_throughput()
    table.add(
        "4",
        f"J integrals rs = {j['rs']:g} {j['kernel']} at d_eq = {j['d_eq']:.4f} bohr, "
        f"{j['n_omega']} frequencies x {j['nodes']} nodes",
        f"{1e3 * j['time_s']:.0f} ms",
    )
    table.add(
        "4",
        "  scipy quad (plain-Python integrand) / vectorised",
        f"{j['ratio']:.0f}x (quad extrapolated from {j['subset']} frequencies; "
        f"agree to {j['max_rel_diff']:.0e} of |J0|)",
    )
    table.data["throughput"] = {"chi": c, "j": j}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-workflow", action="store_true", help="only the throughput rows (no Snakemake runs)")
    args = ap.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # one core for the in-process measurements
    t0 = time.perf_counter()
    table = Table(
        header=[f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"] + machine.describe(REPO)
    )
    tmp = Path(tempfile.mkdtemp(prefix="vf-bench-"))
    try:
        if not args.skip_workflow:
            workflow_rows(table, tmp)
        throughput_rows(table)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    table.rows.sort(key=lambda r: r["id"])
    table.header.append(f"total benchmark time {time.perf_counter() - t0:.0f} s")
    table.write(HERE)
    print(table.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
