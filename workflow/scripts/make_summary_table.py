"""Rule make_summary_table: one row per (kernel, rs) with the key numbers of the run."""

import csv

from viscous_forces.io import read_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.stages import summary_rows


def main(equilibrium_files, response_files, pulse_files, output, log=None):
    logger = script_logger("make_summary_table", log)
    rows = summary_rows(
        [read_dataset(f) for f in equilibrium_files],
        [read_dataset(f) for f in response_files],
        [read_dataset(f) for f in pulse_files],
    )
    with open(output, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for row in rows:
        logger.info("%s", row)


if "snakemake" in globals():
    main(list(snakemake.input.equilibrium), list(snakemake.input.response), list(snakemake.input.pulse), snakemake.output[0], log_path(snakemake))
