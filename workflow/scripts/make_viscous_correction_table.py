"""Rule make_viscous_correction_table: dynamic vs static kernel velocities per phase, and the 40 % claim."""

from viscous_forces.analysis.viscous import VISCOUS_UNITS, claim_verdict, viscous_correction_rows
from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger
from viscous_forces.tables import write_csv


def _by_rs_geometry(files):
    out = {}
    for ds in map(read_result, files):
        out[(f"{float(ds.attrs['rs']):g}", ds.attrs["geometry"])] = ds
    return out


def main(dynamic_files, static_files, dynamic_kernel, static_kernel, threshold, table, verdict, log=None):
    logger = script_logger("make_viscous_correction_table", log)
    rows = viscous_correction_rows(_by_rs_geometry(dynamic_files), _by_rs_geometry(static_files), threshold)
    write_csv(rows, VISCOUS_UNITS, table)
    text = claim_verdict(rows, dynamic_kernel, static_kernel)
    with open(verdict, "w") as fh:
        fh.write(text)
    for r in rows:
        logger.info(
            "rs=%g %s %s phase %s: max|dV|/peak = %.4f, peak change = %+.4f, integral change = %+.4f, "
            "max pointwise decrease = %+.4f (peak static %.4e j0/n)",
            r["rs"],
            r["geometry"],
            r["quantity"],
            r["phase"],
            r["max_diff_rel"],
            r["peak_change"],
            r["integral_change"],
            r["max_pointwise_decrease"],
            r["peak_static"],
        )
    logger.info("verdict:\n%s", text)


if "snakemake" in globals():
    p = snakemake.params
    main(
        list(snakemake.input.dynamic),
        list(snakemake.input.static),
        p.dynamic_kernel,
        p.static_kernel,
        p.pointwise_threshold,
        snakemake.output.table,
        snakemake.output.verdict,
        log_path(snakemake),
    )
