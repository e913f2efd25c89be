"""Rule make_stopping_table: maximum of S(v), Q0 and S at a few velocities per (kernel, rs) as one CSV table."""

from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger
from viscous_forces.tables import STOPPING_UNITS, stopping_rows, write_csv


def main(stopping_files, output, log=None):
    logger = script_logger("make_stopping_table", log)
    rows = stopping_rows([read_result(f) for f in stopping_files])
    write_csv(rows, STOPPING_UNITS, output)
    for r in rows:
        logger.info("%s", r)


if "snakemake" in globals():
    main(list(snakemake.input.stopping), snakemake.output[0], log_path(snakemake))
