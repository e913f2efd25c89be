"""Rule make_impurity_table: the primary and the extra impurities side by side."""

from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger
from viscous_forces.tables import IMPURITY_UNITS, impurity_rows, write_csv


def main(response_files, velocity_files, output, log=None):
    logger = script_logger("make_impurity_table", log)
    rows = impurity_rows([read_result(f) for f in response_files], [read_result(f) for f in velocity_files])
    write_csv(rows, IMPURITY_UNITS, output)
    logger.info("%d rows written to %s", len(rows), output)


if "snakemake" in globals():
    main(list(snakemake.input.response), list(snakemake.input.velocity), snakemake.output[0], log_path(snakemake))
