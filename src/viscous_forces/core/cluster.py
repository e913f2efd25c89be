r"""Any number of nuclei, any current direction: statics, equations of motion and their Markov limit.

docs/theory.md, "Clusters".  N nuclei (charges :math:`Z_a`, masses :math:`M_a`, positions
:math:`\mathbf R_a`) in the electron gas; the current flows along the unit vector :math:`\mathbf e`.
Velocities :math:`V_a` are per unit drift velocity :math:`v = j_0/\bar n`.  With
:math:`\tilde J = J/\omega` (the 1D integrals of :mod:`viscous_forces.core.dynamics`, now at every
pair distance) the generalisation of Eqs. (12)-(13) reads, for every nucleus a,

.. math::

    -\omega M_a V_a + \sum_g \tilde C_{ag}(\omega)\,(V_g - \mathbf e) + \frac1\omega\sum_b H_{ab} V_b
        = -\sigma\,\omega Z_a\,\mathbf e,

    \tilde C_{aa} = Z_a^2\tilde J_0\,I,\qquad
    \tilde C_{ag} = Z_aZ_g\big[\tilde J_\parallel(d)\,\hat n\hat n^T + \tilde J_\perp(d)(I - \hat n\hat n^T)\big],

with :math:`d = |\mathbf R_g - \mathbf R_a|`, :math:`\hat n = (\mathbf R_g - \mathbf R_a)/d`, and
:math:`\sigma` the direct-field sign of :func:`viscous_forces.core.dynamics.direct_field_sign`
(+1 printed, -1 derived).  :math:`H` is the Hessian of the static energy
:math:`E = \sum_{a<b} Z_aZ_b U(d_{ab})` (pairwise additive in linear response):

.. math::

    K_{ab} = Z_aZ_b\big[U''(d)\,\hat n\hat n^T + \frac{U'(d)}{d}(I - \hat n\hat n^T)\big],\qquad
    H_{aa} \mathrel{+}= K_{ab},\ H_{bb} \mathrel{+}= K_{ab},\ H_{ab} = H_{ba} = -K_{ab}.

For two nuclei and :math:`\mathbf e` along or across their axis the system reduces exactly to the
2x2 systems of :func:`viscous_forces.core.dynamics.solve_2x2`.  At a relaxed geometry the rigid
translations and rotations are exact zero modes of H; the Hessian used by the dynamics is projected
on their complement (:func:`rigid_basis`), so that quadrature noise in the residual forces cannot
create a spurious restoring (or anti-restoring) rotation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..constants import M_DEUTERON, M_PROTON
from .dynamics import MarkovModel

#: Bound on the Gauss-Legendre error per panel of the pair integrals, relative (see resolved_distance).
PANEL_TOLERANCE = 1e-10
#: Closest two nuclei may be (bohr), in a given or relaxed geometry.
MIN_DISTANCE = 0.1
#: Relaxation stops when the largest force on a nucleus is below this (Ha/bohr).
FORCE_TOLERANCE = 1e-11
#: Largest step of one relaxation iteration (bohr).
MAX_STEP = 0.3
#: Rank cut-off of the rigid-body basis (relative singular value): a cluster whose rotations span
#: fewer than 3 directions above it is linear.
RIGID_RANK_TOL = 1e-8
#: Internal Hessian eigenvalues above this fraction of the largest are curvatures; below it
#: (in absolute value) the geometry is not a strict minimum.
CURVATURE_TOL = 1e-9


@dataclass(frozen=True)
class Cluster:
    """Nuclei and the direction of the current.

    Attributes
    ----------
    Z : ndarray, shape (N,)
        Charges (e), > 0.
    M : ndarray, shape (N,)
        Masses (electron masses), > 0.
    positions : ndarray, shape (N, 3)
        Positions (bohr); N >= 2, no two closer than :data:`MIN_DISTANCE`.
    direction : ndarray, shape (3,)
        Unit vector of the current (normalised on construction).
    """

    Z: np.ndarray
    M: np.ndarray
    positions: np.ndarray
    direction: np.ndarray = field(default_factory=lambda: np.array([1.0, 0.0, 0.0]))

    def __post_init__(self) -> None:
        Z = np.asarray(self.Z, dtype=float).ravel()
        M = np.asarray(self.M, dtype=float).ravel()
        R = np.asarray(self.positions, dtype=float)
        e = np.asarray(self.direction, dtype=float).ravel()
        if R.ndim != 2 or R.shape[1] != 3 or R.shape[0] < 2:
            raise ValueError(f"cluster positions must have shape (N, 3) with N >= 2, got shape {R.shape}")
        if Z.shape != (R.shape[0],) or M.shape != (R.shape[0],):
            raise ValueError(f"cluster needs one charge and one mass per nucleus: {R.shape[0]} nuclei, Z {Z}, M {M}")
        for name, v in (("Z", Z), ("M", M)):
            if not np.all(np.isfinite(v) & (v > 0)):
                raise ValueError(f"cluster {name} must be finite and > 0, got {v.tolist()}")
        if not np.all(np.isfinite(R)):
            raise ValueError(f"cluster positions must be finite, got {R.tolist()}")
        if e.shape != (3,) or not np.all(np.isfinite(e)) or not np.linalg.norm(e) > 0:
            raise ValueError(f"cluster direction must be a non-zero 3-vector, got {e.tolist()}")
        d = pair_distances(R)[2]
        if d.min() < MIN_DISTANCE:
            raise ValueError(f"two nuclei of the cluster are {d.min():.3g} bohr apart (< {MIN_DISTANCE} bohr)")
        for name, v in (("Z", Z), ("M", M), ("positions", R), ("direction", e / np.linalg.norm(e))):
            v = v.copy()
            v.flags.writeable = False
            object.__setattr__(self, name, v)

    @property
    def size(self) -> int:
        """Number of nuclei N.

        Returns
        -------
        int
            N, the length of :attr:`Z`.
        """
        return int(self.Z.size)

    def with_positions(self, positions) -> Cluster:
        """The same nuclei and current direction at other positions (bohr).

        Parameters
        ----------
        positions : array_like, shape (N, 3)
            New positions (bohr), subject to the checks of the constructor.

        Returns
        -------
        Cluster
            A new cluster with this cluster's charges, masses and current direction.
        """
        return Cluster(self.Z, self.M, positions, self.direction)


def direction_from_angle(axis, angle_deg: float) -> np.ndarray:
    r"""Unit vector at ``angle_deg`` from ``axis``, turned towards the y axis (towards z if the axis is along y).

    Parameters
    ----------
    axis : array_like, shape (3,)
        Molecular axis (any length).
    angle_deg : float
        Angle (degrees): 0 = along the axis, 90 = perpendicular to it.

    Returns
    -------
    ndarray, shape (3,)
        :math:`\cos\theta\,\hat a + \sin\theta\,\hat p` with :math:`\hat p \perp \hat a` in the plane
        of the axis and the y axis: for two nuclei at :math:`d_{eq}` the response is the superposition
        :math:`\cos\theta\,(\parallel) + \sin\theta\,(\perp)` (docs/theory.md, "Clusters").
    """
    a = np.asarray(axis, dtype=float)
    a = a / np.linalg.norm(a)
    ref = np.array([0.0, 1.0, 0.0]) if abs(a[1]) < 0.9 else np.array([0.0, 0.0, 1.0])
    p = ref - (ref @ a) * a
    p /= np.linalg.norm(p)
    theta = np.deg2rad(angle_deg)
    return np.cos(theta) * a + np.sin(theta) * p


#: Preset clusters: charges (e), masses (m_e), positions in units of the pair equilibrium distance
#: d_eq of the (kernel, r_s), and the current direction.
CLUSTER_PRESETS: dict[str, dict] = {
    # the paper's proton (1) + deuteron (2), current at 45 degrees to the axis
    "hd": {
        "Z": [1.0, 1.0],
        "M": [M_PROTON, M_DEUTERON],
        "positions": [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]],
        "direction": direction_from_angle([1.0, 0.0, 0.0], 45.0).tolist(),
    },
    # three protons, equilateral triangle in the xy plane, current along the median through nucleus 3
    "h3_triangle": {
        "Z": [1.0, 1.0, 1.0],
        "M": [M_PROTON] * 3,
        "positions": [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, np.sqrt(3.0) / 2.0, 0.0]],
        "direction": [0.0, 1.0, 0.0],
    },
    # three protons on the x axis, current at 45 degrees in the xy plane
    "h3_linear": {
        "Z": [1.0, 1.0, 1.0],
        "M": [M_PROTON] * 3,
        "positions": [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [2.0, 0.0, 0.0]],
        "direction": direction_from_angle([1.0, 0.0, 0.0], 45.0).tolist(),
    },
}


def make_cluster(spec: Mapping, d_eq: float) -> Cluster:
    """A :class:`Cluster` from a configuration entry.

    Parameters
    ----------
    spec : mapping
        Either ``{"preset": name}`` (:data:`CLUSTER_PRESETS`; positions scaled by ``d_eq``) or
        ``{"nuclei": [{"Z": .., "M": .., "position": [x, y, z]}, ...]}`` (e, m_e, bohr); optionally
        ``"direction": [x, y, z]`` or ``"angle"`` (degrees from the axis of a linear cluster), and
        ``"saddle"`` (used by :func:`relax`, ignored here).
    d_eq : float
        Equilibrium distance of the pair (bohr), the length unit of the presets.

    Returns
    -------
    Cluster
        The initial geometry (not yet relaxed).

    Raises
    ------
    ValueError
        If ``spec`` has both or neither of ``preset`` and ``nuclei``, both ``direction`` and
        ``angle``, an unknown preset, ``angle`` for a cluster that is not linear, or nuclei that
        :class:`Cluster` refuses.
    """
    spec = dict(spec)
    if ("preset" in spec) == ("nuclei" in spec):
        raise ValueError(f"a cluster needs exactly one of 'preset' or 'nuclei', got keys {sorted(spec)}")
    if "direction" in spec and "angle" in spec:
        raise ValueError("a cluster takes 'direction' or 'angle', not both")
    if "preset" in spec:
        name = spec["preset"]
        if name not in CLUSTER_PRESETS:
            raise ValueError(f"unknown cluster preset {name!r}; allowed: {', '.join(CLUSTER_PRESETS)}")
        p = CLUSTER_PRESETS[name]
        Z, M, R, e = p["Z"], p["M"], d_eq * np.asarray(p["positions"]), p["direction"]
    else:
        nuclei = spec["nuclei"]
        Z = [n["Z"] for n in nuclei]
        M = [n["M"] for n in nuclei]
        R = np.asarray([n["position"] for n in nuclei], dtype=float)
        e = [1.0, 0.0, 0.0]
    if "direction" in spec:
        e = spec["direction"]
    if "angle" in spec:
        axis = R[1] - R[0]
        if np.linalg.matrix_rank(R - R[0], tol=1e-9 * np.abs(R).max()) > 1:
            raise ValueError("'angle' sets the current direction of a linear cluster only; give 'direction'")
        e = direction_from_angle(axis, float(spec["angle"]))
    return Cluster(Z, M, R, e)


# --------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------


def pair_distances(positions) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair a < b: indices, distance and unit vector from a to b.

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Positions (bohr).

    Returns
    -------
    a, b : ndarray of int, shape (P,)
        Pair indices, P = N (N - 1)/2.
    d : ndarray, shape (P,)
        Distances (bohr).
    n : ndarray, shape (P, 3)
        Unit vectors (R_b - R_a)/d.
    """
    R = np.asarray(positions, dtype=float)
    a, b = np.triu_indices(R.shape[0], k=1)
    diff = R[b] - R[a]
    d = np.linalg.norm(diff, axis=1)
    return a, b, d, diff / d[:, None]


