"""Rule compute_chi_map: chi^h(q, omega), the loss function and the plasmon on a regular map."""

import time

from viscous_forces.io import write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.chi_map import chi_map


def main(kernel, rs, kernel_params, extent, output, log=None):
    logger = script_logger("compute_chi_map", log)
    t0 = time.perf_counter()
    ds = chi_map(rs, kernel, kernel_params, extent["q_max"], extent["omega_max"], extent["n_q"], extent["n_omega"])
    write_dataset(ds, output)
    plasmon = ds["plasmon_omega"].dropna("q")
    edge = float(plasmon["q_over_kF"].max()) if plasmon.size else float("nan")
    logger.info(
        "%s rs=%g: %d x %d map, max loss %.3g, plasmon enters the continuum at q = %.3f k_F, %.2f s",
        *(kernel, rs, ds.sizes["q"], ds.sizes["omega"], float(ds["loss"].max()), edge, time.perf_counter() - t0),
    )


if "snakemake" in globals():
    main(
        snakemake.wildcards.kernel,
        float(snakemake.wildcards.rs),
        dict(snakemake.params.kernel_params),
        dict(snakemake.params.chi_map),
        snakemake.output[0],
        log_path(snakemake),
    )
