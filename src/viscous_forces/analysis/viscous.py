r"""The viscous correction: dynamic-kernel (rMCP07) against static-kernel (MCP07) velocities.

Relative differences in the three phases of the pulse (paper, text after Fig. 5: I acceleration,
II stabilisation, III deceleration) and the check of the paper's claim of "up to 40 %" at
r_s = 6 (:func:`phase_metrics`, :func:`viscous_correction_rows`, :func:`claim_verdict`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

#: The three phases of the paper (text after Fig. 5), in units of the pulse length T:
#: I acceleration (kick) 0 < t <= T/2, II stabilisation T/2 < t <= T, III deceleration
#: T < t <= end of the computed window.
PHASES = {"I": (0.0, 0.5), "II": (0.5, 1.0), "III": (1.0, np.inf)}

#: Columns of results/tables/viscous_correction.csv and their units.
VISCOUS_UNITS = {
    "rs": "bohr",
    "geometry": "",
    "quantity": "",
    "phase": "",
    "phase_start": "T",
    "phase_end": "T",
    "peak_static": "j0/n",
    "peak_dynamic": "j0/n",
    "max_diff_rel": "1",
    "peak_change": "1",
    "integral_change": "1",
    "max_pointwise_decrease": "1",
}

#: The paper's claim (abstract and text after Fig. 5): at r_s = 6 the dynamic kernel decreases the
#: rotational velocity (perpendicular geometry, V_r) "by up to 40 %" in phases II and III.
PAPER_CLAIM = {"rs": 6.0, "geometry": "perpendicular", "quantity": "v_rel", "phases": ("II", "III"), "decrease": 0.40}
#: A metric within this absolute distance of the claimed 0.40 (i.e. 30-50 %) counts as "about 40 %".
#: A judgement call: the paper does not define its measure.
CLAIM_TOLERANCE = 0.10


def _phase_samples(t: np.ndarray, v: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    m = (t > lo) & (t <= hi)
    return t[m], v[m]


def _spline(x, y):
    from scipy.interpolate import CubicSpline  # lazy: ~0.25 s to import

    return CubicSpline(x, y)


def phase_metrics(
    t_dyn: np.ndarray,
    v_dyn: np.ndarray,
    t_stat: np.ndarray,
    v_stat: np.ndarray,
    lo: float,
    hi: float,
    threshold: float = 0.5,
) -> dict[str, float]:
    r"""Dynamic-vs-static comparison of one velocity in one phase :math:`lo < t \le hi`.

    The phases are those of the paper (text after Fig. 5, :data:`PHASES`); the paper does not
    define its measure of the change, so four are computed, with :math:`V_d` (dynamic kernel) and
    :math:`V_s` (static kernel) on the phase's samples:

    * ``max_diff_rel`` :math:`= \max|V_d - V_s| / \max|V_s|` (the difference relative to the phase peak);
    * ``peak_change`` :math:`= \max|V_d| / \max|V_s| - 1` (signed; < 0 is a decrease);
    * ``integral_change`` :math:`= \int|V_d|\,dt / \int|V_s|\,dt - 1` (signed, trapezoid rule);
    * ``max_pointwise_decrease`` :math:`= \max(1 - |V_d|/|V_s|)` over the times where
      :math:`|V_s| \ge` ``threshold`` :math:`\cdot\max|V_s|` (where the ratio is meaningful).

    If the two time grids differ, :math:`V_d` and :math:`V_s` are compared on the finer grid's
    samples, the other being interpolated by a cubic spline through its own samples of the phase
    (phases are split at the pulse edges, where V may jump, so no spline crosses a jump).

    Parameters
    ----------
    t_dyn, v_dyn : numpy.ndarray
        Times (a.u. of time) and velocity (any unit, e.g. j0/n) with the dynamic kernel.
    t_stat, v_stat : numpy.ndarray
        The same with the static kernel.
    lo, hi : float
        The phase, :math:`lo < t \le hi` (a.u. of time).
    threshold : float
        Fraction of the static peak above which the pointwise decrease is taken, in (0, 1]
        (config ``analysis.pointwise_threshold``).

    Returns
    -------
    dict of str to float
        The four metrics (dimensionless ratios) and ``peak_static``, ``peak_dynamic`` (units of V).

    Raises
    ------
    ValueError
        If ``threshold`` is outside (0, 1] or the phase has fewer than 2 samples.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"pointwise threshold must be in (0, 1], got {threshold!r}")
    td, vd = _phase_samples(np.asarray(t_dyn, float), np.asarray(v_dyn, float), lo, hi)
    ts, vs = _phase_samples(np.asarray(t_stat, float), np.asarray(v_stat, float), lo, hi)
    if td.size < 2 or ts.size < 2:
        raise ValueError(f"phase ({lo:.4g}, {hi:.4g}] a.u. has fewer than 2 samples")
    if td.size == ts.size and np.array_equal(td, ts):
        t, a, b = td, vd, vs
    elif td.size >= ts.size:
        t = td[(td >= ts[0]) & (td <= ts[-1])]
        a, b = vd[(td >= ts[0]) & (td <= ts[-1])], _spline(ts, vs)(t)
    else:
        t = ts[(ts >= td[0]) & (ts <= td[-1])]
        a, b = _spline(td, vd)(t), vs[(ts >= td[0]) & (ts <= td[-1])]
    peak_s, peak_d = float(np.max(np.abs(b))), float(np.max(np.abs(a)))
    strong = np.abs(b) >= threshold * peak_s
    return {
        "peak_static": peak_s,
        "peak_dynamic": peak_d,
        "max_diff_rel": float(np.max(np.abs(a - b)) / peak_s),
        "peak_change": peak_d / peak_s - 1.0,
        "integral_change": float(np.trapezoid(np.abs(a), t) / np.trapezoid(np.abs(b), t) - 1.0),
        "max_pointwise_decrease": float(np.max(1.0 - np.abs(a[strong]) / np.abs(b[strong]))),
    }


