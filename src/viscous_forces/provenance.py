"""Provenance of the workflow's files: every parameter of the whole chain of jobs that made a file.

A file's *provenance* is a mapping from each job of its upstream chain, itself included (keyed
``rule(wildcard=value, ...)``), to the parameters that job received from the configuration (its
rule's ``params``).  The workflow computes it from the configuration in force
(``workflow/rules/common.smk``), the job runner (:mod:`viscous_forces.jobs`) stamps it on every
netCDF file the job writes (attributes :data:`ATTR` and :data:`DIGEST`), and before a job runs it
checks each netCDF input against the provenance the configuration would give it
(:func:`check_input`): a stale file, a file copied from another run, or one made before a
parameter changed while Snakemake's own records were lost is refused, naming the parameter, both
values and the rule to rerun.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Global attribute: the provenance (JSON with sorted keys).
ATTR = "provenance"
#: Global attribute: SHA-256 of :data:`ATTR`.
DIGEST = "provenance_sha256"

_CURRENT: contextvars.ContextVar[Mapping | None] = contextvars.ContextVar("viscous_forces_provenance", default=None)


class ProvenanceError(ValueError):
    """An input file was not made with the parameters the configuration in force gives it."""


def canonical(record: Mapping) -> dict:
    """``record`` as JSON reads it back (sorted keys, plain lists and numbers).

    Parameters
    ----------
    record : mapping
        A provenance record.

    Returns
    -------
    dict
        The record after a JSON round trip.
    """
    return json.loads(dumps(record))


def dumps(record: Mapping) -> str:
    """The JSON text of a provenance record (sorted keys, numpy numbers as floats).

    Parameters
    ----------
    record : mapping
        A provenance record.

    Returns
    -------
    str
        Its JSON text.
    """
    return json.dumps(record, sort_keys=True, default=float)


def digest(record: Mapping) -> str:
    """SHA-256 (hexadecimal) of the JSON text of a provenance record.

    Parameters
    ----------
    record : mapping
        A provenance record.

    Returns
    -------
    str
        The digest.
    """
    return hashlib.sha256(dumps(record).encode()).hexdigest()


@contextlib.contextmanager
def stamping(record: Mapping | None):
    """While active, :func:`viscous_forces.io.write_dataset` stamps ``record`` on every file it writes.

    Parameters
    ----------
    record : mapping or None
        The provenance of the job's outputs; None stamps nothing.

    Yields
    ------
    None
    """
    token = _CURRENT.set(record)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def stamp_attrs() -> dict[str, str]:
    """The attributes to add to a file written now: :data:`ATTR` and :data:`DIGEST`, or none.

    Returns
    -------
    dict
        Empty outside :func:`stamping`.
    """
    record = _CURRENT.get()
    if record is None:
        return {}
    return {ATTR: dumps(record), DIGEST: digest(record)}


def read_recorded(path: str | os.PathLike) -> dict | None:
    """The provenance a netCDF file records, or None if it records none.

    Parameters
    ----------
    path : str or os.PathLike
        A netCDF file.

    Returns
    -------
    dict or None
        The decoded :data:`ATTR` attribute.
    """
    import netCDF4

    with netCDF4.Dataset(path) as nc:
        text = nc.getncattr(ATTR) if ATTR in nc.ncattrs() else None
    return json.loads(text) if text else None


_JOB = re.compile(r"^(?P<rule>\w+)")


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def differences(recorded: Mapping, expected: Mapping) -> list[tuple[str, str, Any, Any]]:
    """Where a recorded provenance differs from the expected one.

    Parameters
    ----------
    recorded, expected : mapping
        Provenance records (job -> parameters).

    Returns
    -------
    list of (job, key, recorded value, expected value)
        One entry per differing parameter (dotted key within the job's parameters; ``"(job)"`` if
        the job is missing on one side), upstream jobs as found in ``expected``.
    """
    recorded, expected = canonical(recorded), canonical(expected)
    out = []
    for job, params in expected.items():
        if job not in recorded:
            out.append((job, "(job)", None, "present"))
            continue
        old, new = _flatten(recorded[job]), _flatten(params)
        for key in sorted(set(old) | set(new)):
            if old.get(key, "(not set)") != new.get(key, "(not set)"):
                out.append((job, key, old.get(key, "(not set)"), new.get(key, "(not set)")))
    for job in recorded:
        if job not in expected:
            out.append((job, "(job)", "present", None))
    return out


def _config_key(job: str, key: str) -> str:
    """The configuration key behind a parameter: kernel parameters are per kernel."""
    kernel = re.search(r"kernel=([a-z][a-z0-9_]*)", job)
    if key.startswith("kernel_params.") and kernel:
        return f"kernel_params.{kernel.group(1)}.{key.split('.', 1)[1]}"
    if key.startswith("cluster.") or key == "cluster":
        name = re.search(r"cluster=(\w+)", job)
        return f"clusters.{name.group(1)}{key[len('cluster') :]}" if name else key
    return key


def check_input(path: str | os.PathLike, expected: Mapping) -> None:
    """Refuse an input file whose provenance differs from what the configuration would give it.

    Parameters
    ----------
    path : str or os.PathLike
        The input file (netCDF).
    expected : mapping
        Its provenance under the configuration in force.

    Raises
    ------
    ProvenanceError
        If the file records no provenance or another one; the message names the parameter, both
        values and the rule to rerun (``--forcerun``).
    """
    rule = _JOB.match(next(iter(expected), "")).group("rule") if expected else "?"
    recorded = read_recorded(path)
    if recorded is None:
        raise ProvenanceError(
            f"{path} records no provenance (it was made by an older version of the workflow or by another "
            f"program): delete it or rerun with --forcerun {rule}"
        )
    if digest(canonical(recorded)) == digest(canonical(expected)):
        return
    diffs = differences(recorded, expected)
    if not diffs:  # equal after all (e.g. float spelling): accept
        return
    job, key, old, new = diffs[0]
    culprit = _JOB.match(job).group("rule")
    if key == "(job)":
        what = f"was made from another chain of jobs ({job} {'missing' if old is None else 'not expected'})"
    else:
        what = f"was made with {_config_key(job, key)} = {old!r}, this run uses {new!r} (in {job})"
    more = f"; {len(diffs) - 1} more difference(s)" if len(diffs) > 1 else ""
    raise ProvenanceError(f"{path} {what}{more}: delete it or rerun with --forcerun {culprit}")


def job_name(rule: str, wildcards: Mapping[str, str]) -> str:
    """How a provenance record names a job: ``rule(kernel=rpa, rs=6)`` (empty wildcards left out).

    Parameters
    ----------
    rule : str
        Rule name.
    wildcards : mapping
        Its wildcards.

    Returns
    -------
    str
        The job's key.
    """
    wc = ", ".join(f"{k}={v}" for k, v in sorted(wildcards.items()) if v != "")
    return f"{rule}({wc})"


def is_result(path: str | os.PathLike) -> bool:
    """Whether a path is a netCDF file (the files that carry provenance).

    Parameters
    ----------
    path : str or os.PathLike
        Any path.

    Returns
    -------
    bool
        True for ``*.nc``.
    """
    return Path(path).suffix == ".nc"
