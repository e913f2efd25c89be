"""Rule make_friction_table: the density sweep of friction, d_eq and omega_vib as one CSV table."""

from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger
from viscous_forces.tables import FRICTION_UNITS, friction_sweep_rows, write_csv


def main(friction_files, output, log=None):
    logger = script_logger("make_friction_table", log)
    rows = friction_sweep_rows([read_result(f) for f in friction_files])
    write_csv(rows, FRICTION_UNITS, output)
    for r in rows:
        logger.info("%s", r)


if "snakemake" in globals():
    main(list(snakemake.input.friction), snakemake.output[0], log_path(snakemake))
