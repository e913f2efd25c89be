"""The job runner of the workflow (viscous_forces.jobs): every job in a process of its own, forked
from one job server, with its own log, timing and error; concurrent netCDF reads and writes."""

from __future__ import annotations

import os
import pickle
import signal
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from viscous_forces import forkservers, jobs, jobserver, snakemake_process
from viscous_forces.io import read_dataset

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "workflow" / "scripts"


@pytest.fixture(scope="module", autouse=True)
def server():
    """One job server for the module, preloading what the workflow's jobs import."""
    jobs.start_server(SCRIPTS, REPO / "src")


def make_job(tmp_path: Path, body: str, name: str = "probe", **extra) -> jobs.Job:
    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(body))
    log = tmp_path / "logs" / f"{name}.log"
    out = tmp_path / f"{name}.out"
    return jobs.Job(
        rule=name,
        script=str(script),
        output=jobs.Named([str(out)]),
        log=jobs.Named([str(log)]),
        params=jobs.Named([], extra),
        wildcards=jobs.Named(["6"], {"rs": "6"}),
        workdir=str(tmp_path),
    )


def test_a_job_runs_in_a_forked_process_with_its_own_log_and_timing(tmp_path):
    job = make_job(
        tmp_path,
        """
        import os, sys, warnings
        preloaded = "viscous_forces.io" in sys.modules  # imported by the server, not by this job
        print("to stdout")
        print("to stderr", file=sys.stderr)
        warnings.warn("a warning of the job")
        os.write(2, b"written by C code to fd 2\\n")
        blas = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
        open(snakemake.output[0], "w").write(f"{os.getpid()} {snakemake.params.value} {snakemake.wildcards.rs} {preloaded} {blas}")
        """,
        value=42,
    )
    timing = jobs.run(job)
    pid, value, rs, preloaded, *blas = Path(job.output[0]).read_text().split(" ", 4)
    assert int(pid) != os.getpid() and value == "42" and rs == "6" and preloaded == "True"
    assert "'OPENBLAS_NUM_THREADS': '1'" in blas[0] and "'OMP_NUM_THREADS': '1'" in blas[0]
    log = Path(job.log_file).read_text()
    for text in ("to stdout", "to stderr", "a warning of the job", "written by C code to fd 2"):
        assert text in log, text
    logged = jobs.read_timing(job.log_file)
    assert logged["rule"] == "probe" and logged["rss"] == pytest.approx(timing["rss"], abs=0.5)
    assert logged["wall"] == pytest.approx(timing["wall"], abs=1e-3)
    assert logged["cpu"] == pytest.approx(timing["cpu"], abs=1e-3)
    assert 0 <= timing["cpu"] <= timing["wall"] + 0.05 and timing["rss"] > 10


def test_fresh_interpreters_run_each_job_without_the_server(tmp_path, monkeypatch):
    """The debugging mode: each job in a new interpreter that imports everything itself."""
    monkeypatch.setenv(jobs.FRESH, "1")
    job = make_job(
        tmp_path,
        """
        import os, sys
        preloaded = "viscous_forces.io" in sys.modules
        open(snakemake.output[0], "w").write(f"{os.getpid()} {preloaded} {os.environ.get('OPENBLAS_NUM_THREADS')}")
        """,
    )
    jobs.run(job)
    pid, preloaded, blas = Path(job.output[0]).read_text().split()
    assert int(pid) != os.getpid() and preloaded == "False" and blas == "1"
    assert jobs.read_timing(job.log_file)["rule"] == "probe"


def test_the_log_is_emptied_when_the_job_starts(tmp_path):
    job = make_job(tmp_path, "open(snakemake.output[0], 'w').write('x')")
    Path(job.log_file).parent.mkdir(parents=True)
    Path(job.log_file).write_text("an old run\n" * 100)
    jobs.run(job)
    assert "an old run" not in Path(job.log_file).read_text()


def test_a_failing_job_raises_its_error_and_logs_the_traceback(tmp_path):
    job = make_job(tmp_path, "def deep():\n    raise ValueError('no stable equilibrium in [9, 10] bohr')\ndeep()\n")
    with pytest.raises(jobs.JobError) as err:
        jobs.run(job)
    text = str(err.value)
    assert "probe (rs=6) failed: ValueError: no stable equilibrium in [9, 10] bohr" in text
    assert job.log_file in text
    log = Path(job.log_file).read_text()
    assert "Traceback" in log and "in deep" in log and "no stable equilibrium" in log
    assert jobs.read_timing(job.log_file) is None
    assert not Path(job.output[0]).exists()


