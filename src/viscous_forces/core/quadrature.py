r"""Composite Gauss-Legendre q-grids for the static (Eqs. 9-10) and dynamic (Eqs. 12-13) integrals.

Every integrand of the paper has kinks or log-divergent slopes at known points: the Kohn anomaly
at :math:`q = 2k_F` (static :math:`\chi`) and the particle-hole continuum edges of
:math:`\chi_s(q,\omega)`,

.. math::

    q_a = -k_F + \sqrt{k_F^2 + 2\omega},\quad q_b = k_F - \sqrt{k_F^2 - 2\omega},\quad
    q_c = k_F + \sqrt{k_F^2 - 2\omega},\quad q_d = k_F + \sqrt{k_F^2 + 2\omega}

(:math:`q_b, q_c` exist for :math:`2\omega < k_F^2`).  Panels are laid so that every such point is
a panel edge, with geometric grading towards it, and panel widths never exceed ``h_max``
(which must resolve :math:`\sin(qd)` for the largest distance used).  Gauss-Legendre never
evaluates the end points, so :math:`q = 0` and the singular points are never sampled.

The dynamic grid has the same number of nodes for every frequency (zero-width panels where a
breakpoint does not exist), so that :math:`\chi(q,\omega)` is evaluated in one vectorised call on a
``(n_omega, n_nodes)`` array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Ratio between successive graded panel widths next to a singular point.
GRADING_RATIO = 0.5


def gauss_legendre_panels(edges: np.ndarray, n_gl: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of composite ``n_gl``-point Gauss-Legendre on sorted panel edges.

    On a panel [a, b] the nodes are a + (b - a)(x_k + 1)/2 and the weights (b - a) w_k/2, with
    (x_k, w_k) the Gauss-Legendre rule on [-1, 1] (docs/theory.md, "Numerical grids").

    Parameters
    ----------
    edges : ndarray, shape (..., P + 1)
        Sorted panel edges along the last axis (zero-width panels are allowed and get weight 0).
    n_gl : int
        Nodes per panel.

    Returns
    -------
    nodes : numpy.ndarray, shape (..., P * n_gl)
        Quadrature nodes, in the units of ``edges``.
    weights : numpy.ndarray, shape (..., P * n_gl)
        Quadrature weights, in the units of ``edges``.
    """
    x, w = np.polynomial.legendre.leggauss(int(n_gl))
    a = edges[..., :-1, None]
    b = edges[..., 1:, None]
    half = 0.5 * (b - a)
    nodes = a + half * (x + 1.0)
    weights = half * w
    shape = edges.shape[:-1] + (-1,)
    return nodes.reshape(shape), weights.reshape(shape)


def _uniform_edges(a: float, b: float, h_max: float) -> np.ndarray:
    n = max(1, int(np.ceil((b - a) / h_max - 1e-12)))
    return np.linspace(a, b, n + 1)


def _graded_offsets(h: float, levels: int) -> np.ndarray:
    """Offsets h * r^k, k = 1..levels (r = GRADING_RATIO) for geometric grading towards a point."""
    return h * GRADING_RATIO ** np.arange(1, levels + 1)


@dataclass(frozen=True)
class GridSpec:
    r"""Parameters of the q-quadrature (all lengths in units of :math:`k_F` unless stated).

    Attributes
    ----------
    q_max_static : float
        Upper limit of the static integrals (Eqs. 9-10) in units of kF.  The truncation error of the
        force bracket is :math:`\approx 32\bar n/Q^4` (docs/theory.md, "Statics").
    q_max_dynamic : float
        Upper limit of the J integrals in units of kF.
    panel_width : float
        Largest panel width in units of kF.
    d_max : float
        Largest distance (bohr) the grids must resolve: panels are also no wider than pi/d_max.
    n_gl : int
        Gauss-Legendre nodes per panel.
    grading_levels : int
        Number of geometrically graded panels on each side of every singular point.
    """

    q_max_static: float = 200.0
    q_max_dynamic: float = 40.0
    panel_width: float = 0.25
    d_max: float = 15.0
    n_gl: int = 16
    grading_levels: int = 16

    def __post_init__(self) -> None:
        checks = {
            "q_max_static": (self.q_max_static, 4.0, 1e4),
            "q_max_dynamic": (self.q_max_dynamic, 4.0, 1e4),
            "panel_width": (self.panel_width, 1e-4, 2.0),
            "d_max": (self.d_max, 0.5, 1e4),
            "n_gl": (self.n_gl, 4, 200),
            "grading_levels": (self.grading_levels, 0, 60),
        }
        for key, (value, lo, hi) in checks.items():
            if not (lo <= value <= hi):
                raise ValueError(f"grid.{key} must be in [{lo}, {hi}], got {value!r}")

    def h_max(self, kF: float) -> float:
        """Largest panel width h_max = min(panel_width kF, pi / d_max) (bohr^-1).

        The bound pi/d_max resolves sin(qd) for every distance up to ``d_max``
        (docs/theory.md, "Numerical grids").

        Parameters
        ----------
        kF : float
            Fermi wave vector (bohr^-1).

        Returns
        -------
        float
            Largest panel width (bohr^-1).
        """
        return min(self.panel_width * kF, np.pi / self.d_max)


