r"""J/omega and friction of every pair of a cluster, for the stage ``simulate_cluster`` (docs/theory.md, "Clusters").

:class:`ClusterTerms` evaluates the 1D integrals and friction coefficients once at every pair
distance of the relaxed cluster and assembles the coupling tensor :math:`\tilde C(\omega)` of
:func:`viscous_forces.stages.cluster.simulate_cluster` at any real frequency.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..core.cluster import Cluster, coupling_tensor, pair_distances
from ..core.frequency_domain import interpolate_jtilde
from ..core.friction import j_integrals
from .response import friction


class ClusterTerms:
    r"""J/omega and friction of every pair of a relaxed cluster, on demand at any real frequency.

    The 1D integrals :math:`\tilde J_0`, :math:`\tilde J_\parallel(d)`, :math:`\tilde J_\perp(d)` of
    :func:`viscous_forces.core.friction.j_integrals` and their limits :math:`Q` of
    :func:`viscous_forces.stages.response.friction`, at every pair distance d of the
    cluster (docs/theory.md, "Clusters").

    Parameters
    ----------
    chi_ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.chi.compute_chi`.
    cluster : Cluster
        Relaxed geometry.

    Attributes
    ----------
    cluster : Cluster
        The geometry.
    omega_j : ndarray, shape (m,)
        Frequencies of the J grid (Ha).
    jt0 : ndarray, shape (m,), complex
        :math:`J_0/\omega` on ``omega_j`` (m_e/a.u. of time).
    jt_par, jt_perp : ndarray, shape (m, P), complex
        :math:`J_\parallel/\omega`, :math:`J_\perp/\omega` of every pair of
        :func:`~viscous_forces.core.cluster.pair_distances` (m_e/a.u. of time).
    q0 : float
        Single-nucleus friction :math:`Q_0` (m_e/a.u. of time, Z = 1).
    q_par, q_perp : ndarray, shape (P,)
        Pair friction coefficients :math:`Q_\parallel(d)`, :math:`Q_\perp(d)` (m_e/a.u. of time).
    """

    def __init__(self, chi_ds: xr.Dataset, cluster: Cluster):
        self.cluster = cluster
        a, b, d, _ = pair_distances(cluster.positions)
        om_j = chi_ds["omega"].values
        qd, wd = chi_ds["q_dyn"].values, chi_ds["weight_dyn"].values
        dchi = chi_ds["chi"].values - chi_ds["chi_zero"].values
        self.omega_j = om_j
        J = [j_integrals(qd, wd, dchi, float(dd)) for dd in d]
        Q = [friction(chi_ds, d=float(dd)) for dd in d]
        self.jt0 = J[0]["J0"] / om_j if d.size else j_integrals(qd, wd, dchi, 1.0)["J0"] / om_j
        self.q0 = Q[0]["J0"]
        self.jt_par = np.array([j["parallel"] / om_j for j in J]).T  # (n_omega_j, P)
        self.jt_perp = np.array([j["perpendicular"] / om_j for j in J]).T
        self.q_par = np.array([q["parallel"] for q in Q])
        self.q_perp = np.array([q["perpendicular"] for q in Q])

    def friction(self) -> np.ndarray:
        r"""Friction tensor Q (3N x 3N, m_e/a.u. of time): :func:`coupling_tensor` of Q0, Q_par, Q_perp.

        The :math:`\omega \to 0` limit :math:`\tilde C \to -iQ` of the tensor of docs/theory.md, "Clusters"
        (docs/theory.md, "Friction").

        Returns
        -------
        ndarray, shape (3N, 3N)
            Q (m_e/a.u. of time, stored as ``electron_mass/atomic_unit_of_time``), real and symmetric.
        """
        c = self.cluster
        return coupling_tensor(c.Z, c.positions, [self.q0], self.q_par[None, :], self.q_perp[None, :])[0]

    def tensor(self, omega) -> np.ndarray:
        r""":math:`\tilde C(\omega)` (n, 3N, 3N) at real frequencies >= 0 (Ha); -iQ at omega = 0.

        :math:`\tilde J_0`, :math:`\tilde J_\parallel`, :math:`\tilde J_\perp` interpolated by
        :func:`~viscous_forces.core.frequency_domain.interpolate_jtilde` and assembled by
        :func:`~viscous_forces.core.cluster.coupling_tensor` (docs/theory.md, "Clusters").

        Parameters
        ----------
        omega : float or array_like, shape (n,)
            Real frequencies (Ha), >= 0.

        Returns
        -------
        ndarray, shape (n, 3N, 3N), complex
            :math:`\tilde C(\omega)` (m_e/a.u. of time).
        """
        omega = np.atleast_1d(np.asarray(omega, dtype=float))
        jt0 = interpolate_jtilde(self.omega_j, self.jt0, self.q0, omega)
        par = np.stack(
            [interpolate_jtilde(self.omega_j, self.jt_par[:, p], self.q_par[p], omega) for p in range(self.q_par.size)],
            axis=1,
        )
        perp = np.stack(
            [
                interpolate_jtilde(self.omega_j, self.jt_perp[:, p], self.q_perp[p], omega)
                for p in range(self.q_perp.size)
            ],
            axis=1,
        )
        zero = omega == 0
        jt0[zero], par[zero], perp[zero] = -1j * self.q0, -1j * self.q_par, -1j * self.q_perp
        return coupling_tensor(self.cluster.Z, self.cluster.positions, jt0, par, perp)
