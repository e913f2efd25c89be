"""Pictures of a cluster of nuclei under the current pulse: displacement paths and an animation.

Both show the internal motion, the displacement of each nucleus relative to the centre of mass
(the common drift with the electrons is left out), magnified so that the largest excursion is a
quarter of the shortest internuclear distance, in the plane in which the nuclei move.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..constants import AU_TIME_PS
from .style import EXTRA_COLORS, PlotOptions, rc, save

#: Colour of each nucleus (Okabe-Ito: blue, vermillion, bluish green, then the rest).
NUCLEUS_COLORS = ("#0072B2", "#D55E00", "#009E73", *EXTRA_COLORS, "#000000")
#: Largest magnified excursion as a fraction of the shortest internuclear distance.
EXCURSION = 0.25


def internal_motion(ds: xr.Dataset) -> np.ndarray:
    r"""Displacement of each nucleus relative to the centre of mass, shape (time, N, 3), per unit drift velocity.

    :math:`\mathbf u_a(t) - \sum_b M_b\mathbf u_b(t)/\sum_b M_b`, with :math:`\mathbf u_a` the
    stored ``displacement``: the common drift with the electrons is left out.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.

    Returns
    -------
    ndarray, shape (time, N, 3)
        In a.u. of time (``atomic_unit_of_time``, as ``displacement``): multiply by the drift
        velocity j0/n (bohr per a.u. of time) for bohr.
    """
    disp = ds["displacement"].values
    M = ds["M"].values
    return disp - np.einsum("a,tai->ti", M, disp)[:, None, :] / M.sum()


#: In-plane extents this close (ratio of singular values) count as no longest extent.
ISOTROPIC = 0.9


def motion_plane(ds: xr.Dataset) -> np.ndarray:
    """Orthonormal 2 x 3 basis of the plane that best holds the geometry and the internal motion.

    The two leading right-singular vectors of the centred positions and displacements (each set
    scaled so that its largest component is 1, the current direction added with weight 1e-3 to
    break ties), turned within the plane so that the first lies along the longest extent of the
    geometry, signs fixed so that each vector's largest component is positive.  A geometry without a
    longest extent (second singular value at least :data:`ISOTROPIC` of the first, e.g. an
    equilateral triangle) is turned so that the first vector lies along the current instead, so that
    every panel of a figure shows it the same way round.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.

    Returns
    -------
    ndarray, shape (2, 3)
        Rows: the in-plane unit vectors (dimensionless), the first along the longest extent of the
        geometry (or along the current).
    """
    R = ds["positions"].values
    r = R - R.mean(axis=0)
    d = internal_motion(ds).reshape(-1, 3)
    rows = [r / max(np.abs(r).max(), 1e-300)]
    if np.abs(d).max() > 0:
        rows.append(d / np.abs(d).max())
    rows.append(ds["direction"].values[None, :] * 1e-3)  # breaks ties for a linear cluster at rest
    _, _, vt = np.linalg.svd(np.concatenate(rows), full_matrices=False)
    basis = vt[:2]
    # turn within the plane so that the longest extent of the geometry lies along the first axis; a
    # geometry without one (within ISOTROPIC, e.g. an equilateral triangle) gets the current instead
    P = r @ basis.T
    e = basis @ ds["direction"].values  # the current's in-plane components
    s = np.linalg.svd(P, compute_uv=False) if np.abs(P).max() > 0 else np.zeros(2)
    if s[1] >= ISOTROPIC * s[0] and np.linalg.norm(e) > 1e-6:
        u = e / np.linalg.norm(e)
        basis = np.array([u, [-u[1], u[0]]]) @ basis
        basis[1] *= np.sign(basis[1][np.argmax(np.abs(basis[1]))])
        return basis
    if np.abs(P).max() > 0:
        _, _, axes = np.linalg.svd(P, full_matrices=False)
        basis = axes @ basis
    for v in basis:
        v *= np.sign(v[np.argmax(np.abs(v))])
    return basis


def _scale(ds: xr.Dataset, motion: np.ndarray) -> float:
    R = ds["positions"].values
    d_min = min(np.linalg.norm(R[a] - R[b]) for a in range(len(R)) for b in range(a + 1, len(R)))
    peak = np.linalg.norm(motion, axis=2).max()
    return EXCURSION * d_min / peak if peak > 0 else 0.0


def _draw_cluster(ax, ds, plane, positions, opts, size=1.0):
    P = positions @ plane.T
    M = ds["M"].values
    R = ds["positions"].values
    d_min = min(np.linalg.norm(R[a] - R[b]) for a in range(len(R)) for b in range(a + 1, len(R)))
    for a in range(len(P)):
        for b in range(a + 1, len(P)):
            if np.linalg.norm(R[a] - R[b]) < 1.25 * d_min:
                ax.plot(*P[[a, b]].T, color="0.7", lw=0.8 * size, zorder=1)
    return ax.scatter(
        P[:, 0], P[:, 1], s=size * 60 * (M / M.min()) ** (1 / 3), zorder=3,
        c=[NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)] for a in range(len(P))], edgecolors="k", linewidths=0.5,
    )  # fmt: skip


def _current_arrow(ax, ds, plane, length=0.16):
    """The current direction projected on the plane: an arrow in the upper left corner (axes fraction)."""
    e = plane @ ds["direction"].values
    if np.linalg.norm(e) < 1e-9:
        ax.text(0.04, 0.93, r"current $\perp$ plane", transform=ax.transAxes, fontsize="small", color="0.3")
        return
    start = np.array([0.05, 0.9]) + length * np.array([max(-e[0], 0.0), min(-e[1], 0.0)])
    ax.annotate(
        "", xy=start + length * e, xytext=start, xycoords="axes fraction", textcoords="axes fraction",
        arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 1.2}, zorder=4,
    )  # fmt: skip
    ax.text(*(start + length * e + 0.02), "j", color="0.3", fontsize="small", transform=ax.transAxes)


def plot_cluster_paths(datasets: Sequence[xr.Dataset], paths: Sequence[str], opts: PlotOptions | None = None):
    """Displacement paths of the nuclei of one cluster: one panel per (r_s, kernel).

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Outputs of :func:`viscous_forces.stages.cluster.simulate_cluster` for one cluster (any kernels
        and r_s).
    paths : sequence of str
        Files to write.
    opts : PlotOptions, optional
        Appearance.

    Returns
    -------
    matplotlib.figure.Figure
        The (closed) figure.  Each panel: the relaxed geometry (nuclei sized by mass) in the plane
        of the motion, each nucleus's path relative to the centre of mass while the current flows
        (solid) and after it stops (dashed), magnified to a quarter of the shortest distance, and
        the current direction projected on the plane (arrow).
    """
    opts = opts or PlotOptions()
    rs_values = sorted({float(ds.attrs["rs"]) for ds in datasets})
    kernels = list(dict.fromkeys(ds.attrs["kernel"] for ds in datasets))
    cells = {(float(ds.attrs["rs"]), ds.attrs["kernel"]): ds for ds in datasets}
    name = datasets[0].attrs["cluster"]
    with plt.rc_context(rc(opts)):
        fig, axes = plt.subplots(
            len(rs_values), len(kernels), figsize=(opts.width, 0.95 * opts.height * len(rs_values) + 0.5),
            squeeze=False, layout="constrained",
        )  # fmt: skip
        for i, rs in enumerate(rs_values):
            for j, k in enumerate(kernels):
                ax = axes[i, j]
                ds = cells.get((rs, k))
                if ds is None:
                    ax.set_axis_off()
                    continue
                plane = motion_plane(ds)
                motion = internal_motion(ds)
                scale = _scale(ds, motion)
                R = ds["positions"].values
                t, T = ds["time"].values, float(ds.attrs["pulse_duration"])
                for a in range(R.shape[0]):
                    track = (R[a] + scale * motion[:, a, :]) @ plane.T
                    color = NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)]
                    on = (t >= 0) & (t <= T)
                    ax.plot(*track[on].T, color=color, lw=0.6, zorder=2)
                    ax.plot(*track[t >= T].T, color=color, lw=0.6, ls=(0, (2, 1.5)), zorder=2)
                _draw_cluster(ax, ds, plane, R, opts, size=0.8)
                ax.set_aspect("equal", adjustable="datalim")
                ax.margins(0.25)
                ax.autoscale_view()
                _current_arrow(ax, ds, plane)
                ax.set_title(f"{ds.attrs.get('kernel_label', k)}, $r_s$ = {rs:g}", fontsize=opts.font_size)
                ax.set_xticks([])
                ax.set_yticks([])
                saddles = ds.attrs.get("saddle_curvatures", "[]")
                if saddles != "[]":
                    ax.text(0.97, 0.04, "relaxed from\na saddle point", transform=ax.transAxes, ha="right",
                            fontsize=opts.font_size - 2, color="0.35")  # fmt: skip
        fig.suptitle(
            f"Cluster {name}: internal motion of the nuclei (magnified), current on (solid) and after (dashed)",
            fontsize=opts.font_size,
        )
        save(fig, paths, opts.dpi)
    return fig


def frame_times(ds: xr.Dataset, periods: float = 4.0, per_period: int = 12, slow: int = 24) -> np.ndarray:
    """Times (a.u.) of the animation frames: a few vibration periods after switch-on and after
    switch-off, finely sampled, and the rest of each phase coarsely.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.
    periods : float
        Vibration periods (of the fastest oscillating mode) shown after each switching.
    per_period : int
        Frames per period in those windows.
    slow : int
        Frames of the remaining part of each phase.

    Returns
    -------
    ndarray
        Increasing times (a.u. of time) within the dataset's window.
    """
    t, T = ds["time"].values, float(ds.attrs["pulse_duration"])
    freq = ds["mode_frequency"].values
    period = 2 * np.pi / freq.max() if np.any(freq > 0) else 0.05 * T
    window = min(periods * period, 0.25 * T)
    n_fast = max(int(per_period * window / period), 8)
    parts = [np.linspace(t[0], 0.0, 4, endpoint=False)] if t[0] < 0 else []
    for start, end in ((0.0, T), (T, t[-1])):
        if end <= start:
            continue
        fast_end = min(start + window, end)
        parts.append(np.linspace(start, fast_end, n_fast, endpoint=False))
        if end > fast_end:
            parts.append(np.linspace(fast_end, end, slow, endpoint=False))
    return np.unique(np.concatenate([*parts, [t[-1]]]))


def animate_cluster(ds: xr.Dataset, path: str, opts: PlotOptions | None = None, fps: int = 12) -> int:
    """GIF of the cluster moving under the pulse (matplotlib's Pillow writer).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.
    path : str
        GIF file to write.
    opts : PlotOptions, optional
        Appearance (fonts; the figure is 1.4 ``opts.height`` inches wide and 0.5 inch taller, for
        the time bar below the square drawing, 80 dpi).
    fps : int
        Frames per second.

    Returns
    -------
    int
        Number of frames (:func:`frame_times`).
    """
    from matplotlib.animation import FuncAnimation, PillowWriter  # lazy: only the animation needs it

    opts = opts or PlotOptions()
    plane = motion_plane(ds)
    motion = internal_motion(ds)
    scale = _scale(ds, motion)
    t = ds["time"].values
    T = float(ds.attrs["pulse_duration"])
    frames = frame_times(ds)
    R = ds["positions"].values
    pulse = ds["pulse"].values
    side = 1.4 * opts.height
    with plt.rc_context(rc(opts)):
        fig = plt.figure(figsize=(side, side + 0.5), dpi=80)
        ax = fig.add_axes((0.05, 0.2, 0.9, 0.72))
        bar = fig.add_axes((0.12, 0.07, 0.76, 0.06))
        P = R @ plane.T
        span = np.ptp(P, axis=0).max() + 1e-9
        centre = 0.5 * (P.max(axis=0) + P.min(axis=0))
        ax.set_xlim(centre[0] - 0.8 * span, centre[0] + 0.8 * span)
        ax.set_ylim(centre[1] - 0.8 * span, centre[1] + 0.8 * span)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for a in range(R.shape[0]):  # equilibrium positions
            ax.plot(*P[a], marker="+", color="0.6", ms=6, zorder=1)
        dots = _draw_cluster(ax, ds, plane, R, opts)
        _current_arrow(ax, ds, plane)
        label = ax.set_title("", fontsize=opts.font_size)
        bar.plot(t * AU_TIME_PS, pulse, color="0.45", lw=1.0)
        marker = bar.axvline(0.0, color="#D55E00", lw=1.2)
        bar.set_yticks([])
        bar.set_xlabel("time (ps); grey: current pulse", fontsize=opts.font_size - 1)
        bar.tick_params(labelsize=opts.font_size - 2)
        name = ds.attrs["cluster"]
        what = f"{name}, {ds.attrs.get('kernel_label', ds.attrs['kernel'])}, $r_s$ = {float(ds.attrs['rs']):g}"

        def update(i):
            tt = frames[i]
            shift = np.stack([[np.interp(tt, t, motion[:, a, c]) for c in range(3)] for a in range(R.shape[0])])
            dots.set_offsets((R + scale * shift) @ plane.T)
            marker.set_xdata([tt * AU_TIME_PS, tt * AU_TIME_PS])
            phase = "current on" if 0 <= tt <= T else ("before" if tt < 0 else "after")
            label.set_text(f"{what}\nt = {tt * AU_TIME_PS:.3f} ps ({phase})")
            return dots, marker, label

        anim = FuncAnimation(fig, update, frames=len(frames), blit=False)
        anim.save(path, writer=PillowWriter(fps=fps))
        plt.close(fig)
    return len(frames)
