"""Fig. 1 of the paper: U(d) (Eq. 10) and F(d) (Eq. 9) with the equilibrium distance marked.

The axis limits come from the curves (:func:`potential_window`): the distance axis starts where the
repulsive wall of every curve has risen well above its own well, and the energy and force axes hold
every curve in that window, so that each minimum and its rise on both sides are visible whatever the
kernels and r_s, and no curve leaves the top of a panel unless a much shallower well of another
curve would otherwise be squeezed to a sliver.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .style import PlotOptions, rc, save

#: The distance axis starts where the wall of every curve has risen this many times its well depth
#: (minimum to the next maximum) above its minimum, or at the first stored distance.
WALL_RISE = 2.0
#: The shallowest well (minimum to WALL_RISE x depth above it) fills at least this fraction of the
#: energy axis; a wall that would need more room leaves the top of the panel.
MIN_WELL_FRACTION = 0.12
#: Blank margin below and above the curves, as a fraction of the axis range.
PAD = 0.05


def _well(d: np.ndarray, U: np.ndarray, d_eq: float) -> tuple[int, float]:
    """Index of the minimum at d_eq on the curve and the well depth (minimum to the next maximum)."""
    i_eq = int(np.argmin(np.abs(d - d_eq)))
    right = U[i_eq:]
    inner = right[1:-1]
    peaks = np.nonzero((inner > right[:-2]) & (inner >= right[2:]))[0]
    barrier = right[1 + peaks[0]] if peaks.size else right.max()
    depth = float(barrier - U[i_eq])
    if not depth > 0:  # no rise on the right within the curve: the rise to the left sets the scale
        depth = float(np.ptp(U[: i_eq + 1])) if i_eq > 0 else 1.0
    return i_eq, depth


def _wall_crossing(d: np.ndarray, U: np.ndarray, i_eq: int, level: float) -> float:
    """Largest distance below the minimum at which the curve reaches ``level`` (the first distance if never)."""
    above = np.nonzero(U[: i_eq + 1] >= level)[0]
    if above.size == 0:
        return float(d[0])
    i = int(above[-1])
    return float(np.interp(level, [U[i + 1], U[i]], [d[i + 1], d[i]])) if i < i_eq else float(d[i])


def potential_window(datasets: Sequence[xr.Dataset], unit_scale: float = 1e3) -> dict[str, tuple[float, float]]:
    """Axis limits of Fig. 1 from the curves: every minimum and its rise on both sides in view.

    For each curve, the well depth D is the rise from its minimum at d_eq to the next maximum of U
    at larger d.  The distance axis starts at the smallest d at which every curve's wall has risen
    :data:`WALL_RISE` x D above its minimum (at the first stored distance if a curve never does) and
    ends at the last stored distance.  The U and F axes hold every curve within that window, with a
    margin of :data:`PAD`; only if that would squeeze the shallowest well (minimum to WALL_RISE x D
    above it) below :data:`MIN_WELL_FRACTION` of the U axis is the top lowered, and the walls of the
    other curves leave the panel there (the F axis is then cut at the force those walls reach at the
    same distances).

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Outputs of :func:`viscous_forces.stages.equilibrium.compute_equilibrium` (``U`` in Ha, ``F`` in
        Ha/bohr on ``d`` in bohr, ``d_eq``).
    unit_scale : float
        Factor applied to U and F (as in :func:`plot_potential`).

    Returns
    -------
    dict
        ``"d"``: (first, last) distance (bohr); ``"U"``, ``"F"``: (bottom, top) in the scaled units.
    """
    curves = []
    for ds in datasets:
        d = ds["d"].values
        U, F = unit_scale * ds["U"].values, unit_scale * ds["F"].values
        i_eq, depth = _well(d, U, float(ds["d_eq"]))
        curves.append((d, U, F, i_eq, depth))
    d_lo = min(_wall_crossing(d, U, i, U[i] + WALL_RISE * depth) for d, U, _, i, depth in curves)
    d_hi = max(float(d[-1]) for d, *_ in curves)
    inside = [(d >= d_lo) & (d <= d_hi) for d, *_ in curves]
    u_lo = min(float(U[m].min()) for (_, U, *_), m in zip(curves, inside))
    u_hi = max(float(U[m].max()) for (_, U, *_), m in zip(curves, inside))
    f_lo = min(float(F[m].min()) for (_, _, F, *_), m in zip(curves, inside))
    f_hi = max(float(F[m].max()) for (_, _, F, *_), m in zip(curves, inside))
    # the rise each curve must show on the left (up to WALL_RISE x its depth, or as far as it goes)
    rise = [min(U[i] + WALL_RISE * depth, float(U[m].max())) for (_, U, _, i, depth), m in zip(curves, inside)]
    cap = max(max(rise), u_lo + min(r - U[i] for r, (_, U, _, i, _) in zip(rise, curves)) / MIN_WELL_FRACTION)
    if u_hi > cap:  # a far wall would squeeze the shallowest well: cut it, and F where U is cut
        u_hi = cap
        f_hi = max(float(F[m & (U <= cap)].max()) for (_, U, F, *_), m in zip(curves, inside))
    pad_u, pad_f = PAD * (u_hi - u_lo), PAD * (f_hi - f_lo)
    return {"d": (d_lo, d_hi), "U": (u_lo - pad_u, u_hi + pad_u), "F": (f_lo - pad_f, f_hi + pad_f)}


def plot_potential(
    datasets: Sequence[xr.Dataset], paths: Sequence[str], opts: PlotOptions | None = None, unit_scale: float = 1e3
):
    """Fig. 1: U(d) (Eq. 10) and F(d) (Eq. 9) with the equilibrium distance marked.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Outputs of :func:`viscous_forces.stages.equilibrium.compute_equilibrium` (``U`` in Ha, ``F`` in
        Ha/bohr on ``d`` in bohr, ``d_eq``), one per kernel, at one r_s.
    paths : sequence of str
        Files to write (format from the suffix).
    opts : PlotOptions, optional
        Appearance.
    unit_scale : float
        Factor applied to U and F (1e3: mHa and mHa/bohr; 1: Ha and Ha/bohr).

    Returns
    -------
    matplotlib.figure.Figure
        The (closed) figure: U(d) on top, F(d) below, d_eq of each kernel in the legend, as a dot on
        U and as a dotted vertical line in both panels; axis limits from :func:`potential_window`.
    """
    opts = opts or PlotOptions()
    with plt.rc_context(rc(opts)):
        fig, (ax_u, ax_f) = plt.subplots(2, 1, figsize=(opts.width * 0.55, 2 * opts.height), sharex=True)
        styles = opts.styles_for([ds.attrs["kernel"] for ds in datasets])
        for ds in datasets:
            k = ds.attrs["kernel"]
            label = ds.attrs.get("kernel_label", k)
            d = ds["d"].values
            st = styles[k]
            d_eq = float(ds["d_eq"])
            ax_u.plot(d, unit_scale * ds["U"].values, label=rf"{label}: $d_{{eq}}$ = {d_eq:.3f} bohr", **st)
            ax_f.plot(d, unit_scale * ds["F"].values, **st)
            ax_u.plot([d_eq], [unit_scale * float(ds["energy_eq"])], marker="o", ms=4, color=st["color"], ls="none")
            for ax in (ax_u, ax_f):  # d_eq: a thin vertical line in the kernel's colour
                ax.axvline(d_eq, color=st["color"], lw=0.7, ls=(0, (1, 1.5)), zorder=1)
            ax_f.plot([d_eq], [0.0], marker="o", ms=4, color=st["color"], ls="none")
        rs = datasets[0].attrs["rs"]
        for ax in (ax_u, ax_f):
            ax.axhline(0.0, color="0.6", lw=0.6, zorder=0)
        ax_u.set_ylabel(r"$U(d)$ (mHa)" if unit_scale == 1e3 else r"$U(d)$ (Ha)")
        ax_f.set_ylabel(r"$F(d)$ (mHa/bohr)" if unit_scale == 1e3 else r"$F(d)$ (Ha/bohr)")
        ax_f.set_xlabel(r"internuclear distance $d$ (bohr)")
        ax_u.set_title(rf"$r_s$ = {rs:g} a.u., $Z_1 = Z_2 = 1$")
        ax_u.legend(frameon=False)
        # limits from the curves: every minimum and its rise on both sides, the walls in view
        window = potential_window(datasets, unit_scale)
        ax_f.set_xlim(*window["d"])
        ax_u.set_ylim(*window["U"])
        ax_f.set_ylim(*window["F"])
        fig.tight_layout()
        save(fig, paths, opts.dpi)
    return fig
