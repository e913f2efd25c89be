"""Imported once by the workflow's job server (:func:`viscous_forces.jobs.start_server`).

Importing this module does, in the server, what every job would otherwise do on its first call:
xarray writes and reads a small netCDF file (loading netCDF4, its backends and the array types it
checks for) and matplotlib draws a small figure with mathematical text to PNG and PDF (loading
its fonts and both backends).  The jobs, forked from the server, start with all of it in memory.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

import matplotlib
import numpy as np
import xarray as xr

from .jobs import MAIN_PATH


def warm_up() -> None:
    """Write and read a netCDF file through :mod:`viscous_forces.io`; draw a figure to PNG and PDF."""
    from matplotlib.figure import Figure

    from .io import read_dataset, write_dataset

    ds = xr.Dataset(
        {"x": ("n", np.arange(3.0), {"units": "1", "long_name": "x"})},
        coords={"n": ("n", np.arange(3), {"units": "1", "long_name": "n"})},
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = write_dataset(ds, Path(tmp) / "warm_up.nc")
        read_dataset(path)
    from .figures.style import PlotOptions, rc

    with matplotlib.rc_context(rc(PlotOptions())):  # TrueType fonts in PDFs: fontTools subsets them
        fig = Figure(figsize=(2, 2), layout="constrained")
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], label=r"$\omega_p$")
        ax.legend()
        for fmt in ("png", "pdf"):
            fig.savefig(io.BytesIO(), format=fmt)


if os.environ.get(MAIN_PATH):  # the children need not run the parent's main script again
    sys.modules["__main__"].__file__ = os.environ[MAIN_PATH]
warm_up()
