"""Placing and sizing on screen: the few moves every slide and drawing makes.

Long numbers make formulas wide; these keep a piece inside the room it was given
without ever enlarging it, and bring it back into the content band if it sticks out.

Manim aligns bounding boxes: the foot of an "A" or the bowl of a "G" reaches further
left than the stem of an "F", so lines whose boxes are aligned look indented by a few
pixels. `align_optically` lines them up where the eye sees each start: the first
letter's ink at the middle of its height.
"""

from __future__ import annotations

import numpy as np
from manim import RIGHT, Mobject, VGroup, VMobject

from scenes.kit import theme

__all__ = ["fit_width", "keep_in_content", "shift_to_x", "optical_left", "align_optically"]

_SAMPLES = np.linspace(0, 1, 17)
_BAND = (0.3, 0.7)  # the part of the letter's height that the eye reads as its edge


def fit_width(mob: Mobject, width: float) -> Mobject:
    """Shrink `mob` to at most `width` (long numbers), never enlarge it."""
    if mob.width > width:
        mob.scale_to_fit_width(width)
    return mob


def keep_in_content(mob: Mobject) -> Mobject:
    """Shift `mob` sideways back into the content band if it sticks out."""
    if mob.get_left()[0] < theme.CONTENT_LEFT:
        mob.shift((theme.CONTENT_LEFT - mob.get_left()[0]) * RIGHT)
    if mob.get_right()[0] > theme.CONTENT_RIGHT:
        mob.shift((theme.CONTENT_RIGHT - mob.get_right()[0]) * RIGHT)
    return mob


def shift_to_x(mob: Mobject, left: float) -> Mobject:
    """Move `mob` sideways only (rows keep their heights) so its left edge is at `left`."""
    return mob.shift(RIGHT * (left - mob.get_left()[0]))


def optical_left(text: Mobject) -> float:
    """The leftmost x of the first glyph's outline within the middle of its height."""
    glyph = next(m for m in text.family_members_with_points() if isinstance(m, VMobject))
    points = glyph.points
    curves = points[: len(points) // 4 * 4].reshape(-1, 4, 3)
    t = _SAMPLES[:, None]
    samples = np.concatenate([
        (1 - t) ** 3 * c[0] + 3 * (1 - t) ** 2 * t * c[1] + 3 * (1 - t) * t ** 2 * c[2]
        + t ** 3 * c[3] for c in curves])
    low, high = samples[:, 1].min(), samples[:, 1].max()
    band = samples[(samples[:, 1] >= low + _BAND[0] * (high - low))
                   & (samples[:, 1] <= low + _BAND[1] * (high - low))]
    return float((band if len(band) else samples)[:, 0].min())


def align_optically(lines: VGroup) -> VGroup:
    """Shift each line sideways so their first letters start at one optical edge."""
    edge = min(optical_left(line) for line in lines)
    for line in lines:
        line.shift(RIGHT * (edge - optical_left(line)))
    return lines