def rigid_basis(positions) -> np.ndarray:
    r"""Orthonormal basis of the rigid translations and rotations about the centroid.

    The span of the 3 translations :math:`(\mathbf t, \dots, \mathbf t)` and the 3 rotations
    :math:`(\boldsymbol\theta\times\mathbf r_1, \dots, \boldsymbol\theta\times\mathbf r_N)`,
    :math:`\mathbf r_a` relative to the centroid, from an SVD with the relative rank cut-off
    :data:`RIGID_RANK_TOL` (docs/theory.md, "Clusters").

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Positions (bohr).

    Returns
    -------
    ndarray, shape (3N, k)
        k = 6, or 5 for a linear cluster (a rotation about its axis moves nothing).
    """
    R = np.asarray(positions, dtype=float)
    N = R.shape[0]
    r = R - R.mean(axis=0)
    vectors = [np.tile(np.eye(3)[i], N) for i in range(3)]
    vectors += [np.cross(np.eye(3)[i], r).ravel() for i in range(3)]
    u, s, _ = np.linalg.svd(np.array(vectors).T, full_matrices=False)
    return u[:, s > RIGID_RANK_TOL * s.max()]


def internal_basis(positions) -> np.ndarray:
    """Orthonormal basis of the internal displacements: the complement of :func:`rigid_basis`, shape (3N, 3N - k).

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Positions (bohr).

    Returns
    -------
    ndarray, shape (3N, 3N - k)
        Orthonormal columns W, orthogonal to the k rigid translations and rotations (k = 6, or 5 for
        a linear cluster); :math:`y = W^TR` are the internal coordinates (docs/theory.md, "Clusters").
    """
    B = rigid_basis(positions)
    u, _, _ = np.linalg.svd(B, full_matrices=True)
    return u[:, B.shape[1] :]


