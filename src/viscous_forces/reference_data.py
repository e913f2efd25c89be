"""Published friction coefficients that the friction sweep is compared with (data, with their source)."""

from __future__ import annotations

#: Electronic friction coefficient eta (a.u. = hbar/bohr^2 = m_e per atomic unit of time) of a proton at rest
#: in the homogeneous electron gas of density parameter r_s (bohr), from nonlinear density-functional theory
#: (the scattering phase shifts of the self-consistent atom-in-jellium potential): Gerrits, Juaristi & Meyer,
#: Phys. Rev. B 102, 155130 (2020), as tabulated for the local-density friction approximation in the LDFA data
#: file (ldfa.txt, hydrogen column) of NQCModels.jl, part of NQCDynamics.jl.  The friction force is -eta V,
#: the quantity that linear response gives as Z^2 Q0 (Q0 of viscous_forces.core.friction.friction_coefficients).
GERRITS_2020_PROTON: dict[float, float] = {1.5: 0.311, 2.5: 0.208, 3.5: 0.127, 5.0: 0.060}

#: Citation of :data:`GERRITS_2020_PROTON` for tables and figure legends.
GERRITS_2020_SOURCE = "Gerrits, Juaristi & Meyer, PRB 102, 155130 (2020), nonlinear DFT (NQCDynamics LDFA data)"


def nonlinear_friction(rs: float) -> float:
    r"""The tabulated nonlinear-DFT friction of a proton at ``rs`` (a.u.), NaN where the table has no value.

    The friction force on the proton is :math:`-\eta V`, to be compared with the linear-response
    :math:`Z^2Q_0` (docs/theory.md, "Clusters", *Reference friction*; docs/theory.md, "Friction").

    Parameters
    ----------
    rs : float
        Density parameter (bohr).

    Returns
    -------
    float
        eta (m_e/atomic unit of time), from :data:`GERRITS_2020_PROTON`.
    """
    for key, value in GERRITS_2020_PROTON.items():
        if abs(float(rs) - key) < 1e-9:
            return value
    return float("nan")
