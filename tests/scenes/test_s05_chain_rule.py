"""Slide 5: the nested function, the chain rule's factors named and evaluated, and the nudge.

With the defaults the outline's sentences are on screen and the factors are the core's
(-3.8 upstream, x = 2.1 local); the nudge's changes are the core's and the linked lines
move in proportion to them. With x = 0 nothing moves; on target the first-order
prediction is zero and the slide says so.
"""

from __future__ import annotations

import numpy as np
import pytest

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
from tests.scenes.slide_helpers import built, on_screen, sentence, spoken

SLIDE = find_slide("chain-rule")
M = "\u2212"
CASES = {
    "defaults": {},
    "zero_x": {"x": 0.0, "w": 1.5, "b": -0.5, "y": 2.0},
    "on_target": {"x": 2.0, "w": 2.0, "b": 0.0, "y": 4.0},
}
OUTLINE = (
    "The network is a nested function: loss depends on neuron output, which depends on weights.",
    "Chain rule: to find \u2202loss/\u2202w, multiply upstream \u00d7 local gradient.",
    "Upstream gradient: how loss reacts to the layer's output.",
    "Local gradient: how the layer's output reacts to its own parameter.",
    "Key benefit: intermediate values from the forward pass get reused \u2014 "
    "no redundant computation.",
)


# The checks every slide passes (tests/scenes/slide_checks.py), here so that all of this
# slide's tests share one test process and its constructions.
test_unusual_parameters = unusual_parameters_test(SLIDE)
test_random_parameters = random_parameters_test(SLIDE)
test_length_with_defaults = length_test(SLIDE)
test_frames = frames_test(SLIDE)
test_paused_frames = paused_frames_test(SLIDE)
test_light_theme = light_theme_test(SLIDE)
test_languages = language_test(SLIDE)



@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {name: built(SLIDE, tmp_path_factory, **params) for name, params in CASES.items()}


def test_outline_sentences_on_screen(scenes):
    joined = " ".join(on_screen(scenes["defaults"]))  # a long sentence is set on two lines
    for line in OUTLINE:
        assert line in joined, line


def test_chain_rule_formulas_and_factors(scenes):
    scene = scenes["defaults"]
    tex = [t.replace(" ", "") for t in on_screen(scene)]
    for start in (r"\frac{\partial\mathrm{loss}}{\partialw}="
                  r"\frac{\partial\mathrm{loss}}{\partial\hat{y}}"
                  r"\times\frac{\partial\hat{y}}{\partialw}=-2(y-\hat{y})\timesx",
                  r"\frac{\partial\mathrm{loss}}{\partialb}=\frac{\partial\mathrm{loss}}{\partial\hat{y}}"
                  r"\times\frac{\partial\hat{y}}{\partialb}=-2(y-\hat{y})\times1"):
        assert any(t.startswith(start) for t in tex), start
    assert r"=-3.8\times2.1" in tex and r"=-3.8\times1" in tex
    shown = {(f.key, f.shown) for f in scene.facts.facts}
    assert {("worked_step.dloss_dyhat", f"{M}3.8"), ("worked_step.x", "2.1"),
            ("worked_step.dyhat_db", "1")} <= shown
    assert "here \u22123.8" in sentence(scene, "upstream_gradient")
    assert "2.1 for w and 1 for b" in sentence(scene, "local_gradient")


def test_the_nudge_moves_by_what_the_factors_predict(scenes):
    scene = scenes["defaults"]
    assert sentence(scene, "nudge_w") == (
        "Nudge w by 0.1: y-hat moves by 2.1 times 0.1, that is 0.21.")
    assert sentence(scene, "predict_loss") == (f"The loss moves by about {M}3.8 times 0.21, "
                                               f"that is {M}0.8; recomputing gives {M}0.75.")
    tex = [t.replace(" ", "") for t in on_screen(scene)]
    assert r"\Deltaw=0.1" in tex and r"\Delta\hat{y}=2.1\times0.1=0.21" in tex
    assert r"\Delta\mathrm{loss}\approx(-3.8)\times0.21=-0.8" in tex
    assert f"recomputed: {M}0.75" in on_screen(scene)
    lines, nudge = scene.lines, scene.lesson.raw.nudge
    moves = [(e - s)[0] for s, e in zip(lines.starts, lines.ends, strict=True)]
    # One scale for all three lines: the moves are in the ratio of the changes.
    assert moves[1] / moves[0] == pytest.approx(nudge.dy_hat_actual / nudge.dw)
    assert moves[2] / moves[0] == pytest.approx(nudge.dloss_actual / nudge.dw)
    assert moves[2] < 0 < moves[0]  # w up, loss down


def test_with_zero_input_nothing_moves(scenes):
    scene = scenes["zero_x"]
    assert sentence(scene, "nudge_w") == "Nudge w by 0.1: with x = 0, y-hat does not move at all."
    assert sentence(scene, "predict_loss").startswith("So the loss cannot move either")
    lines = scene.lines
    assert not np.allclose(lines.starts[0], lines.ends[0])
    assert np.allclose(lines.starts[1], lines.ends[1])
    assert np.allclose(lines.starts[2], lines.ends[2])


def test_on_target_the_prediction_is_no_change(scenes):
    scene = scenes["on_target"]
    assert sentence(scene, "predict_loss") == (
        "The upstream factor is 0, so the chain rule predicts no change; recomputing gives 0.04.")
    assert "here 0" in sentence(scene, "upstream_gradient")


def test_narration_is_the_lesson_not_typed(scenes):
    assert "3.61" in spoken(scenes["defaults"]) and "2.1" in spoken(scenes["defaults"])


@pytest.mark.parametrize("name", CASES)
def test_layout_holds(scenes, name):
    assert scenes[name].layout_problems == []


@pytest.mark.parametrize("name", CASES)
def test_every_numeral_is_a_shown_lesson_fact(scenes, name):
    assert numeral_audit(scenes[name]) == []
    assert missing_facts(scenes[name]) == []
