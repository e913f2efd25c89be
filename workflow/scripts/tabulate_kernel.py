"""Rule tabulate_kernel: f_xc of one kernel on the q grids of one rs."""

import time

from viscous_forces.core.frequency_grids import FrequencySpec
from viscous_forces.core.quadrature import GridSpec
from viscous_forces.io import write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.kernel import tabulate_kernel


def main(kernel, rs, kernel_params, grid, frequency, output, log=None):
    logger = script_logger("tabulate_kernel", log)
    t0 = time.perf_counter()
    ds = tabulate_kernel(float(rs), kernel, kernel_params, GridSpec(**grid), FrequencySpec(**frequency))
    write_dataset(ds, output)
    logger.info(
        "kernel %s rs=%s params=%s: %d static q nodes, %d frequencies x %d nodes, %.2f s",
        kernel,
        rs,
        kernel_params,
        ds.sizes["q_static"],
        ds.sizes["omega"],
        ds.sizes["node"],
        time.perf_counter() - t0,
    )


if "snakemake" in globals():
    p = snakemake.params
    main(
        snakemake.wildcards.kernel,
        snakemake.wildcards.rs,
        dict(p.kernel_params),
        dict(p.grid),
        dict(p.frequency),
        snakemake.output[0],
        log_path(snakemake),
    )