def resolved_distance(h_max: float, n_gl: int, tol: float = PANEL_TOLERANCE) -> float:
    r"""Largest pair distance (bohr) whose oscillating q integrands the composite Gauss-Legendre rule resolves.

    The n-point rule on a panel of width h errs by :math:`h^{2n+1}(n!)^4/((2n+1)[(2n)!]^3)\,|f^{(2n)}|`
    (Abramowitz & Stegun 25.4.30); for :math:`f \propto e^{iqd}`, :math:`|f^{(2n)}| \sim d^{2n}`, so the
    error relative to the panel's integral stays below ``tol`` while
    :math:`hd \le [\mathrm{tol}\,(2n+1)((2n)!)^3/(n!)^4]^{1/2n}` (docs/theory.md, "Numerical grids").

    Parameters
    ----------
    h_max : float
        Largest panel width (bohr^-1), :meth:`viscous_forces.core.quadrature.GridSpec.h_max`.
    n_gl : int
        Nodes per panel.
    tol : float
        Relative error bound per panel.

    Returns
    -------
    float
        Distance (bohr).
    """
    from math import lgamma, log

    n = int(n_gl)
    log_x = (log(tol) + log(2 * n + 1) + 3 * lgamma(2 * n + 1) - 4 * lgamma(n + 1)) / (2 * n)
    return float(np.exp(log_x) / h_max)


def is_linear(positions) -> bool:
    """True if all nuclei lie on one line (5 rigid modes instead of 6).

    Parameters
    ----------
    positions : array_like, shape (N, 3)
        Positions (bohr).

    Returns
    -------
    bool
        Whether :func:`rigid_basis` has rank 5 (to the relative tolerance :data:`RIGID_RANK_TOL`).
    """
    return rigid_basis(positions).shape[1] == 5


# --------------------------------------------------------------------------------------------
# Statics: energy, forces, Hessian, relaxation
# --------------------------------------------------------------------------------------------

#: ``statics(d) -> (U, F, U'')`` per unit charges at an array of distances (bohr), e.g.
#: :func:`viscous_forces.core.statics.pair_statics` on the static q grid (Eqs. 9-10).
PairStatics = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ClusterStatics:
    r"""Energy, forces and Hessian of a geometry (docs/theory.md, "Clusters").

    Attributes
    ----------
    energy : float
        :math:`E = \sum_{a<b} Z_aZ_bU(d_{ab})` (Ha).
    forces : ndarray, shape (N, 3)
        :math:`-\partial E/\partial\mathbf R_a` (Ha/bohr).
    hessian : ndarray, shape (3N, 3N)
        :math:`\partial^2E/\partial R\partial R` (Ha/bohr^2), not projected.
    """

    energy: float
    forces: np.ndarray
    hessian: np.ndarray

    @property
    def max_force(self) -> float:
        r"""Largest |force| on a nucleus (Ha/bohr).

        Returns
        -------
        float
            :math:`\max_a |\mathbf F_a|` (Ha/bohr).
        """
        return float(np.max(np.linalg.norm(self.forces, axis=1)))


