"""The current pulses of viscous_forces.core.pulses against their closed forms, and the Duhamel superposition.

Each pulse p(t) is written out here independently (Eq. 14 for the rectangular one; the raised-cosine ramp, the
Gaussian and the AC drive of docs/theory.md, "Pulses"), its smooth derivative is checked against finite
differences of p, its jumps against the limits of p, and jumps + integrated derivative must rebuild p.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from viscous_forces.core.pulses import (
    DEFAULT_RISE_FRACTION,
    DEFAULT_WIDTH_FRACTION,
    ACPulse,
    GaussianPulse,
    RectangularPulse,
    SmoothRampPulse,
    make_pulse,
)
from viscous_forces.core.time_domain import pulse_response

T = 1000.0


def ramp_oracle(t, T, tau):
    def s(x):
        return 0.0 if x <= 0 else 1.0 if x >= 1 else 0.5 * (1 - math.cos(math.pi * x))

    return s(t / tau) - s((t - T) / tau)


ORACLES = {
    "rectangular": (RectangularPulse(T), lambda t: 1.0 if 0 < t < T else 0.0),
    "ramp": (SmoothRampPulse(T, 80.0), lambda t: ramp_oracle(t, T, 80.0)),
    "gaussian": (GaussianPulse(T, 120.0), lambda t: math.exp(-0.5 * ((t - T / 2) / 120.0) ** 2)),
    "ac": (ACPulse(T, 0.02), lambda t: math.sin(0.02 * t) if 0 < t < T else 0.0),
}
#: Times away from the jumps, inside and outside the pulse (a.u.).
TIMES = np.array(
    [-300.0, -1.0, 0.5, 3.0, 40.0, 79.0, 81.0, 300.0, 499.0, 500.0, 777.0, 950.0, 999.0, 1001.0, 1040.0, 1500.0]
)


@pytest.mark.parametrize("name", list(ORACLES))
def test_shape_against_closed_form(name):
    pulse, oracle = ORACLES[name]
    np.testing.assert_allclose(pulse.shape(TIMES), [oracle(t) for t in TIMES], rtol=1e-14, atol=1e-15)
    assert pulse.shape(np.array([[10.0, 20.0]])).shape == (1, 2)


@pytest.mark.parametrize("name", list(ORACLES))
def test_smooth_derivative_and_jumps_rebuild_the_shape(name):
    """p(t) = sum_j h_j H(t - t_j) + int_{-inf}^t p_s'(s) ds, with p_s' from smooth_derivative()."""
    pulse, oracle = ORACLES[name]
    jumps = pulse.jumps()
    for tj, h in jumps:  # a jump is the difference of the one-sided limits of p
        assert oracle(tj + 1e-9) - oracle(tj - 1e-9) == pytest.approx(h, abs=1e-8)
    lo, hi = pulse.window()
    edges = sorted({lo, hi, 0.0, 80.0, T / 2, T, T + 80.0, *(tj for tj, _ in jumps)})
    for t in TIMES:
        smooth = sum(quad(lambda s: float(pulse.smooth_derivative(np.array([s]))[0]), a, min(b, t), limit=200)[0]
                     for a, b in zip([lo - 10.0, *edges], [*edges, hi + 10.0]) if a < t)  # fmt: skip
        steps = sum(h for tj, h in jumps if tj < t)
        assert steps + smooth == pytest.approx(oracle(t), abs=2e-9), (name, t)


@pytest.mark.parametrize("name", ["ramp", "gaussian", "ac"])
def test_smooth_derivative_against_finite_differences(name):
    pulse, oracle = ORACLES[name]
    t = np.array([3.0, 40.0, 70.0, 300.0, 500.0, 777.0, 950.0, 1030.0])
    h = 1e-3
    fd = [(oracle(x + h) - oracle(x - h)) / (2 * h) for x in t]
    np.testing.assert_allclose(pulse.smooth_derivative(t), fd, rtol=1e-6, atol=1e-9)


def test_jumps_and_windows():
    assert RectangularPulse(T).jumps() == ((0.0, 1.0), (T, -1.0))
    assert RectangularPulse(T).window() == (0.0, T)
    np.testing.assert_array_equal(RectangularPulse(T).smooth_derivative(TIMES), 0.0)
    assert SmoothRampPulse(T, 80.0).jumps() == ()
    assert SmoothRampPulse(T, 80.0).window() == (0.0, T + 80.0)
    g = GaussianPulse(T, 120.0)
    assert g.jumps() == () and g.center == T / 2
    assert g.window() == (T / 2 - 7.5 * 120.0, T / 2 + 7.5 * 120.0)
    assert g.shape(np.array(g.window())).max() < 1e-12 < g.shape(np.array([T / 2 + 7.4 * 120.0]))[0]
    ac = ACPulse(T, 0.02)
    (t_end, h_end), *rest = [j for j in ac.jumps() if j[0] == T]
    assert not rest and h_end == pytest.approx(-math.sin(0.02 * T), abs=1e-15)
    assert all(abs(h) > 0 for _, h in ac.jumps())  # sin(0) = 0: no jump at the switch-on
    assert ac.window() == (0.0, T)


def test_response_from_jumps():
    step = lambda t: np.where(np.asarray(t) > 0, 1.0 - np.exp(-np.asarray(t) / 100.0), 0.0)  # noqa: E731
    t = np.array([-5.0, 50.0, 999.0, 1000.0, 1200.0])
    np.testing.assert_allclose(RectangularPulse(T).response(step, t), step(t) - step(t - T), rtol=1e-15)
    with pytest.raises(NotImplementedError, match="GaussianPulse has a smooth part: use pulse_response"):
        GaussianPulse(T, 120.0).response(step, t)


#: 10x the measured error of the trapezoid rule at dt = 0.5 a.u. (falls as dt^2: ramp 1.3e-4, 3.2e-5, 8.0e-6 and
#: AC 3.0e-5, 7.5e-6, 1.9e-6 at dt = 1, 0.5, 0.25; rectangular: jumps only, exact; Gaussian 1.3e-7).
DUHAMEL_TOLERANCE = {"rectangular": 1e-14, "ramp": 3.5e-4, "gaussian": 1.5e-6, "ac": 8e-5}


@pytest.mark.parametrize("name", list(ORACLES))
def test_pulse_response_against_direct_convolution(name):
    """V(t) = int S(t - s) dp(s) for S(t) = 1 - exp(-t/tau): the superposition on the grid (trapezoid, O(dt^2))
    against adaptive quadrature of the Duhamel integral V(t) = int_0^t p(s) S'(t - s) ds."""
    pulse, oracle = ORACLES[name]
    tau, dt = 150.0, 0.5
    k = np.arange(int(np.floor(min(pulse.window()[0], 0.0) / dt)) - 1, 3201)
    lags = np.arange(0, k[-1] - k[0] + 1)
    S = (1.0 - np.exp(-lags * dt / tau))[:, None]
    V = pulse_response(S, pulse, k, dt)[:, 0]
    lo = min(pulse.window()[0], 0.0)
    for t in (75.0, 200.0, 500.0, 999.5, 1050.0, 1300.0, 1600.0):
        i = int(np.argmin(np.abs(k * dt - t)))
        ref = quad(
            lambda s: oracle(s) * math.exp(-(t - s) / tau) / tau, lo, t, limit=400, points=[0.0, 80.0, T / 2, T]
        )[0]
        assert V[i] == pytest.approx(ref, abs=DUHAMEL_TOLERANCE[name]), (name, t)


