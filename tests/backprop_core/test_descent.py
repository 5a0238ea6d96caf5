"""Gradient descent on the worked neuron: the trajectory, when a step helps, and the curves."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from core_strategies import EPS, MEDIUM, SETTINGS, neuron_params, value_of
from hypothesis import assume, given
from hypothesis import strategies as st

from backprop_core.descent import (
    CURVE_SAMPLES,
    descend,
    loss_curve_over_w,
    loss_curve_over_yhat,
    minimising_w,
)
from backprop_core.neuron import dloss_dyhat, forward, squared_error, worked_step
from backprop_core.params import ParamError
from backprop_core.verdicts import descent_regime, loss_trend

steps_strategy = value_of("steps")


def _descend(p, steps):
    return descend(p["x"], p["y"], p["w"], p["b"], p["lr"], steps)


def _regime(d, y):
    return descent_regime(d.w_star is not None, [s.loss for s in d.steps],
                          [y - s.y_hat for s in d.steps])


def _descend_or_refuse(p, steps):
    """A run, or None when the loss would overflow a float (refused with a ParamError)."""
    try:
        return _descend(p, steps)
    except ParamError as error:
        assert "'lr'" in str(error)
        return None


def test_default_trajectory_starts_with_the_worked_step():
    d = descend(2.1, 4.0, 1.0, 0.0, 0.01, 10)
    s = worked_step(2.1, 1.0, 0.0, 4.0, 0.01)
    assert len(d.steps) == 11 and [step.index for step in d.steps] == list(range(11))
    assert (d.steps[0].w, d.steps[0].b, d.steps[0].loss) == (1.0, 0.0, s.loss)
    assert (d.steps[0].dloss_dw, d.steps[0].dloss_db) == (s.dloss_dw, s.dloss_db)
    assert (d.steps[1].w, d.steps[1].b) == (s.w_next, s.b_next)
    assert (d.steps[1].y_hat, d.steps[1].loss) == (s.y_hat_next, s.loss_next)
    assert all(a.loss > b.loss for a, b in pairwise(d.steps))
    assert _regime(d, 4.0) == "converges"
    assert d.visible_steps == 11 and len(d.curves_w) == 11
    assert d.w_star == pytest.approx(4.0 / 2.1)


@given(neuron_params(), steps_strategy)
@MEDIUM
def test_each_step_is_one_update_with_the_closed_form_gradients(p, steps):
    d = _descend_or_refuse(p, steps)
    assume(d is not None)
    x, y, lr = p["x"], p["y"], p["lr"]
    assert len(d.steps) == steps + 1
    assert (d.steps[0].w, d.steps[0].b) == (p["w"], p["b"])
    for k, step in enumerate(d.steps):
        assert step.index == k
        assert step.y_hat == forward(x, step.w, step.b)
        assert step.loss == squared_error(y, step.y_hat)
        assert step.dloss_dw == dloss_dyhat(y, step.y_hat) * x + 0.0
        assert step.dloss_db == dloss_dyhat(y, step.y_hat)
        for value in (step.w, step.b, step.y_hat, step.loss, step.dloss_dw, step.dloss_db):
            assert math.isfinite(value)
    for before, after in pairwise(d.steps):
        assert after.w == before.w - lr * before.dloss_dw
        assert after.b == before.b - lr * before.dloss_db
    s = worked_step(**p)
    assert (d.steps[1].w, d.steps[1].b, d.steps[1].loss) == (s.w_next, s.b_next, s.loss_next)


# --- when one step lowers the loss --------------------------------------------------------
#
# y_hat_next - y = (y_hat - y)(1 - 2 lr (x^2 + 1)), so loss_next = loss * r^2 with
# r = 1 - 2k, k = lr (x^2 + 1): the step lowers a non-zero loss iff |r| < 1, i.e.
# iff 0 < k < 1, and raises it iff k > 1. In floating point the loss carries a relative
# error of about 4 eps S / |e| (S: the magnitudes added to form e), so the sign of the
# change is only decided when |r^2 - 1| exceeds that noise; the test asserts the exact
# condition wherever floating point can resolve it, and nothing where it cannot.

# Below this a squared error underflows towards subnormals, where the relative precision the
# noise bound assumes is gone; the condition is asserted above it.
TINY_LOSS = 1e-280


def _noise(p) -> float:
    s = worked_step(**p)
    scale = (abs(p["y"]) + abs(p["w"] * p["x"]) + abs(p["b"])
             + abs(s.w_next * p["x"]) + abs(s.b_next))
    return 64 * EPS * scale / abs(s.error) + 64 * EPS


@given(neuron_params())
@SETTINGS
def test_one_step_lowers_the_loss_iff_lr_times_x2_plus_1_is_below_1(p):
    s = worked_step(**p)
    assume(s.loss > TINY_LOSS)
    k = p["lr"] * (p["x"] ** 2 + 1.0)
    r = 1.0 - 2.0 * k
    assume(abs(r * r - 1.0) > _noise(p))
    d = descend(p["x"], p["y"], p["w"], p["b"], p["lr"], 1)
    if k < 1:
        assert s.loss_next < s.loss and s.loss_drop > 0
        assert loss_trend(d.steps[0].loss, d.steps[1].loss) == "falls"
    else:
        assert s.loss_next > s.loss and s.loss_drop < 0
        assert loss_trend(d.steps[0].loss, d.steps[1].loss) == "rises"


@given(neuron_params(), st.floats(1e-6, 0.999))
@SETTINGS
def test_any_lr_below_the_bound_lowers_the_loss(p, fraction):
    """The same condition from the other side: choose lr = fraction / (x^2 + 1)."""
    p = {**p, "lr": fraction / (p["x"] ** 2 + 1.0)}
    s = worked_step(**p)
    assume(s.loss > TINY_LOSS)
    r = 1.0 - 2.0 * fraction
    assume(1.0 - r * r > _noise(p))
    assert s.loss_next < s.loss


@given(neuron_params(), st.floats(1.001, 50.0))
@SETTINGS
def test_any_lr_above_the_bound_raises_the_loss(p, multiple):
    lr = multiple / (p["x"] ** 2 + 1.0)
    assume(lr <= 1.0)
    p = {**p, "lr": lr}
    s = worked_step(**p)
    assume(s.loss > TINY_LOSS)
    r = 1.0 - 2.0 * multiple
    assume(r * r - 1.0 > _noise(p))
    assert s.loss_next > s.loss and s.loss_drop < 0


def test_huge_learning_rate_raises_the_loss_and_says_so():
    d = descend(2.1, 4.0, 1.0, 0.0, 0.5, 10)
    assert _regime(d, 4.0) == "diverges"
    assert all(a.loss < b.loss for a, b in pairwise(d.steps))
    # The plot keeps the steps near the minimum and says the rest.
    assert 1 <= d.visible_steps < len(d.steps)
    assert len(d.curves_w) == d.visible_steps


def test_zero_loss_stays_zero_whatever_the_learning_rate():
    d = descend(2.0, 5.0, 2.0, 1.0, 1.0, 5)
    assert all(step.loss == 0.0 and step.w == 2.0 and step.b == 1.0 for step in d.steps)
    assert _regime(d, 5.0) == "on_target"


def test_zero_input_moves_only_the_bias():
    d = descend(0.0, 4.0, 1.0, 0.0, 0.1, 10)
    assert d.w_star is None
    assert all(step.w == 1.0 and step.dloss_dw == 0.0 for step in d.steps)
    assert d.steps[-1].loss < d.steps[0].loss
    assert d.visible_steps == 11


@pytest.mark.parametrize("x", [1e-310, 5e-324, -1e-320, 2.3e-308, 1e-300])
def test_input_so_close_to_zero_is_a_lesson_not_a_crash(x):
    d = descend(x, 4.0, 1.0, 0.0, 0.1, 10)
    values = [d.curve_w.x_min, d.curve_w.x_max, d.curve_w.y_max, *d.curve_w.xs, *d.curve_w.ys]
    assert all(math.isfinite(v) for v in values)
    assert d.w_star is None or math.isfinite(d.w_star)


def test_loss_that_would_overflow_is_refused_naming_the_learning_rate():
    with pytest.raises(ParamError) as error:
        descend(100.0, 4.0, 1.0, 0.0, 1.0, 50)
    message = str(error.value)
    assert "'lr'" in message and "got 1" in message
    assert "steps" in message  # what is allowed: fewer steps, or a smaller lr
    assert f"{1 / (100.0**2 + 1):.4g}" in message


# --- the curves ---------------------------------------------------------------------------

def _contains(curve, value) -> bool:
    return curve.x_min <= value <= curve.x_max


@given(neuron_params(), steps_strategy)
@MEDIUM
def test_loss_curves_over_w_sample_the_loss_at_each_shown_b(p, steps):
    d = _descend_or_refuse(p, steps)
    assume(d is not None)
    x, y = p["x"], p["y"]
    assert d.curve_w is d.curves_w[0]
    assert 1 <= d.visible_steps <= steps + 1
    assert len(d.curves_w) == d.visible_steps
    y_max = max(max(c.ys) for c in d.curves_w)
    for step, curve in zip(d.steps, d.curves_w, strict=False):  # curves for visible steps only
        assert len(curve.xs) == len(curve.ys) == CURVE_SAMPLES
        assert curve.xs[0] == curve.x_min < curve.x_max == curve.xs[-1]
        assert list(curve.xs) == sorted(curve.xs)
        # The first curve holds b at its starting value; each later one at its step's b.
        assert curve.ys == tuple(squared_error(y, forward(x, w, step.b)) for w in curve.xs)
        assert curve.y_max == y_max
        assert (curve.x_min, curve.x_max) == (d.curve_w.x_min, d.curve_w.x_max)
    for step in d.steps[: d.visible_steps]:
        assert _contains(d.curve_w, step.w)
        w_hit = minimising_w(x, y, step.b)
        if w_hit is not None:
            assert _contains(d.curve_w, w_hit)
    if d.w_star is not None:
        assert _contains(d.curve_w, d.w_star)


@given(neuron_params(), steps_strategy)
@MEDIUM
def test_a_converging_run_is_shown_whole(p, steps):
    """With 0 < lr (x^2 + 1) < 1 w never passes its target by more than twice the start gap,
    so every step fits the plot, and every prediction fits the curve over y_hat."""
    assume(p["lr"] * (p["x"] ** 2 + 1.0) < 1.0)
    d = _descend(p, steps)
    assert d.visible_steps == steps + 1
    for step in d.steps:
        assert _contains(d.curve_w, step.w)
        assert _contains(d.curve_y_hat, step.y_hat)


@given(neuron_params(), steps_strategy)
@MEDIUM
def test_loss_curve_over_yhat_holds_the_target_and_the_worked_step(p, steps):
    d = _descend_or_refuse(p, steps)
    assume(d is not None)
    y = p["y"]
    c = d.curve_y_hat
    for value in (y, d.steps[0].y_hat):
        assert _contains(c, value)
    near = abs(d.steps[1].y_hat - y) <= 3 * abs(d.steps[0].y_hat - y)
    assert _contains(c, d.steps[1].y_hat) or not near  # a far overshoot would flatten the parabola
    # Never narrower than a unit, even at zero loss (up to the rounding of centre +- 0.5).
    assert c.x_max - c.x_min >= 1.0 - 4 * EPS * (abs(c.x_min) + abs(c.x_max))
    assert c.ys == tuple(squared_error(y, v) for v in c.xs)
    assert c.y_max == max(c.ys)


def test_w_star_hits_the_target():
    assert minimising_w(0.0, 4.0, 1.0) is None
    w = minimising_w(2.1, 4.0, 0.5)
    assert forward(2.1, w, 0.5) == pytest.approx(4.0)
    assert minimising_w(-2.0, -3.0, 1.0) == 2.0


def test_curve_helpers_directly():
    c = loss_curve_over_w(2.0, 4.0, 0.0, (-1.0, 3.0))
    assert (c.x_min, c.x_max, c.xs[0], c.xs[-1]) == (-1.0, 3.0, -1.0, 3.0)
    assert min(c.ys) == 0.0 and c.ys[c.xs.index(2.0)] == 0.0
    c = loss_curve_over_yhat(4.0, [4.0])
    assert (c.x_min, c.x_max) == (3.5, 4.5)


@given(neuron_params(), steps_strategy)
@MEDIUM
def test_every_valid_run_is_finite_or_refused_with_a_param_error(p, steps):
    d = _descend_or_refuse(p, steps)
    if d is None:  # refused only when the loss really does outgrow a float
        k = p["lr"] * (p["x"] ** 2 + 1.0)
        assert abs(1.0 - 2.0 * k) ** steps * abs(worked_step(**p).error) > 1e150
        return
    curves = [*d.curves_w, d.curve_y_hat]
    numbers = [v for c in curves for v in (*c.xs, *c.ys, c.x_min, c.x_max, c.y_max)]
    assert all(math.isfinite(v) for v in numbers)
