"""The per-animation cache key computed faster (scenes/speedups/cache_key.py): the very key Manim
computes, so it misses no change Manim's sees, and equal scenes share it."""

from __future__ import annotations

import enum

import numpy as np
import pytest
from manim import (
    BLUE,
    RED,
    RIGHT,
    Circle,
    Create,
    FadeIn,
    MathTex,
    Scene,
    Square,
    Text,
    VGroup,
)
from manim.utils import hashing

import scenes.kit.slide  # noqa: F401 - importing the slides installs it
from scenes.speedups import cache_key


def key(scene: Scene, animation, mobjects) -> str:
    return hashing.get_hash_from_play_call(
        scene, scene.renderer.camera, [animation], mobjects, backend="cairo",
        encoder_fingerprint="test", renderer_state={"frame": 3})


def both_keys(scene: Scene, animation, mobjects) -> tuple[str, str]:
    ours = key(scene, animation, mobjects)
    with cache_key.stock():
        manims = key(scene, animation, mobjects)
    return ours, manims


class Shade(enum.IntEnum):
    DARK = 1


def picture(colour=BLUE, shift=0.0, width=4.0, words="w = 0.5") -> tuple[Scene, object, list]:
    """A small scene as a slide has them: a formula, text, shapes in groups, repeats."""
    scene = Scene()
    circle = Circle(color=colour).shift(shift * RIGHT)
    square = Square(stroke_width=width)
    formula = MathTex(r"\frac{\partial L}{\partial w}", "=", "-7.98")
    label = Text(words, font_size=24)
    group = VGroup(circle, square, formula)
    group.extra = {"shade": Shade.DARK, "none": None, "again": None, "ap": "AP",
                   "pair": (1, [2, 3]), "f32": np.float32(0.5), circle: "a mobject as a key"}
    scene.add(group, label)
    return scene, Create(square), [group, label, circle]  # circle twice: memoised


def test_it_is_installed_with_the_slides_and_only_for_its_manim():
    assert cache_key.installed()
    with cache_key.stock():
        assert not cache_key.installed()
    assert cache_key.installed()


def test_the_key_is_manims_own_key():
    ours, manims = both_keys(*picture())
    assert ours == manims


def test_equal_scenes_get_equal_keys():
    assert key(*picture()) == key(*picture())


@pytest.mark.parametrize("change", [
    {"colour": RED}, {"shift": 1e-6}, {"width": 4.01}, {"words": "w = 0.6"}])
def test_any_change_that_can_alter_a_pixel_changes_the_key(change):
    base = key(*picture())
    changed = picture(**change)
    ours, manims = both_keys(*changed)
    assert ours == manims != base


def test_one_control_point_of_one_glyph_changes_the_key():
    scene, animation, mobjects = picture()
    base = key(scene, animation, mobjects)
    glyph = mobjects[0][2][0][0]
    glyph.points[1, 1] += 1e-9
    assert key(scene, animation, mobjects) != base


def test_the_animation_is_in_the_key():
    scene, _, mobjects = picture()
    assert key(scene, FadeIn(mobjects[1]), mobjects) != key(scene, Create(mobjects[1]), mobjects)


@pytest.mark.parametrize("array", [
    np.arange(12.0).reshape(4, 3),
    np.arange(12.0).reshape(4, 3)[:, 1],  # not contiguous
    np.asfortranarray(np.arange(12.0).reshape(4, 3)),
    np.arange(6, dtype=">f8"),  # big-endian
    np.arange(6, dtype=np.float32),
    np.array([True, False]),
    np.zeros((0, 3)),
    np.array(2.5),
    np.zeros(3, dtype=[("x", "<f8"), ("y", ">i4")]),
    np.arange(6, dtype=np.uint8),
])
def test_an_array_hashes_as_manim_hashes_it(array):
    assert cache_key.hash_ndarray(array) == cache_key._STOCK["_hash_ndarray"](array)
