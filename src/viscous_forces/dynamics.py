r"""Frequency-domain equations of motion of the diatomic impurity, Eqs. (12)-(13).

The q-space integrals of Eqs. (12)-(13) reduce, by the angular identity
:math:`\int d\Omega_q\,\hat q\hat q\,e^{i\mathbf q\cdot\mathbf d} = 4\pi[(j_1/x)\,I - j_2\,\hat d\hat d]`
(equations.md Sec. 2.2), to 1D integrals for the two decoupled geometries
:math:`g \in \{\parallel, \perp\}` (current along / across the molecular axis):

.. math::

    J_0(\omega) = \tfrac83\int_0^\infty dq\,\Delta\chi,\qquad
    J_g(\omega) = 8\int_0^\infty dq\,\Delta\chi\,w_g(qd),\qquad
    \Delta\chi = \chi^h(q,\omega) - \chi^h(q,0),

with :math:`w_\parallel = j_0 - 2j_1/x`, :math:`w_\perp = j_1/x`.  Everything is :math:`O(\omega)`
at small :math:`\omega`, so the code works with :math:`\tilde J = J/\omega \to -iQ`, the friction
coefficients (equations.md Sec. 3).  Then (Sec. 2.4-2.5)

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

:math:`\lambda_\parallel = U''(d)`, :math:`\lambda_\perp = -F(d)/d` (= 0 at :math:`d_{eq}`, set
exactly).  :math:`\sigma = +1` is the printed sign of the direct-field terms ("printed", reproduces
the paper); :math:`\sigma = -1` follows from Eqs. (4), (6), (7) ("derived", equations.md Sec. 2.6).
:math:`G_c = \delta V_c/\overline{\delta j}`, :math:`G_r = \delta V_r/\overline{\delta j}`
(bohr^3: velocity per particle-current density); :math:`\bar n G` is in units of the drift velocity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .statics import bessel_set, radial_integral, w_parallel, w_perpendicular

GEOMETRIES = ("parallel", "perpendicular")
DIRECT_FIELD_SIGNS = {"printed": 1.0, "derived": -1.0}


def check_geometry(geometry: str) -> str:
    """Return ``geometry`` or raise ValueError listing the allowed values."""
    if geometry not in GEOMETRIES:
        raise ValueError(f"geometry must be one of {', '.join(GEOMETRIES)}, got {geometry!r}")
    return geometry


def direct_field_sign(option: str) -> float:
    """sigma for the direct-field option: ``"printed"`` -> +1, ``"derived"`` -> -1."""
    if option not in DIRECT_FIELD_SIGNS:
        allowed = ", ".join(DIRECT_FIELD_SIGNS)
        raise ValueError(f"direct_field_sign must be one of {allowed}, got {option!r}")
    return DIRECT_FIELD_SIGNS[option]


def angular_weight(geometry: str):
    """The 1D angular weight function w_g(x) of the geometry (equations.md Sec. 2.2)."""
    return w_parallel if check_geometry(geometry) == "parallel" else w_perpendicular


@dataclass(frozen=True)
class Impurity:
    """Two nuclei: charges Z1, Z2 (e) and masses M1, M2 (electron masses).

    The paper's impurity is a proton (1) and a deuteron (2).
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
        """Total mass M1 + M2."""
        return self.M1 + self.M2

    @property
    def mu(self) -> float:
        """Reduced mass M1 M2/(M1 + M2)."""
        return self.M1 * self.M2 / (self.M1 + self.M2)


def _presets() -> dict[str, "Impurity"]:
    from .constants import M_DEUTERON, M_PROTON, M_TRITON

    return {
        "hd": Impurity(1.0, 1.0, M_PROTON, M_DEUTERON),  # the paper's proton + deuteron
        "h2": Impurity(1.0, 1.0, M_PROTON, M_PROTON),
        "d2": Impurity(1.0, 1.0, M_DEUTERON, M_DEUTERON),
        "ht": Impurity(1.0, 1.0, M_PROTON, M_TRITON),
    }


#: Named impurities: hd (paper), h2, d2, ht (nucleus 1 first).
IMPURITY_PRESETS: dict[str, Impurity] = {}


