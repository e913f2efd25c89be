"""Deterministic, atomic netCDF output with units and provenance.

* Complex variables are stored as ``<name>_real`` / ``<name>_imag`` pairs (portable netCDF-4).
* Every data variable and coordinate must carry ``units`` and ``long_name``: :func:`write_dataset`
  refuses to write a dataset that lacks them.
* Files are written to a temporary name in the same directory and renamed into place, so a
  killed job never leaves a truncated file under the final name.
* No timestamps are written, so identical inputs give byte-identical files (Snakemake's checksum
  test then sees an unchanged file and does not re-run what depends on it).
* Integrity: every array is stored with HDF5 Fletcher-32 checksums, and the file records a
  SHA-256 digest of all values and attributes (``content_sha256``); :func:`read_dataset` refuses a
  file whose data do not match, naming it.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from . import __version__
from .constants import CODATA_VERSION
from .provenance import stamp_attrs


def provenance(params: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes recording the package version and the parameters (as JSON) that made a file.

    Parameters
    ----------
    params : mapping
        The parameter record (JSON-serialisable; numpy numbers are written as floats).

    Returns
    -------
    dict
        ``software``, ``software_version``, ``parameters`` (JSON with sorted keys), ``source``
        (the paper), ``units_system`` and ``constants`` (the CODATA version).
    """
    return {
        "software": "viscous_forces",
        "software_version": __version__,
        "parameters": json.dumps(params, sort_keys=True, default=float),
        "source": "Nazarov, Todorov, Gross, Phys. Rev. Lett. 133, 026301 (2024)",
        "units_system": "Hartree atomic units",
        "constants": CODATA_VERSION,
    }


def split_complex(ds: xr.Dataset) -> xr.Dataset:
    """Replace every complex variable ``x`` by ``x_real`` and ``x_imag`` (attributes copied).

    Parameters
    ----------
    ds : xarray.Dataset
        Any dataset.

    Returns
    -------
    xarray.Dataset
        A copy in which each complex data variable is two real ones, with ``long_name`` prefixed by
        "real part of " / "imag part of ".
    """
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
    """Inverse of :func:`split_complex`.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset with ``<name>_real`` / ``<name>_imag`` pairs.

    Returns
    -------
    xarray.Dataset
        A copy in which each pair is one complex variable ``<name>`` with the attributes of the
        real part (``long_name`` without the prefix).
    """
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
    """Raise ValueError naming every variable or coordinate without ``units`` or ``long_name``.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset about to be written.

    Raises
    ------
    ValueError
        Listing the variables without ``units`` or ``long_name``.
    """
    missing = [
        str(name)
        for name in list(ds.data_vars) + list(ds.coords)
        if "units" not in ds[name].attrs or "long_name" not in ds[name].attrs
    ]
    if missing:
        raise ValueError(f"variables without units/long_name: {', '.join(sorted(missing))}")


#: Global attribute holding the content digest.
DIGEST_ATTR = "content_sha256"
#: Free space (bytes) below which a failed write is reported as a full disk.
LOW_SPACE = 64 * 2**20


def _canonical_attr(value) -> str:
    if isinstance(value, (str, bytes)):
        return value if isinstance(value, str) else value.decode()
    arr = np.asarray(value)
    if arr.dtype.kind in "iu":
        return json.dumps(arr.tolist())
    return json.dumps(np.asarray(arr, dtype=float).tolist())


def content_digest(ds: xr.Dataset) -> str:
    """SHA-256 of every variable (name, dimensions, dtype, values, attributes) and the global attributes.

    Variables and attributes are taken in sorted order, so the digest does not depend on the order
    of insertion; the digest attribute itself is left out.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset (as written, i.e. with complex variables split).

    Returns
    -------
    str
        Hexadecimal SHA-256 digest.
    """
    h = hashlib.sha256()
    for name in sorted(map(str, list(ds.variables))):
        var = ds.variables[name]
        values = np.ascontiguousarray(var.values)
        if values.dtype.kind in "OUS":  # text: its characters (object arrays hold pointers)
            h.update(f"{name}|{var.dims}|text|{values.shape}".encode())
            h.update(json.dumps([v if isinstance(v, str) else v.decode() for v in values.ravel().tolist()]).encode())
        else:
            h.update(f"{name}|{var.dims}|{values.dtype.str}|{values.shape}".encode())
            h.update(values.tobytes())
        for key in sorted(var.attrs):
            h.update(f"{key}={_canonical_attr(var.attrs[key])}".encode())
    for key in sorted(k for k in ds.attrs if k != DIGEST_ATTR):
        h.update(f"@{key}={_canonical_attr(ds.attrs[key])}".encode())
    return h.hexdigest()


