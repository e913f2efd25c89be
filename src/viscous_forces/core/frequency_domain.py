r"""Frequency-domain equations of motion of the diatomic impurity, Eqs. (12)-(13): the 2x2 solve and its limits.

With the J integrals of :mod:`viscous_forces.core.friction` (:math:`\tilde J = J/\omega \to -iQ` at
small :math:`\omega`) and the impurity of :mod:`viscous_forces.core.impurity`
(docs/theory.md, "Equations of motion"),

.. math::

    S_c &= (Z_1^2+Z_2^2)J_0 + 2Z_1Z_2J_g,\qquad
    X_c = (M_1Z_2^2 - M_2Z_1^2)J_0 + Z_1Z_2(M_1 - M_2)J_g,\\
    S_r &= (M_1Z_2^2/M_2 + M_2Z_1^2/M_1)J_0 - 2Z_1Z_2J_g,\qquad
    X_r = (Z_2^2/M_2 - Z_1^2/M_1)J_0 + (1/M_2 - 1/M_1)Z_1Z_2J_g,

and the 2x2 system :math:`A(\omega)\,[\delta V_c, \delta V_r]^T = b(\omega)\,\overline{\delta j}(\omega)`

.. math::

    A = \begin{pmatrix} -\omega + \tilde S_c/M_c & \tilde X_c/M_c^2 \\
                        \tilde X_r & -\omega + \tilde S_r/M_c + \lambda_g/(\mu\omega)\end{pmatrix},\quad
    b = \begin{pmatrix} -\sigma(Z_1+Z_2)\omega/(M_c\bar n) + \tilde S_c/(M_c\bar n) \\
                        -\sigma(Z_2/M_2 - Z_1/M_1)\omega/\bar n + \tilde X_r/\bar n\end{pmatrix},

:math:`\lambda_\parallel = Z_1Z_2U''(d)`, :math:`\lambda_\perp = -Z_1Z_2F(d)/d` (= 0 at :math:`d_{eq}`,
set exactly).  :math:`\sigma = +1` is the printed sign of the direct-field terms ("printed",
reproduces the paper); :math:`\sigma = -1` follows from Eqs. (4), (6), (7) ("derived";
docs/theory.md, "Deviations from the paper").
:math:`G_c = \delta V_c/\overline{\delta j}`, :math:`G_r = \delta V_r/\overline{\delta j}`
(bohr^3: velocity per particle-current density); :math:`\bar n G` is in units of the drift velocity.
"""

from __future__ import annotations

import numpy as np

from .impurity import Impurity

DIRECT_FIELD_SIGNS = {"printed": 1.0, "derived": -1.0}


def direct_field_sign(option: str) -> float:
    r"""sigma for the direct-field option: ``"printed"`` -> +1, ``"derived"`` -> -1.

    :math:`\sigma` multiplies the direct-field terms of Eqs. (12)-(13): +1 is the sign printed in the
    paper, -1 the sign that follows from Eqs. (4), (6), (7)
    (docs/theory.md, "Deviations from the paper").

    Parameters
    ----------
    option : str
        ``"printed"`` or ``"derived"`` (the configuration key ``direct_field_sign``,
        :data:`DIRECT_FIELD_SIGNS`).

    Returns
    -------
    float
        :math:`\sigma = +1` or :math:`-1`.

    Raises
    ------
    ValueError
        If ``option`` is not one of :data:`DIRECT_FIELD_SIGNS`.
    """
    if option not in DIRECT_FIELD_SIGNS:
        allowed = ", ".join(DIRECT_FIELD_SIGNS)
        raise ValueError(f"direct_field_sign must be one of {allowed}, got {option!r}")
    return DIRECT_FIELD_SIGNS[option]


# --------------------------------------------------------------------------------------------
# 2x2 system
# --------------------------------------------------------------------------------------------