def cluster_statics(Z, positions, statics: PairStatics) -> ClusterStatics:
    r"""Energy, forces and Hessian of the pairwise-additive static energy.

    docs/theory.md, "Clusters": with U, F = -U' and U'' of Eqs. (9)-(10) per unit charges,

    .. math::

        E = \sum_{a<b} Z_aZ_bU(d_{ab}),\qquad
        \mathbf F_a = -\nabla_a E = \sum_{b\ne a} Z_aZ_bF(d_{ab})\frac{\mathbf R_a - \mathbf R_b}{d_{ab}},

        K_{ab} = Z_aZ_b\Big[U''(d)\,\hat n\hat n^T + \frac{U'(d)}{d}(I - \hat n\hat n^T)\Big],\qquad
        H_{aa} \mathrel{+}= K_{ab},\ H_{bb} \mathrel{+}= K_{ab},\ H_{ab} = H_{ba} = -K_{ab}.

    Parameters
    ----------
    Z : array_like, shape (N,)
        Charges (e).
    positions : array_like, shape (N, 3)
        Positions (bohr).
    statics : callable
        ``statics(d) -> (U, F, U'')`` per unit charges (Ha, Ha/bohr, Ha/bohr^2), F = -U'.

    Returns
    -------
    ClusterStatics
        E (Ha), forces :math:`-\nabla_a E = \sum_b Z_aZ_b F(d_{ab})(\mathbf R_a - \mathbf R_b)/d_{ab}`
        (Ha/bohr) and the Hessian of the module docstring (Ha/bohr^2).
    """
    Z = np.asarray(Z, dtype=float)
    R = np.asarray(positions, dtype=float)
    N = R.shape[0]
    a, b, d, n = pair_distances(R)
    U, F, U2 = statics(d)
    zz = Z[a] * Z[b]
    forces = np.zeros((N, 3))
    # F > 0 is repulsion: pushes b away from a along n
    np.add.at(forces, b, (zz * F)[:, None] * n)
    np.add.at(forces, a, -(zz * F)[:, None] * n)
    nn = n[:, :, None] * n[:, None, :]
    K = zz[:, None, None] * (U2[:, None, None] * nn + (-F / d)[:, None, None] * (np.eye(3) - nn))
    H = np.zeros((N, 3, N, 3))
    for p in range(a.size):
        i, j = a[p], b[p]
        H[i, :, i, :] += K[p]
        H[j, :, j, :] += K[p]
        H[i, :, j, :] -= K[p]
        H[j, :, i, :] -= K[p]
    return ClusterStatics(float(np.sum(zz * U)), forces, H.reshape(3 * N, 3 * N))


def projected_hessian(hessian: np.ndarray, positions) -> np.ndarray:
    r""":math:`PHP` with P the projector on the internal displacements (:func:`internal_basis`), in Ha/bohr^2.

    .. math::

        H_P = PHP,\qquad P = WW^T,

    symmetrised, so that the rigid translations and rotations are exact zero modes whatever the
    residual forces of the quadrature (docs/theory.md, "Clusters").

    Parameters
    ----------
    hessian : ndarray, shape (3N, 3N)
        Hessian of the static energy (Ha/bohr^2), :attr:`ClusterStatics.hessian`.
    positions : array_like, shape (N, 3)
        Positions (bohr) that define the rigid modes.

    Returns
    -------
    ndarray, shape (3N, 3N)
        The projected, symmetric Hessian (Ha/bohr^2).
    """
    W = internal_basis(positions)
    P = W @ W.T
    Hp = P @ hessian @ P
    return 0.5 * (Hp + Hp.T)


def harmonic_frequencies(hessian: np.ndarray, M, positions) -> np.ndarray:
    r"""Harmonic frequencies of the internal modes: square roots of the eigenvalues of :math:`M^{-1/2}HM^{-1/2}`.

    docs/theory.md, "Clusters": :math:`\omega_k^2 \in \mathrm{eig}(M^{-1/2}HM^{-1/2})`, negative
    eigenvalues clipped to 0.

    Parameters
    ----------
    hessian : ndarray, shape (3N, 3N)
        Projected Hessian (Ha/bohr^2).
    M : array_like, shape (N,)
        Masses (m_e).
    positions : array_like, shape (N, 3)
        Positions (bohr), to drop the rigid modes.

    Returns
    -------
    ndarray
        The 3N - k largest (Ha, ascending); for two nuclei :math:`\sqrt{Z_1Z_2U''(d)/\mu}`.
    """
    s = 1.0 / np.sqrt(np.repeat(np.asarray(M, dtype=float), 3))
    lam = np.linalg.eigvalsh(s[:, None] * hessian * s[None, :])
    n_internal = internal_basis(positions).shape[1]
    return np.sqrt(np.clip(lam[lam.size - n_internal :], 0.0, None))


def _mode_text(vector: np.ndarray) -> str:
    v = vector.reshape(-1, 3)
    return ", ".join(f"nucleus {i + 1} ({x:+.2f}, {y:+.2f}, {z:+.2f})" for i, (x, y, z) in enumerate(v))


