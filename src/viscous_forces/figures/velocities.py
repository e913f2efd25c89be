"""Figs. 2-5 of the paper: c.m. and relative velocities against time, one panel per r_s.

Fig. 4 (the vibration, V_r for the current parallel to the axis) oscillates about a hundred times
faster than the pulse: its first row draws the envelopes (lines through the maxima and through the
minima) wherever V_r oscillates and the curve itself elsewhere, and says so (row label and a note in
each panel); two further rows show V_r itself for :data:`ZOOM_PERIODS` periods of the fastest
vibration of the panel after the switch-on (t = 0) and after the switch-off (t = T), and say so in
their titles (:func:`zoom_title`).

Every velocity axis has the tick formatter of :func:`~viscous_forces.figures.style.velocity_formatter`
(small velocities as mantissas with a common power of ten).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from . import FIGURE_QUANTITIES
from .style import PlotOptions, format_velocity_axis, rc, save, time_axis

#: An oscillation is a run of at least MIN_MAXIMA local maxima, none further from the next than
#: GAP_FACTOR times their median spacing, whose peak-to-peak height reaches MIN_HEIGHT of max |v|.
MIN_MAXIMA, GAP_FACTOR, MIN_HEIGHT = 8, 3.0, 0.05
#: The zoom rows of Fig. 4 show this many periods of the fastest vibration of the panel after each
#: switching (and half a period before it); slower vibrations of the panel show fewer.
ZOOM_PERIODS = 6.0
#: Text of the top row of Fig. 4 where it draws envelopes (row label and note in the panels).
ENVELOPE_LABEL = "envelopes"


def _extrema(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    inner = v[1:-1]
    imax = 1 + np.nonzero((inner > v[:-2]) & (inner >= v[2:]))[0]
    imin = 1 + np.nonzero((inner < v[:-2]) & (inner <= v[2:]))[0]
    return imax, imin


def oscillations(t: np.ndarray, v: np.ndarray) -> tuple[list[tuple[float, float]], float]:
    """The time intervals in which ``v`` oscillates, and the median period there (NaN if none).

    An interval is a run of at least :data:`MIN_MAXIMA` local maxima whose successive spacing stays
    below :data:`GAP_FACTOR` times the median spacing of all maxima, and in which ``v`` spans at least
    :data:`MIN_HEIGHT` times max |v| (numerical ripples on a smooth curve are not oscillations).

    Parameters
    ----------
    t : numpy.ndarray
        Times (any unit), increasing.
    v : numpy.ndarray
        Velocity on ``t`` (any unit).

    Returns
    -------
    runs : list of (float, float)
        Start and end time of every oscillating interval (first and last maximum), in the unit of ``t``.
    period : float
        Median spacing of the maxima (unit of ``t``); NaN if there is no interval.
    """
    imax, _ = _extrema(v)
    if imax.size < MIN_MAXIMA:
        return [], float("nan")
    tm = t[imax]
    gaps = np.diff(tm)
    period = float(np.median(gaps))
    breaks = np.nonzero(gaps > GAP_FACTOR * period)[0]
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [tm.size - 1]])
    height = MIN_HEIGHT * float(np.max(np.abs(v)))
    runs = []
    for a, b in zip(starts, ends):
        inside = v[imax[a] : imax[b] + 1]
        if b - a + 1 >= MIN_MAXIMA and np.ptp(inside) >= height:
            runs.append((float(tm[a]), float(tm[b])))
    return runs, (period if runs else float("nan"))


def envelope(t: np.ndarray, v: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Upper and lower envelopes of a fast oscillation: lines through its local maxima and minima.

    Parameters
    ----------
    t : numpy.ndarray
        Times (any unit).
    v : numpy.ndarray
        Velocity on ``t``.

    Returns
    -------
    upper : (numpy.ndarray, numpy.ndarray)
        Times and values of the local maxima.
    lower : (numpy.ndarray, numpy.ndarray)
        Times and values of the local minima.
    """
    imax, imin = _extrema(v)
    return (t[imax], v[imax]), (t[imin], v[imin])


