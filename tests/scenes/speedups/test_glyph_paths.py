"""A glyph lets go of its parsed SVG path (scenes/speedups/glyph_paths.py): the same points,
and cache keys that still see every one of them."""

from __future__ import annotations

import numpy as np
from manim import RIGHT, MathTex
from manim.mobject.svg import svg_mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.utils import hashing

import scenes.kit.slide  # noqa: F401 - importing the slides installs it
from scenes.speedups import glyph_paths


def glyphs(mob) -> list[VMobjectFromSVGPath]:
    return [m for m in mob.get_family() if isinstance(m, VMobjectFromSVGPath)]


def test_a_formula_has_the_same_points_without_keeping_its_svg_paths(monkeypatch):
    formula = r"\frac{\partial L}{\partial w} = -7.98"
    monkeypatch.setattr(svg_mobject, "SVG_HASH_TO_MOB_MAP", {})  # parse it, not copy it
    ours = MathTex(formula)
    with monkeypatch.context() as stock:
        stock.setattr(svg_mobject, "SVG_HASH_TO_MOB_MAP", {})
        stock.setattr(VMobjectFromSVGPath, "generate_points",
                      glyph_paths._original_generate_points)
        manims = MathTex(formula)
    assert all(g.path_obj is None for g in glyphs(ours))
    assert all(g.path_obj is not None for g in glyphs(manims))
    assert len(glyphs(ours)) == len(glyphs(manims)) > 5
    for a, b in zip(glyphs(ours), glyphs(manims), strict=True):
        assert np.array_equal(a.points, b.points)


def test_a_cache_key_skips_the_svg_paths_but_still_sees_every_point():
    formula = MathTex("x^2")
    key = hashing.get_json(formula)
    assert "svgelements" not in key
    assert hashing.get_json(formula.copy()) == key
    assert hashing.get_json(formula.copy().shift(0.01 * RIGHT)) != key
    glyph = formula.copy()
    glyphs(glyph)[0].points[1, 1] += 1e-3  # one control point of one glyph
    assert hashing.get_json(glyph) != key