def viscous_correction_rows(
    dynamic: Mapping[tuple, xr.Dataset], static: Mapping[tuple, xr.Dataset], threshold: float = 0.5
) -> list[dict]:
    """Rows (columns of :data:`VISCOUS_UNITS`) per (rs, geometry, quantity, phase).

    ``dynamic`` and ``static`` map (rs, geometry) to velocity datasets of the dynamic and the
    static kernel (same rs, same pulse length T).  Each row holds the :func:`phase_metrics` of
    ``v_cm`` or ``v_rel`` in one phase of :data:`PHASES`.

    Parameters
    ----------
    dynamic : mapping
        (rs, geometry) -> velocity dataset of the dynamic kernel
        (:func:`~viscous_forces.stages.velocity.compute_velocity`).
    static : mapping
        (rs, geometry) -> velocity dataset of the static kernel, same keys.
    threshold : float
        Passed to :func:`phase_metrics`.

    Returns
    -------
    list of dict
        Rows of ``results/tables/viscous_correction.csv``: ``rs``, ``geometry``, ``quantity``,
        ``phase``, ``phase_start``/``phase_end`` (units of T), ``peak_static``/``peak_dynamic``
        (j0/n) and the four dimensionless metrics.

    Raises
    ------
    ValueError
        If the two kernels' pulse lengths differ.
    """
    rows = []
    for key in sorted(dynamic, key=lambda k: (float(k[0]), k[1])):
        rs, geometry = key
        d, s = dynamic[key], static[key]
        T = float(d.attrs["pulse_duration"])
        if not np.isclose(T, float(s.attrs["pulse_duration"]), rtol=1e-12):
            raise ValueError(f"rs={rs} {geometry}: the two kernels' pulse lengths differ")
        t_end = min(float(d["time"].values[-1]), float(s["time"].values[-1]))
        for quantity in ("v_cm", "v_rel"):
            for phase, (lo, hi) in PHASES.items():
                hi_t = min(hi * T, t_end)
                m = phase_metrics(
                    d["time"].values, d[quantity].values, s["time"].values, s[quantity].values, lo * T, hi_t, threshold
                )
                rows.append(
                    {
                        "rs": float(rs),
                        "geometry": geometry,
                        "quantity": quantity,
                        "phase": phase,
                        "phase_start": lo,
                        "phase_end": hi_t / T,
                        **m,
                    }
                )
    return [{k: r[k] for k in VISCOUS_UNITS} for r in rows]


