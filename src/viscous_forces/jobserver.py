"""Imported once by the workflow's job server (:func:`viscous_forces.jobs.start_server`).

Importing this module imports, in the server, every module a job could import
(:func:`viscous_forces.jobs.server_modules`), then does what every job would otherwise do on its
first call: xarray writes and reads a small netCDF file (loading netCDF4, its backends and the array
types it checks for) and matplotlib draws a small figure with mathematical text to PNG (loading its
fonts) and imports its PDF backend and font subsetter.  The jobs, forked
from the server, start with all of it in memory.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from .jobs import SERVER, server_modules


def preload(spec: dict) -> None:
    """Import what the jobs of the workflow import (:func:`viscous_forces.jobs.server_modules`).

    Parameters
    ----------
    spec : dict
        ``scripts`` (the directory of the rules' scripts), ``src`` (the package's source directory)
        and ``main`` (the path of the main script of the process that started the server, or None).
    """
    if spec.get("main"):  # the children need not run the parent's main script again
        sys.modules["__main__"].__file__ = spec["main"]
    scripts = sorted(Path(spec["scripts"]).glob("*.py"))
    for name in server_modules(scripts, spec["src"]):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def warm_up() -> None:
    """Write and read a netCDF file through :mod:`viscous_forces.io`; draw a figure to PNG."""
    import matplotlib
    import numpy as np
    import xarray as xr
    from matplotlib.figure import Figure

    from .figures.style import PlotOptions, rc
    from .io import read_dataset, write_dataset

    ds = xr.Dataset(
        {"x": ("n", np.arange(3.0), {"units": "1", "long_name": "x"})},
        coords={"n": ("n", np.arange(3), {"units": "1", "long_name": "n"})},
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = write_dataset(ds, Path(tmp) / "warm_up.nc")
        read_dataset(path)
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
    preload(json.loads(os.environ[SERVER]))
    warm_up()
