r"""Vibration modes (a) and (b): the Markov (constant-friction) model and the poles of G(omega).

:func:`markov_modes` from the eigenvalues of the Markov model, :func:`response_poles` by a complex
secant search for the zeros of :func:`pole_function` with the frequency-dependent
:math:`\tilde J = J/\omega` of :func:`jtilde_real_axis`.  Conventions of
:mod:`viscous_forces.analysis.modes` (docs/theory.md, "Markov limit").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ...core.frequency_domain import combinations, interpolate_jtilde
from ...core.time_domain import MarkovModel
from ...stages.response import impurity_of, markov_model

#: Names of the purely damped (real-eigenvalue) modes per geometry, slowest first.  Parallel: the
#: c.m. drift mode ("translation", slightly mixed with the relative motion); perpendicular: two
#: over-damped mixtures of c.m. drift and rotation (docs/theory.md, "Markov limit").
REAL_MODE_NAMES = {"parallel": ("translation",), "perpendicular": ("slow", "fast")}

#: Relative step of the complex secant iteration's second starting point.
_SECANT_STEP = 1e-6
#: The secant iteration stops when |z_{k+1} - z_k| < _POLE_RTOL |z_k| (the J~ spline is smooth to
#: far better than this, so the pole is converged to rounding in the determinant).
_POLE_RTOL = 1e-13
_POLE_MAXITER = 100


@dataclass(frozen=True)
class Mode:
    r"""One pole :math:`\omega = \Omega - i\Gamma` of the impurity's response.

    Attributes
    ----------
    name : str
        ``"vibration"`` (the oscillating pair), or a name from :data:`REAL_MODE_NAMES`.
    frequency : float
        :math:`\Omega = \mathrm{Re}\,\omega \ge 0` (Ha); 0 for a purely damped mode.
    rate : float
        :math:`\Gamma = -\mathrm{Im}\,\omega > 0` (1/a.u. of time), the amplitude damping rate.
    """

    name: str
    frequency: float
    rate: float

    @property
    def oscillating(self) -> bool:
        """Whether the mode oscillates.

        Returns
        -------
        bool
            True if :math:`\\Omega > 0`, False for a purely damped mode.
        """
        return self.frequency > 0

    @property
    def pole(self) -> complex:
        """The pole as a complex number.

        Returns
        -------
        complex
            :math:`\\omega = \\Omega - i\\Gamma` (Ha).
        """
        return complex(self.frequency, -self.rate)


def markov_modes(model: MarkovModel, geometry: str) -> list[Mode]:
    r"""The modes of the constant-friction ODE (docs/theory.md, "Markov limit"), from the eigenvalues of A.

    An eigenvalue :math:`\lambda` of A is a pole :math:`\omega = i\lambda`; a complex pair
    :math:`\lambda = -\Gamma \pm i\Omega` is one oscillating mode (frequency :math:`\Omega`,
    amplitude damping rate :math:`\Gamma`), a real :math:`\lambda = -\Gamma` a purely damped one.
    Oscillating modes come first, then the real ones sorted by rate (slowest first).

    Parameters
    ----------
    model : MarkovModel
        The constant-friction model (:func:`viscous_forces.stages.response.markov_model`).
    geometry : str
        ``"parallel"`` or ``"perpendicular"``; names the purely damped modes
        (:data:`REAL_MODE_NAMES`).

    Returns
    -------
    list of Mode
        ``"vibration"`` (and ``"vibration_2"``, ... if any) first, then the damped modes.
    """
    lam = model.eigenvalues
    osc = sorted((complex(x) for x in lam if x.imag > 0), key=lambda x: x.imag)
    real = np.sort(-lam[lam.imag == 0].real)
    names = REAL_MODE_NAMES.get(geometry, ())
    if len(names) != real.size:
        names = tuple(f"damped_{i + 1}" for i in range(real.size))
    modes = [Mode("vibration" if i == 0 else f"vibration_{i + 1}", x.imag, -x.real) for i, x in enumerate(osc)]
    modes += [Mode(n, 0.0, float(g)) for n, g in zip(names, real)]
    return modes


def jtilde_real_axis(omega_j: np.ndarray, jt: np.ndarray, friction: float):
    r"""Callable :math:`z \mapsto \tilde J(\mathrm{Re}\,z)`: the real-axis J/omega, continued to complex z
    by freezing it at the real part.

    :math:`\tilde J = J/\omega` of Eqs. (12)-(13) (docs/theory.md, "Equations of motion" and
    "Numerical grids").

    On the real axis it is the spline of :func:`viscous_forces.core.frequency_domain.interpolate_jtilde` (cubic in
    :math:`\ln\omega` on the J grid, linear to its exact limit :math:`-iQ` at 0), exactly the
    interpolation :func:`~viscous_forces.stages.response.solve_response` used to build G; for negative real
    parts the symmetry :math:`\tilde J(-x) = -\tilde J(x)^*` (from :math:`J(-\omega) = J(\omega)^*`).

    Parameters
    ----------
    omega_j : numpy.ndarray
        The J-grid frequencies (Ha), > 0.
    jt : numpy.ndarray
        :math:`\tilde J = J/\omega` on that grid (complex, electron_mass/atomic_unit_of_time).
    friction : float
        Its exact limit at 0 is :math:`-iQ` with Q = ``friction`` (same unit).

    Returns
    -------
    callable
        ``at(z: complex) -> complex``, :math:`\tilde J(\mathrm{Re}\,z)`.
    """

    def at(z: complex) -> complex:
        x = float(np.real(z))
        if x == 0.0:
            return complex(-1j * friction)
        val = complex(interpolate_jtilde(omega_j, jt, friction, np.array([abs(x)]))[0])
        return val if x > 0 else -val.conjugate()

    return at


def pole_function(z: complex, jt0: complex, jtg: complex, spring: float, imp) -> complex:
    r""":math:`z\,\det A(z)` of the 2x2 system of Eqs. (12)-(13) (docs/theory.md, "Equations of motion").

    .. math::

        z\det A = \big(-z + \tilde S_c/M_c\big)\big(-z^2 + z\tilde S_r/M_c + \lambda_g/\mu\big)
                  - z\,\frac{\tilde X_c}{M_c^2}\,\tilde X_r ,

    with :math:`\tilde S, \tilde X` the combinations of :math:`\tilde J_0, \tilde J_g` and
    :math:`\lambda_g` the restoring constant (Ha/bohr^2).  Multiplying by z removes the
    :math:`\lambda_g/(\mu z)` pole at 0; for :math:`\lambda_g = 0` (perpendicular) it adds a spurious
    root z = 0 (the free rotation angle) that the pole search never starts from.

    Parameters
    ----------
    z : complex
        Complex frequency (Ha).
    jt0, jtg : complex
        :math:`\tilde J_0` and :math:`\tilde J_g` at z (electron_mass/atomic_unit_of_time).
    spring : float
        Restoring constant :math:`\lambda_g` (Ha/bohr^2), 0 for the perpendicular geometry.
    imp : Impurity
        Charges and masses of the two nuclei.

    Returns
    -------
    complex
        :math:`z\det A(z)`, zero at a pole of G.
    """
    c = combinations(jt0, jtg, imp)
    a11 = -z + c["S_c"] / imp.Mc
    a22z = -z * z + z * c["S_r"] / imp.Mc + spring / imp.mu
    return a11 * a22z - z * (c["X_c"] / imp.Mc**2) * c["X_r"]


def _secant(f, z0: complex) -> complex:
    """Complex secant iteration for f(z) = 0 from z0 (raises if it does not converge)."""
    start = z0
    z1 = z0 * (1.0 + _SECANT_STEP) + _SECANT_STEP * abs(z0)
    f0, f1 = f(z0), f(z1)
    for _ in range(_POLE_MAXITER):
        if f1 == 0 or (f1 == f0 and abs(z1 - z0) < _SECANT_STEP * abs(z1)):
            return z1  # exact root, or stagnation at rounding level next to it
        if f1 == f0:
            break
        z2 = z1 - f1 * (z1 - z0) / (f1 - f0)
        z0, f0, z1, f1 = z1, f1, z2, f(z2)
        if abs(z1 - z0) < _POLE_RTOL * abs(z1):
            return z1
    raise RuntimeError(f"pole search did not converge from {start!r} (last z = {z1!r}, |f| = {abs(f1):.3e})")


def response_poles(response_ds: xr.Dataset, guesses: Sequence[Mode] | None = None) -> list[Mode]:
    r"""Poles of the frequency-domain solution G(omega) of Eqs. (12)-(13) near the Markov poles.

    Solves :math:`z\det A(z) = 0` (:func:`pole_function`) by a complex secant iteration started at
    each Markov pole, with the frequency-dependent :math:`\tilde J_0, \tilde J_g` of the response
    file.

    Approximation: :math:`\tilde J` is known on the real axis only (``J0_tilde``, ``Jg_tilde`` on
    the J grid), so at a complex :math:`z = \Omega - i\Gamma` it is evaluated at the real frequency
    :math:`\mathrm{Re}\,z = \Omega` (:func:`jtilde_real_axis`): :math:`\tilde J(\Omega - i\Gamma)
    \approx \tilde J(\Omega)`.  The neglected term is :math:`-i\Gamma\,\tilde J'(\Omega)`, of relative
    size :math:`(\Gamma/\Omega)\cdot|\Omega\tilde J'/\tilde J| \lesssim 10^{-3}` for the vibration
    (:math:`\Gamma/\Omega` = 0.01-0.03 and :math:`\tilde J` varies on electronic scales
    :math:`\gg\Omega`; including it shifts the poles of the paper configuration by < 1e-6 in
    frequency and < 1e-3 in damping).  Consequence: for a purely damped mode (:math:`\Omega = 0`)
    the approximation gives :math:`\tilde J = -iQ`, the Markov value, so (b) coincides with the Markov
    pole (a) by construction; only the time-domain fit (:func:`fit_modes`) tests those.

    Parameters
    ----------
    response_ds : xarray.Dataset
        Output of :func:`viscous_forces.stages.response.solve_response`.
    guesses : sequence of Mode, optional
        Starting points (default: :func:`markov_modes` of the dataset's Markov model).

    Returns
    -------
    list of Mode
        The poles, in the order of ``guesses`` (frequency in Ha, rate in 1/a.u. of time).

    Raises
    ------
    RuntimeError
        If the secant iteration does not converge.
    """
    geometry = response_ds.attrs["geometry"]
    imp = impurity_of(response_ds)
    if guesses is None:
        guesses = markov_modes(markov_model(response_ds), geometry)
    om_j = response_ds["omega_j"].values
    j0 = jtilde_real_axis(om_j, response_ds["J0_tilde"].values, float(response_ds["friction_q0"]))
    jg = jtilde_real_axis(om_j, response_ds["Jg_tilde"].values, float(response_ds["friction_qg"]))
    spring = float(response_ds["spring"])

    def f(z):
        return pole_function(z, j0(z), jg(z), spring, imp)

    out = []
    for g in guesses:
        if g.oscillating:
            z = _secant(f, g.pole)
            out.append(Mode(g.name, float(abs(z.real)), float(-z.imag)))
        else:
            # purely damped: search on the imaginary axis, where J~(Re z) = -iQ (see above)
            z = _secant(lambda y: f(complex(0.0, y.real)), complex(-g.rate))
            out.append(Mode(g.name, 0.0, float(-z.real)))
    return out
