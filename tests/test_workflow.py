"""The Snakemake workflow end to end on the tiny configuration, and exactly what each change reruns.

One full run of every target (module fixture) in a temporary copy of the workflow and the
package, then dry runs that check what a user's everyday change would recompute.  Tests that
edit code edit the copy, never the checkout.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pint
import pytest
import xarray as xr
import yaml

from viscous_forces.codedeps import package_closure
from viscous_forces.io import read_dataset

from workflow_helpers import (
    SNAKEMAKE,
    TINY_CONFIG,
    DryRunner,
    copy_repository,
    planned_jobs,
    planned_outputs,
    run_snakemake,
    traced_package_modules,
    write_config,
)

pytestmark = pytest.mark.slow

KERNEL_CHAIN = {
    "tabulate_kernel": 1,
    "compute_chi": 1,
    "compute_chi_map": 1,
    "find_equilibrium": 1,
    "solve_response": 2,
    "compute_velocity": 2,
}
#: Jobs downstream of any kernel's velocities: Figs. 2-5, the tables and `all`.
DOWNSTREAM = {
    "plot_velocities": 4,
    "make_summary_table": 1,
    "make_vibration_table": 1,
    "make_viscous_correction_table": 1,
    "all": 1,
}
#: The chi-map figure shows every kernel: any kernel's change redraws it.
MAP_FIGURE = {"plot_chi_map": 1}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny configuration run to completion (every target) in a copy of the repository."""
    base = tmp_path_factory.mktemp("tiny")
    repo = copy_repository(base / "repo")
    work = base / "work"
    work.mkdir()

    def run(*args, **kw):
        return run_snakemake(work, *args, snakefile=repo / "Snakefile", **kw)

    run("everything")
    dry = DryRunner(work, snakefile=repo / "Snakefile")  # `snakemake -n ...`, Snakemake imported once
    yield SimpleNamespace(repo=repo, work=work, src=repo / "src", run=run, dry=dry)
    dry.close()


