"""The real workflow on a real (local, single-node) SLURM cluster through profiles/slurm.

The cluster is installed (Debian packages) and started by scripts/slurm/start_cluster.sh and
always stopped afterwards; where SLURM cannot be installed (no root, no apt) the tests are
skipped with the reason printed.
"""

from __future__ import annotations

import time

import pytest
import xarray as xr

from slurm_cluster import SLURM_PROFILE, local_slurm_cluster, sbatch_job_ids_from_log, slurm_plugin_path
from workflow_helpers import planned_jobs, run_snakemake, write_config

pytestmark = [pytest.mark.slurm, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster():
    with local_slurm_cluster():
        yield SLURM_PROFILE


def test_tiny_workflow_on_slurm_matches_local_run(cluster, tmp_path):
    local_dir, slurm_dir = tmp_path / "local", tmp_path / "slurm"
    local_dir.mkdir()
    slurm_dir.mkdir()
    t0 = time.perf_counter()
    proc = run_snakemake(slurm_dir, "--profile", str(cluster), timeout=900, pythonpath=slurm_plugin_path())
    t_slurm = time.perf_counter() - t0
    text = proc.stdout + proc.stderr
    jobs = planned_jobs(proc)
    submitted = sbatch_job_ids_from_log(text)
    # profiles/slurm: each (kernel, rs) chain tabulate_kernel -> ... -> solve_response is one group
    # component and so is each chi map, two components to a SLURM job; the pulse and velocities of
    # each rs one component, three to a job; every figure and table its own component, all in one
    # job; `all` has no action (runs locally).
    chain_components = jobs["tabulate_kernel"] + jobs["compute_chi_map"]
    velocity_components = jobs["derive_pulse"]
    report = ("plot_potential", "plot_velocities", "plot_chi_map", "make_summary_table", "make_vibration_table")
    report_components = sum(jobs.get(r, 0) for r in report + ("make_viscous_correction_table",))
    expected = -(-chain_components // 2) + -(-velocity_components // 3) + -(-report_components // 20)
    print(f"\nSLURM run: {t_slurm:.1f} s, {len(submitted)} sbatch jobs for {sum(jobs.values()) - 1} rule jobs")
    assert len(submitted) == expected == 5, (jobs, submitted)
    # every rule job ran (its log was written by the script inside a SLURM job)
    assert len(list((slurm_dir / "logs").rglob("*.log"))) == sum(jobs.values()) - 1
    run_snakemake(local_dir)
    local_files = sorted(p.relative_to(local_dir) for p in (local_dir / "results").rglob("*.nc"))
    assert len(local_files) == 25  # 3 kernel + 3 chi + 3 chi maps + 3 equilibrium + 6 response + 1 pulse + 6 velocity
    for rel in local_files:
        with xr.open_dataset(local_dir / rel) as a, xr.open_dataset(slurm_dir / rel) as b:
            xr.testing.assert_allclose(a.load(), b.load(), rtol=1e-10, atol=0)
    assert (slurm_dir / "results/tiny/tables/summary.csv").read_text() == (
        local_dir / "results/tiny/tables/summary.csv"
    ).read_text()


def test_failing_rule_on_slurm_fails_the_run_and_shows_its_log(cluster, tmp_path):
    # rs = 6 has its first minimum near 4.5-6 bohr: scanning only [9, 10] bohr finds none
    cfg = write_config(
        tmp_path / "failing.yaml", kernels=["rpa"], equilibrium={"d_min": 9.0}, plot={"fig1_kernels": ["rpa"]}
    )
    proc = run_snakemake(
        tmp_path,
        "--profile",
        str(cluster),
        "results/tiny/equilibrium/rpa/rs6.nc",
        configfile=cfg,
        check=False,
        timeout=900,
        pythonpath=slurm_plugin_path(),
    )
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert sbatch_job_ids_from_log(text)
    assert "Error in rule find_equilibrium" in text
    assert "no stable equilibrium" in text  # the rule's log, shown by show-failed-logs
