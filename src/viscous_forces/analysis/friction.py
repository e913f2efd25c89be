"""Friction, d_eq and omega_vib of one (kernel, r_s) for the density sweep.

Built from the outputs of the chi and equilibrium stages, with the friction coefficients of the
response stage (:func:`viscous_forces.stages.response.friction`): one implementation of each
formula serves the paper's chain and the sweep.
"""

from __future__ import annotations

import xarray as xr

from ..core.dynamics import Impurity
from ..core.electron_gas import ElectronGas
from ..io import parameters
from ..stages.common import scalar, stage_attrs
from ..stages.response import friction


def friction_point(chi_ds: xr.Dataset, eq_ds: xr.Dataset, impurity: Impurity) -> xr.Dataset:
    r"""Statics and friction of one (kernel, r_s).

    Returns
    -------
    xarray.Dataset
        ``friction_q0`` (Z = 1), ``friction_parallel``, ``friction_perpendicular`` (at d_eq), a.u.;
        ``d_eq`` (bohr), ``energy_eq`` (Ha), ``spring_constant`` (Ha/bohr^2) per unit charges;
        ``omega_vib`` = sqrt(Z1 Z2 k/mu) (Ha) for ``impurity``; ``kF`` (bohr^-1), ``omega_p`` (Ha).
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
            "friction_q0": scalar(Q["J0"], "a.u.", "single-nucleus friction coefficient Q0 (Z = 1)"),
            "friction_parallel": scalar(Q["parallel"], "a.u.", "pair friction coefficient Q_parallel(d_eq)"),
            "friction_perpendicular": scalar(
                Q["perpendicular"], "a.u.", "pair friction coefficient Q_perpendicular(d_eq)"
            ),
            "d_eq": scalar(float(eq_ds["d_eq"]), "bohr", "equilibrium distance (first stable minimum of U)"),
            "energy_eq": scalar(float(eq_ds["energy_eq"]), "Ha", "U(d_eq) for Z1 Z2 = 1"),
            "spring_constant": scalar(k, "Ha/bohr^2", "spring constant k = U''(d_eq) for Z1 Z2 = 1"),
            "omega_vib": scalar(impurity.vibration_frequency(k), "Ha", "harmonic vibration frequency sqrt(Z1 Z2 k/mu)"),
            "kF": scalar(gas.kF, "bohr^-1", "Fermi wave vector"),
            "omega_p": scalar(gas.omega_p, "Ha", "plasma frequency"),
        },
        attrs=stage_attrs("friction", record, gas.rs, eq_ds.attrs["kernel"], kernel_label=eq_ds.attrs["kernel_label"]),
    )