@contextmanager
def edited(path: Path):
    """``path`` with a comment line appended (a content change), restored afterwards."""
    original = path.read_bytes()
    st = path.stat()
    try:
        path.write_bytes(original + b"\n# edited by a test\n")
        yield
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_full_run_produces_every_output(tiny):
    res = tiny.work / "results" / "tiny"
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
    for name in ("summary.csv", "vibrations.csv", "viscous_correction.csv", "friction_sweep.csv"):
        assert (res / "tables" / name).is_file()
    for kernel in ("rmcp07", "mcp07", "rpa"):
        assert (res / "chi" / kernel / "rs6_map.nc").is_file()
    for ext in ("pdf", "png"):
        assert (res / "figures" / f"chi_map.{ext}").stat().st_size > 5000
        assert (res / "figures" / f"stopping.{ext}").stat().st_size > 5000
    for kernel in ("rmcp07", "mcp07", "rpa"):
        assert (res / "stopping" / kernel / "rs6.nc").is_file()
    with open(res / "tables" / "stopping.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["kernel"] for r in rows} == {"rmcp07", "mcp07", "rpa"}
    # the RPA maximum at r_s = 6: 0.0607626 Ha/bohr at 1.8016 v_F (default settings; tiny has 60 velocities)
    rpa = next(r for r in rows if r["kernel"] == "rpa")
    assert float(rpa["S_peak"]) == pytest.approx(0.0607626, rel=1e-5)


def test_every_variable_has_units_and_provenance(tiny):
    """Every file of every stage (the friction sweep and the clusters included): units a unit parser reads."""
    ureg = pint.UnitRegistry()
    files = sorted((tiny.work / "results" / "tiny").rglob("*.nc"))
    assert len(files) >= 3 * 3 + 6 + 6 + 1 + 9 + 9
    assert {f.parent.parent.name for f in files} >= {
        "kernel",
        "chi",
        "equilibrium",
        "response",
        "velocity",
        "friction",
        "cluster",
    }
    for f in files:
        with xr.open_dataset(f) as ds:
            for name in list(ds.data_vars) + list(ds.coords):
                assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, (f, name)
                ureg.parse_units(ds[name].attrs["units"])
            assert ds.attrs["software"] == "viscous_forces" and ds.attrs["software_version"]
            assert ds.attrs["constants"] == "CODATA 2018" and "parameters" in ds.attrs and ds.attrs["stage"]


def test_velocity_files_interface_and_physics(tiny):
    for kernel in ("rmcp07", "mcp07", "rpa"):
        for geometry in ("parallel", "perpendicular"):
            ds = read_dataset(tiny.work / f"results/tiny/velocity/{kernel}/rs6_{geometry}.nc")
            assert ds["v_cm"].attrs["units"] == "1" and "pulse_duration" in ds.attrs
            t = ds["time"].values
            T = ds.attrs["pulse_duration"]
            v = ds["v_cm"].values
            assert np.all(v[t < 0] == 0) and np.all(ds["v_rel"].values[t < 0] == 0)
            # c.m. approaches the drift velocity: with T = 5/Gamma_slowest, 1 - V_c(0.9 T) <= e^-4.5 = 0.011
            assert 1 - 0.0112 < v[np.argmin(abs(t - 0.9 * T))] < 1.001
            assert abs(v[-1]) < 1.1 * np.exp(-5)  # decayed by e^-(Gamma T) after switch-off


def test_summary_table(tiny):
    with open(tiny.work / "results/tiny/tables/summary.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["kernel"] for r in rows} == {"rmcp07", "mcp07", "rpa"}
    rpa = next(r for r in rows if r["kernel"] == "rpa")
    # independent RPA value at rs = 6: d_eq = 6.153447 bohr, Q0 = 0.057011; the tiny grids
    # (q to 60 kF, 8-point panels) reproduce them to 3e-5 bohr and 2e-6 relative (measured)
    assert float(rpa["d_eq"]) == pytest.approx(6.153447, abs=3e-4)
    assert float(rpa["friction_q0"]) == pytest.approx(0.057011, rel=2e-5)


def test_report_has_every_figure(tiny):
    tiny.run("--report", "report.html")
    html = (tiny.work / "report.html").read_text(errors="replace")
    assert len(html) > 100_000
    for name in ("fig1.png", "fig2.png", "fig3.png", "fig4.png", "fig5.png", "summary.csv", "vibrations.csv"):
        assert name in html, name


def test_second_run_does_nothing(tiny):
    assert planned_jobs(tiny.dry("everything")) == {}


# --------------------------------------------------------------------------------------------
# Code inputs: each rule depends on exactly the package modules its script imports
# --------------------------------------------------------------------------------------------


def _scripts(repo):
    return sorted((repo / "workflow" / "scripts").glob("*.py"))


def _kernels():
    return yaml.safe_load(TINY_CONFIG.read_text())["kernels"]


def test_code_inputs_are_the_traced_imports(tiny):
    """The static closure (viscous_forces.codedeps) equals what Python really loads, per script and kernel."""
    for script in _scripts(tiny.repo):
        traced = traced_package_modules(f"import runpy; runpy.run_path({str(script)!r})", tiny.src)
        static = {str(p.relative_to(tiny.src)) for p in package_closure(script, tiny.src)}
        assert static == traced, script.name
    for kernel in _kernels() + ["alda"]:
        traced = traced_package_modules(f"import viscous_forces.core.kernels.{kernel}", tiny.src)
        path = tiny.src / "viscous_forces" / "core" / "kernels" / f"{kernel}.py"
        assert {str(p.relative_to(tiny.src)) for p in package_closure(path, tiny.src)} == traced, kernel


def test_invalidation_matrix(tiny):
    """Editing any package module plans exactly the rules that import it and what depends on them.

    Expected: the rules whose script loads the module (traced in a fresh interpreter), plus the
    tabulate_kernel jobs of the kernels whose module loads it, forced with ``--forcerun``; actual:
    a dry run after editing the module in the copy.
    """
    config = yaml.safe_load(TINY_CONFIG.read_text())
    rs_labels = [f"{float(r):g}" for r in sorted(set(config["rs"]) | set(config["analysis"]["sweep_rs"]))]
    map_rs = [f"{float(r):g}" for r in config["rs"]]
    loads = {
        s.stem: traced_package_modules(f"import runpy; runpy.run_path({str(s)!r})", tiny.src)
        for s in _scripts(tiny.repo)
    }
    kernel_loads = {
        k: traced_package_modules(f"import viscous_forces.core.kernels.{k}", tiny.src) for k in config["kernels"]
    }
    in_dag = set(planned_jobs(tiny.dry("--forceall", "everything")))  # rules of this target's DAG
    expected_cache = {}
    failures = []
    modules = sorted(p for p in (tiny.src / "viscous_forces").rglob("*.py"))
    for module in modules:
        rel = str(module.relative_to(tiny.src))
        forced = sorted(rule for rule, mods in loads.items() if rel in mods and rule in in_dag)
        forced += [
            f"results/tiny/kernel/{k}/rs{rs}.nc" for k, mods in kernel_loads.items() if rel in mods for rs in rs_labels
        ]
        # the chi maps evaluate the kernel directly (their own kernel_code inputs), at the run's r_s only
        forced += [
            f"results/tiny/chi/{k}/rs{rs}_map.nc" for k, mods in kernel_loads.items() if rel in mods for rs in map_rs
        ]
        key = tuple(forced)
        if key not in expected_cache:
            expected_cache[key] = planned_jobs(tiny.dry("everything", "--forcerun", *forced)) if forced else {}
        with edited(module):
            actual = planned_jobs(tiny.dry("everything"))
        if actual != expected_cache[key]:
            failures.append(f"{rel}: planned {actual}, expected {expected_cache[key]} (forced {forced})")
    assert not failures, "\n".join(failures)
    assert len(modules) >= 30


#: The stopping power's jobs: one per kernel (tiny: r_s = 6), its table, its figure and the target.
STOPPING_JOBS = {"compute_stopping": 3, "make_stopping_table": 1, "plot_stopping": 1, "everything": 1}
#: The plasmon dispersion is shared with the chi^h maps (one per kernel at r_s = 6) and their figure.
MAP_JOBS = {"compute_chi_map": 3, "plot_chi_map": 1}


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("core/stopping.py", STOPPING_JOBS),
        ("core/loss.py", STOPPING_JOBS),
        ("core/plasmon.py", STOPPING_JOBS | MAP_JOBS),
        ("stages/stopping.py", STOPPING_JOBS),
    ],
)
def test_editing_the_stopping_code_reruns_only_the_stopping_jobs(tiny, module, expected):
    """The stopping code reruns the stopping jobs and, for the plasmon code, the chi^h maps - never a chain."""
    with edited(tiny.src / "viscous_forces" / module):
        assert planned_jobs(tiny.dry("everything")) == expected
    with edited(tiny.src / "viscous_forces" / "figures" / "stopping.py"):
        assert planned_jobs(tiny.dry("everything")) == {"plot_stopping": 1, "everything": 1}


