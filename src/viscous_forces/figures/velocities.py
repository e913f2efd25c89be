"""Figs. 2-5 of the paper: c.m. and relative velocities against time, one panel per r_s."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .style import PlotOptions, rc, save, time_axis

#: Figure number -> (geometry, velocity variable).
FIGURE_QUANTITIES = {
    2: ("parallel", "v_cm"),
    3: ("perpendicular", "v_cm"),
    4: ("parallel", "v_rel"),
    5: ("perpendicular", "v_rel"),
}


def envelope(t: np.ndarray, v: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Upper and lower envelopes of a fast oscillation: lines through its local maxima and minima."""
    inner = v[1:-1]
    imax = 1 + np.nonzero((inner > v[:-2]) & (inner >= v[2:]))[0]  # local maxima (numpy: no scipy.signal import)
    imin = 1 + np.nonzero((inner < v[:-2]) & (inner <= v[2:]))[0]
    return (t[imax], v[imax]), (t[imin], v[imin])


def plot_velocities(
    datasets: Mapping[tuple[str, float], xr.Dataset],
    figure: int,
    paths: Sequence[str],
    kernels: Sequence[str],
    rs_values: Sequence[float],
    opts: PlotOptions | None = None,
):
    """Figs. 2-5: velocity vs time, one panel per rs, one line per kernel, the pulse schematic.

    ``datasets[(kernel, rs)]`` are velocity datasets of the figure's geometry.  Fig. 4 draws the
    envelopes of the fast vibrations (lines through the maxima and minima) over a faint trace.
    """
    opts = opts or PlotOptions()
    if figure not in FIGURE_QUANTITIES:
        raise ValueError(f"figure must be one of {sorted(FIGURE_QUANTITIES)}, got {figure!r}")
    geometry, var = FIGURE_QUANTITIES[figure]
    scale, xlabel = time_axis(opts)
    styles = opts.styles_for(list(kernels))
    with plt.rc_context(rc(opts)):
        fig, axes = plt.subplots(1, len(rs_values), figsize=(opts.width, opts.height), squeeze=False)
        for ax, rs in zip(axes[0], rs_values):
            vmax = 0.0
            for k in kernels:
                ds = datasets[(k, rs)]
                if ds.attrs["geometry"] != geometry:
                    raise ValueError(
                        f"figure {figure} needs {geometry} data, got {ds.attrs['geometry']} for {k}, rs={rs}"
                    )
                t = ds["time"].values
                v = ds[var].values
                st = styles[k]
                label = ds.attrs.get("kernel_label", k)
                if figure == 4:
                    ax.plot(t * scale, v, color=st["color"], lw=0.3, alpha=0.35)
                    (tu, vu), (tl, vl) = envelope(t, v)
                    ax.plot(tu * scale, vu, label=label, **st)
                    ax.plot(tl * scale, vl, **st)
                else:
                    ax.plot(t * scale, v, label=label, **st)
                vmax = max(vmax, float(np.max(np.abs(v))))
            ds0 = datasets[(kernels[0], rs)]
            pulse = ds0["pulse"].values
            ax.plot(
                ds0["time"].values * scale,
                1.05 * vmax * pulse,
                color="0.45",
                lw=0.9,
                ls=(0, (2, 2)),
                label="pulse (schematic)",
            )
            ax.axhline(0.0, color="0.75", lw=0.5, zorder=0)
            ax.set_title(rf"$r_s$ = {rs:g} a.u.")
            ax.set_xlabel(xlabel)
        sym = r"$V_c$" if var == "v_cm" else r"$V_r$"
        axes[0, 0].set_ylabel(f"{sym} ($j_0/\\bar n$)")
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False, bbox_to_anchor=(0.5, -0.02))
        what = (
            "c.m." if var == "v_cm" else ("relative (vibration)" if geometry == "parallel" else "relative (rotation)")
        )
        fig.suptitle(f"Fig. {figure}: {what} velocity, current {geometry} to the axis", fontsize=opts.font_size)
        fig.tight_layout(rect=(0, 0.08, 1, 1))
        save(fig, paths, opts.dpi)
    return fig