def get_impurity(spec) -> Impurity:
    """An :class:`Impurity` from a preset name (``hd``, ``h2``, ``d2``, ``ht``) or a mapping
    with keys Z1, Z2, M1, M2 (e, m_e)."""
    if not IMPURITY_PRESETS:
        IMPURITY_PRESETS.update(_presets())
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
    r"""The J integrals of equations.md Sec. 2.4 on per-frequency quadrature rules.

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
    dict with complex arrays ``"J0"``, ``"parallel"``, ``"perpendicular"`` of shape (n_omega,)
        (Hartree a.u., Ha^-1 bohr^-4).
    """
    wd = w * delta_chi
    _, w_perp, w_par = bessel_set(q * d)  # both angular weights from one sin/cos evaluation
    return {
        "J0": (8.0 / 3.0) * wd.sum(axis=-1),
        "parallel": 8.0 * (w_par * wd).sum(axis=-1),
        "perpendicular": 8.0 * (w_perp * wd).sum(axis=-1),
    }


def friction_density(q, chi_s0, chi0, fxc_slope, kF: float) -> np.ndarray:
    r"""Friction density :math:`a(q) = -\partial\,\mathrm{Im}\chi^h/\partial\omega|_{\omega=0}` (equations.md Sec. 3).

    .. math::

        a(q) = \frac{\theta(2k_F - q)}{2\pi q\,\tilde\varepsilon(q)^2}
             - \chi^h(q,0)^2\,\frac{\partial\,\mathrm{Im} f_{xc}}{\partial\omega}\Big|_0,\qquad
        \tilde\varepsilon = \chi_s(q,0)/\chi^h(q,0).

    The first term is the Lindhard slope :math:`\mathrm{Im}\chi_s = -\omega/(2\pi q)` screened by
    Eq. (15); the second is the viscous (dynamic-kernel) contribution.
    """
    eps = chi_s0 / chi0
    lindhard_part = np.where(q < 2.0 * kF, 1.0 / (2.0 * np.pi * q * eps * eps), 0.0)
    return lindhard_part - chi0 * chi0 * fxc_slope


def friction_coefficients(q, w, a, d: float) -> dict[str, float]:
    r"""Single-nucleus and pair friction coefficients (a.u.), equations.md Sec. 3.

    :math:`Q_0 = \tfrac83\int a\,dq`, :math:`Q_g = 8\int a\,w_g(qd)\,dq`; :math:`\tilde J \to -iQ`
    as :math:`\omega \to 0`.  :math:`Z^2 Q_0` is the low-velocity stopping-power friction of a
    single ion of charge Z.
    """
    return {
        "J0": (8.0 / 3.0) * float(np.sum(w * a)),
        "parallel": 8.0 * float(radial_integral(np.array([d]), q, w, a, w_parallel)[0]),
        "perpendicular": 8.0 * float(radial_integral(np.array([d]), q, w, a, w_perpendicular)[0]),
    }


# --------------------------------------------------------------------------------------------
# 2x2 system
# --------------------------------------------------------------------------------------------


def combinations(J0, Jg, imp: Impurity) -> dict[str, np.ndarray]:
    """S_c, X_c, S_r, X_r of equations.md Sec. 2.4 (works for J, J/omega or friction Q alike)."""
    Z1, Z2, M1, M2 = imp.Z1, imp.Z2, imp.M1, imp.M2
    return {
        "S_c": (Z1**2 + Z2**2) * J0 + 2 * Z1 * Z2 * Jg,
        "X_c": (M1 * Z2**2 - M2 * Z1**2) * J0 + Z1 * Z2 * (M1 - M2) * Jg,
        "S_r": (M1 * Z2**2 / M2 + M2 * Z1**2 / M1) * J0 - 2 * Z1 * Z2 * Jg,
        "X_r": (Z2**2 / M2 - Z1**2 / M1) * J0 + (1 / M2 - 1 / M1) * Z1 * Z2 * Jg,
    }


def solve_response(omega, Jt0, Jtg, spring: float, imp: Impurity, n: float, sigma: float = 1.0):
    r"""Solve the 2x2 system of Eqs. (12)-(13) for :math:`G_c(\omega)`, :math:`G_r(\omega)`.

    Parameters
    ----------
    omega : ndarray, shape (n,)
        Frequencies (Ha), > 0 (the DC value :math:`G(0) = (1/\bar n, 0)` is exact and set by the
        caller; see :func:`dc_limit`).
    Jt0, Jtg : ndarray, complex
        :math:`J_0/\omega` and :math:`J_g/\omega` at ``omega``.
    spring : float
        :math:`\lambda_g` (Ha/bohr^2): U''(d_eq) for parallel, 0 for perpendicular.
    imp : Impurity
    n : float
        Electron density (bohr^-3).
    sigma : float
        Sign of the direct-field terms (+1 printed, -1 derived).

    Returns
    -------
    G_c, G_r : complex ndarrays (bohr^3)
    """
    omega = np.asarray(omega, dtype=float)
    if np.any(omega <= 0):
        raise ValueError("solve_response needs omega > 0 Ha; use dc_limit() for omega = 0")
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
    r""":math:`G(0) = (1/\bar n, 0)`: the impurity drifts with the electrons (equations.md Sec. 2.7c)."""
    return complex(1.0 / n), 0j


