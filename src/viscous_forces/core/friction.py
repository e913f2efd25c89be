r"""The J integrals of Eqs. (12)-(13), the friction density and the friction coefficients.

The q-space integrals of Eqs. (12)-(13) reduce, by the angular identity
:math:`\int d\Omega_q\,\hat q\hat q\,e^{i\mathbf q\cdot\mathbf d} = 4\pi[(j_1/x)\,I - j_2\,\hat d\hat d]`
(docs/theory.md, "Angular integrals"), to 1D integrals for the two decoupled geometries
:math:`g \in \{\parallel, \perp\}` (current along / across the molecular axis):

.. math::

    J_0(\omega) = \tfrac83\int_0^\infty dq\,\Delta\chi,\qquad
    J_g(\omega) = 8\int_0^\infty dq\,\Delta\chi\,w_g(qd),\qquad
    \Delta\chi = \chi^h(q,\omega) - \chi^h(q,0),

with :math:`w_\parallel = j_0 - 2j_1/x`, :math:`w_\perp = j_1/x`.  Everything is :math:`O(\omega)`
at small :math:`\omega`, so the code works with :math:`\tilde J = J/\omega \to -iQ`: the friction
coefficients :math:`Q_0 = \tfrac83\int a\,dq`, :math:`Q_g = 8\int a\,w_g(qd)\,dq` of the friction
density :math:`a(q) = -\partial\,\mathrm{Im}\chi^h/\partial\omega|_{\omega=0}` (docs/theory.md,
"Friction").  The 2x2 system they enter is in :mod:`viscous_forces.core.frequency_domain`.
"""

from __future__ import annotations

import numpy as np

from .statics import angular_weights


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
