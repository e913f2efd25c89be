"""Independent implementations used only to check the package (test oracles).

Every function here computes something the package also computes, by a different method:
adaptive quadrature (``scipy.integrate.quad``) instead of composite Gauss-Legendre grids,
Bessel functions from ``scipy.special`` instead of the package's shared sin/cos evaluation, a
finite-difference friction density instead of the analytic slope, the two-nucleus (1, 2) basis
instead of the (c.m., relative) basis, ODE integration instead of an eigen-decomposition, the
"Re form" of the step response instead of the "Im form", and the complex-logarithm form of the
Lindhard function instead of the piecewise real form.  None of this is used by the workflow.

The only package functions used here are the ingredients that have their own reference-table
tests: the Lindhard function, the exchange-correlation kernels and the electron-gas parameters.
Equation numbers refer to Nazarov, Todorov, Gross, PRL 133, 026301 (2024); section names to
docs/theory.md.  Hartree atomic units.
"""

from __future__ import annotations

import cmath
import math
import warnings

import numpy as np
from scipy import integrate, special
from scipy.optimize import brentq, minimize_scalar

from viscous_forces.core.electron_gas import ElectronGas
from viscous_forces.core.kernels import get_kernel
from viscous_forces.core.lindhard import lindhard

#: Relative accuracy requested from QUADPACK in every oracle.
EPSREL = 1e-12


