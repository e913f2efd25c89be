r"""Static pair potential, force and spring constant of two nuclei in the HEG, Eqs. (9)-(10).

With the weak electron-impurity approximation, Eq. (8), and :math:`\chi \equiv \chi^h(q, 0)`
(docs/theory.md, "Statics"),

.. math::

    U(d) &= Z_1Z_2\Big[\frac{1}{d} + 8\int_0^\infty dq\,\chi(q)\,\frac{j_0(qd)}{q^2}\Big]
          = \frac{Z_1Z_2}{d}\Big[1 + 8\int_0^\infty dq\,\chi(q)\frac{\sin qd}{q^3}\Big]
          \quad\text{(Eq. 10)},\\
    F(d) &= Z_1Z_2\,d\Big[\frac{1}{d^3} + 8\int_0^\infty dq\,\chi(q)\,\frac{j_1(qd)}{qd}\Big]
          = -\frac{dU}{dd}\quad\text{(Eq. 9)},\\
    U''(d) &= Z_1Z_2\Big[\frac{2}{d^3} - 8\int_0^\infty dq\,\chi(q)\,w_\parallel(qd)\Big],
          \qquad w_\parallel(x) = j_0(x) - 2j_1(x)/x .

:math:`F > 0` is repulsion.  The equilibrium distance is the first root of :math:`F` where it
changes sign from + to - (a local minimum of :math:`U`); it does not depend on :math:`Z_1Z_2`.
Units: d in bohr, U in Ha, F in Ha/bohr, U'' in Ha/bohr^2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Below this argument the angular weights use their Taylor series; the first omitted term is
#: < x^8/10^5 < 4e-16 for x < 0.05.
_SERIES_X = 0.05

#: Absolute tolerance (bohr) of the root finder for d_eq.
D_EQ_XTOL = 1e-12

#: Largest number of (d, q) pairs evaluated at once (bounds the temporaries to ~100 MB).
CHUNK = 2_000_000


def angular_weights(x) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Spherical-Bessel weights of the q integrals, from one sin and one cos evaluation.

    Returns :math:`j_0(x)`, :math:`w_\perp(x) = j_1(x)/x` and
    :math:`w_\parallel(x) = j_0(x) - 2j_1(x)/x = j_1(x)/x - j_2(x)`
    (docs/theory.md, "Angular integrals"); all three tend to their Taylor series (1, 1/3, 1/3) as
    x -> 0.  They come from

    .. math::

        \int d\Omega_q\,\hat q_i\hat q_j\,e^{i\mathbf q\cdot\mathbf d}
            = 4\pi\Big[\frac{j_1(x)}{x}\delta_{ij} - j_2(x)\hat d_i\hat d_j\Big],\qquad x = qd,

    and :math:`\int d\Omega_q\,e^{i\mathbf q\cdot\mathbf d} = 4\pi j_0(x)`; below :math:`|x| = 0.05`
    the Taylor series to :math:`x^6` is used.

    Parameters
    ----------
    x : array_like
        Arguments :math:`x = qd` (dimensionless).

    Returns
    -------
    j0 : ndarray
        :math:`j_0(x) = \sin x/x`, the shape of ``x``.
    w_perp : ndarray
        :math:`w_\perp(x) = j_1(x)/x`.
    w_par : ndarray
        :math:`w_\parallel(x) = j_0(x) - 2j_1(x)/x`.
    """
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < _SERIES_X
    xs = np.where(small, 1.0, x)
    sx, cx = np.sin(xs), np.cos(xs)
    inv = 1.0 / xs
    a = sx * inv  # j0
    b = (a - cx) * inv * inv  # j1/x = (sin x - x cos x)/x^3
    c = a - 2.0 * b
    if small.any():
        x2 = x[small] ** 2
        a[small] = 1.0 - x2 / 6.0 + x2 * x2 / 120.0 - x2**3 / 5040.0
        b[small] = 1.0 / 3.0 - x2 / 30.0 + x2 * x2 / 840.0 - x2**3 / 45360.0
        c[small] = 1.0 / 3.0 - x2 / 10.0 + x2 * x2 / 168.0 - x2**3 / 6480.0
    return a, b, c


