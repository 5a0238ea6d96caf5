"""Slide 7: the collapse, the line, the activation curves and the ReLU fit show the core's
numbers, the fit sentence follows the real losses, and the worked neuron plays no part."""

from __future__ import annotations

from typing import Any

import pytest

from backprop_core import build_lesson, format_fact
from backprop_core.params import params_from_mapping
from lecture.slides import SLIDES
from tests.scenes.conftest import dry_run
from tests.scenes.slide_checks import (
    frames_test,
    language_test,
    length_test,
    light_theme_test,
    paused_frames_test,
    random_parameters_test,
    unusual_parameters_test,
)
from tests.scenes.slide_helpers import sentence as beat
from tests.scenes.slide_helpers import spoken

SLIDE = SLIDES[6]
NETWORK_CASES = {
    "defaults": {},
    "eight_units": {"hidden": 8, "seed": 3},  # the tallest table, a steep collapsed line
    "one_epoch": {"epochs": 1},  # barely trained: worse than the line
    "dying_units": {"net_lr": 0.3},  # units die, loss stays at the line's level
}
WORKED_NEURON = {"x": -12.3456, "w": 7.891, "b": -45.678, "y": 99.99, "lr": 0.0005, "steps": 3}


# The checks every slide passes (tests/scenes/slide_checks.py), here so that all of this
# slide's tests share one test process and its constructions.
test_unusual_parameters = unusual_parameters_test(SLIDE)
test_random_parameters = random_parameters_test(SLIDE)
test_length_with_defaults = length_test(SLIDE)
test_frames = frames_test(SLIDE)
test_paused_frames = paused_frames_test(SLIDE)
test_light_theme = light_theme_test(SLIDE)
test_languages = language_test(SLIDE)



def _build(params: dict[str, Any], fresh: bool = False) -> Any:
    return dry_run(SLIDE, params, fresh=fresh)


@pytest.fixture(scope="module")
def scenes(tmp_path_factory) -> dict[str, Any]:
    return {name: _build(params) for name, params in NETWORK_CASES.items()}


def shown_keys(scene) -> set[str]:
    return {fact.key for fact in scene.facts.facts if fact.where == "screen"}


@pytest.mark.parametrize("name", NETWORK_CASES)
def test_layout_clean_and_numbers_are_the_cores(scenes, name):
    scene = scenes[name]
    assert scene.layout_problems == []
    lesson = build_lesson(params_from_mapping(NETWORK_CASES[name]))
    for fact in scene.facts.facts:
        expected = format_fact(fact.key, lesson.lookup(fact.key), fact.decimals)
        assert fact.shown == expected.text, fact
    assert 25 <= scene.time <= 60


def test_defaults_say_the_collapse_and_the_line(scenes):
    scene = scenes["defaults"]
    collapse = beat(scene, "collapse_to_a_line")
    # the composed line of the default weights
    assert "1.7226" in collapse and "\u22120.6443" in collapse
    assert "1.2" in beat(scene, "no_line_fits")
    assert "0.25" in beat(scene, "why_derivatives_matter")  # sigmoid's largest slope
    assert beat(scene, "relu_network_bends") == (
        "A small ReLU network with 4 units bends to fit the data: "
        "mean loss 0.01, against 1.2 for the best line.")


@pytest.mark.parametrize("name", ["defaults", "eight_units"])
def test_every_unit_shows_its_real_weights(scenes, name):
    scene = scenes[name]
    hidden = build_lesson(params_from_mapping(NETWORK_CASES[name])).params.hidden
    keys = shown_keys(scene)
    for field in ("W1", "b1", "W2"):
        assert {f"activations.collapse.{field}.{i}" for i in range(hidden)} <= keys
    assert {"activations.collapse.slope", "activations.collapse.intercept",
            "activations.line_fit.mse", "network.final_loss", "activations.sigmoid.max_grad",
            "activations.tanh.grad_at_edge"} <= keys


@pytest.mark.parametrize("name, words", [
    ("dying_units", "ends no better than a line"),
    ("one_epoch", "after 1 epoch it has not yet"),
])
def test_fit_sentence_never_claims_a_fit_it_did_not_get(scenes, name, words):
    sentence = beat(scenes[name], "relu_network_bends")
    assert words in sentence
    assert "bends to fit" not in sentence
    shown = " ".join(getattr(m, "original_text", "") for m in scenes[name].seen_texts.values())
    assert "ReLU network: mean loss" in shown
    assert "bends to fit" not in shown


def test_worked_neuron_parameters_play_no_part(scenes):
    other = _build(WORKED_NEURON, fresh=True)  # fresh: the shared cache assumes what this checks
    assert spoken(other) == spoken(scenes["defaults"])
    assert ([(f.key, f.shown) for f in other.facts.facts]
            == [(f.key, f.shown) for f in scenes["defaults"].facts.facts])
    forbidden = ("worked_step", "graph", "descent", "params.x", "params.w", "params.b", "params.y",
                 "params.lr", "params.steps")
    assert not [key for key in other.lesson.reads if key.startswith(forbidden)]


def test_no_typed_numerals(scenes):
    audit = pytest.importorskip("scenes.checks.audit")
    for scene in scenes.values():
        assert audit.numeral_audit(scene) == []
        assert audit.missing_facts(scene) == []
