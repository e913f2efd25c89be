"""Pictures of a cluster of nuclei under the current pulse: displacement paths (and, in
:mod:`viscous_forces.figures.animation`, an animation).

Both show the internal motion, the displacement of each nucleus relative to the centre of mass
(the common drift with the electrons is left out), magnified, in the plane in which the nuclei
move.  Every panel and every animation frame carries

* the nuclei labelled by species
  (:func:`~viscous_forces.figures.cluster_frame.species_label`: H, D, T for the hydrogen nuclei,
  the element with its mass number otherwise), with the nucleus number where a species repeats;
* a scale bar of the equilibrium geometry in bohr, the magnification of the paths and the
  displacement a path as long as the bar stands for (:func:`~viscous_forces.figures.cluster_frame.path_scale`);
* one frame convention (:func:`~viscous_forces.figures.cluster_frame.motion_plane`): the same
  geometry, current and motion, however turned or mirrored in space, is drawn identically in
  every panel.

The stored displacements are per unit drift velocity j0/n (a.u. of time: multiply by j0/n in
bohr per a.u. of time for bohr), so the magnification of a path is m/(j0/n) with the number m of
:func:`path_scale`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .cluster_frame import (
    DRAWING_FRACTION,
    EXCURSION,
    NUCLEUS_COLORS,
    _nice,
    _shortest_distance,
    centre_of_mass,
    internal_motion,
    motion_plane,
    nucleus_labels,
    path_scale,
    scale_texts,
)
from .style import PlotOptions, rc, save

# ------------------------------------------------------------------------------------------------
# Drawing
# ------------------------------------------------------------------------------------------------


class _Drawing:
    """The drawn coordinates of one cluster: geometry, paths, box, scale bar, label places (bohr)."""

    def __init__(self, ds: xr.Dataset):
        self.ds = ds
        self.plane = motion_plane(ds)
        self.origin = centre_of_mass(ds)
        self.motion = internal_motion(ds)
        self.scale = path_scale(ds, self.motion)
        R = ds["positions"].values
        self.geometry = (R - self.origin) @ self.plane.T  # (N, 2)
        self.tracks = (R[None] - self.origin + self.scale * self.motion) @ self.plane.T  # (time, N, 2)
        d_min = _shortest_distance(R)
        self.bonds = [
            (a, b) for a in range(len(R)) for b in range(a + 1, len(R)) if np.linalg.norm(R[a] - R[b]) < 1.25 * d_min
        ]
        # the box, from the geometry alone (equal geometries are drawn alike): the paths reach at most
        # EXCURSION x d_min beyond the nuclei
        self.centre = 0.5 * (self.geometry.min(axis=0) + self.geometry.max(axis=0))
        reach = np.abs(self.geometry - self.centre).max() + EXCURSION * d_min
        self.half = float(reach) / DRAWING_FRACTION  # half the side of the square box
        self.bar = _nice(0.2 * 2 * self.half)
        self.labels = nucleus_labels(ds["Z"].values, ds["M"].values)
        self.label_places = self._label_places()

    def _label_places(self) -> list[tuple[np.ndarray, str, str]]:
        """Per nucleus: the label position and its alignment, in the emptiest of 8 directions."""
        box = 2 * self.half
        delta = 0.075 * box
        step = max(1, self.tracks.shape[0] // 300)
        obstacles = [self.geometry, self.tracks[::step].reshape(-1, 2)]
        for a, b in self.bonds:
            s = np.linspace(0.0, 1.0, 21)[:, None]
            obstacles.append((1 - s) * self.geometry[a] + s * self.geometry[b])
        obstacles = np.concatenate(obstacles)
        places = []
        for p in self.geometry:
            out = np.arctan2(p[1], p[0]) if np.linalg.norm(p) > 1e-9 * box else 0.5 * np.pi
            angles = out + np.arange(8) * np.pi / 4
            candidates = p + delta * np.stack([np.cos(angles), np.sin(angles)], axis=1)
            placed = [q for q, _, _ in places]
            pts = np.concatenate([obstacles, np.reshape(placed, (-1, 2))])
            score = np.min(np.linalg.norm(candidates[:, None, :] - pts[None, :, :], axis=2), axis=1)
            k = int(np.argmax(np.round(score / box, 3)))
            c, s = np.cos(angles[k]), np.sin(angles[k])
            ha = "left" if c > 0.38 else ("right" if c < -0.38 else "center")
            va = "bottom" if s > 0.38 else ("top" if s < -0.38 else "center")
            places.append((candidates[k], ha, va))
        return places

    def set_box(self, ax) -> None:
        ax.set_xlim(self.centre[0] - self.half, self.centre[0] + self.half)
        ax.set_ylim(self.centre[1] - self.half, self.centre[1] + self.half)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])

    def draw_bonds(self, ax, lw=0.8) -> None:
        for a, b in self.bonds:
            ax.plot(*self.geometry[[a, b]].T, color="0.7", lw=lw, zorder=1)

    def draw_nuclei(self, ax, size=1.0, positions=None):
        M = self.ds["M"].values
        P = self.geometry if positions is None else positions
        return ax.scatter(
            P[:, 0], P[:, 1], s=size * 60 * (M / M.min()) ** (1 / 3), zorder=3, edgecolors="k", linewidths=0.5,
            c=[NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)] for a in range(len(P))], gid="nuclei",
        )  # fmt: skip

    def draw_labels(self, ax, fontsize) -> None:
        for a, ((x, y), ha, va) in enumerate(self.label_places):
            ax.text(
                x, y, self.labels[a], ha=ha, va=va, fontsize=fontsize, zorder=5, gid="nucleus_label",
                color=NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)], fontweight="bold",
            )  # fmt: skip

    def draw_scale(self, ax, fontsize) -> None:
        """Scale bar (bohr) in the lower left corner, its length above it, the magnification below."""
        x0 = self.centre[0] - self.half + 0.06 * 2 * self.half
        y0 = self.centre[1] - self.half + 0.135 * 2 * self.half
        ax.plot([x0, x0 + self.bar], [y0, y0], color="k", lw=2.0, solid_capstyle="butt", zorder=4, gid="scale_bar")
        bar_label, magnification = scale_texts(self.bar, self.scale)
        ax.text(x0 + 0.5 * self.bar, y0 + 0.012 * 2 * self.half, bar_label, ha="center", va="bottom",
                fontsize=fontsize, gid="scale_bar_label")  # fmt: skip
        ax.text(x0, y0 - 0.02 * 2 * self.half, magnification, ha="left", va="top", fontsize=fontsize,
                gid="magnification", linespacing=1.3)  # fmt: skip

    def draw_current(self, ax, fontsize, length=0.16) -> None:
        """The current direction projected on the plane: an arrow in the upper left corner (axes fraction)."""
        e = self.plane @ self.ds["direction"].values
        if np.linalg.norm(e) < 1e-9:
            ax.text(0.04, 0.93, r"current $\perp$ plane", transform=ax.transAxes, fontsize=fontsize, color="0.3")
            return
        start = np.array([0.05, 0.9]) + length * np.array([max(-e[0], 0.0), min(-e[1], 0.0)])
        ax.annotate(
            "", xy=start + length * e, xytext=start, xycoords="axes fraction", textcoords="axes fraction",
            arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 1.2}, zorder=4,
        )  # fmt: skip
        ax.text(*(start + length * e + 0.02), "j", color="0.3", fontsize=fontsize, transform=ax.transAxes)


def _saddle_note(ax, ds, fontsize) -> None:
    if ds.attrs.get("saddle_curvatures", "[]") != "[]":
        ax.text(0.97, 0.96, "relaxed from\na saddle point", transform=ax.transAxes, ha="right", va="top",
                fontsize=fontsize, color="0.35", gid="saddle_note")  # fmt: skip


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
        The (closed) figure.  Each panel, drawn in the frame of :func:`motion_plane` about the
        centre of mass: the relaxed geometry (nuclei sized by mass, labelled by
        :func:`nucleus_labels`), each nucleus's path relative to the centre of mass while the
        current flows (solid) and after it stops (dashed), magnified by :func:`path_scale`, the
        current direction projected on the plane (arrow), a scale bar in bohr with the
        magnification and the path displacement it stands for (:func:`scale_texts`).
    """
    opts = opts or PlotOptions()
    rs_values = sorted({float(ds.attrs["rs"]) for ds in datasets})
    kernels = list(dict.fromkeys(ds.attrs["kernel"] for ds in datasets))
    cells = {(float(ds.attrs["rs"]), ds.attrs["kernel"]): ds for ds in datasets}
    name = datasets[0].attrs["cluster"]
    small = opts.font_size - 2
    with plt.rc_context(rc(opts)):
        fig, axes = plt.subplots(
            len(rs_values), len(kernels), figsize=(opts.width, 0.95 * opts.height * len(rs_values) + 0.7),
            squeeze=False, layout="constrained",
        )  # fmt: skip
        for i, rs in enumerate(rs_values):
            for j, k in enumerate(kernels):
                ax = axes[i, j]
                ds = cells.get((rs, k))
                if ds is None:
                    ax.set_axis_off()
                    continue
                drawing = _Drawing(ds)
                t, T = ds["time"].values, float(ds.attrs["pulse_duration"])
                on = (t >= 0) & (t <= T)
                for a in range(drawing.geometry.shape[0]):
                    color = NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)]
                    ax.plot(*drawing.tracks[on, a].T, color=color, lw=0.6, zorder=2, gid=f"path_on_{a + 1}")
                    ax.plot(*drawing.tracks[t >= T, a].T, color=color, lw=0.6, ls=(0, (2, 1.5)), zorder=2,
                            gid=f"path_after_{a + 1}")  # fmt: skip
                drawing.draw_bonds(ax)
                drawing.draw_nuclei(ax, size=0.8)
                drawing.draw_labels(ax, small)
                drawing.set_box(ax)
                drawing.draw_current(ax, small)
                drawing.draw_scale(ax, small)
                ax.set_title(f"{ds.attrs.get('kernel_label', k)}, $r_s$ = {rs:g}", fontsize=opts.font_size)
                _saddle_note(ax, ds, small)
        fig.suptitle(
            f"Cluster {name}: path of each nucleus relative to the c.m., current on (solid) and after (dashed)\n"
            r"bar: the equilibrium geometry in bohr; paths magnified as given ($j_0/\bar n$: drift velocity in a.u.)",
            fontsize=opts.font_size,
        )
        save(fig, paths, opts.dpi)
    return fig
