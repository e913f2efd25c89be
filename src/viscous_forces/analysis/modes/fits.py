r"""Vibration modes (c): least-squares fit of the free decay of V(t), and the vibration table.

:func:`fit_modes` fits the velocities after the switch-off in the window of :func:`fit_window`;
:func:`vibration_rows` puts the three determinations side by side (:data:`VIBRATION_UNITS`).
Conventions of :mod:`viscous_forces.analysis.modes` (docs/theory.md, "Markov limit").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ...stages.response import markov_model
from .poles import Mode, markov_modes, response_poles

#: Fewest samples per fitted parameter in a fit window (below this the fit is refused).
_MIN_SAMPLES_PER_PARAMETER = 5


def _mode_basis(tau: np.ndarray, params: np.ndarray, oscillating: Sequence[bool]) -> np.ndarray:
    """Columns e^{-G tau} cos(W tau), e^{-G tau} sin(W tau) (oscillating) or e^{-G tau} (damped)."""
    cols = []
    k = 0
    for osc in oscillating:
        e = np.exp(-params[k] * tau)
        if osc:
            w = params[k + 1]
            cols += [e * np.cos(w * tau), e * np.sin(w * tau)]
            k += 2
        else:
            cols.append(e)
            k += 1
    return np.stack(cols, axis=1)


@dataclass(frozen=True)
class ModeFit:
    """Result of :func:`fit_modes`.

    Attributes
    ----------
    modes : list of Mode
        Fitted modes, in the order of the guesses.
    window : float
        Length of the fit window after the switch-off (a.u. of time).
    n_samples : int
        Samples per series in the window.
    rms : float
        Root-mean-square residual of the normalised series (each divided by its max |V| in the
        window), dimensionless.
    """

    modes: list
    window: float
    n_samples: int
    rms: float


def fit_window(guesses: Sequence[Mode], efolds: float) -> float:
    r"""Fit window length (a.u. of time): ``efolds`` / (reference rate), the reference being the
    (slowest) oscillating mode if there is one, else the slowest mode - the window ends where that
    amplitude has dropped by :math:`e^{-\mathrm{efolds}}`.

    Parameters
    ----------
    guesses : sequence of Mode
        The modes to be fitted.
    efolds : float
        Window length in decay times of the reference mode (config ``analysis.fit_efolds``), > 0.

    Returns
    -------
    float
        Window length (a.u. of time).

    Raises
    ------
    ValueError
        If ``efolds`` is not > 0.
    """
    if not efolds > 0:
        raise ValueError(f"fit efolds must be > 0, got {efolds!r}")
    osc = [g.rate for g in guesses if g.oscillating]
    ref = min(osc) if osc else min(g.rate for g in guesses)
    return efolds / ref


def fit_modes(
    t: np.ndarray, series: Sequence[np.ndarray], t_off: float, guesses: Sequence[Mode], efolds: float = 3.0
) -> ModeFit:
    r"""Least-squares fit of the free decay after the switch-off at ``t_off`` by damped modes.

    For :math:`\tau = t - t_{off} \in (0, \tau_{max}]`, :math:`\tau_{max}` from :func:`fit_window`,
    every series (e.g. :math:`V_c` and :math:`V_r`, each divided by its max |V| in the window) is
    fitted by

    .. math::

        y(\tau) = \sum_{\text{osc.}} e^{-\Gamma_m\tau}\,[a_m\cos\Omega_m\tau + b_m\sin\Omega_m\tau]
                  + \sum_{\text{damped}} c_m e^{-\Gamma_m\tau},

    with rates and frequencies shared by all series (they are properties of the system) and
    amplitudes per series.  Variable projection: the amplitudes are solved by linear least
    squares inside the residual, the :math:`\Gamma_m, \Omega_m` by
    :func:`scipy.optimize.least_squares` from ``guesses`` (which also fix the number and kind of
    modes).  For the damped cosine of the vibration this is the "damped cosine least squares" fit;
    the extra damped term absorbs the slow c.m. drift mode that the coupling X_r mixes into
    :math:`V_r`.  On the exact Markov solution the fit returns the Markov poles to ~1e-10.
    The modes are those of docs/theory.md, "Markov limit".

    Parameters
    ----------
    t : ndarray
        Times (a.u.), increasing.
    series : sequence of ndarray
        Velocities on ``t`` (any common unit).
    t_off : float
        Switch-off time T (a.u.).
    guesses : sequence of Mode
        Starting values (e.g. from :func:`response_poles`).
    efolds : float
        Window length in decay times of the reference mode (see :func:`fit_window`).

    Returns
    -------
    ModeFit
        The fitted modes (frequency in Ha, rate in 1/a.u. of time), the window length, the number of
        samples per series and the rms residual.

    Raises
    ------
    ValueError
        If the window holds fewer than 5 samples per fitted parameter.
    """
    t = np.asarray(t, dtype=float)
    tau_max = fit_window(guesses, efolds)
    mask = (t > t_off) & (t <= t_off + tau_max)
    tau = t[mask] - t_off
    window = float(min(tau_max, tau[-1])) if tau.size else 0.0
    oscillating = [g.oscillating for g in guesses]
    p0 = []
    for g in guesses:
        p0 += [g.rate, g.frequency] if g.oscillating else [g.rate]
    p0 = np.array(p0, dtype=float)
    n_linear = len(series) * sum(2 if osc else 1 for osc in oscillating)
    if len(series) * tau.size < _MIN_SAMPLES_PER_PARAMETER * (p0.size + n_linear):
        raise ValueError(
            f"fit window after t = {t_off:.4g} a.u. has only {tau.size} samples per series for "
            f"{p0.size + n_linear} parameters; sample V(t) more densely (time.min_points_per_pulse)"
        )
    ys = []
    for y in series:
        ym = np.asarray(y, dtype=float)[mask]
        scale = np.max(np.abs(ym))
        ys.append(ym / scale if scale > 0 else ym)

    def residual(p):
        basis = _mode_basis(tau, p, oscillating)
        out = []
        for y in ys:
            coef, *_ = np.linalg.lstsq(basis, y, rcond=None)
            out.append(basis @ coef - y)
        return np.concatenate(out)

    from scipy.optimize import least_squares  # lazy: ~0.2 s to import

    res = least_squares(residual, p0, x_scale=np.abs(p0), bounds=(0.0, np.inf), xtol=1e-14, ftol=1e-14, gtol=1e-14)
    p = res.x
    modes, k = [], 0
    for g in guesses:
        if g.oscillating:
            modes.append(Mode(g.name, float(p[k + 1]), float(p[k])))
            k += 2
        else:
            modes.append(Mode(g.name, 0.0, float(p[k])))
            k += 1
    # keep the purely damped modes ordered by rate, as their names are (slowest first)
    damped = [i for i, g in enumerate(guesses) if not g.oscillating]
    rates = sorted(modes[i].rate for i in damped)
    for i, r in zip(damped, rates):
        modes[i] = Mode(guesses[i].name, 0.0, r)
    return ModeFit(modes, window, int(tau.size), float(np.sqrt(np.mean(res.fun**2))))


#: Columns of results/tables/vibrations.csv and their units.
VIBRATION_UNITS = {
    "kernel": "",
    "rs": "bohr",
    "geometry": "",
    "mode": "",
    "harmonic_frequency": "Ha",
    "markov_frequency": "Ha",
    "markov_rate": "1/a.u. time",
    "pole_frequency": "Ha",
    "pole_rate": "1/a.u. time",
    "fit_frequency": "Ha",
    "fit_rate": "1/a.u. time",
    "fit_vs_pole_frequency": "1",
    "fit_vs_pole_rate": "1",
    "fit_window": "a.u. time",
    "fit_rms": "1",
}


def _rel(a: float, b: float) -> float:
    """a/b - 1, NaN if b == 0."""
    return float(a / b - 1.0) if b != 0 else float("nan")


def vibration_rows(
    responses: Mapping[tuple, xr.Dataset], velocities: Mapping[tuple, xr.Dataset], efolds: float = 3.0
) -> list[dict]:
    """One row per (kernel, rs, geometry, mode) with the columns of :data:`VIBRATION_UNITS`.

    ``responses`` and ``velocities`` are keyed by (kernel, rs, geometry).  The fit uses both
    V_c and V_r of the velocity dataset after the switch-off at T; where the window holds too few
    samples for the fit (:func:`fit_modes` raises ValueError) the fit columns are NaN.

    Parameters
    ----------
    responses : mapping
        (kernel, rs, geometry) -> response dataset (:func:`~viscous_forces.stages.response.solve_response`).
    velocities : mapping
        (kernel, rs, geometry) -> velocity dataset (:func:`~viscous_forces.stages.velocity.compute_velocity`).
    efolds : float
        Fit window length in decay times (config ``analysis.fit_efolds``).

    Returns
    -------
    list of dict
        Rows of ``results/tables/vibrations.csv``, sorted by kernel, rs and geometry: the Markov,
        pole and fitted frequency (Ha) and amplitude damping rate (1/a.u. of time) of every mode,
        the relative differences fit/pole - 1, the fit window (a.u. of time) and rms.
    """
    rows = []
    for key in sorted(responses, key=lambda k: (k[0], float(k[1]), k[2])):
        kernel, rs, geometry = key
        r, v = responses[key], velocities[key]
        markov = markov_modes(markov_model(r), geometry)
        poles = response_poles(r, markov)
        try:
            fit = fit_modes(
                v["time"].values,
                [v["v_cm"].values, v["v_rel"].values],
                float(v.attrs["pulse_duration"]),
                poles,
                efolds,
            )
        except ValueError:  # too few samples in the window: report the fit as missing (NaN)
            nan = float("nan")
            fit = ModeFit([Mode(p.name, nan, nan) for p in poles], nan, 0, nan)
        harmonic = float(r["omega_vib"]) if "omega_vib" in r else float("nan")
        for m, p, f in zip(markov, poles, fit.modes):
            rows.append(
                {
                    "kernel": kernel,
                    "rs": float(rs),
                    "geometry": geometry,
                    "mode": m.name,
                    "harmonic_frequency": harmonic if m.oscillating else float("nan"),
                    "markov_frequency": m.frequency,
                    "markov_rate": m.rate,
                    "pole_frequency": p.frequency,
                    "pole_rate": p.rate,
                    "fit_frequency": f.frequency,
                    "fit_rate": f.rate,
                    "fit_vs_pole_frequency": _rel(f.frequency, p.frequency) if p.oscillating else float("nan"),
                    "fit_vs_pole_rate": _rel(f.rate, p.rate),
                    "fit_window": fit.window,
                    "fit_rms": fit.rms,
                }
            )
    return rows
