"""Rule compute_chi: chi^h(q, omega) of Eq. (15) on the kernel's grids."""

import time

from viscous_forces.io import read_result, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.chi import compute_chi


def main(kernel_file, output, log=None):
    logger = script_logger("compute_chi", log)
    t0 = time.perf_counter()
    ds = compute_chi(read_result(kernel_file))
    write_dataset(ds, output)
    logger.info(
        "%s rs=%g: chi on %d x %d nodes, min |epsilon| = %.3g, max chi(q,0) = %.3e, %.2f s",
        *(ds.attrs["kernel"], ds.attrs["rs"], ds.sizes["omega"], ds.sizes["node"], ds.attrs["min_dielectric"]),
        *(float(ds["chi_static"].max()), time.perf_counter() - t0),
    )


if "snakemake" in globals():
    main(snakemake.input.kernel, snakemake.output[0], log_path(snakemake))
