"""How the workflow runs the script of a rule: one process per job, without a fresh interpreter.

A local run starts one *job server* (:func:`start_server`): a Python process that imports numpy,
scipy, xarray, netCDF4 and the package once and then forks a child for every job
(``multiprocessing``'s forkserver, through the two servers forked from it,
:mod:`viscous_forces.forkservers`: one for computing jobs, one that has also imported matplotlib
for the jobs that draw).  Each job therefore runs in a process of its own, as with Snakemake's
``script:`` directive (its own memory, matplotlib and HDF5 state, one BLAS thread, a crash kills
the job and not the run), but starts in milliseconds instead of the second that a new interpreter
and its imports take.  Where a process is already dedicated to one job (a SLURM job step, or
Snakemake's per-job subprocess when threads are not forced), the script runs in that process
instead (:func:`run` with ``fork=False``).

Every job writes its own log file: what the script logs, and in a forked child also every
warning and message on its standard output and error; then its traceback if it fails, and as its
last line the job's own wall time, CPU time and peak memory (:data:`TIMING`), which
:func:`read_timing` reads back.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import resource
import runpy
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import forkservers
from .named import Named, as_named
from .provenance import check_input, stamping
from .snakemake_process import (  # noqa: F401 (used as jobs.*)
    NO_JOBS,
    Console,
    coalesce_scheduler_wakeups,
    collect_less,
    remember_checksums,
    runs_jobs,
    serialize_params_without_pandas,
)

#: Environment of every job: one thread for the BLAS and OpenMP libraries (what Snakemake gives a
#: one-thread job), so that two jobs on two cores do not oversubscribe them and results do not
#: depend on the number of threads.
ONE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "GOTO_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    )
}

#: Environment variable: ``1`` runs every job in a fresh interpreter instead of a child of the job
#: server (:func:`fresh_interpreters`).
FRESH = "VISCOUS_FORCES_FRESH_INTERPRETERS"

#: Environment variable that gives the job server the path of this process's main script.
MAIN_PATH = "VISCOUS_FORCES_MAIN_PATH"

#: The last line of a finished job's log; :func:`read_timing` parses it.
TIMING = "job {rule} finished: wall {wall:.3f} s, cpu {cpu:.3f} s, max RSS {rss:.0f} MiB"
_TIMING = re.compile(r"job (\w+) finished: wall ([0-9.]+) s, cpu ([0-9.]+) s, max RSS ([0-9.]+) MiB")


@dataclass(frozen=True)
class Job:
    """One workflow job: what a rule's script reads as ``snakemake`` (input, output, params, ...).

    Attributes
    ----------
    rule : str
        Rule name.
    script : str
        Path of the script to run.
    input, output, params, wildcards, log : Named
        As Snakemake gives them to a script.
    workdir : str
        Working directory the paths are relative to.
    provenance : dict or None
        The provenance of the job's outputs (:mod:`viscous_forces.provenance`), stamped on every
        netCDF file it writes.
    expected : dict
        Input path -> the provenance the configuration gives it; checked before the script runs.
    """

    rule: str
    script: str
    input: Named = field(default_factory=Named)
    output: Named = field(default_factory=Named)
    params: Named = field(default_factory=Named)
    wildcards: Named = field(default_factory=Named)
    log: Named = field(default_factory=Named)
    workdir: str = "."
    threads: int = 1
    provenance: dict | None = None
    expected: dict = field(default_factory=dict)

    @classmethod
    def from_snakemake(cls, rule, script, input, output, params, wildcards, log, provenance=None, expected=None) -> Job:
        """The job of a ``run:`` block, from the objects Snakemake passes to it.

        Parameters
        ----------
        rule : str
            Rule name.
        script : path-like
            The rule's script.
        input, output, params, wildcards, log : snakemake.io.Namedlist
            As Snakemake passes them to a ``run:`` block; copied as plain strings and lists.
        provenance, expected : dict, optional
            See the attributes.

        Returns
        -------
        Job
            The job, with the current directory as its working directory.
        """
        return cls(
            rule=str(rule),
            script=str(script),
            input=as_named(input),
            output=as_named(output),
            params=as_named(params),
            wildcards=as_named(wildcards),
            log=as_named(log),
            workdir=os.getcwd(),
            provenance=provenance,
            expected=dict(expected or {}),
        )

    @property
    def log_file(self) -> str | None:
        """The job's log file.

        Returns
        -------
        str or None
            The first log file of the job, None if it has none.
        """
        return str(self.log[0]) if self.log else None

    def describe(self) -> str:
        """How messages name the job.

        Returns
        -------
        str
            The rule and its wildcards, e.g. ``tabulate_kernel (kernel=rpa, rs=6)``.
        """
        wc = ", ".join(f"{k}={v}" for k, v in self.wildcards.items() if v != "")
        return f"{self.rule} ({wc})" if wc else self.rule


class JobError(RuntimeError):
    """A job's script failed; the message is its error, the log holds the traceback."""


