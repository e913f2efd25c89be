"""The stopping power S(v) of every kernel per r_s, with its slow-ion and fast-ion limits."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import xarray as xr

from .style import PlotOptions, rc, save, unit_label

#: The Bethe asymptote is drawn from this velocity (units of v_F) on; below it the logarithm fails.
BETHE_FROM = 1.5
#: The slow-ion line Z^2 Q0 v is drawn up to this velocity (units of v_F).
SLOW_ION_TO = 1.0


def plot_stopping(datasets: Sequence[xr.Dataset], paths: Sequence[str], opts=None, reference: str = "rpa"):
    r"""One column per r_s: S(v) against v/v_F for every kernel (log-log), the slow-ion line
    :math:`Z^2Q_0v` and the Bethe asymptote; below, each kernel's S divided by the reference kernel's.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Outputs of :func:`viscous_forces.stages.stopping.compute_stopping`, any kernels and r_s (the same
        velocity grid for the kernels of one r_s).
    paths : sequence of str
        Files to write (format from the suffix).
    opts : PlotOptions, optional
        Appearance.
    reference : str
        Kernel of the denominator of the lower panels (the first kernel if it is missing).

    Returns
    -------
    matplotlib.figure.Figure
        The (closed) figure: 2 rows x one column per r_s.
    """
    opts = opts or PlotOptions()
    by_rs: dict[float, dict[str, xr.Dataset]] = {}
    for ds in datasets:
        by_rs.setdefault(float(ds.attrs["rs"]), {})[ds.attrs["kernel"]] = ds
    rs_values = sorted(by_rs)
    kernels = list(dict.fromkeys(ds.attrs["kernel"] for ds in datasets))
    ref = reference if reference in kernels else kernels[0]
    first = datasets[0]
    s_unit = unit_label(first["stopping"].attrs["units"])
    Z = float(first.attrs["Z"])
    z_text = f"Z = {Z:g}"
    with plt.rc_context(rc(opts)):
        fig, axes = plt.subplots(
            2,
            len(rs_values),
            figsize=(opts.width, 2.0 * opts.height),
            sharex=True,
            squeeze=False,
            gridspec_kw={"height_ratios": [2.2, 1.0]},
        )
        styles = opts.styles_for(kernels)
        for col, rs in enumerate(rs_values):
            top, bottom = axes[0, col], axes[1, col]
            dss = by_rs[rs]
            base = dss.get(ref)
            for kernel in kernels:
                if kernel not in dss:
                    continue
                ds, st = dss[kernel], styles[kernel]
                x = ds["v_over_vF"].values
                name = ds.attrs.get("kernel_label", kernel)
                top.plot(x, ds["stopping"].values, label=name, **st)
                slow = x <= SLOW_ION_TO
                top.plot(x[slow], ds["slow_ion"].values[slow], color=st["color"], lw=0.6, ls=(0, (1, 1.5)), alpha=0.9)
                if base is not None:
                    bottom.plot(x, ds["stopping"].values / base["stopping"].values, **st)
            ds = next(iter(dss.values()))
            x = ds["v_over_vF"].values
            fast = x >= BETHE_FROM
            top.plot(x[fast], ds["bethe"].values[fast], color="0.5", lw=1.1, ls=(0, (5, 3)), zorder=3)
            top.set_xscale("log")
            top.set_yscale("log")
            smax = max(float(d["stopping"].max()) for d in dss.values())
            smin = min(float(d["stopping"].values[0]) for d in dss.values())
            top.set_ylim(0.5 * smin, 2.0 * smax)
            top.set_title(
                f"$r_s = {rs:g}$ ($v_F$ = {float(ds.attrs['v_F']):.3g} a.u.)", loc="left", fontsize=opts.font_size
            )
            top.grid(True, which="major", color="0.9", lw=0.5)
            bottom.axhline(1.0, color="0.6", lw=0.6, zorder=0)
            bottom.grid(True, which="major", color="0.9", lw=0.5)
            bottom.set_xlabel(r"ion velocity $v/v_F$")
            bottom.set_xlim(x[0], x[-1])
        axes[0, 0].set_ylabel(f"stopping power $S$ ({s_unit})")
        ref_label = next(d for d in datasets if d.attrs["kernel"] == ref).attrs.get("kernel_label", ref)
        axes[1, 0].set_ylabel(f"$S/S_{{\\mathrm{{{ref_label}}}}}$")
        handles, labels = axes[0, 0].get_legend_handles_labels()
        handles += [
            plt.Line2D([], [], color="0.3", lw=0.6, ls=(0, (1, 1.5))),
            plt.Line2D([], [], color="0.5", lw=1.1, ls=(0, (5, 3))),
        ]
        labels += [r"$Z^2Q_0v$ (slow ion)", "Bethe (fast ion)"]
        fig.legend(
            handles, labels, loc="upper center", ncol=len(labels), frameon=False, fontsize=opts.font_size - 1,
            bbox_to_anchor=(0.5, 0.965), handlelength=2.6,
        )  # fmt: skip
        fig.suptitle(
            f"Linear-response stopping power of a point charge {z_text} in the electron gas",
            fontsize=opts.font_size,
            y=0.995,
            va="top",
        )
        fig.tight_layout(rect=(0, 0, 1, 0.945))
        save(fig, paths, opts.dpi)
    return fig
