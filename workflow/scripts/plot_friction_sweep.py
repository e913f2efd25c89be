"""Rule plot_friction_sweep: Q0, pair friction, d_eq and omega_vib against rs for every kernel."""

from viscous_forces.figures.style import PlotOptions
from viscous_forces.figures.sweep import plot_friction_sweep
from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger


def main(friction_files, plot, outputs, log=None):
    logger = script_logger("plot_friction_sweep", log)
    datasets = [read_result(f) for f in friction_files]
    plot_friction_sweep(datasets, outputs, PlotOptions(**plot))
    logger.info("friction sweep figure from %d points: %s", len(datasets), ", ".join(outputs))


if "snakemake" in globals():
    main(
        list(snakemake.input.friction),
        dict(snakemake.params.plot),
        [snakemake.output.pdf, snakemake.output.png],
        log_path(snakemake),
    )