def combinations(J0, Jg, imp: Impurity) -> dict[str, np.ndarray]:
    r"""S_c, X_c, S_r, X_r (docs/theory.md, "Equations of motion"); for J, J/omega or friction Q alike.

    .. math::

        S_c = (Z_1^2+Z_2^2)J_0 + 2Z_1Z_2J_g,\qquad
        X_c = (M_1Z_2^2 - M_2Z_1^2)J_0 + Z_1Z_2(M_1 - M_2)J_g,\\
        S_r = (M_1Z_2^2/M_2 + M_2Z_1^2/M_1)J_0 - 2Z_1Z_2J_g,\qquad
        X_r = (Z_2^2/M_2 - Z_1^2/M_1)J_0 + (1/M_2 - 1/M_1)Z_1Z_2J_g,

    the coefficients of the 2x2 system of Eqs. (12)-(13).

    Parameters
    ----------
    J0, Jg : ndarray or float
        :math:`J_0` and :math:`J_g` (or :math:`\tilde J = J/\omega`, or the friction coefficients
        :math:`Q_0`, :math:`Q_g`), broadcastable against each other.
    imp : Impurity
        Charges (e) and masses (m_e).

    Returns
    -------
    dict of str to ndarray
        ``"S_c"``, ``"X_c"``, ``"S_r"``, ``"X_r"``, in the units of the inputs times e^2 (times m_e
        for ``X_c``, divided by m_e for ``X_r``).
    """
    Z1, Z2, M1, M2 = imp.Z1, imp.Z2, imp.M1, imp.M2
    return {
        "S_c": (Z1**2 + Z2**2) * J0 + 2 * Z1 * Z2 * Jg,
        "X_c": (M1 * Z2**2 - M2 * Z1**2) * J0 + Z1 * Z2 * (M1 - M2) * Jg,
        "S_r": (M1 * Z2**2 / M2 + M2 * Z1**2 / M1) * J0 - 2 * Z1 * Z2 * Jg,
        "X_r": (Z2**2 / M2 - Z1**2 / M1) * J0 + (1 / M2 - 1 / M1) * Z1 * Z2 * Jg,
    }


def solve_2x2(omega, Jt0, Jtg, spring: float, imp: Impurity, n: float, sigma: float = 1.0):
    r"""Solve the 2x2 system of Eqs. (12)-(13) for :math:`G_c(\omega)`, :math:`G_r(\omega)`.

    .. math::

        A = \begin{pmatrix} -\omega + \tilde S_c/M_c & \tilde X_c/M_c^2 \\
                            \tilde X_r & -\omega + \tilde S_r/M_c + \lambda_g/(\mu\omega)\end{pmatrix},\quad
        b = \begin{pmatrix} -\sigma(Z_1+Z_2)\omega/(M_c\bar n) + \tilde S_c/(M_c\bar n) \\
                            -\sigma(Z_2/M_2 - Z_1/M_1)\omega/\bar n + \tilde X_r/\bar n\end{pmatrix},

    :math:`A\,(G_c, G_r)^T = b` solved by Cramer's rule, with :math:`\tilde S, \tilde X` the
    :func:`combinations` of :math:`\tilde J_0, \tilde J_g` (docs/theory.md, "Equations of motion").

    Parameters
    ----------
    omega : ndarray, shape (n,)
        Frequencies (Ha), finite and != 0 (the DC value :math:`G(0) = (1/\bar n, 0)` is exact and
        set by the caller; see :func:`dc_limit`).
    Jt0, Jtg : ndarray, complex
        :math:`J_0/\omega` and :math:`J_g/\omega` at ``omega``.
    spring : float
        :math:`\lambda_g` (Ha/bohr^2): Z1 Z2 U''(d_eq) for parallel, 0 for perpendicular.
    imp : Impurity
        Charges (e) and masses (m_e).
    n : float
        Electron density (bohr^-3).
    sigma : float
        Sign of the direct-field terms (+1 printed, -1 derived).

    Returns
    -------
    G_c, G_r : ndarray, shape (n,), complex
        :math:`G_c = \delta V_c/\overline{\delta j}` and :math:`G_r = \delta V_r/\overline{\delta j}`
        (bohr^3); :math:`\bar nG` is in units of the drift velocity.
    """
    omega = np.asarray(omega, dtype=float)
    if np.any(omega == 0) or not np.all(np.isfinite(omega)):
        raise ValueError("solve_2x2 needs finite omega != 0 Ha; use dc_limit() for omega = 0")
    c = combinations(Jt0, Jtg, imp)
    Mc, mu = imp.Mc, imp.mu
    a11 = -omega + c["S_c"] / Mc
    a12 = c["X_c"] / Mc**2
    a21 = c["X_r"]
    a22 = -omega + c["S_r"] / Mc + spring / (mu * omega)
    b1 = -sigma * (imp.Z1 + imp.Z2) * omega / (Mc * n) + c["S_c"] / (Mc * n)
    b2 = -sigma * (imp.Z2 / imp.M2 - imp.Z1 / imp.M1) * omega / n + c["X_r"] / n
    det = a11 * a22 - a12 * a21
    return (b1 * a22 - a12 * b2) / det, (a11 * b2 - a21 * b1) / det


