"""The animation of a cluster under the current pulse (GIF): the internal motion frame by frame,
drawn as the path figures draw it (:mod:`viscous_forces.figures.cluster`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..constants import AU_TIME_PS
from .cluster import _Drawing, _saddle_note
from .cluster_frame import NUCLEUS_COLORS
from .style import PlotOptions, rc


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


#: Resolution of the animation (dots per inch).
GIF_DPI = 100
#: Size of the animation (inches at :data:`GIF_DPI`: 720 x 560 pixels).
GIF_SIZE = (7.2, 5.6)


def animation_figure(ds: xr.Dataset, opts: PlotOptions | None = None):
    """The figure of :func:`animate_cluster` at the first frame, and a function that moves it to a time.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.
    opts : PlotOptions, optional
        Appearance (fonts).

    Returns
    -------
    fig : matplotlib.figure.Figure
        :data:`GIF_SIZE` inches at :data:`GIF_DPI`: the title, the time label below it, the cluster
        (equilibrium positions as grey crosses, the magnified paths faint, the nuclei labelled by
        species, the current arrow, the scale bar and the magnification), a legend of the nuclei on
        the right and the pulse with a marker of the time below.  Left open; the caller closes it.
    update : callable
        ``update(t)`` moves the nuclei, the time label and the marker to time t (a.u.) and returns
        the artists that change (animated: they are not drawn by ``fig.canvas.draw()``).
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    opts = opts or PlotOptions()
    drawing = _Drawing(ds)
    t = ds["time"].values
    T = float(ds.attrs["pulse_duration"])
    pulse = ds["pulse"].values
    R = ds["positions"].values
    width, height = GIF_SIZE
    with plt.rc_context(rc(opts)):
        fig = Figure(figsize=GIF_SIZE, dpi=GIF_DPI)
        side = 0.7 * height  # the square drawing (inches)
        ax = fig.add_axes((0.02, 0.2, side / width, side / height))
        bar = fig.add_axes((0.09, 0.075, 0.87, 0.055))
        for a in range(R.shape[0]):  # equilibrium positions and the faint magnified paths
            color = NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)]
            ax.plot(*drawing.tracks[:, a].T, color=color, lw=0.6, alpha=0.35, zorder=2)
            ax.plot(*drawing.geometry[a], marker="+", color="0.45", ms=8, zorder=1)
        drawing.draw_bonds(ax)
        dots = drawing.draw_nuclei(ax, size=1.4)
        dots.set_animated(True)
        drawing.draw_labels(ax, opts.font_size)
        drawing.set_box(ax)
        drawing.draw_current(ax, opts.font_size - 1)
        drawing.draw_scale(ax, opts.font_size - 1)
        _saddle_note(ax, ds, opts.font_size - 1)
        kernel = ds.attrs.get("kernel_label", ds.attrs["kernel"])
        fig.text(
            0.5, 0.985, f"Cluster {ds.attrs['cluster']}, {kernel}, $r_s$ = {float(ds.attrs['rs']):g}: internal motion "
            "relative to the c.m.", ha="center", va="top", fontsize=opts.font_size + 1, gid="title",
        )  # fmt: skip
        clock = fig.text(0.5, 0.935, "", ha="center", va="top", fontsize=opts.font_size + 1, gid="time_label")
        clock.set_animated(True)
        M = ds["M"].values
        handles = [
            Line2D([], [], ls="none", marker="o", ms=7 * (m / M.min()) ** (1 / 6), mec="k", mew=0.5,
                   color=NUCLEUS_COLORS[a % len(NUCLEUS_COLORS)])
            for a, m in enumerate(M)
        ]  # fmt: skip
        names = [f"nucleus {a + 1}: {label}" for a, label in enumerate(drawing.labels)]
        handles += [
            Line2D([], [], ls="none", marker="+", color="0.45", ms=8),
            Line2D([], [], color="0.5", lw=0.8, alpha=0.6),
        ]
        names += ["equilibrium position", "path (magnified)"]
        fig.legend(
            handles, names, loc="upper left", bbox_to_anchor=(0.02 + side / width + 0.02, 0.9), frameon=False,
            fontsize=opts.font_size,
        )  # fmt: skip
        bar.plot(t * AU_TIME_PS, pulse, color="0.45", lw=1.0)
        marker = bar.axvline(0.0, color="#D55E00", lw=1.5)
        marker.set_animated(True)
        bar.set_yticks([])
        bar.set_xlim(t[0] * AU_TIME_PS, t[-1] * AU_TIME_PS)
        bar.set_xlabel("time $t$ (ps): the current pulse (grey) and the time shown (vermillion)")
        bar.tick_params(labelsize=opts.font_size - 1)

    def update(tt: float):
        shift = np.stack([[np.interp(tt, t, drawing.tracks[:, a, c]) for c in range(2)] for a in range(R.shape[0])])
        dots.set_offsets(shift)
        marker.set_xdata([tt * AU_TIME_PS, tt * AU_TIME_PS])
        phase = "current on" if 0 <= tt <= T else ("before the pulse" if tt < 0 else "after the pulse")
        clock.set_text(f"t = {tt * AU_TIME_PS:.3f} ps ({phase})")
        return dots, marker, clock

    update(t[0])
    return fig, update


def animate_cluster(ds: xr.Dataset, path: str, opts: PlotOptions | None = None, fps: int = 12) -> int:
    """GIF of the cluster moving under the pulse.

    The static part of the figure (:func:`animation_figure`) is drawn once; each frame redraws only
    the nuclei, the time label and the time marker on it, and all frames share one palette of at
    most 128 colours (unchanged pixels are left transparent by Pillow's GIF writer).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.cluster.simulate_cluster`.
    path : str
        GIF file to write.
    opts : PlotOptions, optional
        Appearance (fonts).
    fps : int
        Frames per second.

    Returns
    -------
    int
        Number of frames (:func:`frame_times`).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig, update = animation_figure(ds, opts)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    renderer = canvas.get_renderer()
    images = []
    for tt in frame_times(ds):
        canvas.restore_region(background)
        for artist in update(tt):
            artist.draw(renderer)
        images.append(Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy()))
    sample = Image.new("RGB", (images[0].width, 2 * images[0].height))
    sample.paste(images[0], (0, 0))
    sample.paste(images[len(images) // 2], (0, images[0].height))
    palette = sample.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    frames = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=round(1000 / fps), loop=0, optimize=True)
    return len(frames)
