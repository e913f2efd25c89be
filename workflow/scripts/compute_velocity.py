"""Rule compute_velocity: V_c(t), V_r(t) for the current pulse (rectangular, Eq. (14), by default)."""

import time

import numpy as np

from viscous_forces.core.pulses import make_pulse
from viscous_forces.io import read_result, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.velocity import TimeSpec, compute_velocity


def main(response_file, pulse_file, time_spec, pulse_spec, output, log=None):
    logger = script_logger("compute_velocity", log)
    t0 = time.perf_counter()
    response = read_result(response_file)
    pulse_ds = read_result(pulse_file)
    T = float(pulse_ds["pulse_duration"])
    spec = {k: pulse_spec.get(k) for k in ("rise_time", "width", "frequency")}
    ds = compute_velocity(response, make_pulse(pulse_spec["shape"], T, **spec), TimeSpec(**time_spec))
    write_dataset(ds, output)
    dv = max(float(np.abs(ds["v_cm"] - ds["v_cm_markov"]).max()), float(np.abs(ds["v_rel"] - ds["v_rel_markov"]).max()))
    logger.info(
        "%s rs=%g %s: %s pulse, T = %.4e a.u., %d times, max|V_c| = %.4f, max|V_r| = %.4e j0/n, "
        "max|full - Markov| = %.2e j0/n, %.2f s",
        *(ds.attrs["kernel"], ds.attrs["rs"], ds.attrs["geometry"], ds.attrs["pulse_shape"], T, ds.sizes["time"]),
        *(float(np.abs(ds["v_cm"]).max()), float(np.abs(ds["v_rel"]).max()), dv, time.perf_counter() - t0),
    )


if "snakemake" in globals():
    p = snakemake.params
    main(
        snakemake.input.response,
        snakemake.input.pulse,
        dict(p.time),
        dict(p.pulse),
        snakemake.output[0],
        log_path(snakemake),
    )
