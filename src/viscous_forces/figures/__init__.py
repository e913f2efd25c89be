"""Figures from the workflow's netCDF files (matplotlib, Agg backend).

``style`` holds the shared appearance (:class:`~viscous_forces.figures.style.PlotOptions`); one
module per figure: ``potential`` (Fig. 1), ``velocities`` (Figs. 2-5), ``sweep`` (friction
across densities).
"""