def _draw_envelopes(ax, t, v, scale, style, label):
    """Envelopes where ``v`` oscillates, the curve itself elsewhere; returns the period (NaN if none)."""
    runs, period = oscillations(t, v)
    (tu, vu), (tl, vl) = envelope(t, v)
    # the curve outside the oscillating intervals (joined to them at their ends)
    outside = np.ones(t.size, bool)
    for a, b in runs:
        outside &= ~((t > a) & (t < b))
    ax.plot(t * scale, np.where(outside, v, np.nan), label=label, **style)
    for a, b in runs:
        up, lo = (tu >= a) & (tu <= b), (tl >= a - period) & (tl <= b + period)
        ax.plot(tu[up] * scale, vu[up], **style)
        ax.plot(tl[lo] * scale, vl[lo], **style)
    return period


def _pulse_line(ax, ds, scale, height):
    ax.plot(
        ds["time"].values * scale,
        height * ds["pulse"].values,
        color="0.45",
        lw=0.9,
        ls=(0, (2, 2)),
        label="pulse (schematic)",
    )


def plot_velocities(
    datasets: Mapping[tuple[str, float], xr.Dataset],
    figure: int,
    paths: Sequence[str],
    kernels: Sequence[str],
    rs_values: Sequence[float],
    opts: PlotOptions | None = None,
):
    """Figs. 2-5: velocity vs time, one panel per r_s, one line per kernel, the pulse schematic.

    Parameters
    ----------
    datasets : mapping
        ``datasets[(kernel, rs)]``: outputs of :func:`viscous_forces.stages.velocity.compute_velocity`
        of the figure's geometry (``v_cm`` or ``v_rel`` in units of j0/n on ``time``, a.u. of time).
    figure : {2, 3, 4, 5}
        Paper figure: 2/3 = V_c parallel/perpendicular, 4/5 = V_r parallel/perpendicular.
    paths : sequence of str
        Files to write (format from the suffix).
    kernels, rs_values : sequence
        Lines (legend order) and panels (left to right).
    opts : PlotOptions, optional
        Appearance; ``time_unit`` sets the time axis (ps or a.u.).

    Returns
    -------
    matplotlib.figure.Figure
        The (closed) figure. Fig. 4 has a second and third row (zoom after switch-on and after
        switch-off, time in fs or a.u.) when V_r oscillates; the first row then draws its
        envelopes (:func:`oscillations`, :func:`envelope`).
    """
    opts = opts or PlotOptions()
    if figure not in FIGURE_QUANTITIES:
        raise ValueError(f"figure must be one of {sorted(FIGURE_QUANTITIES)}, got {figure!r}")
    geometry, var = FIGURE_QUANTITIES[figure]
    for (k, rs), ds in datasets.items():
        if ds.attrs["geometry"] != geometry:
            raise ValueError(f"figure {figure} needs {geometry} data, got {ds.attrs['geometry']} for {k}, rs={rs}")
    scale, xlabel = time_axis(opts)
    styles = opts.styles_for(list(kernels))
    periods = {}
    if figure == 4:
        for rs in rs_values:
            periods[rs] = zoom_period([datasets[k, rs] for k in kernels], var)
    zoom = figure == 4 and any(np.isfinite(p) for p in periods.values())
    n_rows = 3 if zoom else 1
    with plt.rc_context(rc(opts)):
        fig, axes = plt.subplots(
            n_rows,
            len(rs_values),
            figsize=(opts.width, opts.height * (1 + 0.8 * (n_rows - 1)) + 0.3),
            squeeze=False,
            gridspec_kw={"height_ratios": [1.25] + [1] * (n_rows - 1)},
            layout="constrained",
        )
        enveloped = False
        for col, rs in enumerate(rs_values):
            ax = axes[0, col]
            vmax = 0.0
            drawn = False
            for k in kernels:
                ds = datasets[k, rs]
                t, v = ds["time"].values, ds[var].values
                label = ds.attrs.get("kernel_label", k)
                if figure == 4:
                    drawn |= np.isfinite(_draw_envelopes(ax, t, v, scale, styles[k], label))
                else:
                    ax.plot(t * scale, v, label=label, **styles[k])
                vmax = max(vmax, float(np.max(np.abs(v))))
            _pulse_line(ax, datasets[kernels[0], rs], scale, 1.05 * vmax)
            ax.axhline(0.0, color="0.75", lw=0.5, zorder=0)
            ax.set_title(rf"$r_s$ = {rs:g} a.u.")
            ax.set_xlabel(xlabel)
            format_velocity_axis(ax.yaxis)
            if drawn:  # say that the top row shows envelopes, not V_r itself, in a band above the curves
                enveloped = True
                lo, hi = ax.get_ylim()
                ax.set_ylim(lo, hi + 0.22 * (hi - lo))
                ax.text(
                    0.5, 0.975, f"{ENVELOPE_LABEL}: lines through\nthe maxima and the minima", transform=ax.transAxes,
                    ha="center", va="top", fontsize=opts.font_size - 2, color="0.3", gid="envelope_note",
                )  # fmt: skip
            if zoom and np.isfinite(periods[rs]):
                _zoom_rows(axes[1:, col], datasets, kernels, rs, var, periods[rs], styles, opts)
            elif zoom:
                for a in axes[1:, col]:
                    a.set_axis_off()
        sym = r"$V_c$" if var == "v_cm" else r"$V_r$"
        for row in range(n_rows):
            axes[row, 0].set_ylabel(f"{sym} ($j_0/\\bar n$)")
        if enveloped:
            axes[0, 0].set_ylabel(f"{sym} {ENVELOPE_LABEL} ($j_0/\\bar n$)")
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False)
        what = (
            "c.m." if var == "v_cm" else ("relative (vibration)" if geometry == "parallel" else "relative (rotation)")
        )
        fig.suptitle(f"Fig. {figure}: {what} velocity, current {geometry} to the axis", fontsize=opts.font_size)
        save(fig, paths, opts.dpi)
    return fig


