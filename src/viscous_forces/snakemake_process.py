"""Snakemake's own process: whether its command line runs jobs here, its scheduler's wake-ups and its console.

Both serve the workflow (``workflow/rules/common.smk``, through :mod:`viscous_forces.jobs`, which
re-exports them): :func:`runs_jobs` decides whether to start the job server while Snakemake plans,
:func:`coalesce_scheduler_wakeups` keeps Snakemake's scheduling loop from multiplying its timers,
:func:`remember_checksums` keeps it from hashing the same file again after every job,
:func:`serialize_params_without_pandas` from importing pandas to record a job's parameters,
:func:`collect_less` keeps its garbage collector from scanning what lives as long as the process,
:class:`Console` prints one line per finished job.
"""

from __future__ import annotations

import atexit
import gc
import os
import stat
import sys
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .jobs import Job

#: Options of the snakemake command line after which it runs no job (dry runs, reports, listings,
#: maintenance); :func:`runs_jobs` looks for them.
NO_JOBS = frozenset(
    """-n --dry-run --dryrun --lint --report --summary -S --detailed-summary -D --dag --rulegraph
    --filegraph --d3dag --unlock --cleanup-metadata --cm --cleanup-shadow --delete-all-output
    --delete-temp-output --touch -t --archive --containerize --generate-unit-tests --print-compilation
    --list-rules --list -l --list-target-rules --lt --list-changes --lc --list-input-changes --li
    --list-params-changes --lp --list-code-changes --list-untracked --lu --list-conda-envs
    --conda-create-envs-only --conda-cleanup-envs --export-cwl --version -v --help -h""".split()
)


def runs_jobs(argv: Iterable[str]) -> bool:
    """Whether a ``snakemake`` command line (without the program) may run jobs in this process.

    A heuristic that lets the workflow start the job server while Snakemake is still planning;
    if it errs, a server starts needlessly (and stops with the process) or starts later, when the
    first job is about to run.

    Parameters
    ----------
    argv : iterable of str
        The command-line arguments.

    Returns
    -------
    bool
        False if an option of :data:`NO_JOBS` (or a cluster of one-letter flags with ``n``, such
        as ``-np``) is present, or the jobs go to another executor (``--executor``, ``-e``).
    """
    for arg in argv:
        name = arg.split("=", 1)[0]
        if name in NO_JOBS or name in ("--executor", "-e"):
            return False
        if name.startswith("-") and not name.startswith("--") and name[1:].isalpha() and "n" in name[1:]:
            return False
    return True


def coalesce_scheduler_wakeups() -> None:
    """Make Snakemake's scheduler keep one pending wake-up timer instead of one per loop pass.

    Snakemake 9 (``JobScheduler._schedule_reevalutation``) starts a new one-second timer thread
    after every pass of its scheduling loop, and every finished job starts another pass, so the
    timers multiply: after n finished jobs the loop runs about n times a second, each pass
    examining every input file of every ready job, and Python waits for the last timers before it
    exits.  This keeps a single timer (daemonic) whose wake-up is no later than any that was asked
    for, which leaves what the scheduler decides unchanged.
    """
    from snakemake.scheduling import job_scheduler

    cls = job_scheduler.JobScheduler
    if getattr(cls, "_viscous_forces_coalesced", False):
        return
    lock = threading.Lock()

    def schedule_reevaluation(self, delay) -> None:
        due = time.monotonic() + delay
        with lock:
            pending = self.__dict__.get("_vf_due")
            if pending is not None and time.monotonic() < pending <= due:
                return
            self.__dict__["_vf_due"] = due

        def wake():
            with lock:
                if self.__dict__.get("_vf_due") == due:
                    self.__dict__["_vf_due"] = None
            self._open_jobs.release()

        timer = threading.Timer(delay, wake)
        timer.daemon = True
        timer.start()

    cls._schedule_reevalutation = schedule_reevaluation
    cls._viscous_forces_coalesced = True