def test_pulse_response_refuses_too_short_step_responses():
    """An output grid that starts after the pulse does needs S at lags beyond the output span."""
    k = np.arange(0, 101)
    with pytest.raises(ValueError, match=r"step_lags holds S up to lag 100, but the pulse acts from t = -100 a.u."):
        pulse_response(np.ones((101, 1)), GaussianPulse(100.0, 20.0), k, 1.0)
    with pytest.raises(ValueError, match=r"step_lags holds S up to lag 90, .* lags up to 100 are needed"):
        pulse_response(np.ones((91, 1)), RectangularPulse(50.0), np.arange(10, 101), 1.0)


def test_pulse_response_refuses_a_jump_off_the_grid():
    with pytest.raises(ValueError, match=r"pulse jump at t = 1000.25 a.u. is not on the time grid \(dt = 0.5\)"):
        pulse_response(np.ones((10, 1)), RectangularPulse(1000.25), np.arange(5), 0.5)


def test_make_pulse_defaults_and_refusals():
    assert make_pulse("rectangular", T) == RectangularPulse(T)
    assert make_pulse("ramp", T) == SmoothRampPulse(T, DEFAULT_RISE_FRACTION * T)
    assert make_pulse("ramp", T, rise_time=0.2) == SmoothRampPulse(T, 0.2 * T)
    assert make_pulse("gaussian", T) == GaussianPulse(T, DEFAULT_WIDTH_FRACTION * T)
    assert make_pulse("gaussian", T, width=0.1) == GaussianPulse(T, 0.1 * T)
    assert make_pulse("ac", T, frequency=0.3) == ACPulse(T, 0.3)
    assert DEFAULT_RISE_FRACTION == 0.05 and DEFAULT_WIDTH_FRACTION == 1.0 / 6.0
    with pytest.raises(ValueError, match="pulse.shape must be one of rectangular, ramp, gaussian, ac, got 'square'"):
        make_pulse("square", T)
    with pytest.raises(ValueError, match=r"pulse.frequency \(Ha\) is required for the 'ac' pulse shape"):
        make_pulse("ac", T)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: RectangularPulse(0.0), "pulse duration T must be finite and > 0 a.u., got 0.0"),
        (lambda: RectangularPulse(float("inf")), "pulse duration T must be finite and > 0 a.u., got inf"),
        (lambda: SmoothRampPulse(T, 0.0), r"pulse rise_time must be in \(0, T = 1000\] a.u., got 0.0"),
        (lambda: SmoothRampPulse(T, 1000.5), r"pulse rise_time must be in \(0, T = 1000\] a.u., got 1000.5"),
        (lambda: GaussianPulse(T, -1.0), r"pulse width \(sigma\) must be in \(0, T = 1000\] a.u., got -1.0"),
        (lambda: GaussianPulse(T, 1001.0), r"pulse width \(sigma\) must be in \(0, T = 1000\] a.u."),
        (lambda: ACPulse(T, 0.0), "pulse frequency must be finite and > 0 Ha, got 0.0"),
        (lambda: ACPulse(T, float("nan")), "pulse frequency must be finite and > 0 Ha, got nan"),
    ],
)
def test_bad_pulses(build, message):
    with pytest.raises(ValueError, match=message):
        build()
    # the limits themselves are allowed
    SmoothRampPulse(T, T)
    GaussianPulse(T, T)


