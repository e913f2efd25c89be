"""Stage 2, ``compute_chi``: the interacting response chi^h of Eq. (15) on the kernel's grids."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..core.dynamics import friction_density
from ..core.dyson import chi_h, dielectric, dyson
from ..core.electron_gas import ElectronGas
from ..core.kernels import get_kernel
from ..core.lindhard import lindhard
from ..io import parameters
from .common import require_stage, stage_attrs, var

#: Smallest |1 - (4 pi/q^2 + f_xc) chi_s| accepted on the dynamic grid: a smaller value means a
#: (plasmon) pole of chi^h on or next to the real q axis that the quadrature cannot integrate.
MIN_DIELECTRIC = 1e-3


def compute_chi(kernel_ds: xr.Dataset) -> xr.Dataset:
    """chi^h (Eq. 15) on the grids of a ``tabulate_kernel`` dataset, and the friction density.

    Returns
    -------
    xarray.Dataset
        ``chi_static`` (chi^h(q, 0)) and ``friction_density`` a(q) (Ha^-2 bohr^-3, docs/theory.md,
        "Friction") on ``q_static``; ``chi`` (complex) and ``chi_zero`` on (``omega``, ``node``),
        chi in 1/(Ha bohr^3); the quadrature weights and nodes of the kernel dataset.

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
            "chi_static": var("q_static", chi_static, "Ha^-1 bohr^-3", f"chi^h(q, 0), {label}, Eq. (15)"),
            "friction_density": var(
                "q_static", a, "Ha^-2 bohr^-3", "a(q) = -d Im chi^h/d omega at omega = 0 (friction density)"
            ),
            "q_dyn": kernel_ds["q_dyn"].variable,
            "weight_dyn": kernel_ds["weight_dyn"].variable,
            "chi": var(("omega", "node"), chi_s / eps, "Ha^-1 bohr^-3", f"chi^h(q, omega), {label}, Eq. (15)"),
            "chi_zero": var(
                ("omega", "node"), chi_zero, "Ha^-1 bohr^-3", f"chi^h(q, 0) on the J-integral grid, {label}"
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

    Returns
    -------
    xarray.DataArray
        Complex chi^h in 1/(Ha bohr^3) with dims ``("q", "omega")`` (bohr^-1, Ha), attributes
        recording rs, the kernel and its parameters.
    """
    q = np.asarray(q, dtype=float).ravel()
    omega = np.asarray(omega, dtype=float).ravel()
    kern = get_kernel(kernel)
    return xr.DataArray(
        chi_h(q[:, None], omega[None, :], rs, kernel, **params),
        dims=("q", "omega"),
        coords={
            "q": ("q", q, {"units": "bohr^-1", "long_name": "wave vector q"}),
            "omega": ("omega", omega, {"units": "Ha", "long_name": "frequency omega"}),
        },
        name="chi",
        attrs={
            "units": "Ha^-1 bohr^-3",
            "long_name": f"interacting density response chi^h(q, omega), {kern.label}, Eq. (15)",
            "rs": float(rs),
            "kernel": kernel,
            **{f"kernel_{k}": v for k, v in kern.params(**params).items()},
        },
    )
