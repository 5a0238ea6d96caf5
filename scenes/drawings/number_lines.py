"""Linked number lines for the chain-rule slide's sensitivity nudge (slide 5).

One horizontal line per quantity (w, y_hat, loss), each with a dot at its current
value. Nudging w moves all three dots at once, each by its own change; a tick on a
line can mark where the chain rule predicted the dot would land. The drawing holds
symbols and geometry only: the starting values and the changes are read from the
lesson by the scene and passed in as floats for positions; every number shown is a
lesson fact the scene builds and places with `place_above`.

All lines share one scale (screen units per unit of value), so a bigger change is a
longer move, unless the changes differ so much that the smallest would vanish:
then each move is clamped to a visible minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Arrow, Dot, Line, MathTex, Mobject, VGroup

from scenes.kit import theme

__all__ = ["LinkedNumberLines", "Row"]


@dataclass
class Row:
    symbol: str  # LaTeX
    color: str
    change: float  # how far the value moves (actual)
    predicted: float | None = None  # where the chain rule says it lands, if marked


class LinkedNumberLines(VGroup):
    def __init__(self, rows: list[Row], left: float, right: float, top: float, gap: float = 0.85,
                 longest: float = 3.2, shortest: float = 0.35) -> None:
        super().__init__()
        self.rows = rows
        changes = [abs(r.change) for r in rows]
        changes += [abs(r.predicted) for r in rows if r.predicted is not None]
        scale = longest / max(changes) if max(changes) > 0 else 0.0
        self.symbols, self.lines, self.dots = [], [], []
        self.starts, self.ends, self.ticks = [], [], []
        self.predicted_ticks: list[Line | None] = []
        for index, row in enumerate(rows):
            y = top - index * gap
            symbol = MathTex(row.symbol, color=row.color, font_size=36)
            symbol.move_to([left, y, 0], aligned_edge=LEFT)
            line_left = left + 1.1
            line = Line([line_left, y, 0], [right, y, 0], color=theme.MUTED, stroke_width=2.5)
            centre = (line_left + right) / 2

            def length(change: float) -> float:
                if change == 0:
                    return 0.0
                return float(np.sign(change)) * max(abs(change) * scale, shortest)

            move = length(row.change)
            start = np.array([centre - move / 2, y, 0])
            if row.predicted is not None:  # keep the start, the prediction and the landing centred
                span = [0.0, move, length(row.predicted)]
                start = np.array([centre - (min(span) + max(span)) / 2, y, 0])
            end = start + move * RIGHT
            tick = Line(start + 0.12 * UP, start + 0.12 * DOWN, color=theme.MUTED, stroke_width=2.5)
            dot = Dot(start, radius=0.09, color=row.color)
            predicted = None
            if row.predicted is not None:
                at = start + length(row.predicted) * RIGHT
                predicted = Line(at + 0.2 * UP, at + 0.2 * DOWN, color=theme.GRADIENT,
                                 stroke_width=5)
            self.symbols.append(symbol)
            self.lines.append(line)
            self.dots.append(dot)
            self.starts.append(start)
            self.ends.append(end)
            self.ticks.append(tick)
            self.predicted_ticks.append(predicted)
            self.add(symbol, line, tick)
        self.add(*self.dots)

    def place_above(self, index: int, label: Mobject) -> Mobject:
        """Put a label (the starting value) above the starting point of a row."""
        return label.next_to(self.starts[index], UP, buff=0.2)

    def trail(self, index: int) -> Arrow | None:
        """The arrow from the starting point to the landing point of a row (None if it stays)."""
        start, end = self.starts[index], self.ends[index]
        if np.allclose(start, end):
            return None
        return Arrow(start, end, buff=0, color=self.rows[index].color, stroke_width=5,
                     max_tip_length_to_length_ratio=0.3, tip_length=0.18).shift(0.001 * UP)
