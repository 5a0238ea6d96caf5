"""The training loop as a cycle: forward -> loss -> backward -> update -> repeat.

Four cards on a ring, each in the colour of what it produces (prediction, loss,
gradient, learning-rate step), with the formula it computes in the lecture's notation.
No numbers: the slide that uses it binds the real ones.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    PI,
    Animation,
    AnimationGroup,
    ApplyFunction,
    CurvedArrow,
    ManimColor,
    MathTex,
    Mobject,
    RoundedRectangle,
    ShowPassingFlash,
    Text,
    VGroup,
    interpolate_color,
    there_and_back,
)

from lecture.i18n import N_
from scenes.kit import notation, theme
from scenes.kit.runtime import tr

__all__ = ["TrainingLoop", "STAGES"]

# (name, card title, colour, formula parts); a part equal to a notation symbol takes its colour.
STAGES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("forward", N_("Forward pass", "training-loop"), theme.PREDICTION,
     (notation.Y_HAT, "=", r"f(", notation.X, r")")),
    ("loss", N_("Loss", "training-loop"), theme.LOSS,
     (notation.LOSS, "=", r"(", notation.Y, "-", notation.Y_HAT, r")^2")),
    ("backward", N_("Backward pass", "training-loop"), theme.GRADIENT, (notation.DLOSS_DW,)),
    ("update", N_("Update", "training-loop"), theme.LEARNING_RATE,
     (notation.W, r":=", notation.W, "-", notation.LR, r"\cdot", notation.DLOSS_DW)),
)


class TrainingLoop(VGroup):
    """The four stages clockwise from the top, curved arrows between them, "repeat" inside."""

    def __init__(self, radius_x: float = 3.0, radius_y: float = 1.75, card_width: float = 3.3,
                 centre: Mobject | None = None) -> None:
        super().__init__()
        self.cards = VGroup()
        self.by_name: dict[str, VGroup] = {}
        angles = [PI / 2, 0.0, -PI / 2, PI]  # top, right, bottom, left: clockwise
        self.colors: list[str] = []
        for (name, title, color, parts), angle in zip(STAGES, angles, strict=True):
            heading = Text(tr(title), font=theme.FONT, font_size=theme.SMALL_SIZE, color=color,
                           weight="BOLD")
            formula = MathTex(*parts, font_size=30, color=theme.TEXT)
            for part, mob in zip(parts, formula.submobjects, strict=True):
                if part in notation.SYMBOL_COLORS:
                    mob.set_color(notation.SYMBOL_COLORS[part])
            content = VGroup(heading, formula).arrange(DOWN, buff=0.14)
            panel = RoundedRectangle(corner_radius=0.15, width=max(card_width, content.width + 0.4),
                                     height=content.height + 0.36, stroke_color=color,
                                     stroke_width=2.5,
                                     fill_color=theme.PANEL, fill_opacity=1).move_to(content)
            card = VGroup(panel, content)
            card.move_to(np.array([radius_x * np.cos(angle), radius_y * np.sin(angle), 0.0]))
            card.panel, card.heading, card.formula = panel, heading, formula
            self.cards.add(card)
            self.colors.append(color)
            self.by_name[name] = card
        self.arrows = VGroup()
        cards = list(self.cards)
        for a, b in zip(cards, cards[1:] + cards[:1], strict=True):
            self.arrows.add(self._arrow(a, b))
        self.centre = centre if centre is not None else Text(
            tr(N_("repeat", "training-loop")), font=theme.FONT, font_size=theme.BODY_SIZE,
            color=theme.MUTED)
        self.add(self.arrows, self.cards, self.centre)

    @staticmethod
    def _arrow(a: VGroup, b: VGroup) -> CurvedArrow:
        """A clockwise arc from card a to card b, leaving and entering at the nearest edges."""
        ca = a.get_center()
        if abs(ca[1]) > abs(ca[0]):  # top or bottom card: leave sideways
            start = a.get_right() if ca[1] > 0 else a.get_left()
            end = b.get_top() if ca[1] > 0 else b.get_bottom()
        else:  # left or right card: leave vertically
            start = a.get_bottom() if ca[0] > 0 else a.get_top()
            end = b.get_right() if ca[0] > 0 else b.get_left()
        return CurvedArrow(start, end, angle=-PI / 2.6, color=theme.MUTED, stroke_width=3,
                           tip_length=0.2)

    def go_around(self) -> list[Animation]:
        """One animation per stage, to be played in turn: the card lights up, then its arrow."""
        steps = []
        for card, arrow, color in zip(self.cards, self.arrows, self.colors, strict=True):
            tint = interpolate_color(ManimColor(theme.PANEL), ManimColor(color), 0.35)

            def lit(mob, tint=tint):
                mob.panel.set_fill(tint)
                return mob.scale(1.06)

            flash = arrow.copy().set_stroke(theme.EMPHASIS, width=6)
            steps.append(AnimationGroup(ApplyFunction(lit, card, rate_func=there_and_back),
                                        ShowPassingFlash(flash, time_width=0.6)))
        return steps
