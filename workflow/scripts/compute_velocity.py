"""Rule compute_velocity: V_c(t), V_r(t) for the rectangular pulse of Eq. (14)."""

import time

import numpy as np

from viscous_forces.io import read_dataset, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages import TimeSpec, compute_velocity


def main(response_file, pulse_file, time_spec, output, log=None):
    logger = script_logger("compute_velocity", log)
    t0 = time.perf_counter()
    T = float(read_dataset(pulse_file)["pulse_duration"])
    ds = compute_velocity(read_dataset(response_file), T, TimeSpec(**time_spec))
    write_dataset(ds, output)
    dv = max(float(np.abs(ds["v_cm"] - ds["v_cm_markov"]).max()), float(np.abs(ds["v_rel"] - ds["v_rel_markov"]).max()))
    logger.info(
        "%s rs=%g %s: T = %.4e a.u., %d times, max|V_c| = %.4f, max|V_r| = %.4e j0/n, max|full - Markov| = %.2e j0/n, %.2f s",
        ds.attrs["kernel"], ds.attrs["rs"], ds.attrs["geometry"], T, ds.sizes["time"], float(np.abs(ds["v_cm"]).max()),
        float(np.abs(ds["v_rel"]).max()), dv, time.perf_counter() - t0,
    )


if "snakemake" in globals():
    main(snakemake.input.response, snakemake.input.pulse, dict(snakemake.params.time), snakemake.output[0], log_path(snakemake))
