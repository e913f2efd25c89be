"""Rule plot_potential: Fig. 1, U(d) and F(d) with d_eq marked."""

from viscous_forces.figures.potential import plot_potential
from viscous_forces.figures.style import PlotOptions
from viscous_forces.io import read_result
from viscous_forces.logs import log_path, script_logger


def main(equilibrium_files, plot, outputs, log=None):
    logger = script_logger("plot_potential", log)
    datasets = [read_result(f) for f in equilibrium_files]
    plot_potential(datasets, outputs, PlotOptions(**plot))
    for ds in datasets:
        logger.info("Fig. 1 %s rs=%g: d_eq = %.6f bohr", ds.attrs["kernel"], ds.attrs["rs"], float(ds["d_eq"]))


if "snakemake" in globals():
    main(
        list(snakemake.input.equilibrium),
        dict(snakemake.params.plot),
        [snakemake.output.pdf, snakemake.output.png],
        log_path(snakemake),
    )
