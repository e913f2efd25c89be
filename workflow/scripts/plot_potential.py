"""Rule plot_potential: Fig. 1, U(d) and F(d) with d_eq marked."""

from viscous_forces.io import read_dataset
from viscous_forces.logs import log_path, script_logger
from viscous_forces.plotting import PlotOptions, plot_potential

OPTION_KEYS = ("width", "height", "dpi", "font_size", "line_width", "time_unit", "styles", "colors")


def main(equilibrium_files, plot, outputs, log=None):
    logger = script_logger("plot_potential", log)
    opts = PlotOptions(**{k: plot[k] for k in OPTION_KEYS if k in plot})
    datasets = [read_dataset(f) for f in equilibrium_files]
    plot_potential(datasets, outputs, opts)
    for ds in datasets:
        logger.info("Fig. 1 %s rs=%g: d_eq = %.6f bohr", ds.attrs["kernel"], ds.attrs["rs"], float(ds["d_eq"]))


if "snakemake" in globals():
    main(list(snakemake.input.equilibrium), dict(snakemake.params.plot), [snakemake.output.pdf, snakemake.output.png], log_path(snakemake))
