"""Deterministic, atomic netCDF output with units and provenance.

* Complex variables are stored as ``<name>_real`` / ``<name>_imag`` pairs (portable netCDF-4).
* Every data variable and coordinate must carry ``units`` and ``long_name``: :func:`write_dataset`
  refuses to write a dataset that lacks them.
* Files are written to a temporary name in the same directory and renamed into place, so a
  killed job never leaves a truncated file under the final name.
* No timestamps are written, so identical inputs give byte-identical files (Snakemake's checksum
  test then sees an unchanged file and does not re-run what depends on it).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from . import __version__
from .constants import CODATA_VERSION


def provenance(params: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes recording the package version and the parameters (as JSON) that made a file."""
    return {
        "software": "viscous_forces",
        "software_version": __version__,
        "parameters": json.dumps(params, sort_keys=True, default=float),
        "source": "Nazarov, Todorov, Gross, Phys. Rev. Lett. 133, 026301 (2024)",
        "units_system": "Hartree atomic units",
        "constants": CODATA_VERSION,
    }


def split_complex(ds: xr.Dataset) -> xr.Dataset:
    """Replace every complex variable ``x`` by ``x_real`` and ``x_imag`` (attributes copied)."""
    out = ds.copy()
    for name in list(ds.data_vars):
        var = ds[name]
        if np.iscomplexobj(var.values):
            for part, fn in (("real", np.real), ("imag", np.imag)):
                attrs = dict(var.attrs)
                attrs["long_name"] = f"{part} part of {var.attrs.get('long_name', name)}"
                out[f"{name}_{part}"] = xr.DataArray(fn(var.values), dims=var.dims, attrs=attrs)
            out = out.drop_vars(name)
    return out


def join_complex(ds: xr.Dataset) -> xr.Dataset:
    """Inverse of :func:`split_complex`."""
    out = ds.copy()
    for name in list(ds.data_vars):
        if name.endswith("_real") and name[:-5] + "_imag" in ds:
            base = name[:-5]
            attrs = dict(ds[name].attrs)
            attrs["long_name"] = attrs.get("long_name", base).removeprefix("real part of ")
            out[base] = xr.DataArray(ds[name].values + 1j * ds[base + "_imag"].values, dims=ds[name].dims, attrs=attrs)
            out = out.drop_vars([name, base + "_imag"])
    return out


def check_metadata(ds: xr.Dataset) -> None:
    """Raise ValueError naming every variable or coordinate without ``units`` or ``long_name``."""
    missing = [
        str(name)
        for name in list(ds.data_vars) + list(ds.coords)
        if "units" not in ds[name].attrs or "long_name" not in ds[name].attrs
    ]
    if missing:
        raise ValueError(f"variables without units/long_name: {', '.join(sorted(missing))}")


def write_dataset(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` to ``path`` (netCDF-4) atomically and deterministically; complex is split."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds = split_complex(ds)
    check_metadata(ds)
    ds.attrs.pop("history", None)
    # A job killed while writing leaves its hidden temporary file behind (never under the final
    # name, and never ending in .nc); the rerun of that job removes it here.
    for stale in path.parent.glob(f".{path.name}.*.part"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_dataset(path: str | os.PathLike, **expect) -> xr.Dataset:
    """Read a file written by :func:`write_dataset` into memory, with complex variables joined.

    ``expect`` names attributes the file must carry, e.g. ``read_dataset(p, kernel="rpa", rs=6.0)``
    for a file whose path says so; a mismatch is a ValueError naming the file and the field.
    The path is kept in ``ds.encoding["source"]`` for later error messages.
    """
    with xr.open_dataset(path, engine="netcdf4") as ds:
        out = join_complex(ds.load())
    for key, want in expect.items():
        got = out.attrs.get(key)
        same = got == want if not isinstance(want, float) else (got is not None and float(got) == want)
        if not same:
            raise ValueError(f"{path}: the file records {key} = {got!r}, but its path says {key} = {want!r}")
    out.encoding["source"] = str(path)
    return out


def parameters(ds: xr.Dataset) -> dict[str, Any]:
    """The parameter record of a dataset written with :func:`provenance` attributes."""
    return json.loads(ds.attrs.get("parameters", "{}"))
