"""Sentences whose words depend on a sign or a size, chosen from the values.

A slide never says "the loss drops" over a loss that rises. Each function returns a
sentence template with `@name` placeholders for the numbers (filled by
`SlideScene.say` / `text`, so the numbers are recorded facts too). With the default
parameters the sentences are the outline's.
"""

from __future__ import annotations

__all__ = ["gradient_rule", "update_direction", "loss_change", "loss_change_short", "direction_word"]


def direction_word(gradient: float) -> str:
    """Which way gradient descent moves a parameter with this gradient."""
    if gradient < 0:
        return "increase"
    if gradient > 0:
        return "decrease"
    return "keep"


def gradient_rule(gradient: float) -> str:
    """The outline's sign sentence, for the sign at hand."""
    if gradient < 0:
        return "Negative gradient = loss drops when we increase the parameter \u2192 so we increase it."
    if gradient > 0:
        return "Positive gradient = loss drops when we decrease the parameter \u2192 so we decrease it."
    return "Zero gradient = nudging the parameter does not change the loss \u2192 so we leave it."


def update_direction(name: str, gradient: float) -> str:
    """e.g. 'The gradient for w is @g: negative, so the update increases w.' (caller binds @g)."""
    if gradient < 0:
        return f"The gradient for {name} is @g: negative, so the update increases {name}."
    if gradient > 0:
        return f"The gradient for {name} is @g: positive, so the update decreases {name}."
    return f"The gradient for {name} is zero, so the update leaves {name} where it is."


def loss_change(drop: float) -> str:
    """The outline's savings line for `drop` = loss - loss_next; the caller binds
    `@new`, `@old` and `@drop`. A rise names no amount: the lesson holds the drop, and
    "saved −0.3" would be a sign puzzle on screen."""
    if drop > 0:
        return "New loss = @new \u2193 (was @old) \u2014 saved @drop in one step!"
    if drop < 0:
        return "New loss = @new \u2191 (was @old) \u2014 the step overshot: the loss rose."
    return "New loss = @new (was @old) \u2014 the step did not change the loss."


def loss_change_short(drop: float) -> str:
    if drop > 0:
        return "falls"
    if drop < 0:
        return "rises"
    return "stays the same"


# ----- slide 3: the loss of one prediction -------------------------------------------

def error_gap(error: float) -> str:
    """The signed error y - y_hat in words; the caller binds `@e`."""
    if error > 0:
        return "The error y \u2212 \u0177 = @e is the gap between them: the prediction is too low."
    if error < 0:
        return "The error y \u2212 \u0177 = @e is the gap between them: the prediction is too high."
    return "The error y \u2212 \u0177 = @e: the prediction sits exactly on the target."


def squaring(error: float) -> str:
    """How the error becomes the loss; the caller binds `@e` and `@loss`."""
    if error == 0:
        return "With no gap there is nothing to square: the loss is @loss."
    return "Squaring the error, @e times @e, gives a square whose area, @loss, is our loss."


# ----- slide 4: gradient descent on the loss over w ----------------------------------

def descent_regime(w_can_move: bool, losses: list[float], errors: list[float]) -> str:
    """What gradient descent does on the worked neuron, from its trajectory.

    `w_can_move` is False when x is 0 (the core's w_star is None); `losses` and
    `errors` (y - y_hat) are per step, the start first. One of: 'on_target' (nothing
    to descend), 'flat' (w cannot move), 'diverges' (the loss rises), 'steady' (it
    neither rises nor falls), 'bounces' (w jumps across the bottom while the loss
    falls) and 'converges'.
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


def slope_meaning(gradient: float, regime: str) -> str:
    """The tangent's slope read aloud; the caller binds `@g` (and `@x` when flat)."""
    if gradient < 0:
        return "The tangent's slope is \u2202loss/\u2202w = @g: negative, so the loss goes down as w goes up."
    if gradient > 0:
        return "The tangent's slope is \u2202loss/\u2202w = @g: positive, so the loss goes down as w goes down."
    if regime == "flat":
        return ("The slope \u2202loss/\u2202w is @g: with x = @x the curve is flat, "
                "because w has no effect on the prediction.")
    return "The slope \u2202loss/\u2202w is @g: we are already at the bottom, so there is nothing to descend."


def step_meaning(gradient: float) -> str:
    """One update of w; the caller binds `@lr`, `@g`, `@w` and `@w1`."""
    if gradient < 0:
        return "We step by minus lr times the slope, \u2212(@lr)(@g), which increases w from @w to @w1."
    if gradient > 0:
        return "We step by minus lr times the slope, \u2212(@lr)(@g), which decreases w from @w to @w1."
    return "The step, minus lr times a zero slope, is zero: w stays at @w."


