"""Slide 2: the worked neuron's multiply and add with the lesson's numbers, then one
hidden neuron of the full-picture network with its real weights."""

from __future__ import annotations

import pytest

from backprop_core import build_lesson
from backprop_core.params import params_from_mapping
from lecture.slides import find_slide
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

SLIDE = find_slide("forward-propagation")


# The checks every slide passes (tests/scenes/slide_checks.py), here so that all of this
# slide's tests share one test process and its constructions.
test_unusual_parameters = unusual_parameters_test(SLIDE)
test_random_parameters = random_parameters_test(SLIDE)
test_length_with_defaults = length_test(SLIDE)
test_frames = frames_test(SLIDE)
test_paused_frames = paused_frames_test(SLIDE)
test_light_theme = light_theme_test(SLIDE)
test_languages = language_test(SLIDE)  # German long numbers: slide 6



@pytest.fixture(scope="module")
def default_scene(tmp_path_factory):
    return built(SLIDE, tmp_path_factory)


def test_the_outline_numbers_are_fed_multiplied_added_and_emerge(default_scene):
    assert sentence(default_scene, "feed_values") == ("Our input is 2.1, the weight is 1, "
                                                      "and the bias is 0.")
    assert sentence(default_scene, "multiply") == ("First the multiply: the weight 1 times the "
                                                   "input 2.1 gives 2.1.")
    assert sentence(default_scene, "add_bias") == "Then the add: 2.1 plus the bias 0 gives 2.1."
    assert "predicts y-hat equals 2.1" in sentence(default_scene, "emit_prediction")
    texts = on_screen(default_scene)
    for tex in ("x = 2.1", "w = 1", "b = 0", r"\hat{y} = 2.1", r"w x = 1 \times 2.1 = 2.1",
                r"w x + b = 2.1 + 0 = 2.1"):
        assert tex in texts, tex
    beats = [b["beat"] for b in default_scene.narration]
    order = [beats.index(name)
             for name in ("multiply", "add_bias", "emit_prediction", "show_network")]
    assert order == sorted(order)


def test_one_hidden_neuron_uses_its_real_weights_and_relu(default_scene):
    trace = build_lesson().network.trace
    initial = build_lesson().network.initial
    facts = {f.key: f for f in default_scene.facts.facts}
    (w_key,) = [k for k in facts if k.startswith("network.initial.W1.")]
    k = int(w_key.rsplit(".", 1)[1])
    assert trace.a1[k] > 0  # the shown neuron fires, so its ReLU keeps the value
    assert facts[w_key].value == initial.W1[k]
    assert facts[f"network.initial.b1.{k}"].value == initial.b1[k]
    assert trace.z1[k] == pytest.approx(initial.W1[k] * trace.x + initial.b1[k])
    hidden = sentence(default_scene, "one_hidden_neuron")
    assert facts[w_key].shown in hidden and facts[f"network.trace.z1.{k}"].shown in hidden
    assert "keeps this positive value" in sentence(default_scene, "apply_relu")
    assert facts["network.trace.y_hat"].shown in sentence(default_scene, "whole_network")
    assert any("more on slide 7" in t for t in on_screen(default_scene))


@pytest.mark.parametrize("name, params, multiply, add", [
    # a negative operand is put in parentheses; the worked neuron has no activation
    ("negative_x", {"x": -1.5, "w": 0.5, "b": 0.25, "y": 1.0},
     r"w x = 0.5 \times (-1.5) = -0.75", r"w x + b = -0.75 + 0.25 = -0.5"),
    ("on_target", {"x": 2.0, "w": 2.0, "b": 0.0, "y": 4.0},
     r"w x = 2 \times 2 = 4", r"w x + b = 4 + 0 = 4"),
    ("zero_x", {"x": 0.0, "w": 1.5, "b": -0.5, "y": 2.0},
     r"w x = 1.5 \times 0 = 0", r"w x + b = 0 + (-0.5) = -0.5"),
])
def test_unusual_neurons_compute_in_front_of_the_viewer(tmp_path_factory, name, params, multiply,
                                                        add):
    scene = built(SLIDE, tmp_path_factory, **params)
    assert scene.layout_problems == []
    texts = on_screen(scene)
    assert multiply in texts and add in texts
    step = build_lesson(params_from_mapping(params)).worked_step
    assert step.y_hat == pytest.approx(step.w * step.x + step.b)
    assert f"gives {add.rsplit('= ', 1)[1].replace('-', chr(0x2212))}." in spoken(scene)
