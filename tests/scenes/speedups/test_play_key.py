"""Manim's per-animation key made from what the scene was handed (scenes/speedups/play_key.py):
Manim's own key when the scene gives no inputs, and a key that changes with every input and
with the frame; a render that takes a value while an animation plays stops. The premise, on a
real slide: tests/scenes/test_play_inputs.py."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from manim import Circle, Dot, FadeIn, Scene, UpdateFromFunc, tempconfig
from manim.renderer import cairo_renderer
from manim.utils import hashing

from lecture import contract
from scenes.kit.slide import SlideScene, TakenWhilePlaying, beat
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


# ----- a real render of a small slide, keyed on what it was handed ----------------------

class _Slide(SlideScene):
    slide_number = 4
    read_while_playing = False

    def construct(self) -> None:
        self.show_dot()

    @beat
    def show_dot(self) -> None:
        with self.narrate("A dot."):
            dot = Dot()
            if self.read_while_playing:  # an updater takes a lesson value as it draws
                animation = UpdateFromFunc(dot, lambda d: d.set_x(self.lesson.worked_step.y_hat))
            else:
                x = self.lesson.worked_step.y_hat
                animation = UpdateFromFunc(dot, lambda d: d.set_x(x))
            self.play(animation, run_time=0.2)


def render(folder, read_while_playing: bool) -> SlideScene:
    scene_type = type("Slide", (_Slide,), {"read_while_playing": read_while_playing})
    with tempconfig({"media_dir": str(folder), "verbosity": "WARNING", "progress_bar": "none",
                     "disable_caching": False, "quality": "low_quality"}):
        scene = scene_type()
        scene.render()
    return scene


def test_a_render_keys_its_animations_and_refuses_one_that_takes_a_value_while_playing(
        tmp_path, monkeypatch):
    monkeypatch.setenv(contract.NO_PREFETCH, "1")
    monkeypatch.setenv(contract.SCENE_KEY, "a scene key")
    scene = render(tmp_path / "before", read_while_playing=False)
    hashes = scene.renderer.animations_hashes
    assert len(hashes) == 2 and all(h.startswith(play_key.PREFIX) for h in hashes)  # + pause
    with pytest.raises(TakenWhilePlaying, match=r"gradient-descent.show_dot: animation 0 took "
                                                r"worked_step.y_hat while it played"):
        render(tmp_path / "while", read_while_playing=True)