def test_stopping_configuration_change_reruns_only_the_stopping_jobs(tiny, tmp_path):
    cfg = write_config(tmp_path / "stop.yaml", stopping={"v_min": 0.01, "v_max": 20.0, "points": 50, "Z": 2.0})
    expected = {**{k: v for k, v in STOPPING_JOBS.items() if k != "everything"}, "stopping": 1}
    assert planned_jobs(tiny.dry("stopping", configfile=cfg)) == expected


def test_editing_constants_reruns_every_physics_rule(tiny):
    with edited(tiny.src / "viscous_forces" / "constants.py"):
        jobs = planned_jobs(tiny.dry("everything"))
    for rule in (
        "tabulate_kernel",
        "compute_chi",
        "find_equilibrium",
        "solve_response",
        "derive_pulse",
        "compute_velocity",
        "compute_friction",
        "compute_stopping",
    ):
        assert rule in jobs, (rule, jobs)


@pytest.mark.parametrize("module", ["tables.py", "figures/velocities.py", "figures/style.py"])
def test_editing_a_table_or_plot_module_reruns_no_physics_job(tiny, module):
    with edited(tiny.src / "viscous_forces" / module):
        jobs = planned_jobs(tiny.dry("everything"))
    physics = {
        "tabulate_kernel",
        "compute_chi",
        "find_equilibrium",
        "solve_response",
        "derive_pulse",
        "compute_velocity",
        "compute_friction",
        "simulate_cluster",
        "compute_stopping",
    }
    assert jobs and not (set(jobs) & physics), jobs


