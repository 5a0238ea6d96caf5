"""The verdicts the lecture's sentences depend on: one function per verdict.

A slide never says "the loss drops" over a loss that rises, and it never decides that
itself: the core classifies every outcome a sentence depends on (which way a
parameter moves, whether the loss falls, how a descent behaves, how well the network
fits) and the lesson carries the result, so `facts.json` records why each sentence
was chosen and a changed verdict re-renders the slides that read it. The scenes only
word the verdicts (scenes/wording.py, one sentence per value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from .activations import LineFit
from .descent import Descent
from .network import Network
from .neuron import WorkedStep
from .nudge import Nudge

__all__ = [
    "Trend", "Prediction", "Direction", "DescentRegime", "NudgeEffect", "FitQuality", "DeadUnits",
    "Verdicts", "loss_trend", "prediction", "direction", "descent_regime", "nudge_effect",
    "fit_quality", "dead_units", "judge", "GOOD_FIT", "SAME_AS_LINE",
]

Trend = Literal["falls", "rises", "stays"]
Prediction = Literal["too_low", "too_high", "on_target"]
Direction = Literal["increase", "decrease", "keep"]
DescentRegime = Literal["on_target", "flat", "diverges", "steady", "bounces", "converges"]
NudgeEffect = Literal["moves", "y_hat_still", "loss_still"]
FitQuality = Literal["fits", "rough", "line", "worse"]
DeadUnits = Literal["all_on", "some_off", "all_off"]

GOOD_FIT = 0.25  # at most a quarter of the line's error: the bend is plain to see
SAME_AS_LINE = 0.05  # within 5 % of the line's error: no better than a line


@dataclass(frozen=True)
class Verdicts:
    """Every classification a sentence depends on, in slide order."""

    network_trend: Trend  # slides 1, 8: the mean loss from before training to after it
    prediction: Prediction  # slide 3: the worked prediction against its target
    w_direction: Direction  # slides 4, 6: which way one update moves w
    b_direction: Direction  # slides 4, 6: which way one update moves b
    descent: DescentRegime  # slide 4: what the whole descent does
    nudge: NudgeEffect  # slide 5: what nudging w does to y_hat and the loss
    step_trend: Trend  # slide 6: the loss after one update, against the loss before it
    fit: FitQuality  # slides 7, 8: the trained network against the best straight line
    dead_units: DeadUnits  # slides 2, 8: the traced point's hidden units that ReLU switched off


def loss_trend(before: float, after: float) -> Trend:
    """Whether a loss going from `before` to `after` falls, rises or stays."""
    if after < before:
        return "falls"
    if after > before:
        return "rises"
    return "stays"


def prediction(error: float) -> Prediction:
    """The prediction against the target, from the error y - y_hat."""
    if error > 0:
        return "too_low"
    if error < 0:
        return "too_high"
    return "on_target"


def direction(gradient: float) -> Direction:
    """Which way gradient descent moves a parameter with this gradient."""
    if gradient < 0:
        return "increase"
    if gradient > 0:
        return "decrease"
    return "keep"


def descent_regime(w_can_move: bool, losses: Sequence[float],
                   errors: Sequence[float]) -> DescentRegime:
    """What gradient descent does on the worked neuron, from its trajectory.

    `w_can_move` is False when x is 0 (the descent's w_star is None); `losses` and
    `errors` (y - y_hat) are per step, the start first. 'on_target': nothing to descend;
    'flat': w cannot move; 'diverges': the loss ends higher; 'steady': it ends where it
    began; 'bounces': w jumps across the bottom while the loss falls; else 'converges'.
    """
    if losses[0] == 0:
        return "on_target"
    if not w_can_move:
        return "flat"
    if losses[-1] > losses[0]:
        return "diverges"
    if losses[-1] == losses[0]:
        return "steady"
    if any(e * errors[0] < 0 for e in errors[1:]):
        return "bounces"
    return "converges"


def nudge_effect(dy_hat: float, dloss_dyhat: float) -> NudgeEffect:
    """What a nudge of w does: y_hat cannot move (x = 0), the loss cannot (a zero upstream
    factor, on target), or both move."""
    if dy_hat == 0:
        return "y_hat_still"
    if dloss_dyhat == 0:
        return "loss_still"
    return "moves"


def fit_quality(final_loss: float, line_mse: float) -> FitQuality:
    """The network's mean loss against the best line's (the same measure): 'fits' within
    GOOD_FIT of it, 'line' within SAME_AS_LINE of the line's own, 'rough' between, 'worse'
    above. A perfect line (mse 0) leaves the network nothing to beat: 'worse'."""
    ratio = final_loss / line_mse if line_mse > 0 else float("inf")
    if ratio <= GOOD_FIT:
        return "fits"
    if ratio < 1 - SAME_AS_LINE:
        return "rough"
    if ratio <= 1 + SAME_AS_LINE:
        return "line"
    return "worse"


def dead_units(activations: Sequence[float]) -> DeadUnits:
    """How many hidden units ReLU switched off (activation 0) for one data point."""
    off = sum(1 for a in activations if a <= 0)
    if off == 0:
        return "all_on"
    if off == len(activations):
        return "all_off"
    return "some_off"


def judge(step: WorkedStep, descent: Descent, nudge: Nudge, network: Network,
          line_fit: LineFit) -> Verdicts:
    """The lesson's verdicts, each from the values its sentence is about."""
    return Verdicts(
        network_trend=loss_trend(network.initial_loss, network.final_loss),
        prediction=prediction(step.error),
        w_direction=direction(step.dloss_dw),
        b_direction=direction(step.dloss_db),
        descent=descent_regime(descent.w_star is not None, [s.loss for s in descent.steps],
                               [step.y - s.y_hat for s in descent.steps]),
        nudge=nudge_effect(nudge.dy_hat_predicted, nudge.dloss_dyhat),
        step_trend=loss_trend(step.loss, step.loss_next),
        fit=fit_quality(network.final_loss, line_fit.mse),
        dead_units=dead_units(network.trace.a1),
    )
