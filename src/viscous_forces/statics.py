r"""Static pair potential, force and spring constant of two nuclei in the HEG, Eqs. (9)-(10).

With the weak electron-impurity approximation, Eq. (8), and :math:`\chi \equiv \chi^h(q, 0)`
(equations.md Sec. 1.1),

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

#: Below this argument the spherical-Bessel combinations use their Taylor series; the first
#: omitted term is < x^8/10^5 < 4e-16 for x < 0.05.
_SERIES_X = 0.05

#: Absolute tolerance (bohr) of the root finder for d_eq.
D_EQ_XTOL = 1e-12


def j0(x: np.ndarray) -> np.ndarray:
    """Spherical Bessel function j0(x) = sin(x)/x (j0(0) = 1)."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < _SERIES_X
    xs = np.where(small, 1.0, x)
    x2 = x * x
    return np.where(small, 1.0 - x2 / 6.0 + x2 * x2 / 120.0 - x2**3 / 5040.0, np.sin(xs) / xs)


def j1_over_x(x: np.ndarray) -> np.ndarray:
    """j1(x)/x = (sin x - x cos x)/x^3 (-> 1/3 at x = 0), the perpendicular angular weight w_perp."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < _SERIES_X
    xs = np.where(small, 1.0, x)
    x2 = x * x
    series = 1.0 / 3.0 - x2 / 30.0 + x2 * x2 / 840.0 - x2**3 / 45360.0
    return np.where(small, series, (np.sin(xs) - xs * np.cos(xs)) / xs**3)


def w_parallel(x: np.ndarray) -> np.ndarray:
    r"""Parallel angular weight :math:`w_\parallel(x) = j_0(x) - 2j_1(x)/x = j_1(x)/x - j_2(x)` (-> 1/3)."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < _SERIES_X
    x2 = x * x
    series = 1.0 / 3.0 - x2 / 10.0 + x2 * x2 / 168.0 - x2**3 / 6480.0
    return np.where(small, series, j0(x) - 2.0 * j1_over_x(x))


def w_perpendicular(x: np.ndarray) -> np.ndarray:
    r"""Perpendicular angular weight :math:`w_\perp(x) = j_1(x)/x` (-> 1/3), equations.md Sec. 2.2."""
    return j1_over_x(x)


def _check_d(d) -> np.ndarray:
    d = np.asarray(d, dtype=float)
    if np.any(~(d > 0)) or not np.all(np.isfinite(d)):
        raise ValueError(f"d must be finite and > 0 bohr, got {d!r}")
    return d


#: Largest number of (d, q) pairs evaluated at once (bounds the temporaries to ~100 MB).
_CHUNK = 2_000_000