def dc_limit(n: float) -> tuple[complex, complex]:
    r""":math:`G(0) = (1/\bar n, 0)`: the impurity drifts with the electrons (docs/theory.md, "Limits").

    Parameters
    ----------
    n : float
        Electron density :math:`\bar n` (bohr^-3).

    Returns
    -------
    G_c, G_r : complex
        :math:`G_c(0) = 1/\bar n` and :math:`G_r(0) = 0` (bohr^3).
    """
    return complex(1.0 / n), 0j


def high_frequency_limit(imp: Impurity, n: float, sigma: float = 1.0) -> tuple[float, float]:
    r""":math:`G(\infty) = (\sigma(Z_1+Z_2)/(M_c\bar n),\ \sigma(Z_2/M_2 - Z_1/M_1)/\bar n)`.

    The instantaneous response to the direct field (docs/theory.md, "Limits").

    Parameters
    ----------
    imp : Impurity
        Charges (e) and masses (m_e).
    n : float
        Electron density :math:`\bar n` (bohr^-3).
    sigma : float
        Sign of the direct-field terms (+1 printed, -1 derived), :func:`direct_field_sign`.

    Returns
    -------
    G_c, G_r : float
        :math:`G_c(\infty)` and :math:`G_r(\infty)` (bohr^3).
    """
    return sigma * (imp.Z1 + imp.Z2) / (imp.Mc * n), sigma * (imp.Z2 / imp.M2 - imp.Z1 / imp.M1) / n


def interpolate_jtilde(omega_j: np.ndarray, jt: np.ndarray, friction: float, omega: np.ndarray) -> np.ndarray:
    r"""J/omega at ``omega`` from its values on the log-spaced J grid and its exact limit -iQ at 0.

    Cubic spline in :math:`\ln\omega` on the J grid; linear between 0 and the first grid point
    (:math:`\tilde J = -iQ + O(\omega)`):

    .. math::

        \tilde J(\omega) = \Big(1 - \frac{\omega}{\omega_1}\Big)(-iQ) + \frac{\omega}{\omega_1}\tilde J(\omega_1),
        \qquad 0 \le \omega < \omega_1

    (docs/theory.md, "Numerical grids").

    Parameters
    ----------
    omega_j : ndarray, shape (m,)
        Frequencies of the J grid (Ha), increasing, > 0; :math:`\omega_1` = ``omega_j[0]``.
    jt : ndarray, shape (m,), complex
        :math:`\tilde J = J/\omega` on ``omega_j`` (m_e/a.u. of time).
    friction : float
        The friction coefficient Q of the same integral (m_e/a.u. of time), :func:`friction_coefficients`.
    omega : ndarray
        Frequencies (Ha), >= 0; above ``omega_j[-1]`` the spline extrapolates.

    Returns
    -------
    ndarray, complex
        :math:`\tilde J(\omega)`, the shape of ``omega`` (m_e/a.u. of time).
    """
    from scipy.interpolate import CubicSpline  # lazy: scipy.interpolate costs ~0.25 s to import

    spline = CubicSpline(np.log(omega_j), jt)
    out = np.empty(omega.shape, complex)
    above = omega >= omega_j[0]
    out[above] = spline(np.log(omega[above]))
    lo = ~above
    frac = omega[lo] / omega_j[0]
    out[lo] = (1 - frac) * (-1j * friction) + frac * jt[0]
    return out
