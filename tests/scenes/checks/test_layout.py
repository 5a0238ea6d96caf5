"""The layout lint can fail: an overlap, a text out of the frame, a text out of its band.

Tiny Text mobjects placed by hand, no scene and no render. Each failure has a twin
that passes, so the lint is shown to tell them apart rather than to fail on anything.
"""

from __future__ import annotations

import pytest
from manim import RIGHT, Text, VGroup

from scenes.checks.layout import CONTENT, FRAME, TOLERANCE, Box, layout_problems, visible_box
from scenes.kit import theme


def text(word: str = "ab", x: float = 0.0, y: float = 0.0) -> Text:
    return Text(word, font=theme.FONT, font_size=24).move_to([x, y, 0])


def box_of(mob: Text) -> Box:
    box = visible_box(mob)
    assert box is not None
    return box


def test_texts_in_the_content_band_apart_from_each_other_pass():
    assert layout_problems([text("ab", -2.0, 0.0), text("cd", 2.0, 0.0)], chrome=set()) == []


def test_overlapping_texts_are_reported():
    a, b = text("ab", 0.0, 0.0), text("cd", 0.05, 0.02)
    problems = layout_problems([a, b], chrome=set())
    assert len(problems) == 1 and "overlaps" in problems[0]
    assert "'ab'" in problems[0] and "'cd'" in problems[0]


def test_an_overlap_inside_one_group_is_found_too():
    problems = layout_problems([VGroup(text("ab"), text("cd", 0.05))], chrome=set())
    assert len(problems) == 1 and "overlaps" in problems[0]


def test_an_allowed_pair_may_overlap_and_touching_texts_do_not_count():
    a, b = text("ab", 0.0, 0.0), text("cd", 0.05, 0.0)
    assert layout_problems([a, b], chrome=set(), allowed_pairs={frozenset((id(a), id(b)))}) == []
    right = text("cd").next_to(a, RIGHT, buff=0)  # edge to edge: touching is fine
    assert layout_problems([a, right], chrome=set()) == []


def test_a_text_out_of_the_frame_is_reported():
    inside = text("ab", 0.0, 0.0)
    outside = text("ab")
    outside.set_x(FRAME.right + outside.width / 2 - 0.1)  # its right end past the margin
    problems = layout_problems([outside], chrome=set())
    assert len(problems) == 1 and "leaves the frame" in problems[0]
    assert layout_problems([inside], chrome=set()) == []
    # Nothing may leave the frame, not even the slide's own chrome or a free drawing.
    outside.layout_free = True
    assert layout_problems([outside], chrome={id(outside)}) != []


def test_a_text_out_of_its_band_is_reported_unless_it_is_chrome_or_free():
    header = text("ab")
    header.set_y((theme.HEADER_BOTTOM + FRAME.top) / 2)  # in the title band, inside the frame
    assert box_of(header).inside(FRAME) and not box_of(header).inside(CONTENT)
    problems = layout_problems([header], chrome=set())
    assert len(problems) == 1 and "leaves the content area" in problems[0]
    assert layout_problems([header], chrome={id(header)}) == []  # the title block lives there
    footer = text("ab")
    footer.set_y((theme.FOOTER_TOP + FRAME.bottom) / 2)
    assert "leaves the content area" in layout_problems([footer], chrome=set())[0]
    footer.layout_free = True
    assert layout_problems([footer], chrome=set()) == []


def test_an_invisible_text_is_not_checked():
    hidden = text("ab").set_opacity(0).set_x(FRAME.right + 2)
    assert visible_box(hidden) is None
    assert layout_problems([hidden, text("ab")], chrome=set()) == []


@pytest.mark.parametrize("shift, overlaps", [(TOLERANCE / 2, False), (TOLERANCE * 2, True)])
def test_boxes_overlap_only_past_the_tolerance(shift, overlaps):
    a = Box(0.0, 1.0, 0.0, 1.0)
    b = Box(1.0 - shift, 2.0, 0.0, 1.0)
    assert a.overlaps(b) == overlaps and b.overlaps(a) == overlaps
