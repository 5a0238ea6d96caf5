"""A checkpoint's card: the lecture stops and asks before it shows the answer.

A panel over the content: a pause sign and the badge ("Pause and think"), the question
set as a paragraph, its choices (a verdict question), and a bar that empties while the
viewer thinks (`countdown`). Drawn in the palette's neutral colours: every other colour
names a quantity on every slide. Built from data (the question as a template bound to
lesson paths, as the bank holds it), its numbers typeset by the slide's `FactMaker`.
"""

from __future__ import annotations

from typing import Sequence

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Line,
    RoundedRectangle,
    Text,
    UpdateFromAlphaFunc,
    VGroup,
)

from scenes.kit import theme
from scenes.kit.placement import fit_width
from scenes.kit.typeset import FactMaker, paragraph

__all__ = ["CheckpointCard"]

PADDING = 0.45  # inside the panel, on every side
QUESTION_SIZE = 30
BADGE_SIZE = 24
CHOICE_GAP = 0.14


class CheckpointCard(VGroup):
    """`question` (a template; `keys` binds its placeholders to lesson paths) under `badge`,
    with `choices` as (letter, template) pairs, centred in the content band."""

    def __init__(self, facts: FactMaker, badge: str, question: str,
                 choices: Sequence[tuple[str, str]] = (), **keys: str) -> None:
        super().__init__()
        width = theme.CONTENT_RIGHT - theme.CONTENT_LEFT
        inner = width - 2 * PADDING
        pause = VGroup(*(RoundedRectangle(corner_radius=0.03, width=0.09, height=0.3,
                                          stroke_width=0, fill_color=theme.EMPHASIS,
                                          fill_opacity=1) for _ in range(2)))
        pause.arrange(RIGHT, buff=0.08)
        title = Text(badge, font=theme.FONT, font_size=BADGE_SIZE, color=theme.EMPHASIS,
                     weight="BOLD")
        self.badge = VGroup(pause, title).arrange(RIGHT, buff=0.2)
        self.question = paragraph(facts, question, inner, font_size=QUESTION_SIZE, **keys)
        marks = [Text(f"{letter})", font=theme.FONT, font_size=theme.BODY_SIZE,
                      color=theme.MUTED, weight="BOLD") for letter, _ in choices]
        column = max((m.width for m in marks), default=0) + 0.2  # every choice starts here
        self.choices = VGroup()
        for mark, (_, text) in zip(marks, choices, strict=True):
            line = fit_width(facts.text(text, font_size=theme.BODY_SIZE, **keys),
                             inner - 0.4 - column)
            line.next_to(mark, RIGHT, buff=column - mark.width)
            self.choices.add(VGroup(mark, line))
        self.choices.arrange(DOWN, aligned_edge=LEFT, buff=CHOICE_GAP)
        self.track = Line(LEFT, RIGHT, stroke_width=6, color=theme.PANEL_EDGE)
        self.track.width = inner
        self.bar = self.track.copy().set_stroke(theme.MUTED)
        body = VGroup(self.badge, self.question,
                      *([self.choices.shift(0.3 * RIGHT)] if choices else []), self.track)
        body.arrange(DOWN, aligned_edge=LEFT, buff=0.32)
        room = theme.CONTENT_TOP - theme.CONTENT_BOTTOM - 2 * PADDING - 0.1
        if body.height > room:  # a long question with many choices
            body.scale(room / body.height, about_edge=UP + LEFT)
        self.bar.match_width(self.track).move_to(self.track)
        self.panel = RoundedRectangle(corner_radius=0.2, width=width,
                                      height=body.height + 2 * PADDING, stroke_width=2,
                                      stroke_color=theme.PANEL_EDGE, fill_color=theme.PANEL,
                                      fill_opacity=1)
        self.add(self.panel, body, self.bar)
        body.move_to(self.panel).align_to(self.panel.get_left() + PADDING * RIGHT, LEFT)
        self.bar.move_to(self.track)
        self.move_to([0, (theme.CONTENT_TOP + theme.CONTENT_BOTTOM) / 2, 0])

    def countdown(self) -> Animation:
        """The bar emptying towards its left end: the time to think. It stays part of the
        card (an Uncreate would take it out of the scene, and the card apart)."""
        full = self.bar.copy()

        def empty(bar: Line, alpha: float) -> None:
            bar.pointwise_become_partial(full, 0, 1 - alpha)
            bar.set_stroke(opacity=0 if alpha >= 1 else 1)

        return UpdateFromAlphaFunc(self.bar, empty)
