"""Rule compute_stopping: the stopping power S(v) of one (kernel, rs), from its kernel table."""

import time

from viscous_forces.io import read_result, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.stopping import compute_stopping


def main(kernel_file, stopping, output, log=None):
    logger = script_logger("compute_stopping", log)
    t0 = time.perf_counter()
    ds = compute_stopping(
        read_result(kernel_file), stopping["v_min"], stopping["v_max"], stopping["points"], stopping["Z"]
    )
    write_dataset(ds, output)
    vF = float(ds.attrs["v_F"])
    logger.info(
        "%s rs=%g Z=%g: S(v) at %d velocities, maximum %.6g Ha/bohr at v = %.4f v_F (plasmon %.1f %%), "
        "Q0 = %.6e a.u., %.2f s",
        *(ds.attrs["kernel"], ds.attrs["rs"], ds.attrs["Z"], ds.sizes["v"], float(ds["stopping_peak"])),
        *(float(ds["v_peak"]) / vF, 100 * float(ds["plasmon_share_peak"]), float(ds["friction_q0"])),
        time.perf_counter() - t0,
    )


if "snakemake" in globals():
    main(snakemake.input.kernel, dict(snakemake.params.stopping), snakemake.output[0], log_path(snakemake))
