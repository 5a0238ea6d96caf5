"""Layout rules checked after every animation: content stays in its band, texts never overlap.

A slide is a lecture aid first: a number hidden under another, or a label cut off by
the frame, is a bug even if every number is right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DecimalNumber,
    Integer,
    MarkupText,
    Mobject,
    Paragraph,
    SingleStringMathTex,
    Text,
    VMobject,
)
from manim.mobject.text.tex_mobject import MathTexPart

from scenes.kit import theme

__all__ = ["Box", "visible_box", "text_units", "layout_problems", "TOLERANCE"]

TOLERANCE = 0.03  # Manim units: touching glyph boxes are fine, overlapping ones are not
# A formula part on its own (a copy flying from one formula to another, formula.Fly) is
# read as a text too; inside its formula the formula is the unit.
_TEXT_TYPES = (Text, MarkupText, Paragraph, SingleStringMathTex, MathTexPart, DecimalNumber,
               Integer)


@dataclass(frozen=True)
class Box:
    left: float
    right: float
    bottom: float
    top: float

    def overlaps(self, other: "Box", tolerance: float = TOLERANCE) -> bool:
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.top, other.top) - max(self.bottom, other.bottom)
        return width > tolerance and height > tolerance

    def inside(self, other: "Box", tolerance: float = TOLERANCE) -> bool:
        return (self.left >= other.left - tolerance and self.right <= other.right + tolerance
                and self.bottom >= other.bottom - tolerance and self.top <= other.top + tolerance)

    def __str__(self) -> str:
        return f"[x {self.left:.2f}..{self.right:.2f}, y {self.bottom:.2f}..{self.top:.2f}]"


def _is_visible(mob: Mobject) -> bool:
    if not isinstance(mob, VMobject):
        return mob.has_points() and getattr(mob, "opacity", 1) != 0
    if not mob.has_points():
        return False
    fill = mob.get_fill_opacity() if mob.fill_rgbas is not None and len(mob.fill_rgbas) else 0
    stroke = mob.get_stroke_opacity() * (mob.get_stroke_width() > 0) if len(mob.stroke_rgbas) else 0
    return max(fill, stroke) > 0.01


def visible_box(mob: Mobject) -> Box | None:
    """The bounding box of the visible parts of `mob`, or None if nothing of it shows."""
    points = [m.points for m in mob.get_family() if _is_visible(m)]
    if not points:
        return None
    allpts = np.concatenate(points)
    return Box(float(allpts[:, 0].min()), float(allpts[:, 0].max()),
               float(allpts[:, 1].min()), float(allpts[:, 1].max()))


def text_units(mob: Mobject) -> list[Mobject]:
    """The texts and formulas inside `mob`, each counted once as a whole."""
    if isinstance(mob, _TEXT_TYPES):
        return [mob]
    units: list[Mobject] = []
    for sub in mob.submobjects:
        units.extend(text_units(sub))
    return units


def _name(mob: Mobject) -> str:
    text = getattr(mob, "text", None) or getattr(mob, "tex_string", None) or type(mob).__name__
    return repr(text[:40])


CONTENT = Box(theme.CONTENT_LEFT, theme.CONTENT_RIGHT, theme.CONTENT_BOTTOM, theme.CONTENT_TOP)
FRAME = Box(-theme.FRAME_WIDTH / 2 + theme.MARGIN, theme.FRAME_WIDTH / 2 - theme.MARGIN,
            -theme.FRAME_HEIGHT / 2 + theme.MARGIN, theme.FRAME_HEIGHT / 2 - theme.MARGIN)


def layout_problems(mobjects: list[Mobject], chrome: set[int],
                    allowed_pairs: set[frozenset[int]] = frozenset()) -> list[str]:
    """Everything wrong with the layout of these top-level mobjects, in words.

    `chrome` holds the ids of the slide's own title block and progress mark: they may
    use the header and footer bands, content may not. Content that is deliberately
    allowed outside the content band (nothing is allowed outside the frame) carries
    `layout_free = True`; pairs of texts that may overlap are in `allowed_pairs`.
    """
    problems: list[str] = []
    for mob in mobjects:
        box = visible_box(mob)
        if box is None:
            continue
        if not box.inside(FRAME):
            problems.append(f"{_name(mob)} leaves the frame: {box}")
        elif (id(mob) not in chrome and not getattr(mob, "layout_free", False)
              and not box.inside(CONTENT)):
            problems.append(f"{_name(mob)} leaves the content area {CONTENT}: {box}")
    texts = [(t, b) for mob in mobjects for t in text_units(mob)
             if (b := visible_box(t)) is not None]
    for i, (a, box_a) in enumerate(texts):
        for b, box_b in texts[i + 1:]:
            if box_a.overlaps(box_b) and frozenset((id(a), id(b))) not in allowed_pairs:
                problems.append(f"{_name(a)} {box_a} overlaps {_name(b)} {box_b}")
    return problems
