"""Time-domain machinery: Filon quadrature, step responses of analytic causal models, pulses."""

import numpy as np
import pytest
from scipy.integrate import quad

from viscous_forces.core.filon import filon_cos, filon_fourier
from viscous_forces.core.frequency_grids import response_frequency_grid
from viscous_forces.core.pulses import ACPulse, GaussianPulse, RectangularPulse, SmoothRampPulse, make_pulse
from viscous_forces.core.time_domain import StepResponse, pulse_response, step_response

import oracles


def test_filon_is_exact_for_piecewise_linear_and_accurate_for_smooth():
    omega = np.linspace(0.0, 5.0, 2001)
    f = np.exp(-omega) * (1 + 0.5j * omega)
    for t in (0.0, 1e-4, 0.3, 7.0, 150.0):
        ref_re = quad(lambda w: np.exp(-w) * (np.cos(w * t) - 0.5 * w * np.sin(w * t)), 0, 5, limit=500, epsabs=1e-14)[
            0
        ]
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
    re_form = oracles.step_response_re_form(omega, G, t, np.array([0.0, 0.0]))
    assert np.max(np.abs(re_form - exact)) < 2e-4 * np.max(np.abs(exact))
    assert np.all(im_form[t <= 0] == 0)


def test_step_response_refuses_grids_that_do_not_increase_strictly():
    omega = np.array([0.0, 1e-3, 2e-3, 2e-3, 5e-3])  # a repeated frequency
    G = damped_model(omega)
    with pytest.raises(ValueError):
        step_response(omega, G, np.linspace(0, 10, 5), G[0].real)
    with pytest.raises(ValueError):  # not starting at 0
        step_response(omega[1:], G[1:], np.linspace(0, 10, 5), G[0].real)


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


# --------------------------------------------------------------------------------------------
# Pulse shapes: superposition on a uniform grid
# --------------------------------------------------------------------------------------------


def _model_lags(dt, L):
    lags = np.arange(L + 1) * dt
    return damped_model_step(lags)


def test_ramp_pulse_tends_to_rectangular():
    T, dt = 4000.0, 2.0
    k = np.arange(-100, 5001)
    S = _model_lags(dt, k[-1] - k[0])
    rect = pulse_response(S, RectangularPulse(T), k, dt)
    errs = []
    for tau in (400.0, 100.0, 25.0):
        ramp = pulse_response(S, SmoothRampPulse(T, tau), k, dt)
        errs.append(np.max(np.abs(ramp - rect)))
    # the difference is O(tau) (a delayed edge): it shrinks ~4x per 4x shorter rise time
    assert errs[0] > errs[1] > errs[2]
    assert errs[2] < 0.3 * errs[1] and errs[1] < 0.3 * errs[0]


def test_gaussian_pulse_matches_frequency_domain_formula():
    # V(t) = (1/pi) Re int_0^inf G(w) p(w) e^{-i w t} dw, p(w) = sqrt(2 pi) sigma e^{i w t0 - sigma^2 w^2/2}
    T, sigma, dt = 6000.0, 600.0, 5.0
    pulse = GaussianPulse(T, sigma)
    k = np.arange(int(pulse.window()[0] / dt) - 2, 3000)
    S = _model_lags(dt, k[-1] - k[0])
    v = pulse_response(S, pulse, k, dt)
    omega = np.linspace(0.0, 10 / sigma, 4001)
    G = damped_model(omega)
    spec = G * (np.sqrt(2 * np.pi) * sigma * np.exp(-0.5 * (sigma * omega) ** 2))[:, None]
    t = k * dt
    ref = filon_fourier(omega, spec, -(t - pulse.center)).real / np.pi
    assert np.max(np.abs(v - ref)) < 2e-3 * np.max(np.abs(ref))


def damped_model_impulse(t, gamma=1e-3, w0=2e-2, g=2e-3):
    """dS/dt of damped_model_step for t > 0 (the impulse response)."""
    wd = np.sqrt(w0**2 - g**2 / 4)
    g1 = np.exp(-gamma * t)
    g2 = np.exp(-g * t / 2) * (np.cos(wd * t) - g / (2 * wd) * np.sin(wd * t))
    return np.where(t[:, None] > 0, np.stack([g1, g2], axis=1), 0.0)


