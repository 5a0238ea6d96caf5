"""The verdicts the wording depends on: each branch, each boundary, and the lesson's wiring."""

from __future__ import annotations

import dataclasses
import json
import math
import typing

import pytest
from core_strategies import EPS, FEW, MEDIUM, SETTINGS, params_strategy, value_of
from hypothesis import assume, given
from hypothesis import strategies as st

from backprop_core import build_lesson
from backprop_core.descent import descend, minimising_w
from backprop_core.neuron import error
from backprop_core.nudge import nudge
from backprop_core.params import DECLARED, ParamError, params_from_mapping
from backprop_core.verdicts import (
    GOOD_FIT,
    SAME_AS_LINE,
    Verdicts,
    dead_units,
    descent_regime,
    direction,
    fit_quality,
    loss_trend,
    nudge_effect,
    prediction,
)

finite = st.floats(allow_nan=False, allow_infinity=False)
TINY = math.ulp(0.0)  # the smallest positive float: the first value past zero


def up(v: float) -> float:
    return math.nextafter(v, math.inf)


def down(v: float) -> float:
    return math.nextafter(v, -math.inf)


# --- signs: a direction, a prediction, a trend ----------------------------------------------

def test_direction_at_zero_and_the_first_values_past_it():
    assert direction(0.0) == direction(-0.0) == "keep"
    assert direction(TINY) == "decrease" and direction(-TINY) == "increase"


@given(finite)
@SETTINGS
def test_direction_steps_against_the_gradient(g):
    assert direction(g) == ("increase" if g < 0 else "decrease" if g > 0 else "keep")


def test_prediction_at_zero_error_and_the_first_errors_past_it():
    assert prediction(0.0) == prediction(-0.0) == "on_target"
    assert prediction(TINY) == "too_low" and prediction(-TINY) == "too_high"


@given(finite, finite)
@SETTINGS
def test_the_prediction_verdict_is_the_side_of_the_target(y, y_hat):
    assume(math.isfinite(y - y_hat))
    verdict = prediction(error(y, y_hat))
    if verdict == "too_low":
        assert y_hat < y
    elif verdict == "too_high":
        assert y_hat > y
    else:  # equal, or within the core's snapping of round-off
        assert abs(y - y_hat) <= 1e-12 * max(abs(y), abs(y_hat))


@given(finite)
@SETTINGS
def test_loss_trend_at_its_boundary(before):
    assert loss_trend(before, before) == "stays"
    assert loss_trend(before, up(before)) == "rises"
    assert loss_trend(before, down(before)) == "falls"


@given(finite, finite)
@SETTINGS
def test_loss_trend_is_antisymmetric(a, b):
    flip = {"falls": "rises", "rises": "falls", "stays": "stays"}
    assert loss_trend(b, a) == flip[loss_trend(a, b)]


# --- slide 4: the descent's regime ---------------------------------------------------------

@pytest.mark.parametrize("w_can_move, losses, errors, regime", [
    (True, [0.0, 0.0], [0.0, 0.0], "on_target"),
    (False, [0.0, 0.0], [0.0, 0.0], "on_target"),  # on target wins over flat: nothing to say of w
    (False, [4.0, 9.0], [2.0, 3.0], "flat"),  # flat wins over a rising loss: w is not to blame
    (True, [4.0, 1.0, 9.0], [2.0, -1.0, 3.0], "diverges"),  # the end counts, not the way there
    (True, [4.0, 4.0], [2.0, -2.0], "steady"),
    (True, [4.0, 1.0], [2.0, -1.0], "bounces"),
    (True, [4.0, 1.0, 0.25], [2.0, 1.0, -0.5], "bounces"),  # one crossing is enough
    (True, [4.0, 1.0], [2.0, 1.0], "converges"),
    (True, [4.0, 0.0], [2.0, 0.0], "converges"),  # landing on the target is no crossing
    (True, [4.0, 1.0], [-2.0, -1.0], "converges"),
])
def test_descent_regime_branches(w_can_move, losses, errors, regime):
    assert descent_regime(w_can_move, losses, errors) == regime


