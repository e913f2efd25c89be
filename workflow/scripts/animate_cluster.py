"""Rule animate_cluster: a GIF of one cluster moving under the current pulse."""

import time

from viscous_forces.figures.animation import animate_cluster
from viscous_forces.figures.style import PlotOptions
from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger


def main(cluster_file, plot, output, log=None):
    logger = script_logger("animate_cluster", log)
    t0 = time.perf_counter()
    ds = read_result(cluster_file)
    n = animate_cluster(ds, output, PlotOptions(**plot))
    logger.info("cluster %s (%s, rs=%g): %d frames -> %s, %.1f s", ds.attrs["cluster"], ds.attrs["kernel"],
                ds.attrs["rs"], n, output, time.perf_counter() - t0)  # fmt: skip


if "snakemake" in globals():
    main(snakemake.input.cluster, dict(snakemake.params.plot), snakemake.output[0], log_path(snakemake))
