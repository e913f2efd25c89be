"""The Snakemake workflow end to end on the tiny configuration, and its caching behaviour.

One full run (module fixture, ~20 s), then dry runs that check what a user's everyday change
would recompute.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from viscous_forces.io import read_dataset
from viscous_forces.kernels import get_kernel

from workflow_helpers import REPO, SNAKEFILE, SNAKEMAKE, TINY_CONFIG, planned_jobs, planned_outputs, run_snakemake, write_config

pytestmark = pytest.mark.slow

KERNEL_CHAIN = {"tabulate_kernel": 1, "compute_chi": 1, "find_equilibrium": 1, "solve_response": 2, "compute_velocity": 2}
#: Jobs downstream of any kernel's velocities: Figs. 2-5, the tables and `all`.
DOWNSTREAM = {"plot_velocities": 4, "make_summary_table": 1, "make_vibration_table": 1,
              "make_viscous_correction_table": 1, "all": 1}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tiny")
    t0 = time.perf_counter()
    proc = run_snakemake(workdir)
    elapsed = time.perf_counter() - t0
    print(f"\ntiny workflow: {elapsed:.1f} s wall")
    return workdir, proc, elapsed


def test_full_run_produces_every_output(tiny_run):
    workdir, proc, elapsed = tiny_run
    res = workdir / "results"
    for n in range(1, 6):
        for ext in ("pdf", "png"):
            f = res / "figures" / f"fig{n}.{ext}"
            assert f.is_file() and f.stat().st_size > 5000, f
    for kernel in ("rmcp07", "mcp07", "rpa"):
        for stage in ("kernel", "chi", "equilibrium"):
            assert (res / stage / kernel / "rs6.nc").is_file()
        for geometry in ("parallel", "perpendicular"):
            assert (res / "response" / kernel / f"rs6_{geometry}.nc").is_file()
            assert (res / "velocity" / kernel / f"rs6_{geometry}.nc").is_file()
    assert elapsed < 120


def test_every_variable_has_units_and_provenance(tiny_run):
    workdir = tiny_run[0]
    files = sorted((workdir / "results").rglob("*.nc"))
    assert len(files) >= 9 * 1 + 6 + 6 + 1
    for f in files:
        with xr.open_dataset(f) as ds:
            for name in list(ds.data_vars) + list(ds.coords):
                assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, (f, name)
            assert ds.attrs["software"] == "viscous_forces" and ds.attrs["software_version"]
            assert "parameters" in ds.attrs


def test_velocity_files_interface_and_physics(tiny_run):
    workdir = tiny_run[0]
    for kernel in ("rmcp07", "mcp07", "rpa"):
        for geometry in ("parallel", "perpendicular"):
            ds = read_dataset(workdir / f"results/velocity/{kernel}/rs6_{geometry}.nc")
            assert ds["v_cm"].attrs["units"] == "j0/n" and "pulse_duration" in ds.attrs
            t = ds["time"].values
            T = ds.attrs["pulse_duration"]
            v = ds["v_cm"].values
            assert np.all(ds["v_cm"].values[t < 0] == 0) and np.all(ds["v_rel"].values[t < 0] == 0)
            # c.m. approaches the drift velocity: with T = 5/Gamma_slowest, 1 - V_c(0.9 T) <= e^-4.5 = 0.011
            assert 1 - 0.0112 < v[np.argmin(abs(t - 0.9 * T))] < 1.001
            assert abs(v[-1]) < 1.1 * np.exp(-5)  # decayed by e^-(Gamma T) after switch-off


def test_summary_table(tiny_run):
    workdir = tiny_run[0]
    with open(workdir / "results/tables/summary.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["kernel"] for r in rows} == {"rmcp07", "mcp07", "rpa"}
    for col in ("kernel", "rs", "d_eq", "spring_constant", "omega_vib", "friction_q0"):
        assert col in rows[0]
    rpa = next(r for r in rows if r["kernel"] == "rpa")
    # RPA at rs = 6 (equations.md Sec. 1.3: d_eq = 6.153447): coarse tiny grids still give 1e-4
    assert float(rpa["d_eq"]) == pytest.approx(6.153447, abs=1e-4)
    assert float(rpa["friction_q0"]) == pytest.approx(0.057011, rel=1e-3)


def test_report_has_every_figure(tiny_run):
    workdir = tiny_run[0]
    run_snakemake(workdir, "--report", "report.html")
    html = (workdir / "report.html").read_text(errors="replace")
    assert len(html) > 100_000
    for name in ("fig1.png", "fig2.png", "fig3.png", "fig4.png", "fig5.png", "summary.csv", "vibrations.csv"):
        assert name in html, name


def test_second_run_does_nothing(tiny_run):
    workdir = tiny_run[0]
    assert planned_jobs(run_snakemake(workdir, "-n")) == {}


def test_kernel_parameter_change_reruns_only_that_kernel(tiny_run, tmp_path):
    workdir = tiny_run[0]
    cfg = write_config(tmp_path / "changed.yaml", kernel_params={"rmcp07": {"a": 3.9}})
    proc = run_snakemake(workdir, "-n", configfile=cfg)
    jobs = planned_jobs(proc)
    assert jobs == {**KERNEL_CHAIN, **DOWNSTREAM}, jobs
    outs = planned_outputs(proc)
    assert not any("/mcp07/" in o or "/rpa/" in o for o in outs), outs


def dry_run_after_editing(workdir, src: Path):
    """Dry-run as if ``src`` had just been edited (a comment appended), then restore it exactly.

    Snakemake records input checksums, so a mere ``touch`` is (rightly) not an edit.
    """
    original = src.read_bytes()
    st = src.stat()
    try:
        src.write_bytes(original + b"\n# edited by a test; restored automatically\n")
        return run_snakemake(workdir, "-n")
    finally:
        src.write_bytes(original)
        os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_editing_a_kernel_source_reruns_only_that_kernel(tiny_run):
    workdir = tiny_run[0]
    src = get_kernel("mcp07").source_files()[0]  # the module defining mcp07
    assert src.name == "mcp07.py"
    proc = dry_run_after_editing(workdir, src)
    jobs = planned_jobs(proc)
    # rMCP07 imports the static MCP07 kernel, so both chains depend on mcp07.py; RPA does not.
    doubled = {k: 2 * v for k, v in KERNEL_CHAIN.items()}
    assert jobs == {**doubled, "plot_potential": 1, **DOWNSTREAM}, jobs
    assert not any("/rpa/" in o for o in planned_outputs(proc))


def test_editing_rmcp07_source_reruns_only_rmcp07(tiny_run):
    workdir = tiny_run[0]
    proc = dry_run_after_editing(workdir, REPO / "src/viscous_forces/kernels/rmcp07.py")
    assert planned_jobs(proc) == {**KERNEL_CHAIN, **DOWNSTREAM}


def test_plot_option_change_reruns_only_figures(tiny_run, tmp_path):
    workdir = tiny_run[0]
    cfg = write_config(tmp_path / "plot.yaml", plot={"dpi": 90})
    jobs = planned_jobs(run_snakemake(workdir, "-n", configfile=cfg))
    assert jobs == {"plot_potential": 1, "plot_velocities": 4, "all": 1}, jobs


def test_extra_impurities_add_only_their_own_jobs(tiny_run, tmp_path):
    workdir = tiny_run[0]
    cfg = write_config(tmp_path / "imp.yaml", extra_impurities=["h2"])
    proc = run_snakemake(workdir, "-n", configfile=cfg)
    assert planned_jobs(proc) == {"solve_response": 6, "compute_velocity": 6, "make_impurity_table": 1, "all": 1}
    outs = planned_outputs(proc)
    assert "results/velocity/rpa/rs6_parallel_h2.nc" in outs and "results/tables/impurities.csv" in outs


def test_pulse_shape_change_reruns_velocities_only(tiny_run, tmp_path):
    workdir = tiny_run[0]
    cfg = write_config(tmp_path / "ramp.yaml", pulse={"shape": "ramp", "rise_time": 0.1})
    jobs = planned_jobs(run_snakemake(workdir, "-n", configfile=cfg))
    assert jobs == {"compute_velocity": 6, **{k: v for k, v in DOWNSTREAM.items() if k != "make_summary_table"}}, jobs


def test_identical_recreation_does_not_cascade(tiny_run):
    workdir = tiny_run[0]
    target = "results/chi/rpa/rs6.nc"
    before = (workdir / target).read_bytes()
    run_snakemake(workdir, "--forcerun", target, "--until", target)
    assert (workdir / target).read_bytes() == before  # deterministic netCDF
    assert planned_jobs(run_snakemake(workdir, "-n")) == {}


def test_bad_config_values_stop_before_any_job(tmp_path):
    cases = [
        ({"rs": [-2]}, "rs[0] = -2"),
        ({"kernels": ["rmcp07", "nosuch"]}, "unknown kernel 'nosuch'"),
        ({"pulse": {"duration": 0}}, "pulse.duration = 0"),
        ({"grids": {"n_gl": 8}}, "'grids' was unexpected"),
        ({"kernel_params": {"rmcp07": {"h": "wrong"}}}, "h"),
        ({"kernel_params": {"rmcp07": {"alpha": 1.0}}}, "unknown parameter"),
        ({"grid": {"n_gl": 2}}, "grid.n_gl = 2"),
        ({"impurity": "xx"}, "impurity = 'xx'"),
        ({"extra_impurities": ["hd", "he"]}, "extra_impurities[1] = 'he'"),
        ({"pulse": {"shape": "ac"}}, "pulse.frequency must be set"),
        ({"pulse": {"shape": "triangle"}}, "pulse.shape = 'triangle'"),
    ]
    for changes, message in cases:
        cfg = write_config(tmp_path / "bad.yaml", **changes)
        proc = run_snakemake(tmp_path, "-n", configfile=cfg, check=False)
        text = proc.stdout + proc.stderr
        assert proc.returncode != 0, changes
        assert "invalid configuration" in text and message in text, (changes, text[-2000:])
        assert not (tmp_path / "results").exists()


def test_killed_run_leaves_no_trusted_truncated_file(tmp_path):
    """Kill a run mid-way; every result present is complete, and a rerun finishes the job."""
    cmd = [SNAKEMAKE, "--snakefile", str(SNAKEFILE), "--directory", str(tmp_path), "--configfile", str(TINY_CONFIG),
           "--cores", "2"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list((tmp_path / "results").glob("chi/*/*.nc")):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for f in (tmp_path / "results").rglob("*.nc"):
        xr.open_dataset(f).close()  # complete netCDF (atomic rename), never a truncated one
    run_snakemake(tmp_path, "--unlock")  # a SIGKILL leaves Snakemake's lock behind
    run_snakemake(tmp_path)  # rerun-incomplete in profiles/default: redoes the interrupted jobs
    assert (tmp_path / "results/tables/summary.csv").is_file()
    assert not list((tmp_path / "results").rglob(".*.part"))  # the reruns removed stale temporaries
    shutil.rmtree(tmp_path / "results")
