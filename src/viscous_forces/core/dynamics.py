"""The old home of the impurity, the friction and the frequency-domain equations of motion (kept for old imports).

Everything that was here lives in a module named for what it holds:

================  ====================================================================================
impurity          :class:`~viscous_forces.core.impurity.Impurity`, the presets, the two geometries
friction          the J integrals, the friction density and the friction coefficients
frequency_domain  the 2x2 solve of Eqs. (12)-(13), its DC and high-frequency limits, the direct-field sign
time_domain       the constant-friction (Markov) model, beside the step responses
================  ====================================================================================

This module only re-exports those names, so that ``from viscous_forces.core.dynamics import ...``
keeps working; new code imports from the modules above.
"""

from __future__ import annotations

from .frequency_domain import (
    DIRECT_FIELD_SIGNS,
    combinations,
    dc_limit,
    direct_field_sign,
    high_frequency_limit,
    interpolate_jtilde,
    solve_2x2,
)
from .friction import friction_coefficients, friction_density, j_integrals
from .impurity import GEOMETRIES, IMPURITY_PRESETS, Impurity, check_geometry, get_impurity
from .time_domain import MarkovModel

__all__ = [
    "DIRECT_FIELD_SIGNS",
    "GEOMETRIES",
    "IMPURITY_PRESETS",
    "Impurity",
    "MarkovModel",
    "check_geometry",
    "combinations",
    "dc_limit",
    "direct_field_sign",
    "friction_coefficients",
    "friction_density",
    "get_impurity",
    "high_frequency_limit",
    "interpolate_jtilde",
    "j_integrals",
    "solve_2x2",
]