def test_adding_a_kernel_module_reruns_only_its_chain(tiny, tmp_path):
    """The README's recipe: one new module in core/kernels, its name in `kernels:`; nothing else edited."""
    new = tiny.src / "viscous_forces" / "core" / "kernels" / "half_alda.py"
    new.write_text(
        '"""Half the ALDA kernel (a test kernel)."""\n\n'
        "from . import Kernel\n"
        "from .alda import fxc as alda_fxc\n\n\n"
        "def fxc(q, omega, rs):\n"
        "    return 0.5 * alda_fxc(q, omega, rs)\n\n\n"
        "KERNEL = Kernel(function=fxc, defaults={}, dynamic=False,\n"
        '                description="ALDA/2", label="ALDA/2")\n'
    )
    try:
        cfg = write_config(tmp_path / "new.yaml", kernels=["rmcp07", "mcp07", "rpa", "half_alda"])
        proc = tiny.dry(configfile=cfg)
        jobs = planned_jobs(proc)
        # its chain, Figs. 2-5 and the tables that list every kernel (not the rMCP07-vs-MCP07 comparison)
        others = {k: v for k, v in DOWNSTREAM.items() if k != "make_viscous_correction_table"}
        assert jobs == {**KERNEL_CHAIN, **others, **MAP_FIGURE}, jobs
        assert all("half_alda" in o or "/figures/" in o or "/tables/" in o for o in planned_outputs(proc))
        # and it runs through to the figures
        tiny.run("results/tiny/figures/fig2.png", configfile=cfg)
        assert (tiny.work / "results/tiny/velocity/half_alda/rs6_parallel.nc").is_file()
    finally:
        new.unlink()
        shutil.rmtree(tiny.work / "results" / "tiny" / "kernel" / "half_alda", ignore_errors=True)
        tiny.run("results/tiny/figures/fig2.png")  # redraw Fig. 2 without it: the tests below start up to date


# --------------------------------------------------------------------------------------------
# Configuration changes
# --------------------------------------------------------------------------------------------


def test_kernel_parameter_change_reruns_only_that_kernel(tiny, tmp_path):
    cfg = write_config(tmp_path / "changed.yaml", kernel_params={"rmcp07": {"a": 3.9}})
    proc = tiny.dry(configfile=cfg)
    assert planned_jobs(proc) == {**KERNEL_CHAIN, **DOWNSTREAM, **MAP_FIGURE}
    assert not any("/mcp07/" in o or "/rpa/" in o for o in planned_outputs(proc))


