"""Run names: where a run writes (``results/<name>/``, ``logs/<name>/``).

Only the repository's own ``config.yaml`` runs unnamed (the paper, in ``results/`` itself); any
other configuration runs under ``run.name``, the stem of its file, or the name of its folder for a
file called ``config.*`` (:func:`run_name`).  :func:`check_run_name` refuses names that are
empty, over-long, not a plain folder name, or one of the paper's stage folders;
:func:`check_writable` makes sure the run can write where it is to write.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

#: Folder names of results/ that a run name may not take (they hold the unnamed run's outputs).
RESERVED_RUN_NAMES = (
    "kernel",
    "chi",
    "equilibrium",
    "response",
    "pulse",
    "velocity",
    "friction",
    "cluster",
    "figures",
    "tables",
    "benchmarks",
)
RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: Longest run name (a folder name under results/ and logs/).
MAX_RUN_NAME = 64


def check_run_name(name: str, source: str = "run.name") -> str:
    """The run name (results/<name>/) or a ValueError naming the problem.

    Parameters
    ----------
    name : str
        The run name: ``run.name`` of the configuration, or derived from the configuration file's
        name (:func:`run_name`).
    source : str
        Where the name comes from, for the message.

    Returns
    -------
    str
        ``name`` unchanged.

    Raises
    ------
    ValueError
        Unless ``name`` is 1 to :data:`MAX_RUN_NAME` letters, digits, '_', '.', '-' starting with a
        letter or digit, and not one of :data:`RESERVED_RUN_NAMES`.
    """
    if not isinstance(name, str) or not name:
        problem = "is empty" if name == "" else "is not a string"
    elif len(name) > MAX_RUN_NAME:
        problem = f"is {len(name)} characters long (at most {MAX_RUN_NAME})"
    elif not RUN_NAME.fullmatch(name):
        problem = "must be letters, digits, '_', '.', '-' and start with a letter or digit"
    elif name in RESERVED_RUN_NAMES:
        problem = f"is a folder of the paper's run; not one of {', '.join(RESERVED_RUN_NAMES)}"
    else:
        return name
    from .config import short  # (config imports this module)

    raise ValueError(f"invalid configuration:\n  {source} = {short(name)} {problem}")


def run_name(name, configfile, repository_config) -> str:
    """The name of a run: where it writes (results/<name>/, logs/<name>/).

    Only the repository's own ``config.yaml`` runs unnamed (the paper: results/ itself). Any other
    configuration runs under ``run.name`` if set, else under the stem of its file (``rs4.yaml`` ->
    ``rs4``), or under the name of its folder when the file is called ``config.*``
    (``studies/gauss/config.yaml`` -> ``gauss``).

    Parameters
    ----------
    name : str or None
        ``run.name`` of the configuration (None: not set).
    configfile : path-like or None
        The configuration file that decides (the last ``--configfile``, else the workflow's
        ``config.yaml`` in the working directory); None if there is none.
    repository_config : path-like
        The repository's own ``config.yaml``.

    Returns
    -------
    str
        The run name, ``""`` for the repository's own configuration.

    Raises
    ------
    ValueError
        For an empty, over-long or otherwise invalid name (:func:`check_run_name`).
    """
    if name is not None:
        return check_run_name(name)
    if configfile is None:
        return ""
    path = Path(configfile).resolve()
    if path == Path(repository_config).resolve():
        return ""
    if path.stem != "config":
        return check_run_name(path.stem, f"the run name from --configfile {path}")
    return check_run_name(path.parent.name, f"the run name from the folder of {path}")


def check_writable(directory: str | os.PathLike) -> Path:
    """Create ``directory`` if needed and make sure files can be written in it.

    Parameters
    ----------
    directory : str or os.PathLike
        A folder the workflow writes to (``results/<run>``, ``logs/<run>``).

    Returns
    -------
    pathlib.Path
        ``directory``.

    Raises
    ------
    PermissionError
        Naming the folder (or the first of its parents that cannot be created) and what to do, if
        it cannot be created or written to (a read-only folder or file system).
    """
    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        where = path.resolve()
        raise PermissionError(
            errno.EACCES,
            f"cannot write to {where} ({exc.strerror or exc}): the run writes its results and logs there; make it "
            "writable (chmod u+w) or run the workflow in a directory you can write to (snakemake --directory DIR)",
        ) from None
    return path
