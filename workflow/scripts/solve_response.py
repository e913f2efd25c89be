"""Rule solve_response: friction, J integrals and G(omega) of Eqs. (12)-(13) for one geometry."""

import time

from viscous_forces.dynamics import Impurity
from viscous_forces.io import read_dataset, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages import FrequencySpec, solve_response


def main(chi_file, equilibrium_file, geometry, impurity, direct_field, frequency, output, log=None):
    logger = script_logger("solve_response", log)
    t0 = time.perf_counter()
    freq = dict(frequency)
    density = freq.pop("response_density", 1.0)
    ds = solve_response(
        read_dataset(chi_file), read_dataset(equilibrium_file), Impurity(**impurity), geometry,
        direct_field=direct_field, frequency=FrequencySpec(**freq), density=density,
    )
    write_dataset(ds, output)
    logger.info(
        "%s rs=%g %s: Q0 = %.6e, Q_g = %.6e a.u., Markov rates %s 1/a.u., %d frequencies, %.2f s",
        ds.attrs["kernel"], ds.attrs["rs"], geometry, float(ds["friction_q0"]), float(ds["friction_qg"]),
        ", ".join(f"{r:.4e}" for r in ds["markov_rate"].values), ds.sizes["omega"], time.perf_counter() - t0,
    )


if "snakemake" in globals():
    p = snakemake.params
    main(
        snakemake.input.chi, snakemake.input.equilibrium, snakemake.wildcards.geometry, dict(p.impurity),
        p.direct_field, dict(p.frequency), snakemake.output[0], log_path(snakemake),
    )
