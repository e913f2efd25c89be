"""Rule find_equilibrium: d_eq, U''(d_eq) and the U(d), F(d) curves (Eqs. 9-10)."""

import time

from viscous_forces.io import read_result, write_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages.equilibrium import compute_equilibrium


def main(chi_file, eq, grid, output, log=None):
    logger = script_logger("find_equilibrium", log)
    t0 = time.perf_counter()
    curve = (eq["curve_d_min"], eq["curve_d_max"], eq["curve_points"])
    ds = compute_equilibrium(read_result(chi_file), eq["d_min"], grid["d_max"], eq["d_step"], curve)
    write_dataset(ds, output)
    logger.info(
        "%s rs=%g: d_eq = %.9f bohr, U(d_eq) = %.6e Ha, k = U''(d_eq) = %.6e Ha/bohr^2, F(d_eq) = %.1e Ha/bohr, %.2f s",
        *(ds.attrs["kernel"], ds.attrs["rs"], float(ds["d_eq"]), float(ds["energy_eq"]), float(ds["spring_constant"])),
        *(float(ds["force_residual"]), time.perf_counter() - t0),
    )


if "snakemake" in globals():
    p = snakemake.params
    main(snakemake.input.chi, dict(p.equilibrium), dict(p.grid), snakemake.output[0], log_path(snakemake))