def zoom_period(datasets: Sequence[xr.Dataset], var: str = "v_rel") -> float:
    """Period of the fastest vibration among the curves of one panel: the time unit of its zoom windows.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        The velocity datasets drawn in the panel (one per kernel), ``var`` on ``time`` (a.u.).
    var : str
        The velocity variable.

    Returns
    -------
    float
        The shortest of the curves' periods found by :func:`oscillations` (a.u. of time); NaN if no
        curve oscillates.  The zoom rows of Fig. 4 span :data:`ZOOM_PERIODS` of it after each
        switching, so no curve shows more than that many periods.
    """
    found = [oscillations(ds["time"].values, ds[var].values)[1] for ds in datasets]
    return float(np.nanmin(found)) if np.any(np.isfinite(found)) else float("nan")


def _zoom_rows(axes, datasets, kernels, rs, var, period, styles, opts):
    """V_r itself for ZOOM_PERIODS periods after t = 0 and after t = T (time in fs or a.u.)."""
    fs = opts.time_unit == "ps"
    scale = time_axis(opts)[0] * (1e3 if fs else 1e5)  # a.u. -> fs, or back to a.u.
    unit = "fs" if fs else "a.u."
    for ax, (name, ref) in zip(axes, (("switch-on", 0.0), ("switch-off", None))):
        for k in kernels:
            ds = datasets[k, rs]
            t0 = float(ds.attrs["pulse_duration"]) if ref is None else ref
            t, v = ds["time"].values, ds[var].values
            window = (t >= t0 - 0.5 * period) & (t <= t0 + ZOOM_PERIODS * period)
            ax.plot((t[window] - t0) * scale, v[window], **styles[k])
        ax.axhline(0.0, color="0.75", lw=0.5, zorder=0)
        ax.axvline(0.0, color="0.45", lw=0.9, ls=(0, (2, 2)))
        ax.set_xlim(-0.5 * period * scale, ZOOM_PERIODS * period * scale)
        format_velocity_axis(ax.yaxis)
        sym = "t" if ref is not None else "t - T"
        ax.set_xlabel(f"${sym}$ ({unit}), after {name}")
        ax.set_title(zoom_title(period * scale, unit), fontsize=opts.font_size - 1, gid="zoom_title")


def zoom_title(period: float, unit: str) -> str:
    """Title of a zoom row of Fig. 4: what it shows, in periods of the fastest vibration.

    Parameters
    ----------
    period : float
        Period of the fastest vibration of the panel (:func:`zoom_period`), in ``unit``.
    unit : str
        Time unit of the row (``"fs"`` or ``"a.u."``).

    Returns
    -------
    str
        E.g. ``"zoom: 6 fastest periods (104 fs each)"`` (the x label names the switching).
    """
    return f"zoom: {ZOOM_PERIODS:g} fastest periods ({period:.3g} {unit} each)"
