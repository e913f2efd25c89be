"""Helpers shared by the stage functions: labelled variables and the identity of datasets.

Every stage dataset carries, besides its variables, the attributes ``stage``, ``rs``, ``kernel``
and ``parameters`` (a JSON record of every parameter that made it, including the records of the
datasets it was made from).  :func:`check_derived` uses them to refuse inputs that do not belong
together, naming both datasets and the field that differs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import xarray as xr

from ..io import parameters, provenance


def var(dims, values, units: str, long_name: str, **extra) -> xr.Variable:
    """An ``xarray.Variable`` with ``units`` and ``long_name`` (and any further attributes).

    Parameters
    ----------
    dims : str or tuple of str
        Dimension names.
    values : array_like
        The data.
    units : str
        Unit string in pint spelling (:mod:`viscous_forces.units`).
    long_name : str
        Human-readable description.
    **extra
        Further attributes, e.g. ``units_description``.

    Returns
    -------
    xarray.Variable
        The labelled variable.
    """
    return xr.Variable(dims, values, {"units": units, "long_name": long_name, **extra})


def scalar(value: float, units: str, long_name: str, **extra) -> xr.Variable:
    """A 0-d float variable with ``units`` and ``long_name``.

    Parameters
    ----------
    value : float
        The value.
    units : str
        Unit string in pint spelling (:mod:`viscous_forces.units`).
    long_name : str
        Human-readable description.
    **extra
        Further attributes.

    Returns
    -------
    xarray.Variable
        A 0-d float variable.
    """
    return var((), float(value), units, long_name, **extra)


def stage_attrs(stage: str, record: Mapping[str, Any], rs: float, kernel: str | None, **extra) -> dict:
    """The attributes of a stage dataset: provenance (version, parameter record) and identity.

    Parameters
    ----------
    stage : str
        Stage name (``"kernel"``, ``"chi"``, ``"equilibrium"``, ...).
    record : mapping
        Every parameter that made the dataset, including the records of its inputs.
    rs : float
        Density parameter (bohr).
    kernel : str or None
        Kernel name (None for stages not tied to a kernel, e.g. the pulse).
    **extra
        Further attributes, e.g. ``kernel_label``, ``geometry``.

    Returns
    -------
    dict
        :func:`viscous_forces.io.provenance` of ``record`` plus ``stage``, ``rs`` (float), ``kernel``
        (if given) and ``extra``.
    """
    attrs = {**provenance(record), "stage": stage, "rs": float(rs)}
    if kernel is not None:
        attrs["kernel"] = kernel
    return {**attrs, **extra}


def describe(ds: xr.Dataset) -> str:
    """How to name a dataset in an error message: its file, or its stage and identity.

    Parameters
    ----------
    ds : xarray.Dataset
        A stage dataset, read from a file or made in memory.

    Returns
    -------
    str
        ``"<stage> file <path>"`` for a dataset read from a file, else
        ``"<stage> dataset (kernel ..., rs ...)"``.
    """
    source = ds.encoding.get("source")
    if source:
        return f"{ds.attrs.get('stage', 'dataset')} file {source}"
    ident = ", ".join(f"{k} {ds.attrs[k]}" for k in ("kernel", "rs") if k in ds.attrs)
    return f"{ds.attrs.get('stage', 'in-memory')} dataset ({ident})"


def require_stage(ds: xr.Dataset, stage: str) -> None:
    """Raise ValueError unless ``ds`` is the output of ``stage``.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset to check (its ``stage`` attribute).
    stage : str
        The expected stage name.

    Raises
    ------
    ValueError
        Naming the dataset and the stage it comes from.
    """
    found = ds.attrs.get("stage")
    if found != stage:
        raise ValueError(f"expected the output of the {stage} stage, got {describe(ds)} (stage {found!r})")


def _differences(parent: Mapping[str, Any], child: Mapping[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in parent.items():
        if key not in child:
            out.append(f"{prefix}{key} missing")
        elif isinstance(value, dict) and isinstance(child[key], dict):
            out += _differences(value, child[key], f"{prefix}{key}.")
        elif json.dumps(value, sort_keys=True, default=float) != json.dumps(child[key], sort_keys=True, default=float):
            out.append(f"{prefix}{key}: {value!r} vs {child[key]!r}")
    return out


def check_derived(parent: xr.Dataset, child: xr.Dataset) -> None:
    """Raise ValueError unless ``child`` was made from ``parent`` (same kernel, rs and parameters).

    The child's parameter record must contain the parent's record unchanged; the message names
    both datasets and every field that differs.

    Parameters
    ----------
    parent : xarray.Dataset
        The dataset the child should have been made from.
    child : xarray.Dataset
        The derived dataset.

    Raises
    ------
    ValueError
        If kernel or rs differ, or a field of the parent's record is missing or different in the
        child's.
    """
    diffs = [
        f"{k}: {parent.attrs.get(k)!r} vs {child.attrs.get(k)!r}"
        for k in ("kernel", "rs")
        if k in parent.attrs and parent.attrs.get(k) != child.attrs.get(k)
    ]
    if not diffs:
        diffs = _differences(parameters(parent), parameters(child))
    if diffs:
        raise ValueError(f"{describe(child)} was not made from {describe(parent)}; they differ in " + "; ".join(diffs))


def check_same(a: xr.Dataset, b: xr.Dataset, keys=("rs",)) -> None:
    """Raise ValueError unless the attributes ``keys`` of ``a`` and ``b`` agree.

    Parameters
    ----------
    a, b : xarray.Dataset
        The two datasets.
    keys : sequence of str
        Attribute names to compare (default: ``rs``).

    Raises
    ------
    ValueError
        Naming both datasets and every attribute that differs.
    """
    diffs = [f"{k}: {a.attrs.get(k)!r} vs {b.attrs.get(k)!r}" for k in keys if a.attrs.get(k) != b.attrs.get(k)]
    if diffs:
        raise ValueError(f"{describe(a)} and {describe(b)} do not belong together; they differ in " + "; ".join(diffs))
