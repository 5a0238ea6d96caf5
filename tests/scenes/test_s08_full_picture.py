"""Slide 8: the single pass shows the core's trace for every unit, training follows the real
history and snapshots, and every sentence about the run matches what the run did."""

from __future__ import annotations

from typing import Any

import pytest

from backprop_core import build_lesson, format_fact
from backprop_core.params import params_from_mapping
from lecture.slides import SLIDES
from scenes.kit import theme
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

SLIDE = SLIDES[7]
CASES = {
    "defaults": {},
    "crowded_and_untrained": {"hidden": 8, "epochs": 1},  # the tallest table; one epoch only
    "dying_units": {"net_lr": 0.3},  # ends at the straight line's level
    "all_off": {"hidden": 2, "seed": 0},  # the traced point switches every unit off
    "all_on": {"hidden": 2, "seed": 6},  # the traced point switches every unit on
}
TRACE_COLUMNS = ("z1", "a1", "dW2", "da1", "dz1", "dW1")


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
    return {name: _build(params) for name, params in CASES.items()}


def screen_text(scene) -> str:
    return " | ".join(getattr(m, "tex_string", None) or getattr(m, "original_text", None)
                      or getattr(m, "text", "") for m in scene.seen_texts.values())


def lesson_for(name: str):
    return build_lesson(params_from_mapping(CASES[name]))


@pytest.mark.parametrize("name", CASES)
def test_layout_clean_and_numbers_are_the_cores(scenes, name):
    scene = scenes[name]
    assert scene.layout_problems == []
    lesson = lesson_for(name)
    for fact in scene.facts.facts:
        expected = format_fact(fact.key, lesson.lookup(fact.key), fact.decimals)
        assert fact.shown == expected.text, fact
    assert 25 <= scene.time <= 60
    assert [b["beat"] for b in scene.narration] == ["the_loop", "forward_pass", "backward_pass",
                                                    "training", "the_fit", "takeaways"]


def test_defaults_narrate_the_real_pass_and_run(scenes):
    scene = scenes["defaults"]
    assert beat(scene, "the_loop").endswith("and repeat, here for 400 epochs.")
    assert beat(scene, "forward_pass") == (
        "Forward: x = \u22122 goes in, ReLU keeps only the positive "
        "z, and predicting \u22121.63 costs a loss of 13.14.")
    backward = beat(scene, "backward_pass")
    assert "\u22127.25" in backward and "pass back zero" in backward
    assert "falls from 2.26 to 0.01" in beat(scene, "training")
    assert beat(scene, "the_fit").startswith("After 400 epochs the fit follows the data")
    assert beat(scene, "takeaways").endswith("from 2.26 down to 0.01. That is how networks learn.")
    shown = screen_text(scene)
    for heading in ("Forward pass:", "Loss:", "Backpropagation:", "Gradient descent:",
                    "Activations:"):
        assert heading in shown


@pytest.mark.parametrize("name", ["defaults", "crowded_and_untrained"])
def test_every_unit_and_every_snapshot_is_shown(scenes, name):
    scene, lesson = scenes[name], lesson_for(name)
    keys = {fact.key for fact in scene.facts.facts if fact.where == "screen"}
    for column in TRACE_COLUMNS:
        assert {f"network.trace.{column}.{i}" for i in range(lesson.params.hidden)} <= keys
    for k in range(len(lesson.network.snapshots)):
        assert {f"network.snapshots.{k}.epoch", f"network.snapshots.{k}.loss"} <= keys
    assert {"network.trace.x", "network.trace.y", "network.trace.y_hat", "network.trace.loss",
            "network.trace.dloss_dyhat", "network.initial_loss"} <= keys


def test_zero_gradients_are_greyed_out(scenes):
    scene, trace = scenes["defaults"], lesson_for("defaults").network.trace
    for column, key in zip(scene.backward_cols, ("dW2", "da1", "dz1", "dW1"), strict=True):
        for cell, value in zip(column.cells, getattr(trace, key), strict=True):
            assert (cell.get_color().to_hex().lower() == theme.MUTED) == (value == 0), (key, value)


def test_one_epoch_is_not_called_a_fit(scenes):
    scene = scenes["crowded_and_untrained"]
    assert "\u00d7 1 epoch" in screen_text(scene)
    assert beat(scene, "the_loop").endswith("here for 1 epoch.")
    assert beat(scene, "the_fit").startswith("After 1 epoch ")
    assert "follows the data" not in beat(scene, "the_fit")
    assert "repeated 1 time," in beat(scene, "takeaways")
    assert "That is how networks learn." not in beat(scene, "takeaways")


def test_a_run_stuck_at_the_line_says_so(scenes):
    assert "stuck at a straight line's level" in beat(scenes["dying_units"], "the_fit")


@pytest.mark.parametrize("name, words", [("all_off", "every unit was off"),
                                         ("all_on", "every unit was on"),
                                         ("defaults", "units ReLU switched off pass back zero")])
def test_backward_sentence_follows_the_units(scenes, name, words):
    assert words in beat(scenes[name], "backward_pass")


def test_no_typed_numerals(scenes):
    audit = pytest.importorskip("scenes.checks.audit")
    for scene in scenes.values():
        assert audit.numeral_audit(scene) == []
        assert audit.missing_facts(scene) == []
