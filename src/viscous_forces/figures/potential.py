"""Fig. 1 of the paper: U(d) (Eq. 10) and F(d) (Eq. 9) with the equilibrium distance marked."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .style import PlotOptions, rc, save


def plot_potential(
    datasets: Sequence[xr.Dataset], paths: Sequence[str], opts: PlotOptions | None = None, unit_scale: float = 1e3
):
    """Fig. 1: U(d) (Eq. 10) and F(d) (Eq. 9) with the equilibrium distance marked by an arrow."""
    opts = opts or PlotOptions()
    with plt.rc_context(rc(opts)):
        fig, (ax_u, ax_f) = plt.subplots(2, 1, figsize=(opts.width * 0.55, 2 * opts.height), sharex=True)
        styles = opts.styles_for([ds.attrs["kernel"] for ds in datasets])
        for ds in datasets:
            k = ds.attrs["kernel"]
            label = ds.attrs.get("kernel_label", k)
            d = ds["d"].values
            st = styles[k]
            ax_u.plot(d, unit_scale * ds["U"].values, label=label, **st)
            ax_f.plot(d, unit_scale * ds["F"].values, label=label, **st)
            d_eq = float(ds["d_eq"])
            u_eq = unit_scale * float(ds["energy_eq"])
            span = unit_scale * (np.nanmax(ds["U"].values) - np.nanmin(ds["U"].values))
            ax_u.annotate(
                f"$d_{{eq}}$ = {d_eq:.3f}",
                xy=(d_eq, u_eq),
                xytext=(d_eq, u_eq + 0.25 * span),
                ha="center",
                fontsize=opts.font_size - 1,
                color=st["color"],
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
            vals = np.concatenate(
                [unit_scale * ds[var].values[ds["d"].values >= 0.75 * float(ds["d_eq"])] for ds in datasets]
            )
            lo, hi = np.nanmin(vals), np.nanmax(vals)
            pad = 0.08 * (hi - lo)
            ax.set_ylim(lo - pad, min(hi, lo + 6 * (abs(lo) + pad)) + pad)
        fig.tight_layout()
        save(fig, paths, opts.dpi)
    return fig
