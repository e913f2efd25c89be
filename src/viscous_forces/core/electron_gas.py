"""Homogeneous electron gas (HEG) parameters from the density parameter r_s.

All quantities in Hartree atomic units (paper, text after Eq. (1): nbar^-1 = (4/3) pi r_s^3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Largest density parameter accepted (bohr).  The fluid phase of the HEG, where the
#: kernels used here are meant to be valid, ends near r_s ~ 100 (Wigner crystallisation).
RS_MAX = 100.0


def check_rs(rs: float, name: str = "rs") -> float:
    """Return ``float(rs)`` or raise ``ValueError`` unless 0 < rs <= RS_MAX (bohr).

    Parameters
    ----------
    rs : float
        Density parameter r_s (bohr).
    name : str
        Name of the value in the error message.

    Returns
    -------
    float
        ``rs`` as a finite float in (0, RS_MAX].

    Raises
    ------
    ValueError
        If ``rs`` is not a number, not finite, <= 0 or > RS_MAX.
    """
    try:
        value = float(rs)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in (0, {RS_MAX}] bohr, got {rs!r}") from None
    if not (0.0 < value <= RS_MAX) or not math.isfinite(value):
        raise ValueError(f"{name} must be in (0, {RS_MAX}] bohr, got {rs!r}")
    return value


@dataclass(frozen=True)
class ElectronGas:
    r"""Spin-unpolarised HEG of density parameter ``rs`` (bohr).

    The attributes below are derived from ``rs`` (properties), in Hartree atomic units
    (docs/theory.md, "Model and units").

    Attributes
    ----------
    rs : float
        Density parameter :math:`r_s` (bohr), checked by :func:`check_rs`.
    n : float
        Density :math:`\bar n = 3/(4\pi r_s^3)` (bohr^-3).
    kF : float
        Fermi wave vector :math:`k_F = (3\pi^2 \bar n)^{1/3} = (9\pi/4)^{1/3}/r_s` (bohr^-1).
    EF : float
        Fermi energy :math:`k_F^2/2` (Ha).
    omega_p : float
        Plasma frequency :math:`\omega_p = \sqrt{4\pi\bar n} = \sqrt{3/r_s^3}` (Ha).
    """

    rs: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "rs", check_rs(self.rs))

    @property
    def n(self) -> float:
        r"""Mean density (paper, text after Eq. (1)).

        Returns
        -------
        float
            :math:`\bar n = 3/(4\pi r_s^3)` (bohr^-3).
        """
        return 3.0 / (4.0 * math.pi * self.rs**3)

    @property
    def kF(self) -> float:
        r"""Fermi wave vector (docs/theory.md, "Model and units").

        Returns
        -------
        float
            :math:`k_F = (3\pi^2\bar n)^{1/3} = (9\pi/4)^{1/3}/r_s` (bohr^-1).
        """
        return (9.0 * math.pi / 4.0) ** (1.0 / 3.0) / self.rs

    @property
    def EF(self) -> float:
        r"""Fermi energy (docs/theory.md, "Model and units").

        Returns
        -------
        float
            :math:`E_F = k_F^2/2` (Ha).
        """
        return 0.5 * self.kF**2

    @property
    def omega_p(self) -> float:
        r"""Plasma frequency (docs/theory.md, "Model and units").

        Returns
        -------
        float
            :math:`\omega_p = \sqrt{4\pi\bar n} = \sqrt{3/r_s^3}` (Ha).
        """
        return math.sqrt(3.0 / self.rs**3)
