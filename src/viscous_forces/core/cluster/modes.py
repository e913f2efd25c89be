r"""Modes of a cluster: the poles :math:`\omega = \Omega - i\Gamma` of its response and their velocity patterns.

docs/theory.md, "Clusters".  The poles start from the eigenvalues of the Markov model
(:func:`viscous_forces.core.cluster.response.cluster_markov_model`) and are refined with the
frequency-dependent :math:`\tilde J`; each pattern is classified as a translation, rotation or
vibration by the subspace (:func:`viscous_forces.core.cluster.geometry.rigid_basis`) that holds
most of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..time_domain import MarkovModel
from .geometry import rigid_basis


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