def write_dataset(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` to ``path`` (netCDF-4) atomically and deterministically; complex is split.

    Arrays get Fletcher-32 checksums and the file a content digest.  A failed write removes its
    temporary file; on a full disk the error says so.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset; every variable and coordinate needs ``units`` and ``long_name``.  Its
        ``history`` attribute is dropped and ``content_sha256`` set; inside a workflow job the
        job's provenance is added (:mod:`viscous_forces.provenance`).
    path : str or os.PathLike
        Output file; its directory is created.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If a variable lacks ``units`` or ``long_name``.
    OSError
        On a failed write (``ENOSPC`` with the free space on a full disk).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds = split_complex(ds)
    check_metadata(ds)
    ds.attrs.pop("history", None)
    ds.attrs.update(stamp_attrs())  # the provenance of the workflow job writing it, if any
    ds.attrs[DIGEST_ATTR] = content_digest(ds)
    encoding = {
        name: {"fletcher32": True, "chunksizes": ds[name].shape}
        for name in ds.variables
        if ds[name].ndim > 0 and ds[name].size > 0
    }
    # A job killed while writing leaves its hidden temporary file behind (never under the final
    # name, and never ending in .nc); the rerun of that job removes it here.
    for stale in path.parent.glob(f".{path.name}.*.part"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=encoding)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        free = shutil.disk_usage(path.parent).free
        if isinstance(exc, (OSError, RuntimeError)) and (
            free < LOW_SPACE or getattr(exc, "errno", None) == errno.ENOSPC
        ):
            raise OSError(
                errno.ENOSPC,
                f"no space left on the device of {path} ({free / 2**20:.0f} MiB free) "
                f"while writing it ({exc}); free some space and rerun",
            ) from exc
        raise
    return path


def read_dataset(path: str | os.PathLike, **expect) -> xr.Dataset:
    """Read a file written by :func:`write_dataset` into memory, with complex variables joined.

    The data must match the file's content digest (and its arrays their checksums), else a
    ValueError names the file.  ``expect`` names attributes the file must carry, e.g.
    ``read_dataset(p, kernel="rpa", rs=6.0)`` for a file whose path says so; a mismatch is a
    ValueError naming the file and the field.  The path is kept in ``ds.encoding["source"]``.

    Parameters
    ----------
    path : str or os.PathLike
        A netCDF file written by :func:`write_dataset`.
    **expect
        Attributes the file must record, e.g. ``kernel="rpa"``, ``rs=6.0``.

    Returns
    -------
    xarray.Dataset
        The data, loaded into memory, with complex variables joined (``chi_real`` and ``chi_imag``
        become the complex ``chi``); ``content_sha256`` removed from the attributes.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file cannot be read, its content does not match its digest, or an attribute of
        ``expect`` differs.
    """
    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            raw = ds.load()
    except FileNotFoundError:
        raise
    except (OSError, RuntimeError, ValueError, KeyError) as exc:
        raise ValueError(
            f"{path}: cannot read the file ({exc}); it is corrupt or was not written by this "
            "workflow: delete it and rerun"
        ) from None
    recorded = raw.attrs.get(DIGEST_ATTR)
    if recorded is None:
        raise ValueError(
            f"{path}: the file records no checksum ({DIGEST_ATTR}): it was not written by this workflow "
            "(viscous_forces.io.write_dataset); read it with xarray.open_dataset, or delete it and rerun"
        )
    if recorded != content_digest(raw):
        raise ValueError(
            f"{path}: its data do not match the checksum recorded when it was written (corrupt or "
            "modified): delete it and rerun"
        )
    out = join_complex(raw)
    for key, want in expect.items():
        got = out.attrs.get(key)
        same = got == want if not isinstance(want, float) else (got is not None and float(got) == want)
        if not same:
            raise ValueError(f"{path}: the file records {key} = {got!r}, but its path says {key} = {want!r}")
    out.attrs.pop(DIGEST_ATTR, None)
    out.encoding["source"] = str(path)
    return out


#: The workflow's file names: <stage>/<kernel>/rs<rs>[_<geometry>[_<impurity>]].nc, chi/<kernel>/rs<rs>_map.nc
#: and pulse/rs<rs>.nc.
_RESULT = re.compile(
    r"(?P<stage>kernel|chi|equilibrium|response|velocity|friction|stopping)/(?P<kernel>[a-z][a-z0-9_]*)/"
    r"rs(?P<rs>[0-9.e+-]+?)(?:_(?P<geometry>parallel|perpendicular)(?:_[a-z0-9]+)?|(?P<map>_map))?\.nc$"
    r"|(?P<pulse>pulse)/rs(?P<prs>[0-9.e+-]+)\.nc$"
)


def identity_from_path(path) -> dict[str, Any]:
    """The stage, kernel, r_s and geometry that a workflow file name states ({} for other names).

    Parameters
    ----------
    path : str or os.PathLike
        A file path, e.g. ``results/chi/rmcp07/rs6_map.nc``.

    Returns
    -------
    dict
        ``stage`` (``"chi_map"`` for a ``_map.nc`` file), ``kernel``, ``rs`` (float) and, for response
        and velocity files, ``geometry``; ``{"stage": "pulse", "rs": ...}`` for a pulse file; ``{}``
        for other names.
    """
    m = _RESULT.search(Path(path).as_posix())
    if not m:
        return {}
    if m["pulse"]:
        return {"stage": "pulse", "rs": float(m["prs"])}
    out = {"stage": "chi_map" if m["map"] else m["stage"], "kernel": m["kernel"], "rs": float(m["rs"])}
    if m["geometry"]:
        out["geometry"] = m["geometry"]
    return out


def read_result(path: str | os.PathLike) -> xr.Dataset:
    """:func:`read_dataset` of a workflow file, checking that it records what its name states.

    Parameters
    ----------
    path : str or os.PathLike
        A file of the workflow, e.g. ``results/velocity/rmcp07/rs6_perpendicular.nc``.

    Returns
    -------
    xarray.Dataset
        As :func:`read_dataset`, with the attributes of :func:`identity_from_path` checked.

    Raises
    ------
    ValueError
        As :func:`read_dataset`; also if the file records another stage, kernel, r_s or geometry
        than its name states.
    """
    return read_dataset(path, **identity_from_path(path))


def parameters(ds: xr.Dataset) -> dict[str, Any]:
    """The parameter record of a dataset written with :func:`provenance` attributes.

    Parameters
    ----------
    ds : xarray.Dataset
        A stage dataset.

    Returns
    -------
    dict
        The decoded ``parameters`` attribute ({} if there is none).
    """
    return json.loads(ds.attrs.get("parameters", "{}"))
