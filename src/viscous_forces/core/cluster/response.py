r"""Equations of motion of a cluster: the coupling tensor, the frequency-domain solve, limits and the Markov model.

docs/theory.md, "Clusters".  Velocities :math:`V_a` per unit drift velocity obey, for every nucleus a,

.. math::

    -\omega M_a V_a + \sum_g \tilde C_{ag}(\omega)\,(V_g - \mathbf e) + \frac1\omega\sum_b H_{ab} V_b
        = -\sigma\,\omega Z_a\,\mathbf e,

    \tilde C_{aa} = Z_a^2\tilde J_0\,I,\qquad
    \tilde C_{ag} = Z_aZ_g\big[\tilde J_\parallel(d)\,\hat n\hat n^T + \tilde J_\perp(d)(I - \hat n\hat n^T)\big],

with :math:`\tilde J = J/\omega` of :mod:`viscous_forces.core.friction` at every pair distance,
:math:`\sigma` the direct-field sign of :func:`viscous_forces.core.frequency_domain.direct_field_sign` and
H the projected Hessian of :mod:`viscous_forces.core.cluster.statics`.  The Markov limit replaces
:math:`\tilde J` by the constant friction -iQ (docs/theory.md, "Markov limit").
"""

from __future__ import annotations

import numpy as np

from ..time_domain import MarkovModel
from .geometry import internal_basis, pair_distances, rigid_basis


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
