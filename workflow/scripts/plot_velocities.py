"""Rule plot_velocities: Figs. 2-5, velocities vs time for every kernel and rs."""

from viscous_forces.figures.style import PlotOptions
from viscous_forces.figures.velocities import plot_velocities
from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger


def main(velocity_files, figure, kernels, rs_values, plot, outputs, log=None):
    logger = script_logger("plot_velocities", log)
    datasets = {}
    for f in velocity_files:
        ds = read_result(f)
        datasets[(ds.attrs["kernel"], float(ds.attrs["rs"]))] = ds
    plot_velocities(datasets, int(figure), outputs, kernels, rs_values, PlotOptions(**plot))
    logger.info("Fig. %s from %d velocity files", figure, len(velocity_files))


if "snakemake" in globals():
    p = snakemake.params
    main(
        list(snakemake.input.velocity),
        snakemake.wildcards.fig,
        list(p.kernels),
        list(p.rs),
        dict(p.plot),
        [snakemake.output.pdf, snakemake.output.png],
        log_path(snakemake),
    )