def internal_curvatures(hessian: np.ndarray, positions) -> tuple[np.ndarray, np.ndarray]:
    r"""Eigenvalues (Ha/bohr^2, ascending) and eigenvectors (columns, 3N components) of the Hessian
    restricted to the internal displacements.

    The eigen-decomposition of :math:`W^THW` (W of :func:`internal_basis`; docs/theory.md,
    "Clusters"), the eigenvectors mapped back to Cartesian displacements.

    Parameters
    ----------
    hessian : ndarray, shape (3N, 3N)
        Hessian of the static energy (Ha/bohr^2).
    positions : array_like, shape (N, 3)
        Positions (bohr) that define the internal displacements.

    Returns
    -------
    curvatures : ndarray, shape (3N - k,)
        Eigenvalues (Ha/bohr^2), ascending.
    vectors : ndarray, shape (3N, 3N - k)
        Unit Cartesian displacement patterns, one column per eigenvalue.
    """
    W = internal_basis(positions)
    lam, vec = np.linalg.eigh(W.T @ hessian @ W)
    return lam, W @ vec


def check_minimum(hessian: np.ndarray, positions, name: str = "cluster") -> np.ndarray:
    """Raise ValueError unless every internal curvature is positive; return them (Ha/bohr^2, ascending).

    The message names the offending mode: its curvature and displacement pattern.  A curvature
    counts as positive above :data:`CURVATURE_TOL` times the largest in absolute value.

    Parameters
    ----------
    hessian : ndarray, shape (3N, 3N)
        Hessian of the static energy (Ha/bohr^2).
    positions : array_like, shape (N, 3)
        Positions (bohr).
    name : str
        Name of the cluster in the message.

    Returns
    -------
    ndarray, shape (3N - k,)
        The internal curvatures (Ha/bohr^2), ascending, all > 0.

    Raises
    ------
    ValueError
        If the geometry is not a strict minimum of the static energy.
    """
    lam, vec = internal_curvatures(hessian, positions)
    scale = max(float(np.max(np.abs(lam))), 1e-300)
    bad = np.nonzero(lam <= CURVATURE_TOL * scale)[0]
    if bad.size:
        k = int(bad[0])
        raise ValueError(
            f"{name}: the relaxed geometry is not a minimum of the static energy: internal mode {k + 1} of "
            f"{lam.size} has curvature {lam[k]:.3e} Ha/bohr^2 (beyond the {3 * len(positions) - lam.size} rigid "
            f"translations and rotations); its displacement pattern: {_mode_text(vec[:, k])}. "
            "Start from another geometry."
        )
    return lam


@dataclass(frozen=True)
class Relaxation:
    """Result of :func:`relax`.

    Attributes
    ----------
    cluster : Cluster
        The relaxed geometry (same nuclei and current direction).
    statics : ClusterStatics
        Energy, forces and Hessian there.
    curvatures : ndarray
        Internal Hessian eigenvalues (Ha/bohr^2, ascending, all > 0).
    iterations : int
        Newton iterations used.
    saddles : tuple of float
        Negative curvatures (Ha/bohr^2) of the saddle points the relaxation left along their
        unstable mode (``saddle="descend"``); empty if it reached a minimum directly.
    """

    cluster: Cluster
    statics: ClusterStatics
    curvatures: np.ndarray
    iterations: int
    saddles: tuple = ()


#: Displacement (bohr, largest over the nuclei) along the unstable mode when leaving a saddle point.
SADDLE_KICK = 0.1
#: Most saddle points a relaxation may leave.
MAX_SADDLES = 5


def _newton(Z, R, statics, st, max_iter, name):
    """Saddle-free Newton iterations from R until the largest force is below FORCE_TOLERANCE."""
    iterations = 0
    while st.max_force >= FORCE_TOLERANCE:
        if iterations == max_iter:
            raise ValueError(
                f"{name}: relaxation did not converge in {max_iter} iterations (largest force "
                f"{st.max_force:.3e} Ha/bohr)"
            )
        iterations += 1
        lam, vec = internal_curvatures(st.hessian, R)
        floor = 1e-6 * max(float(np.max(np.abs(lam))), 1e-12)
        g = -st.forces.ravel()
        step = -vec @ ((vec.T @ g) / np.maximum(np.abs(lam), floor))
        norm = np.linalg.norm(step.reshape(-1, 3), axis=1).max()
        if norm > MAX_STEP:
            step *= MAX_STEP / norm
        for _ in range(40):  # backtracking: accept when the energy does not rise (or the force falls)
            trial = R + step.reshape(-1, 3)
            if pair_distances(trial)[2].min() >= MIN_DISTANCE:
                new = cluster_statics(Z, trial, statics)
                if new.energy <= st.energy + 1e-14 * abs(st.energy) or new.max_force < st.max_force:
                    break
            step *= 0.5
        else:
            raise ValueError(f"{name}: relaxation stalled at a largest force of {st.max_force:.3e} Ha/bohr")
        R, st = trial, new
    return R, st, iterations


