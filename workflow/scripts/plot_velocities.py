"""Rule plot_velocities: Figs. 2-5, velocities vs time for every kernel and rs."""

from viscous_forces.io import read_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.plotting import PlotOptions, plot_velocities

OPTION_KEYS = ("width", "height", "dpi", "font_size", "line_width", "time_unit", "styles", "colors")


def main(velocity_files, figure, kernels, rs_values, plot, outputs, log=None):
    logger = script_logger("plot_velocities", log)
    opts = PlotOptions(**{k: plot[k] for k in OPTION_KEYS if k in plot})
    datasets = {}
    for f in velocity_files:
        ds = read_dataset(f)
        datasets[(ds.attrs["kernel"], float(ds.attrs["rs"]))] = ds
    plot_velocities(datasets, int(figure), outputs, kernels, rs_values, opts)
    logger.info("Fig. %s from %d velocity files", figure, len(velocity_files))


if "snakemake" in globals():
    p = snakemake.params
    main(
        list(snakemake.input.velocity), snakemake.wildcards.fig, list(p.kernels), list(p.rs), dict(p.plot),
        [snakemake.output.pdf, snakemake.output.png], log_path(snakemake),
    )
