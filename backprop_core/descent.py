"""Gradient descent on the worked neuron: the trajectory and the loss curves it moves on."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from .neuron import dloss_dyhat, error_factor, forward, squared_error, update
from .params import ParamError

__all__ = ["DescentStep", "Curve", "Descent", "descend", "loss_curve_over_w",
           "loss_curve_over_yhat",
           "minimising_w"]

CURVE_SAMPLES = 121


@dataclass(frozen=True)
class DescentStep:
    index: int  # 0 is the starting point
    w: float
    b: float
    y_hat: float
    loss: float
    dloss_dw: float
    dloss_db: float


@dataclass(frozen=True)
class Curve:
    """Samples of a function, for plotting; the window is chosen by the core, not the slide."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    x_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Descent:
    steps: tuple[DescentStep, ...]  # steps[0] is the start, then one entry per update
    visible_steps: int  # how many entries of `steps` fit the loss curve over w
    w_star: float | None  # the w minimising the loss at the starting b (None if x == 0)
    curves_w: tuple[Curve, ...]  # loss over w with b held at steps[k].b, one per visible step
    curve_y_hat: Curve  # loss over y_hat: holds y, y_hat and (unless far off) the next y_hat

    @property
    def curve_w(self) -> Curve:
        """The loss over w with b held at its starting value."""
        return self.curves_w[0]


def _step(x: float, y: float, w: float, b: float, index: int) -> DescentStep:
    y_hat = forward(x, w, b)
    upstream = dloss_dyhat(y, y_hat)
    return DescentStep(index, w, b, y_hat, squared_error(y, y_hat), upstream * x + 0.0,
                       upstream + 0.0)


VISIBLE_GAP = 6.0  # steps of a diverging run further than this from the minimum leave the chart


def _samples(f, x_min: float, x_max: float) -> Curve:
    xs = np.linspace(x_min, x_max, CURVE_SAMPLES)
    ys = np.array([f(v) for v in xs])
    return Curve(tuple(map(float, xs)), tuple(map(float, ys)), float(x_min), float(x_max),
                 float(ys.max()))


def _window(anchors: list[float], stretch: float) -> tuple[float, float]:
    low, high = min(anchors), max(anchors)
    half = max((high - low) / 2 * stretch, 0.5)
    centre = (low + high) / 2
    return centre - half, centre + half


def minimising_w(x: float, y: float, b: float) -> float | None:
    """The w that makes w x + b hit y (None when x == 0: w cannot change the output).

    Also None when x is so close to 0 that this w lies beyond 1e300: no plot window can
    hold it (its arithmetic would overflow), and for the lesson w cannot change the output.
    """
    if x == 0 or abs(y - b) > 1e300 * abs(x):
        return None
    return (y - b) / x


def loss_curve_over_w(x: float, y: float, b: float, window: tuple[float, float]) -> Curve:
    """The parabola (y - (w x + b))^2 over w, with b held fixed."""
    return _samples(lambda w: squared_error(y, forward(x, w, b)), *window)


def loss_curve_over_yhat(y: float, y_hats: list[float]) -> Curve:
    """The parabola (y - y_hat)^2 over a window holding the target and `y_hats`."""
    return _samples(lambda y_hat: squared_error(y, y_hat), *_window([y, *y_hats], 1.35))


def descend(x: float, y: float, w: float, b: float, lr: float, steps: int) -> Descent:
    trajectory = [_step(x, y, w, b, 0)]
    for index in range(1, steps + 1):
        last = trajectory[-1]
        try:
            step = _step(x, y, update(last.w, lr, last.dloss_dw), update(last.b, lr, last.dloss_db),
                         index)
        except OverflowError:  # the loss no longer fits in a float
            step = None
        if step is None or not all(map(math.isfinite, dataclasses.astuple(step))):
            # The loss rising is a lesson, a loss beyond any float is not one a slide can show.
            raise ParamError(
                f"parameter 'lr' got {lr:g}: with x = {x:g} each step multiplies the error by "
                f"{error_factor(x, lr):.3g}, and the loss overflows at step {index} of "
                f"{steps}; allowed here: fewer steps, or lr below {1 / (x * x + 1):.4g} for a "
                f"loss that falls."
            )
        trajectory.append(step)
    # A diverging run grows geometrically; the plot shows the steps that stay within
    # VISIBLE_GAP times the starting distance from the minimum, and the slide says the
    # rest. Wide enough that an overshooting run lands on both walls a few times (the
    # window zooms out to hold them), so the bounce the narration speaks of is seen.
    w_star = minimising_w(x, y, b)
    start_gap = abs(w - w_star) if w_star is not None else 0.0
    visible = 1
    for step in trajectory[1:]:
        if w_star is not None and abs(step.w - w_star) > VISIBLE_GAP * start_gap + 1e-12:
            break
        visible += 1
    shown = trajectory[:visible]
    # Gradient descent moves b as well, so the slice of the loss over w shifts a little
    # each step; one curve per shown step keeps every dot exactly on its curve.
    anchors = [s.w for s in shown]
    anchors += [m for s in shown if (m := minimising_w(x, y, s.b)) is not None]
    window = _window(anchors, 1.25)
    curves = [loss_curve_over_w(x, y, s.b, window) for s in shown]
    y_max = max(c.y_max for c in curves)
    curves = [dataclasses.replace(c, y_max=y_max) for c in curves]
    worked = trajectory[1]
    # The curve over y_hat holds the next prediction too, unless the step overshoots so
    # far that the parabola would shrink the starting mistake to nothing.
    y_hats = [trajectory[0].y_hat]
    if abs(worked.y_hat - y) <= 3 * abs(trajectory[0].y_hat - y):
        y_hats.append(worked.y_hat)
    return Descent(
        steps=tuple(trajectory),
        visible_steps=visible,
        w_star=w_star,
        curves_w=tuple(curves),
        curve_y_hat=loss_curve_over_yhat(y, y_hats),
    )
