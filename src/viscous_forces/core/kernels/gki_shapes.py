r"""Dimensionless shape functions g(x), h(x) of the Gross-Kohn-Iwamoto (GKI) frequency dependence.

Hartree atomic units: frequencies in Ha, kernels in Ha bohr^3, ``b`` in Ha^-2.
Definitions as in the rMCP07 authors' public code (github.com/esoteric-ephemera/tc21 @ 85570dab,
``dft/gki_fxc.py``); docs/theory.md, "GKI frequency dependence".

With :math:`\Delta = f_\infty - f_0 > 0`, :math:`b(n) = [(\gamma/c)\Delta]^{4/3}` and
:math:`x = b^{1/2}\omega` (real :math:`\omega`, retarded),

.. math::

    \operatorname{Im} f^{GKI}(\omega) &= -c\,b^{3/4} g(x) = -\gamma\Delta\, g(x),
        \qquad g(x) = \frac{x}{(1+x^2)^{5/4}},\\
    \operatorname{Re} f^{GKI}(\omega) &= f_\infty - c\,b^{3/4} h(x)
        = f_0 + \Delta\,[1 - \gamma h(x)],

with :math:`\gamma = \Gamma(1/4)^2/\sqrt{32\pi}`, :math:`c = 23\pi/15`
(identity :math:`c\,b^{3/4} = \gamma\Delta`).  ``Im`` is odd and ``Re`` even in
:math:`\omega`.  Two choices of the real-part shape :math:`h` are offered:

``"fit"``
    The fit :math:`h_r` published with rMCP07 (Kaplan et al., PRB 105, 035123 (2022)):
    :math:`h_r(x) = \gamma^{-1}(1 - c_1x^2)/[1 + c_2x^2 + c_3x^4 + c_4x^6
    + (c_1/\gamma)^{16/7}x^8]^{7/16}`.
``"exact"``
    The Kramers-Kronig (KK) partner of :math:`g`,
    :math:`h(x) = (2/\pi)\,\mathrm{PV}\!\int_0^\infty t\,g(t)/(t^2-x^2)\,dt`.

**Closed form of the exact h** (derived for this package).
Substituting :math:`s = t^2` gives the Stieltjes-type integral
:math:`h = \pi^{-1}\mathrm{PV}\!\int_0^\infty s^{1/2}(1+s)^{-5/4}(s-x^2)^{-1}ds`, which is a
Gauss hypergeometric function (Gradshteyn-Ryzhik 3.197.1 continued to the negative axis,
then the :math:`z\to1/z` connection formula), for x > 0

.. math::

    h(x) = -g(x) + \frac{2}{\gamma}\,\frac{x}{(1+x^2)^{3/2}}\;
    {}_2F_1\Big(\frac32, \frac14; \frac54; \frac{1}{1+x^2}\Big),

and with :math:`{}_2F_1(a, b; b+1; v) = b\,v^{-b}B_v(b, 1-a)` and one recurrence of the
incomplete beta function this reduces to

.. math::

    h(x) = \frac{v}{\gamma} - g(|x|)\,\bigl[1 - I_v(\tfrac14, \tfrac12)\bigr],
    \qquad v = \frac{1}{1+x^2},

where :math:`I_v(a,b)` is the regularised incomplete beta function (``scipy.special.betainc``;
:math:`B(1/4,1/2) = 4\gamma`).  It gives :math:`h(0) = 1/\gamma` exactly, and the large-x
expansion :math:`h = -x^{-3/2} + 2/(\gamma x^2) + \tfrac54 x^{-7/2} - 2.4/(\gamma x^4)
+ O(x^{-11/2})`.  It agrees with direct ``scipy.integrate.quad(weight="cauchy")`` principal
values to <= 2e-14, the quadrature's own accuracy (see tests/test_kernels.py).
:func:`h_exact_reference` evaluates it directly (~1 us per point); :func:`h_exact` is the fast path: a cubic spline of
:math:`\psi(\tau) = \gamma h(x)(1+x)^{3/2}` on a uniform grid of 4096 cells in
:math:`\tau = (1+|x|)^{-1/2} \in [0,1]` (smooth on the closed interval, so it covers
:math:`0 \le |x| \le \infty` with no asymptotic patch), built lazily from the closed form.
**Achieved accuracy of h_exact: max |h_exact - h| = 1.6e-13 absolute on all x (worst near
x ~ 2e-4), and <= 3.5e-15 relative for x > 10** (measured against the closed form on 2e6
points, x uniform in [0, 30] and log-uniform in [1e-10, 1e14]).

Sources: E. K. U. Gross and W. Kohn, Phys. Rev. Lett. 55, 2850 (1985) (+ erratum 57, 923
(1986)); N. Iwamoto and E. K. U. Gross, Phys. Rev. B 35, 3003 (1987); A. D. Kaplan et al.,
Phys. Rev. B 105, 035123 (2022) (fit :math:`h_r`).
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = [
    "GAMMA",
    "C_GKI",
    "H_FIT_C1",
    "H_FIT_C2",
    "H_FIT_C3",
    "H_FIT_C4",
    "H_OPTIONS",
    "H_EXACT_TABLE_CELLS",
    "check_h",
    "g",
    "h_fit",
    "h_exact",
    "h_exact_reference",
    "gki_shape",
]

#: gamma = Gamma(1/4)^2/sqrt(32 pi) = 1.311028777146060 (Iwamoto & Gross 1987).
GAMMA = math.gamma(0.25) ** 2 / math.sqrt(32.0 * math.pi)
#: c = 23 pi/15: large-omega tail Im f ~ -c omega^(-3/2) (Gross & Kohn 1985).
C_GKI = 23.0 * math.pi / 15.0

#: Fit constants c1..c4 of h_r (Kaplan et al. 2022; tc21 published_data/fits/hx_fit_log_fin.csv).
H_FIT_C1 = 0.174724
H_FIT_C2 = 3.224459
H_FIT_C3 = 2.221196
H_FIT_C4 = 1.891998
#: x^8 coefficient (c1/gamma)^(16/7), fixed so that h_r(x) ~ -x^(-3/2) exactly.
H_FIT_C5 = (H_FIT_C1 / GAMMA) ** (16.0 / 7.0)

#: Allowed values of the ``h`` option.
H_OPTIONS = ("fit", "exact")

#: Number of spline cells in tau = (1+|x|)^(-1/2) for the exact h (error 1.6e-13, see module doc).
H_EXACT_TABLE_CELLS = 4096

#: |x| is clipped to this value before evaluating h and g.  Beyond it |h|, |g| < 1e-22, i.e. the
#: result is unchanged in double precision, while x^8 in the fit would overflow near 1e38.
_X_CLIP = 1.0e15


def check_h(h: str) -> str:
    """Return ``h`` if it is ``"fit"`` or ``"exact"``, else raise ``ValueError``.

    Parameters
    ----------
    h : str
        Choice of the real-part shape function (see module docstring).

    Returns
    -------
    str
        ``h`` unchanged.

    Raises
    ------
    ValueError
        If ``h`` is not one of :data:`H_OPTIONS`.
    """
    if not isinstance(h, str) or h not in H_OPTIONS:
        raise ValueError(f"h must be one of {', '.join(H_OPTIONS)}; got {h!r}")
    return h


def g(x):
    r"""GKI imaginary-part shape :math:`g(x) = x/(1+x^2)^{5/4}` (dimensionless, odd in x).

    Parameters
    ----------
    x : array_like
        Scaled frequency :math:`x = b^{1/2}\omega`.

    Returns
    -------
    numpy.ndarray
        :math:`g(x)`.

    References
    ----------
    E. K. U. Gross and W. Kohn, PRL 55, 2850 (1985); docs/theory.md, "GKI frequency dependence".
    """
    x = np.clip(np.asarray(x, dtype=float), -_X_CLIP, _X_CLIP)
    t = 1.0 + x * x
    return x / (t * np.sqrt(np.sqrt(t)))


def _gamma_h_fit(x2: np.ndarray) -> np.ndarray:
    """gamma * h_r as a function of x^2 (new array; exactly 1 at x = 0)."""
    p = H_FIT_C5 * x2
    p += H_FIT_C4
    p *= x2
    p += H_FIT_C3
    p *= x2
    p += H_FIT_C2
    p *= x2
    p += 1.0
    # p^(7/16) = r^7, r = p^(1/16) from four square roots (faster than np.power; exact at p = 1).
    r = np.sqrt(p, out=p)
    np.sqrt(r, out=r)
    np.sqrt(r, out=r)
    np.sqrt(r, out=r)
    r2 = r * r
    r *= r2  # r^3
    r2 *= r2  # r^4
    r *= r2  # r^7
    num = 1.0 - H_FIT_C1 * x2
    num /= r
    return num


def h_fit(x):
    r"""Published rMCP07 fit :math:`h_r(x)` to the KK partner of :math:`g` (dimensionless).

    .. math::

        h_r(x) = \frac{1}{\gamma}\,\frac{1 - c_1x^2}
        {[1 + c_2x^2 + c_3x^4 + c_4x^6 + (c_1/\gamma)^{16/7}x^8]^{7/16}},

    :math:`(c_1, c_2, c_3, c_4) = (0.174724, 3.224459, 2.221196, 1.891998)`.
    :math:`h_r(0) = 1/\gamma` and :math:`h_r \sim -x^{-3/2}` exactly; its largest deviation from
    the exact :math:`h` is about 2.5e-3 on [0, 10] (zero at x = 2.392 instead of 2.36746).

    Parameters
    ----------
    x : array_like
        Scaled frequency :math:`x = b^{1/2}\omega` (any sign; :math:`h_r` is even).

    Returns
    -------
    numpy.ndarray
        :math:`h_r(x)`.

    References
    ----------
    A. D. Kaplan et al., PRB 105, 035123 (2022); tc21 ``dft/gki_fxc.py``; docs/theory.md, "GKI frequency dependence".
    """
    x = np.clip(np.asarray(x, dtype=float), -_X_CLIP, _X_CLIP)
    return (_gamma_h_fit(np.atleast_1d(x * x)) / GAMMA).reshape(x.shape)


def h_exact_reference(x):
    r"""Exact KK partner :math:`h(x)` of :math:`g` from its closed form (slow, ~1e-16 accurate).

    .. math::

        h(x) = \frac{2}{\pi}\,\mathrm{PV}\!\int_0^\infty \frac{t\,g(t)}{t^2-x^2}\,dt
             = \frac{v}{\gamma} - g(|x|)\,[1 - I_v(1/4, 1/2)],\qquad v = 1/(1+x^2),

    with :math:`I_v` the regularised incomplete beta function (derivation in the module
    docstring).  Costs about 1 microsecond per point; use :func:`h_exact` for large arrays.

    Parameters
    ----------
    x : array_like
        Scaled frequency (any sign; h is even).

    Returns
    -------
    numpy.ndarray
        :math:`h(x)`.

    References
    ----------
    Gross & Kohn, PRL 55, 2850 (1985); Iwamoto & Gross, PRB 35, 3003 (1987); docs/theory.md, "GKI frequency dependence".
    """
    ax = np.abs(np.asarray(x, dtype=float))
    with np.errstate(over="ignore"):  # x^2 -> inf for |x| > 1e154 gives v = 0, h = 0: fine
        v = 1.0 / (1.0 + ax * ax)
    from scipy import special  # lazy: only the exact-h table needs it (~0.1 s import)

    return v / GAMMA - ax * v * np.sqrt(np.sqrt(v)) * special.betaincc(0.25, 0.5, v)


@functools.cache
def _exact_table() -> np.ndarray:
    """Per-cell cubic coefficients (N+1, 4) of psi(tau) = gamma h(x) (1+x)^(3/2), tau = (1+x)^-1/2.

    Row j holds (c0, c1, c2, c3) with psi = c0 + c1 d + c2 d^2 + c3 d^3, d = tau N - j in [0, 1).
    Row N is the Taylor re-expansion of the last cell about tau = 1 with c0 = psi(1) = 1 exactly,
    so that x = 0 gives gamma h = 1 bit-exactly.
    """
    n_cells = H_EXACT_TABLE_CELLS
    tau = np.linspace(0.0, 1.0, n_cells + 1)
    psi = np.empty(n_cells + 1)
    psi[0] = -GAMMA  # limit tau -> 0 (x -> inf): h (1+x)^(3/2) -> -1
    t = tau[1:]
    psi[1:] = GAMMA * h_exact_reference(1.0 / (t * t) - 1.0) / t**3
    psi[-1] = 1.0  # gamma h(0) = 1 exactly
    from scipy.interpolate import CubicSpline  # lazy: only the exact-h option needs it (~0.25 s import)

    spline = CubicSpline(tau, psi, bc_type="not-a-knot")
    dtau = 1.0 / n_cells
    # PPoly coefficients c[k] multiply (tau - tau_j)^(3-k); convert to the local variable d.
    coef = np.empty((n_cells + 1, 4))
    for k in range(4):
        coef[:n_cells, k] = spline.c[3 - k] * dtau**k
    coef[n_cells, 0] = 1.0
    coef[n_cells, 1] = spline(1.0, 1) * dtau
    coef[n_cells, 2] = spline(1.0, 2) * dtau**2 / 2.0
    coef[n_cells, 3] = spline(1.0, 3) * dtau**3 / 6.0
    return np.ascontiguousarray(coef.T)  # (4, N+1) for fast np.take per coefficient


def _gamma_h_exact(ax: np.ndarray) -> np.ndarray:
    """gamma * h(x) for |x| = ax >= 0 from the cached spline table (new array)."""
    coef = _exact_table()
    n_cells = coef.shape[1] - 1
    tau = 1.0 + ax
    np.sqrt(tau, out=tau)
    np.divide(1.0, tau, out=tau)
    u = tau * n_cells
    j = u.astype(np.intp)
    u -= j
    psi = np.take(coef[3], j, mode="clip")
    psi *= u
    psi += np.take(coef[2], j, mode="clip")
    psi *= u
    psi += np.take(coef[1], j, mode="clip")
    psi *= u
    psi += np.take(coef[0], j, mode="clip")
    psi *= tau
    psi *= tau
    psi *= tau
    return psi


def h_exact(x):
    r"""Exact KK partner :math:`h(x)` of :math:`g(x)`, fast vectorised evaluation.

    .. math::

        h(x) = \frac{2}{\pi}\,\mathrm{PV}\!\int_0^\infty \frac{t\,g(t)}{t^2-x^2}\,dt .

    Evaluated from a lazily built, module-cached cubic spline of
    :math:`\psi(\tau) = \gamma h(x)(1+x)^{3/2}` in :math:`\tau = (1+|x|)^{-1/2}` (4096 uniform
    cells on [0, 1], values from the closed form of :func:`h_exact_reference`).  Accuracy:
    |error| <= 1.6e-13 absolute for all x, <= 3e-15 relative for |x| > 100; ``h_exact(0)``
    equals ``1/GAMMA`` to rounding.  Cost: ~20-30 ns per point.

    Parameters
    ----------
    x : array_like
        Scaled frequency :math:`x = b^{1/2}\omega` (any sign; h is even).

    Returns
    -------
    numpy.ndarray
        :math:`h(x)`; :math:`h(0) = 1/\gamma`, zero at x = 2.367462, :math:`h \sim -x^{-3/2}`.

    References
    ----------
    Gross & Kohn, PRL 55, 2850 (1985); Iwamoto & Gross, PRB 35, 3003 (1987); docs/theory.md, "GKI frequency dependence".
    """
    ax = np.minimum(np.abs(np.asarray(x, dtype=float)), _X_CLIP)
    return (_gamma_h_exact(np.atleast_1d(ax)) / GAMMA).reshape(ax.shape)


def gki_shape(x, h: str = "fit") -> tuple[np.ndarray, np.ndarray]:
    r"""Dimensionless GKI shape functions :math:`1 - \gamma h(x)` and :math:`\gamma g(x)`.

    Hot-path helper shared by :func:`f_gki` and the rMCP07 kernel:
    :math:`f^{GKI} = f_0 + \Delta\,\{[1 - \gamma h(x)] - i\,\gamma g(x)\}` with
    :math:`\Delta = f_\infty - f_0`.  Both outputs are new arrays; the first is exactly 0 at
    x = 0 (so that :math:`f^{GKI}(0) = f_0` bit-exactly).

    Parameters
    ----------
    x : array_like
        Scaled frequency :math:`b^{1/2}\omega` (any sign).
    h : {"fit", "exact"}
        Real-part shape (published fit :math:`h_r` or exact KK).

    Returns
    -------
    one_minus_gamma_h : numpy.ndarray
        :math:`1 - \gamma h(x)` (even in x).
    gamma_g : numpy.ndarray
        :math:`\gamma g(x)` (odd in x).

    References
    ----------
    docs/theory.md, "GKI frequency dependence".
    """
    check_h(h)
    x = np.asarray(x, dtype=float)
    shape = x.shape
    x = np.clip(np.atleast_1d(x), -_X_CLIP, _X_CLIP)
    x2 = x * x
    if h == "fit":
        gh = _gamma_h_fit(x2)
    else:
        gh = _gamma_h_exact(np.abs(x))
    np.subtract(1.0, gh, out=gh)
    # gamma g = gamma x / t^(5/4), t = 1 + x^2 (two square roots instead of np.power).
    t = x2
    t += 1.0
    s = np.sqrt(t)
    np.sqrt(s, out=s)
    s *= t
    gg = np.multiply(x, GAMMA)
    gg /= s
    return gh.reshape(shape), gg.reshape(shape)
