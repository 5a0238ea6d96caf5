"""Slide 3: the error on a number line, squared into the loss, and the loss over y_hat.

The outline's numbers with the defaults; the sign wording for a prediction above the
target; nothing to square when the prediction is on target; a huge error still lays out.
"""

from __future__ import annotations

import pytest

from lecture.slides import find_slide
from scenes.drawings.loss import ErrorSquare
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

SLIDE = find_slide("loss-function")
TOO_HIGH = {"w": 3.0}  # y_hat = 6.3 above y = 4: error -2.3
ON_TARGET = {"x": 2.0, "w": 2.0, "b": 0.0, "y": 4.0}
HUGE_ERROR = {"x": 10.0, "w": 10.0, "b": 100.0, "y": -100.0}  # error -300, loss 90000


# The checks every slide passes (tests/scenes/slide_checks.py), here so that all of this
# slide's tests share one test process and its constructions.
test_unusual_parameters = unusual_parameters_test(SLIDE)
test_random_parameters = random_parameters_test(SLIDE)
test_length_with_defaults = length_test(SLIDE)
test_frames = frames_test(SLIDE)
test_paused_frames = paused_frames_test(SLIDE)
test_light_theme = light_theme_test(SLIDE)
test_languages = language_test(SLIDE)



def build(factory, **params):
    return built(SLIDE, factory, **params)


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    runs = {"defaults": {}, "too_high": TOO_HIGH, "on_target": ON_TARGET, "huge": HUGE_ERROR}
    return {name: build(tmp_path_factory, **params) for name, params in runs.items()}


def test_outline_numbers_with_defaults(scenes):
    scene = scenes["defaults"]
    assert sentence(scene, "show_prediction_and_target") == (
        "Our neuron predicted \u0177 = 2.1, but the target is y = 4.")
    assert sentence(scene, "show_error") == (
        "The error y \u2212 \u0177 = 1.9 is the gap between them: the prediction is too low.")
    square = sentence(scene, "square_the_error")
    assert "1.9 times 1.9" in square and "3.61" in square
    assert "where \u0177 = y = 4" in sentence(scene, "loss_over_predictions")
    texts = on_screen(scene)
    for tex in (r"\hat{y} = 2.1", "y = 4", r"y - \hat{y} = 1.9", "3.61",
                r"\mathrm{loss} = ( y - \hat{y} )^2 = 3.61"):
        assert tex in texts, tex
    shown = {f.key: f.shown for f in scene.facts.facts}
    assert shown["worked_step.error"] == "1.9" and shown["worked_step.loss"] == "3.61"


def test_says_why_we_square(scenes):
    scene = scenes["defaults"]
    sign = sentence(scene, "sign_does_not_matter")
    assert "drops the sign" in sign and "same 3.61" in sign
    assert "twice the error makes four times the loss" in sentence(scene, "big_mistakes_cost_more")
    assert [b["beat"] for b in scene.narration] == [
        "show_prediction_and_target", "show_error", "checkpoint_loss", "square_the_error",
        "sign_does_not_matter", "big_mistakes_cost_more", "loss_over_predictions"]


def test_a_prediction_above_the_target_is_too_high(scenes):
    scene = scenes["too_high"]
    error = sentence(scene, "show_error")
    assert "= \u22122.3" in error and "too high" in error
    assert "\u22122.3 times \u22122.3" in sentence(scene, "square_the_error")
    assert "5.29" in sentence(scene, "square_the_error")  # the square of -2.3 is positive


def test_on_target_there_is_nothing_to_square(scenes):
    scene = scenes["on_target"]
    text = spoken(scene)
    assert "and the target is" in sentence(scene, "show_prediction_and_target")
    assert "exactly on the target" in sentence(scene, "show_error")
    assert "nothing to square: the loss is 0" in sentence(scene, "square_the_error")
    assert "lowest point" in sentence(scene, "loss_over_predictions")
    assert "would cost the same 0" not in text
    assert not any(isinstance(m, ErrorSquare) for top in scene.mobjects for m in top.get_family())


@pytest.mark.parametrize("name", ["too_high", "on_target", "huge"])
def test_layout_holds(scenes, name):
    assert scenes[name].layout_problems == []


def test_a_huge_error_is_drawn_at_a_readable_size(scenes):
    scene = scenes["huge"]
    assert "\u2212300 times \u2212300" in sentence(scene, "square_the_error")
    assert "90,000" in sentence(scene, "square_the_error")  # English groups thousands
