"""Drawings of slides 3 and 4: the prediction on a number line, the squared error as a
square, and the helpers that keep tangents and steps inside a loss curve's `Plot`.

Geometry only: every number written next to these drawings comes from the slide
(`SlideScene.tex`), never from here.
"""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Arrow, DashedLine, Dot, Line, Mobject, Square, VGroup

from scenes.kit import theme
from scenes.kit.placement import fit_width, keep_in_content, shift_to_x

from .plot import Plot, clip_segment, nice_step

__all__ = ["PredictionLine", "place_labels_above", "ErrorSquare", "plot_box", "clipped_tangent",
           "StepArrow", "MIN_STEP_LENGTH", "tidy_axis_labels",
           "enlarge_ticks", "place_above_minimum", "place_clear_of_sweep"]

MIN_STEP_LENGTH = 0.3  # screen units: a step drawn shorter than this is enlarged and says so


class PredictionLine(VGroup):
    """A number line holding the prediction, the target and the prediction's mirror image
    across the target (a miss just as big on the other side).

    Built in place (at `center`): the dots and segments are separate mobjects the slide
    brings in one by one. The window is proportional to the error, so the error segment has
    the same length on screen for any error size; a zero error gets a window of one tick
    spacing each side.
    """

    def __init__(self, y_hat: float, y: float, length: float, center: np.ndarray) -> None:
        super().__init__()
        self.origin = np.array(center, dtype=float)
        error = y - y_hat
        self.mirror_value = y + error
        low, high = min(y_hat, self.mirror_value), max(y_hat, self.mirror_value)
        pad = 0.3 * abs(error) if error != 0 else max(1.0, abs(y) * 0.05)
        self.low, self.high = low - pad, high + pad
        self.length = length
        self.axis = Line(self.n2p(self.low), self.n2p(self.high), color=theme.MUTED, stroke_width=3)
        step = nice_step(self.high - self.low, 6)
        first = math.ceil(self.low / step)
        ticks = [k * step for k in range(first, math.floor(self.high / step) + 1)]
        self.ticks = VGroup(*(Line(self.n2p(v) + 0.08 * DOWN, self.n2p(v) + 0.08 * UP,
                                   color=theme.MUTED, stroke_width=2) for v in ticks))
        self.prediction = Dot(self.n2p(y_hat), radius=0.1, color=theme.PREDICTION)
        self.target = Dot(self.n2p(y), radius=0.1, color=theme.TARGET)
        self.mirror = Dot(self.n2p(self.mirror_value), radius=0.1, color=theme.PREDICTION,
                          fill_opacity=0.45)
        self.segment = Line(self.n2p(y_hat), self.n2p(y), color=theme.LOSS, stroke_width=7)
        self.mirror_segment = DashedLine(self.n2p(y), self.n2p(self.mirror_value),
                                         color=theme.LOSS, stroke_width=5, dash_length=0.12)
        self.add(self.axis, self.ticks)

    def n2p(self, value: float) -> np.ndarray:
        share = (value - self.low) / (self.high - self.low)
        return np.array([(share - 0.5) * self.length, 0.0, 0.0]) + self.origin


def place_labels_above(left: Mobject, right: Mobject, left_dot: Mobject, right_dot: Mobject,
                       gap: float = 0.15) -> None:
    """Labels above two dots, pushed apart sideways if they would collide."""
    left.next_to(left_dot, UP, buff=0.2)
    right.next_to(right_dot, UP, buff=0.2)
    if left.get_right()[0] + gap > right.get_left()[0]:
        middle = (left_dot.get_x() + right_dot.get_x()) / 2
        left.set_x(middle - gap / 2 - left.width / 2)
        right.set_x(middle + gap / 2 + right.width / 2)


def place_clear_of_sweep(label: Mobject, start: Line, end: Line, gap: float = 0.15) -> Mobject:
    """Move `label` sideways (only) out of the band a bar sweeps as it moves from `start`
    to `end` (each end in a straight line, as `put_start_and_end_on` moves it), to the
    nearer side that stays in the content band: no frame of the move crosses the label."""
    bottom, top = label.get_bottom()[1] - gap, label.get_top()[1] + gap
    reach = []
    for s in np.linspace(0, 1, 101):
        a = (1 - s) * start.get_start() + s * end.get_start()
        b = (1 - s) * start.get_end() + s * end.get_end()
        if min(a[1], b[1]) <= top and max(a[1], b[1]) >= bottom:
            reach += [a[0], b[0]]
    if not reach:
        return label
    low, high = min(reach) - gap, max(reach) + gap
    if label.get_right()[0] <= low or label.get_left()[0] >= high:
        return label
    right = high - label.get_left()[0]  # the shift that puts it right of the band
    left = low - label.get_right()[0]  # ... left of it (negative)
    fits = [d for d in (right, left) if theme.CONTENT_LEFT <= label.get_left()[0] + d
            and label.get_right()[0] + d <= theme.CONTENT_RIGHT]
    move = min(fits or (right, left), key=abs)
    return keep_in_content(shift_to_x(label, label.get_left()[0] + move))


class ErrorSquare(VGroup):
    """A square of side |error| drawn at a fixed size (the area is written inside it):
    errors of 0.01 and of 200 both need a square the class can see."""

    def __init__(self, side: float, area_label: Mobject) -> None:
        super().__init__()
        self.square = Square(side, color=theme.LOSS, stroke_width=4).set_fill(theme.LOSS, 0.3)
        fit_width(area_label, 0.8 * side).move_to(self.square)
        self.area_label = area_label
        self.add(self.square, area_label)