# --------------------------------------------------------------------------------------------
# running a job
# --------------------------------------------------------------------------------------------


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _execute(job: Job, forked: bool) -> dict:
    """Run the job's script in this process; return its timing; raise on failure (traceback logged)."""
    os.chdir(job.workdir)
    log = job.log_file
    if log:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        Path(log).write_text("")
        if forked:  # everything the job prints, warnings of C libraries included, goes to its log
            sys.stdout.flush()
            sys.stderr.flush()
            fd = os.open(log, os.O_WRONLY | os.O_APPEND)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.close(fd)
    cpu_clock = time.process_time if forked else time.thread_time
    t0, c0 = time.perf_counter(), cpu_clock()
    try:
        for path, expected in job.expected.items():  # inputs made with other parameters are refused
            check_input(path, expected)
        with stamping(job.provenance):
            runpy.run_path(job.script, init_globals={"snakemake": job}, run_name="__snakemake_job__")
    except BaseException as exc:
        text = "".join(traceback.format_exception(exc))
        if log:
            with open(log, "a") as fh:
                fh.write(f"{job.describe()} failed:\n{text}")
        raise
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    timing = {"wall": time.perf_counter() - t0, "cpu": cpu_clock() - c0, "rss": _max_rss_mib()}
    if log:
        with open(log, "a") as fh:
            fh.write(TIMING.format(rule=job.rule, **timing) + "\n")
    return timing


def _child(job: Job, conn) -> None:
    """Body of a forked job process: run the job, send back ("ok", timing) or ("error", message)."""
    try:
        conn.send(("ok", _execute(job, forked=True)))
    except BaseException as exc:  # every failure, interruptions included, is reported to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run(job: Job, fork: bool = True) -> dict:
    """Run ``job``: in a child of the job server (``fork``), or in this process.

    Parameters
    ----------
    job : Job
        The job.
    fork : bool
        True in Snakemake's main process (local runs: each job in its own forked process); False
        where the process is already dedicated to the job (a SLURM job step, a debugging run).

    Returns
    -------
    dict
        ``wall`` and ``cpu`` (s) and ``rss`` (MiB) of the job, as logged.

    Raises
    ------
    JobError
        If the script raises (the message is its error; the traceback is in the job's log) or its
        process dies (the message names the signal).
    """
    if not fork:
        from threadpoolctl import threadpool_limits

        # one BLAS/OpenMP thread, as in a child of the server: for libraries already loaded, and
        # through the environment for those the job loads
        try:
            with _ENVIRONMENT_LOCK, _environment(ONE_THREAD), threadpool_limits(limits=1):
                return _execute(job, forked=False)
        except Exception as exc:
            raise JobError(_failure(job, f"{type(exc).__name__}: {exc}")) from exc
    if fresh_interpreters():
        status, payload = _run_in_process(job, multiprocessing.get_context("spawn"))
    else:
        forkservers.start(multiprocessing.get_context("forkserver"))  # once, at the first job
        status, payload = forkservers.submit(job)
    if status == "ok":
        return payload
    if status == "died":
        how = f"signal {-payload}" if payload is not None and payload < 0 else f"exit code {payload}"
        raise JobError(_failure(job, f"its process died ({how})"))
    raise JobError(_failure(job, payload))