def test_a_crashing_job_fails_alone(tmp_path):
    """A hard crash (a segmentation fault) kills the job's process, not the caller."""
    job = make_job(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    with pytest.raises(jobs.JobError, match=rf"its process died \(signal {int(signal.SIGSEGV)}\)"):
        jobs.run(job)
    ok = make_job(tmp_path, "open(snakemake.output[0], 'w').write('fine')", name="after")
    jobs.run(ok)
    assert Path(ok.output[0]).read_text() == "fine"


def test_a_job_in_this_process_logs_and_raises_the_same_way(tmp_path):
    """Where a process is dedicated to one job (a SLURM job step): the same log and errors, one BLAS thread."""
    job = make_job(
        tmp_path,
        """
        import os
        import numpy
        from threadpoolctl import threadpool_info
        blas = sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"})
        open(snakemake.output[0], "w").write(f"{os.getpid()} {blas}")
        """,
    )
    before = {k: os.environ.get(k) for k in jobs.ONE_THREAD}
    timing = jobs.run(job, fork=False)
    assert Path(job.output[0]).read_text() == f"{os.getpid()} [1]"
    assert {k: os.environ.get(k) for k in jobs.ONE_THREAD} == before  # the caller's environment is left alone
    assert jobs.read_timing(job.log_file)["wall"] == pytest.approx(timing["wall"], abs=1e-3)
    bad = make_job(tmp_path, "raise KeyError('kernel')", name="bad")
    with pytest.raises(jobs.JobError, match="bad \\(rs=6\\) failed: KeyError: 'kernel'"):
        jobs.run(bad, fork=False)
    assert "Traceback" in Path(bad.log_file).read_text()


def test_concurrent_jobs_write_and_read_netcdf_safely(tmp_path):
    """Eight jobs from four threads at once, each writing a netCDF file and reading all that exist:
    every file complete and with its own data (HDF5 is not thread-safe; each job has its own process)."""
    body = """
        import glob
        import numpy as np
        import xarray as xr
        from viscous_forces.io import read_dataset, write_dataset
        k = int(snakemake.params.k)
        data = np.full((200, 300), float(k))
        ds = xr.Dataset({"v": (("a", "b"), data, {"units": "1", "long_name": "v"})})
        for other in glob.glob("job*.nc"):
            try:
                read_dataset(other)  # a file of another job: complete or not there yet
            except FileNotFoundError:
                pass
        write_dataset(ds, snakemake.output[0])
        assert float(read_dataset(snakemake.output[0])["v"].mean()) == k
    """
    batch = []
    for k in range(8):
        job = make_job(tmp_path, body, name=f"job{k}", k=k)
        job = jobs.Job(**{**job.__dict__, "output": jobs.Named([str(tmp_path / f"job{k}.nc")])})
        batch.append(job)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(jobs.run, batch))
    for k in range(8):
        ds = read_dataset(tmp_path / f"job{k}.nc")
        assert ds["v"].shape == (200, 300) and np.all(ds["v"].values == k)


FIGURE_PROBE = """
    import os, sys
    stack = all(m in sys.modules for m in ("matplotlib.pyplot", "viscous_forces.figures.style", "fontTools.subset"))
    import matplotlib  # the figure stack: this job goes to the figure server
    open(snakemake.output[0], "w").write(f"{os.getpid()} {os.getppid()} {stack}")
"""

COMPUTE_PROBE = """
    import os, sys
    import numpy
    stack = any(m.split(".")[0] in ("matplotlib", "fontTools", "PIL") for m in sys.modules)
    open(snakemake.output[0], "w").write(f"{os.getpid()} {os.getppid()} {stack}")
"""


def test_figure_jobs_are_forked_from_the_figure_server_and_others_without_the_figure_stack(tmp_path):
    figure = make_job(tmp_path, FIGURE_PROBE, name="figure")
    compute = make_job(tmp_path, COMPUTE_PROBE, name="compute")
    assert forkservers.draws_figures(figure.script) and not forkservers.draws_figures(compute.script)
    jobs.run(figure)
    jobs.run(compute)
    f_pid, f_parent, f_stack = Path(figure.output[0]).read_text().split()
    c_pid, c_parent, c_stack = Path(compute.output[0]).read_text().split()
    assert f_stack == "True"  # matplotlib, the figures and the PDF font subsetter were imported already
    assert c_stack == "False"  # a computing job never loads the figure stack
    assert len({f_pid, c_pid, str(os.getpid())}) == 3 and f_parent != c_parent  # two servers
    assert jobs.read_timing(figure.log_file)["rule"] == "figure"


