"""Rule solve_response: friction, J integrals and G(omega) of Eqs. (12)-(13) for one geometry."""

import time

from viscous_forces.core.impurity import Impurity
from viscous_forces.io import read_result, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.response import solve_response


def main(chi_file, eq_file, geometry, impurity, direct_field, density, max_error, output, log=None):
    logger = script_logger("solve_response", log)
    t0 = time.perf_counter()
    chi, eq = read_result(chi_file), read_result(eq_file)
    ds = solve_response(chi, eq, Impurity(**impurity), geometry, direct_field, density, max_error)
    write_dataset(ds, output)
    rates = ", ".join(f"{r:.4e}" for r in ds["markov_rate"].values)
    logger.info(
        "%s rs=%g %s: Q0 = %.6e, Q_g = %.6e a.u., Markov rates %s 1/a.u., %d frequencies, "
        "estimated V(t) error %.1e j0/n, %.2f s",
        *(ds.attrs["kernel"], ds.attrs["rs"], geometry, float(ds["friction_q0"]), float(ds["friction_qg"])),
        *(rates, ds.sizes["omega"], float(ds["time_error"]), time.perf_counter() - t0),
    )


if "snakemake" in globals():
    p = snakemake.params
    main(
        snakemake.input.chi,
        snakemake.input.equilibrium,
        snakemake.wildcards.geometry,
        dict(p.impurity),
        p.direct_field_sign,
        p.frequency["response_density"],
        p.frequency["max_time_error"],
        snakemake.output[0],
        log_path(snakemake),
    )