def claim_verdict(rows: Sequence[Mapping[str, Any]], dynamic: str = "rmcp07", static: str = "mcp07") -> str:
    """A short text checking :data:`PAPER_CLAIM` against the rows of :func:`viscous_correction_rows`.

    Every metric of the claimed phases is quoted; a decrease metric (``max_diff_rel``,
    ``max_pointwise_decrease``, or minus ``peak_change`` / ``integral_change``) within
    :data:`CLAIM_TOLERANCE` of 0.40 is reported as "about 40 %".

    Parameters
    ----------
    rows : sequence of mapping
        Rows of :func:`viscous_correction_rows`.
    dynamic, static : str
        Names of the two kernels compared, for the text.

    Returns
    -------
    str
        The verdict (``results/tables/viscous_correction_verdict.txt``): the claim, a table of the
        metrics per phase in %, and per claimed phase the metrics near and above 40 %; or a line
        saying the claim was not checked when the run lacks r_s = 6, perpendicular.
    """
    c = PAPER_CLAIM
    sel = [
        r
        for r in rows
        if np.isclose(r["rs"], c["rs"]) and r["geometry"] == c["geometry"] and r["quantity"] == c["quantity"]
    ]
    head = (
        f"Paper's claim (PRL 133, 026301, text after Fig. 5): at r_s = {c['rs']:g} the dynamic kernel decreases "
        f"the rotational velocity ({c['geometry']} geometry, V_r) by up to {100 * c['decrease']:.0f} % in phases "
        f"{' and '.join(c['phases'])}.\nCompared: {dynamic} (dynamic) vs {static} (static).\n"
    )
    if not sel:
        return head + f"Not checked: r_s = {c['rs']:g}, {c['geometry']} is not part of this run.\n"
    lines = [
        head,
        "All numbers in % (definitions: viscous_correction.csv caption).",
        "phase  max_diff_rel  peak_change  integral_change  max_pointwise_decrease",
    ]
    by_phase = {r["phase"]: r for r in sel}
    decreases = {}
    for ph in PHASES:
        r = by_phase[ph]
        lines.append(
            f"{ph:<5}  {100 * r['max_diff_rel']:+12.1f}  {100 * r['peak_change']:+11.1f}  "
            f"{100 * r['integral_change']:+15.1f}  {100 * r['max_pointwise_decrease']:+22.1f}"
        )
        decreases[ph] = {
            "max_diff_rel": r["max_diff_rel"],
            "-peak_change": -r["peak_change"],
            "-integral_change": -r["integral_change"],
            "max_pointwise_decrease": r["max_pointwise_decrease"],
        }
    lines.append("")
    for ph in c["phases"]:
        near = [k for k, v in decreases[ph].items() if abs(v - c["decrease"]) <= CLAIM_TOLERANCE]
        above = [k for k, v in decreases[ph].items() if v > c["decrease"] + CLAIM_TOLERANCE]
        lines.append(
            f"phase {ph}: about 40 % ({100 * (c['decrease'] - CLAIM_TOLERANCE):.0f}-"
            f"{100 * (c['decrease'] + CLAIM_TOLERANCE):.0f} %) by: {', '.join(near) or 'none'}; "
            f"above: {', '.join(above) or 'none'}"
        )
    return "\n".join(lines) + "\n"
