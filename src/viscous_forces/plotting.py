"""Figures 1-5 of the paper from the workflow's netCDF outputs (matplotlib, Agg backend).

Axis labels come from the datasets' ``long_name``/``units`` where they exist.  Every function
writes each requested path (pdf, png, ...) and returns the matplotlib Figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from .constants import AU_TIME_S  # noqa: E402

#: The paper's line styles: rMCP07 solid (a), static MCP07 dashed (b), RPA dotted (c).
DEFAULT_STYLES = {"rmcp07": "-", "mcp07": "--", "rpa": ":", "alda": "-."}
DEFAULT_COLORS = {"rmcp07": "#1f4e9c", "mcp07": "#c0392b", "rpa": "#222222", "alda": "#2e8b57"}

FIGURE_QUANTITIES = {
    2: ("parallel", "v_cm"),
    3: ("perpendicular", "v_cm"),
    4: ("parallel", "v_rel"),
    5: ("perpendicular", "v_rel"),
}


@dataclass(frozen=True)
class PlotOptions:
    """Figure appearance (never affects any computed number)."""

    width: float = 7.2  # inches (two-column width)
    height: float = 2.6  # inches per row
    dpi: int = 200
    font_size: float = 9.0
    line_width: float = 1.3
    time_unit: str = "ps"  # "ps" or "au"
    styles: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_STYLES))
    colors: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_COLORS))

    def __post_init__(self) -> None:
        if self.time_unit not in ("ps", "au"):
            raise ValueError(f"plot.time_unit must be 'ps' or 'au', got {self.time_unit!r}")
        if not (1 <= self.width <= 30 and 1 <= self.height <= 30 and 50 <= self.dpi <= 1200):
            raise ValueError(f"plot size out of range: width={self.width}, height={self.height}, dpi={self.dpi}")

    def style(self, kernel: str) -> dict:
        """matplotlib line keyword arguments for a kernel's curve."""
        return {
            "linestyle": self.styles.get(kernel, "-"),
            "color": self.colors.get(kernel, None),
            "linewidth": self.line_width,
        }


def _rc(opts: PlotOptions) -> dict:
    return {
        "font.size": opts.font_size,
        "axes.labelsize": opts.font_size,
        "legend.fontsize": opts.font_size - 1,
        "xtick.direction": "in",
        "ytick.direction": "in",
        "xtick.top": True,
        "ytick.right": True,
        "savefig.bbox": "standard",  # layout is done by tight_layout; "tight" would draw twice
        "pdf.fonttype": 42,
    }


def _save(fig, paths: Sequence[str], dpi: int) -> None:
    for p in paths:
        # deterministic PDFs: no creation date in the metadata
        meta = {"CreationDate": None} if str(p).endswith(".pdf") else {}
        fig.savefig(p, dpi=dpi, metadata=meta)


def _time_scale(opts: PlotOptions) -> tuple[float, str]:
    if opts.time_unit == "ps":
        return AU_TIME_S * 1e12, "time $t$ (ps)"
    return 1e-5, r"time $t$ ($10^5$ a.u.)"


