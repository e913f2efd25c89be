"""Logging for workflow scripts: one logger writing to the rule's log file and to stderr."""

from __future__ import annotations

import logging
import sys
from pathlib import Path


def script_logger(name: str, log_path: str | None = None) -> logging.Logger:
    """Logger ``viscous_forces.<name>`` writing INFO records to ``log_path`` (if given) and stderr.

    Also installs a ``sys.excepthook`` so that an uncaught error lands in the log file.

    Parameters
    ----------
    name : str
        Rule name, the suffix of the logger name.
    log_path : str, optional
        The rule's log file (overwritten); its directory is created.

    Returns
    -------
    logging.Logger
        The configured logger (not propagating to the root logger).
    """
    logger = logging.getLogger(f"viscous_forces.{name}")
    logger.setLevel(logging.INFO)
    logger.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s", "%H:%M:%S")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w"))
    for h in handlers:
        h.setFormatter(fmt)
        logger.addHandler(h)
    logger.propagate = False

    def excepthook(exc_type, exc, tb):  # an uncaught error also lands in the rule's log file
        logger.error("%s failed", name, exc_info=(exc_type, exc, tb))

    sys.excepthook = excepthook
    return logger


def log_path(snakemake_object) -> str | None:
    """The first log file of a Snakemake job, if any.

    Parameters
    ----------
    snakemake_object : snakemake.script.Snakemake
        The ``snakemake`` object injected into a rule's script.

    Returns
    -------
    str or None
        Path of the job's first log file, or None if the rule has none.
    """
    logs = list(getattr(snakemake_object, "log", []))
    return str(logs[0]) if logs else None
