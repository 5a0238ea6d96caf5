"""The full-picture network: edges coloured by the sign of the real weight and thickened
by its size, neurons filled by how strongly they fire. Takes lesson data (weights,
activations), never loose numbers.

`fitted_network` sizes it from the space it gets, for any number of hidden neurons (2 to
8): the one place its size is worked out. Slides differ in how closely they pack it
(`spacing`, `radius`, `radius_share`): parameters there, not copies of the arithmetic.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import (
    LEFT,
    RIGHT,
    Animation,
    AnimationGroup,
    Circle,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    ShowPassingFlash,
    Succession,
    VGroup,
    interpolate_color,
)

from scenes.kit import theme

__all__ = ["NetworkDiagram", "fitted_network"]

NEURON_RADIUS = 0.26  # at most, when there is room
SPACING = 0.9  # at most, between hidden neurons' centres
RADIUS_SHARE = 0.42  # of the spacing at most, so that neurons never touch


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
    weights (anything with W1, b1, W2, b2); `fill_hidden` fills the hidden neurons by
    their activations (e.g. a pass trace's a1).
    """

    def __init__(self, weights: Any, *, width: float, spread: float, radius: float,
                 labels: bool) -> None:
        """`width` from the input's centre to the output's, `spread` from the first hidden
        neuron's centre to the last's (see `fitted_network`); `labels`: x and y-hat."""
        super().__init__()
        hidden = len(weights.W1)
        self.radius, self.spread = radius, spread
        xs = (-width / 2, 0.0, width / 2)
        hidden_ys = np.linspace(spread / 2, -spread / 2, hidden) if hidden > 1 else [0.0]
        self.input = self._neuron(np.array([xs[0], 0, 0]), theme.INPUT)
        self.hidden = VGroup(*(self._neuron(np.array([xs[1], y, 0]),
                                            theme.TEXT) for y in hidden_ys))
        self.output = self._neuron(np.array([xs[2], 0, 0]), theme.PREDICTION)
        self.edges_in = VGroup(*(self._edge(self.input, h) for h in self.hidden))
        self.edges_out = VGroup(*(self._edge(h, self.output) for h in self.hidden))
        self.neurons = VGroup(self.input, *self.hidden, self.output)
        self.add(self.edges_in, self.edges_out, self.neurons)
        self.labels = VGroup()
        if labels:  # symbols, not numbers
            self.labels.add(MathTex("x", color=theme.INPUT).next_to(self.input, LEFT, 0.15),
                            MathTex(r"\hat{y}", color=theme.PREDICTION).next_to(self.output,
                                                                                RIGHT, 0.15))
            self.add(self.labels)
        self.style_weights(weights)

    def _neuron(self, centre: np.ndarray, color: str) -> Circle:
        neuron = Circle(self.radius, color=color, stroke_width=3)
        return neuron.set_fill(theme.BACKGROUND, 1).move_to(centre)

    def _edge(self, a: Mobject, b: Mobject) -> Line:
        return Line(a.get_right(), b.get_left(), buff=0.02)

    @staticmethod
    def _largest(weights: Any) -> float:
        return max(max(abs(v) for v in weights.W1), max(abs(v) for v in weights.W2))

    def style_weights(self, weights: Any, largest: float | None = None) -> "NetworkDiagram":
        """Restyle the edges for `weights`; pass `largest` to compare several snapshots fairly."""
        largest = largest if largest is not None else self._largest(weights)
        for edge, w in zip(self.edges_in, weights.W1, strict=True):
            edge.set_stroke(**_edge_style(w, largest))
        for edge, w in zip(self.edges_out, weights.W2, strict=True):
            edge.set_stroke(**_edge_style(w, largest))
        return self

    def fill_hidden(self, activations: Sequence[float] | None) -> "NetworkDiagram":
        """Fill each hidden neuron by its activation, relative to the strongest (0 = off)."""
        if activations is None:
            return self
        top = max(max(activations), 1e-12)
        for neuron, a in zip(self.hidden, activations, strict=True):
            share = max(a, 0.0) / top
            neuron.set_fill(interpolate_color(ManimColor(theme.BACKGROUND),
                                              ManimColor(theme.ACTIVATION), 0.85 * share), 1)
        return self

    def layers(self) -> list[VGroup]:
        return [VGroup(self.input), self.hidden, VGroup(self.output)]

    def pulse(self, backward: bool = False, color: str | None = None,
              run_time: float = 1.6) -> Animation:
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


def fitted_network(weights: Any, width: float, height: float, *, spacing: float = SPACING,
                   radius: float = NEURON_RADIUS, radius_share: float = RADIUS_SHARE,
                   labels: bool = False) -> NetworkDiagram:
    """A `NetworkDiagram` of `weights`, `width` wide between its input's and output's
    centres, whose hidden column (neurons at their largest included) stays within
    `height`: hidden neurons at most `spacing` apart, each of radius at most `radius` and
    at most `radius_share` of the spacing, so that many neurons shrink rather than touch.
    `labels`: x at the input and y-hat at the output."""
    gaps = max(len(weights.W1) - 1, 1)
    gap = min(spacing, (height - 2 * radius) / gaps)
    return NetworkDiagram(weights, width=width, spread=gap * gaps,
                          radius=min(radius, radius_share * gap), labels=labels)
