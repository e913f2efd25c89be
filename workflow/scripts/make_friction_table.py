"""Rule make_friction_table: the density sweep of friction, d_eq and omega_vib as one CSV table."""

import csv

from viscous_forces.analysis import FRICTION_UNITS, friction_sweep_rows
from viscous_forces.io import read_dataset
from viscous_forces.logs import log_path, script_logger


def main(friction_files, output, log=None):
    logger = script_logger("make_friction_table", log)
    rows = friction_sweep_rows([read_dataset(f) for f in friction_files])
    with open(output, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(FRICTION_UNITS))
        writer.writeheader()
        writer.writerows(rows)
    for r in rows:
        logger.info("%s", r)


if "snakemake" in globals():
    main(list(snakemake.input.friction), snakemake.output[0], log_path(snakemake))