def _check_d(d) -> np.ndarray:
    d = np.asarray(d, dtype=float)
    if np.any(~(d > 0)) or not np.all(np.isfinite(d)):
        raise ValueError(f"d must be finite and > 0 bohr, got {d!r}")
    return d


def pair_statics(d, q, w, chi0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""U(d), F(d) and U''(d) per unit charges (Z1 Z2 = 1) of the module docstring, in one pass.

    Eqs. (9)-(10) and the curvature (docs/theory.md, "Statics"):

    .. math::

        U(d) = \frac1d + 8\int_0^\infty dq\,\chi(q)\frac{j_0(qd)}{q^2},\qquad
        F(d) = d\Big[\frac1{d^3} + 8\int_0^\infty dq\,\chi(q)\frac{j_1(qd)}{qd}\Big],\qquad
        U''(d) = \frac2{d^3} - 8\int_0^\infty dq\,\chi(q)\,w_\parallel(qd),

    with :math:`\chi = \chi^h(q, 0)` and the weights of :func:`angular_weights`.  Multiply each by
    Z1 Z2 for other charges (U is proportional to Z1 Z2, Eqs. 9-10).

    Parameters
    ----------
    d : array_like
        Distances (bohr), > 0.
    q, w : ndarray
        Quadrature nodes (bohr^-1) and weights of the static integrals.
    chi0 : ndarray
        chi^h(q, 0) at the nodes (1/(Ha bohr^3)).

    Returns
    -------
    U : ndarray
        U(d) (Ha), the shape of ``d``.
    F : ndarray
        F(d) = -dU/dd (Ha/bohr), > 0 is repulsion.
    U2 : ndarray
        U''(d) (Ha/bohr^2).

    Raises
    ------
    ValueError
        If a distance is not finite and > 0.
    """
    d = _check_d(d)
    flat = d.ravel()
    wc = w * chi0
    wc_q2 = wc / (q * q)
    out = np.empty((3, flat.size))
    step = max(1, CHUNK // max(1, q.size))
    for start in range(0, flat.size, step):
        block = flat[start : start + step]
        a, b, c = angular_weights(np.multiply.outer(block, q))
        out[0, start : start + step] = a @ wc_q2
        out[1, start : start + step] = b @ wc
        out[2, start : start + step] = c @ wc
    i_u, i_f, i_k = (o.reshape(d.shape) for o in out)
    return 1.0 / d + 8.0 * i_u, d * (1.0 / d**3 + 8.0 * i_f), 2.0 / d**3 - 8.0 * i_k


#: The coarse scan for sign changes of F uses only the nodes with q <= SCAN_FRACTION * max(q)
#: (40 kF for the default 200 kF).  The dropped tail changes F by ~32 n/(Q^4 d^2)
#: (docs/theory.md, "Statics"), ~1e-8 of F's scale, which cannot hide a sign change resolved by
#: the scan step; the bracketed root is then refined with all nodes.
SCAN_FRACTION = 0.2


@dataclass(frozen=True)
class Equilibrium:
    """Result of :func:`find_equilibrium` (Hartree a.u., per unit charges Z1 Z2 = 1).

    Attributes
    ----------
    d_eq : float
        First stable equilibrium distance (bohr).
    energy : float
        U(d_eq) (Ha).
    spring_constant : float
        k = U''(d_eq) (Ha/bohr^2), > 0.
    force_residual : float
        F(d_eq) (Ha/bohr), a measure of the root accuracy.
    """

    d_eq: float
    energy: float
    spring_constant: float
    force_residual: float


def scan_points(d_min: float, d_max: float, d_step: float) -> np.ndarray:
    """The distances (bohr) of the coarse scan for d_eq: d_min, d_min + d_step, ... <= d_max.

    Parameters
    ----------
    d_min, d_max : float
        Ends of the scan (bohr), 0 < d_min < d_max.
    d_step : float
        Step (bohr), at most half the range.

    Returns
    -------
    ndarray
        ``d_min + k d_step`` for k = 0, 1, ... up to ``d_max`` (included within half a step).

    Raises
    ------
    ValueError
        If the range or the step is invalid.
    """
    if not (0 < d_min < d_max):
        raise ValueError(f"need 0 < d_min < d_max (bohr), got d_min={d_min!r}, d_max={d_max!r}")
    if not (0 < d_step <= 0.5 * (d_max - d_min)):
        raise ValueError(f"d_step must be in (0, (d_max - d_min)/2] bohr, got {d_step!r}")
    return np.arange(d_min, d_max + 0.5 * d_step, d_step)


def find_equilibrium(q, w, chi0, d_min: float = 1.0, d_max: float = 30.0, d_step: float = 0.05) -> Equilibrium:
    r"""First stable minimum of U(d): the smallest d where F changes sign from + to -.

    A scan of F on ``[d_min, d_max]`` with step ``d_step`` (bohr) brackets the root, which
    :func:`scipy.optimize.brentq` then refines to ``D_EQ_XTOL``.  It solves

    .. math::

        F(d_{eq}) = 0,\qquad F'(d_{eq}) < 0 \;\;(U''(d_{eq}) > 0)

    with F of Eq. (9) (docs/theory.md, "Statics"); the scan uses only the nodes with
    :math:`q \le` :data:`SCAN_FRACTION` :math:`\max q`, the refinement all of them.

    Parameters
    ----------
    q, w : ndarray
        Quadrature nodes (bohr^-1) and weights of the static integrals.
    chi0 : ndarray
        :math:`\chi^h(q, 0)` at the nodes (1/(Ha bohr^3)).
    d_min, d_max : float
        Range of the scan (bohr).
    d_step : float
        Step of the scan (bohr).

    Returns
    -------
    Equilibrium
        d_eq (bohr), U(d_eq) (Ha), the spring constant U''(d_eq) (Ha/bohr^2) and the residual
        F(d_eq) (Ha/bohr), per unit charges.

    Raises
    ------
    ValueError
        If the scan range is invalid or contains no stable minimum, or the curvature at the root
        is not positive.
    """
    from scipy.optimize import brentq  # lazy: keeps the import of the module light

    d_scan = scan_points(d_min, d_max, d_step)
    head = q <= SCAN_FRACTION * q.max()
    force = pair_statics(d_scan, q[head], w[head], chi0[head])[1]
    idx = np.nonzero((force[:-1] > 0) & (force[1:] <= 0))[0]
    if idx.size == 0:
        raise ValueError(f"no stable equilibrium (F changing sign from + to -) for d in [{d_min}, {d_max}] bohr")
    i = int(idx[0])

    def f(dd: float) -> float:
        return float(pair_statics(np.array([dd]), q, w, chi0)[1][0])

    lo, hi = d_scan[i], d_scan[i + 1]
    for _ in range(10):  # root within ~1e-8 bohr of a scan point: widen the bracket (by at most one step)
        if f(lo) > 0 >= f(hi):
            break
        lo, hi = max(lo - 0.1 * d_step, 0.5 * lo), hi + 0.1 * d_step
    else:
        raise ValueError(f"F does not change sign from + to - near d = {d_scan[i]:.6f} bohr (quadrature noise)")
    d_eq = brentq(f, lo, hi, xtol=D_EQ_XTOL, rtol=4 * np.finfo(float).eps)
    u, fr, k = (float(v[0]) for v in pair_statics(np.array([d_eq]), q, w, chi0))
    if not k > 0:
        raise ValueError(f"equilibrium at d = {d_eq:.6f} bohr has non-positive curvature {k:.3e}")
    return Equilibrium(d_eq=float(d_eq), energy=u, spring_constant=k, force_residual=fr)
