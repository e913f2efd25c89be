"""Stage 1, ``tabulate_kernel``: f_xc on the static and per-frequency q grids of one (kernel, r_s)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
import xarray as xr

from .. import units
from ..core.electron_gas import ElectronGas
from ..core.frequency_grids import FrequencySpec
from ..core.kernels import get_kernel, im_slope
from ..core.quadrature import GridSpec, dynamic_grid, static_grid
from .common import stage_attrs, var


def tabulate_kernel(
    rs: float,
    kernel: str,
    params: Mapping[str, Any] | None = None,
    grid: GridSpec | None = None,
    frequency: FrequencySpec | None = None,
) -> xr.Dataset:
    """Tabulate f_xc on the static grid (omega = 0, with the slope d Im f/d omega) and on the
    per-frequency grids of the J integrals.  Validates every argument before computing.

    The kernels are those of docs/theory.md, "Exchange-correlation kernels"; the slope, which
    gives the viscous term of the friction density, is
    :func:`viscous_forces.core.kernels.im_slope`.  The grids are
    :func:`~viscous_forces.core.quadrature.static_grid`,
    :func:`~viscous_forces.core.quadrature.dynamic_grid` and :meth:`FrequencySpec.grid
    <viscous_forces.core.frequency_grids.FrequencySpec.grid>` (docs/theory.md, "Numerical grids").

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name (:func:`viscous_forces.core.kernels.get_kernel`).
    params : mapping, optional
        Kernel parameters overriding the published defaults.
    grid : GridSpec, optional
        q quadrature (default :class:`~viscous_forces.core.quadrature.GridSpec`).
    frequency : FrequencySpec, optional
        J-integral frequencies (default :class:`~viscous_forces.core.frequency_grids.FrequencySpec`).

    Returns
    -------
    xarray.Dataset
        Stage ``kernel``, units in pint spelling as stored:

        * on ``q_static`` (``1/bohr``): ``weight_static`` (``1/bohr``), ``fxc_static`` = f_xc(q, 0)
          (``hartree*bohr**3``), ``fxc_slope`` = d Im f_xc/d omega at omega = 0 (``bohr**3``);
        * on (``omega`` (``hartree``), ``node`` (``1``)): ``q_dyn`` and ``weight_dyn`` (``1/bohr``),
          ``fxc`` = f_xc(q, omega) (complex, ``hartree*bohr**3``), ``fxc_zero`` = f_xc(q, 0)
          (``hartree*bohr**3``);
        * attributes: provenance (the parameter record holds rs, the kernel, its parameters, the grid
          and the frequency specification), ``stage``, ``rs``, ``kernel``, ``kernel_label``.
    """
    gas = ElectronGas(rs)
    kern = get_kernel(kernel)
    p = kern.params(**(params or {}))
    grid = grid or GridSpec()
    frequency = frequency or FrequencySpec()
    qs, ws = static_grid(gas.kF, grid)
    om = frequency.grid(gas.omega_p)
    qd, wd = dynamic_grid(om, gas.kF, grid)
    label = kern.label
    record = {"rs": gas.rs, "kernel": kernel, "kernel_params": p, "grid": asdict(grid), "frequency": asdict(frequency)}
    return xr.Dataset(
        {
            "weight_static": var("q_static", ws, units.INVERSE_BOHR, "Gauss-Legendre weight of the static q grid"),
            "fxc_static": var("q_static", kern(qs, 0.0, gas.rs, **p).real, units.KERNEL, f"f_xc(q, omega=0), {label}"),
            "fxc_slope": var(
                "q_static", im_slope(kern, qs, gas.rs, **p), units.VOLUME, f"d Im f_xc/d omega at omega = 0, {label}"
            ),
            "q_dyn": var(("omega", "node"), qd, units.INVERSE_BOHR, "q node of the J-integral grid at each frequency"),
            "weight_dyn": var(
                ("omega", "node"), wd, units.INVERSE_BOHR, "Gauss-Legendre weight of the J-integral grid"
            ),
            "fxc": var(("omega", "node"), kern(qd, om[:, None], gas.rs, **p), units.KERNEL, f"f_xc(q, omega), {label}"),
            "fxc_zero": var(
                ("omega", "node"),
                kern(qd, 0.0, gas.rs, **p).real,
                units.KERNEL,
                f"f_xc(q, 0) on the J-integral grid, {label}",
            ),
        },
        coords={
            "q_static": ("q_static", qs, {"units": units.INVERSE_BOHR, "long_name": "q node of the static grid"}),
            "omega": ("omega", om, {"units": units.HARTREE, "long_name": "frequency of the J-integral grid"}),
            "node": ("node", np.arange(qd.shape[1]), {"units": units.DIMENSIONLESS, "long_name": "node index"}),
        },
        attrs=stage_attrs("kernel", record, gas.rs, kernel, kernel_label=label),
    )
