"""Slide 6: the worked example's backward pass on the core's graph, the update, the new loss.

With the defaults the slide shows the outline's numbers and sentences exactly; the sign
sentence follows the gradients (negative, positive, zero, or one of each) and the
savings line follows the loss change (a rise is shown as a rise).
"""

from __future__ import annotations

import pytest

from backprop_core import build_lesson
from lecture.slides import find_slide
from scenes.checks.audit import missing_facts, numeral_audit
from tests.scenes.slide_checks import (
    frames_test,
    language_test,
    length_test,
    light_theme_test,
    paused_frames_test,
    random_parameters_test,
    unusual_parameters_test,
)
from tests.scenes.slide_helpers import built, on_screen, spoken

SLIDE = find_slide("backward-propagation")
M = "\u2212"  # the true minus sign of the recorded `shown` text
OUTLINE = {  # key: as the outline writes it
    "worked_step.x": "2.1", "worked_step.w": "1", "worked_step.b": "0", "worked_step.y_hat": "2.1",
    "worked_step.y": "4", "worked_step.loss": "3.61", "worked_step.dloss_dw": f"{M}7.98",
    "worked_step.dloss_db": f"{M}3.8", "worked_step.lr": "0.01", "worked_step.w_next": "1.0798",
    "worked_step.b_next": "0.038", "worked_step.loss_next": "2.87", "worked_step.loss_drop": "0.74",
}
CASES = {
    "defaults": {},
    "positive": {"y": 1.0},  # y_hat = 2.1 above y = 1: both gradients positive
    "rising": {"lr": 0.3},  # the step overshoots: the loss goes from 3.61 to 18.21
    "on_target": {"x": 2.0, "w": 2.0, "b": 0.0, "y": 4.0},  # zero gradients
    "mixed": {"x": -1.5, "w": 0.5, "b": 0.25, "y": 1.0},  # dloss/dw = 4.5, dloss/db = -3
}
FLOW = [("error", "loss"), ("y_hat", "error"), ("wx", "y_hat"), ("b", "y_hat"), ("w", "wx")]


# The checks every slide passes (tests/scenes/slide_checks.py), here so that all of this
# slide's tests share one test process and its constructions.
test_unusual_parameters = unusual_parameters_test(SLIDE)
test_random_parameters = random_parameters_test(SLIDE)
test_length_with_defaults = length_test(SLIDE)
test_frames = frames_test(SLIDE)
test_paused_frames = paused_frames_test(SLIDE)
test_light_theme = light_theme_test(SLIDE)
test_languages = language_test(SLIDE, ("long_numbers",))



@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {name: built(SLIDE, tmp_path_factory, **params) for name, params in CASES.items()}


def squeezed(texts):
    return [t.replace(" ", "").replace(r"\;", "") for t in texts]


def test_outline_numbers_are_recorded_facts(scenes):
    screen = [(f.key, f.shown) for f in scenes["defaults"].facts.facts if f.where == "screen"]
    assert set(OUTLINE.items()) <= set(screen)
    # The forward line comes first, in the outline's order.
    assert [shown for _, shown in screen[:6]] == ["2.1", "1", "0", "2.1", "4", "3.61"]


def test_outline_strings_on_screen(scenes):
    texts = on_screen(scenes["defaults"])
    assert ("Negative gradient = loss drops when we increase the parameter \u2192 "
            "so we increase it.") in texts
    assert "New loss = 2.87 \u2193 (was 3.61) \u2014 saved 0.74 in one step!" in texts
    tex = squeezed(texts)
    for formula in (r"x=2.1,w=1,b=0\rightarrow\hat{y}=2.1,y=4,\mathrm{loss}=3.61",
                    r"\frac{\partial\mathrm{loss}}{\partialw}=-7.98",
                    r"\frac{\partial\mathrm{loss}}{\partialb}=-3.8",
                    r"\mathrm{lr}=0.01", "w:=1-(0.01)(-7.98)=1.0798", "b:=0-(0.01)(-3.8)=0.038",
                    r"\hat{y}=1.0798\times2.1+0.038=2.31"):
        assert formula in tex, formula


def test_every_edge_shows_upstream_times_local(scenes):
    tex = squeezed(on_screen(scenes["defaults"]))
    for product in (r"=1\times3.8=3.8", r"=3.8\times(-1)=-3.8", r"=-3.8\times1=-3.8",
                    r"=-3.8\times2.1=-7.98"):
        assert any(t.endswith(product) for t in tex), product


def test_backward_flow_runs_right_to_left(scenes):
    graph = scenes["defaults"].graph
    for source, target in FLOW:
        arrow = graph.backward_arrow(source, target)
        assert arrow.get_end()[0] < arrow.get_start()[0], (source, target)
    lesson = build_lesson()
    assert lesson.graph.edge("w", "wx").local == lesson.worked_step.x  # shown as x is


def test_narration_has_the_numbers(scenes):
    text = spoken(scenes["defaults"])
    for number in (f"{M}3.8", f"{M}7.98", "1.0798", "0.038", "2.87", "3.61", "0.74"):
        assert number in text, number


def test_positive_gradients_decrease_the_parameters(scenes):
    texts = on_screen(scenes["positive"])
    assert ("Positive gradient = loss drops when we decrease the parameter \u2192 "
            "so we decrease it.") in texts
    assert "New loss = 0.96 \u2193 (was 1.21) \u2014 saved 0.25 in one step!" in texts
    assert "w:=1-(0.01)(4.62)=0.9538" in squeezed(texts)


def test_a_rising_loss_is_shown_as_a_rise(scenes):
    texts = on_screen(scenes["rising"])
    assert "New loss = 18.21 \u2191 (was 3.61) \u2014 the step overshot: the loss rose." in texts
    assert not any("saved" in t for t in texts)
    assert "up from 3.61" in spoken(scenes["rising"]) and "saved" not in spoken(scenes["rising"])


def test_zero_gradients_leave_the_parameters(scenes):
    texts = on_screen(scenes["on_target"])
    assert ("Zero gradient = nudging the parameter does not change the loss \u2192 "
            "so we leave it.") in texts
    assert "New loss = 0 (was 0) \u2014 the step did not change the loss." in texts
    assert not any("Negative" in t or "Positive" in t for t in texts)


def test_gradients_of_opposite_signs_get_one_sentence_each(scenes):
    texts = on_screen(scenes["mixed"])
    assert "The gradient for w is 4.5: positive, so the update decreases w." in texts
    assert f"The gradient for b is {M}3: negative, so the update increases b." in texts
    assert not any(t.startswith(("Negative gradient", "Positive gradient")) for t in texts)


@pytest.mark.parametrize("name", CASES)
def test_layout_holds(scenes, name):
    assert scenes[name].layout_problems == []


@pytest.mark.parametrize("name", CASES)
def test_every_numeral_is_a_shown_lesson_fact(scenes, name):
    assert numeral_audit(scenes[name]) == []
    assert missing_facts(scenes[name]) == []