@given(st.floats(1e-300, 1e300))
@SETTINGS
def test_descent_regime_at_the_loss_boundaries(loss):
    errors = [1.0, 1.0]
    assert descent_regime(True, [loss, loss], errors) == "steady"
    assert descent_regime(True, [loss, up(loss)], errors) == "diverges"
    assert descent_regime(True, [loss, down(loss)], errors) == "converges"
    assert descent_regime(True, [loss, down(loss)], [1.0, -TINY]) == "bounces"
    assert descent_regime(True, [0.0, loss], errors) == "on_target"


def _regime(x, w, b, y, lr, steps):
    d = descend(x, y, w, b, lr, steps)
    return descent_regime(d.w_star is not None, [s.loss for s in d.steps],
                          [y - s.y_hat for s in d.steps])


def test_descent_regime_on_the_exact_boundaries_of_the_learning_rate():
    # x = 1: each step multiplies the error by 1 - 4 lr, exactly in binary here.
    assert _regime(1.0, 0.0, 0.0, 1.0, 0.25, 10) == "converges"  # lands on the target at once
    assert _regime(1.0, 0.0, 0.0, 1.0, 0.5, 10) == "steady"  # the error flips, same size
    assert _regime(1.0, 0.0, 0.0, 1.0, up(0.25), 10) == "bounces"
    assert _regime(1.0, 0.0, 0.0, 1.0, 0.5 + 2**-20, 10) == "diverges"
    assert _regime(0.0, 1.0, 0.0, 1.0, 0.9, 10) == "flat"
    assert _regime(2.0, 1.0, 1.0, 3.0, 0.9, 10) == "on_target"


# The error after a step is the error before it times r = 1 - 2 lr (x^2 + 1). With
# lr = f / (x^2 + 1): 0 < f < 1/2 converges, 1/2 < f < 1 bounces, f > 1 diverges. The
# fractions keep |r| >= 0.2, far from the boundaries for floating point, and the error
# stays far above round-off for the few steps drawn.
@pytest.mark.parametrize("fractions, regime", [
    ((0.02, 0.4), "converges"), ((0.6, 0.98), "bounces"), ((1.02, 1.6), "diverges")])
@given(data=st.data())
@MEDIUM
def test_descent_regime_follows_the_learning_rate(fractions, regime, data):
    x, w, b, y = (data.draw(value_of(k)) for k in ("x", "w", "b", "y"))
    steps = data.draw(st.integers(1, 4))
    lr = data.draw(st.floats(*fractions)) / (x * x + 1.0)
    assume(minimising_w(x, y, b) is not None and 0 < lr <= DECLARED["lr"].high)
    gap = abs(y - (w * x + b))  # shrinks by at most 0.2 a step, noise is eps of the magnitudes
    assume(gap > 1e-100 and gap * 0.2**steps > 1e6 * EPS * (abs(y) + abs(w * x) + abs(b)))
    try:
        assert _regime(x, w, b, y, lr, steps) == regime
    except ParamError:  # a loss past any float: refused, not a verdict
        assume(False)


# --- slide 5: the nudge -------------------------------------------------------------------

def test_nudge_effect_branches():
    assert nudge_effect(0.0, 0.0) == nudge_effect(0.0, -3.8) == "y_hat_still"
    assert nudge_effect(0.02, 0.0) == "loss_still"
    assert nudge_effect(0.02, -3.8) == nudge_effect(-TINY, TINY) == "moves"


@given(*(value_of(k) for k in ("x", "w", "b", "y")))
@SETTINGS
def test_nudge_effect_of_the_real_nudge(x, w, b, y):
    n = nudge(x, w, b, y)
    verdict = nudge_effect(n.dy_hat_predicted, n.dloss_dyhat)
    if x == 0:
        assert verdict == "y_hat_still"
    elif y == w * x + b and n.dy_hat_predicted != 0:  # (an x of 1e-320 moves y_hat by 0)
        assert verdict == "loss_still"
    if verdict == "moves":
        assert n.dy_hat_predicted != 0 and n.dloss_dyhat != 0


# --- slides 7 and 8: the fit and the hidden units --------------------------------------------

