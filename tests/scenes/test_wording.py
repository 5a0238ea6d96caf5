"""The wording, branch by branch, without drawing anything (milliseconds each).

Every verdict value has its sentence, every sentence says what its verdict means (no
"drops" over a rise), binds only the numbers its slide binds, and with the default
verdicts reads as the outline does.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from backprop_core import build_lesson
from backprop_core.verdicts import (
    DeadUnits,
    DescentRegime,
    Direction,
    FitQuality,
    NudgeEffect,
    Prediction,
    Trend,
)
from lecture.i18n import catalog_for
from scenes import wording

PLACEHOLDER = re.compile(r"@([A-Za-z_]\w*)")


def names(template: str) -> set[str]:
    """The placeholders of a sentence, and of its plural if it has one."""
    return set(PLACEHOLDER.findall(template + " " + (getattr(template, "plural", None) or "")))


def english(message: str, count: int) -> str:
    """The sentence as the English lecture says it with `count` (its plural form)."""
    return catalog_for("en").text(message, count=count)


# (table, its verdict, the placeholders its slide binds)
TABLES = [
    (wording.ADJUST, Trend, {"n", "before", "after"}),
    (wording.RELU, DeadUnits, {"a"}),
    (wording.PREDICTION_VS_TARGET, Prediction, {"yh", "y"}),
    (wording.ERROR_GAP, Prediction, {"e"}),
    (wording.SQUARING, Prediction, {"e", "loss"}),
    (wording.SIGN_REASON, Prediction, {"loss"}),
    (wording.PARABOLA, Prediction, {"loss", "y"}),
    (wording.STEP_MEANING, Direction, {"lr", "g", "w", "w1"}),
    (wording.B_DURING_DESCENT, Direction, set()),
    (wording.DESCENT_OUTCOME, DescentRegime, {"n", "lr", "w", "first", "second", "last"}),
    (wording.DESCENT_REASON, DescentRegime, {"lr", "x", "g0", "g"}),
    (wording.NUDGE_MOVE, NudgeEffect, {"dw", "x", "dyh"}),
    (wording.NUDGE_LOSS, NudgeEffect, {"up", "dyh", "dlp", "dla"}),
    (wording.GRADIENT_RULE, Direction, set()),
    (wording.LOSS_CHANGE_SPOKEN, Trend, {"new", "old", "drop"}),
    (wording.LOSS_CHANGE, Trend, {"new", "old", "drop"}),
    (wording.DEAD_UNITS, DeadUnits, {"g"}),
    (wording.TRAINING, Trend, {"a", "b"}),
    (wording.FIT_SENTENCE, FitQuality, {"h", "net", "line", "n"}),
    (wording.FIT_CAPTION, FitQuality, set()),
    (wording.TRAINING_FIT, FitQuality, {"n", "net", "line"}),
]


@pytest.mark.parametrize("table, verdict, bound", TABLES)
def test_every_verdict_has_its_sentence_and_binds_only_what_the_slide_binds(table, verdict, bound):
    assert set(table) == set(typing.get_args(verdict))
    for template in table.values():
        assert names(template) <= bound, template


def test_the_module_is_written_with_the_characters_it_shows():
    source = Path(wording.__file__).read_text(encoding="utf-8")
    assert "\\u" not in source and "\\N{" not in source
    assert "−" in source and "ŷ" in source and "∂" in source and "→" in source


def _args(verdict) -> tuple[str, ...]:
    return typing.get_args(verdict)


# --- the sign wording: which way a parameter moves ---------------------------------------------

@pytest.mark.parametrize("direction, sign, verb", [
    ("increase", "negative", "increase"), ("decrease", "positive", "decrease")])
def test_sign_sentences_match_the_sign(direction, sign, verb):
    other = "decrease" if verb == "increase" else "increase"
    rule = wording.GRADIENT_RULE[direction]
    assert rule.lower().startswith(sign) and f"so we {verb} it" in rule and other not in rule
    step = wording.STEP_MEANING[direction]
    assert f"which {verb}s w" in step and other not in step
    for name in "wb":
        sentence = wording.update_direction(name, direction)
        assert sentence == f"The gradient for {name} is @g: {sign}, so the update {verb}s {name}."
    slope = wording.slope_meaning(direction, "converges")
    assert f"@g: {sign}" in slope
    assert slope.endswith("as w goes up." if verb == "increase" else "as w goes down.")


def test_a_zero_gradient_keeps_the_parameter():
    rule = wording.GRADIENT_RULE["keep"]
    assert rule.startswith("Zero gradient") and "leave it" in rule
    assert wording.STEP_MEANING["keep"] == (
        "The step, minus lr times a zero slope, is zero: w stays at @w.")
    assert wording.update_direction("b", "keep") == (
        "The gradient for b is zero, so the update leaves b where it is.")
    assert wording.B_DURING_DESCENT["keep"] == "b does not change either"
    assert wording.B_DURING_DESCENT["increase"] == wording.B_DURING_DESCENT["decrease"] \
        == "b is updated too, so the curve shifts each step"


@pytest.mark.parametrize("regime", _args(DescentRegime))
def test_a_zero_slope_is_flat_only_when_w_cannot_move(regime):
    slope = wording.slope_meaning("keep", regime)
    if regime == "flat":
        assert "with x = @x the curve is flat" in slope
    else:
        assert "already at the bottom" in slope and "@x" not in slope


@pytest.mark.parametrize("w", _args(Direction))
@pytest.mark.parametrize("b", _args(Direction))
def test_parameter_rules_join_equal_signs_and_split_different_ones(w, b):
    rules = wording.parameter_rules(w, b)
    if w == b:
        assert rules == [(wording.GRADIENT_RULE[w], "")]
    else:
        assert rules == [(wording.update_direction("w", w), "w"),
                         (wording.update_direction("b", b), "b")]


# --- the regime wording: what the descent did --------------------------------------------------

@pytest.mark.parametrize("regime, outcome, reason", [
    ("on_target", "nothing moves", "a perfect prediction has none"),
    ("flat", "w never moves; only the bias learns", "always zero"),
    ("diverges", "overshoots the bottom: the loss rises", "is too large"),
    ("steady", "the loss stays at @first", "lands exactly as high"),
    ("bounces", "back and forth across the bottom, yet the loss falls",
     "large enough to overshoot"),
    ("converges", "walks w down the curve: the loss falls", "the slope flattens toward the bottom"),
])
def test_each_regime_is_said_as_it_happened(regime, outcome, reason):
    assert outcome in wording.DESCENT_OUTCOME[regime]
    assert reason in wording.DESCENT_REASON[regime]
    claims_a_fall = "falls" in wording.DESCENT_OUTCOME[regime]
    assert claims_a_fall == (regime in ("bounces", "converges"))


# --- the other verdicts, each branch ----------------------------------------------------------

@pytest.mark.parametrize("prediction, words", [
    ("too_low", "too low"), ("too_high", "too high"), ("on_target", "exactly on the target")])
def test_the_error_says_which_side(prediction, words):
    assert wording.ERROR_GAP[prediction].endswith(words + ".")
    missed = prediction != "on_target"
    assert ("but the target" in wording.PREDICTION_VS_TARGET[prediction]) == missed
    assert ("nothing to square" in wording.SQUARING[prediction]) == (prediction == "on_target")
    assert ("lowest point" in wording.PARABOLA[prediction]) == (prediction == "on_target")
    assert ("other side" in wording.SIGN_REASON[prediction]) == (prediction != "on_target")


@pytest.mark.parametrize("trend, arrow, spoken", [
    ("falls", "↓", "down from @old: we saved @drop"), ("rises", "↑", "up from @old"),
    ("stays", None, "the same as before")])
def test_one_step_s_loss_is_said_as_it_went(trend, arrow, spoken):
    line = wording.LOSS_CHANGE[trend]
    assert (arrow in line) if arrow else ("↓" not in line and "↑" not in line)
    assert ("saved" in line) == (trend == "falls")  # a rise names no amount
    assert spoken in wording.LOSS_CHANGE_SPOKEN[trend]
    assert wording.TRAINING[trend].startswith(
        f"Then repeat for every epoch: the mean loss {trend} ")
    assert f"average loss {trend}" in wording.ADJUST[trend]


@pytest.mark.parametrize("effect, move, loss", [
    ("moves", "y-hat moves by @x times @dw", "about @up times @dyh"),
    ("loss_still", "y-hat moves by @x times @dw", "predicts no change"),
    ("y_hat_still", "does not move at all", "cannot move either"),
])
def test_the_nudge_is_said_as_it_moves(effect, move, loss):
    assert move in wording.NUDGE_MOVE[effect] and loss in wording.NUDGE_LOSS[effect]


@pytest.mark.parametrize("units, words, relu", [
    ("all_on", "every unit was on", "keeps this positive value"),
    ("all_off", "every unit was off", "so the neuron stays off"),
    ("some_off", "units ReLU switched off pass back zero", "keeps this positive value")])
def test_the_relu_and_backward_sentences_follow_the_units(units, words, relu):
    assert words in wording.DEAD_UNITS[units]
    assert relu in wording.RELU[units]


@pytest.mark.parametrize("fit", _args(FitQuality))
@pytest.mark.parametrize("epochs", [1, 10])
def test_only_a_fit_is_called_a_fit(fit, epochs):
    said = " ".join([english(wording.fit_sentence(fit), epochs), *wording.fit_caption(fit),
                     english(wording.training_fit_sentence(fit), epochs)])
    assert ("bends to fit" in said) == (fit == "fits")
    assert ("follows the data" in said) == (fit == "fits")
    assert ("1 epochs" not in said.replace("@n", str(epochs)))
    for trend in _args(Trend):
        closing = english(wording.closing_sentence(trend, fit), epochs)
        assert ("That is how networks learn." in closing) == (trend == "falls" and fit == "fits")
        assert ("1 times" not in closing.replace("@n", str(epochs)))


def test_closing_sentences_for_rising_and_flat_losses():
    assert "up to @b" in english(wording.closing_sentence("rises", "worse"), 10)
    assert "down" not in english(wording.closing_sentence("rises", "worse"), 10)
    assert "left the mean loss at @a" in english(wording.closing_sentence("stays", "line"), 10)
    assert "only begun" in english(wording.training_fit_sentence("worse"), 10)
    assert "stuck at a straight line's level" in english(wording.training_fit_sentence("line"),
                                                         10)
    assert "after @n epoch it has not yet" in english(wording.fit_sentence("worse"), 1)
    assert "after @n epochs it has not yet" in english(wording.fit_sentence("worse"), 2)


def test_the_default_verdicts_read_as_the_outline():
    v = build_lesson().verdicts
    assert wording.GRADIENT_RULE[v.w_direction] == (
        "Negative gradient = loss drops when we increase the parameter → so we increase it.")
    assert wording.parameter_rules(v.w_direction, v.b_direction) == [
        (wording.GRADIENT_RULE["increase"], "")]
    assert wording.LOSS_CHANGE[v.step_trend] == (
        "New loss = @new ↓ (was @old) — saved @drop in one step!")
    assert wording.DESCENT_OUTCOME[v.descent] == (
        "Repeating the step @n times walks w down the curve: the loss falls from @first to @last.")
    assert wording.ERROR_GAP[v.prediction] == (
        "The error y − ŷ = @e is the gap between them: the prediction is too low.")
