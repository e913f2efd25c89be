r"""Stage ``compute_stopping``: the stopping power S(v) of a point charge Z for one (kernel, r_s).

Built on the kernel table of the chain (the input of ``compute_chi``): its parameter record gives the
kernel and its parameters, its static grid the friction coefficient :math:`Q_0` exactly as the chain
computes it, and :class:`viscous_forces.core.stopping.Stopping` the curve (docs/theory.md, "Stopping
power").  Hartree atomic units: velocities in bohr per atomic unit of time (:math:`v_F = k_F`), S in Ha/bohr.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import xarray as xr

from .. import units
from ..core.dyson import dyson
from ..core.electron_gas import ElectronGas
from ..core.friction import friction_coefficients, friction_density
from ..core.lindhard import lindhard
from ..core.stopping import Stopping, StoppingGrid, bethe_stopping
from ..io import parameters
from .common import require_stage, scalar, stage_attrs, var

#: Default velocity grid (units of v_F) and ion charge (e): the ``stopping:`` section of config.yaml.
V_MIN, V_MAX, POINTS, CHARGE = 0.01, 20.0, 240, 1.0
#: Velocities (units of v_F) at which S is also stored exactly, for results/tables/stopping.csv.
TABLE_VELOCITIES = (0.1, 0.5, 1.0, 2.0, 5.0)


def check_velocity_grid(v_min: float, v_max: float, points: int, Z: float) -> None:
    """Raise ValueError unless the velocity grid and the charge make sense.

    Parameters
    ----------
    v_min, v_max : float
        Smallest and largest velocity (units of v_F): 0 < v_min < v_max <= 1000.
    points : int
        Number of velocities, >= 2.
    Z : float
        Ion charge (e), > 0.

    Raises
    ------
    ValueError
        Naming the value and its allowed range.
    """
    if not (0 < v_min < v_max <= 1000.0):
        raise ValueError(
            f"stopping velocities need 0 < v_min < v_max <= 1000 v_F, got v_min = {v_min}, v_max = {v_max}"
        )
    if int(points) != points or points < 2:
        raise ValueError(f"stopping.points must be an integer >= 2, got {points!r}")
    if not (Z > 0 and np.isfinite(Z)):
        raise ValueError(f"stopping.Z must be a positive charge (e), got {Z!r}")


def friction_q0_of(kernel_ds: xr.Dataset) -> float:
    r"""Friction coefficient :math:`Q_0` (Z = 1) from a kernel table, as ``compute_chi`` and the response stage make it.

    :math:`Q_0 = \tfrac83\int a(q)\,dq` with the friction density of
    :func:`viscous_forces.core.friction.friction_density` on the table's static grid (docs/theory.md,
    "Friction"): the same operations as :func:`viscous_forces.stages.chi.compute_chi` followed by
    :func:`viscous_forces.stages.response.friction`, so the value equals the chain's ``friction_q0``.

    Parameters
    ----------
    kernel_ds : xarray.Dataset
        Output of :func:`~viscous_forces.stages.kernel.tabulate_kernel`.

    Returns
    -------
    float
        :math:`Q_0` (``electron_mass/atomic_unit_of_time``).
    """
    require_stage(kernel_ds, "kernel")
    kF = ElectronGas(float(kernel_ds.attrs["rs"])).kF
    qs = kernel_ds["q_static"].values
    chi_s0 = lindhard(qs, 0.0, kF).real
    chi0 = dyson(chi_s0, qs, kernel_ds["fxc_static"].values)
    a = friction_density(qs, chi_s0, chi0, kernel_ds["fxc_slope"].values, kF)
    return friction_coefficients(qs, kernel_ds["weight_static"].values, a, 1.0)["J0"]


def compute_stopping(
    kernel_ds: xr.Dataset,
    v_min: float = V_MIN,
    v_max: float = V_MAX,
    points: int = POINTS,
    Z: float = CHARGE,
    grid: StoppingGrid | None = None,
) -> xr.Dataset:
    r"""S(v) on a log-spaced velocity grid, its two parts, the slow-ion line :math:`Z^2Q_0v` and the Bethe asymptote.

    .. math::

        S(v) = \frac{2Z^2}{\pi v^2}\int_0^\infty\frac{dk}{k}\int_0^{kv}d\omega\,\omega\,
        \mathrm{Im}\Big[\frac{-1}{\varepsilon(k,\omega)}\Big]

    (Lindhard 1954) with :math:`\chi^h` of Eq. (15) for the table's kernel
    (:func:`viscous_forces.core.stopping.stopping_power`; docs/theory.md, "Stopping power"); the
    maximum is refined between grid points (:meth:`viscous_forces.core.stopping.Stopping.maximum`).

    Parameters
    ----------
    kernel_ds : xarray.Dataset
        Output of :func:`~viscous_forces.stages.kernel.tabulate_kernel` (stage ``kernel``).
    v_min, v_max : float
        Velocity range (units of v_F).
    points : int
        Number of log-spaced velocities.
    Z : float
        Ion charge (e).
    grid : StoppingGrid, optional
        Accuracy of the quadratures (default :class:`~viscous_forces.core.stopping.StoppingGrid`).

    Returns
    -------
    xarray.Dataset
        Stage ``stopping``, units in pint spelling as stored:

        * on ``v`` (``bohr/atomic_unit_of_time``, with the auxiliary coordinate ``v_over_vF``, ``1``):
          ``stopping`` = S(v), ``stopping_electron_hole`` and ``stopping_plasmon`` (its two parts),
          ``slow_ion`` = :math:`Z^2Q_0v` and ``bethe`` = :math:`(4\pi\bar nZ^2/v^2)\ln(2v^2/\omega_p)`
          (all ``hartree/bohr``);
        * on ``v_table`` (:data:`TABLE_VELOCITIES`, units of v_F): ``stopping_at``, S there (``hartree/bohr``);
        * scalars: ``friction_q0`` (Z = 1, ``electron_mass/atomic_unit_of_time``), ``v_peak``
          (``bohr/atomic_unit_of_time``), ``stopping_peak`` (``hartree/bohr``) and
          ``plasmon_share_peak`` (``1``);
        * attributes: provenance (the kernel table's record and the ``stopping`` settings), ``stage``,
          ``rs``, ``kernel``, ``kernel_label``, ``Z``, ``v_F`` (bohr/atomic_unit_of_time).

    Raises
    ------
    ValueError
        If ``kernel_ds`` is not a kernel table or the velocity grid or Z is invalid.
    """
    require_stage(kernel_ds, "kernel")
    check_velocity_grid(v_min, v_max, points, Z)
    record = parameters(kernel_ds)
    rs, kernel = float(kernel_ds.attrs["rs"]), str(kernel_ds.attrs["kernel"])
    gas = ElectronGas(rs)
    grid = grid or StoppingGrid()
    kF = gas.kF
    v = np.geomspace(v_min * kF, v_max * kF, int(points))
    calc = Stopping(rs, kernel, record.get("kernel_params", {}), v_max=v[-1], grid=grid)
    eh, pl = calc.components(v, Z)
    q0 = friction_q0_of(kernel_ds)
    v_peak, s_peak, share = calc.maximum(v, Z, values=eh + pl)
    v_tab = np.array(TABLE_VELOCITIES) * kF
    s_tab = np.full(v_tab.shape, np.nan)
    inside = v_tab <= v[-1]
    s_tab[inside] = calc(v_tab[inside], Z)
    label = kernel_ds.attrs["kernel_label"]
    record = {
        **record,
        "stopping": {"v_min": float(v_min), "v_max": float(v_max), "points": int(points), "Z": float(Z)},
        "stopping_grid": asdict(grid),
    }
    S_unit = units.FORCE
    return xr.Dataset(
        {
            "stopping": var("v", eh + pl, S_unit, f"stopping power S(v), {label}, linear response"),
            "stopping_electron_hole": var("v", eh, S_unit, "S(v): particle-hole (electron-hole) excitations"),
            "stopping_plasmon": var("v", pl, S_unit, "S(v): plasmon excitation"),
            "slow_ion": var("v", Z * Z * q0 * v, S_unit, "slow-ion limit Z^2 Q0 v"),
            "bethe": var("v", bethe_stopping(v, rs, Z), S_unit, "Bethe asymptote (4 pi n Z^2/v^2) ln(2 v^2/omega_p)"),
            "stopping_at": var("v_table", s_tab, S_unit, "S at the table velocities (NaN above v_max)"),
            "friction_q0": scalar(q0, units.FRICTION, "single-nucleus friction coefficient Q0 (Z = 1)"),
            "v_peak": scalar(v_peak, units.VELOCITY, "velocity of the maximum of S(v)"),
            "stopping_peak": scalar(s_peak, S_unit, "maximum of S(v)"),
            "plasmon_share_peak": scalar(share, units.DIMENSIONLESS, "plasmon share of S at its maximum"),
        },
        coords={
            "v": ("v", v, {"units": units.VELOCITY, "long_name": "ion velocity v"}),
            "v_over_vF": ("v", v / kF, {"units": units.DIMENSIONLESS, "long_name": "v/v_F"}),
            "v_table": (
                "v_table",
                np.array(TABLE_VELOCITIES),
                {"units": units.DIMENSIONLESS, "long_name": "table velocities v/v_F"},
            ),
        },
        attrs=stage_attrs("stopping", record, rs, kernel, kernel_label=label, Z=float(Z), v_F=kF),
    )
