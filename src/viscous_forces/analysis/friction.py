"""Friction, d_eq and omega_vib of one (kernel, r_s) for the density sweep.

Built from the outputs of the chi and equilibrium stages, with the friction coefficients of the
response stage (:func:`viscous_forces.stages.response.friction`): one implementation of each
formula serves the paper's chain and the sweep.
"""

from __future__ import annotations

import xarray as xr

from .. import units
from ..core.electron_gas import ElectronGas
from ..core.impurity import Impurity
from ..io import parameters
from ..stages.common import scalar, stage_attrs
from ..stages.response import friction


def friction_point(chi_ds: xr.Dataset, eq_ds: xr.Dataset, impurity: Impurity) -> xr.Dataset:
    r"""Statics and friction of one (kernel, r_s).

    The friction coefficients are :math:`Q_0 = \tfrac83\int a\,dq` and
    :math:`Q_g = 8\int a\,w_g(qd_{eq})\,dq` (docs/theory.md, "Friction"), computed by
    :func:`viscous_forces.stages.response.friction`; the harmonic vibration frequency is
    :math:`\omega_{vib} = \sqrt{Z_1Z_2k/\mu}`.

    Parameters
    ----------
    chi_ds : xarray.Dataset
        Output of :func:`~viscous_forces.stages.chi.compute_chi` (friction density a(q)).
    eq_ds : xarray.Dataset
        Output of :func:`~viscous_forces.stages.equilibrium.compute_equilibrium` from ``chi_ds``.
    impurity : Impurity
        The two nuclei (only for ``omega_vib``).

    Returns
    -------
    xarray.Dataset
        Stage ``friction``, scalars with units in pint spelling as stored:

        * ``friction_q0``: single-nucleus friction coefficient Q0 (Z = 1),
          ``electron_mass/atomic_unit_of_time``;
        * ``friction_parallel``: pair coefficient Q_parallel(d_eq), ``electron_mass/atomic_unit_of_time``;
        * ``friction_perpendicular``: pair coefficient Q_perpendicular(d_eq), same unit (stored as
          ``"a.u."``);
        * ``d_eq`` (``bohr``), ``energy_eq`` (``hartree``) and ``spring_constant``
          (``hartree/bohr**2``), per unit charges;
        * ``omega_vib`` = sqrt(Z1 Z2 k/mu) (``hartree``) for ``impurity``;
        * ``kF`` (``1/bohr``) and ``omega_p`` (``hartree``).

        Attributes: provenance (the parameter record adds the impurity), ``stage``, ``rs``,
        ``kernel``, ``kernel_label``.
    """
    Q = friction(chi_ds, eq_ds)
    gas = ElectronGas(float(eq_ds.attrs["rs"]))
    k = float(eq_ds["spring_constant"])
    record = {
        **parameters(eq_ds),
        "impurity": {"Z1": impurity.Z1, "Z2": impurity.Z2, "M1": impurity.M1, "M2": impurity.M2},
    }
    return xr.Dataset(
        {
            "friction_q0": scalar(Q["J0"], units.FRICTION, "single-nucleus friction coefficient Q0 (Z = 1)"),
            "friction_parallel": scalar(Q["parallel"], units.FRICTION, "pair friction coefficient Q_parallel(d_eq)"),
            "friction_perpendicular": scalar(
                Q["perpendicular"], units.FRICTION, "pair friction coefficient Q_perpendicular(d_eq)"
            ),
            "d_eq": scalar(float(eq_ds["d_eq"]), units.BOHR, "equilibrium distance (first stable minimum of U)"),
            "energy_eq": scalar(float(eq_ds["energy_eq"]), units.HARTREE, "U(d_eq) for Z1 Z2 = 1"),
            "spring_constant": scalar(k, units.SPRING, "spring constant k = U''(d_eq) for Z1 Z2 = 1"),
            "omega_vib": scalar(
                impurity.vibration_frequency(k), units.HARTREE, "harmonic vibration frequency sqrt(Z1 Z2 k/mu)"
            ),
            "kF": scalar(gas.kF, units.INVERSE_BOHR, "Fermi wave vector"),
            "omega_p": scalar(gas.omega_p, units.HARTREE, "plasma frequency"),
        },
        attrs=stage_attrs("friction", record, gas.rs, eq_ds.attrs["kernel"], kernel_label=eq_ds.attrs["kernel_label"]),
    )
