"""Rule plot_friction_sweep: Q0, pair friction, d_eq and omega_vib against rs for every kernel."""

from viscous_forces.analysis import plot_friction_sweep
from viscous_forces.io import read_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.plotting import PlotOptions

OPTION_KEYS = ("width", "height", "dpi", "font_size", "line_width", "styles", "colors")


def main(friction_files, plot, outputs, log=None):
    logger = script_logger("plot_friction_sweep", log)
    opts = PlotOptions(**{k: plot[k] for k in OPTION_KEYS if k in plot})
    datasets = [read_dataset(f) for f in friction_files]
    plot_friction_sweep(datasets, outputs, opts)
    logger.info("friction sweep figure from %d points: %s", len(datasets), ", ".join(outputs))


if "snakemake" in globals():
    main(list(snakemake.input.friction), dict(snakemake.params.plot), [snakemake.output.pdf, snakemake.output.png],
         log_path(snakemake))
