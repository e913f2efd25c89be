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
        U and as a dotted vertical line in both panels.
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
