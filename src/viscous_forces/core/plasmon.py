r"""The plasmon of the electron gas: dispersion, delta-function weight and where it meets the continuum.

For a kernel :math:`f_{xc}`, the plasmon is the zero of :math:`\mathrm{Re}\,\tilde\varepsilon(q,\omega)`,
:math:`\tilde\varepsilon = 1 - (4\pi/q^2 + f_{xc})\chi_s` (the denominator of the paper's Eq. (15),
:func:`viscous_forces.core.dyson.dielectric`), above the particle-hole continuum
:math:`\omega > qk_F + q^2/2`.  For a static (real) kernel it is undamped: a delta function in the loss
function :math:`\mathrm{Im}[-1/\varepsilon]` whose weight :func:`plasmon_weight` the stopping power adds
analytically; for a dynamic kernel (rMCP07) :math:`\mathrm{Im} f_{xc} < 0` damps it into a sharp peak
that the quadrature resolves (:mod:`viscous_forces.core.loss`).  The stopping power needs, besides, the
velocity threshold of plasmon excitation (:func:`plasmon_threshold`) and the wave vectors where the line
:math:`\omega = vk` crosses the dispersion (:func:`ray_roots`).

Everything is vectorised over q (bisection to a few ulps for all q at once).  docs/theory.md,
"Stopping power", "Plasmon pole"; Lindhard 1954 (J. Lindhard, K. Dan. Vidensk. Selsk. Mat.-Fys. Medd.
28, 8 (1954)) for the RPA dispersion.  Hartree atomic units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .dyson import dielectric
from .electron_gas import ElectronGas
from .kernels import get_kernel
from .lindhard import lindhard

__all__ = [
    "PlasmonThreshold",
    "plasmon_frequency",
    "plasmon_threshold",
    "plasmon_weight",
    "ray_roots",
]

#: Bracket of the plasmon root above the continuum:
#: from the upper continuum edge times (1 + _EDGE_REL) plus _EDGE_ABS to 10 omega_p + q kF + q^2.
_EDGE_REL, _EDGE_ABS = 1e-9, 1e-14
#: Bisection stops when the bracket is below this many ulps of the root (or after _MAX_BISECT steps).
_BISECT_ULPS, _MAX_BISECT = 4.0, 200
#: :func:`_dF_du_above`: the series is summed for u - z > _SERIES_A, with _N_SERIES_D terms (truncation
#: error < 8^-(2 N) relative).
_SERIES_A, _N_SERIES_D = 8.0, 14
#: The minimum of the phase velocity: points per zoom round and rounds (each narrows the bracket by
#: (_ZOOM_POINTS - 1)/2 = 16; 12 rounds: 1e-14 of k_c).
_ZOOM_POINTS, _ZOOM_ROUNDS = 33, 12


def _setup(rs, kernel, params):
    gas = ElectronGas(rs)
    kern = get_kernel(kernel)
    return gas, kern, kern.params(**dict(params or {}))


def _re_eps(q, w, gas, kern, p) -> np.ndarray:
    """Re eps~(q, w) = Re[1 - (4 pi/q^2 + f_xc) chi_s] (the denominator of Eq. 15)."""
    return dielectric(lindhard(q, w, gas.kF), q, kern(q, w, gas.rs, **p)).real


def _eps(q, w, gas, kern, p) -> np.ndarray:
    return dielectric(lindhard(q, w, gas.kF), q, kern(q, w, gas.rs, **p))


def _bisect(f, lo, hi, log=False) -> np.ndarray:
    """Vectorised bisection for a root of f in [lo, hi] with f(lo) < 0 < f(hi) (or the reverse).

    The sign at ``lo`` is taken from one evaluation; the bracket halves until it is a few ulps wide.
    With ``log`` the bisection is in ln x (for brackets spanning decades).
    """
    lo = np.array(lo, dtype=float, copy=True)
    hi = np.array(hi, dtype=float, copy=True)
    if lo.size == 0:
        return lo
    s_lo = np.sign(f(lo))
    for _ in range(_MAX_BISECT):
        mid = np.sqrt(lo * hi) if log else 0.5 * (lo + hi)
        same = np.sign(f(mid)) == s_lo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
        if np.all(hi - lo <= _BISECT_ULPS * np.spacing(np.abs(mid))):
            break
    return 0.5 * (lo + hi)


def _plasmon_frequency(q, gas, kern, p) -> np.ndarray:
    q = np.asarray(q, dtype=float)
    lo = (q * gas.kF + 0.5 * q * q) * (1.0 + _EDGE_REL) + _EDGE_ABS
    hi = 10.0 * gas.omega_p + q * gas.kF + q * q
    out = np.full(q.shape, np.nan)
    ok = (_re_eps(q, lo, gas, kern, p) < 0) & (_re_eps(q, hi, gas, kern, p) > 0)
    if ok.any():
        qo = q[ok]
        out[ok] = _bisect(lambda w: _re_eps(qo, w, gas, kern, p), lo[ok], hi[ok])
    return out


def plasmon_frequency(q, rs: float, kernel: str = "rpa", params: Mapping | None = None) -> np.ndarray:
    r"""Plasmon dispersion :math:`\omega_{pl}(q)`: zero of :math:`\mathrm{Re}\,\tilde\varepsilon` above the continuum.

    :math:`\tilde\varepsilon` of :func:`viscous_forces.core.dyson.dielectric`, solved for all q at
    once by bisection to a few ulps (also the plasmon line of the chi^h maps,
    :func:`viscous_forces.stages.chi_map.plasmon_dispersion`).

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

    Returns
    -------
    numpy.ndarray
        :math:`\omega_{pl}` (Ha), shape of ``q``; NaN where the plasmon lies inside the continuum.
    """
    gas, kern, p = _setup(rs, kernel, params)
    return _plasmon_frequency(q, gas, kern, p)


def _dF_du_above(z, u):
    r""":math:`\partial\,\mathrm{Re}F/\partial u` of the Lindhard function above the continuum (u > z + 1).

    From :math:`\mathrm{Re}F = [g(\nu_-) + g(\nu_+)]/8z` (:mod:`viscous_forces.core.lindhard`, Lindhard 1954),
    :math:`g'(x) = 4 - 2x\ln|(x+1)/(x-1)|`, so :math:`\partial_u\mathrm{Re}F = [h(a) - h(b)]/4z` with
    :math:`h(x) = x\ln|(x+1)/(x-1)|`, :math:`a = u - z`, :math:`b = u + z`.  Where both are large
    (:math:`a >` :data:`_SERIES_A`) the difference cancels; there
    :math:`h(x) = 2\sum_{k\ge0}x^{-2k}/(2k+1)` and :math:`a^{-2k} - b^{-2k} = (x - y)\sum_{j<k}x^{k-1-j}y^j`
    with :math:`x - y = 4uz/(ab)^2` are summed without cancellation.
    """
    z, u = np.broadcast_arrays(np.asarray(z, float), np.asarray(u, float))
    a, b = u - z, u + z
    out = np.empty(z.shape)
    big = a > _SERIES_A
    s = ~big
    if s.any():
        h = lambda x: x * np.log((x + 1.0) / (x - 1.0))  # noqa: E731
        out[s] = (h(a[s]) - h(b[s])) / (4.0 * z[s])
    if big.any():
        x, y = 1.0 / a[big] ** 2, 1.0 / b[big] ** 2
        x_minus_y = 4.0 * u[big] * z[big] * x * y
        power_sum = np.zeros(x.shape)  # sum_{j<k} x^(k-1-j) y^j, built up k by k
        y_k = np.ones(x.shape)
        total = np.zeros(x.shape)
        for k in range(1, _N_SERIES_D + 1):
            power_sum = x * power_sum + y_k
            y_k = y_k * y
            total += 2.0 / (2 * k + 1) * power_sum
        out[big] = x_minus_y * total / (4.0 * z[big])
    return out


def _plasmon_weight(q, gas, kern, p):
    q = np.asarray(q, dtype=float)
    w = _plasmon_frequency(q, gas, kern, p)
    weight = np.full(q.shape, np.nan)
    ok = np.isfinite(w)
    if ok.any():
        qo, wo = q[ok], w[ok]
        kF = gas.kF
        # static kernel: d eps~/d omega = -(4 pi/q^2 + f_xc(q)) d chi_s/d omega, d chi_s/d omega = -dF/du/(pi^2 q)
        coupling = 4.0 * np.pi / (qo * qo) + kern(qo, 0.0, gas.rs, **p).real
        slope = coupling * _dF_du_above(qo / (2.0 * kF), wo / (qo * kF)) / (np.pi**2 * qo)
        chi_s = lindhard(qo, wo, kF).real
        weight[ok] = np.pi * wo * (4.0 * np.pi / (qo * qo)) * chi_s / np.abs(slope)
    return w, weight


def plasmon_weight(q, rs: float, kernel: str = "rpa", params: Mapping | None = None):
    r"""Plasmon frequency and the weight of its delta function in the first moment of the loss.

    For a static (real) kernel, :math:`\tilde\varepsilon(q, \omega + i0^+)` is real above the continuum
    with a simple zero at :math:`\omega_{pl}` where :math:`\partial_\omega\tilde\varepsilon > 0`, so
    :math:`\mathrm{Im}[-1/\varepsilon] = \pi(4\pi/q^2)\chi_s\,\delta(\tilde\varepsilon)` and

    .. math::

        W(q) = \int\omega\,\mathrm{Im}\Big[\frac{-1}{\varepsilon}\Big]d\omega
        = \frac{\pi\,\omega_{pl}\,(4\pi/q^2)\,\chi_s(q,\omega_{pl})}{|\partial_\omega\tilde\varepsilon|}
        = \frac{\pi\,\omega_{pl}\,(4\pi/q^2)}{(4\pi/q^2 + f_{xc})\,|\partial_\omega\tilde\varepsilon|}

    (docs/theory.md, "Stopping power", "Plasmon pole").  :math:`\partial_\omega\tilde\varepsilon =
    -(4\pi/q^2 + f_{xc})\,\partial_\omega\chi_s` in closed form (the derivative of the Lindhard function
    above the continuum, Lindhard 1954), exact up to the continuum edge, where it diverges
    logarithmically and :math:`W \to 0`.

    Parameters
    ----------
    q : array_like
        Wave vectors (bohr^-1), > 0.
    rs : float
        Density parameter (bohr).
    kernel : str
        Name of a static kernel.
    params : mapping, optional
        Kernel parameters overriding the published defaults.

    Returns
    -------
    omega : numpy.ndarray
        :math:`\omega_{pl}` (Ha), NaN inside the continuum.
    weight : numpy.ndarray
        :math:`W(q)` (Ha^2), NaN inside the continuum; tends to :math:`(\pi/2)\omega_p^2` as q -> 0.

    Raises
    ------
    ValueError
        For a dynamic kernel (its plasmon is damped: no delta function).
    """
    gas, kern, p = _setup(rs, kernel, params)
    if kern.dynamic:
        raise ValueError(f"kernel {kern.name!r} is dynamic: its plasmon is damped and has no delta-function weight")
    return _plasmon_weight(q, gas, kern, p)


@dataclass(frozen=True)
class PlasmonThreshold:
    r"""Where the plasmon meets the particle-hole continuum and the slowest charge that excites it.

    Attributes
    ----------
    k_c : float
        Wave vector (bohr^-1) where :math:`\omega_{pl}` meets the upper continuum edge
        :math:`qk_F + q^2/2`.
    omega_c : float
        :math:`\omega_{pl}(k_c)` (Ha).
    u_c : float
        :math:`\omega_c/k_c = k_F + k_c/2` (bohr/a.u. of time): above it one plasmon wave vector
        satisfies :math:`\omega_{pl}(k) = kv`, below it two or none.
    k_m : float
        Wave vector (bohr^-1) of the smallest phase velocity :math:`\omega_{pl}(k)/k` (``k_c`` if the phase
        velocity falls all the way to the continuum).
    u_min : float
        The smallest phase velocity (bohr/a.u. of time): the threshold velocity of plasmon excitation.
    """

    k_c: float
    omega_c: float
    u_c: float
    k_m: float
    u_min: float


def _threshold(gas, kern, p) -> PlasmonThreshold:
    kF = gas.kF

    def edge(q):
        q = np.atleast_1d(np.asarray(q, float))
        return _re_eps(q, (q * kF + 0.5 * q * q) * (1.0 + _EDGE_REL) + _EDGE_ABS, gas, kern, p)

    q = np.linspace(0.005, 4.0, 800) * kF
    s = edge(q)
    up = np.nonzero((s[:-1] < 0) & (s[1:] >= 0))[0]
    if up.size == 0:
        raise ValueError(f"no plasmon above the continuum below 4 kF (kernel {kern.name}, rs = {gas.rs})")
    i = up[0]
    k_c = float(_bisect(edge, q[i : i + 1], q[i + 1 : i + 2])[0])
    omega_c = k_c * kF + 0.5 * k_c * k_c
    u_c = kF + 0.5 * k_c

    # the smallest phase velocity omega_pl(k)/k on [k_c/2, k_c): a grid of _ZOOM_POINTS phase velocities
    # (one vectorised bisection), zoomed _ZOOM_ROUNDS times onto the grid minimum and its neighbours
    lo, hi = 0.5 * k_c, k_c * (1 - 1e-12)
    for _ in range(_ZOOM_ROUNDS):
        x = np.linspace(lo, hi, _ZOOM_POINTS)
        phase = np.nan_to_num(_plasmon_frequency(x, gas, kern, p) / x, nan=np.inf)
        j = int(np.argmin(phase))
        lo, hi = x[max(j - 1, 0)], x[min(j + 1, x.size - 1)]
    k_m, u_min = float(x[j]), float(phase[j])
    if not (np.isfinite(u_min) and u_min < u_c):
        k_m, u_min = k_c, u_c
    return PlasmonThreshold(k_c=k_c, omega_c=omega_c, u_c=u_c, k_m=k_m, u_min=u_min)


def plasmon_threshold(rs: float, kernel: str = "rpa", params: Mapping | None = None) -> PlasmonThreshold:
    r"""The plasmon's meeting point with the continuum and the threshold velocity of plasmon excitation.

    :math:`k_c` is the zero of :math:`\mathrm{Re}\,\tilde\varepsilon` along the upper continuum edge (the
    first sign change from - to + on :math:`(0, 4k_F]`, refined by bisection); the phase velocity
    :math:`\omega_{pl}(k)/k` falls from infinity at :math:`k \to 0` to its minimum :math:`u_{min}` at
    :math:`k_m \le k_c` (a grid search on :math:`[k_c/2, k_c]` zoomed onto its minimum) and rises again to
    :math:`u_c = k_F + k_c/2` at :math:`k_c` (docs/theory.md, "Stopping power").  A charge slower than
    :math:`u_{min}` cannot excite the plasmon.

    Parameters
    ----------
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name (for a dynamic kernel: the zero of Re eps~, the damped plasmon's position).
    params : mapping, optional
        Kernel parameters overriding the published defaults.

    Returns
    -------
    PlasmonThreshold
        ``k_c``, ``omega_c``, ``u_c``, ``k_m``, ``u_min``.

    Raises
    ------
    ValueError
        If Re eps~ has no zero above the continuum below 4 kF.
    """
    gas, kern, p = _setup(rs, kernel, params)
    return _threshold(gas, kern, p)


def _ray_roots(u, gas, kern, p, th: PlasmonThreshold):
    u = np.asarray(u, dtype=float)
    k1 = np.full(u.shape, np.nan)
    k2 = np.full(u.shape, np.nan)
    kF = gas.kF

    def ray(k, uu):
        return _re_eps(k, uu * k, gas, kern, p)

    m1 = u > th.u_min
    if m1.any():
        uu = u[m1]
        lo = 1e-3 * gas.omega_p / uu
        hi = np.full(uu.shape, th.k_m)
        ok = (ray(lo, uu) < 0) & (ray(hi, uu) > 0)
        r = np.full(uu.shape, np.nan)
        if ok.any():
            r[ok] = _bisect(lambda k: ray(k, uu[ok]), lo[ok], hi[ok], log=True)
        k1[m1] = r
    m2 = (u > th.u_min) & (u < th.u_c)
    if m2.any():
        uu = u[m2]
        lo = np.full(uu.shape, th.k_m)
        hi = 2.0 * (uu - kF) * (1.0 - 1e-12)
        ok = (hi > lo) & (ray(lo, uu) > 0) & (ray(hi, uu) < 0)
        r = np.full(uu.shape, np.nan)
        if ok.any():
            r[ok] = _bisect(lambda k: ray(k, uu[ok]), lo[ok], hi[ok])
        k2[m2] = r
    return k1, k2


def ray_roots(u, rs: float, kernel: str = "rpa", params: Mapping | None = None, threshold=None):
    r"""Wave vectors where the line :math:`\omega = uk` crosses the plasmon, :math:`\omega_{pl}(k) = uk`.

    The zeros of :math:`\mathrm{Re}\,\tilde\varepsilon(k, uk)` above the continuum: none for
    :math:`u \le u_{min}`, two (:math:`k_1 < k_m < k_2`) for :math:`u_{min} < u < u_c`, one (:math:`k_1`)
    for :math:`u \ge u_c` (:func:`plasmon_threshold`).  Bisection (in ln k for :math:`k_1`) for all u at once.

    Parameters
    ----------
    u : array_like
        Velocities (bohr/a.u. of time).
    rs : float
        Density parameter (bohr).
    kernel : str
        Kernel name.
    params : mapping, optional
        Kernel parameters overriding the published defaults.
    threshold : PlasmonThreshold, optional
        :func:`plasmon_threshold` of the same kernel and r_s (computed if not given).

    Returns
    -------
    k1, k2 : numpy.ndarray
        The roots (bohr^-1), shape of ``u``; NaN where they do not exist.
    """
    gas, kern, p = _setup(rs, kernel, params)
    th = threshold or _threshold(gas, kern, p)
    return _ray_roots(u, gas, kern, p, th)
