"""Rule simulate_cluster: relaxed geometry, modes and V_a(t) of a cluster of nuclei under the pulse."""

import time

from viscous_forces.core.pulses import make_pulse
from viscous_forces.io import read_result, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.cluster import simulate_cluster
from viscous_forces.stages.velocity import TimeSpec


def main(chi_file, eq_file, pulse_file, name, spec, direct_field, frequency, time_spec, pulse_spec, output, log=None):
    logger = script_logger("simulate_cluster", log)
    t0 = time.perf_counter()
    T = float(read_result(pulse_file)["pulse_duration"])
    pulse = make_pulse(pulse_spec["shape"], T, **{k: pulse_spec.get(k) for k in ("rise_time", "width", "frequency")})
    ds = simulate_cluster(
        read_result(chi_file), read_result(eq_file), spec, name, pulse, direct_field,
        frequency["response_density"], frequency["max_time_error"], TimeSpec(**time_spec),
    )  # fmt: skip
    write_dataset(ds, output)
    modes = ", ".join(
        f"{k} {f:.4e} Ha/{r:.3e}" for k, f, r in zip(ds["mode_kind"].values, ds["mode_frequency"].values,
                                                     ds["mode_rate"].values)
    )  # fmt: skip
    logger.info(
        "%s %s rs=%g: %d nuclei, max force %.1e Ha/bohr after relaxation (saddles left: %s), %d frequencies, "
        "V(t) error %.1e j0/n, modes (frequency/rate): %s; %.2f s",
        *(name, ds.attrs["kernel"], ds.attrs["rs"], ds.sizes["nucleus"], float(ds["max_force"])),
        *(ds.attrs["saddle_curvatures"], ds.sizes["omega"], float(ds["time_error"]), modes, time.perf_counter() - t0),
    )


if "snakemake" in globals():
    p = snakemake.params
    main(
        *(snakemake.input.chi, snakemake.input.equilibrium, snakemake.input.pulse, snakemake.wildcards.cluster),
        *(dict(p.cluster), p.direct_field_sign, dict(p.frequency), dict(p.time), dict(p.pulse)),
        snakemake.output[0],
        log_path(snakemake),
    )
