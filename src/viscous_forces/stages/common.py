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
    """An ``xarray.Variable`` with ``units`` and ``long_name`` (and any further attributes)."""
    return xr.Variable(dims, values, {"units": units, "long_name": long_name, **extra})


def scalar(value: float, units: str, long_name: str, **extra) -> xr.Variable:
    """A 0-d float variable with ``units`` and ``long_name``."""
    return var((), float(value), units, long_name, **extra)


def stage_attrs(stage: str, record: Mapping[str, Any], rs: float, kernel: str | None, **extra) -> dict:
    """The attributes of a stage dataset: provenance (version, parameter record) and identity."""
    attrs = {**provenance(record), "stage": stage, "rs": float(rs)}
    if kernel is not None:
        attrs["kernel"] = kernel
    return {**attrs, **extra}


def describe(ds: xr.Dataset) -> str:
    """How to name a dataset in an error message: its file, or its stage and identity."""
    source = ds.encoding.get("source")
    if source:
        return f"{ds.attrs.get('stage', 'dataset')} file {source}"
    ident = ", ".join(f"{k} {ds.attrs[k]}" for k in ("kernel", "rs") if k in ds.attrs)
    return f"{ds.attrs.get('stage', 'in-memory')} dataset ({ident})"


def require_stage(ds: xr.Dataset, stage: str) -> None:
    """Raise ValueError unless ``ds`` is the output of ``stage``."""
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
    """Raise ValueError unless the attributes ``keys`` of ``a`` and ``b`` agree."""
    diffs = [f"{k}: {a.attrs.get(k)!r} vs {b.attrs.get(k)!r}" for k in keys if a.attrs.get(k) != b.attrs.get(k)]
    if diffs:
        raise ValueError(f"{describe(a)} and {describe(b)} do not belong together; they differ in " + "; ".join(diffs))
