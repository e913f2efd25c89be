r"""The diatomic impurity: two nuclei (charges, masses), the named presets, and the two geometries.

The impurity is two classical nuclei of charges :math:`Z_1, Z_2` and masses :math:`M_1, M_2`
(docs/theory.md, "Model and units"); the paper's is a proton (1) and a deuteron (2).  The current
flows along the molecular axis (``parallel``) or across it (``perpendicular``); the two geometries
decouple (docs/theory.md, "Equations of motion").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import M_DEUTERON, M_PROTON, M_TRITON

GEOMETRIES = ("parallel", "perpendicular")


def check_geometry(geometry: str) -> str:
    """Return ``geometry`` or raise ValueError listing the allowed values.

    Parameters
    ----------
    geometry : str
        Direction of the current relative to the molecular axis: ``"parallel"`` (along it) or
        ``"perpendicular"`` (across it), :data:`GEOMETRIES`.

    Returns
    -------
    str
        ``geometry``, unchanged.

    Raises
    ------
    ValueError
        If ``geometry`` is not one of :data:`GEOMETRIES`.
    """
    if geometry not in GEOMETRIES:
        raise ValueError(f"geometry must be one of {', '.join(GEOMETRIES)}, got {geometry!r}")
    return geometry


@dataclass(frozen=True)
class Impurity:
    """Two nuclei: charges Z1, Z2 (e) and masses M1, M2 (electron masses).

    The paper's impurity is a proton (1) and a deuteron (2).

    Attributes
    ----------
    Z1, Z2 : float
        Charges of nucleus 1 and 2 (e), finite and > 0.
    M1, M2 : float
        Masses of nucleus 1 and 2 (m_e), finite and > 0.
    """

    Z1: float
    Z2: float
    M1: float
    M2: float

    def __post_init__(self) -> None:
        for key in ("Z1", "Z2", "M1", "M2"):
            value = getattr(self, key)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"impurity {key} must be finite and > 0, got {value!r}")

    @property
    def Mc(self) -> float:
        r"""Total mass M1 + M2.

        Returns
        -------
        float
            :math:`M_c = M_1 + M_2` (m_e).
        """
        return self.M1 + self.M2

    @property
    def mu(self) -> float:
        r"""Reduced mass M1 M2/(M1 + M2).

        Returns
        -------
        float
            :math:`\mu = M_1M_2/(M_1 + M_2)` (m_e).
        """
        return self.M1 * self.M2 / (self.M1 + self.M2)

    def restoring_constant(self, spring_constant: float) -> float:
        r"""Z1 Z2 k (Ha/bohr^2) from the spring constant k = U''(d_eq) per unit charges (Eqs. 9-10).

        The restoring constant of the parallel geometry, :math:`\lambda_\parallel = Z_1Z_2U''(d_{eq})`
        (docs/theory.md, "Equations of motion"); the static energy of Eq. (10) is proportional to
        :math:`Z_1Z_2`.

        Parameters
        ----------
        spring_constant : float
            :math:`k = U''(d_{eq})` per unit charges (Ha/bohr^2), e.g.
            :attr:`viscous_forces.core.statics.Equilibrium.spring_constant`.

        Returns
        -------
        float
            :math:`Z_1Z_2k` (Ha/bohr^2).
        """
        return self.Z1 * self.Z2 * spring_constant

    def vibration_frequency(self, spring_constant: float) -> float:
        r"""Harmonic frequency sqrt(Z1 Z2 k/mu) (Ha) from k = U''(d_eq) per unit charges.

        :math:`\omega_{vib} = \sqrt{Z_1Z_2U''(d_{eq})/\mu}`, the frequency of the undamped relative
        motion (the spring term :math:`\lambda_g/(\mu\omega)` of Eqs. (12)-(13);
        docs/theory.md, "Equations of motion").

        Parameters
        ----------
        spring_constant : float
            :math:`k = U''(d_{eq})` per unit charges (Ha/bohr^2).

        Returns
        -------
        float
            :math:`\omega_{vib}` (Ha).
        """
        return float(np.sqrt(self.restoring_constant(spring_constant) / self.mu))


#: Named impurities (nucleus 1 first): hd is the paper's proton + deuteron.
IMPURITY_PRESETS: dict[str, Impurity] = {
    "hd": Impurity(1.0, 1.0, M_PROTON, M_DEUTERON),
    "h2": Impurity(1.0, 1.0, M_PROTON, M_PROTON),
    "d2": Impurity(1.0, 1.0, M_DEUTERON, M_DEUTERON),
    "ht": Impurity(1.0, 1.0, M_PROTON, M_TRITON),
}


def get_impurity(spec) -> Impurity:
    """An :class:`Impurity` from a preset name (``hd``, ``h2``, ``d2``, ``ht``) or a mapping
    with keys Z1, Z2, M1, M2 (e, m_e).

    Parameters
    ----------
    spec : str, mapping or Impurity
        A key of :data:`IMPURITY_PRESETS` (``hd`` is the paper's proton + deuteron), a mapping with
        the keys ``Z1``, ``Z2`` (e), ``M1``, ``M2`` (m_e), or an :class:`Impurity` (returned as is).

    Returns
    -------
    Impurity
        The two nuclei.

    Raises
    ------
    ValueError
        If ``spec`` names no preset, or a mapping lacks one of the four keys or has a value that is not
        a finite positive number.
    """
    if isinstance(spec, Impurity):
        return spec
    if isinstance(spec, str):
        if spec not in IMPURITY_PRESETS:
            raise ValueError(f"unknown impurity preset {spec!r}; allowed: {', '.join(sorted(IMPURITY_PRESETS))}")
        return IMPURITY_PRESETS[spec]
    try:
        return Impurity(**{k: float(spec[k]) for k in ("Z1", "Z2", "M1", "M2")})
    except (KeyError, TypeError):
        raise ValueError(f"impurity must be a preset name or a mapping with Z1, Z2, M1, M2; got {spec!r}") from None
