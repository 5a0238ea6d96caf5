"""The worked neuron x -> (w*x + b) -> y_hat as a drawing, for every slide that shows it.

The drawing holds symbols only (x, w, b, y_hat and the body's `w x + b`); numbers
are lesson facts the scene builds with `SlideScene.tex` and puts in place with
`place(mob, slot)`, so a symbol label can turn into `w = 1` with
`TransformMatchingTex` without moving. The weight's edge is coloured by the sign of
the lesson's weight, as on the network diagram.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Arrow,
    Circle,
    Line,
    MathTex,
    Mobject,
    ShowPassingFlash,
    Succession,
    VGroup,
)

from scenes.kit import notation, theme
from scenes.kit.placement import fit_width, keep_in_content

__all__ = ["NeuronDiagram"]

SLOTS = ("x", "w", "b", "y_hat")


class NeuronDiagram(VGroup):
    """Input node, weighted edge, the neuron's body computing `w x + b` with its bias
    arrow, and the output node; `step` is the lesson's worked step (or any object with
    a weight `w`)."""

    def __init__(self, step: Any, width: float = 10.0, body_radius: float = 0.95,
                 node_radius: float = 0.3, bias_length: float = 0.75) -> None:
        super().__init__()
        self.input = Circle(node_radius, color=theme.INPUT, stroke_width=4).shift(width / 2 * LEFT)
        self.output = Circle(node_radius, color=theme.PREDICTION,
                             stroke_width=4).shift(width / 2 * RIGHT)
        self.body = Circle(body_radius, color=theme.TEXT, stroke_width=3)
        for node in (self.input, self.output):
            node.set_fill(theme.BACKGROUND, 1)
        self.body.set_fill(theme.PANEL, 1)
        weight_color = theme.POSITIVE_WEIGHT if step.w >= 0 else theme.NEGATIVE_WEIGHT
        self.edge_in = Line(self.input.get_right(), self.body.get_left(), color=weight_color,
                            stroke_width=4)
        self.edge_out = Line(self.body.get_right(), self.output.get_left(), color=theme.PREDICTION,
                             stroke_width=4)
        self.bias = Arrow(self.body.get_bottom() + bias_length * DOWN, self.body.get_bottom(),
                          buff=0,
                          color=theme.PARAM, stroke_width=4, max_tip_length_to_length_ratio=0.3)
        self.formula = MathTex(notation.W, notation.X, "+", notation.B, font_size=theme.TEX_SIZE)
        for part in self.formula:
            part.set_color(notation.SYMBOL_COLORS.get(part.tex_string, theme.TEXT))
        fit_width(self.formula, 1.6 * body_radius).move_to(self.body)
        symbols = {"x": notation.X, "w": notation.W, "b": notation.B, "y_hat": notation.Y_HAT}
        self.symbols = {name: MathTex(tex, color=notation.SYMBOL_COLORS[tex],
                                      font_size=theme.TEX_SIZE)
                        for name, tex in symbols.items()}
        for name, symbol in self.symbols.items():
            self.place(symbol, name, clamp=False)
        self.add(self.edge_in, self.edge_out, self.bias, self.input, self.output, self.body,
                 self.formula, *self.symbols.values())

    # ----- where the numbers go ---------------------------------------------------

    def slot_width(self, slot: str) -> float:
        """How wide a label at `slot` may be without reaching its neighbours."""
        if slot == "w":
            return self.edge_in.get_length() - 0.2
        if slot == "b":
            return 2 * self.body.width
        return abs(self.input.get_x() - self.body.get_x()) - self.body.width / 2 - 0.3

    def place(self, mob: Mobject, slot: str, buff: float = 0.18, clamp: bool = True) -> Mobject:
        """Put a label (a symbol or `symbol = value`) at its slot: x and y_hat under
        their nodes, w above its edge, b under the bias arrow's tail."""
        if slot not in SLOTS:
            raise KeyError(f"no slot '{slot}'; slots are {SLOTS}")
        fit_width(mob, self.slot_width(slot))
        anchor = {"x": self.input, "w": self.edge_in, "b": self.bias, "y_hat": self.output}[slot]
        mob.next_to(anchor, UP if slot == "w" else DOWN, buff=buff)
        return keep_in_content(mob) if clamp else mob

    def detach(self, slot: str) -> Mobject:
        """Take a symbol label out of the drawing (to turn it into a tag elsewhere); the
        caller shows it again at top level or flies it away."""
        symbol = self.symbols[slot]
        self.remove(symbol)
        return symbol

    def product_term(self) -> VGroup:
        return VGroup(self.formula[0], self.formula[1])

    def bias_term(self) -> VGroup:
        return VGroup(self.formula[2], self.formula[3])

    # ----- motion -----------------------------------------------------------------

    def pulse(self, stage: str = "all", color: str = theme.ACTIVATION,
              run_time: float = 1.2) -> Animation:
        """A flash along the edges: 'in' (input and bias into the body), 'out' (body to
        output) or 'all' (one after the other)."""
        def flash(line: Line | Arrow) -> ShowPassingFlash:
            start, end = line.get_start(), line.get_end()
            path = Line(start, end).set_stroke(color, width=8, opacity=1)
            return ShowPassingFlash(path, time_width=0.5)

        if stage == "in":
            return AnimationGroup(flash(self.edge_in), flash(self.bias), run_time=run_time)
        if stage == "out":
            return AnimationGroup(flash(self.edge_out), run_time=run_time)
        return Succession(self.pulse("in", color, run_time / 2),
                          self.pulse("out", color, run_time / 2))

    def centre_of(self, slot: str) -> np.ndarray:
        return self.symbols[slot].get_center()