def relax(
    cluster: Cluster, statics: PairStatics, max_iter: int = 200, name: str = "cluster", saddle: str = "refuse"
) -> Relaxation:
    """Relax a geometry to a minimum of the static energy (docs/theory.md, "Clusters").

    Saddle-free Newton steps in the internal coordinates (curvatures replaced by their absolute
    values, steps limited to :data:`MAX_STEP`, backtracking while the energy rises) until the
    largest force is below :data:`FORCE_TOLERANCE`; the centroid stays fixed.  A symmetric start
    (a linear chain, a regular polygon) can only reach a stationary point of the same symmetry,
    which may be a saddle point.

    Parameters
    ----------
    cluster : Cluster
        Initial geometry.
    statics : callable
        ``statics(d) -> (U, F, U'')`` per unit charges (see :func:`cluster_statics`).
    max_iter : int
        Largest number of Newton iterations (per stationary point).
    name : str
        Name used in error messages.
    saddle : {"refuse", "descend"}
        At a stationary point that is not a minimum: raise ValueError naming the unstable mode, or
        displace the nuclei by :data:`SADDLE_KICK` bohr along it and relax again (at most
        :data:`MAX_SADDLES` times).

    Returns
    -------
    Relaxation
        The relaxed cluster, its statics, its internal curvatures (Ha/bohr^2, all > 0), the number
        of Newton iterations and the curvatures of the saddle points left on the way.

    Raises
    ------
    ValueError
        If the forces do not converge, two nuclei come closer than :data:`MIN_DISTANCE`, or (with
        ``saddle="refuse"``) the stationary point reached is not a minimum (:func:`check_minimum`
        names the mode).
    """
    if saddle not in ("refuse", "descend"):
        raise ValueError(f"saddle must be 'refuse' or 'descend', got {saddle!r}")
    R = np.array(cluster.positions, dtype=float)
    st = cluster_statics(cluster.Z, R, statics)
    total, saddles = 0, []
    while True:
        R, st, iterations = _newton(cluster.Z, R, statics, st, max_iter, name)
        total += iterations
        lam, vec = internal_curvatures(st.hessian, R)
        if saddle == "refuse" or lam[0] > CURVATURE_TOL * np.max(np.abs(lam)) or len(saddles) == MAX_SADDLES:
            curvatures = check_minimum(st.hessian, R, name)
            return Relaxation(cluster.with_positions(R), st, curvatures, total, tuple(saddles))
        saddles.append(float(lam[0]))
        kick = vec[:, 0].reshape(-1, 3)
        R = R + SADDLE_KICK * kick / np.linalg.norm(kick, axis=1).max()
        st = cluster_statics(cluster.Z, R, statics)


# --------------------------------------------------------------------------------------------
# Dynamics
# --------------------------------------------------------------------------------------------


def coupling_tensor(Z, positions, jt0, jt_par, jt_perp) -> np.ndarray:
    r"""The friction/wind tensor :math:`\tilde C(\omega)` of the module docstring.

    docs/theory.md, "Clusters":

    .. math::

        \tilde C_{aa} = Z_a^2\tilde J_0\,I,\qquad
        \tilde C_{ab} = \tilde C_{ba} = Z_aZ_b\big[\tilde J_\parallel(d_{ab})\,\hat n\hat n^T
            + \tilde J_\perp(d_{ab})(I - \hat n\hat n^T)\big].

    Parameters
    ----------
    Z : array_like, shape (N,)
        Charges (e).
    positions : array_like, shape (N, 3)
        Positions (bohr).
    jt0 : array_like, shape (n,)
        :math:`\tilde J_0 = J_0/\omega` (or the friction -iQ0) at n frequencies.
    jt_par, jt_perp : array_like, shape (n, P)
        :math:`\tilde J_\parallel, \tilde J_\perp` at every pair distance of :func:`pair_distances`.

    Returns
    -------
    ndarray, shape (n, 3N, 3N)
        Same units as the inputs (m_e/a.u. of time).
    """
    Z = np.asarray(Z, dtype=float)
    jt0 = np.atleast_1d(np.asarray(jt0))
    jt_par = np.asarray(jt_par).reshape(jt0.size, -1)
    jt_perp = np.asarray(jt_perp).reshape(jt0.size, -1)
    N = Z.size
    a, b, _, n = pair_distances(positions)
    nn = n[:, :, None] * n[:, None, :]
    eye = np.eye(3)
    C = np.zeros((jt0.size, N, 3, N, 3), dtype=np.result_type(jt0, jt_par, jt_perp, float))
    for i in range(N):
        C[:, i, :, i, :] = (Z[i] ** 2 * jt0)[:, None, None] * eye
    for p in range(a.size):
        block = Z[a[p]] * Z[b[p]] * (jt_par[:, p, None, None] * nn[p] + jt_perp[:, p, None, None] * (eye - nn[p]))
        C[:, a[p], :, b[p], :] = block
        C[:, b[p], :, a[p], :] = block
    return C.reshape(jt0.size, 3 * N, 3 * N)


def solve_cluster(omega, C, hessian, M, Z, direction, positions, sigma: float = 1.0) -> np.ndarray:
    r"""Velocities per unit drift velocity, :math:`V_a(\omega)`, from the 3N x 3N system of the module docstring.

    .. math::

        -\omega M_a V_a + \sum_g \tilde C_{ag}(\omega)\,(V_g - \mathbf e) + \frac1\omega\sum_b H_{ab} V_b
            = -\sigma\,\omega Z_a\,\mathbf e

    (docs/theory.md, "Clusters").  Solved in the basis of rigid (B) and internal (W) displacements
    with the internal part scaled by omega, :math:`V = Ba + \omega Wc`: the restoring term
    :math:`H/\omega` then enters as :math:`W^THW` and every coefficient stays O(1) as omega -> 0
    (the Cartesian matrix has condition number ~ |H|/(omega |C|), 1e5 at the lowest frequencies).
    This needs :math:`HB = 0`, i.e. the projected Hessian.

    Parameters
    ----------
    omega : ndarray, shape (n,)
        Frequencies (Ha), finite and != 0 (the DC value V_a = e is exact, :func:`cluster_dc_limit`).
    C : ndarray, shape (n, 3N, 3N)
        :func:`coupling_tensor` at ``omega``.
    hessian : ndarray, shape (3N, 3N)
        Projected Hessian (Ha/bohr^2), :func:`projected_hessian`.
    M, Z : array_like, shape (N,)
        Masses (m_e) and charges (e).
    direction : array_like, shape (3,)
        Unit vector of the current.
    positions : array_like, shape (N, 3)
        Positions (bohr), for the rigid and internal bases.
    sigma : float
        Direct-field sign (+1 printed, -1 derived).

    Returns
    -------
    ndarray, shape (n, N, 3), complex
        :math:`V_a(\omega)` per unit drift velocity (dimensionless).
    """
    omega = np.asarray(omega, dtype=float)
    if np.any(omega == 0) or not np.all(np.isfinite(omega)):
        raise ValueError("solve_cluster needs finite omega != 0 Ha; the DC value is V_a = e")
    M = np.asarray(M, dtype=float)
    Z = np.asarray(Z, dtype=float)
    N = M.size
    B, W = rigid_basis(positions), internal_basis(positions)
    e = np.tile(np.asarray(direction, dtype=float), N)
    D = np.array(C, dtype=complex)
    D[:, np.arange(3 * N), np.arange(3 * N)] -= omega[:, None] * np.repeat(M, 3)[None, :]
    rhs = -sigma * omega[:, None] * (np.repeat(Z, 3) * e)[None, :] + C @ e
    DB, DW = D @ B, D @ W
    w = omega[:, None, None]
    K = np.concatenate(
        [
            np.concatenate([B.T @ DB, w * (B.T @ DW)], axis=2),
            np.concatenate([W.T @ DB, w * (W.T @ DW) + (W.T @ hessian @ W)[None]], axis=2),
        ],
        axis=1,
    )
    x = np.linalg.solve(K, np.concatenate([rhs @ B, rhs @ W], axis=1)[..., None])[..., 0]
    k = B.shape[1]
    V = x[:, :k] @ B.T + omega[:, None] * (x[:, k:] @ W.T)
    return V.reshape(omega.size, N, 3)


