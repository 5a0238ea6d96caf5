"""Plots: axes over a window, with curves and points from the core's samples.

One `Plot` serves every slide: plain axes over a window (slides 7, 8), or, made by
`curve_plot` from a core `Curve`, axes with ticks and their numbers and the curve on
them (slides 3, 4).

Every curve is a polyline through the core's own samples (activation curves at their
zs, the network's fit at `fit_xs`, the loss history per epoch), never a formula
re-evaluated here. Whatever leaves the window is cut off at its edge: a line that
runs off the plot is drawn running off it, not flattened along the border.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, Dot, Line, MathTex, Mobject, VGroup, VMobject

from backprop_core.formatting import format_number, localize
from scenes.kit import theme
from scenes.kit.runtime import current_numbers

__all__ = ["Plot", "curve_plot", "nice_step", "mark_axis_tick", "padded", "clip_segment",
           "clip_polyline", "curve_glyph", "unit_glyphs"]


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


class Plot(VGroup):
    """Axes over the window `x_range` x `y_range`, with helpers that draw the core's samples.

    Plain by default: no ticks, the values that matter are labelled as lesson facts by
    the slide. `ticks=(x_step, y_step)` puts ticks at the multiples of the steps and,
    with `tick_numbers`, their numbers (`x_numbers`, `y_numbers`)."""

    def __init__(self, x_range: tuple[float, float], y_range: tuple[float, float],
                 width: float = 5.0, height: float = 3.2, x_label: str | None = None,
                 y_label: str | None = None, x_color: str = theme.INPUT,
                 y_color: str = theme.TARGET, label_size: float = 30, y_label_above: bool = False,
                 ticks: tuple[float, float] | None = None, tick_numbers: bool = True) -> None:
        super().__init__()
        self.window = (float(x_range[0]), float(x_range[1]), float(y_range[0]), float(y_range[1]))
        # Without ticks one step spans the window, so Manim draws no tick inside it.
        x_step, y_step = ticks or (x_range[1] - x_range[0], y_range[1] - y_range[0])
        axis_config = {"color": theme.MUTED, "stroke_width": 2, "include_ticks": ticks is not None}
        if ticks is not None:
            axis_config["tick_size"] = 0.05
        self.axes = Axes(x_range=[x_range[0], x_range[1], x_step],
                         y_range=[y_range[0], y_range[1], y_step],
                         x_length=width, y_length=height, tips=False, axis_config=axis_config)
        if ticks is not None:
            self._x_ticks_at_multiples(x_range[0], x_range[1], x_step)
        self.add(self.axes)
        if ticks is not None and tick_numbers:
            self.x_numbers = self._tick_labels(x_range[0], x_range[1], x_step, horizontal=True)
            self.y_numbers = self._tick_labels(y_step, y_range[1], y_step, horizontal=False)
            self.add(self.x_numbers, self.y_numbers)
        self.labels = VGroup()
        if x_label:
            self.x_label = MathTex(x_label, color=x_color, font_size=label_size)
            self.x_label.next_to(self.axes.x_axis.get_right(), RIGHT, buff=0.12)
            self.labels.add(self.x_label)
        if y_label:
            self.y_label = MathTex(y_label, color=y_color, font_size=label_size)
            self.y_label.next_to(self.axes.y_axis.get_top(), UP if y_label_above else LEFT,
                                 buff=0.12)
            self.labels.add(self.y_label)
        self.add(self.labels)

    def _x_ticks_at_multiples(self, x_min: float, x_max: float, step: float) -> None:
        """Manim puts the ticks of a range that misses 0 at x_min + k*step; put them at the
        multiples of the step, where `_tick_labels` writes the numbers."""
        x_axis = self.axes.x_axis
        x_axis.remove(x_axis.ticks)
        first = math.ceil(x_min / step - 1e-9)
        last = math.floor(x_max / step + 1e-9)
        x_axis.ticks = VGroup(*(x_axis.get_tick(k * step) for k in range(first, last + 1)))
        x_axis.add(x_axis.ticks)

    def _tick_labels(self, low: float, high: float, step: float, horizontal: bool) -> VGroup:
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
            label = MathTex(localize(format_number(value, decimals), current_numbers()).tex,
                            font_size=18, color=theme.MUTED)
            if horizontal:
                label.next_to(self.axes.c2p(value, 0), DOWN, buff=0.12)
            else:
                label.next_to(self.axes.c2p(self.axes.x_range[0], value), LEFT, buff=0.12)
            labels.add(mark_axis_tick(label))
            value += step
        return labels

    # ----- drawing the core's samples ------------------------------------------------

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
            path.set_points_as_corners([self.point(xs[0], self.window[2])] * 2)
            path.set_stroke(opacity=0)
        return path

    def curve_from(self, curve: Any, color: str = theme.LOSS) -> VMobject:
        """A smooth curve through a core curve's samples, clipped to the axes' height."""
        top = self.axes.y_range[1]
        points = [self.axes.c2p(x, min(y, top)) for x, y in zip(curve.xs, curve.ys, strict=True)]
        return VMobject(color=color, stroke_width=4).set_points_smoothly(points)

    def dot(self, x: float, y: float, color: str = theme.PREDICTION, radius: float = 0.09) -> Dot:
        return Dot(self.point(x, y), radius=radius, color=color)

    def dots(self, xs: Sequence[float], ys: Sequence[float], color: str = theme.TARGET,
             radius: float = 0.07) -> VGroup:
        """A dot per sample inside the window."""
        x0, x1, y0, y1 = self.window
        return VGroup(*(Dot(self.point(x, y), radius=radius, color=color)
                        for x, y in zip(xs, ys, strict=True) if x0 <= x <= x1 and y0 <= y <= y1))

    def tangent(self, x: float, y: float, slope: float, half_width: float = 1.2,
                color: str = theme.GRADIENT) -> Line:
        """The tangent at (x, y), drawn `half_width` screen units either side, in screen slope."""
        (sx, sy, _), (ox, oy, _) = self.axes.c2p(1, 1) - self.axes.c2p(0, 0), self.axes.c2p(x, y)
        screen_slope = slope * sy / sx
        dx = half_width / math.sqrt(1 + screen_slope**2)
        start = np.array([ox - dx, oy - dx * screen_slope, 0])
        end = np.array([ox + dx, oy + dx * screen_slope, 0])
        return Line(start, end, color=color, stroke_width=4)


def curve_plot(curve: Any, x_label: str, y_label: str = r"\mathrm{loss}", width: float = 6.0,
               height: float = 3.6, color: str = theme.LOSS, x_color: str = theme.PARAM,
               y_max: float | None = None, tick_numbers: bool = True) -> Plot:
    """A `Plot` sized to a core `Curve` (xs, ys, window): ticks with numbers, the loss axis
    from 0, axis names, and the curve drawn from its samples as `plot.graph`."""
    top = y_max if y_max is not None else curve.y_max
    top = top if top > 0 else 1.0
    plot = Plot((curve.x_min, curve.x_max), (0, top * 1.08), width, height,
                ticks=(nice_step(curve.x_max - curve.x_min), nice_step(top)),
                tick_numbers=tick_numbers)
    plot.x_label = MathTex(x_label, color=x_color, font_size=32)
    plot.x_label.next_to(plot.axes.x_axis.get_right(), DOWN, buff=0.3)
    plot.y_label = MathTex(y_label, color=color, font_size=32)
    plot.y_label.next_to(plot.axes.y_axis.get_top(), LEFT, buff=0.15)
    plot.labels.add(plot.x_label, plot.y_label)
    plot.graph = plot.curve_from(curve, color)
    plot.add(plot.graph)
    return plot


def padded(values: Sequence[float], share: float = 0.15,
           floor: float = 1e-9) -> tuple[float, float]:
    """The range of `values` widened by `share` of its span on both sides."""
    low, high = float(min(values)), float(max(values))
    pad = max((high - low) * share, floor)
    return low - pad, high + pad


def clip_segment(p: np.ndarray, q: np.ndarray,
                 box: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the segment p-q inside `box` (x0, x1, y0, y1), or None (Liang-Barsky).

    Works in any coordinates: data coordinates for a polyline, screen ones for a tangent."""
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
    points = [np.array([x, y], dtype=float) for x, y in zip(xs, ys, strict=True)]
    runs: list[list[np.ndarray]] = []
    current: list[np.ndarray] = []
    for p, q in zip(points, points[1:], strict=False):
        clipped = clip_segment(p, q, box)
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


def curve_glyph(xs: Sequence[float], ys: Sequence[float], width: float, height: float,
                color: str = theme.ACTIVATION, stroke_width: float = 2.5) -> VMobject:
    """A small icon of a curve (e.g. ReLU's kink) in width x height, centred at the origin."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    span_x, span_y = np.ptp(xs) or 1.0, np.ptp(ys) or 1.0
    points = [np.array([(x - xs.min()) / span_x - 0.5, (y - ys.min()) / span_y - 0.5, 0.0])
              * np.array([width, height, 1.0]) for x, y in zip(xs, ys, strict=True)]
    return VMobject(stroke_color=color, stroke_width=stroke_width).set_points_as_corners(points)


def unit_glyphs(diagram: Any, xs: Sequence[float], ys: Sequence[float],
                color: str = theme.ACTIVATION) -> VGroup:
    """The unit's activation drawn inside each hidden neuron of a NetworkDiagram."""
    size = 1.1 * diagram.radius
    return VGroup(*(curve_glyph(xs, ys, size, size, color).move_to(neuron)
                    for neuron in diagram.hidden))
