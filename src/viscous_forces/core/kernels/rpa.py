r"""Random-phase approximation: no exchange-correlation kernel.

.. math::

    f_{xc}^{RPA}(q, \omega) = 0 .

Units: q in bohr^-1, omega in Ha, f in Ha bohr^3.  The reference point for the kernels with
exchange and correlation (docs/theory.md, "Exchange-correlation kernels").
"""

from __future__ import annotations

import numpy as np

from . import Kernel

__all__ = ["DEFAULTS", "KERNEL", "fxc"]

#: The RPA kernel has no parameters.
DEFAULTS: dict = {}


def fxc(q, omega, rs: float) -> np.ndarray:
    r"""RPA kernel :math:`f_{xc}(q,\omega) = 0` (Ha bohr^3).

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0.
    omega : array_like
        Real frequency (Ha), broadcast against ``q``.
    rs : float
        Density parameter (bohr); unused.

    Returns
    -------
    numpy.ndarray of complex128
        Zeros of shape ``np.broadcast_shapes(q.shape, omega.shape)``.

    """
    return np.zeros(np.broadcast_shapes(np.shape(q), np.shape(omega)), dtype=np.complex128)


KERNEL = Kernel(function=fxc, defaults=DEFAULTS, dynamic=False, description="RPA: f_xc = 0", label="RPA")