def test_the_workflow_scripts_that_draw_are_the_plotting_rules():
    drawing = {p.stem for p in SCRIPTS.glob("*.py") if forkservers.draws_figures(str(p))}
    assert drawing == {p.stem for p in SCRIPTS.glob("*.py") if p.stem.startswith(("plot_", "animate_"))}
    assert {"plot_velocities", "plot_chi_map", "animate_cluster"} <= drawing


def test_a_failing_or_crashing_figure_job_fails_alone(tmp_path):
    bad = make_job(
        tmp_path, "import matplotlib\ndef deep():\n    raise ValueError('no such style')\ndeep()\n", name="bad"
    )
    with pytest.raises(jobs.JobError, match=r"bad \(rs=6\) failed: ValueError: no such style; the traceback is in"):
        jobs.run(bad)
    assert "in deep" in Path(bad.log_file).read_text() and jobs.read_timing(bad.log_file) is None
    crash = make_job(tmp_path, "import os, signal, matplotlib\nos.kill(os.getpid(), signal.SIGSEGV)\n", name="crash")
    with pytest.raises(jobs.JobError, match=rf"its process died \(signal {int(signal.SIGSEGV)}\)"):
        jobs.run(crash)
    exits = make_job(tmp_path, "import os, matplotlib\nos._exit(3)\n", name="exits")
    with pytest.raises(jobs.JobError, match=r"its process died \(exit code 3\)"):
        jobs.run(exits)
    ok = make_job(tmp_path, FIGURE_PROBE, name="after")
    jobs.run(ok)
    assert Path(ok.output[0]).read_text().endswith("True")


@pytest.mark.parametrize("probe", [FIGURE_PROBE, COMPUTE_PROBE], ids=["figure", "compute"])
def test_an_interrupted_job_reports_the_interruption_and_the_server_lives_on(tmp_path, probe):
    """Ctrl-C sends SIGINT to every process of the terminal: the servers ignore it, a job reports it."""
    stop = make_job(
        tmp_path,
        "import os, signal, matplotlib\nos.kill(os.getpid(), signal.SIGINT)\nimport time\ntime.sleep(5)\n",
        name="stop",
    )
    with pytest.raises(jobs.JobError, match="stop \\(rs=6\\) failed: KeyboardInterrupt"):
        jobs.run(stop)
    ok = make_job(tmp_path, probe, name="next")
    jobs.run(ok)
    assert Path(ok.output[0]).exists()


def test_concurrent_figure_jobs_each_get_a_process(tmp_path):
    batch = [make_job(tmp_path, FIGURE_PROBE, name=f"fig{k}") for k in range(6)]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(jobs.run, batch))
    pids = {Path(j.output[0]).read_text().split()[0] for j in batch}
    assert len(pids) == 6 and all(Path(j.output[0]).read_text().endswith("True") for j in batch)


@pytest.mark.parametrize("server, probe", [("figures", FIGURE_PROBE), ("compute", COMPUTE_PROBE)])
def test_jobs_of_a_dead_server_fail_instead_of_waiting(tmp_path, monkeypatch, server, probe):
    import multiprocessing
    import time

    monkeypatch.setattr(forkservers, "_STATE", {})
    forkservers.start(multiprocessing.get_context("forkserver"))
    for _ in range(600):  # until the launcher thread has started both
        if len(forkservers._STATE["processes"]) == 2:
            break
        time.sleep(0.05)
    jobs.run(make_job(tmp_path, probe, name="before"))  # the new servers work
    process = forkservers._STATE["processes"][server]
    process.kill()
    process.join()
    with pytest.raises(jobs.JobError, match="its process died"):
        jobs.run(make_job(tmp_path, probe, name="orphan"))


def test_jobs_say_why_the_servers_could_not_start(tmp_path, monkeypatch):
    import multiprocessing

    real = multiprocessing.get_context("forkserver")

    class Broken:
        Pipe = staticmethod(real.Pipe)

        @staticmethod
        def Process(*args, **kwargs):
            raise OSError("no fork server here")

    monkeypatch.setattr(forkservers, "_STATE", {})
    forkservers.start(Broken())
    job = make_job(tmp_path, COMPUTE_PROBE, name="stranded")
    message = "stranded \\(rs=6\\) failed: the job servers could not be started: OSError: no fork server here"
    with pytest.raises(jobs.JobError, match=message):
        jobs.run(job)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc (Linux)")
