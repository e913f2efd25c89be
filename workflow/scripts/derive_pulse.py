"""Rule derive_pulse: the pulse length T of one rs (derived from the RPA Markov rates or given)."""

import xarray as xr

from viscous_forces.io import provenance, read_dataset, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages import derive_pulse


def main(rs, response_files, decay_times, duration, output, log=None):
    logger = script_logger("derive_pulse", log)
    if duration is None:
        T = derive_pulse([read_dataset(f) for f in response_files], decay_times)
        how = f"{decay_times} / slowest RPA Markov decay rate"
    else:
        T = float(duration)
        if not T > 0:
            raise ValueError(f"pulse duration for rs={rs} must be > 0 a.u., got {duration!r}")
        how = "configured"
    ds = xr.Dataset(
        {"pulse_duration": ((), T, {"units": "a.u. of time", "long_name": f"pulse length T ({how})"})},
        attrs={**provenance({"rs": float(rs), "decay_times": decay_times, "duration": duration}), "rs": float(rs)},
    )
    write_dataset(ds, output)
    logger.info("rs=%s: T = %.6e a.u. (%.3f ps), %s", rs, T, T * 2.4188843265857e-5, how)


if "snakemake" in globals():
    p = snakemake.params
    main(snakemake.wildcards.rs, list(snakemake.input), p.decay_times, p.duration, snakemake.output[0], log_path(snakemake))
