"""Rule compute_friction: friction, d_eq, spring constant and omega_vib of one (kernel, rs) of the sweep."""

import time

from viscous_forces.analysis.friction import friction_point
from viscous_forces.core.impurity import Impurity
from viscous_forces.io import read_result, write_dataset
from viscous_forces.logs import log_path, script_logger


def main(chi_file, equilibrium_file, impurity, output, log=None):
    logger = script_logger("compute_friction", log)
    t0 = time.perf_counter()
    ds = friction_point(read_result(chi_file), read_result(equilibrium_file), Impurity(**impurity))
    write_dataset(ds, output)
    logger.info(
        "%s rs=%g: d_eq = %.6f bohr, k = %.5e Ha/bohr^2, omega_vib = %.5e Ha, Q0 = %.6e, Q_par = %.5e, "
        "Q_perp = %.5e a.u., %.2f s",
        *(ds.attrs["kernel"], ds.attrs["rs"], float(ds["d_eq"]), float(ds["spring_constant"]), float(ds["omega_vib"])),
        *(float(ds["friction_q0"]), float(ds["friction_parallel"]), float(ds["friction_perpendicular"])),
        time.perf_counter() - t0,
    )


if "snakemake" in globals():
    main(
        snakemake.input.chi,
        snakemake.input.equilibrium,
        dict(snakemake.params.impurity),
        snakemake.output[0],
        log_path(snakemake),
    )
