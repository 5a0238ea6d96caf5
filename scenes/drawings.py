"""Drawings shared by the slides. They take lesson data (weights, curves), never loose numbers.

- `NetworkDiagram`: the full-picture network, edges coloured by the sign of the real
  weight and thickened by its size, neurons filled by how strongly they fire.
- `LossCurvePlot`: axes and a sampled curve from the core, with helpers to put dots,
  tangents and steps on it.
- `EquationCard`: a formula on a panel, optionally with a caption.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, Animation, AnimationGroup, Axes, Circle, Dot, Line,
                   Mobject, RoundedRectangle, ShowPassingFlash, Text, VGroup, VMobject,
                   ManimColor, Succession, interpolate_color)

from backprop_core.formatting import format_number

from . import theme

__all__ = ["NetworkDiagram", "LossCurvePlot", "EquationCard", "nice_step", "mark_axis_tick"]


# ----- the network ----------------------------------------------------------------

def _edge_style(weight: float, largest: float) -> dict[str, Any]:
    """Colour by sign, width by size relative to the largest weight on screen."""
    share = abs(weight) / largest if largest > 0 else 0.0
    return {
        "color": theme.POSITIVE_WEIGHT if weight >= 0 else theme.NEGATIVE_WEIGHT,
        "width": 1.0 + 6.0 * share,
        "opacity": 0.35 + 0.65 * share,
    }


class NetworkDiagram(VGroup):
    """1 input -> hidden layer -> 1 output, drawn from a `Weights` of the lesson.

    `weights` is the lesson's `network.initial`, `network.trained` or a snapshot's
    weights (anything with W1, b1, W2, b2). `activations` optionally fills the
    hidden neurons (e.g. a pass trace's a1).
    """

    def __init__(self, weights: Any, activations: Sequence[float] | None = None,
                 width: float = 5.0, height: float = 3.2, radius: float = 0.26,
                 input_label: str | None = "x", output_label: str | None = r"\hat{y}") -> None:
        super().__init__()
        hidden = len(weights.W1)
        self.radius = radius
        xs = (-width / 2, 0.0, width / 2)
        spread = min(height, (hidden - 1) * 0.9) if hidden > 1 else 0.0
        hidden_ys = np.linspace(spread / 2, -spread / 2, hidden) if hidden > 1 else [0.0]
        self.input = self._neuron(np.array([xs[0], 0, 0]), theme.INPUT)
        self.hidden = VGroup(*(self._neuron(np.array([xs[1], y, 0]), theme.TEXT) for y in hidden_ys))
        self.output = self._neuron(np.array([xs[2], 0, 0]), theme.PREDICTION)
        self.edges_in = VGroup(*(self._edge(self.input, h) for h in self.hidden))
        self.edges_out = VGroup(*(self._edge(h, self.output) for h in self.hidden))
        self.neurons = VGroup(self.input, *self.hidden, self.output)
        self.add(self.edges_in, self.edges_out, self.neurons)
        self.labels = VGroup()
        if input_label or output_label:
            from manim import MathTex  # the labels are symbols, not numbers
            if input_label:
                self.labels.add(MathTex(input_label, color=theme.INPUT).next_to(self.input, LEFT, 0.15))
            if output_label:
                self.labels.add(MathTex(output_label, color=theme.PREDICTION).next_to(self.output, RIGHT, 0.15))
            self.add(self.labels)
        self.style_weights(weights)
        self.fill_hidden(activations)

    def _neuron(self, centre: np.ndarray, color: str) -> Circle:
        return Circle(self.radius, color=color, stroke_width=3).set_fill(theme.BACKGROUND, 1).move_to(centre)

    def _edge(self, a: Mobject, b: Mobject) -> Line:
        return Line(a.get_right(), b.get_left(), buff=0.02)

    @staticmethod
    def _largest(weights: Any) -> float:
        return max(max(abs(v) for v in weights.W1), max(abs(v) for v in weights.W2))

    def style_weights(self, weights: Any, largest: float | None = None) -> "NetworkDiagram":
        """Restyle the edges for `weights`; pass `largest` to compare several snapshots fairly."""
        largest = largest if largest is not None else self._largest(weights)
        for edge, w in zip(self.edges_in, weights.W1):
            edge.set_stroke(**_edge_style(w, largest))
        for edge, w in zip(self.edges_out, weights.W2):
            edge.set_stroke(**_edge_style(w, largest))
        return self

    def fill_hidden(self, activations: Sequence[float] | None) -> "NetworkDiagram":
        """Fill each hidden neuron by its activation, relative to the strongest (0 = off)."""
        if activations is None:
            return self
        top = max(max(activations), 1e-12)
        for neuron, a in zip(self.hidden, activations):
            share = max(a, 0.0) / top
            neuron.set_fill(interpolate_color(ManimColor(theme.BACKGROUND), ManimColor(theme.ACTIVATION), 0.85 * share), 1)
        return self

    def layers(self) -> list[VGroup]:
        return [VGroup(self.input), self.hidden, VGroup(self.output)]

    def pulse(self, backward: bool = False, color: str | None = None, run_time: float = 1.6) -> Animation:
        """A flash travelling along every edge, layer by layer (right to left if `backward`)."""
        color = color or (theme.GRADIENT if backward else theme.ACTIVATION)
        stages = [self.edges_in, self.edges_out]
        if backward:
            stages = stages[::-1]
        flashes = []
        for stage in stages:
            paths = []
            for edge in stage:
                path = Line(edge.get_end(), edge.get_start()) if backward else edge.copy()
                path.set_stroke(color, width=6, opacity=1)
                paths.append(ShowPassingFlash(path, time_width=0.6))
            flashes.append(AnimationGroup(*paths, run_time=run_time / 2))
        return Succession(*flashes)


# ----- plots ----------------------------------------------------------------------

def nice_step(span: float, ticks: int = 4) -> float:
    """A 1-2-5 tick spacing giving about `ticks` ticks over `span`."""
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def mark_axis_tick(mob: Mobject) -> Mobject:
    """Axis tick labels are generated from data ranges, not lesson facts; say so."""
    for part in mob.get_family():
        part.axis_tick = True
    return mob


class LossCurvePlot(VGroup):
    """Axes sized to a core `Curve` (xs, ys, window) and the curve drawn from its samples."""

    def __init__(self, curve: Any, x_label: str, y_label: str = r"\mathrm{loss}",
                 width: float = 6.0, height: float = 3.6, color: str = theme.LOSS,
                 x_color: str = theme.PARAM, y_max: float | None = None,
                 tick_numbers: bool = True) -> None:
        super().__init__()
        from manim import MathTex
        x_min, x_max = curve.x_min, curve.x_max
        top = y_max if y_max is not None else curve.y_max
        top = top if top > 0 else 1.0
        x_step, y_step = nice_step(x_max - x_min), nice_step(top)
        self.axes = Axes(
            x_range=[x_min, x_max, x_step], y_range=[0, top * 1.08, y_step],
            x_length=width, y_length=height, tips=False,
            axis_config={"color": theme.MUTED, "stroke_width": 2, "include_ticks": True,
                         "tick_size": 0.05},
        )
        # Manim puts the ticks of a range that misses 0 at x_min + k*step; put them at the
        # multiples of the step, where _tick_labels writes the numbers.
        x_axis = self.axes.x_axis
        x_axis.remove(x_axis.ticks)
        first = math.ceil(x_min / x_step - 1e-9)
        last = math.floor(x_max / x_step + 1e-9)
        x_axis.ticks = VGroup(*(x_axis.get_tick(k * x_step) for k in range(first, last + 1)))
        x_axis.add(x_axis.ticks)
        self.add(self.axes)
        if tick_numbers:
            self.x_numbers = self._tick_labels(x_min, x_max, x_step, horizontal=True)
            self.y_numbers = self._tick_labels(y_step, top * 1.08, y_step, horizontal=False)
            self.add(self.x_numbers, self.y_numbers)
        self.x_label = MathTex(x_label, color=x_color, font_size=32)
        self.x_label.next_to(self.axes.x_axis.get_right(), DOWN, buff=0.3)
        self.y_label = MathTex(y_label, color=color, font_size=32)
        self.y_label.next_to(self.axes.y_axis.get_top(), LEFT, buff=0.15)
        self.add(self.x_label, self.y_label)
        self.graph = self.curve_from(curve, color)
        self.add(self.graph)

    def _tick_labels(self, low: float, high: float, step: float, horizontal: bool) -> VGroup:
        from manim import MathTex
        labels = VGroup()
        step = float(step)  # nice_step returns ints for steps >= 1; the labels are reals
        first = math.ceil(low / step - 1e-9) * step
        decimals = max(0, -math.floor(math.log10(step) + 1e-9))
        value = first
        while value <= high + 1e-9:
            if abs(value) < step * 1e-6:
                value = 0.0
            # Written by the core's number rules, so a loss axis reaching 1e8 reads 1×10⁸
            # instead of nine digits that push the plot off the slide.
            label = MathTex(format_number(value, decimals).tex, font_size=18, color=theme.MUTED)
            if horizontal:
                label.next_to(self.axes.c2p(value, 0), DOWN, buff=0.12)
            else:
                label.next_to(self.axes.c2p(self.axes.x_range[0], value), LEFT, buff=0.12)
            labels.add(mark_axis_tick(label))
            value += step
        return labels

    def curve_from(self, curve: Any, color: str = theme.LOSS) -> VMobject:
        """The polyline through a core curve's samples, clipped to the axes' height."""
        top = self.axes.y_range[1]
        points = [self.axes.c2p(x, min(y, top)) for x, y in zip(curve.xs, curve.ys)]
        graph = VMobject(color=color, stroke_width=4).set_points_smoothly(points)
        return graph

    def point(self, x: float, y: float) -> np.ndarray:
        return self.axes.c2p(x, y)

    def dot(self, x: float, y: float, color: str = theme.PREDICTION, radius: float = 0.09) -> Dot:
        return Dot(self.point(x, y), radius=radius, color=color)

    def tangent(self, x: float, y: float, slope: float, half_width: float = 1.2,
                color: str = theme.GRADIENT) -> Line:
        """The tangent at (x, y), drawn `half_width` screen units either side, in screen slope."""
        (sx, sy, _), (ox, oy, _) = self.axes.c2p(1, 1) - self.axes.c2p(0, 0), self.axes.c2p(x, y)
        screen_slope = slope * sy / sx
        dx = half_width / math.sqrt(1 + screen_slope**2)
        start = np.array([ox - dx, oy - dx * screen_slope, 0])
        end = np.array([ox + dx, oy + dx * screen_slope, 0])
        return Line(start, end, color=color, stroke_width=4)


# ----- cards ----------------------------------------------------------------------

class EquationCard(VGroup):
    """A formula (built by `SlideScene.tex`, so its numbers are lesson facts) on a panel."""

    def __init__(self, formula: Mobject, caption: Text | None = None, padding: float = 0.3,
                 edge_color: str = theme.PANEL_EDGE) -> None:
        super().__init__()
        content = VGroup(formula, caption).arrange(DOWN, buff=0.2) if caption else VGroup(formula)
        self.formula, self.caption = formula, caption
        self.panel = RoundedRectangle(
            corner_radius=0.15, width=content.width + 2 * padding, height=content.height + 2 * padding,
            stroke_color=edge_color, stroke_width=2, fill_color=theme.PANEL, fill_opacity=1,
        ).move_to(content)
        self.add(self.panel, content)
