"""Stage ``chi_map``: chi^h(q, omega) of Eq. (15) on a regular grid, with the loss function and the
plasmon dispersion, for the chi^h maps (separate from :mod:`viscous_forces.stages.chi` so that the
plasmon code reruns the maps and the stopping power, not the chains of the paper)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import units
from ..core.dyson import chi_h, static_instability
from ..core.electron_gas import ElectronGas
from ..core.kernels import get_kernel
from ..core.plasmon import plasmon_frequency
from .common import stage_attrs, var

#: Default extent and size of the chi^h maps: 0 < q <= 3 kF, 0 <= omega <= 2 omega_p.
MAP_Q_MAX, MAP_OMEGA_MAX, MAP_POINTS = 3.0, 2.0, 300


def plasmon_dispersion(q, rs: float, kernel: str, **params) -> np.ndarray:
    r"""Plasmon frequency (Ha) at each q: the zero of Re :math:`\tilde\varepsilon(q, \omega)` above the
    particle-hole continuum :math:`\omega > qk_F + q^2/2`, NaN where there is none (the plasmon
    has entered the continuum).

    :math:`\tilde\varepsilon = 1 - (4\pi/q^2 + f_{xc})\chi_s` is the denominator of Eq. (15)
    (:func:`viscous_forces.core.dyson.dielectric`); the root is bracketed between the upper
    continuum edge and :math:`10\omega_p + qk_F + q^2` and found for all q at once by bisection
    (:func:`viscous_forces.core.plasmon.plasmon_frequency`, which this names for the chi^h maps).
    For a real (static) kernel the zero is the position of the undamped plasmon, a delta function
    in :math:`\mathrm{Im}\,\chi^h`; for a dynamic kernel it locates the damped plasmon peak.

    Parameters
    ----------
    q : array_like
        Wave vectors (bohr^-1), > 0.
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    **params
        Kernel parameters overriding the published defaults.

    Returns
    -------
    numpy.ndarray
        Plasmon frequency (Ha) at each q, shape of ``q``; NaN inside the continuum.
    """
    return plasmon_frequency(q, rs, kernel, params)


def chi_map(
    rs: float,
    kernel: str,
    params=None,
    q_max: float = MAP_Q_MAX,
    omega_max: float = MAP_OMEGA_MAX,
    n_q: int = MAP_POINTS,
    n_omega: int = MAP_POINTS,
) -> xr.Dataset:
    r""":math:`\chi^h(q, \omega)` (Eq. 15) on a regular grid, with the loss function and the plasmon.

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    params : mapping, optional
        Kernel parameters overriding the published defaults.
    q_max, omega_max : float
        Extent in units of k_F and of the plasma frequency.
    n_q, n_omega : int
        Points: q = q_max k_F i/n_q (i = 1..n_q), omega = omega_max omega_p j/(n_omega - 1) (j = 0..n_omega-1).

    Returns
    -------
    xarray.Dataset
        Stage ``chi_map`` (the workflow writes it to ``results/chi/{kernel}/rs{rs}_map.nc``), units
        in pint spelling as stored:

        * on (``q``, ``omega``): ``chi``, complex :math:`\chi^h` (``1/(hartree*bohr**3)``; stored as
          ``chi_real``/``chi_imag``), and ``loss`` = :math:`-\mathrm{Im}[1/\varepsilon] =
          -(4\pi/q^2)\,\mathrm{Im}\,\chi^h` (``1``, dimensionless);
        * on ``q``: ``plasmon_omega`` (``hartree``, :func:`plasmon_dispersion`, NaN inside the
          continuum); ``continuum_lower`` and ``continuum_upper`` (``hartree``), the edges
          :math:`\max(0, q^2/2 - qk_F)` and :math:`q^2/2 + qk_F` of the particle-hole continuum;
        * coordinates ``q`` (``1/bohr``), ``omega`` (``hartree``) and the auxiliary
          ``q_over_kF`` (on ``q``) and ``omega_over_omega_p`` (on ``omega``), both ``1``;
        * attributes: provenance, ``stage`` = ``"chi_map"``, ``rs``, ``kernel``, ``kernel_label``.

    Raises
    ------
    ValueError
        For fewer than two points on an axis, a non-positive extent, or a statically unstable gas
        (:func:`viscous_forces.core.dyson.static_instability`).
    """
    gas = ElectronGas(rs)
    kern = get_kernel(kernel)
    p = kern.params(**(params or {}))
    if not (int(n_q) >= 2 and int(n_omega) >= 2 and q_max > 0 and omega_max > 0):
        raise ValueError(
            f"chi map needs n_q, n_omega >= 2 and positive extents, got {n_q}, {n_omega}, {q_max}, {omega_max}"
        )
    unstable = static_instability(gas.rs, kernel, **p)
    if unstable is not None:
        raise ValueError(
            f"static instability: eps(q, 0) = 1 - (4 pi/q^2 + f_xc) chi_s <= 0 at q = {unstable:.3g} k_F "
            f"(kernel {kernel}, rs = {gas.rs:g}): the homogeneous gas is unstable (a charge-density wave)"
        )
    q = q_max * gas.kF * np.arange(1, int(n_q) + 1) / int(n_q)
    omega = omega_max * gas.omega_p * np.linspace(0.0, 1.0, int(n_omega))
    chi = chi_h(q[:, None], omega[None, :], gas.rs, kernel, **p)
    loss = -(4.0 * np.pi / q[:, None] ** 2) * chi.imag
    record = {"rs": gas.rs, "kernel": kernel, "kernel_params": p, "map": [q_max, omega_max, int(n_q), int(n_omega)]}
    label = kern.label
    return xr.Dataset(
        {
            "chi": var(("q", "omega"), chi, units.RESPONSE, f"chi^h(q, omega), {label}, Eq. (15)"),
            "loss": var(
                ("q", "omega"),
                loss,
                units.DIMENSIONLESS,
                f"loss function -Im[1/epsilon(q, omega)] = -(4 pi/q^2) Im chi^h, {label}",
            ),
            "plasmon_omega": var(
                "q",
                plasmon_dispersion(q, gas.rs, kernel, **p),
                units.HARTREE,
                "plasmon: zero of Re epsilon above the particle-hole continuum (NaN inside it)",
            ),
            "continuum_lower": var(
                "q",
                np.maximum(0.0, 0.5 * q * q - q * gas.kF),
                units.HARTREE,
                "lower edge of the particle-hole continuum",
            ),
            "continuum_upper": var(
                "q", 0.5 * q * q + q * gas.kF, units.HARTREE, "upper edge of the particle-hole continuum"
            ),
        },
        coords={
            "q": ("q", q, {"units": units.INVERSE_BOHR, "long_name": "wave vector q"}),
            "omega": ("omega", omega, {"units": units.HARTREE, "long_name": "frequency omega"}),
            "q_over_kF": ("q", q / gas.kF, {"units": units.DIMENSIONLESS, "long_name": "q/k_F"}),
            "omega_over_omega_p": (
                "omega",
                omega / gas.omega_p,
                {"units": units.DIMENSIONLESS, "long_name": "omega/omega_p"},
            ),
        },
        attrs=stage_attrs("chi_map", record, gas.rs, kernel, kernel_label=label),
    )
