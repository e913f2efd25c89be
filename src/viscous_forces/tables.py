"""Rows of the workflow's CSV tables, built from the stage datasets (units in the ``*_UNITS`` dicts).

Every number comes from a dataset written by a stage; nothing here computes physics beyond
unit conversions.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from .constants import AU_TIME_FS, BOHR_ANGSTROM, HARTREE_EV
from .core.impurity import GEOMETRIES, Impurity
from .io import parameters
from .reference_data import nonlinear_friction

#: Columns of results/tables/summary.csv and their units.
SUMMARY_UNITS = {
    "kernel": "",
    "rs": "bohr",
    "d_eq": "bohr",
    "energy_eq": "Ha",
    "spring_constant": "Ha/bohr^2",
    "omega_vib": "Ha",
    "vib_period_fs": "fs",
    "friction_q0": "a.u.",
    "friction_parallel": "a.u.",
    "friction_perpendicular": "a.u.",
    "slowest_rate_parallel": "1/a.u. time",
    "slowest_rate_perpendicular": "1/a.u. time",
    "pulse_duration": "a.u. time",
}

#: Columns of results/tables/impurities.csv and their units.
IMPURITY_UNITS = {
    "Z1": "e",
    "Z2": "e",
    "M1": "m_e",
    "M2": "m_e",
    "mu": "m_e",
    "kernel": "",
    "rs": "bohr",
    "geometry": "",
    "omega_vib": "Ha",
    "slowest_rate": "1/a.u. time",
    "friction_q0": "a.u.",
    "friction_qg": "a.u.",
    "max_abs_v_cm": "j0/n",
    "max_abs_v_rel": "j0/n",
}

#: Columns of results/tables/friction_sweep.csv and their units.
FRICTION_UNITS = {
    "kernel": "",
    "rs": "bohr",
    "friction_q0": "a.u.",
    "friction_parallel": "a.u.",
    "friction_perpendicular": "a.u.",
    "d_eq": "bohr",
    "energy_eq": "Ha",
    "spring_constant": "Ha/bohr^2",
    "omega_vib": "Ha",
    "friction_q0_nonlinear_dft": "a.u.",
}

#: Columns of results/tables/stopping.csv and their units (S in Ha/bohr unless stated; v_F = k_F).
STOPPING_UNITS = {
    "kernel": "",
    "rs": "bohr",
    "Z": "e",
    "v_peak_over_vF": "v_F",
    "v_peak": "a.u.",
    "S_peak": "Ha/bohr",
    "S_peak_eV_per_A": "eV/angstrom",
    "plasmon_share_peak": "",
    "friction_q0": "a.u.",
    "S_0.1vF": "Ha/bohr",
    "S_0.5vF": "Ha/bohr",
    "S_1vF": "Ha/bohr",
    "S_2vF": "Ha/bohr",
    "S_5vF": "Ha/bohr",
}


def write_csv(rows: Sequence[Mapping], columns: Iterable[str], path) -> Path:
    """Write ``rows`` (dicts) with the given column order to ``path``.

    Parameters
    ----------
    rows : sequence of mapping
        One dict per row, keyed by column name.
    columns : iterable of str
        Column order (e.g. the keys of :data:`SUMMARY_UNITS`).
    path : str or os.PathLike
        Output CSV file (overwritten).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _impurity(ds: xr.Dataset) -> Impurity:
    return Impurity(*(float(ds[k]) for k in ("Z1", "Z2", "M1", "M2")))


def summary_rows(
    equilibria: Sequence[xr.Dataset], responses: Sequence[xr.Dataset], pulses: Sequence[xr.Dataset]
) -> list[dict]:
    """One row per (kernel, rs) with the columns of :data:`SUMMARY_UNITS` (NaN where a geometry
    was not computed).  omega_vib uses the impurity of the response datasets.

    omega_vib = sqrt(Z1 Z2 k/mu) is the harmonic vibration frequency (k = U''(d_eq) per unit charges,
    mu the reduced mass; docs/theory.md, "Equations of motion") and vib_period_fs = 2 pi/omega_vib
    in femtoseconds.

    Parameters
    ----------
    equilibria : sequence of xarray.Dataset
        Equilibrium datasets, one per (kernel, rs).
    responses : sequence of xarray.Dataset
        Response datasets (any geometries) of the same chains.
    pulses : sequence of xarray.Dataset
        Pulse datasets, one per rs.

    Returns
    -------
    list of dict
        Rows of ``results/tables/summary.csv``, sorted by kernel and rs, in the units of
        :data:`SUMMARY_UNITS`.
    """
    T = {float(p.attrs["rs"]): float(p["pulse_duration"]) for p in pulses}
    resp = {(r.attrs["kernel"], float(r.attrs["rs"]), r.attrs["geometry"]): r for r in responses}
    rows = []
    for eq in sorted(equilibria, key=lambda e: (e.attrs["kernel"], float(e.attrs["rs"]))):
        kernel, rs = eq.attrs["kernel"], float(eq.attrs["rs"])
        row = {
            "kernel": kernel,
            "rs": rs,
            "d_eq": float(eq["d_eq"]),
            "energy_eq": float(eq["energy_eq"]),
            "spring_constant": float(eq["spring_constant"]),
        }
        mine = [resp[(kernel, rs, g)] for g in GEOMETRIES if (kernel, rs, g) in resp]
        if mine:
            row["omega_vib"] = _impurity(mine[0]).vibration_frequency(row["spring_constant"])
            row["vib_period_fs"] = 2 * math.pi / row["omega_vib"] * AU_TIME_FS
            row["friction_q0"] = float(mine[0]["friction_q0"])
        else:
            row.update(omega_vib=math.nan, vib_period_fs=math.nan, friction_q0=math.nan)
        for g in GEOMETRIES:
            r = resp.get((kernel, rs, g))
            row[f"friction_{g}"] = float(r["friction_qg"]) if r is not None else math.nan
            row[f"slowest_rate_{g}"] = float(r["markov_rate"].min()) if r is not None else math.nan
        row["pulse_duration"] = T.get(rs, math.nan)
        rows.append({k: row[k] for k in SUMMARY_UNITS})
    return rows


