"""Rule make_vibration_table: vibration frequency and damping from Markov, poles and time-domain fits."""

import time

from viscous_forces.analysis.modes import VIBRATION_UNITS, vibration_rows
from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger
from viscous_forces.tables import write_csv


def _key(ds):
    return ds.attrs["kernel"], f"{float(ds.attrs['rs']):g}", ds.attrs["geometry"]


def main(response_files, velocity_files, fit_efolds, output, log=None):
    logger = script_logger("make_vibration_table", log)
    t0 = time.perf_counter()
    responses = {_key(ds): ds for ds in map(read_result, response_files)}
    velocities = {_key(ds): ds for ds in map(read_result, velocity_files)}
    rows = vibration_rows(responses, velocities, fit_efolds)
    write_csv(rows, VIBRATION_UNITS, output)
    for r in rows:
        logger.info(
            "%s rs=%g %s %s: frequency (Ha) Markov %.6e pole %.6e fit %.6e; rate (1/a.u.) Markov %.5e pole %.5e "
            "fit %.5e; fit/pole - 1 = %.2e (freq), %.2e (rate); window %.3e a.u., rms %.1e",
            r["kernel"],
            r["rs"],
            r["geometry"],
            r["mode"],
            r["markov_frequency"],
            r["pole_frequency"],
            r["fit_frequency"],
            r["markov_rate"],
            r["pole_rate"],
            r["fit_rate"],
            r["fit_vs_pole_frequency"],
            r["fit_vs_pole_rate"],
            r["fit_window"],
            r["fit_rms"],
        )
    missing = [f"{r['kernel']} rs={r['rs']:g} {r['geometry']}" for r in rows if r["fit_rms"] != r["fit_rms"]]
    if missing:
        logger.warning(
            "too few samples for the time-domain fit (columns fit_* are NaN): %s", "; ".join(sorted(set(missing)))
        )
    logger.info("%d rows, %.2f s", len(rows), time.perf_counter() - t0)


if "snakemake" in globals():
    main(
        list(snakemake.input.response),
        list(snakemake.input.velocity),
        snakemake.params.fit_efolds,
        snakemake.output[0],
        log_path(snakemake),
    )
