"""Slide 1: the lecture's title, its description, and a road map whose numbers are the
full-picture network's real pass and training."""

from __future__ import annotations

import pytest

from backprop_core import build_lesson
from backprop_core.params import params_from_mapping
from lecture.slides import LECTURE_SUBTITLE, LECTURE_TITLE, SLIDES, find_slide
from scenes.s01_what_is_backpropagation import DESCRIPTION, STEPS
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

SLIDE = find_slide("what-is-backpropagation")


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
def default_scene(tmp_path_factory):
    return built(SLIDE, tmp_path_factory)


def test_title_subtitle_and_description_appear_as_written(default_scene):
    texts = on_screen(default_scene)
    for line in (LECTURE_TITLE, LECTURE_SUBTITLE, "What is Backpropagation?", *DESCRIPTION):
        assert line in texts
    assert default_scene.narration[0]["text"] == \
        "Welcome to Backpropagation Demystified: how neural networks learn."


def test_the_four_steps_appear_in_turn_and_name_the_slides_that_cover_them(default_scene):
    names = ["Predict", "Measure the mistake", "Trace it back", "Adjust"]
    assert [step.name for step in STEPS] == names
    beats = [b["beat"] for b in default_scene.narration]
    order = [beats.index(name) for name in ("predict", "measure", "trace_back", "adjust")]
    assert order == sorted(order)
    texts = on_screen(default_scene)
    for step in STEPS:
        assert step.name in texts and step.where(default_scene.tr) in texts
        covered = " ".join(f"{SLIDES[n - 1].title} {SLIDES[n - 1].subtitle}".lower()
                           for n in step.slides)
        assert step.topic.lower() in covered, step  # the named slides really are about it


def test_the_road_map_speaks_the_networks_real_numbers(default_scene):
    net = build_lesson().network
    trace = net.trace
    shown = {f.key: f.shown for f in default_scene.facts.facts}
    for key in ("network.trace.x", "network.trace.y_hat", "network.trace.y", "network.trace.loss",
                "network.epochs", "network.initial_loss", "network.final_loss"):
        assert key in shown, key
    assert trace.loss == pytest.approx((trace.y - trace.y_hat) ** 2)
    text = spoken(default_scene)
    assert f"the input {shown['network.trace.x']} flows forward" in text
    assert f"the network predicts {shown['network.trace.y_hat']}" in text
    assert (f"the right answer is {shown['network.trace.y']}, "
            f"so the loss is {shown['network.trace.loss']}") in text
    assert (f"after {net.epochs} rounds the average loss falls from "
            f"{shown['network.initial_loss']} to {shown['network.final_loss']}") in text


def test_another_network_lays_out_cleanly_and_is_described_truly(tmp_path_factory):
    params = {"hidden": 8, "seed": 11, "epochs": 3}
    scene = built(SLIDE, tmp_path_factory, **params)
    assert scene.layout_problems == []
    net = build_lesson(params_from_mapping(params)).network
    word = "falls" if net.final_loss < net.initial_loss else "rises"
    assert f"the average loss {word} from" in spoken(scene)
