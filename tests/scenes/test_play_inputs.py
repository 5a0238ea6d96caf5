"""What a slide hands Manim's cache as each animation's inputs (scenes/speedups/play_key.py).

The key rests on one premise: everything on screen at an animation's start, and the
animation, follow from the scene key and from what the scene was handed up to then. Here
slide 4 is constructed at two learning rates with a scene key: wherever the two give an
animation the same key, Manim's own key, built from every mobject on screen and the
animation, must be the same too; and the keys part where the scene first reads a value
the learning rate changes, never before.
"""

from __future__ import annotations

import os
from typing import Any
from unittest import mock

from manim.mobject.svg import svg_mobject
from manim.renderer import cairo_renderer
from manim.utils import hashing

from lecture import contract
from lecture.slides import SLIDES
from scenes.kit.slide import SlideScene
from scenes.speedups import play_key
from tests.scenes.conftest import dry_run

SLIDE4 = SLIDES[3]


def _keys(params: dict[str, Any]) -> list[tuple[str, str, frozenset[str]]]:
    """(our key, Manim's own key, the paths read so far) before each animation."""
    found: list[tuple[str, str, frozenset[str]]] = []
    play = SlideScene.play

    def keyed_play(scene: SlideScene, *args: Any, **kwargs: Any) -> None:
        scene.compile_animation_data(*args, **kwargs)  # as CairoRenderer.play does first
        common = {"backend": "cairo", "encoder_fingerprint": "test", "renderer_state": ()}
        ours = play_key.key_from_inputs(scene, scene.camera, scene.animations, scene.mobjects,
                                        **common)
        manims = hashing.get_hash_from_play_call(scene, scene.camera, scene.animations,
                                                 scene.mobjects, **common)
        found.append((ours, manims, frozenset(scene.lesson.reads)))
        play(scene, *args, **kwargs)

    # Each construction as in a process of its own: Manim's memory of parsed SVGs gives a
    # later one copies whose sheen direction differs (unseen: no sheen is drawn), and its key
    # would differ with it.
    with mock.patch.dict(os.environ, {contract.SCENE_KEY: "a scene key"}), \
            mock.patch.dict(svg_mobject.SVG_HASH_TO_MOB_MAP, clear=True), \
            mock.patch.object(SlideScene, "play", keyed_play):
        dry_run(SLIDE4, params, fresh=True)
    return found


def test_an_animation_keyed_the_same_shows_the_same_and_keys_part_at_the_first_changed_read():
    assert cairo_renderer.get_hash_from_play_call is play_key.key_from_inputs
    before, after = _keys({}), _keys({"lr": 0.02})
    assert len(before) == len(after) > 20
    assert all(ours.startswith(play_key.PREFIX) for ours, _, _ in before)
    assert len({ours for ours, _, _ in before}) == len(before)  # one key per animation
    same = [a[0] == b[0] for a, b in zip(before, after, strict=True)]
    assert False in same, "the learning rate changes slide 4, yet no key changed"
    parted = same.index(False)
    assert 0 < parted and not any(same[parted:])  # once parted, never the same again
    for index in range(parted):
        assert before[index][1] == after[index][1], f"animation {index}: Manim's key differs"
    # The learning rate's first effect is read just before the keys part (the new w is shown).
    assert before[parted][2] - before[parted - 1][2]