def _run_in_process(job: Job, ctx) -> tuple[str, Any]:
    """Run ``job`` in a new process of ``ctx`` (a fresh interpreter, :func:`fresh_interpreters`).

    Returns ("ok", timing), ("error", message) or ("died", exit code).
    """
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(job, send), name=job.describe())
    with _ENVIRONMENT_LOCK, _environment(ONE_THREAD):  # a spawned interpreter copies the environment
        proc.start()
    send.close()
    try:
        status, payload = receive.recv()
    except EOFError:  # the child died without a word: a signal or os._exit
        status, payload = "died", None
    except BaseException:
        proc.join()
        raise
    finally:
        receive.close()
    if status == "ok":  # outputs and log closed: done; the process exits without us, reaped later
        return status, payload
    proc.join()
    return (status, proc.exitcode) if status == "died" else (status, payload)


def fresh_interpreters() -> bool:
    """Whether every job starts in a fresh interpreter (:data:`FRESH` set to 1), not from the server.

    Slower (each job imports numpy, xarray, ... itself) but independent of anything the server
    loaded: for debugging.

    Returns
    -------
    bool
        True if the environment variable :data:`FRESH` is ``1``.
    """
    return os.environ.get(FRESH, "") == "1"


def _failure(job: Job, what: str) -> str:
    where = f"; the traceback is in {job.log_file}" if job.log_file else ""
    return f"{job.describe()} failed: {what}{where}"


# --------------------------------------------------------------------------------------------
# the job server
# --------------------------------------------------------------------------------------------


#: Environment variable: what the job server is to load (JSON: the scripts' directory, the package's
#: source directory, the main script of the process that started it).
SERVER = "VISCOUS_FORCES_JOB_SERVER"


def start_server(scripts: os.PathLike | str, src: os.PathLike | str) -> None:
    """Start the job server (once per process) for the rules' scripts in ``scripts``.

    The server is a fresh interpreter (one BLAS thread, :data:`ONE_THREAD`) that imports
    :mod:`viscous_forces.jobserver`, which imports :func:`~viscous_forces.jobserver.server_modules` and
    exercises netCDF and matplotlib once; it starts in the background and stops when this process exits.  Nothing is
    started if every job gets a fresh interpreter (:func:`fresh_interpreters`), and a second call
    does nothing.

    Parameters
    ----------
    scripts : path-like
        The directory of the rules' scripts.
    src : path-like
        The directory holding the package.
    """
    from multiprocessing import forkserver

    if fresh_interpreters():
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["viscous_forces.jobserver"])
    spec = {"scripts": str(Path(scripts).resolve()), "src": str(Path(src).resolve()), "main": None}
    main = sys.modules["__main__"]
    if getattr(main, "__spec__", None) is None and getattr(main, "__file__", None):
        # Each child would run this process's main script again (multiprocessing prepares a
        # child from the path of __main__; for `snakemake` that imports its whole command line,
        # about 2 s), unless the server's __main__ already has that path: the server sets it.
        spec["main"] = os.path.normpath(os.path.join(os.getcwd(), main.__file__))
    env = {**ONE_THREAD, SERVER: json.dumps(spec)}
    with _ENVIRONMENT_LOCK, _environment(env):  # the server's environment, copied when it is spawned
        forkserver.ensure_running()


_ENVIRONMENT_LOCK = threading.Lock()


@contextlib.contextmanager
def _environment(values: Mapping[str, str]):
    """``os.environ`` with ``values`` set, restored afterwards (hold :data:`_ENVIRONMENT_LOCK`)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def read_timing(log: os.PathLike | str) -> dict | None:
    """The timing line of a job's log: ``rule``, ``wall``, ``cpu`` (s), ``rss`` (MiB); None if absent.

    Parameters
    ----------
    log : path-like
        A job's log file.

    Returns
    -------
    dict or None
        The job's own timing, or None for a log without it (a failed or unfinished job).
    """
    try:
        text = Path(log).read_text(errors="replace")
    except OSError:
        return None
    found = _TIMING.findall(text)
    if not found:
        return None
    rule, wall, cpu, rss = found[-1]
    return {"rule": rule, "wall": float(wall), "cpu": float(cpu), "rss": float(rss)}
