r"""Any number of nuclei, any current direction: statics, equations of motion and their Markov limit.

docs/theory.md, "Clusters".  N nuclei (charges :math:`Z_a`, masses :math:`M_a`, positions
:math:`\mathbf R_a`) in the electron gas; the current flows along the unit vector :math:`\mathbf e`.
Velocities :math:`V_a` are per unit drift velocity :math:`v = j_0/\bar n`.  With
:math:`\tilde J = J/\omega` (the 1D integrals of :mod:`viscous_forces.core.friction`, now at every
pair distance) the generalisation of Eqs. (12)-(13) reads, for every nucleus a,

.. math::

    -\omega M_a V_a + \sum_g \tilde C_{ag}(\omega)\,(V_g - \mathbf e) + \frac1\omega\sum_b H_{ab} V_b
        = -\sigma\,\omega Z_a\,\mathbf e,

    \tilde C_{aa} = Z_a^2\tilde J_0\,I,\qquad
    \tilde C_{ag} = Z_aZ_g\big[\tilde J_\parallel(d)\,\hat n\hat n^T + \tilde J_\perp(d)(I - \hat n\hat n^T)\big],

with :math:`d = |\mathbf R_g - \mathbf R_a|`, :math:`\hat n = (\mathbf R_g - \mathbf R_a)/d`, and
:math:`\sigma` the direct-field sign of :func:`viscous_forces.core.frequency_domain.direct_field_sign`
(+1 printed, -1 derived).  :math:`H` is the Hessian of the static energy
:math:`E = \sum_{a<b} Z_aZ_b U(d_{ab})` (pairwise additive in linear response):

.. math::

    K_{ab} = Z_aZ_b\big[U''(d)\,\hat n\hat n^T + \frac{U'(d)}{d}(I - \hat n\hat n^T)\big],\qquad
    H_{aa} \mathrel{+}= K_{ab},\ H_{bb} \mathrel{+}= K_{ab},\ H_{ab} = H_{ba} = -K_{ab}.

For two nuclei and :math:`\mathbf e` along or across their axis the system reduces exactly to the
2x2 systems of :func:`viscous_forces.core.frequency_domain.solve_2x2`.  At a relaxed geometry the rigid
translations and rotations are exact zero modes of H; the Hessian used by the dynamics is projected
on their complement (:func:`rigid_basis`), so that quadrature noise in the residual forces cannot
create a spurious restoring (or anti-restoring) rotation.

The subpackage, by concern (every public name is re-exported here):

=========  ===================================================================================
geometry   :class:`Cluster`, presets and :func:`make_cluster`, pair distances, rigid and internal
           bases, :func:`resolved_distance`, :func:`is_linear`
statics    energy, forces and Hessian (:func:`cluster_statics`), projected Hessian, harmonic
           frequencies, internal curvatures and :func:`check_minimum`, relaxation (:func:`relax`)
response   coupling tensor, the 3N x 3N solve (:func:`solve_cluster`), DC and high-frequency
           limits, state matrix and Markov model
modes      poles and velocity patterns of the response (:func:`cluster_modes`)
=========  ===================================================================================
"""

from __future__ import annotations

from .geometry import (
    CLUSTER_PRESETS,
    MIN_DISTANCE,
    PANEL_TOLERANCE,
    RIGID_RANK_TOL,
    Cluster,
    direction_from_angle,
    internal_basis,
    is_linear,
    make_cluster,
    pair_distances,
    resolved_distance,
    rigid_basis,
)
from .modes import ClusterMode, cluster_modes
from .response import (
    cluster_dc_limit,
    cluster_high_frequency_limit,
    cluster_markov_model,
    cluster_state_matrix,
    coupling_tensor,
    solve_cluster,
)
from .statics import (
    CURVATURE_TOL,
    FORCE_TOLERANCE,
    MAX_SADDLES,
    MAX_STEP,
    SADDLE_KICK,
    ClusterStatics,
    PairStatics,
    Relaxation,
    check_minimum,
    cluster_statics,
    harmonic_frequencies,
    internal_curvatures,
    projected_hessian,
    relax,
)

__all__ = [
    "CLUSTER_PRESETS",
    "CURVATURE_TOL",
    "FORCE_TOLERANCE",
    "MAX_SADDLES",
    "MAX_STEP",
    "MIN_DISTANCE",
    "PANEL_TOLERANCE",
    "RIGID_RANK_TOL",
    "SADDLE_KICK",
    "Cluster",
    "ClusterMode",
    "ClusterStatics",
    "PairStatics",
    "Relaxation",
    "check_minimum",
    "cluster_dc_limit",
    "cluster_high_frequency_limit",
    "cluster_markov_model",
    "cluster_modes",
    "cluster_state_matrix",
    "cluster_statics",
    "coupling_tensor",
    "direction_from_angle",
    "harmonic_frequencies",
    "internal_basis",
    "internal_curvatures",
    "is_linear",
    "make_cluster",
    "pair_distances",
    "projected_hessian",
    "relax",
    "resolved_distance",
    "rigid_basis",
    "solve_cluster",
]
