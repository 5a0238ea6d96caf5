"""Slide 4: the loss over w, the tangent, one update, then the whole descent.

The outline's numbers with the defaults, and the wording of each kind of run: a
positive gradient, a learning rate that overshoots and explodes, one that bounces but
converges, x = 0 (w cannot move) and a prediction already on target.
"""

from __future__ import annotations

import re

import pytest

from backprop_core import build_lesson
from backprop_core.params import params_from_mapping
from lecture.slides import find_slide
from scenes.checks.audit import displayed_string
from scenes.checks.layout import text_units, visible_box
from tests.scenes.slide_checks import (
    frames_test,
    language_test,
    length_test,
    light_theme_test,
    paused_frames_test,
    random_parameters_test,
    unusual_parameters_test,
)
from tests.scenes.slide_helpers import built, on_screen, sentence

SLIDE = find_slide("gradient-descent")
RUNS = {
    "defaults": {},
    "positive": {"x": -1.5, "w": 0.5, "b": 0.25, "y": 1.0},
    "explodes": {"lr": 0.3},
    "bounces": {"lr": 0.15},
    "flat": {"x": 0.0, "w": 1.5, "b": -0.5, "y": 2.0},
    "on_target": {"x": 2.0, "w": 2.0, "b": 0.0, "y": 4.0},
    "tiny_lr": {"lr": 0.0005},
}


# The checks every slide passes (tests/scenes/slide_checks.py), here so that all of this
# slide's tests share one test process and its constructions.
test_unusual_parameters = unusual_parameters_test(SLIDE)
test_random_parameters = random_parameters_test(SLIDE)
test_length_with_defaults = length_test(SLIDE)
test_frames = frames_test(SLIDE)
test_paused_frames = paused_frames_test(SLIDE)
test_light_theme = light_theme_test(SLIDE)
test_languages = language_test(SLIDE, ("large_lr",))  # the longest German sentences



@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {name: built(SLIDE, tmp_path_factory, **params) for name, params in RUNS.items()}


def test_outline_numbers_with_defaults(scenes):
    scene = scenes["defaults"]
    assert sentence(scene, "show_loss_curve").endswith("w = 1 with loss 3.61.")
    assert sentence(scene, "show_slope") == (
        "The tangent's slope is \u2202loss/\u2202w = \u22127.98: "
        "negative, so the loss goes down as w goes up.")
    assert "\u2212(0.01)(\u22127.98), which increases w from 1 to 1.0798" in sentence(
        scene, "take_one_step")
    assert sentence(scene, "descend") == ("Repeating the step 10 times walks w down the curve: "
                                          "the loss falls from 3.61 to 0.37.")
    texts = on_screen(scene)
    assert r"w := 1 - ( 0.01 ) ( -7.98 ) = 1.0798" in texts
    for text in ("w = 1", "loss = 3.61", "\u2202loss/\u2202w = \u22127.98", "w = 1.5029",
                 "loss = 0.37", "step 10 of 10"):
        assert text in texts, text


def test_every_step_of_the_core_ticks_by(scenes):
    scene = scenes["defaults"]
    steps = build_lesson().descent.steps
    shown = {f.key for f in scene.facts.facts if f.where == "screen"}
    for k in range(len(steps)):
        assert {f"descent.steps.{k}.{field}" for field in ("w", "loss", "dloss_dw")} <= shown


def test_a_positive_gradient_decreases_w(scenes):
    scene = scenes["positive"]
    assert "= 4.5: positive, so the loss goes down as w goes down" in sentence(scene, "show_slope")
    assert "decreases w from 0.5 to 0.455" in sentence(scene, "take_one_step")


def test_an_overshooting_rate_is_said_to_explode(scenes):
    scene = scenes["explodes"]
    lesson = build_lesson(params_from_mapping(RUNS["explodes"]))
    descent = lesson.descent
    assert lesson.verdicts.descent == "diverges" and descent.visible_steps < len(descent.steps)
    assert scene.regime == "diverges"
    assert sentence(scene, "descend") == ("With lr = 0.3 every step overshoots the bottom: "
                                          "the loss rises from 3.61 to 18.21, and after 10 steps "
                                          "it has exploded to 3.85\u00d710\u2077.")
    assert "too large" in sentence(scene, "explain")
    texts = on_screen(scene)
    assert "off the chart from step 3" in texts and "loss = 3.85\u00d710\u2077" in texts
    assert "step 10 of 10, off the chart" in texts


def test_a_bouncing_run_still_falls(scenes):
    scene = scenes["bounces"]
    assert scene.regime == "bounces"
    assert "back and forth across the bottom, yet the loss falls" in sentence(scene, "descend")


def test_with_x_zero_the_curve_is_flat_and_w_cannot_move(scenes):
    scene = scenes["flat"]
    assert "with x = 0 the curve is flat" in sentence(scene, "show_slope")
    assert "w stays at 1.5" in sentence(scene, "take_one_step")
    assert "w never moves; only the bias learns" in sentence(scene, "descend")


def test_on_target_there_is_nothing_to_descend(scenes):
    scene = scenes["on_target"]
    assert "already at the bottom, so there is nothing to descend" in sentence(scene, "show_slope")
    descent = sentence(scene, "descend")
    assert "nothing moves" in descent and "falls" not in descent


def test_a_tiny_step_is_drawn_larger_and_says_so(scenes):
    assert "tiny step, drawn larger" in on_screen(scenes["tiny_lr"])
    assert "tiny step, drawn larger" not in on_screen(scenes["defaults"])


@pytest.mark.parametrize("name", RUNS)
def test_layout_holds(scenes, name):
    assert scenes[name].layout_problems == []


_STEP_FIELD = re.compile(r"descent\.steps\.(\d+)\.(\w+)$")


def _numbers(text) -> set[tuple[int, str]]:
    """The (step, field) of every number of the descent a text shows."""
    return {(int(m.group(1)), m.group(2)) for key in getattr(text, "fact_keys", ())
            if (m := _STEP_FIELD.match(key))}


@pytest.mark.parametrize("name", ["defaults", "bounces", "explodes"])
def test_at_the_end_every_number_names_its_step_so_none_contradicts_another(scenes, name):
    """A diverging run ends with the readouts at its last step, off the chart, and the tangent
    at the last step on the chart: two slopes of two steps, each of which must say its step.
    A text names its step by showing the step's number; the readouts are named by the step
    counter under them."""
    scene = scenes[name]
    *readouts, counter = scene.rows[:4]
    named_by_counter = {k for k, field in _numbers(counter) if field == "index"}
    assert len(named_by_counter) == 1 and "params.steps" in counter.fact_keys
    problems = []
    for text in (u for m in scene.mobjects for u in text_units(m) if visible_box(u)):
        numbers = _numbers(text)
        named = {k for k, field in numbers if field == "index"} or (
            named_by_counter if text in readouts else set())
        problems += [f"{displayed_string(text)!r} shows step {k}'s {field} but names "
                     f"{'step ' + str(sorted(named)) if named else 'no step'}"
                     for k, field in sorted(numbers) if field != "index" and k not in named]
    assert problems == []
