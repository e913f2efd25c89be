r"""Vibration frequency and damping of the impurity: three independent determinations.

(a) the Markov (constant-friction) model, (b) the poles of the frequency-domain solution with the
frequency-dependent :math:`\tilde J = J/\omega`, and (c) a least-squares fit of the time-domain
velocities after the pulse is switched off (:func:`markov_modes`, :func:`response_poles`,
:func:`fit_modes`, :func:`vibration_rows`).

Conventions: Hartree atomic units; a mode is a pole :math:`\omega = \Omega - i\Gamma` of the
response (time dependence :math:`e^{-i\omega t}`), i.e. a term :math:`e^{-\Gamma t}\cos(\Omega t + \phi)`
in the velocities: :math:`\Omega` (Ha) is its angular frequency and :math:`\Gamma` (1/a.u. of time)
its *amplitude* damping rate (docs/theory.md, "Markov limit").

The subpackage, by concern (every public name is re-exported here):

=====  ========================================================================================
poles  :class:`Mode`, (a) :func:`markov_modes` and (b) :func:`response_poles` (the secant search
       for the zeros of :func:`pole_function` with :func:`jtilde_real_axis`)
fits   (c) :func:`fit_modes` in the window of :func:`fit_window` (:class:`ModeFit`), and the
       table rows :func:`vibration_rows` (:data:`VIBRATION_UNITS`)
=====  ========================================================================================
"""

from __future__ import annotations

from .fits import VIBRATION_UNITS, ModeFit, fit_modes, fit_window, vibration_rows
from .poles import REAL_MODE_NAMES, Mode, jtilde_real_axis, markov_modes, pole_function, response_poles

__all__ = [
    "REAL_MODE_NAMES",
    "VIBRATION_UNITS",
    "Mode",
    "ModeFit",
    "fit_modes",
    "fit_window",
    "jtilde_real_axis",
    "markov_modes",
    "pole_function",
    "response_poles",
    "vibration_rows",
]