def _quad(f, a, b, **kw):
    """quad with the oracles' accuracy; QUADPACK's roundoff notes are expected near 1e-13."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        val, _ = integrate.quad(
            f, a, b, epsabs=kw.pop("epsabs", 0.0), epsrel=kw.pop("epsrel", EPSREL), limit=kw.pop("limit", 2000), **kw
        )
    return val


# --------------------------------------------------------------------------------------------
# Response functions
# --------------------------------------------------------------------------------------------


def lindhard_complex_log(q, omega, kF, eta=1e-14):
    r"""Lindhard :math:`\chi_s(q,\omega + i\eta)` from the single analytic (complex-log) formula.

    :math:`\chi_s = -(k_F/\pi^2)F`, :math:`F = 1/2 + (1/8z)\sum_\pm (1-\nu_\pm^2)
    \mathrm{Log}[(\nu_\pm + 1)/(\nu_\pm - 1)]` with :math:`\nu_\pm = z \mp u` and complex
    :math:`u = \omega/(q k_F) + i\eta` (Lindhard 1954; Giuliani & Vignale Sec. 4.4).  The
    principal logarithm is analytic in the upper half plane; for real frequencies the
    dimensionless ``eta`` must be tiny and positive.  Loses accuracy where both logarithms nearly
    cancel (|u| >> 1 + z).
    """
    q = np.asarray(q, dtype=float)
    z = q / (2 * kF)
    u = np.asarray(omega, dtype=float) / (q * kF) + 1j * eta
    F = 0.5 + 0j
    for nu in (z - u, z + u):
        F = F + (1 - nu * nu) * np.log((nu + 1) / (nu - 1)) / (8 * z)
    return -kF / np.pi**2 * F


def chi_interacting(q, omega, rs, kernel, params=None):
    r"""Eq. (15) written out: :math:`\chi = \chi_s/(1 - (4\pi/q^2 + f_{xc})\chi_s)`."""
    gas = ElectronGas(rs)
    kern = get_kernel(kernel)
    p = kern.params(**(params or {}))
    f = kern(q, omega, rs, **p)
    chi_s = lindhard(q, omega, gas.kF)
    return chi_s / (1.0 - (4 * np.pi / np.asarray(q) ** 2 + f) * chi_s)


# --------------------------------------------------------------------------------------------
# Statics, Eqs. (9)-(10): adaptive quadrature to infinity
# --------------------------------------------------------------------------------------------


def _spherical(d):
    """Angular weights of docs/theory.md (Statics, Angular integrals) from scipy.special."""

    def j0(q):
        return special.spherical_jn(0, q * d)

    def j1x(q):
        return special.spherical_jn(1, q * d) / (q * d)

    def wpar(q):
        return special.spherical_jn(1, q * d) / (q * d) - special.spherical_jn(2, q * d)

    return j0, j1x, wpar


def static_integrals(rs, kernel, d, params=None, q_split=40.0):
    """U(d), F(d), U''(d) (per unit Z1 Z2) of Eqs. (9)-(10) by adaptive quadrature on [0, inf).

    The q-range is split at 2kF and at ``q_split`` kF; beyond, the integrands are written as
    (smooth) x sin(qd) and (smooth) x cos(qd) and integrated by QUADPACK's Fourier rule (QAWF),
    so nothing is truncated.
    """
    kF = ElectronGas(rs).kF

    def chi0(q):
        return float(np.real(chi_interacting(np.atleast_1d(q), 0.0, rs, kernel, params))[0])

    j0, j1x, wpar = _spherical(d)
    edges = [0.0, 2 * kF, q_split * kF]
    parts = {"U": lambda q: chi0(q) * j0(q) / q**2, "F": lambda q: chi0(q) * j1x(q), "K": lambda q: chi0(q) * wpar(q)}
    head = {k: sum(_quad(f, a, b) for a, b in zip(edges[:-1], edges[1:])) for k, f in parts.items()}
    Q = edges[-1]
    # Tails: j0/q^2 = sin(x)/(d q^3);  j1/x = (sin x - x cos x)/x^3;  w_par = sin x/x - 2 j1/x.
    s = lambda g: _quad(g, Q, np.inf, weight="sin", wvar=d, epsabs=1e-18)  # noqa: E731
    c = lambda g: _quad(g, Q, np.inf, weight="cos", wvar=d, epsabs=1e-18)  # noqa: E731
    tail_u = s(lambda q: chi0(q) / (d * q**3))
    tail_f = s(lambda q: chi0(q) / (q * d) ** 3) - c(lambda q: chi0(q) / (q * d) ** 2)
    tail_k = s(lambda q: chi0(q) / (q * d)) - 2 * tail_f
    U = 1 / d + 8 * (head["U"] + tail_u)
    F = d * (1 / d**3 + 8 * (head["F"] + tail_f))
    K = 2 / d**3 - 8 * (head["K"] + tail_k)
    return U, F, K


def equilibrium(rs, kernel, d_guess, params=None, half_width=0.02):
    """d_eq: root of the quadrature force F(d) within ``d_guess`` +- ``half_width`` (bohr)."""

    def force(d):
        return static_integrals(rs, kernel, d, params)[1]

    return brentq(force, d_guess - half_width, d_guess + half_width, xtol=1e-13, rtol=1e-15)


def pair_statics_on_nodes(d, q, w, chi0):
    """U, F, U'' (per unit Z1 Z2) on given quadrature nodes, with scipy.special Bessel functions.

    Same quadrature rule as the package, different evaluation of the angular weights.
    """
    d = np.atleast_1d(np.asarray(d, dtype=float))
    x = np.multiply.outer(d, q)
    j0 = special.spherical_jn(0, x)
    j1 = special.spherical_jn(1, x)
    j2 = special.spherical_jn(2, x)
    U = 1 / d + 8 * (j0 / q**2) @ (w * chi0)
    F = d * (1 / d**3 + 8 * (j1 / x) @ (w * chi0))
    K = 2 / d**3 - 8 * (j1 / x - j2) @ (w * chi0)
    return U, F, K


def thomas_fermi_potential(d, kTF):
    """Screened Coulomb U = exp(-kTF d)/d and F = -dU/dd: Eq. (10) with the Thomas-Fermi chi."""
    return np.exp(-kTF * d) / d, np.exp(-kTF * d) * (1 + kTF * d) / d**2


# --------------------------------------------------------------------------------------------
# Friction and the J integrals, Eqs. (12)-(13)
# --------------------------------------------------------------------------------------------

#: Finite-difference frequency of the friction oracle, in units of E_F: Im chi is odd in omega,
#: so a(q) = -Im chi(q, delta)/delta has a relative error O((delta/(q kF))^2) < 1e-12 for
#: q > 1e-3 kF (where all the weight is).
FRICTION_DELTA = 1e-9


def friction(rs, kernel, d, params=None):
    r"""Friction coefficients :math:`Q_0, Q_\parallel(d), Q_\perp(d)` (docs/theory.md, Friction).

    :math:`a(q) = -\mathrm{Im}\,\chi^h(q, \delta)/\delta` from the full response (Lindhard,
    kernel, Eq. 15) at a tiny frequency, instead of the analytic slope; then
    :math:`Q_0 = \tfrac83\int a`, :math:`Q_g = 8\int a\,w_g(qd)` by adaptive quadrature.
    """
    gas = ElectronGas(rs)
    kF = gas.kF
    delta = FRICTION_DELTA * gas.EF

    def a(q):
        return -float(np.imag(chi_interacting(np.atleast_1d(q), delta, rs, kernel, params))[0]) / delta

    _, j1x, wpar = _spherical(d)
    edges = [0.0, 2 * kF, 10 * kF, 60 * kF]
    tot = {"J0": 0.0, "parallel": 0.0, "perpendicular": 0.0}
    for lo, hi in zip(edges[:-1], edges[1:]):
        tot["J0"] += _quad(a, lo, hi, epsabs=1e-16)
        tot["parallel"] += _quad(lambda q: a(q) * wpar(q), lo, hi, epsabs=1e-16)
        tot["perpendicular"] += _quad(lambda q: a(q) * j1x(q), lo, hi, epsabs=1e-16)
    return {"J0": 8 / 3 * tot["J0"], "parallel": 8 * tot["parallel"], "perpendicular": 8 * tot["perpendicular"]}


def lindhard_winther(rs, z=1.0):
    r"""RPA friction of a slow ion of charge z (Lindhard & Winther; docs/theory.md, Friction).

    :math:`Q = \frac{4z^2}{3\pi}\int_0^{2k_F} dq/(q\,\varepsilon_{RPA}(q,0)^2)`.
    """
    kF = ElectronGas(rs).kF

    def integrand(q):
        eps = 1.0 - 4.0 * np.pi / q**2 * float(lindhard(q, 0.0, kF).real)
        return 1.0 / (q * eps * eps)

    return 4.0 * z * z / (3.0 * np.pi) * _quad(integrand, 0.0, 2.0 * kF, epsrel=1e-13)


def j_integrals(rs, kernel, d, omega, q_max, params=None):
    r"""J_0, J_par, J_perp at one frequency by adaptive quadrature over [0, q_max] (docs/theory.md).

    :math:`J_0 = \tfrac83\int\Delta\chi`, :math:`J_g = 8\int\Delta\chi\,w_g(qd)`, with breakpoints
    at 2kF and the particle-hole continuum edges.
    """
    kF = ElectronGas(rs).kF
    _, j1x, wpar = _spherical(d)
    root_p = np.sqrt(kF**2 + 2 * omega)
    pts = {2 * kF, -kF + root_p, kF + root_p}
    if 2 * omega < kF**2:
        pts |= {kF - np.sqrt(kF**2 - 2 * omega), kF + np.sqrt(kF**2 - 2 * omega)}
    edges = [0.0] + sorted(p for p in pts if 0 < p < q_max) + [q_max]
    # beyond the continuum, cut every half period of the angular weight: QUADPACK then converges
    # on each piece (one adaptive call over ~30 oscillations stalls at ~1e-10 relative)
    tail = np.arange(edges[-2], q_max, np.pi / d)[1:]
    edges = sorted(set(edges) | set(tail))

    values: dict[float, complex] = {}  # the six integrals below share most of their nodes

    def dchi(q):
        q = float(q)
        if q not in values:
            qa = np.array([q])
            values[q] = complex(
                (chi_interacting(qa, omega, rs, kernel, params) - chi_interacting(qa, 0.0, rs, kernel, params))[0]
            )
        return values[q]

    out = {}
    for key, weight, pref in (("J0", lambda q: 1.0, 8 / 3), ("parallel", wpar, 8.0), ("perpendicular", j1x, 8.0)):
        tot = 0j
        for a, b in zip(edges[:-1], edges[1:]):
            re = _quad(lambda q: (dchi(q) * weight(q)).real, a, b, epsabs=1e-18)
            im = _quad(lambda q: (dchi(q) * weight(q)).imag, a, b, epsabs=1e-18)
            tot += re + 1j * im
        out[key] = pref * tot
    return out


# --------------------------------------------------------------------------------------------
# Equations of motion in the (nucleus 1, nucleus 2) basis
# --------------------------------------------------------------------------------------------


def solve_newton(omega, Jt0, Jtg, spring, Z1, Z2, M1, M2, n, sigma=1.0):
    r"""G_c, G_r from Newton's equations for each nucleus, point by point (docs/theory.md).

    .. math::

        -i\omega M_\alpha\delta V_\alpha = -\sigma i\omega Z_\alpha v
          + \sum_\gamma Z_\alpha Z_\gamma J_{\alpha\gamma}\,\tfrac{i}{\omega}(v - \delta V_\gamma)
          \mp \lambda\,\tfrac{i}{\omega}(\delta V_2 - \delta V_1)

    (- for alpha = 2), :math:`J_{11} = J_{22} = J_0`, :math:`J_{12} = J_g`, :math:`v = 1/\bar n`
    per unit current; ``spring`` is the restoring constant lambda for these charges.
    """
    omega = np.atleast_1d(np.asarray(omega, dtype=float))
    Z = np.array([Z1, Z2], dtype=float)
    M = np.array([M1, M2], dtype=float)
    Gc = np.empty(omega.shape, complex)
    Gr = np.empty(omega.shape, complex)
    for k, om in enumerate(omega):
        J = np.array([[Jt0[k], Jtg[k]], [Jtg[k], Jt0[k]]]) * om
        A = np.diag(-1j * om * M).astype(complex) + (1j / om) * np.outer(Z, Z) * J
        A += (1j / om) * spring * np.array([[1.0, -1.0], [-1.0, 1.0]])
        rhs = -sigma * 1j * om * Z / n + (1j / om) * (np.outer(Z, Z) * J).sum(axis=1) / n
        V1, V2 = np.linalg.solve(A, rhs)
        Gc[k] = (M1 * V1 + M2 * V2) / (M1 + M2)
        Gr[k] = V2 - V1
    return Gc, Gr


def markov_matrix(Q0, Qg, spring, Z1, Z2, M1, M2):
    r"""Constant-friction equations of motion in the (V1, V2, R = R2 - R1) basis.

    :math:`M_\alpha\dot V_\alpha = \sum_\gamma Z_\alpha Z_\gamma Q_{\alpha\gamma}(v - V_\gamma)
    \pm\lambda R + \sigma Z_\alpha\dot v` (+ for alpha = 1), :math:`\dot R = V_2 - V_1`;
    returns (A, B) of :math:`\dot x = A x + B v` (the jump :math:`\sigma Z_\alpha/M_\alpha` is
    the initial condition of a unit step).
    """
    Q = np.array([[Q0, Qg], [Qg, Q0]])
    Z = np.array([Z1, Z2])
    M = np.array([M1, M2])
    fr = np.outer(Z, Z) * Q
    A = np.zeros((3, 3))
    A[:2, :2] = -fr / M[:, None]
    A[0, 2] = spring / M1
    A[1, 2] = -spring / M2
    A[2, :2] = (-1.0, 1.0)
    B = np.append(fr.sum(axis=1) / M, 0.0)
    return A, B


def markov_step_response(t, Q0, Qg, spring, Z1, Z2, M1, M2, sigma=1.0):
    """V_c(t), V_r(t) after a unit step of the drift velocity, by ODE integration (DOP853)."""
    A, B = markov_matrix(Q0, Qg, spring, Z1, Z2, M1, M2)
    x0 = np.array([sigma * Z1 / M1, sigma * Z2 / M2, 0.0])
    t = np.asarray(t, dtype=float)
    sol = integrate.solve_ivp(
        lambda s, x: A @ x + B, (0.0, t.max()), x0, t_eval=t, rtol=1e-12, atol=1e-15, method="DOP853"
    )
    V1, V2 = sol.y[0], sol.y[1]
    return (M1 * V1 + M2 * V2) / (M1 + M2), V2 - V1


# --------------------------------------------------------------------------------------------
# Time domain
# --------------------------------------------------------------------------------------------


def step_response_re_form(omega, G, t, G_inf):
    r"""Unit-step response by the "Re form" (docs/theory.md, Time domain), a Kramers-Kronig check.

    :math:`S(t) = (2/\pi)\int_0^\infty \mathrm{Re}\,G\,\sin(\omega t)/\omega\,d\omega` with Re G
    piecewise linear between the grid points: on each interval
    :math:`\int(\alpha + \beta\omega)\sin(\omega t)/\omega = \alpha\,\Delta\mathrm{Si} - \beta\,\Delta\cos(\omega t)/t`;
    beyond the grid :math:`\mathrm{Re}\,G \to G_\infty`.
    """
    omega = np.asarray(omega, dtype=float)
    G = np.asarray(G)
    g = (G[:, None] if G.ndim == 1 else G).real
    t = np.asarray(t, dtype=float)
    beta = np.diff(g, axis=0) / np.diff(omega)[:, None]
    alpha = g[:-1] - beta * omega[:-1, None]
    tb = np.abs(t)[:, None]
    si, _ = special.sici(tb * omega[None, :])
    cos = np.cos(tb * omega[None, :]) / np.where(tb > 0, tb, 1.0)
    out = np.diff(si, axis=1) @ alpha - np.diff(cos, axis=1) @ beta
    si_end, _ = special.sici(np.abs(t) * omega[-1])
    out += (0.5 * np.pi - si_end)[:, None] * np.asarray(G_inf, dtype=float).reshape(1, -1)
    S = np.where(t[:, None] > 0, (2.0 / np.pi) * out, 0.0)
    return S[:, 0] if G.ndim == 1 else S


def filon_reference(omega, f, t):
    """int f(w) cos(w t) dw with f the piecewise-linear interpolant, by QUADPACK's cosine rule per interval."""
    total = 0.0
    for a, b, fa, fb in zip(omega[:-1], omega[1:], f[:-1], f[1:]):
        slope = (fb - fa) / (b - a)
        total += _quad(lambda x: fa + slope * (x - a), a, b, weight="cos", wvar=t, epsabs=1e-16)
    return total


