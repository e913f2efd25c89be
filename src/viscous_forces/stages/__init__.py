"""The workflow's stages: labelled ``xarray.Dataset`` in, ``xarray.Dataset`` out.

One module per Snakemake rule of the same name, each a thin layer over :mod:`viscous_forces.core`:

=============  ====================================================================================
kernel         :func:`~viscous_forces.stages.kernel.tabulate_kernel`: f_xc on the q grids
chi            :func:`~viscous_forces.stages.chi.compute_chi`: chi^h (Eq. 15), friction density
chi_map        :func:`~viscous_forces.stages.chi_map.chi_map`: chi^h, loss function and plasmon on a regular grid
equilibrium    :func:`~viscous_forces.stages.equilibrium.compute_equilibrium`: U, F, d_eq (Eqs. 9-10)
response       :func:`~viscous_forces.stages.response.solve_response`: G_c, G_r (Eqs. 12-13), friction
pulse          :func:`~viscous_forces.stages.pulse.derive_pulse`: the pulse length T
velocity       :func:`~viscous_forces.stages.velocity.compute_velocity`: V_c(t), V_r(t) (Eq. 14)
stopping       :func:`~viscous_forces.stages.stopping.compute_stopping`: S(v) of an ion (beyond the paper)
=============  ====================================================================================

The friction coefficients are computed from a chi dataset in one place,
:func:`viscous_forces.stages.response.friction`, for the response stage, the friction sweep and the clusters.

Import the stage you need (``from viscous_forces.stages.chi import compute_chi``): this package
imports nothing itself, so that each workflow job loads only its own stage.
"""
