r"""Adiabatic local-density approximation (ALDA) kernel of the homogeneous electron gas.

.. math::

    f_{xc}^{ALDA}(q, \omega) = f_0 = \frac{d^2(n\epsilon_{xc})}{dn^2}
    = -\frac{\pi}{k_F^2} + \frac{r_s}{9n}\big(r_s\epsilon_c'' - 2\epsilon_c'\big),

independent of q and omega.  Units: Ha bohr^3.  Correlation: PW92 (J. P. Perdew and Y. Wang,
Phys. Rev. B 45, 13244 (1992), default) or PZ81 (J. P. Perdew and A. Zunger, Phys. Rev. B 23,
5048 (1981)); see :mod:`.pw92` and docs/theory.md, "Exchange-correlation kernels".
"""

from __future__ import annotations

import numpy as np

from . import Kernel
from .pw92 import check_correlation, f_alda

__all__ = ["DEFAULTS", "KERNEL", "fxc"]

#: Default LDA correlation (PW92, as used by rMCP07; Kaplan et al., PRB 105, 035123 (2022)).
DEFAULTS = {"correlation": "PW92"}


def fxc(q, omega, rs: float, correlation: str = "PW92") -> np.ndarray:
    r"""ALDA kernel :math:`f_{xc}(q,\omega) = f_0(r_s)` broadcast over q and omega (Ha bohr^3).

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0; only its shape matters.
    omega : array_like
        Real frequency (Ha); only its shape matters.
    rs : float
        Density parameter (bohr).
    correlation : {"PW92", "PZ81"}
        LDA correlation energy.

    Returns
    -------
    numpy.ndarray of complex128
        Shape ``np.broadcast_shapes(q.shape, omega.shape)``, all equal to ``f_alda(rs)``.

    References
    ----------
    Perdew & Wang, PRB 45, 13244 (1992); Perdew & Zunger, PRB 23, 5048 (1981).
    """
    f0 = f_alda(rs, correlation)
    return np.full(np.broadcast_shapes(np.shape(q), np.shape(omega)), f0, dtype=np.complex128)


KERNEL = Kernel(
    function=fxc,
    defaults=DEFAULTS,
    dynamic=False,
    description="ALDA: f_xc = d^2(n eps_xc)/dn^2, q- and omega-independent (PW92 correlation)",
    label="ALDA",
    checks={"correlation": check_correlation},
)