def cluster_dc_limit(N: int, direction) -> np.ndarray:
    r""":math:`V_a(0) = \mathbf e` for every nucleus: the cluster drifts with the electrons; shape (N, 3).

    docs/theory.md, "Clusters" (the diatomic :math:`G(0) = (1/\bar n, 0)` of docs/theory.md, "Limits").

    Parameters
    ----------
    N : int
        Number of nuclei.
    direction : array_like, shape (3,)
        Unit vector :math:`\mathbf e` of the current.

    Returns
    -------
    ndarray, shape (N, 3)
        :math:`V_a(0)` per unit drift velocity (dimensionless).
    """
    return np.tile(np.asarray(direction, dtype=float), (N, 1))


def cluster_high_frequency_limit(Z, M, direction, sigma: float = 1.0) -> np.ndarray:
    r""":math:`V_a(\infty) = \sigma Z_a/M_a\,\mathbf e`: the response to the direct field alone; shape (N, 3).

    The limit :math:`\omega \to \infty` of the equations of motion of docs/theory.md, "Clusters"
    (for two nuclei the :math:`\bar nG(\infty)` of docs/theory.md, "Limits").

    Parameters
    ----------
    Z, M : array_like, shape (N,)
        Charges (e) and masses (m_e).
    direction : array_like, shape (3,)
        Unit vector :math:`\mathbf e` of the current.
    sigma : float
        Direct-field sign (+1 printed, -1 derived).

    Returns
    -------
    ndarray, shape (N, 3)
        :math:`V_a(\infty)` per unit drift velocity (dimensionless).
    """
    return sigma * (np.asarray(Z, float) / np.asarray(M, float))[:, None] * np.asarray(direction, float)[None, :]


def cluster_state_matrix(C0, hessian, M, positions) -> np.ndarray:
    r"""State matrix of the linear equations of motion with a constant tensor :math:`\tilde C`.

    State :math:`x = (V, y)`: the 3N velocities and the internal coordinates :math:`y = W^TR`
    (:func:`internal_basis`).  :math:`\dot V = M^{-1}[-i\tilde C V - HWy]` (plus drive),
    :math:`\dot y = W^TV`.  Its eigenvalues :math:`\lambda` are the poles :math:`\omega = i\lambda`
    (docs/theory.md, "Clusters").

    Parameters
    ----------
    C0 : ndarray, shape (3N, 3N)
        Constant tensor (-iQ for the Markov limit; :math:`\tilde C(\mathrm{Re}\,\omega)` for a pole).
    hessian : ndarray, shape (3N, 3N)
        Projected Hessian (Ha/bohr^2).
    M : array_like, shape (N,)
        Masses (m_e).
    positions : array_like, shape (N, 3)
        Positions (bohr).

    Returns
    -------
    ndarray, shape (6N - k, 6N - k)
        In 1/a.u. of time; real if its imaginary part vanishes.
    """
    W = internal_basis(positions)
    inv_m = 1.0 / np.repeat(np.asarray(M, dtype=float), 3)
    top = np.hstack([-1j * inv_m[:, None] * C0, -inv_m[:, None] * (hessian @ W)])
    bottom = np.hstack([W.T, np.zeros((W.shape[1], W.shape[1]))])
    A = np.vstack([top, bottom])
    return A.real if np.allclose(A.imag, 0.0) else A


