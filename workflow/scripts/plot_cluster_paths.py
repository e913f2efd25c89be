"""Rule plot_cluster_paths: displacement paths of one cluster's nuclei, per kernel and rs."""

from viscous_forces.figures.cluster import plot_cluster_paths
from viscous_forces.figures.style import PlotOptions
from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger


def main(cluster_files, plot, outputs, log=None):
    logger = script_logger("plot_cluster_paths", log)
    datasets = [read_result(f) for f in cluster_files]
    plot_cluster_paths(datasets, outputs, PlotOptions(**plot))
    logger.info("cluster %s: %d panels -> %s", datasets[0].attrs["cluster"], len(datasets), ", ".join(outputs))


if "snakemake" in globals():
    main(list(snakemake.input.clusters), dict(snakemake.params.plot), [snakemake.output.pdf, snakemake.output.png],
         log_path(snakemake))  # fmt: skip
