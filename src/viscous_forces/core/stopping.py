r"""Linear-response stopping power of a point charge moving through the electron gas.

A charge :math:`Z` moving at constant speed :math:`v` loses energy per unit path (Lindhard 1954)

.. math::

    S(v) = \frac{2Z^2}{\pi v^2}\int_0^\infty\frac{dk}{k}\int_0^{kv}d\omega\,\omega\,
    \mathrm{Im}\Big[\frac{-1}{\varepsilon(k,\omega)}\Big],\qquad
    \frac{1}{\varepsilon} = 1 + \frac{4\pi}{k^2}\chi^h(k,\omega),

with :math:`\chi^h` of the paper's Eq. (15) (:func:`viscous_forces.core.dyson.chi_h`).  With
:math:`\omega = uk`, :math:`S(v) = (2Z^2/\pi v^2)\int_0^v du\,u\,L(u)` and
:math:`L(u) = \int dk\,k\,\mathrm{Im}[-1/\varepsilon(k, uk)]`: one table of :math:`L` on a u grid gives
:math:`S` at every velocity by a cumulative integral.

* Static kernels (RPA, ALDA, MCP07): inside the particle-hole continuum the loss is integrated on
  composite Gauss-Legendre panels in :math:`(u, k)`; the undamped plasmon above it is a delta function
  whose weight :math:`W(k) = \int\omega\,\mathrm{Im}[-1/\varepsilon]\,d\omega = \pi\omega_{pl}(4\pi/k^2)
  \chi_s/|\partial_\omega\tilde\varepsilon|` is added analytically,
  :math:`S_{pl}(v) = (2Z^2/\pi v^2)\int dk\,W(k)/k` over the :math:`k` where :math:`\omega_{pl}(k) < kv`.
* Dynamic kernels (rMCP07): no delta function; the damped plasmon is a sharp peak along the zero of
  :math:`\mathrm{Re}\,\tilde\varepsilon`, resolved by panels graded geometrically towards it down to its
  width.  The "plasmon part" is the loss above the particle-hole continuum, the "electron-hole part"
  the loss inside and below it; for a static kernel the same split is the pole and the continuum.

Derivations, the limits (slow ions: :math:`S/v \to Z^2Q_0`; Bethe; the f-sum rule of the loss
function) and the numerical method: docs/theory.md, "Stopping power".  J. Lindhard, K. Dan. Vidensk.
Selsk. Mat.-Fys. Medd. 28, 8 (1954).  Hartree atomic units: velocities in bohr per a.u. of time
(:math:`v_F = k_F`), S in Ha/bohr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .dyson import dyson
from .electron_gas import ElectronGas
from .friction import friction_coefficients, friction_density
from .kernels import im_slope
from .lindhard import lindhard
from .loss import FSum, StoppingGrid, _loss_moments, f_sum, loss_function
from .plasmon import (
    PlasmonThreshold,
    _plasmon_weight,
    _ray_roots,
    _setup,
    _threshold,
    plasmon_frequency,
    plasmon_threshold,
    plasmon_weight,
    ray_roots,
)
from .quadrature import GridSpec, static_grid

__all__ = [
    "FSum",
    "PlasmonThreshold",
    "Stopping",
    "StoppingGrid",
    "StoppingPower",
    "bethe_stopping",
    "f_sum",
    "friction_q0",
    "loss_function",
    "plasmon_frequency",
    "plasmon_threshold",
    "plasmon_weight",
    "ray_roots",
    "stopping_power",
]


def bethe_stopping(v, rs: float, Z: float = 1.0) -> np.ndarray:
    r"""Bethe asymptote of the stopping power, :math:`S \to (4\pi\bar nZ^2/v^2)\ln(2v^2/\omega_p)`.

    The fast-ion limit of every kernel (docs/theory.md, "Stopping power", "Fast ions").

    Parameters
    ----------
    v : array_like
        Velocity (bohr per a.u. of time), > 0.
    rs : float
        Density parameter (bohr).
    Z : float
        Charge of the projectile (e).

    Returns
    -------
    numpy.ndarray
        The asymptote (Ha/bohr), shape of ``v``.
    """
    gas = ElectronGas(rs)
    v = np.asarray(v, dtype=float)
    return 4.0 * np.pi * gas.n * Z * Z / (v * v) * np.log(2.0 * v * v / gas.omega_p)


def friction_q0(rs: float, kernel: str = "rpa", params: Mapping | None = None, grid: GridSpec | None = None) -> float:
    r"""Single-nucleus friction coefficient :math:`Q_0` (Z = 1) as the workflow's chain computes it.

    :math:`Q_0 = \tfrac83\int a(q)\,dq` with the friction density :math:`a(q)` of
    :func:`viscous_forces.core.dynamics.friction_density` on the static q grid
    (:func:`viscous_forces.core.quadrature.static_grid`), summed by
    :func:`viscous_forces.core.dynamics.friction_coefficients` (docs/theory.md, "Friction"): the same
    calls as the ``compute_chi`` stage and :func:`viscous_forces.stages.response.friction`, so the
    value equals the chain's ``friction_q0`` for the same grid.  :math:`Z^2Q_0` is the slope of
    :math:`S(v)` at :math:`v = 0`.

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    params : mapping, optional
        Kernel parameters overriding the published defaults.
    grid : GridSpec, optional
        The q quadrature (default :class:`~viscous_forces.core.quadrature.GridSpec`).

    Returns
    -------
    float
        :math:`Q_0` in m_e/a.u. of time (``electron_mass/atomic_unit_of_time``).
    """
    gas, kern, p = _setup(rs, kernel, params)
    qs, ws = static_grid(gas.kF, grid or GridSpec())
    fxc_static = kern(qs, 0.0, gas.rs, **p).real
    chi_s0 = lindhard(qs, 0.0, gas.kF).real
    chi0 = dyson(chi_s0, qs, fxc_static)
    a = friction_density(qs, chi_s0, chi0, im_slope(kern, qs, gas.rs, **p), gas.kF)
    return friction_coefficients(qs, ws, a, 1.0)["J0"]


def _gl(a, b, n):
    """Gauss-Legendre nodes and weights on each [a_i, b_i], shape (len(a), n)."""
    x, w = np.polynomial.legendre.leggauss(int(n))
    a, b = np.asarray(a, float)[:, None], np.asarray(b, float)[:, None]
    half = 0.5 * (b - a)
    return a + half * (x + 1.0), half * w


def _graded_edges(lo, hi, points, base, grading, ratio):
    """Sorted panel edges on [lo, hi]: width <= base up to x0 = max(lo, base/ratio), geometric with
    width <= ratio * x above it, plus, for each of the ``points`` inside [lo, hi], the edges
    c +- h 2^-j (j = 0 .. ``grading``) with h the base width there.  Every panel is then at least its
    own length away from every point that is not one of its ends (so that Gauss-Legendre converges
    on it), however close the points lie to each other or to a base edge."""
    x0 = min(max(base / ratio, lo), hi)
    first = np.linspace(lo, x0, max(1, int(np.ceil((x0 - lo) / base))) + 1) if x0 > lo else np.array([lo])
    n_geo = int(np.ceil(np.log(hi / x0) / np.log1p(ratio))) if hi > x0 else 0
    edges = np.concatenate([first, x0 * (hi / x0) ** (np.arange(1, n_geo + 1) / max(n_geo, 1))])
    edges[-1] = hi  # exactly (the power may miss hi by an ulp)
    extra = []
    for c in points:
        if lo <= c <= hi:
            h = base if c < x0 else ratio * c
            off = h * 0.5 ** np.arange(0, grading + 1)
            extra += [c, *(c - off), *(c + off)]
    out = np.unique(np.concatenate([edges, extra]))
    return out[(out >= lo) & (out <= hi)]


@dataclass(frozen=True)
class StoppingPower:
    """Stopping power S(v) of one kernel and r_s and its two parts (Ha/bohr).

    Attributes
    ----------
    v : numpy.ndarray
        Velocities (bohr/a.u. of time).
    total : numpy.ndarray
        S(v) = electron_hole + plasmon (Ha/bohr).
    electron_hole : numpy.ndarray
        The particle-hole continuum's part (for a dynamic kernel also the small loss below it).
    plasmon : numpy.ndarray
        The plasmon's part: the pole (static kernels) or the loss above the continuum (dynamic).
    """

    v: np.ndarray
    total: np.ndarray
    electron_hole: np.ndarray
    plasmon: np.ndarray


#: :meth:`Stopping.maximum`: velocities per zoom round and rounds (4 rounds of 17: the bracket narrows
#: 8**4 = 4096-fold before the parabolic step).
ZOOM_POINTS, ZOOM_ROUNDS = 17, 4


class Stopping:
    r"""Stopping power of one (kernel, r_s) at any velocity up to ``v_max``, per unit charge squared.

    The construction tabulates :math:`L(u)` on composite Gauss-Legendre panels in u over
    :math:`[0, v_{max}]` (edges graded towards :math:`v_F`, :math:`u_{min}` and :math:`u_c`) and, for a
    static kernel, the plasmon weight :math:`W(k)/k` on panels in k over :math:`[k_1(v_{max}), k_c]`
    (graded towards :math:`k_c`), with their cumulative integrals at the panel edges.  A velocity then
    costs one partial panel in u (and two in k): :math:`S` at any set of velocities and its maximum
    are cheap (docs/theory.md, "Stopping power", "Numerical method").

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name (:func:`viscous_forces.core.kernels.get_kernel`).
    params : mapping, optional
        Kernel parameters overriding the published defaults.
    v_max : float
        Largest velocity (bohr/a.u. of time) that will be asked for.
    grid : StoppingGrid, optional
        Accuracy (default :class:`StoppingGrid`).
    """

    def __init__(
        self,
        rs: float,
        kernel: str = "rpa",
        params: Mapping | None = None,
        v_max: float | None = None,
        grid: StoppingGrid | None = None,
    ) -> None:
        self.gas, self.kern, self.params = _setup(rs, kernel, params)
        self.grid = grid or StoppingGrid()
        kF = self.gas.kF
        self.v_max = float(v_max) if v_max is not None else 20.0 * kF
        if not (self.v_max > 0 and np.isfinite(self.v_max)):
            raise ValueError(f"v_max must be finite and > 0 (bohr/a.u. of time), got {v_max!r}")
        self.threshold = _threshold(self.gas, self.kern, self.params)
        th = self.threshold
        g = self.grid
        self._u_edges = _graded_edges(
            0.0, self.v_max, (kF, th.u_min, th.u_c), g.u_panel * kF, g.grading, ratio=g.u_ratio
        )
        un, uw = _gl(self._u_edges[:-1], self._u_edges[1:], g.n_u)
        L_eh, L_pl = _loss_moments(un.ravel(), self.gas, self.kern, self.params, th, g)
        self._cum_eh = np.concatenate([[0.0], np.cumsum((uw * un * L_eh.reshape(un.shape)).sum(axis=1))])
        self._cum_pl = np.concatenate([[0.0], np.cumsum((uw * un * L_pl.reshape(un.shape)).sum(axis=1))])
        self._k_edges = None
        if not self.kern.dynamic and self.v_max > th.u_min:
            k_lo = float(_ray_roots(np.array([self.v_max]), self.gas, self.kern, self.params, th)[0][0])
            if np.isfinite(k_lo):
                # geometric panels (W/k ~ 1/k at small k), graded towards k_c, where W -> 0 as 1/ln
                # (the plasmon meets the continuum)
                self._k_edges = _graded_edges(
                    k_lo, th.k_c, (th.k_m, th.k_c), g.k_ratio * k_lo, 2 * g.grading, ratio=g.k_ratio
                )
                kn, kw = _gl(self._k_edges[:-1], self._k_edges[1:], g.n_k)
                self._cum_w = np.concatenate([[0.0], np.cumsum((kw * self._w_over_k(kn)).sum(axis=1))])

    def _w_over_k(self, k):
        _, w = _plasmon_weight(k.ravel(), self.gas, self.kern, self.params)
        return (np.nan_to_num(w, nan=0.0) / k.ravel()).reshape(k.shape)

    def _cumulative(self, x, edges, cum, integrand, n):
        """int_{edges[0]}^{x} integrand: the tabulated sum up to the last edge <= x plus one partial panel."""
        x = np.asarray(x, dtype=float)
        j = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, edges.size - 2)
        nodes, weights = _gl(edges[j], x, n)
        return cum[j] + (weights * integrand(nodes)).sum(axis=1)

    def _plasmon_k(self, v):
        """int dk W(k)/k over {k: omega_pl(k) < kv} (static kernels), per unit 2 Z^2/(pi v^2)."""
        th = self.threshold
        out = np.zeros(v.shape)
        if self._k_edges is None:
            return out
        k1, k2 = _ray_roots(v, self.gas, self.kern, self.params, th)
        ok = np.isfinite(k1)
        k2 = np.where(np.isfinite(k2), k2, th.k_c)
        if ok.any():
            e, c = self._k_edges, self._cum_w
            k1c = np.clip(k1[ok], e[0], e[-1])
            G1 = self._cumulative(k1c, e, c, self._w_over_k, self.grid.n_k)
            G2 = self._cumulative(np.clip(k2[ok], e[0], e[-1]), e, c, self._w_over_k, self.grid.n_k)
            out[ok] = G2 - G1
        return out

    def components(self, v, Z: float = 1.0):
        """The electron-hole and plasmon parts of S at velocities ``v``.

        Parameters
        ----------
        v : array_like
            Velocities (bohr/a.u. of time), in (0, v_max].
        Z : float
            Charge of the projectile (e).

        Returns
        -------
        S_eh, S_pl : numpy.ndarray
            The two parts (Ha/bohr), shape of ``v``.

        Raises
        ------
        ValueError
            For a velocity outside (0, v_max].
        """
        v = np.asarray(v, dtype=float)
        flat = v.ravel()
        if flat.size and not (np.all(flat > 0) and np.all(flat <= self.v_max * (1 + 1e-12))):
            raise ValueError(f"velocities must be in (0, v_max = {self.v_max:g}] bohr/a.u. of time")
        flat = np.minimum(flat, self._u_edges[-1])
        g = self.grid

        def moments(un):
            L_eh, L_pl = _loss_moments(un.ravel(), self.gas, self.kern, self.params, self.threshold, g)
            return L_eh.reshape(un.shape), L_pl.reshape(un.shape)

        j = np.clip(np.searchsorted(self._u_edges, flat, side="right") - 1, 0, self._u_edges.size - 2)
        un, uw = _gl(self._u_edges[j], flat, g.n_u)
        L_eh, L_pl = moments(un)
        I_eh = self._cum_eh[j] + (uw * un * L_eh).sum(axis=1)
        I_pl = self._cum_pl[j] + (uw * un * L_pl).sum(axis=1)
        if not self.kern.dynamic:
            I_pl = self._plasmon_k(flat)
        pref = 2.0 * Z * Z / (np.pi * flat * flat)
        return (pref * I_eh).reshape(v.shape), (pref * I_pl).reshape(v.shape)

    def __call__(self, v, Z: float = 1.0) -> np.ndarray:
        """S(v) (Ha/bohr).

        Parameters
        ----------
        v : array_like
            Velocities (bohr/a.u. of time), in (0, v_max].
        Z : float
            Charge of the projectile (e).

        Returns
        -------
        numpy.ndarray
            The stopping power, shape of ``v``.
        """
        eh, pl = self.components(v, Z)
        return eh + pl

    def maximum(self, v_grid=None, Z: float = 1.0, values=None):
        """Position and height of the maximum of S(v), and the plasmon's share there.

        The largest value on ``v_grid`` is refined by zooming: :data:`ZOOM_ROUNDS` times, S on
        :data:`ZOOM_POINTS` velocities between the neighbours of the best one (each round narrows the
        bracket (ZOOM_POINTS - 1)/2-fold), then the vertex of the parabola through the best point and its
        neighbours (kept if it lies between them and S is larger there).

        Parameters
        ----------
        v_grid : array_like, optional
            Sorted velocities to search (default: 400 log-spaced points from 0.01 v_F to v_max).
        Z : float
            Charge (e).
        values : array_like, optional
            S on ``v_grid`` if already known (Ha/bohr).

        Returns
        -------
        v_peak : float
            Velocity of the maximum (bohr/a.u. of time).
        S_peak : float
            S at the maximum (Ha/bohr).
        plasmon_share : float
            S_plasmon/S there.
        """
        kF = self.gas.kF
        v = np.asarray(v_grid, float) if v_grid is not None else np.geomspace(0.01 * kF, self.v_max, 400)
        S = np.asarray(values, float) if values is not None else self(v, Z)
        for _ in range(ZOOM_ROUNDS + 1):
            i = int(np.argmax(S))
            lo, hi = v[max(i - 1, 0)], v[min(i + 1, v.size - 1)]
            best_v, best_S = v[i], S[i]
            if 0 < i < v.size - 1:
                (x0, x1, x2), (y0, y1, y2) = v[i - 1 : i + 2], S[i - 1 : i + 2]
                den = (x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0)
                if den != 0:
                    x = x1 - 0.5 * ((x1 - x0) ** 2 * (y1 - y2) - (x1 - x2) ** 2 * (y1 - y0)) / den
                    if x0 < x < x2:
                        y = float(self(np.array([x]), Z)[0])
                        if y > best_S:
                            best_v, best_S = x, y
            v = np.linspace(lo, hi, ZOOM_POINTS)
            S = self(v, Z)
        eh, pl = self.components(np.array([best_v]), Z)
        return float(best_v), float(eh[0] + pl[0]), float(pl[0] / (eh[0] + pl[0]))


def stopping_power(
    v, rs: float, kernel: str = "rpa", Z: float = 1.0, params: Mapping | None = None, grid: StoppingGrid | None = None
) -> StoppingPower:
    r"""Linear-response stopping power :math:`S(v)` of a point charge Z in the electron gas, in two parts.

    .. math::

        S(v) = \frac{2Z^2}{\pi v^2}\int_0^\infty\frac{dk}{k}\int_0^{kv}d\omega\,\omega\,
        \mathrm{Im}\Big[\frac{-1}{\varepsilon(k,\omega)}\Big]

    (Lindhard 1954) with :math:`\chi^h` of Eq. (15) for the kernel; docs/theory.md, "Stopping power".
    See :class:`Stopping` for the method; this is ``Stopping(rs, kernel, params, max(v), grid)``
    evaluated at ``v``.

    Parameters
    ----------
    v : array_like
        Velocities (bohr/a.u. of time, :math:`v_F = k_F`), > 0.
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    Z : float
        Charge of the projectile (e); S is proportional to Z^2.
    params : mapping, optional
        Kernel parameters overriding the published defaults.
    grid : StoppingGrid, optional
        Accuracy (default :class:`StoppingGrid`).

    Returns
    -------
    StoppingPower
        ``v`` and ``total``, ``electron_hole``, ``plasmon`` (Ha/bohr), arrays of the shape of ``v``.
    """
    v = np.asarray(v, dtype=float)
    calc = Stopping(rs, kernel, params, float(np.max(v)), grid)
    eh, pl = calc.components(v, Z)
    return StoppingPower(v=v, total=eh + pl, electron_hole=eh, plasmon=pl)
