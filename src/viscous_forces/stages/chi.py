"""Stage 2, ``compute_chi``: the interacting response chi^h of Eq. (15) on the kernel's grids."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import units
from ..core.dyson import chi_h, dielectric, dyson
from ..core.electron_gas import ElectronGas
from ..core.friction import friction_density
from ..core.kernels import get_kernel
from ..core.lindhard import lindhard
from ..io import parameters
from .common import require_stage, stage_attrs, var

#: Smallest |1 - (4 pi/q^2 + f_xc) chi_s| accepted on the dynamic grid: a smaller value means a
#: (plasmon) pole of chi^h on or next to the real q axis that the quadrature cannot integrate.
MIN_DIELECTRIC = 1e-3


def compute_chi(kernel_ds: xr.Dataset) -> xr.Dataset:
    """chi^h (Eq. 15) on the grids of a ``tabulate_kernel`` dataset, and the friction density.

    chi^h = chi_s/(1 - (4 pi/q^2 + f_xc) chi_s) (Eq. 15; docs/theory.md, "Response of the electron
    gas") with the Lindhard chi_s, and the friction density
    a(q) = theta(2kF - q)/(2 pi q eps~(q, 0)^2) - chi^h(q, 0)^2 d Im f_xc/d omega|_0
    (docs/theory.md, "Friction"; :func:`viscous_forces.core.friction.friction_density`).

    Parameters
    ----------
    kernel_ds : xarray.Dataset
        Output of :func:`~viscous_forces.stages.kernel.tabulate_kernel` (stage ``kernel``).

    Returns
    -------
    xarray.Dataset
        Stage ``chi``, units in pint spelling as stored:

        * on ``q_static`` (``1/bohr``): ``chi_static``, chi^h(q, 0) (``1/(hartree*bohr**3)``);
          ``friction_density``, a(q) = -d Im chi^h/d omega at omega = 0 (``1/(hartree**2*bohr**3)``);
          ``weight_static`` (``1/bohr``), copied from the kernel dataset;
        * on (``omega`` (``hartree``), ``node``): ``chi``, complex chi^h(q, omega), and ``chi_zero``,
          chi^h(q, 0) on the same nodes (``1/(hartree*bohr**3)``); ``q_dyn`` and ``weight_dyn``
          (``1/bohr``), copied from the kernel dataset;
        * attributes: the provenance and identity of
          :func:`~viscous_forces.stages.common.stage_attrs`, ``kernel_label`` and ``min_dielectric``,
          the smallest |eps~| met on the dynamic grid.

    Raises
    ------
    ValueError
        If chi^h(q, 0) >= 0 somewhere (static instability) or the dielectric denominator comes
        within MIN_DIELECTRIC of zero on the dynamic grid (a plasmon pole below omega_max).
    """
    require_stage(kernel_ds, "kernel")
    gas = ElectronGas(float(kernel_ds.attrs["rs"]))
    kF = gas.kF
    qs = kernel_ds["q_static"].values
    qd = kernel_ds["q_dyn"].values
    om = kernel_ds["omega"].values
    chi_s_static = lindhard(qs, 0.0, kF).real
    chi_static = dyson(chi_s_static, qs, kernel_ds["fxc_static"].values)
    if np.any(chi_static >= 0):
        bad = qs[chi_static >= 0][0]
        raise ValueError(
            f"static instability: chi^h(q, 0) >= 0 at q = {bad:.4g} bohr^-1 "
            f"(kernel {kernel_ds.attrs['kernel']}, rs = {gas.rs})"
        )
    a = friction_density(qs, chi_s_static, chi_static, kernel_ds["fxc_slope"].values, kF)
    chi_s = lindhard(qd, om[:, None], kF)
    eps = dielectric(chi_s, qd, kernel_ds["fxc"].values)
    if np.min(np.abs(eps)) < MIN_DIELECTRIC:
        k = np.unravel_index(np.argmin(np.abs(eps)), eps.shape)
        raise ValueError(
            f"|1 - (4 pi/q^2 + f_xc) chi_s| = {np.abs(eps)[k]:.2e} < {MIN_DIELECTRIC} at omega = {om[k[0]]:.4g} Ha, "
            f"q = {qd[k]:.4g} bohr^-1: a plasmon pole below frequency.omega_max; lower it"
        )
    chi_zero = dyson(lindhard(qd, 0.0, kF).real, qd, kernel_ds["fxc_zero"].values)
    label = kernel_ds.attrs["kernel_label"]
    return xr.Dataset(
        {
            "weight_static": kernel_ds["weight_static"].variable,
            "chi_static": var("q_static", chi_static, units.RESPONSE, f"chi^h(q, 0), {label}, Eq. (15)"),
            "friction_density": var(
                "q_static", a, units.FRICTION_DENSITY, "a(q) = -d Im chi^h/d omega at omega = 0 (friction density)"
            ),
            "q_dyn": kernel_ds["q_dyn"].variable,
            "weight_dyn": kernel_ds["weight_dyn"].variable,
            "chi": var(("omega", "node"), chi_s / eps, units.RESPONSE, f"chi^h(q, omega), {label}, Eq. (15)"),
            "chi_zero": var(
                ("omega", "node"), chi_zero, units.RESPONSE, f"chi^h(q, 0) on the J-integral grid, {label}"
            ),
        },
        coords={name: kernel_ds.coords[name].variable for name in ("q_static", "omega", "node")},
        attrs=stage_attrs(
            "chi",
            parameters(kernel_ds),
            gas.rs,
            kernel_ds.attrs["kernel"],
            kernel_label=label,
            min_dielectric=float(np.min(np.abs(eps))),
        ),
    )


def chi_dataarray(q, omega, rs: float, kernel: str = "rpa", **params) -> xr.DataArray:
    """Labelled :func:`~viscous_forces.core.dyson.chi_h` on the outer product of 1D ``q`` and ``omega``.

    chi^h(q, omega) of Eq. (15) (docs/theory.md, "Response of the electron gas").

    Parameters
    ----------
    q : array_like
        Wave vectors (bohr^-1), > 0; flattened to 1D.
    omega : array_like
        Real frequencies (Ha); flattened to 1D.
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    **params
        Kernel parameters overriding the published defaults.

    Returns
    -------
    xarray.DataArray
        ``chi``: complex chi^h (``1/(hartree*bohr**3)``) with dims ``("q", "omega")`` and coordinates
        ``q`` (``1/bohr``) and ``omega`` (``hartree``); attributes ``units``, ``long_name``, ``rs``,
        ``kernel`` and ``kernel_<name>`` for every kernel parameter.
    """
    q = np.asarray(q, dtype=float).ravel()
    omega = np.asarray(omega, dtype=float).ravel()
    kern = get_kernel(kernel)
    return xr.DataArray(
        chi_h(q[:, None], omega[None, :], rs, kernel, **params),
        dims=("q", "omega"),
        coords={
            "q": ("q", q, {"units": units.INVERSE_BOHR, "long_name": "wave vector q"}),
            "omega": ("omega", omega, {"units": units.HARTREE, "long_name": "frequency omega"}),
        },
        name="chi",
        attrs={
            "units": units.RESPONSE,
            "long_name": f"interacting density response chi^h(q, omega), {kern.label}, Eq. (15)",
            "rs": float(rs),
            "kernel": kernel,
            **{f"kernel_{k}": v for k, v in kern.params(**params).items()},
        },
    )