def test_plot_option_change_reruns_only_figures(tiny, tmp_path):
    cfg = write_config(tmp_path / "plot.yaml", plot={"dpi": 90})
    assert planned_jobs(tiny.dry(configfile=cfg)) == {
        "plot_potential": 1,
        "plot_velocities": 4,
        "plot_chi_map": 1,
        "all": 1,
    }
    cfg = write_config(tmp_path / "fig1.yaml", plot={"fig1_kernels": ["rpa"]})
    assert planned_jobs(tiny.dry(configfile=cfg)) == {"plot_potential": 1, "all": 1}


def test_response_density_change_reruns_only_responses(tiny, tmp_path):
    cfg = write_config(tmp_path / "dens.yaml", frequency={"response_density": 0.6})
    jobs = planned_jobs(tiny.dry(configfile=cfg))
    assert jobs == {
        "solve_response": 6,
        "derive_pulse": 1,
        "compute_velocity": 6,
        "make_summary_table": 1,
        **{k: v for k, v in DOWNSTREAM.items() if k != "make_summary_table"},
    }, jobs


def test_extra_impurities_add_only_their_own_jobs(tiny, tmp_path):
    cfg = write_config(tmp_path / "imp.yaml", extra_impurities=["h2"])
    proc = tiny.dry(configfile=cfg)
    assert planned_jobs(proc) == {"solve_response": 6, "compute_velocity": 6, "make_impurity_table": 1, "all": 1}
    outs = planned_outputs(proc)
    assert "results/tiny/velocity/rpa/rs6_parallel_h2.nc" in outs and "results/tiny/tables/impurities.csv" in outs


def test_pulse_shape_change_reruns_velocities_only(tiny, tmp_path):
    cfg = write_config(tmp_path / "ramp.yaml", pulse={"shape": "ramp", "rise_time": 0.1})
    jobs = planned_jobs(tiny.dry(configfile=cfg))
    assert jobs == {"compute_velocity": 6, **{k: v for k, v in DOWNSTREAM.items() if k != "make_summary_table"}}, jobs


def test_identical_recreation_does_not_cascade(tiny):
    target = "results/tiny/chi/rpa/rs6.nc"
    before = (tiny.work / target).read_bytes()
    tiny.run("--forcerun", target, "--until", target)
    assert (tiny.work / target).read_bytes() == before  # deterministic netCDF
    assert planned_jobs(tiny.dry("everything")) == {}


def test_deleted_intermediate_is_recreated(tiny):
    """Every file the README lists as an output is a target of a plain `snakemake`: deleting one reruns its
    job (and, since Snakemake plans before it runs, the jobs that read it), and recreates it byte for byte."""
    target = tiny.work / "results/tiny/chi/rpa/rs6.nc"
    before = target.read_bytes()
    target.unlink()
    jobs = planned_jobs(tiny.dry())
    assert jobs["compute_chi"] == 1 and "tabulate_kernel" not in jobs and "compute_chi_map" not in jobs
    tiny.run()
    assert target.read_bytes() == before
    assert planned_jobs(tiny.dry("everything")) == {}


def test_killed_run_leaves_no_trusted_truncated_file(tmp_path):
    """Kill a run mid-way; every result present is complete, and a rerun finishes the job."""
    cmd = [
        SNAKEMAKE,
        "--snakefile",
        str(Path(__file__).resolve().parents[1] / "Snakefile"),
        "--directory",
        str(tmp_path),
        "--configfile",
        str(TINY_CONFIG),
        "--cores",
        "2",
    ]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list((tmp_path / "results" / "tiny").glob("chi/*/*.nc")):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for f in (tmp_path / "results").rglob("*.nc"):
        xr.open_dataset(f).close()  # complete netCDF (atomic rename), never a truncated one
    run_snakemake(tmp_path, "--unlock")  # a SIGKILL leaves Snakemake's lock behind
    run_snakemake(tmp_path, "--rerun-incomplete")
    assert (tmp_path / "results/tiny/tables/summary.csv").is_file()
    assert not list((tmp_path / "results").rglob(".*.part"))  # the reruns removed stale temporaries
    shutil.rmtree(tmp_path / "results")
