"""Rule compute_friction: d_eq, spring constant, omega_vib and friction of one (kernel, rs) of the sweep."""

import time

from viscous_forces.analysis import friction_point
from viscous_forces.dynamics import Impurity
from viscous_forces.io import write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.quadrature import GridSpec


def main(kernel, rs, kernel_params, grid, d_min, d_step, impurity, output, log=None):
    logger = script_logger("compute_friction", log)
    t0 = time.perf_counter()
    ds = friction_point(float(rs), kernel, kernel_params, GridSpec(**grid), d_min, d_step, Impurity(**impurity))
    write_dataset(ds, output)
    logger.info(
        "%s rs=%s: d_eq = %.6f bohr, k = %.5e Ha/bohr^2, omega_vib = %.5e Ha, Q0 = %.6e (RPA closed form %.6e), "
        "Q_par = %.5e, Q_perp = %.5e a.u., %.2f s",
        kernel, rs, float(ds["d_eq"]), float(ds["spring_constant"]), float(ds["omega_vib"]), float(ds["friction_q0"]),
        float(ds["friction_q0_lindhard_winther"]), float(ds["friction_parallel"]), float(ds["friction_perpendicular"]),
        time.perf_counter() - t0,
    )


if "snakemake" in globals():
    p = snakemake.params
    main(
        snakemake.wildcards.kernel, snakemake.wildcards.rs, dict(p.kernel_params), dict(p.grid), p.d_min, p.d_step,
        dict(p.impurity), snakemake.output[0], log_path(snakemake),
    )
