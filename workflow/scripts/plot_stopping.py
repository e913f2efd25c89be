"""Rule plot_stopping: S(v) of every kernel per rs with the slow-ion and Bethe limits, and S/S_RPA."""

from viscous_forces.figures.stopping import plot_stopping
from viscous_forces.figures.style import PlotOptions
from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger


def main(stopping_files, plot, outputs, log=None):
    logger = script_logger("plot_stopping", log)
    datasets = [read_result(f) for f in stopping_files]
    plot_stopping(datasets, outputs, PlotOptions(**plot))
    logger.info("stopping-power figure from %d curves: %s", len(datasets), ", ".join(outputs))


if "snakemake" in globals():
    main(
        list(snakemake.input.stopping),
        dict(snakemake.params.plot),
        [snakemake.output.pdf, snakemake.output.png],
        log_path(snakemake),
    )
