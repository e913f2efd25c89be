"""Time-domain machinery: Filon quadrature, step responses of analytic causal models, pulses."""

import numpy as np
import pytest
from scipy.integrate import quad

from viscous_forces.timedomain import (
    RectangularPulse,
    StepResponse,
    filon_fourier,
    response_frequency_grid,
    step_response,
    step_response_re_form,
)


def test_filon_is_exact_for_piecewise_linear_and_accurate_for_smooth():
    omega = np.linspace(0.0, 5.0, 2001)
    f = np.exp(-omega) * (1 + 0.5j * omega)
    for t in (0.0, 1e-4, 0.3, 7.0, 150.0):
        ref_re = quad(lambda w: np.exp(-w) * (np.cos(w * t) - 0.5 * w * np.sin(w * t)), 0, 5, limit=500, epsabs=1e-14)[0]
        val = filon_fourier(omega, f, np.array([t]))[0]
        assert val.real == pytest.approx(ref_re, abs=2e-6)  # O(h^2) interpolation error, h = 2.5e-3
    # exact for a piecewise-linear f, for any t (incl. the small-theta series branch)
    w = np.array([0.0, 0.5, 2.0])
    f = np.array([1.0, 3.0, -1.0])
    for t in (1e-6, 0.05, 3.0, 400.0):
        ref = quad(lambda x: np.interp(x, w, f) * np.cos(x * t), 0, 2, points=[0.5], limit=2000, epsabs=1e-13)[0]
        assert filon_fourier(w, f, np.array([t]))[0].real == pytest.approx(ref, abs=1e-10)


def damped_model(omega, gamma=1e-3, w0=2e-2, g=2e-3):
    """G = 1/(gamma - i w) + oscillator; impulse responses exp(-gamma t) and damped cosine."""
    pole = 1.0 / (gamma - 1j * omega)
    osc = -1j * omega / (w0**2 - omega**2 - 1j * g * omega)
    return np.stack([pole, osc], axis=1)


def damped_model_step(t, gamma=1e-3, w0=2e-2, g=2e-3):
    wd = np.sqrt(w0**2 - g**2 / 4)
    s1 = (1 - np.exp(-gamma * t)) / gamma
    s2 = np.exp(-g * t / 2) * np.sin(wd * t) / wd  # step response of -i w/(w0^2 - w^2 - i g w)
    return np.where(t[:, None] > 0, np.stack([s1, s2], axis=1), 0.0)


def test_step_response_of_causal_models_both_forms():
    omega = response_frequency_grid([1e-3, 1e-3], 50.0, omega_vib=2e-2, vib_width=1e-3, density=2.0)
    G = damped_model(omega)
    t = np.linspace(-500, 8000, 400)
    exact = damped_model_step(t)
    G0 = G[0].real
    im_form = step_response(omega, G, t, G0)
    assert np.max(np.abs(im_form - exact)) < 2e-4 * np.max(np.abs(exact))
    re_form = step_response_re_form(omega, G, t, np.array([0.0, 0.0]))
    assert np.max(np.abs(re_form - exact)) < 2e-4 * np.max(np.abs(exact))
    assert np.all(im_form[t <= 0] == 0)


def test_rectangular_pulse_is_difference_of_steps():
    omega = response_frequency_grid([1e-3], 50.0, density=1.0)
    G = damped_model(omega)[:, :1]
    step = StepResponse(omega, G, G[0].real)
    T = 3000.0
    t = np.linspace(-100, 9000, 300)
    v = RectangularPulse(T).response(step, t)
    exact = damped_model_step(t)[:, :1] - damped_model_step(t - T)[:, :1]
    assert np.max(np.abs(v - exact)) < 2e-4 * np.max(np.abs(exact))
    assert RectangularPulse(T).shape(np.array([-1.0, 1.0, T + 1])).tolist() == [0.0, 1.0, 0.0]


def test_pulse_validation():
    for bad in (0.0, -5.0, np.inf, np.nan):
        with pytest.raises(ValueError, match="duration"):
            RectangularPulse(bad)


def test_frequency_grid_contents():
    grid = response_frequency_grid([1e-5, 5e-5], 0.3, omega_vib=1e-3, vib_width=2e-5)
    assert grid[0] == 0.0 and grid[-1] == pytest.approx(0.3)
    assert np.all(np.diff(grid) > 0)
    inside = grid[(grid > 1e-3 - 60 * 2e-5) & (grid < 1e-3 + 60 * 2e-5)]
    assert inside.size >= 500
    with pytest.raises(ValueError, match="rates"):
        response_frequency_grid([0.0], 0.3)