def test_edges_and_limits_exactly():
    """Open interval of the rectangular pulse, derivatives exactly 0 outside the ramps, limits allowed."""
    np.testing.assert_array_equal(RectangularPulse(T).shape(np.array([0.0, 1e-9, T - 1e-9, T])), [0, 1, 1, 0])
    ramp = SmoothRampPulse(T, 80.0)
    outside = np.array([-1.0, 0.0, 80.0, 100.0, 159.0, T, T + 80.0, T + 100.0])
    np.testing.assert_array_equal(ramp.smooth_derivative(outside), 0.0)
    assert np.all(ramp.smooth_derivative(np.array([1.0, 79.0, T + 1.0, T + 79.0])) != 0)
    ac = ACPulse(T, 0.02)
    np.testing.assert_array_equal(ac.smooth_derivative(np.array([-1.0, T + 1.0])), 0.0)
    assert ac.smooth_derivative(np.array([-1.0])).dtype == np.float64
    for pulse in (RectangularPulse(0.5), SmoothRampPulse(0.5, 0.5), GaussianPulse(0.5, 0.5), ACPulse(0.5, 1e-3)):
        assert pulse.duration == 0.5  # durations and widths below 1 a.u. are fine
    GaussianPulse(T, T)
    with pytest.raises(ValueError, match="pulse frequency must be finite and > 0 Ha, got inf"):
        ACPulse(T, float("inf"))


@pytest.mark.parametrize("pulse", [RectangularPulse(50.0), GaussianPulse(100.0, 20.0)], ids=["rectangular", "gaussian"])
def test_step_response_just_long_enough(pulse):
    """Lags from the first jump or the start of the window to the last output: exactly enough passes."""
    k = np.arange(10, 101)
    first = min(10, int(np.floor(pulse.window()[0])), *(int(np.floor(tj)) for tj, _ in pulse.jumps()))
    needed = 100 - first + 1
    pulse_response(np.ones((needed, 1)), pulse, k, 1.0)
    with pytest.raises(ValueError, match=rf"lags up to {needed - 1} are needed"):
        pulse_response(np.ones((needed - 1, 1)), pulse, k, 1.0)


def test_only_jump_pulses_answer_from_the_jumps():
    """A smooth part is refused by type, however short: a 1 a.u. ramp on a 1000 a.u. pulse falls between
    the samples of a 257-point scan of the window and was once taken for a rectangular pulse."""
    step = lambda t: np.where(np.asarray(t) > 0, 1.0, 0.0)  # noqa: E731
    for pulse in (SmoothRampPulse(T, 1.0), GaussianPulse(T, 1.0), ACPulse(T, 1e-3)):
        with pytest.raises(NotImplementedError, match="has a smooth part"):
            pulse.response(step, np.array([1.0]))
    np.testing.assert_array_equal(ACPulse(T, 0.02).shape(np.array([0.0, T])), 0.0)  # open interval, like Eq. (14)
    with pytest.raises(ValueError, match=r"pulse width \(sigma\) must be in \(0, T = 1000\] a.u., got 0.0"):
        GaussianPulse(T, 0.0)


def test_step_lags_counted_from_the_output_start_and_jumps_on_a_fine_grid():
    """The output may start before the pulse (then its first index sets the lags needed), dt != 1, and a
    jump 1e5 steps out that is off the grid by rounding only (3e-10 steps) is on it."""
    pulse, dt = RectangularPulse(50.0), 0.5
    k = np.arange(-5, 201)  # t from -2.5 to 100 a.u.
    pulse_response(np.ones((206, 1)), pulse, k, dt)
    with pytest.raises(ValueError, match="lags up to 205 are needed"):
        pulse_response(np.ones((205, 1)), pulse, k, dt)
    far = RectangularPulse(10000.000000000029)  # 1e5 steps of 0.1, 3e-10 steps off
    V = pulse_response(np.ones((100011, 1)), far, np.arange(0, 100011), 0.1)
    assert V[50, 0] == 1.0 and V[100005, 0] == 0.0
