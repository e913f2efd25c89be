r"""Frequency-domain equations of motion of the diatomic impurity, Eqs. (12)-(13).

The q-space integrals of Eqs. (12)-(13) reduce, by the angular identity
:math:`\int d\Omega_q\,\hat q\hat q\,e^{i\mathbf q\cdot\mathbf d} = 4\pi[(j_1/x)\,I - j_2\,\hat d\hat d]`
(docs/theory.md, "Angular integrals"), to 1D integrals for the two decoupled geometries
:math:`g \in \{\parallel, \perp\}` (current along / across the molecular axis):

.. math::

    J_0(\omega) = \tfrac83\int_0^\infty dq\,\Delta\chi,\qquad
    J_g(\omega) = 8\int_0^\infty dq\,\Delta\chi\,w_g(qd),\qquad
    \Delta\chi = \chi^h(q,\omega) - \chi^h(q,0),

with :math:`w_\parallel = j_0 - 2j_1/x`, :math:`w_\perp = j_1/x`.  Everything is :math:`O(\omega)`
at small :math:`\omega`, so the code works with :math:`\tilde J = J/\omega \to -iQ`, the friction
coefficients (docs/theory.md, "Friction").  Then (docs/theory.md, "Equations of motion")

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

from dataclasses import dataclass

import numpy as np

from ..constants import M_DEUTERON, M_PROTON, M_TRITON
from .statics import angular_weights

GEOMETRIES = ("parallel", "perpendicular")
DIRECT_FIELD_SIGNS = {"printed": 1.0, "derived": -1.0}


def check_geometry(geometry: str) -> str:
    """Return ``geometry`` or raise ValueError listing the allowed values.

    Parameters
    ----------
    geometry : str
        Direction of the current relative to the molecular axis: ``"parallel"`` (along it) or
        ``"perpendicular"`` (across it), :data:`GEOMETRIES`.

    Returns
    -------
    str
        ``geometry``, unchanged.

    Raises
    ------
    ValueError
        If ``geometry`` is not one of :data:`GEOMETRIES`.
    """
    if geometry not in GEOMETRIES:
        raise ValueError(f"geometry must be one of {', '.join(GEOMETRIES)}, got {geometry!r}")
    return geometry


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


@dataclass(frozen=True)
class Impurity:
    """Two nuclei: charges Z1, Z2 (e) and masses M1, M2 (electron masses).

    The paper's impurity is a proton (1) and a deuteron (2).

    Attributes
    ----------
    Z1, Z2 : float
        Charges of nucleus 1 and 2 (e), finite and > 0.
    M1, M2 : float
        Masses of nucleus 1 and 2 (m_e), finite and > 0.
    """

    Z1: float
    Z2: float
    M1: float
    M2: float

    def __post_init__(self) -> None:
        for key in ("Z1", "Z2", "M1", "M2"):
            value = getattr(self, key)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"impurity {key} must be finite and > 0, got {value!r}")

    @property
    def Mc(self) -> float:
        r"""Total mass M1 + M2.

        Returns
        -------
        float
            :math:`M_c = M_1 + M_2` (m_e).
        """
        return self.M1 + self.M2

    @property
    def mu(self) -> float:
        r"""Reduced mass M1 M2/(M1 + M2).

        Returns
        -------
        float
            :math:`\mu = M_1M_2/(M_1 + M_2)` (m_e).
        """
        return self.M1 * self.M2 / (self.M1 + self.M2)

    def restoring_constant(self, spring_constant: float) -> float:
        r"""Z1 Z2 k (Ha/bohr^2) from the spring constant k = U''(d_eq) per unit charges (Eqs. 9-10).

        The restoring constant of the parallel geometry, :math:`\lambda_\parallel = Z_1Z_2U''(d_{eq})`
        (docs/theory.md, "Equations of motion"); the static energy of Eq. (10) is proportional to
        :math:`Z_1Z_2`.

        Parameters
        ----------
        spring_constant : float
            :math:`k = U''(d_{eq})` per unit charges (Ha/bohr^2), e.g.
            :attr:`viscous_forces.core.statics.Equilibrium.spring_constant`.

        Returns
        -------
        float
            :math:`Z_1Z_2k` (Ha/bohr^2).
        """
        return self.Z1 * self.Z2 * spring_constant

    def vibration_frequency(self, spring_constant: float) -> float:
        r"""Harmonic frequency sqrt(Z1 Z2 k/mu) (Ha) from k = U''(d_eq) per unit charges.

        :math:`\omega_{vib} = \sqrt{Z_1Z_2U''(d_{eq})/\mu}`, the frequency of the undamped relative
        motion (the spring term :math:`\lambda_g/(\mu\omega)` of Eqs. (12)-(13);
        docs/theory.md, "Equations of motion").

        Parameters
        ----------
        spring_constant : float
            :math:`k = U''(d_{eq})` per unit charges (Ha/bohr^2).

        Returns
        -------
        float
            :math:`\omega_{vib}` (Ha).
        """
        return float(np.sqrt(self.restoring_constant(spring_constant) / self.mu))


#: Named impurities (nucleus 1 first): hd is the paper's proton + deuteron.
IMPURITY_PRESETS: dict[str, Impurity] = {
    "hd": Impurity(1.0, 1.0, M_PROTON, M_DEUTERON),
    "h2": Impurity(1.0, 1.0, M_PROTON, M_PROTON),
    "d2": Impurity(1.0, 1.0, M_DEUTERON, M_DEUTERON),
    "ht": Impurity(1.0, 1.0, M_PROTON, M_TRITON),
}


def get_impurity(spec) -> Impurity:
    """An :class:`Impurity` from a preset name (``hd``, ``h2``, ``d2``, ``ht``) or a mapping
    with keys Z1, Z2, M1, M2 (e, m_e).

    Parameters
    ----------
    spec : str, mapping or Impurity
        A key of :data:`IMPURITY_PRESETS` (``hd`` is the paper's proton + deuteron), a mapping with
        the keys ``Z1``, ``Z2`` (e), ``M1``, ``M2`` (m_e), or an :class:`Impurity` (returned as is).

    Returns
    -------
    Impurity
        The two nuclei.

    Raises
    ------
    ValueError
        If ``spec`` names no preset, or a mapping lacks one of the four keys or has a value that is not
        a finite positive number.
    """
    if isinstance(spec, Impurity):
        return spec
    if isinstance(spec, str):
        if spec not in IMPURITY_PRESETS:
            raise ValueError(f"unknown impurity preset {spec!r}; allowed: {', '.join(sorted(IMPURITY_PRESETS))}")
        return IMPURITY_PRESETS[spec]
    try:
        return Impurity(**{k: float(spec[k]) for k in ("Z1", "Z2", "M1", "M2")})
    except (KeyError, TypeError):
        raise ValueError(f"impurity must be a preset name or a mapping with Z1, Z2, M1, M2; got {spec!r}") from None


# --------------------------------------------------------------------------------------------
# q-integrals
# --------------------------------------------------------------------------------------------


def j_integrals(q: np.ndarray, w: np.ndarray, delta_chi: np.ndarray, d: float) -> dict[str, np.ndarray]:
    r"""The J integrals (docs/theory.md, "Equations of motion") on per-frequency quadrature rules.

    .. math::

        J_0(\omega) = \tfrac83\int_0^\infty dq\,\Delta\chi,\qquad
        J_g(\omega) = 8\int_0^\infty dq\,\Delta\chi\,w_g(qd),\qquad
        w_\parallel = j_0 - 2j_1/x,\quad w_\perp = j_1/x

    (docs/theory.md, "Angular integrals").

    Parameters
    ----------
    q, w : ndarray, shape (n_omega, n_nodes)
        Quadrature nodes (bohr^-1) and weights for each frequency.
    delta_chi : ndarray, shape (n_omega, n_nodes), complex
        :math:`\chi^h(q,\omega) - \chi^h(q,0)` at the nodes (1/(Ha bohr^3)).
    d : float
        Internuclear distance (bohr).

    Returns
    -------
    dict of str to ndarray
        Complex arrays ``"J0"``, ``"parallel"``, ``"perpendicular"`` of shape (n_omega,)
        (Hartree a.u., Ha^-1 bohr^-4; with the :math:`(4\pi)^2` of the two Coulomb interactions
        this is a force constant, Ha/bohr^2, and :math:`J/\omega` is stored as
        ``electron_mass/atomic_unit_of_time``).
    """
    wd = w * delta_chi
    _, w_perp, w_par = angular_weights(q * d)  # both weights from one sin/cos evaluation
    return {
        "J0": (8.0 / 3.0) * wd.sum(axis=-1),
        "parallel": 8.0 * (w_par * wd).sum(axis=-1),
        "perpendicular": 8.0 * (w_perp * wd).sum(axis=-1),
    }


def friction_density(q, chi_s0, chi0, fxc_slope, kF: float) -> np.ndarray:
    r"""Friction density :math:`a(q) = -\partial\,\mathrm{Im}\chi^h/\partial\omega|_{\omega=0}`.

    docs/theory.md, "Friction":

    .. math::

        a(q) = \frac{\theta(2k_F - q)}{2\pi q\,\tilde\varepsilon(q)^2}
             - \chi^h(q,0)^2\,\frac{\partial\,\mathrm{Im} f_{xc}}{\partial\omega}\Big|_0,\qquad
        \tilde\varepsilon = \chi_s(q,0)/\chi^h(q,0).

    The first term is the Lindhard slope :math:`\mathrm{Im}\chi_s = -\omega/(2\pi q)` screened by
    Eq. (15); the second is the viscous (dynamic-kernel) contribution.

    Parameters
    ----------
    q : ndarray
        Wave vectors (bohr^-1), > 0.
    chi_s0 : ndarray
        Static Lindhard function :math:`\chi_s(q, 0)` at ``q`` (1/(Ha bohr^3)).
    chi0 : ndarray
        Static interacting response :math:`\chi^h(q, 0)` at ``q`` (1/(Ha bohr^3)), Eq. (15).
    fxc_slope : ndarray or float
        :math:`\partial\,\mathrm{Im}f_{xc}(q,\omega)/\partial\omega` at :math:`\omega = 0` (bohr^3;
        0 for a static kernel).
    kF : float
        Fermi wave vector (bohr^-1).

    Returns
    -------
    ndarray
        :math:`a(q)` (1/(Ha^2 bohr^3), stored as ``1/(hartree**2*bohr**3)``), the shape of ``q``.
    """
    eps = chi_s0 / chi0
    lindhard_part = np.where(q < 2.0 * kF, 1.0 / (2.0 * np.pi * q * eps * eps), 0.0)
    return lindhard_part - chi0 * chi0 * fxc_slope


def friction_coefficients(q, w, a, d: float) -> dict[str, float]:
    r"""Single-nucleus and pair friction coefficients (a.u.), docs/theory.md, "Friction".

    :math:`Q_0 = \tfrac83\int a\,dq`, :math:`Q_g = 8\int a\,w_g(qd)\,dq`; :math:`\tilde J \to -iQ`
    as :math:`\omega \to 0`.  :math:`Z^2 Q_0` is the low-velocity stopping-power friction of a
    single ion of charge Z.

    Parameters
    ----------
    q, w : ndarray
        Quadrature nodes (bohr^-1) and weights of the static q integrals.
    a : ndarray
        Friction density :math:`a(q)` at the nodes (1/(Ha^2 bohr^3)), :func:`friction_density`.
    d : float
        Internuclear distance (bohr).

    Returns
    -------
    dict of str to float
        ``"J0"``: :math:`Q_0`; ``"parallel"``, ``"perpendicular"``: :math:`Q_\parallel(d)`,
        :math:`Q_\perp(d)`; per unit charges, in m_e/a.u. of time (stored as
        ``electron_mass/atomic_unit_of_time``).
    """
    _, w_perp, w_par = angular_weights(q * d)
    wa = w * a
    return {
        "J0": (8.0 / 3.0) * float(np.sum(wa)),
        "parallel": 8.0 * float(np.sum(w_par * wa)),
        "perpendicular": 8.0 * float(np.sum(w_perp * wa)),
    }


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


# --------------------------------------------------------------------------------------------
# Markov (constant-friction) limit
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkovModel:
    r"""Constant-friction (Markov) ODE, state :math:`x = (V_c, V_r[, R_r])` (docs/theory.md, "Markov limit").

    .. math::

        \dot x = A x + B\,v(t) + C\,\dot v(t),\qquad v = \overline{\delta j}(t)/\bar n .

    For the perpendicular geometry (no restoring force) :math:`R_r` decouples and is dropped.

    Attributes
    ----------
    A : ndarray, shape (n_state, n_state)
        State matrix (1/a.u. of time).
    B : ndarray, shape (n_state,)
        Drive by the drift velocity (1/a.u. of time).
    C : ndarray, shape (n_state,)
        Drive by its time derivative: the jump of the velocities at a step of the current, the
        high-frequency limit :math:`\bar nG(\infty)` (dimensionless).
    """

    A: np.ndarray
    B: np.ndarray
    C: np.ndarray

    @classmethod
    def build(cls, Q: dict[str, float], spring: float, imp: Impurity, sigma: float, geometry: str):
        r"""From friction coefficients ``Q`` = {"J0": Q0, geometry: Q_g} (a.u.).

        Freezing :math:`\tilde J` at :math:`-iQ` in Eqs. (12)-(13) gives (docs/theory.md, "Markov limit")

        .. math::

            \dot V_c = -\frac{Q_c}{M_c}(V_c - v) - \frac{Q_{xc}}{M_c^2}V_r + \sigma\frac{Z_1 + Z_2}{M_c}\dot v,

            \dot V_r = -Q_{xr}(V_c - v) - \frac{Q_r}{M_c}V_r - \frac{\lambda_g}{\mu}R_r
                + \sigma\Big(\frac{Z_2}{M_2} - \frac{Z_1}{M_1}\Big)\dot v,\qquad \dot R_r = V_r,

        with :math:`Q_c, Q_{xc}, Q_r, Q_{xr}` the :func:`combinations` ``S_c``, ``X_c``, ``S_r``, ``X_r`` of
        :math:`Q_0, Q_g`.

        Parameters
        ----------
        Q : dict of str to float
            Friction coefficients (m_e/a.u. of time), :func:`friction_coefficients`: at least ``"J0"``
            (:math:`Q_0`) and the key ``geometry`` (:math:`Q_g`).
        spring : float
            Restoring constant :math:`\lambda_g` (Ha/bohr^2), :meth:`Impurity.restoring_constant` for
            parallel, 0 for perpendicular.
        imp : Impurity
            Charges (e) and masses (m_e).
        sigma : float
            Sign of the direct-field terms (+1 printed, -1 derived).
        geometry : {"parallel", "perpendicular"}
            Parallel keeps :math:`R_r` in the state (3 components); perpendicular drops it (2).

        Returns
        -------
        MarkovModel
            The model, velocities in units of the drift velocity :math:`v = \overline{\delta j}/\bar n`.
        """
        check_geometry(geometry)
        c = combinations(Q["J0"], Q[geometry], imp)  # Q_c, Q_xc, Q_r, Q_xr
        Mc, mu = imp.Mc, imp.mu
        jump = np.array([sigma * (imp.Z1 + imp.Z2) / Mc, sigma * (imp.Z2 / imp.M2 - imp.Z1 / imp.M1)])
        A = np.array([[-c["S_c"] / Mc, -c["X_c"] / Mc**2], [-c["X_r"], -c["S_r"] / Mc]])
        B = np.array([c["S_c"] / Mc, c["X_r"]])
        if geometry == "parallel":
            A = np.block([[A, np.array([[0.0], [-spring / mu]])], [np.array([[0.0, 1.0, 0.0]])]])
            B = np.append(B, 0.0)
            jump = np.append(jump, 0.0)
        return cls(A=A, B=B, C=jump)

    @property
    def eigenvalues(self) -> np.ndarray:
        r"""Eigenvalues of A (1/a.u. time): the Markov poles are i * eigenvalues (all Re < 0).

        Returns
        -------
        ndarray, complex
            The eigenvalues :math:`\lambda` of :attr:`A` (1/a.u. of time), in LAPACK's order; the poles
            are :math:`\omega = i\lambda` (docs/theory.md, "Markov limit").
        """
        return np.linalg.eigvals(self.A)

    @property
    def decay_rates(self) -> np.ndarray:
        r"""-Re of the eigenvalues, sorted ascending (1/a.u. time).

        Returns
        -------
        ndarray
            :math:`-\mathrm{Re}\,\lambda` (1/a.u. of time), ascending: the amplitude decay rates of the
            Markov modes.
        """
        return np.sort(-self.eigenvalues.real)

    def step_response(self, t) -> np.ndarray:
        r"""Response to :math:`v(t) = H(t)`: :math:`x(t) = e^{At}C + A^{-1}(e^{At} - I)B` for t > 0, 0 before.

        Returns an array of shape (len(t), n_state) (velocities in units of v).  Exact (eigen-
        decomposition of A), no time stepping (docs/theory.md, "Markov limit"): the jump
        :math:`x(0^+) = C` from :math:`\dot v = \delta(t)`, then the relaxation towards
        :math:`-A^{-1}B`.

        Parameters
        ----------
        t : array_like, shape (n_t,)
            Times (a.u. of time).

        Returns
        -------
        ndarray, shape (n_t, n_state)
            :math:`x(t)`, real: velocities in units of the drift velocity v, :math:`R_r` (parallel
            only) in units of v times a.u. of time; 0 for :math:`t \le 0`.
        """
        t = np.asarray(t, dtype=float)
        lam, P = np.linalg.eig(self.A)
        Pinv = np.linalg.inv(P)
        c = Pinv @ self.C
        b = Pinv @ self.B
        tp = np.where(t > 0, t, 0.0)[:, None]
        e = np.exp(lam[None, :] * tp)
        y = e * c[None, :] + (e - 1.0) / lam[None, :] * b[None, :]
        x = (y @ P.T).real
        return np.where(t[:, None] > 0, x, 0.0)
