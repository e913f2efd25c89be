r"""Statics of a cluster: energy, forces and Hessian, harmonic frequencies, relaxation to a minimum.

docs/theory.md, "Clusters".  The static energy is pairwise additive in linear response,
:math:`E = \sum_{a<b} Z_aZ_b U(d_{ab})`, with U of Eqs. (9)-(10) per unit charges; its Hessian is

.. math::

    K_{ab} = Z_aZ_b\big[U''(d)\,\hat n\hat n^T + \frac{U'(d)}{d}(I - \hat n\hat n^T)\big],\qquad
    H_{aa} \mathrel{+}= K_{ab},\ H_{bb} \mathrel{+}= K_{ab},\ H_{ab} = H_{ba} = -K_{ab},

with :math:`d = |\mathbf R_b - \mathbf R_a|` and :math:`\hat n = (\mathbf R_b - \mathbf R_a)/d`.
The dynamics uses it projected on the internal displacements (:func:`projected_hessian`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .geometry import MIN_DISTANCE, Cluster, internal_basis, pair_distances

#: Relaxation stops when the largest force on a nucleus is below this (Ha/bohr).
FORCE_TOLERANCE = 1e-11
#: Largest step of one relaxation iteration (bohr).
MAX_STEP = 0.3
#: Internal Hessian eigenvalues above this fraction of the largest are curvatures; below it
#: (in absolute value) the geometry is not a strict minimum.
CURVATURE_TOL = 1e-9

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
