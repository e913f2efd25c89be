r"""Interacting density response of the HEG, paper Eq. (15).

.. math::

    \frac{1}{\chi^h(q,\omega)} = \frac{1}{\chi_s(q,\omega)} - \frac{4\pi}{q^2} - f_{xc}(q,\omega)
    \quad\Longleftrightarrow\quad
    \chi^h = \frac{\chi_s}{1 - (4\pi/q^2 + f_{xc})\,\chi_s},

evaluated in the second form, which never divides by :math:`\chi_s` (it crosses zero at finite
frequency; kernels.md pitfall 9.6).  Units: :math:`\chi` in 1/(Ha bohr^3), :math:`f_{xc}` in
Ha bohr^3, q in bohr^-1, omega in Ha.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .electron_gas import ElectronGas
from .kernels import get_kernel
from .lindhard import lindhard


def dyson(chi_s: np.ndarray, q: np.ndarray, fxc: np.ndarray) -> np.ndarray:
    r"""Eq. (15): :math:`\chi = \chi_s/(1 - (4\pi/q^2 + f_{xc})\chi_s)` (all arrays broadcast)."""
    return chi_s / (1.0 - (4.0 * np.pi / (q * q) + fxc) * chi_s)


def chi_h(q, omega, rs: float, kernel: str = "rpa", **params) -> np.ndarray:
    r"""Interacting response :math:`\chi^h(q,\omega)` of Eq. (15) for a named kernel.

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0.
    omega : array_like
        Real frequency (Ha), broadcast against ``q``; retarded, :math:`\chi(q,-\omega) = \chi^*`.
    rs : float
        Density parameter (bohr).
    kernel : str
        Registry name: ``"rpa"``, ``"alda"``, ``"mcp07"``, ``"rmcp07"`` (see :mod:`.kernels`).
    **params
        Kernel parameters overriding the published defaults.

    Returns
    -------
    numpy.ndarray of complex128, 1/(Ha bohr^3)
    """
    gas = ElectronGas(rs)
    kern = get_kernel(kernel)
    q = np.asarray(q, dtype=float)
    omega = np.asarray(omega, dtype=float)
    fxc = kern(q, omega, gas.rs, **params)
    return dyson(lindhard(q, omega, gas.kF), q, fxc)


def chi_h_dataarray(q, omega, rs: float, kernel: str = "rpa", **params) -> xr.DataArray:
    """Labelled :func:`chi_h` on the outer product of 1D ``q`` and ``omega`` grids.

    Returns a complex ``xarray.DataArray`` with dims ``("q", "omega")``, coordinates carrying
    ``units`` and ``long_name``, and attributes recording rs, the kernel and its parameters.
    """
    q = np.asarray(q, dtype=float).ravel()
    omega = np.asarray(omega, dtype=float).ravel()
    values = chi_h(q[:, None], omega[None, :], rs, kernel, **params)
    kern = get_kernel(kernel)
    return xr.DataArray(
        values,
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
