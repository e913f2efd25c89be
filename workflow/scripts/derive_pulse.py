"""Rule derive_pulse: the pulse length T of one rs (derived from the RPA Markov rates or given)."""

from viscous_forces.constants import AU_TIME_PS
from viscous_forces.io import read_result, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.pulse import derive_pulse


def main(rs, response_files, decay_times, duration, output, log=None):
    logger = script_logger("derive_pulse", log)
    ds = derive_pulse(float(rs), [read_result(f) for f in response_files], decay_times, duration)
    write_dataset(ds, output)
    T = float(ds["pulse_duration"])
    logger.info("rs=%s: T = %.6e a.u. (%.3f ps), %s", rs, T, T * AU_TIME_PS, ds["pulse_duration"].attrs["long_name"])


if "snakemake" in globals():
    p = snakemake.params
    main(
        snakemake.wildcards.rs,
        list(snakemake.input.responses),
        p.pulse["decay_times"],
        p.pulse["duration"],
        snakemake.output[0],
        log_path(snakemake),
    )
