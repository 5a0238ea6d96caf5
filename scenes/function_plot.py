"""Plots of slides 7 and 8: axes over a window, curves and points from the core's samples.

Every curve is a polyline through the core's own samples (activation curves at their
zs, the network's fit at `fit_xs`, the loss history per epoch), never a formula
re-evaluated here. Whatever leaves the window is cut off at its edge: a line that
runs off the plot is drawn running off it, not flattened along the border.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import (LEFT, RIGHT, UP, Axes, Dot, MathTex, VGroup, VMobject)

from . import theme

__all__ = ["FunctionPlot", "padded", "clip_polyline", "curve_glyph", "unit_glyphs"]


def padded(values: Sequence[float], share: float = 0.15, floor: float = 1e-9) -> tuple[float, float]:
    """The range of `values` widened by `share` of its span on both sides."""
    low, high = float(min(values)), float(max(values))
    pad = max((high - low) * share, floor)
    return low - pad, high + pad


def _clip_segment(p: np.ndarray, q: np.ndarray, box: tuple[float, float, float, float]):
    """Liang-Barsky: the part of segment p-q inside box (x0, x1, y0, y1), or None."""
    x0, x1, y0, y1 = box
    d = q - p
    t0, t1 = 0.0, 1.0
    for step, low, high, start in ((d[0], x0, x1, p[0]), (d[1], y0, y1, p[1])):
        if abs(step) < 1e-15:
            if start < low or start > high:
                return None
            continue
        a, b = (low - start) / step, (high - start) / step
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if t0 > t1:
            return None
    return p + t0 * d, p + t1 * d


def clip_polyline(xs: Sequence[float], ys: Sequence[float],
                  box: tuple[float, float, float, float]) -> list[list[np.ndarray]]:
    """The runs of the polyline (xs, ys) that lie inside `box`, in data coordinates."""
    points = [np.array([x, y], dtype=float) for x, y in zip(xs, ys)]
    runs: list[list[np.ndarray]] = []
    current: list[np.ndarray] = []
    for p, q in zip(points, points[1:]):
        clipped = _clip_segment(p, q, box)
        if clipped is None:
            if current:
                runs.append(current)
            current = []
            continue
        a, b = clipped
        if current and np.allclose(current[-1], a):
            current.append(b)
        else:
            if current:
                runs.append(current)
            current = [a, b]
    if current:
        runs.append(current)
    return runs


class FunctionPlot(VGroup):
    """Plain axes (no tick numbers: the values that matter are labelled as lesson facts)
    over the window `x_range` x `y_range`, with helpers to draw the core's samples."""

    def __init__(self, x_range: tuple[float, float], y_range: tuple[float, float],
                 width: float = 5.0, height: float = 3.2, x_label: str | None = None,
                 y_label: str | None = None, x_color: str = theme.INPUT,
                 y_color: str = theme.TARGET, label_size: float = 30, y_label_above: bool = False) -> None:
        super().__init__()
        self.window = (float(x_range[0]), float(x_range[1]), float(y_range[0]), float(y_range[1]))
        self.axes = Axes(
            x_range=[x_range[0], x_range[1], x_range[1] - x_range[0]],
            y_range=[y_range[0], y_range[1], y_range[1] - y_range[0]],
            x_length=width, y_length=height, tips=False,
            axis_config={"color": theme.MUTED, "stroke_width": 2, "include_ticks": False},
        )
        self.add(self.axes)
        self.labels = VGroup()
        if x_label:
            self.x_label = MathTex(x_label, color=x_color, font_size=label_size)
            self.x_label.next_to(self.axes.x_axis.get_right(), RIGHT, buff=0.12)
            self.labels.add(self.x_label)
        if y_label:
            self.y_label = MathTex(y_label, color=y_color, font_size=label_size)
            self.y_label.next_to(self.axes.y_axis.get_top(), UP if y_label_above else LEFT, buff=0.12)
            self.labels.add(self.y_label)
        self.add(self.labels)

    def point(self, x: float, y: float) -> np.ndarray:
        return self.axes.c2p(x, y)

    def path(self, xs: Sequence[float], ys: Sequence[float], color: str = theme.PREDICTION,
             stroke_width: float = 4) -> VMobject:
        """The polyline through the samples, cut where it leaves the window."""
        path = VMobject(stroke_color=color, stroke_width=stroke_width)
        runs = clip_polyline(xs, ys, self.window)
        for run in runs:
            points = [self.point(x, y) for x, y in run]
            path.start_new_path(points[0])
            path.add_points_as_corners(points[1:])
        if not runs:  # nothing inside: an invisible point keeps the object animatable
            path.set_points_as_corners([self.point(xs[0], self.window[2])] * 2).set_stroke(opacity=0)
        return path

    def dots(self, xs: Sequence[float], ys: Sequence[float], color: str = theme.TARGET,
             radius: float = 0.07) -> VGroup:
        x0, x1, y0, y1 = self.window
        return VGroup(*(Dot(self.point(x, y), radius=radius, color=color)
                        for x, y in zip(xs, ys) if x0 <= x <= x1 and y0 <= y <= y1))


def curve_glyph(xs: Sequence[float], ys: Sequence[float], width: float, height: float,
                color: str = theme.ACTIVATION, stroke_width: float = 2.5) -> VMobject:
    """A small icon of a curve (e.g. ReLU's kink) fitted into width x height, centred at the origin."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    span_x, span_y = np.ptp(xs) or 1.0, np.ptp(ys) or 1.0
    points = [np.array([(x - xs.min()) / span_x - 0.5, (y - ys.min()) / span_y - 0.5, 0.0])
              * np.array([width, height, 1.0]) for x, y in zip(xs, ys)]
    return VMobject(stroke_color=color, stroke_width=stroke_width).set_points_as_corners(points)


def unit_glyphs(diagram, xs: Sequence[float], ys: Sequence[float], color: str = theme.ACTIVATION) -> VGroup:
    """The unit's activation drawn inside each hidden neuron of a NetworkDiagram."""
    size = 1.1 * diagram.radius
    return VGroup(*(curve_glyph(xs, ys, size, size, color).move_to(neuron) for neuron in diagram.hidden))
