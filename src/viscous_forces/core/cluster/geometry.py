r"""Geometry of a cluster: the nuclei and the current direction, presets, pair distances, rigid and internal bases.

docs/theory.md, "Clusters".  A :class:`Cluster` holds N nuclei (charges :math:`Z_a`, masses
:math:`M_a`, positions :math:`\mathbf R_a`) and the unit vector :math:`\mathbf e` of the current.
The rigid translations and rotations about the centroid (:func:`rigid_basis`) are exact zero modes
of the Hessian at a relaxed geometry; their orthogonal complement (:func:`internal_basis`) holds
the internal displacements on which the dynamics projects it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ...constants import M_DEUTERON, M_PROTON

#: Bound on the Gauss-Legendre error per panel of the pair integrals, relative (see resolved_distance).
PANEL_TOLERANCE = 1e-10
#: Closest two nuclei may be (bohr), in a given or relaxed geometry.
MIN_DISTANCE = 0.1
#: Rank cut-off of the rigid-body basis (relative singular value): a cluster whose rotations span
#: fewer than 3 directions above it is linear.
RIGID_RANK_TOL = 1e-8


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
        Equilibrium distance of the pair (bohr, finite and > 0), the length unit of the presets.

    Returns
    -------
    Cluster
        The initial geometry (not yet relaxed).

    Raises
    ------
    ValueError
        If ``spec`` has both or neither of ``preset`` and ``nuclei``, both ``direction`` and
        ``angle``, an unknown preset, ``angle`` for a cluster that is not linear, nuclei that
        :class:`Cluster` refuses, or ``d_eq`` not > 0.
    """
    spec = dict(spec)
    if not (isinstance(d_eq, (int, float, np.floating)) and math.isfinite(d_eq) and d_eq > 0):
        raise ValueError(f"the pair distance d_eq (the length unit of the presets) must be > 0 bohr, got {d_eq!r}")
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
