r"""The loss function :math:`\mathrm{Im}[-1/\varepsilon(q,\omega)]` and its moments for the stopping power.

:math:`1/\varepsilon = 1 + (4\pi/q^2)\chi^h` with :math:`\chi^h` of the paper's Eq. (15), so
:math:`\mathrm{Im}[-1/\varepsilon] = -(4\pi/q^2)\,\mathrm{Im}\,\chi^h` (Lindhard 1954).  Two integrals of
it are needed (docs/theory.md, "Stopping power"):

* along the rays :math:`\omega = uk`, the moment :math:`L(u) = \int dk\,k\,\mathrm{Im}[-1/\varepsilon(k, uk)]`
  (``_loss_moments``), from which :mod:`viscous_forces.core.stopping` builds :math:`S(v)`;
* at fixed q, the first frequency moment, which the f-sum rule fixes to :math:`(\pi/2)\omega_p^2`
  (:func:`f_sum`).

Both on composite Gauss-Legendre panels whose edges are every singular line of the integrand (the
continuum edges, the plasmon, the threshold velocities), graded geometrically towards them; for a
static kernel the undamped plasmon is not in the quadrature but added as its delta-function weight
(:func:`viscous_forces.core.plasmon.plasmon_weight`).  Hartree atomic units.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from .dyson import dyson
from .lindhard import lindhard
from .plasmon import PlasmonThreshold, _eps, _plasmon_frequency, _plasmon_weight, _ray_roots, _re_eps, _setup

__all__ = ["FSum", "StoppingGrid", "f_sum", "loss_function"]

#: Largest number of points evaluated at once (performance only: keeps the temporaries small).
_CHUNK = 1 << 18


@dataclass(frozen=True)
class StoppingGrid:
    r"""Accuracy of the stopping-power quadratures (docs/theory.md, "Stopping power").

    All panels are composite Gauss-Legendre; every singular line of the integrand (continuum edges,
    the plasmon and its threshold velocities) is a panel edge with geometric grading towards it.

    Attributes
    ----------
    n_u : int
        Gauss-Legendre nodes per panel of the velocity integral (u).
    n_k : int
        Gauss-Legendre nodes per panel of the wave-vector (and frequency) integrals.
    u_panel : float
        Largest u panel, in units of v_F below v_F ...
    u_ratio : float
        ... and as a fraction of u above it.
    k_panel : float
        Largest k panel inside the particle-hole continuum, in units of k_F.
    k_ratio : float
        Largest panel of the plasmon-weight integral over k, as a fraction of k.
    grading : int
        Geometric grading levels (ratio 1/2) towards each continuum edge and threshold velocity.
    peak_resolution : float
        Dynamic kernels: the grading towards the damped plasmon goes down to this fraction of its
        half width.
    cutoff : float
        Dynamic kernels: the loss below the continuum is integrated up to :math:`2(u + k_F) +`
        ``cutoff`` :math:`k_F` (rMCP07 decays there as :math:`e^{-(k/k_s)^2}`, :math:`k_s \ge 2k_F`).
    """

    n_u: int = 6
    n_k: int = 8
    u_panel: float = 0.1
    u_ratio: float = 0.05
    k_panel: float = 0.25
    k_ratio: float = 0.1
    grading: int = 16
    peak_resolution: float = 0.25
    cutoff: float = 30.0

    def __post_init__(self) -> None:
        checks = {
            "n_u": (self.n_u, 2, 64),
            "n_k": (self.n_k, 2, 64),
            "u_panel": (self.u_panel, 1e-4, 1.0),
            "u_ratio": (self.u_ratio, 1e-4, 0.5),
            "k_panel": (self.k_panel, 1e-4, 2.0),
            "k_ratio": (self.k_ratio, 1e-4, 0.5),
            "grading": (self.grading, 0, 60),
            "peak_resolution": (self.peak_resolution, 1e-3, 1.0),
            "cutoff": (self.cutoff, 1.0, 1e3),
        }
        for key, (value, lo, hi) in checks.items():
            if not (lo <= value <= hi):
                raise ValueError(f"stopping grid: {key} must be in [{lo}, {hi}], got {value!r}")

    def refined(self) -> StoppingGrid:
        """A grid about twice as fine in every respect, for convergence checks.

        Returns
        -------
        StoppingGrid
            1.5x the nodes per panel, half the panel widths, 8 more grading levels, a four times finer
            peak resolution and 1.5x the cut-off.
        """
        return replace(
            self,
            n_u=int(math.ceil(1.5 * self.n_u)),
            n_k=int(math.ceil(1.5 * self.n_k)),
            u_panel=0.5 * self.u_panel,
            u_ratio=0.5 * self.u_ratio,
            k_panel=0.5 * self.k_panel,
            k_ratio=0.5 * self.k_ratio,
            grading=self.grading + 8,
            peak_resolution=0.25 * self.peak_resolution,
            cutoff=1.5 * self.cutoff,
        )


def _loss(q, w, gas, kern, p) -> np.ndarray:
    """-Im[1/epsilon] = -(4 pi/q^2) Im chi^h (Eq. 15), evaluated in chunks."""
    q, w = np.broadcast_arrays(np.asarray(q, float), np.asarray(w, float))
    out = np.empty(q.shape)
    qf, wf, of = q.reshape(-1), w.reshape(-1), out.reshape(-1)
    for s in range(0, qf.size, _CHUNK):
        qq, ww = qf[s : s + _CHUNK], wf[s : s + _CHUNK]
        chi = dyson(lindhard(qq, ww, gas.kF), qq, kern(qq, ww, gas.rs, **p))
        of[s : s + _CHUNK] = -(4.0 * np.pi / (qq * qq)) * chi.imag
    return out


def _graded_panels(points, levels, counts, n_gl):
    """Composite Gauss-Legendre panels between per-row breakpoints, graded towards them.

    Parameters
    ----------
    points : ndarray, shape (R, m)
        Breakpoints of each row, sorted along the row (duplicates allowed: empty sub-intervals).
    levels : ndarray of int, shape (R, m)
        Geometric grading levels (ratio 1/2) towards each breakpoint, on both sides.
    counts : ndarray of int, shape (R, m - 1)
        Uniform panels per sub-interval (>= 1); the grading lies inside the first and last of them.
    n_gl : int
        Nodes per panel.

    Returns
    -------
    nodes, weights : ndarray, shape (P, n_gl)
        Nodes and weights of the P non-empty panels of all rows.
    row : ndarray of int, shape (P,)
        The row of each panel.
    """
    points = np.asarray(points, float)
    R, m = points.shape
    given = np.broadcast_to(np.asarray(levels, int), (R, m))
    # coincident breakpoints (empty sub-intervals) share the finest grading of any of them
    levels = np.array(given)
    for i in range(m):
        for j in range(m):
            if i != j:
                same = points[:, j] == points[:, i]
                levels[:, i] = np.where(same, np.maximum(levels[:, i], given[:, j]), levels[:, i])
    counts = np.broadcast_to(np.asarray(counts, int), (R, m - 1))
    parts = [points]
    for i in range(m - 1):
        a, b = points[:, i : i + 1], points[:, i + 1 : i + 2]
        n = counts[:, i : i + 1]
        length = b - a
        jmax = int(n.max())
        if jmax > 1:
            j = np.arange(1, jmax)[None, :]
            parts.append(a + length * np.minimum(j, n) / n)
        h = length / n
        for g, sign, end in ((levels[:, i : i + 1], 1.0, a), (levels[:, i + 1 : i + 2], -1.0, b)):
            gmax = int(g.max())
            if gmax > 0:
                j = np.arange(1, gmax + 1)[None, :]
                parts.append(end + sign * h * 0.5 ** np.minimum(j, g))
    edges = np.sort(np.concatenate(parts, axis=1), axis=1)
    a, b = edges[:, :-1], edges[:, 1:]
    keep = b > a
    row = np.nonzero(keep)[0]
    a, b = a[keep][:, None], b[keep][:, None]
    x, w = np.polynomial.legendre.leggauss(int(n_gl))
    half = 0.5 * (b - a)
    return a + half * (x + 1.0), half * w, row


def loss_function(q, omega, rs: float, kernel: str = "rpa", params: Mapping | None = None) -> np.ndarray:
    r"""Loss function :math:`\mathrm{Im}[-1/\varepsilon(q,\omega)] = -(4\pi/q^2)\,\mathrm{Im}\,\chi^h(q,\omega)`.

    With :math:`\chi^h` of Eq. (15) (:func:`viscous_forces.core.dyson.chi_h`); docs/theory.md,
    "Stopping power".  No broadening: for a static kernel the plasmon (a delta function) is absent
    here and enters through :func:`plasmon_weight`.

    Parameters
    ----------
    q : array_like
        Wave vector (bohr^-1), > 0.
    omega : array_like
        Real frequency (Ha), broadcast against ``q``.
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name (:func:`viscous_forces.core.kernels.get_kernel`).
    params : mapping, optional
        Kernel parameters overriding the published defaults.

    Returns
    -------
    numpy.ndarray
        The loss function (dimensionless), >= 0 for omega >= 0, broadcast shape of ``q`` and ``omega``.
    """
    gas, kern, p = _setup(rs, kernel, params)
    return _loss(q, omega, gas, kern, p)


def _peak_levels(k_r, u, side_length, gas, kern, p, grid: StoppingGrid, n_sub):
    """Grading levels towards a point k_r of the damped plasmon on the ray omega = u k (dynamic kernels).

    The peak's half width in k is where |Re eps~| reaches |Im eps~| along the ray: |Im eps~|/|s| at a
    simple zero (slope s), sqrt(2 |Im eps~|/|c|) at a tangency or a near miss (curvature c), the
    smaller of the two in general.  The grading, which starts from the first uniform panel
    (side_length / n_sub), goes down to ``peak_resolution`` times it.
    """
    levels = np.zeros(k_r.shape, dtype=int)
    ok = np.isfinite(k_r)
    if not ok.any():
        return levels
    k, uu = k_r[ok], u[ok]
    h = 1e-5 * k
    e0 = _eps(k, uu * k, gas, kern, p)
    ep = _re_eps(k + h, uu * (k + h), gas, kern, p)
    em = _re_eps(k - h, uu * (k - h), gas, kern, p)
    im = np.abs(e0.imag)
    slope = np.abs(ep - em) / (2 * h)
    curv = np.abs(ep - 2 * e0.real + em) / (h * h)
    with np.errstate(divide="ignore", invalid="ignore"):
        width = np.fmin(im / slope, np.sqrt(2 * im / curv))
    target = grid.peak_resolution * np.maximum(np.nan_to_num(width, nan=k, posinf=k), 1e-13 * k)
    need = np.ceil(np.log2(np.maximum(side_length[ok] / n_sub / target, 1.0)))
    levels[ok] = np.clip(need.astype(int) + 1, 2, 60)
    return levels


def _edge_levels(u, u_c, h0, grading):
    """Grading levels towards the lower continuum edge 2(u - kF) for u near u_c, where the ray passes the
    corner of the plasmon and the continuum at a distance ~ 2|u - u_c|: down to a quarter of it."""
    with np.errstate(divide="ignore"):
        need = np.ceil(np.log2(h0 / (0.5 * np.maximum(np.abs(u - u_c), 1e-300))))
    return np.clip(need, grading, 60).astype(int)


def _loss_moments(u, gas, kern, p, th: PlasmonThreshold, grid: StoppingGrid):
    r"""L(u) split into the continuum (electron-hole) part and, for a dynamic kernel, the part above it.

    Static kernels: only the continuum max(0, 2(u - kF)) < k < 2(u + kF) (breakpoint 2(kF - u) for
    u < kF).  Dynamic kernels: also 0 < k < 2(u - kF) above it (breakpoints at the ray roots, graded
    down to the damped plasmon's width) and 2(u + kF) < k < 2(u + kF) + cutoff kF below it.
    """
    u = np.atleast_1d(np.asarray(u, dtype=float))
    kF = gas.kF
    R = u.size
    lo_c = np.maximum(0.0, 2.0 * (u - kF))
    mid = np.where(u < kF, 2.0 * (kF - u), lo_c)
    hi_c = 2.0 * (u + kF)
    g = grid.grading
    n_cont = np.maximum(1, np.ceil((hi_c - mid) / (grid.k_panel * kF)).astype(int))
    n_low = np.maximum(1, np.ceil((mid - lo_c) / (grid.k_panel * kF)).astype(int))
    zero = np.zeros(R, dtype=int)
    lev_edge = np.where(u > kF, _edge_levels(u, th.u_c, grid.k_panel * kF, g), 0)
    if not kern.dynamic:
        pts = np.stack([lo_c, mid, hi_c], axis=1)
        lev = np.stack([lev_edge, np.full(R, g), np.full(R, g)], axis=1)
        cnt = np.stack([n_low, n_cont], axis=1)
        split = np.full(R, -np.inf)
    else:
        k1, k2 = _ray_roots(u, gas, kern, p, th)
        # no crossing (kF < u <= u_min): the ray passes closest to the plasmon near k_m (or at the edge)
        miss = (u > kF) & ~np.isfinite(k1)
        k1 = np.where(miss, np.minimum(th.k_m, lo_c), k1)
        has1 = np.isfinite(k1) & (k1 > 0) & (k1 < lo_c)
        has2 = np.isfinite(k2) & (k2 < lo_c)
        k1 = np.where(has1, k1, 0.0)
        k2 = np.where(has2, k2, lo_c)
        # u > kF: [0, k1, k2, lo_c] above the continuum; u < kF: all four collapse to 0
        cut = hi_c + grid.cutoff * kF
        n_above = 4
        side = np.maximum(lo_c, 1e-300)
        lev1 = _peak_levels(np.where(has1, k1, np.nan), u, side, gas, kern, p, grid, n_above)
        lev2 = _peak_levels(np.where(has2, k2, np.nan), u, side, gas, kern, p, grid, n_above)
        n_below = max(1, int(np.ceil(grid.cutoff / (4.0 * grid.k_panel))))
        pts = np.stack([np.zeros(R), k1, k2, lo_c, mid, hi_c, cut], axis=1)
        lev = np.stack([zero, lev1, lev2, lev_edge, np.full(R, g), np.full(R, g), zero], axis=1)
        cnt = np.stack([np.full(R, n_above)] * 3 + [n_low, n_cont, np.full(R, n_below)], axis=1)
        split = lo_c
    nodes, weights, row = _graded_panels(pts, lev, cnt, grid.n_k)
    uk = u[row][:, None]
    vals = weights * nodes * _loss(nodes, uk * nodes, gas, kern, p)
    per_panel = vals.sum(axis=1)
    mid_panel = 0.5 * (nodes[:, 0] + nodes[:, -1])
    above = mid_panel < split[row]
    L_eh = np.bincount(row[~above], weights=per_panel[~above], minlength=R)
    L_pl = np.bincount(row[above], weights=per_panel[above], minlength=R)
    return L_eh, L_pl


@dataclass(frozen=True)
class FSum:
    r"""First frequency moment of the loss function at fixed q, by part (Ha^2).

    Attributes
    ----------
    electron_hole : numpy.ndarray
        :math:`\int\omega\,\mathrm{Im}[-1/\varepsilon]\,d\omega` inside (and, dynamic kernels, below) the continuum.
    plasmon : numpy.ndarray
        The plasmon's weight (static kernels) or the integral above the continuum (dynamic).
    total : numpy.ndarray
        The sum; the f-sum rule says :math:`(\pi/2)\omega_p^2`.
    expected : float
        :math:`(\pi/2)\omega_p^2`.
    """

    electron_hole: np.ndarray
    plasmon: np.ndarray
    total: np.ndarray
    expected: float


def f_sum(q, rs: float, kernel: str = "rpa", params: Mapping | None = None, grid: StoppingGrid | None = None) -> FSum:
    r"""f-sum rule of the loss function, :math:`\int\omega\,\mathrm{Im}[-1/\varepsilon]d\omega = \pi\omega_p^2/2`.

    Integrated in :math:`\omega` on composite Gauss-Legendre panels with edges at the continuum edges
    :math:`|qk_F - q^2/2|`, :math:`qk_F + q^2/2` (graded) and, for a dynamic kernel, at the damped
    plasmon (graded down to its width) and geometric panels up to :math:`10^4(\omega_p + qk_F + q^2)`;
    for a static kernel the plasmon's delta-function weight :func:`plasmon_weight` is added
    (docs/theory.md, "Stopping power", "f-sum rule").

    Parameters
    ----------
    q : array_like
        Wave vectors (bohr^-1), > 0.
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    params : mapping, optional
        Kernel parameters overriding the published defaults.
    grid : StoppingGrid, optional
        Accuracy (``n_k``, ``k_panel`` as a frequency panel in units of E_F, ``grading``,
        ``peak_resolution``).

    Returns
    -------
    FSum
        The parts and their total (Ha^2) at each q, and :math:`(\pi/2)\omega_p^2`.
    """
    gas, kern, p = _setup(rs, kernel, params)
    grid = grid or StoppingGrid()
    q = np.atleast_1d(np.asarray(q, dtype=float))
    kF, EF = gas.kF, gas.EF
    R = q.size
    w_b = np.abs(q * kF - 0.5 * q * q)
    w_top = q * kF + 0.5 * q * q
    g = grid.grading
    n_cont = np.maximum(1, np.ceil((w_top - w_b) / (grid.k_panel * EF)).astype(int))
    n_low = np.maximum(1, np.ceil(w_b / (grid.k_panel * EF)).astype(int))
    inside_low = q < 2 * kF  # [0, w_b] is in the continuum for q < 2 kF, below it for q > 2 kF
    if not kern.dynamic:
        lo = np.where(inside_low, 0.0, w_b)
        pts = np.stack([lo, w_b, w_top], axis=1)
        lev = np.stack([np.where(inside_low, 0, g), np.full(R, g), np.full(R, g)], axis=1)
        cnt = np.stack([np.where(inside_low, n_low, 1), n_cont], axis=1)
        above = np.full(R, np.inf)
    else:
        w_pl = _plasmon_frequency(q, gas, kern, p)
        far = 1e4 * (gas.omega_p + q * kF + q * q)
        has = np.isfinite(w_pl)
        w_pk = np.where(has, w_pl, w_top)
        # geometric panels from the damped plasmon (or the continuum edge) up to `far`, down to a
        # fraction of the peak's half width |Im eps~|/|d Re eps~/d omega| (1e-6 E_F without a peak)
        target = np.full(R, 1e-6 * EF)
        if has.any():
            qo, wo = q[has], w_pl[has]
            h = 1e-7 * wo
            slope = (_re_eps(qo, wo + h, gas, kern, p) - _re_eps(qo, wo - h, gas, kern, p)) / (2 * h)
            width = np.abs(_eps(qo, wo, gas, kern, p).imag) / np.abs(slope)
            target[has] = grid.peak_resolution * np.maximum(width, 1e-13 * wo)
        lev_pk = np.clip(np.ceil(np.log2(far / target)).astype(int) + 1, g, 80)
        pts = np.stack([np.zeros(R), w_b, w_top, w_pk, far], axis=1)
        zero = np.zeros(R, dtype=int)
        lev = np.stack([zero, np.full(R, g), np.full(R, g), lev_pk, zero], axis=1)
        cnt = np.stack([n_low, n_cont, np.full(R, 2), np.full(R, 1)], axis=1)
        above = w_top
    nodes, weights, row = _graded_panels(pts, lev, cnt, grid.n_k)
    qq = q[row][:, None]
    vals = weights * nodes * _loss(np.broadcast_to(qq, nodes.shape), nodes, gas, kern, p)
    per_panel = vals.sum(axis=1)
    up = 0.5 * (nodes[:, 0] + nodes[:, -1]) > above[row]
    eh = np.bincount(row[~up], weights=per_panel[~up], minlength=R)
    pl = np.bincount(row[up], weights=per_panel[up], minlength=R)
    if not kern.dynamic:
        _, wgt = _plasmon_weight(q, gas, kern, p)
        pl = np.nan_to_num(wgt, nan=0.0)
    return FSum(electron_hole=eh, plasmon=pl, total=eh + pl, expected=0.5 * np.pi * gas.omega_p**2)
