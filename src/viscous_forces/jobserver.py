"""Imported once by the workflow's job server (:func:`viscous_forces.jobs.start_server`).

Importing this module imports, in the server, every module a computing job could import
(:func:`server_modules` but the figure stack), then does what every job would otherwise do on its
first call: xarray writes and reads a small netCDF file (loading netCDF4, its backends and the array
types it checks for).  The figure server (:mod:`viscous_forces.forkservers`), forked from the job
server, then imports the figure stack (:func:`preload_figures`): matplotlib draws a small figure
with mathematical text to PNG (loading its fonts) and imports its PDF backend and font subsetter.
The jobs, forked from one or the other, start with all of it in memory.
"""

from __future__ import annotations

import gc
import importlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .forkservers import in_figure_stack, preload_modules
from .jobs import SERVER

#: Modules the server does not import: heavy and imported only by rare jobs (scipy.signal: the
#: convolution of an AC pulse, 0.7 s), or only by the workflow itself (the configuration checks,
#: the code stamps, Snakemake).
NOT_PRELOADED = ("scipy.signal", "viscous_forces.config", "viscous_forces.codedeps", "jsonschema", "yaml")


def server_modules(scripts: Iterable[os.PathLike | str], src: os.PathLike | str) -> list[str]:
    """What the job server imports: every module that a job could import, but :data:`NOT_PRELOADED`.

    That is every module of the package and every module that the package and the scripts import
    (:func:`preload_modules`), also inside functions.

    Parameters
    ----------
    scripts : iterable of path-like
        The rules' scripts.
    src : path-like
        The directory holding the package.

    Returns
    -------
    list of str
        Module names, the package's first.
    """
    root = Path(src).resolve()
    files = sorted(root.glob("viscous_forces/**/*.py"))
    names = []
    for f in files:
        parts = list(f.relative_to(root).with_suffix("").parts)
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    names = list(dict.fromkeys(names + preload_modules([*scripts, *files])))
    skip = (*NOT_PRELOADED, "viscous_forces.jobserver", "snakemake")
    return [n for n in names if not any(n == s or n.startswith(s + ".") for s in skip)]


def preload(spec: dict) -> None:
    """Import what the computing jobs of the workflow import (:func:`server_modules`, without the
    figure stack, which :func:`preload_figures` imports in the figure server).

    Parameters
    ----------
    spec : dict
        ``scripts`` (the directory of the rules' scripts), ``src`` (the package's source directory)
        and ``main`` (the path of the main script of the process that started the server, or None).
    """
    if spec.get("main"):  # the children need not run the parent's main script again
        sys.modules["__main__"].__file__ = spec["main"]
    _import(name for name in _modules(spec) if not in_figure_stack(name))


def preload_figures() -> None:
    """In the figure server (forked from the job server): import the figure stack of the workflow's
    jobs, draw a figure once (:func:`warm_up_figures`), and freeze what is then in memory."""
    gc.disable()
    _import(name for name in _modules(json.loads(os.environ[SERVER])) if in_figure_stack(name))
    warm_up_figures()
    gc.freeze()
    gc.enable()


def _modules(spec: dict) -> list[str]:
    return server_modules(sorted(Path(spec["scripts"]).glob("*.py")), spec["src"])


def _import(names: Iterable[str]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def warm_up() -> None:
    """Write and read a netCDF file through :mod:`viscous_forces.io`."""
    import numpy as np
    import xarray as xr

    from .io import read_dataset, write_dataset

    ds = xr.Dataset(
        {"x": ("n", np.arange(3.0), {"units": "1", "long_name": "x"})},
        coords={"n": ("n", np.arange(3), {"units": "1", "long_name": "n"})},
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = write_dataset(ds, Path(tmp) / "warm_up.nc")
        read_dataset(path)


def warm_up_figures() -> None:
    """Draw a figure with mathematical text to PNG; import what a PDF needs."""
    import matplotlib
    from matplotlib.figure import Figure

    from .figures.style import PlotOptions, rc

    with matplotlib.rc_context(rc(PlotOptions())):
        fig = Figure(figsize=(2, 2), layout="constrained")
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], label=r"$\omega_p$")
        ax.legend()
        fig.savefig(io.BytesIO(), format="png")
    # a PDF costs as much each time (fontTools subsets the TrueType fonts): import what it needs
    importlib.import_module("matplotlib.backends.backend_pdf")
    importlib.import_module("fontTools.subset")


if os.environ.get(SERVER):
    # No cyclic garbage collection while importing (nothing to collect, and a full collection at
    # every few thousand new objects); then the server's objects are frozen, so that a job's
    # collections neither scan them nor copy the pages they live on (each job is a fork).
    gc.disable()
    preload(json.loads(os.environ[SERVER]))
    warm_up()
    gc.freeze()
    gc.enable()
