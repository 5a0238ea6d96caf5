"""Placing and sizing on screen: the few moves every slide and drawing makes.

Long numbers make formulas wide; these keep a piece inside the room it was given
without ever enlarging it, and bring it back into the content band if it sticks out.
"""

from __future__ import annotations

from manim import RIGHT, Mobject

from . import theme

__all__ = ["fit_width", "keep_in_content", "shift_to_x"]


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