def impurity_rows(responses: Sequence[xr.Dataset], velocities: Sequence[xr.Dataset]) -> list[dict]:
    """One row per (impurity, kernel, rs, geometry) (columns of :data:`IMPURITY_UNITS`).

    Parameters
    ----------
    responses : sequence of xarray.Dataset
        Response datasets of every impurity.
    velocities : sequence of xarray.Dataset
        Velocity datasets; matched to the responses by kernel, rs, geometry and impurity (NaN
        velocity columns where none matches).

    Returns
    -------
    list of dict
        Rows of ``results/tables/impurities.csv``, sorted by masses, charges, kernel, rs and
        geometry, in the units of :data:`IMPURITY_UNITS`.
    """

    def key(ds, imp):
        return ds.attrs["kernel"], float(ds.attrs["rs"]), ds.attrs["geometry"], (imp.Z1, imp.Z2, imp.M1, imp.M2)

    vel = {}
    for v in velocities:
        imp = json_impurity(v)
        vel[key(v, imp)] = v
    rows = []
    for r in responses:
        imp = _impurity(r)
        v = vel.get(key(r, imp))
        rows.append(
            {
                "Z1": imp.Z1,
                "Z2": imp.Z2,
                "M1": imp.M1,
                "M2": imp.M2,
                "mu": imp.mu,
                "kernel": r.attrs["kernel"],
                "rs": float(r.attrs["rs"]),
                "geometry": r.attrs["geometry"],
                "omega_vib": float(r["omega_vib"]) if "omega_vib" in r else math.nan,
                "slowest_rate": float(r["markov_rate"].min()),
                "friction_q0": float(r["friction_q0"]),
                "friction_qg": float(r["friction_qg"]),
                "max_abs_v_cm": float(np.abs(v["v_cm"]).max()) if v is not None else math.nan,
                "max_abs_v_rel": float(np.abs(v["v_rel"]).max()) if v is not None else math.nan,
            }
        )
    return sorted(
        rows, key=lambda row: (row["M1"], row["M2"], row["Z1"], row["Z2"], row["kernel"], row["rs"], row["geometry"])
    )


def json_impurity(ds: xr.Dataset) -> Impurity:
    """The impurity recorded in a dataset's parameter record (velocity datasets).

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset whose ``parameters`` record has an ``impurity`` entry {Z1, Z2, M1, M2}.

    Returns
    -------
    Impurity
        Charges (e) and masses (electron masses) of the two nuclei.
    """
    return Impurity(**parameters(ds)["impurity"])


def friction_sweep_rows(datasets: Sequence[xr.Dataset]) -> list[dict]:
    """One row per (kernel, rs), sorted, with the columns of :data:`FRICTION_UNITS`.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Outputs of :func:`viscous_forces.analysis.friction.friction_point`.

    Returns
    -------
    list of dict
        Rows of ``results/tables/friction_sweep.csv``, sorted by kernel and rs, in the units of
        :data:`FRICTION_UNITS`.
    """
    rows = []
    for ds in sorted(datasets, key=lambda d: (d.attrs["kernel"], float(d.attrs["rs"]))):
        row = {"kernel": ds.attrs["kernel"], "rs": float(ds.attrs["rs"])}
        row.update({k: float(ds[k]) for k in FRICTION_UNITS if k not in row and k in ds})
        row["friction_q0_nonlinear_dft"] = nonlinear_friction(row["rs"])
        rows.append(row)
    return rows


def stopping_rows(datasets: Sequence[xr.Dataset]) -> list[dict]:
    """One row per (kernel, rs) of the stopping power with the columns of :data:`STOPPING_UNITS`.

    The maximum of S (position in units of v_F and in a.u., height in Ha/bohr and eV/angstrom) and
    the plasmon's share there, Q0 (Z = 1) and S at the table velocities, as the stopping stage
    (:func:`viscous_forces.stages.stopping.compute_stopping`) stored them; 1 Ha/bohr =
    HARTREE_EV/BOHR_ANGSTROM eV/angstrom (CODATA 2018).

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Stopping datasets, any kernels and r_s.

    Returns
    -------
    list of dict
        Rows of ``results/tables/stopping.csv``, sorted by kernel and rs.
    """
    rows = []
    for ds in sorted(datasets, key=lambda d: (d.attrs["kernel"], float(d.attrs["rs"]))):
        vF = float(ds.attrs["v_F"])
        s_peak = float(ds["stopping_peak"])
        row = {
            "kernel": ds.attrs["kernel"],
            "rs": float(ds.attrs["rs"]),
            "Z": float(ds.attrs["Z"]),
            "v_peak_over_vF": float(ds["v_peak"]) / vF,
            "v_peak": float(ds["v_peak"]),
            "S_peak": s_peak,
            "S_peak_eV_per_A": s_peak * HARTREE_EV / BOHR_ANGSTROM,
            "plasmon_share_peak": float(ds["plasmon_share_peak"]),
            "friction_q0": float(ds["friction_q0"]),
        }
        for x, s in zip(ds["v_table"].values, ds["stopping_at"].values):
            row[f"S_{float(x):g}vF"] = float(s)
        rows.append(row)
    return rows
