"""Rule solve_response: friction, J integrals and G(omega) of Eqs. (12)-(13) for one geometry."""

import time

from viscous_forces.core.dynamics import Impurity
from viscous_forces.io import read_dataset, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.response import solve_response


def main(chi_file, equilibrium_file, kernel, rs, geometry, impurity, direct_field, density, output, log=None):
    logger = script_logger("solve_response", log)
    t0 = time.perf_counter()
    ds = solve_response(
        read_dataset(chi_file, kernel=kernel, rs=float(rs)),
        read_dataset(equilibrium_file, kernel=kernel, rs=float(rs)),
        Impurity(**impurity),
        geometry,
        direct_field=direct_field,
        density=density,
    )
    write_dataset(ds, output)
    logger.info(
        "%s rs=%g %s: Q0 = %.6e, Q_g = %.6e a.u., Markov rates %s 1/a.u., %d frequencies, %.2f s",
        ds.attrs["kernel"],
        ds.attrs["rs"],
        geometry,
        float(ds["friction_q0"]),
        float(ds["friction_qg"]),
        ", ".join(f"{r:.4e}" for r in ds["markov_rate"].values),
        ds.sizes["omega"],
        time.perf_counter() - t0,
    )


if "snakemake" in globals():
    w, p = snakemake.wildcards, snakemake.params
    main(
        snakemake.input.chi,
        snakemake.input.equilibrium,
        w.kernel,
        w.rs,
        w.geometry,
        dict(p.impurity),
        p.direct_field,
        p.response_density,
        snakemake.output[0],
        log_path(snakemake),
    )