def descent_outcome(regime: str) -> str:
    """The whole run; the caller binds `@n` (steps), `@lr`, `@w`, `@first`, `@second`, `@last`."""
    return {
        "on_target": "Over @n steps nothing moves: w stays at @w and the loss stays at @first.",
        "flat": "Over @n steps w never moves; only the bias learns, and the loss goes from @first to @last.",
        "diverges": ("With lr = @lr every step overshoots the bottom: the loss rises from @first to "
                     "@second, and after @n steps it has exploded to @last."),
        "steady": "Over @n steps w bounces between the two walls and the loss stays at @first.",
        "bounces": ("Repeating the step @n times, w jumps back and forth across the bottom, "
                    "yet the loss falls from @first to @last."),
        "converges": "Repeating the step @n times walks w down the curve: the loss falls from @first to @last.",
    }[regime]


def descent_reason(regime: str) -> str:
    """Why the run went that way; the caller binds `@lr`, `@x`, `@g0` and `@g`."""
    return {
        "on_target": "Gradient descent only moves when there is a slope to follow, and a perfect prediction has none.",
        "flat": "With x = @x the gradient \u2202loss/\u2202w is x times \u2202loss/\u2202\u0177, always zero, so the weight cannot learn from this example.",
        "diverges": ("The learning rate @lr is too large: each step lands higher on the other wall, where the "
                     "slope is steeper, so the next step is bigger still."),
        "steady": "With lr = @lr each step lands exactly as high on the other wall, so the loss never changes.",
        "bounces": ("The learning rate @lr is large enough to overshoot, but each landing is lower "
                    "than the last, so the slope shrinks from @g0 to @g."),
        "converges": "The steps shrink because the slope flattens toward the bottom, from @g0 to @g.",
    }[regime]


__all__ += ["error_gap", "squaring", "descent_regime", "slope_meaning", "step_meaning",
            "descent_outcome", "descent_reason"]


def prediction_vs_target(error: float) -> str:
    """The opening of the loss slide; the caller binds `@yh` and `@y`."""
    if error == 0:
        return "Our neuron predicted \u0177 = @yh, and the target is y = @y."
    return "Our neuron predicted \u0177 = @yh, but the target is y = @y."


__all__ += ["prediction_vs_target"]


def sign_reason(error: float) -> str:
    """Why squaring helps with the sign; the caller binds `@loss`."""
    if error == 0:
        return "Squaring drops the sign: a miss above the target costs the same as an equal miss below it."
    return ("Squaring drops the sign: a prediction just as far on the other side of the target "
            "would cost the same @loss.")


__all__ += ["sign_reason"]


# ----- slides 5 and 6: the chain rule and the backward pass ---------------------------

def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def parameter_rules(grad_w: float, grad_b: float) -> list[tuple[str, str]]:
    """The sign sentence for the two parameters, as (template, parameter) pairs.

    When both gradients share a sign it is the outline's one sentence (parameter "");
    otherwise one `update_direction` sentence per parameter, whose `@g` the caller
    binds to that parameter's gradient."""
    if _sign(grad_w) == _sign(grad_b):
        return [(gradient_rule(grad_w), "")]
    return [(update_direction("w", grad_w), "w"), (update_direction("b", grad_b), "b")]


def loss_change_spoken(drop: float) -> str:
    """Slide 6's last sentence; the caller binds `@new`, `@old` and `@drop`."""
    if drop > 0:
        return ("A forward pass with the new parameters gives a loss of @new, down from @old: "
                "we saved @drop in one step!")
    if drop < 0:
        return ("A forward pass with the new parameters gives a loss of @new, up from @old: "
                "the step was too large and overshot.")
    return "A forward pass with the new parameters gives a loss of @new, the same as before."


def nudge_move(dy_hat: float) -> str:
    """Slide 5's nudge of w; the caller binds `@dw`, `@x` and `@dyh`."""
    if dy_hat == 0:
        return "Nudge w by @dw: with x = @x, y-hat does not move at all."
    return "Nudge w by @dw: y-hat moves by @x times @dw, that is @dyh."


def nudge_loss(dy_hat: float, upstream: float) -> str:
    """How the loss follows the nudge; the caller binds `@up`, `@dyh`, `@dlp` and `@dla`."""
    if dy_hat == 0:
        return "So the loss cannot move either: predicted @dlp, and recomputing gives @dla."
    if upstream == 0:
        return "The upstream factor is @up, so the chain rule predicts no change; recomputing gives @dla."
    return "The loss moves by about @up times @dyh, that is @dlp; recomputing gives @dla."


__all__ += ["parameter_rules", "loss_change_spoken", "nudge_move", "nudge_loss"]