def _lindhard_F_mp(z, u):
    r""":math:`F = 1/2 + (1/8z)\sum_\pm (1-\nu_\pm^2)\,\mathrm{Log}[(\nu_\pm + 1)/(\nu_\pm - 1)]`, :math:`\nu_\pm = z \mp u`,
    of :func:`lindhard_complex_log`, in the working precision of mpmath (u real or complex)."""
    import mpmath

    F = mpmath.mpf(1) / 2
    for nu in (z - u, z + u):
        F += (1 - nu * nu) * mpmath.log((nu + 1) / (nu - 1)) / (8 * z)
    return F


def lindhard_rpa_chi_mp(q, omega, rs, digits=40):
    r"""RPA :math:`\chi^h = \chi_s/(1 - (4\pi/q^2)\chi_s)` (Eq. 15, f_xc = 0) with :math:`\chi_s` from the
    complex-log formula of :func:`lindhard_complex_log`, in ``digits``-digit arithmetic (mpmath), point by
    point, rounded to complex128.

    In double precision the complex-log formula cancels catastrophically for omega >> q k_F (relative
    error ~ eps u^4); at 40 digits that costs nothing.
    """
    import mpmath

    out = []
    with mpmath.workdps(digits):
        kF = mpmath.cbrt(9 * mpmath.pi / 4) / mpmath.mpf(rs)
        for qq, ww in zip(np.ravel(q), np.ravel(omega)):
            qq, ww = mpmath.mpf(float(qq)), mpmath.mpf(float(ww))
            z = qq / (2 * kF)
            u = mpmath.mpc(ww / (qq * kF), mpmath.mpf(10) ** (-digits // 2))
            chi_s = -kF / mpmath.pi**2 * _lindhard_F_mp(z, u)
            out.append(complex(chi_s / (1 - 4 * mpmath.pi / qq**2 * chi_s)))
    return np.reshape(out, np.shape(q))


def rpa_plasmon_mp(q, rs, digits=30):
    r"""RPA plasmon: the zero of :math:`1 - (4\pi/q^2)\chi_s(q, \omega)` above the particle-hole continuum,
    :math:`\omega > qk_F + q^2/2`, where :math:`\chi_s` is real (Lindhard with real logarithms), by the
    Illinois method in ``digits``-digit arithmetic (mpmath); NaN where there is no sign change.
    """
    import mpmath

    out = []
    with mpmath.workdps(digits):
        kF = mpmath.cbrt(9 * mpmath.pi / 4) / mpmath.mpf(rs)
        wp = mpmath.sqrt(3 / mpmath.mpf(rs) ** 3)
        for qq in np.ravel(q):
            qq = mpmath.mpf(float(qq))
            z = qq / (2 * kF)

            def eps(w, qq=qq, z=z):  # above the continuum both log arguments are positive: chi_s is real
                return 1 + 4 * mpmath.pi / qq**2 * kF / mpmath.pi**2 * _lindhard_F_mp(z, w / (qq * kF))

            lo = (qq * kF + qq * qq / 2) * (1 + mpmath.mpf(10) ** -20)
            hi = 10 * wp + qq * kF + qq * qq
            if not eps(lo) < 0 < eps(hi):
                out.append(np.nan)
                continue
            out.append(
                float(mpmath.findroot(eps, (lo, hi), solver="illinois", tol=mpmath.mpf(10) ** (-2 * digits // 3)))
            )
    return np.reshape(out, np.shape(q))


def rpa_condition_number(q, chi):
    r"""Condition number :math:`|v\chi_s/(1 - v\chi_s)|` of Eq. (15) in the RPA, from :math:`\chi^h` itself.

    A relative error e of :math:`\chi_s` becomes about :math:`(1 + \kappa) e` in :math:`\chi^h`: large
    on the plasmon, where :math:`1 - v\chi_s \to 0`.
    """
    v = 4 * np.pi / np.asarray(q, float) ** 2
    v_chi_s = v * chi / (1 + v * chi)
    return np.abs(v_chi_s / (1 - v_chi_s))


# --------------------------------------------------------------------------------------------
# Clusters: Newton's equations for the displacements, one nucleus and one 3x3 block at a time
# --------------------------------------------------------------------------------------------


def pair_tensor(par, perp, n):
    """par n n^T + perp (I - n n^T) for a unit vector n (3x3)."""
    n = np.asarray(n, float)
    return perp * np.eye(3) + (par - perp) * np.outer(n, n)


def cluster_hessian_fd(Z, R, pair_energy, h=1e-2):
    """Hessian of E = sum_{a<b} Z_a Z_b U(d_ab): central second differences of E with steps h and h/2 (bohr),
    Richardson-extrapolated (error O(h^4) plus rounding ~ eps |E|/h^2)."""
    return (4.0 * _hessian_fd(Z, R, pair_energy, 0.5 * h) - _hessian_fd(Z, R, pair_energy, h)) / 3.0


def _hessian_fd(Z, R, pair_energy, h):
    Z = np.asarray(Z, float)
    x0 = np.asarray(R, float).ravel()
    N = Z.size

    def energy(x):
        P = x.reshape(N, 3)
        return sum(
            Z[a] * Z[b] * float(pair_energy(np.array([np.linalg.norm(P[b] - P[a])]))[0])
            for a in range(N)
            for b in range(a + 1, N)
        )

    H = np.zeros((3 * N, 3 * N))
    for i in range(3 * N):
        for j in range(i, 3 * N):
            ei, ej = np.eye(3 * N)[i] * h, np.eye(3 * N)[j] * h
            H[i, j] = H[j, i] = (
                energy(x0 + ei + ej) - energy(x0 + ei - ej) - energy(x0 - ei + ej) + energy(x0 - ei - ej)
            ) / (4 * h * h)
    return H


def cluster_newton(omega, Z, M, R, e, jt0, jt_pair, hessian, sigma=1.0):
    r"""Velocities per unit drift velocity from Newton's equations for the displacements R_a.

    :math:`-\omega^2M_aR_a = \sum_g Z_aZ_gJ_{ag}(u - R_g) - \sum_b H_{ab}R_b - \sigma Z_a\omega^2u`, with the
    electron displacement :math:`u = i\mathbf e/\omega` (drift velocity :math:`-i\omega u = \mathbf e`),
    :math:`J = \omega\tilde J`, :math:`J_{aa} = J_0 I` and :math:`J_{ag} = J_\parallel\hat n\hat n^T +
    J_\perp(I - \hat n\hat n^T)`; then :math:`V_a = -i\omega R_a`.  Built block by block in loops;
    ``jt_pair[(a, b)] = (jt_par, jt_perp)`` at ``omega`` for a < b.
    """
    Z, M, R, e = (np.asarray(x, float) for x in (Z, M, R, e))
    N = Z.size
    u = 1j * e / omega
    A = np.zeros((3 * N, 3 * N), complex)
    rhs = np.zeros(3 * N, complex)
    for a in range(N):
        sa = slice(3 * a, 3 * a + 3)
        A[sa, sa] += -(omega**2) * M[a] * np.eye(3)
        rhs[sa] += -sigma * Z[a] * omega**2 * u
        for g in range(N):
            sg = slice(3 * g, 3 * g + 3)
            if g == a:
                J = omega * jt0 * np.eye(3)
            else:
                lo, hi = min(a, g), max(a, g)
                par, perp = jt_pair[(lo, hi)]
                J = omega * pair_tensor(par, perp, (R[g] - R[a]) / np.linalg.norm(R[g] - R[a]))
            # friction and wind: + Z_a Z_g J (u - R_g) -> -Z_a Z_g J R_g on the left, + ... u on the right
            A[sa, sg] += Z[a] * Z[g] * J
            rhs[sa] += Z[a] * Z[g] * J @ u
    A += hessian
    return (-1j * omega * np.linalg.solve(A, rhs)).reshape(N, 3)


# --------------------------------------------------------------------------------------------
# Stopping power (docs/theory.md, "Stopping power"): the RPA by nested adaptive quadrature
# --------------------------------------------------------------------------------------------


def _rpa_above_continuum(q, omega, kF):
    r"""RPA :math:`\varepsilon(q,\omega)` and :math:`\partial_\omega\varepsilon` above the continuum, closed form.

    There :math:`\chi_s = -(k_F/\pi^2)F(z, u)` is real, :math:`F = 1/2 + (1/8z)\sum_\pm(1 - \nu_\pm^2)
    \ln[(\nu_\pm + 1)/(\nu_\pm - 1)]`, :math:`\nu_\pm = z \mp u`, :math:`z = q/2k_F`, :math:`u = \omega/qk_F`
    (Lindhard 1954), and :math:`\partial F/\partial u = (1/4z)[\nu_+\ln(\ldots)_+ - \nu_-\ln(\ldots)_-]`
    (the derivative of :math:`(1 - \nu^2)\ln[(\nu+1)/(\nu-1)]` is :math:`-2\nu\ln[\ldots] + 2`; the 2s cancel).
    """
    z = q / (2 * kF)
    u = omega / (q * kF)
    nm, npl = z - u, z + u
    lm, lp = np.log((nm + 1) / (nm - 1)), np.log((npl + 1) / (npl - 1))
    F = 0.5 + ((1 - nm * nm) * lm + (1 - npl * npl) * lp) / (8 * z)
    dF_du = (nm * lm - npl * lp) / (4 * z)
    v = 4 * np.pi / q**2
    eps = 1 + v * kF / np.pi**2 * F
    deps = v * kF / np.pi**2 * dF_du / (q * kF)
    return eps, deps


def rpa_plasmon(q, rs):
    r"""RPA plasmon :math:`\omega_{pl}(q)` (Brent on the closed form above the continuum) and its weight
    :math:`W = \int\omega\,\mathrm{Im}[-1/\varepsilon]\,d\omega = \pi\omega_{pl}/\partial_\omega\varepsilon` (the
    residue of :math:`-1/\varepsilon` at its pole; :math:`(4\pi/q^2)\chi_s = 1` there), (NaN, NaN) once the
    plasmon has entered the continuum."""
    gas = ElectronGas(rs)
    kF = gas.kF
    lo = (q * kF + q * q / 2) * (1 + 1e-12)
    hi = 10 * gas.omega_p + q * kF + q * q
    if not (_rpa_above_continuum(q, lo, kF)[0] < 0 < _rpa_above_continuum(q, hi, kF)[0]):
        return np.nan, np.nan
    w = brentq(lambda x: _rpa_above_continuum(q, x, kF)[0], lo, hi, xtol=1e-15, rtol=1e-15)
    return w, np.pi * w / _rpa_above_continuum(q, w, kF)[1]


def rpa_stopping(v, rs, Z=1.0, epsrel=1e-10):
    r"""RPA stopping power (Ha/bohr) by nested adaptive quadrature of the Lindhard double integral.

    :math:`S = (2Z^2/\pi v^2)\int_0^\infty dk/k\int_0^{kv}d\omega\,\omega\,\mathrm{Im}[-1/\varepsilon]`: the
    particle-hole continuum by ``quad`` in omega inside ``quad`` in k, with the complex-log Lindhard function
    (:func:`lindhard_complex_log`); the plasmon as its residue :func:`rpa_plasmon` integrated in k over the
    interval where :math:`\omega_{pl}(k) < kv` (its ends found by Brent on a scan).  Returns (continuum,
    plasmon).
    """
    gas = ElectronGas(rs)
    kF = gas.kF

    def loss(k, w):  # -Im 1/eps = -(4 pi/k^2) Im chi^h, chi_s of lindhard_complex_log in scalar cmath (fast)
        z, u = k / (2 * kF), complex(w / (k * kF), 1e-14)
        F = 0.5 + sum((1 - nu * nu) * cmath.log((nu + 1) / (nu - 1)) for nu in (z - u, z + u)) / (8 * z)
        vchi_s = -(4 * math.pi / (k * k)) * kF / math.pi**2 * F
        return -(vchi_s / (1 - vchi_s)).imag

    def inner(k):
        top = min(k * v, k * kF + k * k / 2)
        bottom = max(0.0, k * k / 2 - k * kF)
        if top <= bottom:
            return 0.0
        kink = k * kF - k * k / 2  # the lower continuum edge for k < 2 kF bounds the region w > kink
        pts = [kink] if bottom < kink < top else None
        return _quad(lambda w: w * loss(k, w), bottom, top, points=pts, epsrel=epsrel, epsabs=0.0) / k

    # the plasmon meets the continuum at k_c (the zero of eps along the upper edge q kF + q^2/2), where the
    # continuum's loss peaks sharply at its upper edge
    def edge(k):
        return _rpa_above_continuum(k, (k * kF + k * k / 2) * (1 + 1e-12), kF)[0]

    k_c = brentq(edge, 1e-3 * kF, 4 * kF, xtol=1e-15)
    k_end = 2 * (v + kF)
    pts = sorted({p for p in (2 * abs(kF - v), 2 * kF, k_c) if 0 < p < k_end})
    edges = [0.0, *pts, k_end]
    continuum = sum(_quad(inner, a, b, epsrel=epsrel, epsabs=0.0) for a, b in zip(edges[:-1], edges[1:]))

    # plasmon: the k in (0, k_c) with omega_pl(k) < k v; the phase velocity omega_pl/k falls from infinity to
    # its minimum at k_m and may rise again up to k_c: one root of omega_pl = k v on each side
    def gap(k):
        return rpa_plasmon(k, rs)[0] - k * v

    k_top = k_c * (1 - 1e-12)
    k_m = minimize_scalar(lambda k: rpa_plasmon(k, rs)[0] / k, bounds=(0.05 * k_c, k_top), method="bounded",
                          options={"xatol": 1e-12 * k_c}).x  # fmt: skip
    plasmon = 0.0
    if gap(k_m) < 0:
        a = brentq(gap, 0.5 * gas.omega_p / v, k_m, xtol=1e-15)  # omega_pl > omega_p > k v below it
        b = brentq(gap, k_m, k_top, xtol=1e-15) if gap(k_top) > 0 else k_c
        plasmon = _quad(lambda k: rpa_plasmon(k, rs)[1] / k, a, b, epsrel=epsrel, epsabs=0.0)
    pref = 2 * Z * Z / (np.pi * v * v)
    return pref * continuum, pref * plasmon
