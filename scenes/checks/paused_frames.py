"""What a presenter sees who pauses mid-animation: texts must not pile up on one another.

The layout check (layout.py) looks at the end of every animation. A paused frame can
fall anywhere inside one, so a dry run also evaluates each animation at a few points
(PAUSE_ALPHAS) and asks of the frame there: do two visible texts cover each other by
more than a small share of the smaller one? A text that is fading out may lie under
the one replacing it (that is a cross-fade, and reads as one number becoming another);
anything else is a pile-up. It also refuses a Transform that morphs one text's glyphs
into another's: mid-way its glyphs are neither number. Numbers change by a cross-fade
(`cross_fade`).
"""

from __future__ import annotations

from typing import Iterable

from manim import (
    AnimationGroup,
    FadeIn,
    FadeOut,
    FadeTransform,
    Mobject,
    Transform,
    smooth,
    squish_rate_func,
)

from scenes.checks.layout import Box, _is_visible, text_units, visible_box

__all__ = ["PAUSE_ALPHAS", "MAX_SHARED", "cross_fade", "moves_text", "fading_out", "glyph_morphs",
           "overlapping_texts", "shared"]

PAUSE_ALPHAS = (0.3, 0.5, 0.7)  # where inside each animation a frame is checked
MAX_SHARED = 0.1  # two texts may share at most this much of the smaller one's box


def cross_fade(old: Mobject, new: Mobject, span: float = 0.4) -> AnimationGroup:
    """`old` fades out just before the middle of the animation, `new` fades in just after:
    at no moment are both readable at once, no glyph turns into another, and for all but
    `span` of the time one of them is fully there (a readout that ticks stays readable)."""
    half = span / 2
    return AnimationGroup(FadeOut(old, rate_func=squish_rate_func(smooth, 0.5 - half, 0.5)),
                          FadeIn(new, rate_func=squish_rate_func(smooth, 0.5, 0.5 + half)))


def _leaves(animations: Iterable) -> list:
    found = []
    for animation in animations:
        inner = getattr(animation, "animations", None)
        found.extend(_leaves(inner) if inner else [animation])
    return found


def moves_text(animations: Iterable) -> bool:
    """Whether any of `animations` changes a text (moves, fades, morphs or shows it)."""
    return any(text_units(a.mobject) for a in _leaves(animations))


def fading_out(animations: Iterable) -> set[int]:
    """Ids of every mobject that one of `animations` fades out (FadeOut, or the source of
    a FadeTransform)."""
    found: set[int] = set()
    for animation in _leaves(animations):
        if isinstance(animation, FadeOut):
            found.update(id(m) for m in animation.mobject.get_family())
        elif isinstance(animation, FadeTransform):
            found.update(id(m) for m in animation.mobject[0].get_family())
    return found


def _words(mob: Mobject) -> list[str]:
    return [getattr(u, "text", None) or getattr(u, "tex_string", "") for u in text_units(mob)]


def glyph_morphs(animations: Iterable) -> list[str]:
    """Transforms that turn the glyphs of one text into those of another."""
    found = []
    for animation in _leaves(animations):
        target = getattr(animation, "target_mobject", None)
        if not isinstance(animation, Transform) or target is None:
            continue
        before, after = _words(animation.mobject), _words(target)
        if before and after and before != after:
            found.append(f"a Transform morphs {before[0][:30]!r} into {after[0][:30]!r}; "
                         "cross-fade instead")
    return found


def _area(box: Box) -> float:
    return (box.right - box.left) * (box.top - box.bottom)


def _common(a: Box, b: Box) -> float:
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.top, b.top) - max(a.bottom, b.bottom)
    return width * height if width > 0 and height > 0 else 0.0


def _glyphs(text: Mobject) -> list[Box]:
    """The boxes of the visible glyphs of a text (a hidden part of a formula is not there)."""
    return [visible_box(m) for m in text.family_members_with_points() if _is_visible(m)]


def shared(a: Mobject, b: Mobject) -> float:
    """The share of the smaller text's glyph area that the other's glyphs cover."""
    glyphs_a, glyphs_b = _glyphs(a), _glyphs(b)
    common = sum(_common(g, h) for g in glyphs_a for h in glyphs_b)
    smaller = min(sum(map(_area, glyphs_a)), sum(map(_area, glyphs_b)))
    return common / max(smaller, 1e-9)


def overlapping_texts(mobjects: list[Mobject], exempt: set[int],
                      allowed_pairs: set[frozenset[int]] = frozenset()) -> list[str]:
    """Pairs of visible texts that cover each other by more than MAX_SHARED, unless one is
    in `exempt` (fading out) or the pair is allowed."""
    texts = [(t, b) for mob in mobjects for t in text_units(mob)
             if (b := visible_box(t)) is not None]
    problems = []
    for i, (a, box_a) in enumerate(texts):
        for b, box_b in texts[i + 1:]:
            if id(a) in exempt or id(b) in exempt or frozenset((id(a), id(b))) in allowed_pairs:
                continue
            if _common(box_a, box_b) == 0:
                continue
            share = shared(a, b)
            if share > MAX_SHARED:
                problems.append(f"{_words(a)[0][:30]!r} and {_words(b)[0][:30]!r} cover "
                                f"{share:.0%} of each other")
    return problems