# ----- keeping drawings inside a loss curve's Plot ---------------------------------

def enlarge_ticks(plot: Plot, font_size: float = 24) -> Plot:
    """Tick labels at a size a class can read at 720p, re-placed beside their ticks."""
    for labels, direction in ((getattr(plot, "x_numbers", None), DOWN),
                              (getattr(plot, "y_numbers", None), LEFT)):
        for label in labels or ():
            reach = label.height if direction is DOWN else label.width
            anchor = label.get_center() - direction * reach / 2
            label.scale(font_size / label.font_size)
            reach = label.height if direction is DOWN else label.width
            label.move_to(anchor + direction * reach / 2)
    return plot


def tidy_axis_labels(plot: Plot) -> Plot:
    """The loss axis drawn at the left edge, where its tick labels are (Manim crosses the
    axes at 0 when the window holds 0), and the axis names at the axes' ends (the loss
    above its axis, the variable to the right of its axis), clear of every tick label."""
    left, _, _, top = plot_box(plot)
    axis = plot.axes.y_axis
    if abs(axis.get_x() - left) > 1e-3:
        plot.axes.add(axis.copy().shift((left - axis.get_x()) * RIGHT))
        axis.set_stroke(opacity=0)  # still the coordinate system, no longer drawn
    plot.y_label.next_to(np.array([left, top, 0.0]), UP, buff=0.15)
    plot.x_label.next_to(plot.axes.x_axis.get_right(), RIGHT, buff=0.2)
    return plot


def plot_box(plot: Plot) -> tuple[float, float, float, float]:
    """The axes' drawing area in screen coordinates: left, right, bottom, top."""
    x_min, x_max = plot.axes.x_range[:2]
    y_min, y_max = plot.axes.y_range[:2]
    (left, bottom, _), (right, top, _) = plot.axes.c2p(x_min, y_min), plot.axes.c2p(x_max, y_max)
    return left, right, bottom, top


def place_above_minimum(plot: Plot, label: Mobject, x: float, curve, gap: float = 0.12) -> Mobject:
    """`label` above the curve's lowest point at `x`, raised until it clears the curve
    over its whole width (a narrow valley would otherwise run through it)."""
    left, right, _, top = plot_box(plot)
    label.next_to(plot.point(x, 0), UP, buff=gap)
    label.set_x(min(max(label.get_x(), left + label.width / 2 + gap), right - label.width / 2))
    span = [plot.axes.p2c(np.array([edge, 0, 0]))[0]
            for edge in (label.get_left()[0] - gap, label.get_right()[0] + gap)]
    xs, ys = np.array(curve.xs), np.array(curve.ys)
    inside = ys[(xs >= span[0]) & (xs <= span[1])]
    highest = max([*np.interp(span, xs, ys), *inside])
    floor = plot.point(x, min(highest, plot.axes.y_range[1]))[1] + gap
    return label.shift(UP * max(0.0, floor - label.get_bottom()[1]))


TANGENT_WIDTH = 5  # stroke widths: a bit bolder than the curve's 4
TANGENT_HALO = 3  # background colour either side of the tangent


def clipped_tangent(plot: Plot, x: float, y: float, slope: float,
                    half_width: float = 1.3, color: str = theme.GRADIENT) -> Line:
    """The plot's tangent at (x, y), cut where it would leave the axes, with a halo.

    The tangent lies along the curve near its point, and the gradient's colour is close
    to the loss's in the light theme (orange-red on dark red): a band of background
    colour under the tangent cuts the curve where they meet, so the tangent reads as one
    line drawn on top of another, whatever the colours."""
    line = plot.tangent(x, y, slope, half_width=half_width, color=color)
    clipped = clip_segment(line.get_start(), line.get_end(), plot_box(plot))
    if clipped is None:  # cannot happen for a point on the plot; keep a dot-sized line
        clipped = (plot.point(x, y), plot.point(x, y) + 1e-3 * UP)
    tangent = Line(*clipped, color=color, stroke_width=TANGENT_WIDTH)
    return tangent.set_stroke(theme.BACKGROUND, width=TANGENT_WIDTH + 2 * TANGENT_HALO,
                              background=True)


class StepArrow(VGroup):
    """The update of w as an arrow at the height of the current point.

    True to scale when it fits: a step shorter than MIN_STEP_LENGTH is drawn at that
    length with `enlarged` set (the slide says so), and a step that leaves the axes is
    cut at their edge with `clipped` set.
    """

    def __init__(self, plot: Plot, w_from: float, w_to: float, height: float,
                 color: str = theme.LEARNING_RATE) -> None:
        super().__init__()
        left, right, _, _ = plot_box(plot)
        start = plot.point(w_from, height)
        end = plot.point(w_to, height)
        self.direction = float(np.sign(end[0] - start[0]))
        self.enlarged = 0 < abs(end[0] - start[0]) < MIN_STEP_LENGTH
        if self.enlarged:
            end = start + np.array([self.direction * MIN_STEP_LENGTH, 0, 0])
        self.clipped = not left - 1e-6 <= end[0] <= right + 1e-6
        end[0] = min(max(end[0], left), right)
        self.arrow = Arrow(start, end, buff=0, color=color, stroke_width=6,
                           max_tip_length_to_length_ratio=0.35, max_stroke_width_to_length_ratio=20)
        self.add(self.arrow)
