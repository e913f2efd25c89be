"""Friction, equilibrium distance and vibration frequency across densities (the density sweep)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..reference_data import GERRITS_2020_PROTON
from .style import PlotOptions, rc, save, unit_label


def plot_friction_sweep(datasets: Sequence[xr.Dataset], paths: Sequence[str], opts=None):
    r"""Four panels vs r_s, one line per kernel.

    (a) :math:`Q_0` (log scale), (b) :math:`Q_\parallel, Q_\perp` at :math:`d_{eq}`, (c) :math:`d_{eq}`,
    (d) :math:`\omega_{vib}`.  Units on the axes come from the datasets.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Outputs of :func:`viscous_forces.analysis.friction.friction_point`, any kernels and r_s.
    paths : sequence of str
        Files to write (format from the suffix).
    opts : PlotOptions, optional
        Appearance.

    Returns
    -------
    matplotlib.figure.Figure
        The (closed) 2 x 2 figure, one line per kernel against r_s (bohr).
    """
    opts = opts or PlotOptions()
    by_kernel: dict[str, list[xr.Dataset]] = {}
    for ds in datasets:
        by_kernel.setdefault(ds.attrs["kernel"], []).append(ds)
    ref = datasets[0]

    def label(var, symbol, scale=1.0):
        units = unit_label(ref[var].attrs["units"])
        return f"{symbol} ({'' if scale == 1 else f'$10^{{{-int(np.log10(scale))}}}$ '}{units})"

    with plt.rc_context(rc(opts)):
        fig, axes = plt.subplots(2, 2, figsize=(opts.width, 2 * opts.height), sharex=True)
        (ax_q, ax_pair), (ax_d, ax_w) = axes
        styles = opts.styles_for(list(by_kernel))
        for kernel, dss in by_kernel.items():
            dss = sorted(dss, key=lambda d: float(d.attrs["rs"]))
            rs = np.array([float(d.attrs["rs"]) for d in dss])
            get = lambda v: np.array([float(d[v]) for d in dss])  # noqa: E731
            st = styles[kernel]
            name = dss[0].attrs.get("kernel_label", kernel)
            ax_q.plot(rs, get("friction_q0"), marker="o", ms=2.5, label=name, **st)
            ax_pair.plot(rs, get("friction_parallel"), marker="o", ms=2.5, **st)
            ax_pair.plot(
                rs,
                get("friction_perpendicular"),
                marker="s",
                ms=3,
                mfc="none",
                **{**st, "linewidth": 0.7 * st["linewidth"]},
            )
            ax_d.plot(rs, get("d_eq"), marker="o", ms=2.5, label=name, **st)
            ax_w.plot(rs, 1e3 * get("omega_vib"), marker="o", ms=2.5, label=name, **st)
        ref_rs = np.array(sorted(GERRITS_2020_PROTON))
        ax_q.plot(
            ref_rs, [GERRITS_2020_PROTON[r] for r in ref_rs], ls="none", marker="D", ms=4, mfc="none", mec="0.2",
            mew=1.0, label="nonlinear DFT (Gerrits et al. 2020)", zorder=5,
        )  # fmt: skip
        ax_q.set_yscale("log")
        ax_q.set_ylabel(label("friction_q0", r"$Q_0$ (Z = 1)"))
        ax_pair.axhline(0.0, color="0.75", lw=0.5, zorder=0)
        ax_pair.set_ylabel(label("friction_parallel", r"$Q_g(d_{eq})$"))
        ax_d.set_ylabel(label("d_eq", r"$d_{eq}$"))
        ax_w.set_ylabel(label("omega_vib", r"$\omega_{vib} = \sqrt{k/\mu}$", 1e3))
        for ax in (ax_d, ax_w):
            ax.set_xlabel(r"density parameter $r_s$ (bohr)")
        titles = (
            "(a) single-proton friction",
            "(b) pair friction at $d_{eq}$",
            "(c) equilibrium distance",
            "(d) harmonic vibration frequency",
        )
        for ax, title in zip(axes.ravel(), titles):
            ax.set_title(title, loc="left", fontsize=opts.font_size)
        ax_q.legend(frameon=False, fontsize=opts.font_size - 2)
        markers = [
            plt.Line2D([], [], color="0.3", marker="o", ms=3, ls="none", label=r"$Q_\parallel$"),
            plt.Line2D([], [], color="0.3", marker="s", ms=3, mfc="none", ls="none", label=r"$Q_\perp$"),
        ]
        ax_pair.legend(handles=markers, frameon=False, fontsize=opts.font_size - 1, loc="lower right")
        fig.suptitle("Friction, equilibrium distance and vibration frequency across densities", fontsize=opts.font_size)
        fig.tight_layout()
        save(fig, paths, opts.dpi)
    return fig
