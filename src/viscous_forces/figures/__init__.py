"""Figures from the workflow's netCDF files (matplotlib, Agg backend).

``style`` holds the shared appearance (:class:`~viscous_forces.figures.style.PlotOptions`); one
module per figure: ``potential`` (Fig. 1), ``velocities`` (Figs. 2-5), ``sweep`` (friction
across densities), ``chi_map`` (the loss function), ``cluster`` (clusters of nuclei), ``stopping``
(the stopping power S(v)).  This
module itself imports no plotting library: the workflow reads :data:`FIGURE_QUANTITIES` when it
plans the jobs.
"""

#: Figure number -> (geometry, velocity variable) of Figs. 2-5.
FIGURE_QUANTITIES = {
    2: ("parallel", "v_cm"),
    3: ("perpendicular", "v_cm"),
    4: ("parallel", "v_rel"),
    5: ("perpendicular", "v_rel"),
}