def cluster_markov_model(Q, hessian, M, Z, positions, direction, sigma: float = 1.0) -> MarkovModel:
    r"""The constant-friction (Markov) limit: :math:`\tilde J \to -iQ` (docs/theory.md, "Markov limit").

    .. math::

        M\dot V = -Q(V - \mathbf e\,v) - HWy + \sigma Z\,\mathbf e\,\dot v,\qquad \dot y = W^TV,

    the cluster form (docs/theory.md, "Clusters") of the diatomic Markov equations.

    Parameters
    ----------
    Q : ndarray, shape (3N, 3N)
        Friction tensor (m_e/a.u. of time): :func:`coupling_tensor` of Q0, Q_par, Q_perp.
    hessian : ndarray, shape (3N, 3N)
        Projected Hessian (Ha/bohr^2).
    M, Z : array_like, shape (N,)
        Masses (m_e) and charges (e).
    positions : array_like, shape (N, 3)
        Positions (bohr).
    direction : array_like, shape (3,)
        Unit vector of the current.
    sigma : float
        Direct-field sign.

    Returns
    -------
    MarkovModel
        :math:`\dot x = Ax + Bv + C\dot v` with x = (V, y); the first 3N components are the
        velocities per unit drift velocity.
    """
    M = np.asarray(M, dtype=float)
    N = M.size
    A = cluster_state_matrix(-1j * np.asarray(Q, dtype=float), hessian, M, positions).real
    e = np.tile(np.asarray(direction, dtype=float), N)
    inv_m = 1.0 / np.repeat(M, 3)
    extra = A.shape[0] - 3 * N
    B = np.concatenate([inv_m * (np.asarray(Q, float) @ e), np.zeros(extra)])
    jump = np.concatenate(
        [cluster_high_frequency_limit(np.asarray(Z, float), M, direction, sigma).ravel(), np.zeros(extra)]
    )
    return MarkovModel(A=A, B=B, C=jump)


@dataclass(frozen=True)
class ClusterMode:
    r"""One pole :math:`\omega = \Omega - i\Gamma` of the cluster's response.

    Attributes
    ----------
    kind : str
        ``"translation"``, ``"rotation"`` or ``"vibration"``: the subspace holding most of the pattern.
    frequency : float
        :math:`\Omega \ge 0` (Ha).
    rate : float
        :math:`\Gamma > 0` (1/a.u. of time), the amplitude damping rate.
    pattern : ndarray, shape (N, 3), complex
        Velocity pattern, unit norm, largest component real and positive.
    """

    kind: str
    frequency: float
    rate: float
    pattern: np.ndarray


def _classify(v: np.ndarray, positions) -> str:
    R = np.asarray(positions, dtype=float)
    N = R.shape[0]
    T = np.array([np.tile(np.eye(3)[i], N) for i in range(3)]).T / np.sqrt(N)
    B = rigid_basis(R)
    P_rot = B @ B.T - T @ T.T
    weights = {
        "translation": float(np.linalg.norm(T.T @ v) ** 2),
        "rotation": float(np.real(np.vdot(v, P_rot @ v))),
        "vibration": float(np.real(np.vdot(v, v - B @ (B.T @ v)))),
    }
    return max(weights, key=weights.get)


def _normalise(v: np.ndarray) -> np.ndarray:
    v = v / np.linalg.norm(v)
    k = int(np.argmax(np.abs(v)))
    return v * (abs(v[k]) / v[k])


#: Fixed-point iteration of a pole stops when |d omega| < _POLE_RTOL |omega|.
_POLE_RTOL = 1e-12
_POLE_MAXITER = 100
#: A Markov eigenvalue with |Im| below this fraction of its modulus is real (a purely damped mode).
_REAL_RTOL = 1e-9


def cluster_modes(
    state_matrix_at: Callable[[complex], np.ndarray], markov: MarkovModel, positions
) -> list[ClusterMode]:
    r"""Poles of the response, started from the Markov poles and refined with the frequency-dependent :math:`\tilde J`.

    Each pole solves :math:`\lambda \in \mathrm{eig}\,A(\tilde C(\mathrm{Re}\,\omega))`,
    :math:`\omega = i\lambda`, by fixed-point iteration (:math:`\tilde J` frozen at the real part of
    the pole, as for the diatomic in :mod:`viscous_forces.analysis.modes`).  One mode per conjugate
    pair (:math:`\Omega \ge 0`).  docs/theory.md, "Clusters".

    Parameters
    ----------
    state_matrix_at : callable
        ``omega_real -> A`` (:func:`cluster_state_matrix` with :math:`\tilde C` at that frequency).
    markov : MarkovModel
        The Markov model (its eigenvalues start the iteration).
    positions : array_like, shape (N, 3)
        Positions (bohr), to classify the patterns.

    Returns
    -------
    list of ClusterMode
        Oscillating modes by frequency, then purely damped ones by rate.
    """
    N = np.asarray(positions).shape[0]
    modes = []
    for lam0 in markov.eigenvalues:
        lam = complex(lam0)
        if lam == 0:
            continue  # a free coordinate, not a decaying mode (does not occur after check_minimum)
        if abs(lam.imag) <= _REAL_RTOL * abs(lam):
            lam = complex(lam.real, 0.0)  # purely damped (degenerate real pairs may carry rounding noise)
        elif lam.imag > 0:
            continue  # one of each conjugate pair: Re omega = -Im lambda > 0
        for _ in range(_POLE_MAXITER):
            A = state_matrix_at(max(-lam.imag, 0.0))  # Re omega = Re(i lambda) = -Im lambda
            vals, vecs = np.linalg.eig(A)
            k = int(np.argmin(np.abs(vals - lam)))
            new = complex(vals[k])
            done = abs(new - lam) < _POLE_RTOL * abs(lam)
            lam = new
            if done:
                break
        pole = 1j * lam
        frequency = pole.real if pole.real > _REAL_RTOL * abs(pole) else 0.0
        pattern = _normalise(vecs[: 3 * N, k])
        modes.append(ClusterMode(_classify(pattern, positions), frequency, -pole.imag, pattern.reshape(N, 3)))
    return sorted(modes, key=lambda m: (m.frequency == 0, m.frequency if m.frequency else m.rate))