def envelope(t: np.ndarray, v: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Upper and lower envelopes of a fast oscillation: lines through its local maxima and minima."""
    inner = v[1:-1]
    imax = 1 + np.nonzero((inner > v[:-2]) & (inner >= v[2:]))[0]  # local maxima (numpy: no scipy.signal import)
    imin = 1 + np.nonzero((inner < v[:-2]) & (inner <= v[2:]))[0]
    return (t[imax], v[imax]), (t[imin], v[imin])


def plot_potential(
    datasets: Sequence[xr.Dataset], paths: Sequence[str], opts: PlotOptions | None = None, unit_scale: float = 1e3
):
    """Fig. 1: U(d) (Eq. 10) and F(d) (Eq. 9) with the equilibrium distance marked by an arrow."""
    opts = opts or PlotOptions()
    with plt.rc_context(_rc(opts)):
        fig, (ax_u, ax_f) = plt.subplots(2, 1, figsize=(opts.width * 0.55, 2 * opts.height), sharex=True)
        for ds in datasets:
            k = ds.attrs["kernel"]
            label = ds.attrs.get("kernel_label", k)
            d = ds["d"].values
            st = opts.style(k)
            ax_u.plot(d, unit_scale * ds["U"].values, label=label, **st)
            ax_f.plot(d, unit_scale * ds["F"].values, label=label, **st)
            d_eq = float(ds["d_eq"])
            u_eq = unit_scale * float(ds["energy_eq"])
            span = unit_scale * (np.nanmax(ds["U"].values) - np.nanmin(ds["U"].values))
            ax_u.annotate(
                f"$d_{{eq}}$ = {d_eq:.3f}", xy=(d_eq, u_eq), xytext=(d_eq, u_eq + 0.25 * span),
                ha="center", fontsize=opts.font_size - 1, color=st["color"],
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                arrowprops={"arrowstyle": "->", "color": st["color"], "lw": 0.9},
            )
            ax_f.plot([d_eq], [0.0], marker="o", ms=3.5, color=st["color"])
        rs = datasets[0].attrs["rs"]
        for ax in (ax_u, ax_f):
            ax.axhline(0.0, color="0.6", lw=0.6, zorder=0)
        ax_u.set_ylabel(r"$U(d)$ (mHa)" if unit_scale == 1e3 else r"$U(d)$ (Ha)")
        ax_f.set_ylabel(r"$F(d)$ (mHa/bohr)" if unit_scale == 1e3 else r"$F(d)$ (Ha/bohr)")
        ax_f.set_xlabel(r"internuclear distance $d$ (bohr)")
        ax_u.set_title(rf"$r_s$ = {rs:g} a.u., $Z_1 = Z_2 = 1$")
        ax_u.legend(frameon=False)
        # zoom the y-range on the region around the minimum (the Coulomb wall dominates otherwise)
        for ax, var in ((ax_u, "U"), (ax_f, "F")):
            vals = np.concatenate([unit_scale * ds[var].values[ds["d"].values >= 0.75 * float(ds["d_eq"])] for ds in datasets])
            lo, hi = np.nanmin(vals), np.nanmax(vals)
            pad = 0.08 * (hi - lo)
            ax.set_ylim(lo - pad, min(hi, lo + 6 * (abs(lo) + pad)) + pad)
        fig.tight_layout()
        _save(fig, paths, opts.dpi)
    return fig


def plot_velocities(
    datasets: Mapping[tuple[str, float], xr.Dataset], figure: int, paths: Sequence[str],
    kernels: Sequence[str], rs_values: Sequence[float], opts: PlotOptions | None = None,
):
    """Figs. 2-5: velocity vs time, one panel per rs, one line per kernel, the pulse schematic.

    ``datasets[(kernel, rs)]`` are velocity datasets of the figure's geometry.  Fig. 4 draws the
    envelopes of the fast vibrations (lines through the maxima and minima) over a faint trace.
    """
    opts = opts or PlotOptions()
    if figure not in FIGURE_QUANTITIES:
        raise ValueError(f"figure must be one of {sorted(FIGURE_QUANTITIES)}, got {figure!r}")
    geometry, var = FIGURE_QUANTITIES[figure]
    scale, xlabel = _time_scale(opts)
    with plt.rc_context(_rc(opts)):
        fig, axes = plt.subplots(1, len(rs_values), figsize=(opts.width, opts.height), squeeze=False)
        for ax, rs in zip(axes[0], rs_values):
            vmax = 0.0
            for k in kernels:
                ds = datasets[(k, rs)]
                if ds.attrs["geometry"] != geometry:
                    raise ValueError(f"figure {figure} needs {geometry} data, got {ds.attrs['geometry']} for {k}, rs={rs}")
                t = ds["time"].values
                v = ds[var].values
                st = opts.style(k)
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
            ax.plot(ds0["time"].values * scale, 1.05 * vmax * pulse, color="0.45", lw=0.9, ls=(0, (2, 2)), label="pulse (schematic)")
            ax.axhline(0.0, color="0.75", lw=0.5, zorder=0)
            ax.set_title(rf"$r_s$ = {rs:g} a.u.")
            ax.set_xlabel(xlabel)
        sym = r"$V_c$" if var == "v_cm" else r"$V_r$"
        axes[0, 0].set_ylabel(f"{sym} ($j_0/\\bar n$)")
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False, bbox_to_anchor=(0.5, -0.02))
        what = "c.m." if var == "v_cm" else ("relative (vibration)" if geometry == "parallel" else "relative (rotation)")
        fig.suptitle(f"Fig. {figure}: {what} velocity, current {geometry} to the axis", fontsize=opts.font_size)
        fig.tight_layout(rect=(0, 0.08, 1, 1))
        _save(fig, paths, opts.dpi)
    return fig
