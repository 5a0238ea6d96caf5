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