def test_no_server_outlives_the_process_that_started_it(tmp_path):
    """The job server, the two servers forked from it and their spare children all end with the
    process that submitted the jobs (here a separate interpreter that runs two jobs and exits)."""
    import subprocess
    import sys
    import time

    figure, compute = make_job(tmp_path, FIGURE_PROBE, name="f"), make_job(tmp_path, COMPUTE_PROBE, name="c")
    (tmp_path / "jobs.pkl").write_bytes(pickle.dumps([figure, compute]))
    code = f"""
import pickle, sys
from viscous_forces import jobs, forkservers
jobs.start_server({str(SCRIPTS)!r}, {str(REPO / "src")!r})
for job in pickle.loads(open({str(tmp_path / "jobs.pkl")!r}, "rb").read()):
    jobs.run(job)
servers = [p.pid for p in forkservers._STATE["processes"].values()]
spares = [c for p in servers for c in open(f"/proc/{{p}}/task/{{p}}/children").read().split()]
print(" ".join(map(str, servers)), "|", " ".join(spares))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    servers, spares = out.stdout.split("|")
    pids, children = [int(p) for p in servers.split()], [int(p) for p in spares.split()]
    assert len(pids) == 2 and len(children) >= 2  # each server has its spare

    def running(pid):
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 20
    while any(running(p) for p in pids + children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in pids + children if running(p)]


def test_named_lists_pickle_and_read_like_snakemake():
    named = jobs.Named(["a.nc", "b.nc"], {"chi": "a.nc", "eq": ["b.nc"]})
    back = pickle.loads(pickle.dumps(named))
    assert list(back) == ["a.nc", "b.nc"] and back.chi == "a.nc" and back.eq == ["b.nc"]
    assert dict(back.items()) == {"chi": "a.nc", "eq": ["b.nc"]}
    with pytest.raises(AttributeError):
        back.missing  # noqa: B018


def test_timing_is_read_from_the_last_line_of_a_log(tmp_path):
    log = tmp_path / "x.log"
    log.write_text("16:00:00 info\n" + jobs.TIMING.format(rule="compute_chi", wall=1.25, cpu=1.2, rss=210.4) + "\n")
    assert jobs.read_timing(log) == {"rule": "compute_chi", "wall": 1.25, "cpu": 1.2, "rss": 210.0}
    log.write_text("failed\n")
    assert jobs.read_timing(log) is None
    assert jobs.read_timing(tmp_path / "missing.log") is None


@pytest.mark.parametrize(
    "argv, runs",
    [
        (["--cores", "2"], True),
        (["--cores", "all", "everything", "--forcerun", "compute_chi"], True),
        (["-n"], False),
        (["-np", "everything"], False),
        (["--dry-run"], False),
        (["--lint"], False),
        (["--report=report.html"], False),
        (["--unlock"], False),
        (["--executor", "slurm"], False),
        (["--summary"], False),
    ],
)
def test_the_server_starts_early_only_when_jobs_may_run_here(argv, runs):
    assert snakemake_process.runs_jobs(argv) is runs and jobs.runs_jobs is snakemake_process.runs_jobs


def test_the_server_preloads_what_the_scripts_import_and_no_workflow_machinery():
    modules = jobserver.server_modules(sorted(SCRIPTS.glob("*.py")), REPO / "src")
    for name in (
        "viscous_forces.stages.response",
        "viscous_forces.figures.velocities",
        "viscous_forces.core.kernels.rmcp07",  # found by name when a job runs
        "scipy.optimize",  # imported inside a function of the package
        "xarray",
        "matplotlib.pyplot",
    ):
        assert name in modules, name
    for name in ("viscous_forces.config", "jsonschema", "snakemake", "viscous_forces.codedeps", "scipy.signal"):
        assert name not in modules, name


def test_the_scheduler_keeps_one_wakeup_timer():
    """Snakemake starts a new timer after every pass of its scheduling loop; coalesced, a second request
    before the first is due starts none, and the timer does not keep Python from exiting."""
    from snakemake.scheduling.job_scheduler import JobScheduler

    snakemake_process.coalesce_scheduler_wakeups()

    class Fake:
        _open_jobs = threading.Semaphore(0)

    fake = Fake()
    before = threading.active_count()
    JobScheduler._schedule_reevalutation(fake, 0.3)
    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer)]
    JobScheduler._schedule_reevalutation(fake, 0.5)
    JobScheduler._schedule_reevalutation(fake, 1.0)
    assert threading.active_count() == before + 1 and all(t.daemon for t in timers)
    assert fake._open_jobs.acquire(timeout=2.0)  # it wakes the scheduler
    assert not fake._open_jobs.acquire(timeout=0.5)  # once


def test_each_version_of_a_file_is_hashed_once(tmp_path, monkeypatch):
    """Snakemake hashes a job's inputs after every job; remembered, one version of a file is hashed
    once, a rewritten file (atomic rename, as the workflow writes) again, and files above the size
    threshold, storage files and explicit algorithms are left to Snakemake."""
    import asyncio
    import hashlib

    from snakemake.io import _IOFile

    calls = []

    async def original(self, threshold=None, force=False, algorithm=None):
        calls.append(self.file)
        if not force and Path(self.file).stat().st_size > threshold:
            return None
        return "sha256:" + hashlib.sha256(Path(self.file).read_bytes()).hexdigest()

    monkeypatch.setattr(_IOFile, "checksum", original)
    monkeypatch.setattr(_IOFile, "_viscous_forces_remembered", False, raising=False)
    snakemake_process.remember_checksums()

    class File:
        is_storage = False

        def __init__(self, path):
            self.file = str(path)

    path = tmp_path / "chi.nc"
    path.write_bytes(b"one")
    f = File(path)
    first = asyncio.run(_IOFile.checksum(f, 10**6))
    assert asyncio.run(_IOFile.checksum(f, 10**6)) == first == "sha256:" + hashlib.sha256(b"one").hexdigest()
    assert len(calls) == 1
    new = tmp_path / "chi.nc.part"
    new.write_bytes(b"two")
    new.replace(path)  # a new version
    assert asyncio.run(_IOFile.checksum(f, 10**6)) == "sha256:" + hashlib.sha256(b"two").hexdigest()
    assert len(calls) == 2
    assert asyncio.run(_IOFile.checksum(f, 1)) is None and len(calls) == 3  # over the threshold: Snakemake's
    asyncio.run(_IOFile.checksum(f, 10**6, algorithm="md5"))
    f.is_storage = True
    asyncio.run(_IOFile.checksum(f, 10**6))
    assert len(calls) == 5


def test_job_parameters_are_recorded_as_snakemake_records_them_without_importing_pandas(monkeypatch):
    """Snakemake's metadata serializer imports pandas to look for pandas objects among a job's
    parameters; while pandas is not imported none can be one, and the record is the same."""
    import sys

    import pandas as pd
    from snakemake.persistence import PersistenceBase

    original = PersistenceBase._serialize_param_pandas
    monkeypatch.setattr(PersistenceBase, "_serialize_param_pandas", original)
    monkeypatch.setattr(PersistenceBase, "_viscous_forces_lazy_pandas", False, raising=False)
    snakemake_process.serialize_params_without_pandas()
    patched = PersistenceBase._serialize_param_pandas
    assert patched is not original
    values = [
        {"grid": {"n_gl": 10, "q_max": 40.0}, "kernel": "rmcp07"},
        [1, 2.5, "x"],
        ("a", None),
        3.25,
        "results/chi/rpa/rs6.nc",
        None,
        Path("logs/x.log"),
        object(),
    ]

    class Persistence:
        _serialize_param_builtin = PersistenceBase._serialize_param_builtin

    me = Persistence()
    expected = [original(me, v) for v in values]  # pandas imported: Snakemake's own path
    with monkeypatch.context() as m:
        m.delitem(sys.modules, "pandas")
        assert [patched(me, v) for v in values] == expected
        assert "pandas" not in sys.modules
    frame = pd.DataFrame({"a": [1, 2]})
    assert patched(me, frame) == original(me, frame) == repr(pd.util.hash_pandas_object(frame).tolist())


def test_code_inputs_leave_out_imports_for_annotations_only(tmp_path):
    """An import under ``if TYPE_CHECKING:`` never runs, so it is no code input (viscous_forces.codedeps)."""
    from viscous_forces.codedeps import package_closure

    pkg = tmp_path / "viscous_forces"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "used.py").write_text("")
    (pkg / "annotation.py").write_text("")
    (pkg / "typed.py").write_text("")
    (pkg / "module.py").write_text(
        "import typing\nfrom typing import TYPE_CHECKING\n\nfrom . import used\n\n"
        "if TYPE_CHECKING:\n    from . import annotation\n"
        "if typing.TYPE_CHECKING:\n    from . import typed\nelse:\n    pass\n"
    )
    closure = {p.name for p in package_closure(pkg / "module.py", tmp_path)}
    assert closure == {"__init__.py", "module.py", "used.py"}
