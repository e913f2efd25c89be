r"""Interacting density response of the homogeneous electron gas, paper Eq. (15).

.. math::

    \frac{1}{\chi^h(q,\omega)} = \frac{1}{\chi_s(q,\omega)} - \frac{4\pi}{q^2} - f_{xc}(q,\omega)
    \quad\Longleftrightarrow\quad
    \chi^h = \frac{\chi_s}{1 - (4\pi/q^2 + f_{xc})\,\chi_s},

evaluated in the second form, which never divides by :math:`\chi_s` (it crosses zero at finite
frequency).  Units: :math:`\chi` in 1/(Ha bohr^3), :math:`f_{xc}` in Ha bohr^3, q in bohr^-1,
omega in Ha.  See docs/theory.md, "Response of the electron gas".
"""

from __future__ import annotations

import numpy as np

from .electron_gas import ElectronGas
from .kernels import check_real_frequency, get_kernel
from .lindhard import lindhard


def dielectric(chi_s: np.ndarray, q: np.ndarray, fxc: np.ndarray) -> np.ndarray:
    r"""Generalised dielectric function :math:`\tilde\varepsilon = 1 - (4\pi/q^2 + f_{xc})\chi_s = \chi_s/\chi^h`.

    The denominator of Eq. (15) in the form :math:`\chi^h = \chi_s/\tilde\varepsilon`
    (docs/theory.md, "Response of the electron gas"); its zeros are the plasmon.

    Parameters
    ----------
    chi_s : array_like
        Lindhard response (1/(Ha bohr^3)).
    q : array_like
        Wave vector (bohr^-1), > 0; broadcast against ``chi_s``.
    fxc : array_like
        Exchange-correlation kernel (Ha bohr^3); 0 gives the RPA.

    Returns
    -------
    numpy.ndarray
        :math:`\tilde\varepsilon` (dimensionless), real or complex as the inputs.
    """
    return 1.0 - (4.0 * np.pi / (q * q) + fxc) * chi_s


def dyson(chi_s: np.ndarray, q: np.ndarray, fxc: np.ndarray) -> np.ndarray:
    r"""Eq. (15): :math:`\chi^h = \chi_s/(1 - (4\pi/q^2 + f_{xc})\chi_s)` (arrays broadcast).

    See docs/theory.md, "Response of the electron gas".

    Parameters
    ----------
    chi_s : array_like
        Lindhard response (1/(Ha bohr^3)).
    q : array_like
        Wave vector (bohr^-1), > 0.
    fxc : array_like
        Exchange-correlation kernel (Ha bohr^3); 0 gives the RPA.

    Returns
    -------
    numpy.ndarray
        :math:`\chi^h` (1/(Ha bohr^3)), real or complex as the inputs.
    """
    return chi_s / dielectric(chi_s, q, fxc)


def chi_h(q, omega, rs: float, kernel: str = "rpa", **params) -> np.ndarray:
    r"""Interacting response :math:`\chi^h(q,\omega)` of Eq. (15) for a named kernel.

    :math:`\chi^h = \chi_s/(1 - (4\pi/q^2 + f_{xc})\chi_s)` with the Lindhard :math:`\chi_s`
    (:func:`viscous_forces.core.lindhard.lindhard`) and the kernel's :math:`f_{xc}(q, \omega)`
    (docs/theory.md, "Response of the electron gas").

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0.
    omega : array_like
        Real frequency (Ha), broadcast against ``q``; retarded,
        :math:`\chi^h(q,-\omega) = \chi^h(q,\omega)^*`.  Complex frequencies are refused.
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name: ``"rpa"``, ``"alda"``, ``"mcp07"``, ``"rmcp07"`` or any kernel module found by
        :func:`viscous_forces.core.kernels.get_kernel`.
    **params
        Kernel parameters overriding the published defaults.

    Returns
    -------
    numpy.ndarray of complex128
        :math:`\chi^h` in 1/(Ha bohr^3), shape ``np.broadcast_shapes(q.shape, omega.shape)``.
    """
    gas = ElectronGas(rs)
    kern = get_kernel(kernel)
    omega = check_real_frequency(omega)
    q = np.asarray(q, dtype=float)
    fxc = kern(q, omega, gas.rs, **params)
    return dyson(lindhard(q, omega, gas.kF), q, fxc)


#: The q grid (units of k_F) on which :func:`static_instability` looks for eps~(q, 0) <= 0: dense
#: around 2 k_F, where a charge-density wave sets in first.
STABILITY_Q = np.unique(np.concatenate([np.linspace(1e-3, 20.0, 4001), np.linspace(1.5, 2.5, 2001)]))


def static_instability(rs: float, kernel: str, **params) -> float | None:
    r"""Where the static dielectric function :math:`\tilde\varepsilon(q, 0)` of a kernel is not positive.

    :math:`\tilde\varepsilon(q, 0) = 1 - (4\pi/q^2 + f_{xc}(q, 0))\chi_s(q, 0) \le 0` means
    :math:`\chi^h(q, 0) \ge 0`: the homogeneous gas is unstable (a static charge-density wave) and
    the linear response of the paper does not apply.  Checked on :data:`STABILITY_Q`
    (0 < q <= 20 k_F); MCP07, for example, becomes unstable near r_s = 69 (Ruzsinszky et al., PRB
    101, 245135 (2020)).

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    **params
        Kernel parameters overriding the published defaults.

    Returns
    -------
    float or None
        The first q (units of k_F) with :math:`\tilde\varepsilon(q, 0) \le 0`, None if the gas is stable.
    """
    gas = ElectronGas(rs)
    q = STABILITY_Q * gas.kF
    with np.errstate(over="ignore", invalid="ignore"):  # absurd r_s: eps is not finite, hence not > 0
        fxc = np.real(get_kernel(kernel)(q, 0.0, gas.rs, **params))
        eps = dielectric(lindhard(q, 0.0, gas.kF).real, q, fxc)
    bad = np.nonzero(~(eps > 0))[0]
    return float(STABILITY_Q[bad[0]]) if bad.size else None
