"""Snakemake's own process: whether its command line runs jobs here, and its scheduler's wake-ups.

Both serve the workflow (``workflow/rules/common.smk``, through :mod:`viscous_forces.jobs`, which
re-exports them): :func:`runs_jobs` decides whether to start the job server while Snakemake plans,
:func:`coalesce_scheduler_wakeups` keeps Snakemake's scheduling loop from multiplying its timers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

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
