"""Rule plot_chi_map: the loss function -Im[1/epsilon(q, omega)] per kernel and rs."""

from viscous_forces.figures.chi_map import plot_chi_map
from viscous_forces.figures.style import PlotOptions
from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger


def main(map_files, plot, outputs, log=None):
    logger = script_logger("plot_chi_map", log)
    datasets = [read_result(f) for f in map_files]
    plot_chi_map(datasets, outputs, PlotOptions(**plot))
    logger.info("chi map figure: %d panels -> %s", len(datasets), ", ".join(outputs))


if "snakemake" in globals():
    main(
        list(snakemake.input.maps),
        dict(snakemake.params.plot),
        [snakemake.output.pdf, snakemake.output.png],
        log_path(snakemake),
    )