def static_edges(kF: float, spec: GridSpec) -> np.ndarray:
    """Panel edges on [0, q_max_static kF] with a breakpoint at 2kF, graded towards 2kF.

    Uniform panels no wider than :meth:`GridSpec.h_max` on [0, 2kF] and [2kF, q_max_static kF], plus
    ``grading_levels`` edges at 2kF -+ h r^k (r = ``GRADING_RATIO``) on each side of the Kohn
    anomaly (docs/theory.md, "Numerical grids").

    Parameters
    ----------
    kF : float
        Fermi wave vector (bohr^-1).
    spec : GridSpec
        Quadrature parameters.

    Returns
    -------
    numpy.ndarray
        Sorted, unique panel edges (bohr^-1), from 0 to ``spec.q_max_static * kF``.
    """
    h = spec.h_max(kF)
    q2 = 2.0 * kF
    left = _uniform_edges(0.0, q2, h)
    right = _uniform_edges(q2, spec.q_max_static * kF, h)
    off = _graded_offsets(min(h, left[-1] - left[-2]), spec.grading_levels)
    edges = np.concatenate([left, right, q2 - off, q2 + off])
    return np.unique(edges)


def static_grid(kF: float, spec: GridSpec) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (bohr^-1) for :math:`\\int_0^{Q} dq\\,f(q)` with static integrands.

    Composite Gauss-Legendre (:func:`gauss_legendre_panels`) on :func:`static_edges`; used for the
    q integrals of Eqs. (9)-(10) (docs/theory.md, "Statics" and "Numerical grids").

    Parameters
    ----------
    kF : float
        Fermi wave vector (bohr^-1).
    spec : GridSpec
        Quadrature parameters.

    Returns
    -------
    nodes : numpy.ndarray
        Quadrature nodes (bohr^-1), inside (0, q_max_static kF); the end points and 2kF are never
        sampled.
    weights : numpy.ndarray
        Quadrature weights (bohr^-1), same shape.
    """
    return gauss_legendre_panels(static_edges(kF, spec), spec.n_gl)


def continuum_edges(omega: np.ndarray, kF: float) -> np.ndarray:
    """The particle-hole continuum edges q_a, q_b, q_c, q_d (bohr^-1) for each omega >= 0.

    :math:`q_a = -k_F + \\sqrt{k_F^2 + 2\\omega}`, :math:`q_b = k_F - \\sqrt{k_F^2 - 2\\omega}`,
    :math:`q_c = k_F + \\sqrt{k_F^2 - 2\\omega}`, :math:`q_d = k_F + \\sqrt{k_F^2 + 2\\omega}` (module
    docstring; docs/theory.md, "Numerical grids"), where the Lindhard :math:`\\mathrm{Im}\\chi_s`
    has kinks; :math:`q_a` and :math:`q_b` are evaluated without cancellation.

    Parameters
    ----------
    omega : array_like
        Frequencies (Ha), >= 0.
    kF : float
        Fermi wave vector (bohr^-1).

    Returns
    -------
    numpy.ndarray, shape (n_omega, 4)
        The edges q_a, q_b, q_c, q_d (bohr^-1) along the last axis; where q_b, q_c do not exist
        (2 omega >= kF^2) both are replaced by kF (a point inside the continuum, harmless as an
        extra edge).
    """
    omega = np.asarray(omega, dtype=float)
    root_p = np.sqrt(kF * kF + 2.0 * omega)
    disc = kF * kF - 2.0 * omega
    root_m = np.sqrt(np.where(disc > 0, disc, 0.0))
    # q_a = -kF + sqrt(kF^2 + 2w) written without cancellation: 2w/(kF + sqrt(kF^2 + 2w)).
    qa = 2.0 * omega / (kF + root_p)
    qb = np.where(disc > 0, 2.0 * omega / (kF + root_m), kF)
    qc = np.where(disc > 0, kF + root_m, kF)
    qd = kF + root_p
    return np.stack([qa, qb, qc, qd], axis=-1)


def dynamic_grid(omega: np.ndarray, kF: float, spec: GridSpec) -> tuple[np.ndarray, np.ndarray]:
    """Per-frequency composite GL nodes and weights for the J integrals (docs/theory.md, "Numerical grids").

    The base panels of :func:`static_edges` (cut at ``q_max_dynamic``) are split at the four
    continuum edges of every frequency, each of which also gets geometric grading on both sides.

    Parameters
    ----------
    omega : ndarray, shape (n_omega,)
        Frequencies (Ha), >= 0.
    kF : float
        Fermi wave vector (bohr^-1).
    spec : GridSpec
        Quadrature parameters (``q_max_dynamic``, ``panel_width``, ``d_max``, ``n_gl``,
        ``grading_levels``).

    Returns
    -------
    q : numpy.ndarray, shape (n_omega, n_nodes)
        Nodes (bohr^-1); the same number at every frequency.  Nodes of zero-width panels are moved
        to kF.
    w : numpy.ndarray, shape (n_omega, n_nodes)
        Weights (bohr^-1); zero on zero-width panels.
    """
    omega = np.atleast_1d(np.asarray(omega, dtype=float))
    q_max = spec.q_max_dynamic * kF
    base_spec = GridSpec(
        q_max_static=spec.q_max_dynamic,
        q_max_dynamic=spec.q_max_dynamic,
        panel_width=spec.panel_width,
        d_max=spec.d_max,
        n_gl=spec.n_gl,
        grading_levels=spec.grading_levels,
    )
    base = static_edges(kF, base_spec)
    h = spec.h_max(kF)
    bps = continuum_edges(omega, kF)  # (n_omega, 4)
    off = _graded_offsets(0.5 * h, spec.grading_levels)
    graded = (bps[:, :, None] + np.concatenate([off, -off])[None, None, :]).reshape(len(omega), -1)
    edges = np.concatenate([np.broadcast_to(base, (len(omega), base.size)), bps, graded], axis=1)
    edges = np.clip(edges, 0.0, q_max)
    edges.sort(axis=1)
    q, w = gauss_legendre_panels(edges, spec.n_gl)
    # Zero-width panels (clipped or coincident edges) carry weight 0; move their nodes off q = 0
    # so that integrands singular there are never evaluated.
    q = np.where(w > 0, q, kF)
    return q, w
