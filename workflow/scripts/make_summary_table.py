"""Rule make_summary_table: one row per (kernel, rs) with the key numbers of the run."""

from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger
from viscous_forces.tables import SUMMARY_UNITS, summary_rows, write_csv


def main(equilibrium_files, response_files, pulse_files, output, log=None):
    logger = script_logger("make_summary_table", log)
    rows = summary_rows(
        [read_result(f) for f in equilibrium_files],
        [read_result(f) for f in response_files],
        [read_result(f) for f in pulse_files],
    )
    write_csv(rows, SUMMARY_UNITS, output)
    for row in rows:
        logger.info("%s", row)


if "snakemake" in globals():
    i = snakemake.input
    main(list(i.equilibrium), list(i.response), list(i.pulse), snakemake.output[0], log_path(snakemake))