def test_fit_quality_at_its_boundaries():
    assert fit_quality(GOOD_FIT, 1.0) == "fits"
    assert fit_quality(up(GOOD_FIT), 1.0) == "rough"
    assert fit_quality(down(1 - SAME_AS_LINE), 1.0) == "rough"
    assert fit_quality(1 - SAME_AS_LINE, 1.0) == "line"
    assert fit_quality(1 + SAME_AS_LINE, 1.0) == "line"
    assert fit_quality(up(1 + SAME_AS_LINE), 1.0) == "worse"
    assert fit_quality(0.0, 0.0) == fit_quality(1.0, 0.0) == "worse"  # nothing to beat


RANK = {"fits": 0, "rough": 1, "line": 2, "worse": 3}


@given(st.floats(0, 1e8), st.floats(0, 1e8), st.floats(1e-8, 1e8))
@SETTINGS
def test_fit_quality_worsens_with_the_loss(a, b, line_mse):
    low, high = sorted((a, b))
    assert RANK[fit_quality(low, line_mse)] <= RANK[fit_quality(high, line_mse)]


@given(st.floats(1e-8, 1e8), st.floats(0, 4))
@SETTINGS
def test_fit_quality_reads_the_ratio(line_mse, ratio):
    final = ratio * line_mse
    exact = final / line_mse  # the ratio as the verdict sees it
    expected = ("fits" if exact <= GOOD_FIT else "rough" if exact < 1 - SAME_AS_LINE
                else "line" if exact <= 1 + SAME_AS_LINE else "worse")
    assert fit_quality(final, line_mse) == expected


@pytest.mark.parametrize("params, verdict", [
    ({}, "fits"),
    ({"hidden": 8}, "fits"),
    ({"hidden": 2}, "line"),  # two units end at the line's level
    ({"net_lr": 0.3}, "line"),  # its units die
    ({"net_lr": 0.001}, "rough"),  # better than a line, not yet a fit
    ({"epochs": 1}, "worse"),
])
def test_fit_verdict_follows_the_real_losses(params, verdict):
    assert build_lesson(params_from_mapping(params)).verdicts.fit == verdict


def test_dead_units_at_zero_and_the_first_activation_past_it():
    assert dead_units([0.0, 0.0]) == "all_off"
    assert dead_units([TINY, TINY]) == "all_on"
    assert dead_units([0.0, TINY]) == "some_off"
    assert dead_units([1.0, 2.0, 0.0]) == "some_off"


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=16))
@SETTINGS
def test_dead_units_counts_the_zeros(activations):
    off = sum(a == 0 for a in activations)
    expected = "all_on" if off == 0 else "all_off" if off == len(activations) else "some_off"
    assert dead_units(activations) == expected


# --- the lesson carries them, facts.json records them ----------------------------------------

def test_every_verdict_is_a_typed_choice():
    for field in dataclasses.fields(Verdicts):
        assert typing.get_origin(typing.get_type_hints(Verdicts)[field.name]) is typing.Literal


@given(params_strategy(epochs=st.integers(1, 200)))
@FEW
def test_the_lesson_carries_each_verdict_of_its_own_values(params):
    try:
        lesson = build_lesson(params)
    except ParamError:
        assume(False)
    v, step, d, net = lesson.verdicts, lesson.worked_step, lesson.descent, lesson.network
    # The signs the slides used to test themselves, so every sentence stays as it was.
    drop = (step.loss_drop > 0) - (step.loss_drop < 0)
    assert v.step_trend == {1: "falls", -1: "rises", 0: "stays"}[drop]
    assert v.prediction == prediction(step.error)
    assert (v.w_direction, v.b_direction) == (direction(step.dloss_dw), direction(step.dloss_db))
    assert v.descent == descent_regime(d.w_star is not None, [s.loss for s in d.steps],
                                       [step.y - s.y_hat for s in d.steps])
    assert v.nudge == nudge_effect(lesson.nudge.dy_hat_predicted, lesson.nudge.dloss_dyhat)
    assert v.network_trend == loss_trend(net.initial_loss, net.final_loss)
    assert v.fit == fit_quality(net.final_loss, lesson.activations.line_fit.mse)
    assert v.dead_units == dead_units(net.trace.a1)
    hints = typing.get_type_hints(Verdicts)
    recorded = json.loads(json.dumps(lesson.to_dict()))["verdicts"]
    assert recorded == dataclasses.asdict(v)
    for name, value in recorded.items():
        assert value in typing.get_args(hints[name]) and lesson.lookup(f"verdicts.{name}") == value
