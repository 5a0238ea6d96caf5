"""Every slide, with the defaults and with awkward parameters: it constructs, its layout
holds after every animation, every beat is narrated, and every number it shows is the
core's value formatted by the core."""

from __future__ import annotations

import pytest

from backprop_core import build_lesson, format_fact
from backprop_core.params import params_from_mapping
from tests.scenes.conftest import UNUSUAL_PARAMS, existing_slides

SLIDES = existing_slides()
pytestmark = pytest.mark.skipif(not SLIDES, reason="no slide scenes written yet")


@pytest.mark.parametrize("name", UNUSUAL_PARAMS)
@pytest.mark.parametrize("slide", SLIDES, ids=lambda s: s.stem)
def test_slide_constructs_with_clean_layout(construct, slide, name):
    params = UNUSUAL_PARAMS[name]
    scene = construct(slide, **params)
    assert scene.layout_problems == []
    assert scene.narration, "a slide without narration writes no subtitles"
    assert all(beat["text"].strip() for beat in scene.narration)
    lesson = build_lesson(params_from_mapping(params))
    for fact in scene.facts.facts:
        assert fact.shown == format_fact(fact.key, lesson.lookup(fact.key)).text, fact


@pytest.mark.parametrize("slide", SLIDES, ids=lambda s: s.stem)
def test_slide_length_with_defaults(construct, slide):
    scene = construct(slide)
    assert 25 <= scene.time <= 60, f"{slide.stem} runs {scene.time:.1f} s"
