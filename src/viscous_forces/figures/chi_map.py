"""Loss-function maps -Im[1/epsilon(q, omega)] per kernel and r_s, with the particle-hole continuum and
the plasmon (the maps of :func:`viscous_forces.stages.chi_map.chi_map`)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.colors import LogNorm

from .style import PlotOptions, rc, save

#: Colour range of the maps: from the largest loss value down by this many decades.
DECADES = 4.0


def map_grid(datasets: Sequence[xr.Dataset]) -> tuple[list[float], list[str], dict]:
    """The r_s values (rows), kernels (columns, in first-seen order) and the dataset of each cell.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Outputs of :func:`viscous_forces.stages.chi_map.chi_map`.

    Returns
    -------
    rs_values : list of float
        Sorted r_s values (bohr).
    kernels : list of str
        Kernel names in first-seen order.
    cells : dict
        ``(rs, kernel)`` -> dataset.

    Raises
    ------
    ValueError
        If two maps have the same (r_s, kernel) or a dataset is not a chi map.
    """
    rs_values, kernels, cells = [], [], {}
    for ds in datasets:
        if ds.attrs.get("stage") != "chi_map":
            raise ValueError(f"expected chi maps, got a {ds.attrs.get('stage')!r} dataset")
        rs, k = float(ds.attrs["rs"]), ds.attrs["kernel"]
        if (rs, k) in cells:
            raise ValueError(f"two chi maps for kernel {k} at rs = {rs:g}")
        cells[rs, k] = ds
        if rs not in rs_values:
            rs_values.append(rs)
        if k not in kernels:
            kernels.append(k)
    return sorted(rs_values), kernels, cells


def plot_chi_map(datasets: Sequence[xr.Dataset], paths: Sequence[str], opts: PlotOptions | None = None):
    """Loss function on (q/k_F, omega/omega_p), one row per r_s and one column per kernel.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Outputs of :func:`viscous_forces.stages.chi_map.chi_map` (any set of kernels and r_s).
    paths : sequence of str
        Files to write (format from the suffix).
    opts : PlotOptions, optional
        Width (inches), height of one row (inches), fonts, dpi.

    Returns
    -------
    matplotlib.figure.Figure
        The (closed) figure. Each panel draws the loss function on a logarithmic colour scale
        spanning :data:`DECADES` decades below the row's maximum, the continuum edges
        :math:`\\omega = |q^2/2 \\pm qk_F|` (white dashed) and the plasmon dispersion (sky-blue solid,
        where it lies outside the continuum); zero loss is black.
    """
    opts = opts or PlotOptions()
    rs_values, kernels, cells = map_grid(datasets)
    n_rows, n_cols = len(rs_values), len(kernels)
    with plt.rc_context(rc(opts)):
        fig, axes = plt.subplots(
            n_rows,
            n_cols,
            figsize=(opts.width, 0.9 * opts.height * n_rows + 0.4),
            sharex=True,
            sharey=True,
            squeeze=False,
            layout="constrained",
        )
        for i, rs in enumerate(rs_values):
            top = max(float(cells[rs, k]["loss"].max()) for k in kernels if (rs, k) in cells)
            norm = LogNorm(vmin=top * 10.0**-DECADES, vmax=top)
            image = None
            for j, k in enumerate(kernels):
                ax = axes[i, j]
                if (rs, k) not in cells:
                    ax.set_axis_off()
                    continue
                ds = cells[rs, k]
                x, y = ds["q_over_kF"].values, ds["omega_over_omega_p"].values
                wp = float(ds["omega"].values[-1] / y[-1])
                loss = np.where(ds["loss"].values > 0, ds["loss"].values, np.nan)
                # the map's grid is regular: an image with one pixel per (q, omega) point, centred on it
                dx, dy = (x[-1] - x[0]) / (len(x) - 1), (y[-1] - y[0]) / (len(y) - 1)
                extent = (x[0] - dx / 2, x[-1] + dx / 2, y[0] - dy / 2, y[-1] + dy / 2)
                image = ax.imshow(
                    loss.T, norm=norm, cmap="magma", origin="lower", extent=extent, aspect="auto",
                    interpolation="nearest",
                )  # fmt: skip
                ax.set_facecolor("black")  # zero loss (outside the continuum, static kernels)
                for edge in ("continuum_lower", "continuum_upper"):
                    ax.plot(x, ds[edge].values / wp, color="white", lw=0.8, ls="--")
                ax.plot(x, ds["plasmon_omega"].values / wp, color="#56B4E9", lw=opts.line_width)
                ax.set_xlim(0, x[-1])
                ax.set_ylim(0, y[-1])
                ax.set_title(f"{ds.attrs.get('kernel_label', k)}, $r_s$ = {rs:g}", fontsize=opts.font_size)
                if i == n_rows - 1:
                    ax.set_xlabel(r"$q/k_F$")
                if j == 0:
                    ax.set_ylabel(r"$\omega/\omega_p$")
            if image is not None:
                bar = fig.colorbar(image, ax=list(axes[i]), pad=0.01, aspect=15)
                bar.set_label(r"$-\mathrm{Im}\,\varepsilon^{-1}$")
        save(fig, paths, opts.dpi)
    return fig
