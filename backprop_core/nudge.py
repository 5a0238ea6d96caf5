"""The chain-rule slide's sensitivity check: nudge w a little, predict, then recompute.

The chain rule predicts, to first order, how far a small nudge `dw` of the weight
moves the prediction and the loss: `dy_hat ~ (dy_hat/dw) dw` and
`dloss ~ (dloss/dy_hat) dy_hat`. Recomputing the forward pass with `w + dw` gives
the actual changes; their gap to the prediction is the curvature term `dy_hat**2`,
small because the nudge is small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .neuron import dloss_dyhat, error, forward, squared_error

__all__ = ["Nudge", "nudge_size", "nudge"]

# The nudge moves the prediction by about this share of its distance to the target,
# so the first-order prediction is within a few percent of the actual change.
TARGET_SHARE = 0.05
SMALLEST, LARGEST = 1e-4, 10.0


@dataclass(frozen=True)
class Nudge:
    dw: float  # the nudge given to w: a power of ten, so it reads as typed
    dyhat_dw: float  # local factor: x
    dloss_dyhat: float  # upstream factor: -2 (y - y_hat)
    dy_hat_predicted: float  # dyhat_dw * dw
    dloss_predicted: float  # dloss_dyhat * dy_hat_predicted (first order)
    w_nudged: float  # w + dw
    y_hat_nudged: float  # the forward pass recomputed with w + dw
    loss_nudged: float
    dy_hat_actual: float  # y_hat_nudged - y_hat
    dloss_actual: float  # loss_nudged - loss


def nudge_size(x: float, w: float, b: float, y: float) -> float:
    """A power of ten that moves y_hat by about 5% of its error (or of |y| on target).

    With x == 0 the weight cannot move the prediction; the nudge is then sized to w.
    """
    if x == 0:
        wanted = TARGET_SHARE * max(abs(w), 1.0)
    else:
        gap = abs(error(y, forward(x, w, b)))
        wanted = TARGET_SHARE * (gap if gap > 0 else max(abs(y), 1.0)) / abs(x)
    if not wanted < LARGEST:  # also an x so small that the quotient overflows
        return LARGEST
    if wanted <= SMALLEST:
        return SMALLEST
    return min(max(10.0 ** round(math.log10(wanted)), SMALLEST), LARGEST)


def nudge(x: float, w: float, b: float, y: float) -> Nudge:
    dw = nudge_size(x, w, b, y)
    y_hat = forward(x, w, b)
    upstream = dloss_dyhat(y, y_hat)
    dy_hat_predicted = x * dw + 0.0
    w_nudged = w + dw
    y_hat_nudged = forward(x, w_nudged, b)
    loss, loss_nudged = squared_error(y, y_hat), squared_error(y, y_hat_nudged)
    return Nudge(
        dw=dw,
        dyhat_dw=x,
        dloss_dyhat=upstream,
        dy_hat_predicted=dy_hat_predicted,
        dloss_predicted=upstream * dy_hat_predicted + 0.0,
        w_nudged=w_nudged,
        y_hat_nudged=y_hat_nudged,
        loss_nudged=loss_nudged,
        dy_hat_actual=y_hat_nudged - y_hat + 0.0,
        dloss_actual=loss_nudged - loss + 0.0,
    )