def radial_integral(d, q, w, f, weight) -> np.ndarray:
    r""":math:`\sum_i w_i f_i\,\mathrm{weight}(q_i d)` for every d (the q-sum of a quadrature rule).

    Parameters
    ----------
    d : array_like
        Distances (bohr), any shape.
    q, w : ndarray, shape (n,)
        Quadrature nodes (bohr^-1) and weights.
    f : ndarray, shape (n,)
        Integrand without the angular weight.
    weight : callable
        Vectorised weight of x = q d, e.g. :func:`j0` or :func:`w_parallel`.
    """
    d = np.asarray(d, dtype=float)
    flat = d.ravel()
    wf = w * f
    out = np.empty(flat.size, dtype=np.result_type(wf, float))
    step = max(1, _CHUNK // max(1, q.size))
    for start in range(0, flat.size, step):
        block = flat[start : start + step]
        out[start : start + step] = weight(np.multiply.outer(block, q)) @ wf
    return out.reshape(d.shape)


def bessel_set(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """j0(x), j1(x)/x and w_par(x) from one sin and one cos evaluation (Taylor series for small x)."""
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


def pair_statics(d, q, w, chi0, z1z2: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """U(d), F(d) and U''(d) of the module docstring in one pass over the q nodes (shared sin/cos).

    Parameters
    ----------
    d : array_like
        Distances (bohr), > 0.
    q, w : ndarray
        Quadrature nodes (bohr^-1) and weights of the static integrals.
    chi0 : ndarray
        chi^h(q, 0) at the nodes (1/(Ha bohr^3)).
    z1z2 : float
        Product of the nuclear charges.

    Returns
    -------
    U (Ha), F (Ha/bohr), U'' (Ha/bohr^2), each of the shape of ``d``.
    """
    d = _check_d(d)
    flat = d.ravel()
    wc = w * chi0
    wc_q2 = wc / (q * q)
    out = np.empty((3, flat.size))
    step = max(1, _CHUNK // max(1, q.size))
    for start in range(0, flat.size, step):
        block = flat[start : start + step]
        a, b, c = bessel_set(np.multiply.outer(block, q))
        out[0, start : start + step] = a @ wc_q2
        out[1, start : start + step] = b @ wc
        out[2, start : start + step] = c @ wc
    i_u, i_f, i_k = (o.reshape(d.shape) for o in out)
    return (
        z1z2 * (1.0 / d + 8.0 * i_u),
        z1z2 * d * (1.0 / d**3 + 8.0 * i_f),
        z1z2 * (2.0 / d**3 - 8.0 * i_k),
    )


def pair_potential(d, q, w, chi0, z1z2: float = 1.0) -> np.ndarray:
    """U(d) of Eq. (10) (Ha) from static chi on quadrature nodes ``q`` with weights ``w``.

    ``d`` may be an array; the q-sum is vectorised over it.
    """
    d = _check_d(d)
    return z1z2 * (1.0 / d + 8.0 * radial_integral(d, q, w, chi0 / (q * q), j0))


def pair_force(d, q, w, chi0, z1z2: float = 1.0) -> np.ndarray:
    """F(d) = -dU/dd of Eq. (9) (Ha/bohr); F > 0 is repulsion."""
    d = _check_d(d)
    return z1z2 * d * (1.0 / d**3 + 8.0 * radial_integral(d, q, w, chi0, j1_over_x))


def pair_curvature(d, q, w, chi0, z1z2: float = 1.0) -> np.ndarray:
    """U''(d) = -F'(d) (Ha/bohr^2) from its own q-integral (equations.md Sec. 1.1)."""
    d = _check_d(d)
    return z1z2 * (2.0 / d**3 - 8.0 * radial_integral(d, q, w, chi0, w_parallel))


#: The coarse scan for sign changes of F uses only the nodes with q <= _SCAN_FRACTION * max(q)
#: (40 kF for the default 200 kF).  The dropped tail changes F by ~32 n/(Q^4 d^2) (equations.md
#: Sec. 1.2), ~1e-8 of F's scale, which cannot hide a sign change resolved by the scan step; the
#: bracketed root is then refined with all nodes.
_SCAN_FRACTION = 0.2


@dataclass(frozen=True)
class Equilibrium:
    """Result of :func:`find_equilibrium` (Hartree a.u.; Z1 Z2 = 1 unless stated).

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


def find_equilibrium(
    q, w, chi0, d_min: float = 1.0, d_max: float = 30.0, d_step: float = 0.05, z1z2: float = 1.0
) -> Equilibrium:
    """First stable minimum of U(d): the smallest d where F changes sign from + to -.

    A scan of F on ``[d_min, d_max]`` with step ``d_step`` (bohr) brackets the root, which
    :func:`scipy.optimize.brentq` then refines to ``D_EQ_XTOL``.

    Raises
    ------
    ValueError
        If the scan range is invalid or contains no stable minimum.
    """
    from scipy.optimize import brentq  # imported here to keep module import light

    if not (0 < d_min < d_max):
        raise ValueError(f"need 0 < d_min < d_max (bohr), got d_min={d_min!r}, d_max={d_max!r}")
    if not (0 < d_step <= 0.5 * (d_max - d_min)):
        raise ValueError(f"d_step must be in (0, (d_max - d_min)/2] bohr, got {d_step!r}")
    d_scan = np.arange(d_min, d_max + 0.5 * d_step, d_step)
    head = q <= _SCAN_FRACTION * q.max()
    force = pair_force(d_scan, q[head], w[head], chi0[head], 1.0)
    idx = np.nonzero((force[:-1] > 0) & (force[1:] <= 0))[0]
    if idx.size == 0:
        raise ValueError(
            f"no stable equilibrium (F changing sign from + to -) for d in [{d_min}, {d_max}] bohr"
        )
    i = int(idx[0])

    def f(dd: float) -> float:
        return float(pair_force(np.array([dd]), q, w, chi0, 1.0)[0])

    lo, hi = d_scan[i], d_scan[i + 1]
    while f(lo) <= 0 or f(hi) > 0:  # root within ~1e-8 bohr of a scan point: widen the bracket
        lo, hi = lo - 0.1 * d_step, hi + 0.1 * d_step
    d_eq = brentq(f, lo, hi, xtol=D_EQ_XTOL, rtol=4 * np.finfo(float).eps)
    u, fr, k = (float(v[0]) for v in pair_statics(np.array([d_eq]), q, w, chi0, z1z2))
    if not k > 0:
        raise ValueError(f"equilibrium at d = {d_eq:.6f} bohr has non-positive curvature {k:.3e}")
    return Equilibrium(d_eq=float(d_eq), energy=u, spring_constant=k, force_residual=fr)
