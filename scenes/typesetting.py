"""Where a line of text appears to start, for aligning lines as a reader sees them.

Manim aligns bounding boxes: the foot of an "A" or the bowl of a "G" reaches further
left than the stem of an "F", so lines whose boxes are aligned look indented by a few
pixels. The optical edge is where the first letter's ink is at half its height.
"""

from __future__ import annotations

import numpy as np
from manim import RIGHT, Mobject, VGroup, VMobject

__all__ = ["optical_left", "align_optically"]

_SAMPLES = np.linspace(0, 1, 17)
_BAND = (0.3, 0.7)  # the part of the letter's height that the eye reads as its edge


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
