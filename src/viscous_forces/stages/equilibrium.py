"""Stage 3, ``compute_equilibrium`` (rule ``find_equilibrium``): U(d), F(d) (Eqs. 9-10), d_eq and U''(d_eq)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import units
from ..core.statics import find_equilibrium, pair_statics
from ..io import parameters
from .common import require_stage, scalar, stage_attrs, var


def compute_equilibrium(
    chi_ds: xr.Dataset,
    d_min: float = 1.0,
    d_max: float = 30.0,
    d_step: float = 0.05,
    curve: tuple[float, float, int] = (3.0, 12.0, 361),
) -> xr.Dataset:
    """d_eq, U(d_eq), k = U''(d_eq) and the curves U(d), F(d), U''(d) per unit charges (Z1 Z2 = 1).

    U(d) = Z1 Z2 [1/d + 8 int dq chi^h(q, 0) j0(qd)/q^2] (Eq. 10), F = -dU/dd (Eq. 9) and
    U''(d) (docs/theory.md, "Statics"), evaluated by :mod:`viscous_forces.core.statics` on the
    static q grid.  U, F and U'' are proportional to Z1 Z2 and d_eq, the first stable minimum of U,
    does not depend on the charges; the response stage scales the spring constant to its impurity.

    Parameters
    ----------
    chi_ds : xarray.Dataset
        Output of :func:`~viscous_forces.stages.chi.compute_chi`.
    d_min, d_max, d_step : float
        Scan for the first stable minimum (bohr).
    curve : (float, float, int)
        First and last distance (bohr) and number of points of the stored curves.

    Returns
    -------
    xarray.Dataset
        Stage ``equilibrium``, per unit charges (Z1 Z2 = 1), units in pint spelling as stored:

        * on ``d`` (``bohr``): ``U`` (``hartree``), ``F`` (``hartree/bohr``, > 0 is repulsion),
          ``U2`` = U''(d) (``hartree/bohr**2``);
        * scalars: ``d_eq`` (``bohr``), ``spring_constant`` = U''(d_eq) (``hartree/bohr**2``),
          ``energy_eq`` = U(d_eq) (``hartree``), ``force_residual`` = F(d_eq) (``hartree/bohr``);
        * attributes: provenance (the parameter record adds ``d_scan`` and ``curve``), ``stage``,
          ``rs``, ``kernel``, ``kernel_label``.

    Raises
    ------
    ValueError
        If ``chi_ds`` is not a ``chi`` dataset or ``curve`` is not (d_lo, d_hi, n) with
        0 < d_lo < d_hi, n >= 2.
    """
    require_stage(chi_ds, "chi")
    q = chi_ds["q_static"].values
    w = chi_ds["weight_static"].values
    chi0 = chi_ds["chi_static"].values
    lo, hi, n = curve
    if not (0 < lo < hi) or int(n) < 2:
        raise ValueError(f"equilibrium curve must be (d_lo, d_hi, n) with 0 < d_lo < d_hi, n >= 2; got {curve!r}")
    eq = find_equilibrium(q, w, chi0, d_min=d_min, d_max=d_max, d_step=d_step)
    d = np.linspace(lo, hi, int(n))
    U, F, U2 = pair_statics(d, q, w, chi0)
    record = {**parameters(chi_ds), "d_scan": [d_min, d_max, d_step], "curve": [lo, hi, int(n)]}
    label = chi_ds.attrs["kernel_label"]
    return xr.Dataset(
        {
            "U": var("d", U, units.HARTREE, f"pair potential U(d) for Z1 Z2 = 1, Eq. (10), {label}"),
            "F": var("d", F, units.FORCE, f"pair force F(d) = -dU/dd for Z1 Z2 = 1, Eq. (9), {label}"),
            "U2": var("d", U2, units.SPRING, f"curvature U''(d) for Z1 Z2 = 1, {label}"),
            "d_eq": scalar(eq.d_eq, units.BOHR, "equilibrium distance (first stable minimum of U)"),
            "spring_constant": scalar(eq.spring_constant, units.SPRING, "spring constant k = U''(d_eq) for Z1 Z2 = 1"),
            "energy_eq": scalar(eq.energy, units.HARTREE, "U(d_eq) for Z1 Z2 = 1"),
            "force_residual": scalar(eq.force_residual, units.FORCE, "F(d_eq) (root accuracy)"),
        },
        coords={"d": ("d", d, {"units": units.BOHR, "long_name": "internuclear distance d"})},
        attrs=stage_attrs("equilibrium", record, chi_ds.attrs["rs"], chi_ds.attrs["kernel"], kernel_label=label),
    )