def high_frequency_limit(imp: Impurity, n: float, sigma: float = 1.0) -> tuple[float, float]:
    r""":math:`G(\infty) = (\sigma(Z_1+Z_2)/(M_c\bar n),\ \sigma(Z_2/M_2 - Z_1/M_1)/\bar n)` (Sec. 4.2)."""
    return sigma * (imp.Z1 + imp.Z2) / (imp.Mc * n), sigma * (imp.Z2 / imp.M2 - imp.Z1 / imp.M1) / n


def solve_newton(omega, Jt0, Jtg, spring: float, imp: Impurity, n: float, sigma: float = 1.0):
    r"""Independent solve in the (nucleus 1, nucleus 2) basis (equations.md Sec. 2.5, last paragraph).

    .. math::

        -i\omega M_\alpha\delta V_\alpha = -\sigma i\omega Z_\alpha v
          + \sum_\gamma Z_\alpha Z_\gamma J_{\alpha\gamma}\,\tfrac{i}{\omega}(v - \delta V_\gamma)
          \mp \lambda_g\,\tfrac{i}{\omega}(\delta V_2 - \delta V_1),

    (- for :math:`\alpha = 2`), :math:`J_{11} = J_{22} = J_0`, :math:`J_{12} = J_g`,
    :math:`v = \overline{\delta j}/\bar n`.  Solved point by point with ``numpy.linalg.solve``
    (slow; a test oracle for :func:`solve_response`).
    """
    omega = np.asarray(omega, dtype=float)
    Z = np.array([imp.Z1, imp.Z2])
    M = np.array([imp.M1, imp.M2])
    Gc = np.empty(omega.shape, complex)
    Gr = np.empty(omega.shape, complex)
    for k, om in enumerate(omega):
        J = np.array([[Jt0[k], Jtg[k]], [Jtg[k], Jt0[k]]]) * om  # J = omega * J~
        # Unknowns V1, V2 (per unit current j, v = 1/n).  Move everything to the left:
        # -i om M_a V_a + sum_g Z_a Z_g J_ag (i/om) V_g -+ lam (i/om)(V2 - V1)
        #     = -sigma i om Z_a/n + sum_g Z_a Z_g J_ag (i/om)/n   (upper sign alpha = 1)
        A = np.diag(-1j * om * M).astype(complex) + (1j / om) * np.outer(Z, Z) * J
        A += (1j / om) * spring * np.array([[1.0, -1.0], [-1.0, 1.0]])
        rhs = -sigma * 1j * om * Z / n + (1j / om) * (np.outer(Z, Z) * J).sum(axis=1) / n
        V1, V2 = np.linalg.solve(A, rhs)
        Gc[k] = (imp.M1 * V1 + imp.M2 * V2) / imp.Mc
        Gr[k] = V2 - V1
    return Gc, Gr


# --------------------------------------------------------------------------------------------
# Markov (constant-friction) limit
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkovModel:
    r"""Constant-friction ODE of equations.md Sec. 4.6, state :math:`x = (V_c, V_r[, R_r])`.

    .. math::

        \dot x = A x + B\,v(t) + C\,\dot v(t),\qquad v = \overline{\delta j}(t)/\bar n .

    For the perpendicular geometry (no restoring force) :math:`R_r` decouples and is dropped.
    """

    A: np.ndarray
    B: np.ndarray
    C: np.ndarray

    @classmethod
    def build(cls, Q: dict[str, float], spring: float, imp: Impurity, sigma: float, geometry: str):
        """From friction coefficients ``Q`` = {"J0": Q0, geometry: Q_g} (a.u.)."""
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
        """Eigenvalues of A (1/a.u. time): the Markov poles are i * eigenvalues (all Re < 0)."""
        return np.linalg.eigvals(self.A)

    @property
    def decay_rates(self) -> np.ndarray:
        """-Re of the eigenvalues, sorted ascending (1/a.u. time)."""
        return np.sort(-self.eigenvalues.real)

    def step_response(self, t) -> np.ndarray:
        r"""Response to :math:`v(t) = H(t)`: :math:`x(t) = e^{At}C + A^{-1}(e^{At} - I)B` for t > 0, 0 before.

        Returns an array of shape (len(t), n_state) (velocities in units of v).  Exact (eigen-
        decomposition of A), no time stepping.
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