def test_ac_pulse_against_duhamel_integral():
    """V(t) = int_0^min(t,T) g(t - s) p(s) ds with the impulse response g, by adaptive quadrature.

    The package integrates the smooth part of the pulse by the trapezoid rule on the time grid:
    the error must fall 4x per halving of dt (second order; measured 3.99-4.00).
    """
    from scipy.integrate import quad

    T, Omega = 3000.0, 0.01
    times = (400.0, 1800.0, 3000.0, 4600.0)  # inside the pulse, at switch-off, after it
    ref = np.array(
        [
            [
                quad(
                    lambda s: damped_model_impulse(np.array([t - s]))[0, c] * np.sin(Omega * s),
                    0,
                    min(t, T),
                    limit=500,
                    epsabs=1e-12,
                )[0]
                for c in (0, 1)
            ]
            for t in times
        ]
    )
    errors = []
    for dt in (2.0, 1.0):
        k = np.arange(-10, int(4800 / dt))
        v = pulse_response(_model_lags(dt, k[-1] - k[0]), ACPulse(T, Omega), k, dt)
        assert np.max(np.abs(v[k <= 0])) < 1e-13 * np.max(np.abs(v))  # causal up to FFT rounding (2e-15)
        got = np.array([v[k == int(round(t / dt))][0] for t in times])
        errors.append(np.max(np.abs(got - ref)) / np.max(np.abs(ref)))
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.1)
    assert errors[1] < 5e-4  # measured 5.3e-5 of the largest |V| (dt = 1 a.u.)


def test_filon_cos_large_t_form_equals_moment_form():
    omega = np.concatenate([[0.0], np.geomspace(1e-4, 2.0, 300)])
    f = np.exp(-omega) / (1 + omega)
    t = np.array([5e2, 1e3, 3e4, 2e5])  # around and beyond the switch at 1e3/omega_max
    moment = filon_fourier(omega, f, t).real
    assert np.allclose(filon_cos(omega, f, t), moment, rtol=0, atol=1e-12)
    for tt in (7e2, 4e4):
        assert filon_cos(omega, f, np.array([tt]))[0] == pytest.approx(oracles.filon_reference(omega, f, tt), abs=1e-11)


def test_make_pulse_validation():
    assert isinstance(make_pulse("rectangular", 10.0), RectangularPulse)
    with pytest.raises(ValueError, match="pulse.shape"):
        make_pulse("triangle", 10.0)
    with pytest.raises(ValueError, match="frequency"):
        make_pulse("ac", 10.0)
    with pytest.raises(ValueError, match="rise_time"):
        make_pulse("ramp", 10.0, rise_time=20.0)


def test_filon_cos_exact_for_piecewise_linear_f_on_any_interval():
    """For linear f the Filon sum is exact: int_a^b (1 + w) cos(wt) dw in closed form, a != 0, both the
    moment form (small t) and the integration-by-parts form (large t). Measured 2e-16."""
    a, b = 0.5, 3.0
    omega = np.linspace(a, b, 41)
    t = np.array([0.3, 5.0, 50.0, 2000.0, 5000.0])

    def primitive(w):
        return (1 + w) * np.sin(w * t) / t + np.cos(w * t) / t**2

    np.testing.assert_allclose(filon_cos(omega, 1 + omega, t), primitive(b) - primitive(a), rtol=0, atol=1e-13)


def test_step_response_of_a_debye_response_with_its_tail():
    """G = 1/(1 - i omega tau): S(t) = 1 - exp(-t/tau). The grid stops at omega tau = 30, so the analytic
    c/omega^2 tail of Im G/omega (c from the last grid point) carries ~2e-3 of S at t = tau/10.
    Measured max error 1.4e-7 (tolerance 1.5e-6); taking c from the next-to-last point instead gives 1.1e-5."""
    tau = 10.0
    omega = np.concatenate([[0.0], np.geomspace(1e-4, 3.0, 6000)])
    t = np.array([1.0, 5.0, 10.0, 30.0, 100.0])
    S = step_response(omega, 1 / (1 - 1j * omega * tau), t, 1.0 + 0j)
    np.testing.assert_allclose(S, 1 - np.exp(-t / tau), rtol=0, atol=1.5e-6)