def remember_checksums() -> None:
    """Make Snakemake hash each version of a file once per process.

    After every job Snakemake records the SHA-256 of each of the job's input files (those up to
    ``--max-checksum-file-size``), once per output file (``PersistenceBase.finished``), so a file
    read by many jobs (a chi^h dataset, a code stamp) is hashed again and again by the scheduler's
    thread while no job is dispatched.  This remembers each checksum under the file's identity and
    version: path, inode, size, modification and status-change times in nanoseconds; any rewrite
    of the file (the workflow writes by atomic rename: a new inode) changes the key, so what
    Snakemake records is unchanged.  Storage files, explicit algorithms and files that cannot be
    examined are passed to Snakemake's own method.
    """
    from snakemake.io import _IOFile

    if getattr(_IOFile, "_viscous_forces_remembered", False):
        return
    original = _IOFile.checksum
    known: dict[tuple, str | None] = {}
    lock = threading.Lock()

    async def checksum(self, threshold=None, force=False, algorithm=None):
        if algorithm is not None or self.is_storage:
            return await original(self, threshold, force, algorithm)
        try:
            st = os.stat(self.file)
        except OSError:
            return await original(self, threshold, force, algorithm)
        if not stat.S_ISREG(st.st_mode) or (not force and (threshold is None or st.st_size > threshold)):
            return await original(self, threshold, force, algorithm)
        key = (os.path.abspath(self.file), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        with lock:
            if key in known:
                return known[key]
        value = await original(self, threshold, force, algorithm)
        with lock:
            known[key] = value
        return value

    _IOFile.checksum = checksum
    _IOFile._viscous_forces_remembered = True


def serialize_params_without_pandas() -> None:
    """Keep Snakemake from importing pandas to record the parameters of a finished job.

    Snakemake's metadata serializer (``PersistenceBase._serialize_param_pandas``) imports pandas
    (0.4 s) to check whether a parameter is a pandas object, at the first finished job, while
    the next jobs wait.  No value can be a pandas object while pandas is not imported in this
    process, so the check falls back to the built-in serializer then: what Snakemake records is
    unchanged.
    """
    from snakemake.persistence import PersistenceBase

    if getattr(PersistenceBase, "_viscous_forces_lazy_pandas", False):
        return
    original = PersistenceBase._serialize_param_pandas

    def serialize(self, value):
        if "pandas" not in sys.modules:
            return self._serialize_param_builtin(value)
        return original(self, value)

    PersistenceBase._serialize_param_pandas = serialize
    PersistenceBase._viscous_forces_lazy_pandas = True


_FREEZE_AT_EXIT = [False]


def collect_less() -> None:
    """Keep Python's cyclic garbage collector from scanning what lives as long as the process.

    Called once the workflow is parsed: everything that exists then (the modules of Snakemake and
    its dependencies, the rules, the configuration) is frozen (:func:`gc.freeze`), so that the
    collections during the run scan only what the run creates.  At exit everything is frozen again:
    the interpreter's final collection, about 0.3 s over Snakemake's heap on a 2-core machine, then
    has nothing to scan.  Nothing is lost by this: the process ends, and files are closed by the
    code that opened them.
    """
    gc.freeze()
    if not _FREEZE_AT_EXIT[0]:
        atexit.register(gc.freeze)
        _FREEZE_AT_EXIT[0] = True


# --------------------------------------------------------------------------------------------
# the console
# --------------------------------------------------------------------------------------------

#: Snakemake's per-job console records that a local run replaces by one line per job.
_PER_JOB_EVENTS = ("job_info", "job_started", "job_finished", "progress", "shellcmd", "group_info")
_PER_JOB_MESSAGES = ("Select jobs to execute...",)


class _OneLinePerJob:
    """A logging filter for Snakemake's logger: drops its per-job blocks (rule, input, output, log,
    wildcards, resources, finished, progress); errors and everything else pass."""

    def filter(self, record) -> bool:
        event = str(getattr(record, "event", "") or "").lower()
        if event.endswith(_PER_JOB_EVENTS):
            return False
        return record.getMessage() not in _PER_JOB_MESSAGES


class Console:
    """One console line per finished job (``[12/85] find_equilibrium (kernel=rpa, rs=6) 0.53 s``)
    instead of Snakemake's dozen; the details are in each job's log.

    Parameters
    ----------
    total : int
        Jobs of the run (the counter's denominator).
    """

    def __init__(self, total: int):
        self.total = total
        self.done = 0
        self._lock = threading.Lock()

    @classmethod
    def install(cls, total: int) -> Console:
        """Filter Snakemake's logger (see :class:`_OneLinePerJob`) and return the console.

        Parameters
        ----------
        total : int
            Jobs of the run.

        Returns
        -------
        Console
            The console that :meth:`finished` reports to.
        """
        from snakemake.logging import logger

        if not any(isinstance(f, _OneLinePerJob) for f in logger.filters):
            logger.addFilter(_OneLinePerJob())
        return cls(total)

    def finished(self, job: Job, timing: dict) -> str:
        """Print (through Snakemake's logger) and return the line of a finished job.

        Parameters
        ----------
        job : Job
            The job.
        timing : dict
            Its timing (:func:`run`).

        Returns
        -------
        str
            The line.
        """
        from snakemake.logging import logger

        with self._lock:
            self.done += 1
            width = len(str(self.total))
            line = f"[{self.done:>{width}}/{self.total}] {job.describe()} {timing['wall']:.2f} s"
        logger.info(line)
        return line
