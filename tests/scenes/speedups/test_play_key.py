"""Manim's per-animation key made from what the scene was handed (scenes/speedups/play_key.py):
Manim's own key when the scene gives no inputs, and a key that changes with every input and
with the frame. tests/scenes/test_play_inputs.py checks the premise on a real slide."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from manim import Circle, FadeIn, Scene
from manim.renderer import cairo_renderer
from manim.utils import hashing

import scenes.kit.slide  # noqa: F401 - importing the slides installs it
from scenes.speedups import play_key

COMMON = {"backend": "cairo", "encoder_fingerprint": "libx264 crf=23", "renderer_state": ()}
INPUTS = {"scene_key": "abc", "play": 3, "reads": {"forward.z": 2.5, "lr": 0.1},
          "words": [["gradient-descent", "Take one step.", None, "Take one step."]],
          "shown": [["forward.z", "2.5", "2.5"]],
          "speech": [["voice", "joe", "4f2e", 2.25, 0.15, 2.0]]}


class Given(Scene):
    inputs: dict[str, Any] | None = None

    def play_inputs(self) -> dict[str, Any] | None:
        return self.inputs


def key(scene: Scene, **common: Any) -> str:
    circle = Circle()
    return play_key.key_from_inputs(scene, scene.renderer.camera, [FadeIn(circle)], [circle],
                                    **{**COMMON, **common})


def test_it_is_the_key_manims_renderer_calls():
    assert play_key.installed()
    assert cairo_renderer.get_hash_from_play_call is play_key.key_from_inputs


@pytest.mark.parametrize("scene", [Scene(), Given()], ids=["a scene", "no inputs"])
def test_a_scene_without_inputs_gets_manims_own_key(scene):
    circle = Circle()
    ours = play_key.key_from_inputs(scene, scene.renderer.camera, [FadeIn(circle)], [circle],
                                    **COMMON)
    manims = hashing.get_hash_from_play_call(scene, scene.renderer.camera, [FadeIn(circle)],
                                             [circle], **COMMON)
    assert ours == manims and not ours.startswith(play_key.PREFIX)


def test_the_key_is_stable_and_changes_with_every_input_and_the_frame():
    scene = Given()
    scene.inputs = copy.deepcopy(INPUTS)
    first = key(scene)
    assert first.startswith(play_key.PREFIX) and key(scene) == first
    # The mobjects and animations are not read: the inputs decide them.
    assert play_key.key_from_inputs(scene, scene.renderer.camera, [], [], **COMMON) == first

    def changed(edit) -> str:
        scene.inputs = copy.deepcopy(INPUTS)
        edit(scene.inputs)
        return key(scene)

    keys = [
        changed(lambda i: i.update(scene_key="abd")),  # other code or settings
        changed(lambda i: i.update(play=4)),
        changed(lambda i: i["reads"].update(lr=0.02)),
        changed(lambda i: i["reads"].update({"backward.dw": 1.0})),  # one more value read
        changed(lambda i: i["words"][0].__setitem__(3, "Take a step.")),  # the lecturer's words
        changed(lambda i: i["shown"][0].__setitem__(1, "2,5")),  # written another way
        changed(lambda i: i["speech"][0].__setitem__(3, 2.5)),  # a longer sentence
    ]
    scene.inputs = copy.deepcopy(INPUTS)
    camera = scene.renderer.camera
    for attribute, value in (("pixel_width", 1000), ("frame_rate", 24),
                             ("background_opacity", 0.5)):
        saved = getattr(camera, attribute)
        setattr(camera, attribute, value)
        keys.append(key(scene))
        setattr(camera, attribute, saved)
    keys.append(key(scene, encoder_fingerprint="libx264rgb crf=0"))
    assert key(scene) == first
    assert [k == first for k in keys] == [False] * len(keys)
    assert len(set(keys)) == len(keys)


def test_a_value_json_cannot_write_still_gives_a_key():
    scene = Given()
    scene.inputs = {**INPUTS, "reads": {"odd": object()}}
    assert key(scene).startswith(play_key.PREFIX)
