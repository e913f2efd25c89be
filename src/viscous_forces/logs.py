"""Logging for workflow scripts: one logger per job, writing to the job's log file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path


def script_logger(name: str, log_path: str | None = None) -> logging.Logger:
    """Logger ``viscous_forces.<name>`` writing INFO records to the job's log file ``log_path``.

    The job runner (:mod:`viscous_forces.jobs`) empties the log when the job starts, so the file is
    appended to; without a log file the records go to standard error.

    Parameters
    ----------
    name : str
        Rule name, the suffix of the logger name.
    log_path : str, optional
        The rule's log file; its directory is created.

    Returns
    -------
    logging.Logger
        The configured logger (not propagating to the root logger).
    """
    logger = logging.getLogger(f"viscous_forces.{name}")
    logger.setLevel(logging.INFO)
    for h in list(logger.handlers):
        logger.removeHandler(h)
        h.close()
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(log_path, mode="a")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.propagate = False
    return logger


def log_path(snakemake_object) -> str | None:
    """The first log file of a Snakemake job, if any.

    Parameters
    ----------
    snakemake_object : snakemake.script.Snakemake or viscous_forces.jobs.Job
        The ``snakemake`` object a rule's script sees.

    Returns
    -------
    str or None
        Path of the job's first log file, or None if the rule has none.
    """
    logs = list(getattr(snakemake_object, "log", []))
    return str(logs[0]) if logs else None
