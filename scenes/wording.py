"""The sentences that depend on how the lesson turned out, one per verdict, in slide order.

A slide never says "the loss drops" over a loss that rises, and it never decides which:
the core judges every outcome (`lesson.verdicts`, backprop_core/verdicts.py) and a slide
looks its sentence up here by that verdict. Templates carry `@name` placeholders for
the numbers, which the slide binds to lesson paths (`SlideScene.say` / `text`), so the
numbers are recorded facts too. With the default parameters the sentences are the
outline's. Written with the characters they show.

Each sentence is a catalog entry (lecture/i18n.py) whose context names its table and
verdict, `verdict.descent-outcome.diverges`, so a translation, or the lecturer's own
English, replaces it whole: every sentence is written out in full, never put together
from pieces (another language orders them otherwise). A sentence that counts epochs or
rounds has a plural form, chosen by the count the slide passes.
"""

from __future__ import annotations

from typing import Mapping

from backprop_core.verdicts import (
    DeadUnits,
    DescentRegime,
    Direction,
    FitQuality,
    NudgeEffect,
    Prediction,
    Trend,
)
from lecture.i18n import N_, Message

__all__ = [
    "verdicts", "ADJUST", "RELU",
    "PREDICTION_VS_TARGET", "ERROR_GAP", "SQUARING", "SIGN_REASON", "PARABOLA",
    "slope_meaning", "STEP_MEANING", "B_DURING_DESCENT", "STEP_COUNTER", "OFF_CHART",
    "SLOPE_AT_STEP", "DESCENT_OUTCOME", "DESCENT_REASON",
    "NUDGE_MOVE", "NUDGE_LOSS",
    "GRADIENT_RULE", "UPDATE_DIRECTION", "update_direction", "parameter_rules",
    "LOSS_CHANGE_SPOKEN", "LOSS_CHANGE",
    "FIT_SENTENCE", "fit_sentence", "FIT_CAPTION", "fit_caption",
    "DEAD_UNITS", "TRAINING", "TRAINING_FIT", "training_fit_sentence", "CLOSING",
    "closing_sentence",
]


def verdicts(table: str, sentences: Mapping[str, str | tuple[str, str]]) -> dict[str, Message]:
    """A table of catalog entries, one per verdict, in context `verdict.TABLE.VERDICT`; a
    (singular, plural) pair is a sentence with a plural form. (lecture/catalogs.py finds
    the tables by this call.)"""
    def message(verdict: str, text: str | tuple[str, str]) -> Message:
        one, other = (text, None) if isinstance(text, str) else text
        return Message(one, f"verdict.{table}.{verdict}", other)

    return {verdict: message(verdict, text) for verdict, text in sentences.items()}


# ----- slide 1: the four steps of learning --------------------------------------------
# The fourth step; binds @n (rounds: the network's epochs), @before and @after.

ADJUST: dict[Trend, Message] = verdicts("adjust", {
    "falls": ("Fourth, adjust: each weight steps against its gradient; after @n round the "
              "average loss falls from @before to @after.",
              "Fourth, adjust: each weight steps against its gradient; after @n rounds the "
              "average loss falls from @before to @after."),
    "rises": ("Fourth, adjust: each weight steps against its gradient; after @n round the "
              "average loss rises from @before to @after.",
              "Fourth, adjust: each weight steps against its gradient; after @n rounds the "
              "average loss rises from @before to @after."),
    "stays": ("Fourth, adjust: each weight steps against its gradient; after @n round the "
              "average loss stays at @before.",
              "Fourth, adjust: each weight steps against its gradient; after @n rounds the "
              "average loss stays at @before."),
})


# ----- slide 2: forward propagation ----------------------------------------------------
# The ReLU of the hidden neuron shown, the first one ReLU lets through: it is off only
# when every unit is. Binds @a.

RELU: dict[DeadUnits, Message] = verdicts("relu", {
    "all_on": "Then a ReLU keeps this positive value, @a; activation functions come later.",
    "some_off": "Then a ReLU keeps this positive value, @a; activation functions come later.",
    "all_off": "Then a ReLU turns this value into @a, so the neuron stays off; activation "
               "functions come later.",
})


# ----- slide 3: the loss of one prediction --------------------------------------------

# The opening; binds @yh and @y.
PREDICTION_VS_TARGET: dict[Prediction, Message] = verdicts("prediction-vs-target", {
    "too_low": "Our neuron predicted ŷ = @yh, but the target is y = @y.",
    "too_high": "Our neuron predicted ŷ = @yh, but the target is y = @y.",
    "on_target": "Our neuron predicted ŷ = @yh, and the target is y = @y.",
})

# The signed error y − ŷ in words; binds @e.
ERROR_GAP: dict[Prediction, Message] = verdicts("error-gap", {
    "too_low": "The error y − ŷ = @e is the gap between them: the prediction is too low.",
    "too_high": "The error y − ŷ = @e is the gap between them: the prediction is too high.",
    "on_target": "The error y − ŷ = @e: the prediction sits exactly on the target.",
})

_SQUARE = "Squaring the error, @e times @e, gives a square whose area, @loss, is our loss."
# How the error becomes the loss; binds @e and @loss.
SQUARING: dict[Prediction, Message] = verdicts("squaring", {
    "too_low": _SQUARE,
    "too_high": _SQUARE,
    "on_target": "With no gap there is nothing to square: the loss is @loss.",
})

_MIRROR = ("Squaring drops the sign: a prediction just as far on the other side of the target "
           "would cost the same @loss.")
# Why squaring helps with the sign; binds @loss.
SIGN_REASON: dict[Prediction, Message] = verdicts("sign-reason", {
    "too_low": _MIRROR,
    "too_high": _MIRROR,
    "on_target": "Squaring drops the sign: a miss above the target costs the same as an equal "
                 "miss below it.",
})

_OFF_THE_BOTTOM = ("Over every possible prediction the loss is a parabola: ours sits at @loss, "
                   "and it is lowest, zero, where ŷ = y = @y.")
# The loss over every prediction; binds @loss and @y.
PARABOLA: dict[Prediction, Message] = verdicts("parabola", {
    "too_low": _OFF_THE_BOTTOM,
    "too_high": _OFF_THE_BOTTOM,
    "on_target": "Over every possible prediction the loss is a parabola, and ours sits at its "
                 "lowest point: ŷ = y = @y, loss @loss.",
})


# ----- slide 4: gradient descent on the loss over w -----------------------------------

_SLOPE: dict[str, Message] = verdicts("slope", {
    "increase": "The tangent's slope is ∂loss/∂w = @g: negative, so the loss goes down as w goes "
                "up.",
    "decrease": "The tangent's slope is ∂loss/∂w = @g: positive, so the loss goes down as w goes "
                "down.",
    "flat": "The slope ∂loss/∂w is @g: with x = @x the curve is flat, because w has no effect on "
            "the prediction.",
    "bottom": "The slope ∂loss/∂w is @g: we are already at the bottom, so there is nothing to "
              "descend.",
})


def slope_meaning(w: Direction, regime: DescentRegime) -> Message:
    """The tangent's slope read aloud; binds @g (and @x when flat). A zero slope is either
    a flat curve (x = 0) or the bottom."""
    if w != "keep":
        return _SLOPE[w]
    return _SLOPE["flat" if regime == "flat" else "bottom"]


# One update of w; binds @lr, @g, @w and @w1.
STEP_MEANING: dict[Direction, Message] = verdicts("step-meaning", {
    "increase": "We step by minus lr times the slope, −(@lr)(@g), which increases w from @w to "
                "@w1.",
    "decrease": "We step by minus lr times the slope, −(@lr)(@g), which decreases w from @w to "
                "@w1.",
    "keep": "The step, minus lr times a zero slope, is zero: w stays at @w.",
})

# The note under the curve while it descends: whether b moves the curve.
B_DURING_DESCENT: dict[Direction, Message] = verdicts("b-during-descent", {
    "increase": "b is updated too, so the curve shifts each step",
    "decrease": "b is updated too, so the curve shifts each step",
    "keep": "b does not change either",
})

# The counter beside the readouts, which names the step they show; binds @k and @n. A run
# that leaves the chart says so for each step whose point the chart no longer holds.
STEP_COUNTER: dict[bool, Message] = {
    True: N_("step @k of @n", "gradient-descent"),
    False: N_("step @k of @n, off the chart", "gradient-descent"),
}
# Where a run leaves the chart, above the step that leaves it; binds @k (that step).
OFF_CHART = N_("off the chart from step @k", "gradient-descent")
# The tangent's slope, and the one at the start, each naming its step: the tangent stands
# at the last step on the chart, which a diverging run leaves behind; binds @k and @g.
SLOPE_AT_STEP = N_("slope at step @k: @g", "gradient-descent")

# The whole run; binds @n (steps), @lr, @w, @first, @second and @last.
DESCENT_OUTCOME: dict[DescentRegime, Message] = verdicts("descent-outcome", {
    "on_target": "Over @n steps nothing moves: w stays at @w and the loss stays at @first.",
    "flat": "Over @n steps w never moves; only the bias learns, and the loss goes from @first to "
            "@last.",
    "diverges": "With lr = @lr every step overshoots the bottom: the loss rises from @first to "
                "@second, and after @n steps it has exploded to @last.",
    "steady": "Over @n steps w bounces between the two walls and the loss stays at @first.",
    "bounces": "Repeating the step @n times, w jumps back and forth across the bottom, yet the "
               "loss falls from @first to @last.",
    "converges": "Repeating the step @n times walks w down the curve: the loss falls from @first "
                 "to @last.",
})

# Why the run went that way; binds @lr, @x, @g0 and @g.
DESCENT_REASON: dict[DescentRegime, Message] = verdicts("descent-reason", {
    "on_target": "Gradient descent only moves when there is a slope to follow, and a perfect "
                 "prediction has none.",
    "flat": "With x = @x the gradient ∂loss/∂w is x times ∂loss/∂ŷ, always zero, so the weight "
            "cannot learn from this example.",
    "diverges": "The learning rate @lr is too large: each step lands higher on the other wall, "
                "where the slope is steeper, so the next step is bigger still.",
    "steady": "With lr = @lr each step lands exactly as high on the other wall, so the loss never "
              "changes.",
    "bounces": "The learning rate @lr is large enough to overshoot, but each landing is lower "
               "than the last, so the slope shrinks from @g0 to @g.",
    "converges": "The steps shrink because the slope flattens toward the bottom, from @g0 to @g.",
})


# ----- slide 5: the chain rule's nudge -------------------------------------------------

_Y_HAT_MOVES = "Nudge w by @dw: y-hat moves by @x times @dw, that is @dyh."
# The nudge of w; binds @dw, @x and @dyh.
NUDGE_MOVE: dict[NudgeEffect, Message] = verdicts("nudge-move", {
    "moves": _Y_HAT_MOVES,
    "loss_still": _Y_HAT_MOVES,
    "y_hat_still": "Nudge w by @dw: with x = @x, y-hat does not move at all.",
})

# How the loss follows the nudge; binds @up, @dyh, @dlp and @dla.
NUDGE_LOSS: dict[NudgeEffect, Message] = verdicts("nudge-loss", {
    "moves": "The loss moves by about @up times @dyh, that is @dlp; recomputing gives @dla.",
    "loss_still": "The upstream factor is @up, so the chain rule predicts no change; recomputing "
                  "gives @dla.",
    "y_hat_still": "So the loss cannot move either: predicted @dlp, and recomputing gives @dla.",
})


# ----- slide 6: the backward pass and one update ----------------------------------------

# The outline's sign sentence, when both parameters move the same way.
GRADIENT_RULE: dict[Direction, Message] = verdicts("gradient-rule", {
    "increase": "Negative gradient = loss drops when we increase the parameter → so we increase "
                "it.",
    "decrease": "Positive gradient = loss drops when we decrease the parameter → so we decrease "
                "it.",
    "keep": "Zero gradient = nudging the parameter does not change the loss → so we leave it.",
})

# One parameter's sign sentence, when the two move differently; binds @g.
UPDATE_DIRECTION: dict[str, dict[Direction, Message]] = {
    "w": verdicts("update-direction-w", {
        "increase": "The gradient for w is @g: negative, so the update increases w.",
        "decrease": "The gradient for w is @g: positive, so the update decreases w.",
        "keep": "The gradient for w is zero, so the update leaves w where it is.",
    }),
    "b": verdicts("update-direction-b", {
        "increase": "The gradient for b is @g: negative, so the update increases b.",
        "decrease": "The gradient for b is @g: positive, so the update decreases b.",
        "keep": "The gradient for b is zero, so the update leaves b where it is.",
    }),
}


def update_direction(name: str, direction: Direction) -> Message:
    """One parameter's sign sentence, e.g. 'The gradient for w is @g: negative, so the update
    increases w.'; binds @g."""
    return UPDATE_DIRECTION[name][direction]


def parameter_rules(w: Direction, b: Direction) -> list[tuple[Message, str]]:
    """The sign sentence for the two parameters, as (template, parameter) pairs: the
    outline's one sentence (parameter "") when both move the same way, else one sentence
    per parameter, whose @g the caller binds to that parameter's gradient."""
    if w == b:
        return [(GRADIENT_RULE[w], "")]
    return [(update_direction("w", w), "w"), (update_direction("b", b), "b")]


# The last sentence spoken; binds @new, @old and @drop.
LOSS_CHANGE_SPOKEN: dict[Trend, Message] = verdicts("loss-change-spoken", {
    "falls": "A forward pass with the new parameters gives a loss of @new, down from @old: we "
             "saved @drop in one step!",
    "rises": "A forward pass with the new parameters gives a loss of @new, up from @old: the step "
             "was too large and overshot.",
    "stays": "A forward pass with the new parameters gives a loss of @new, the same as before.",
})

# The outline's savings line on screen; binds @new, @old and @drop. A rise names no
# amount: the lesson holds the drop, and "saved −0.3" would be a sign puzzle on screen.
LOSS_CHANGE: dict[Trend, Message] = verdicts("loss-change", {
    "falls": "New loss = @new ↓ (was @old) — saved @drop in one step!",
    "rises": "New loss = @new ↑ (was @old) — the step overshot: the loss rose.",
    "stays": "New loss = @new (was @old) — the step did not change the loss.",
})


# ----- slide 7: a ReLU network bends -----------------------------------------------------

# The closing sentence; binds @h (hidden units), @net (its loss), @line and @n (epochs).
FIT_SENTENCE: dict[FitQuality, Message] = verdicts("fit-sentence", {
    "fits": "A small ReLU network with @h units bends to fit the data: mean loss @net, against "
            "@line for the best line.",
    "rough": "A small ReLU network with @h units starts to bend toward the data: mean loss @net "
             "beats the line's @line, but the fit is still rough.",
    "line": "A small ReLU network with @h units could bend, but this run ends no better than a "
            "line: mean loss @net against the line's @line.",
    "worse": ("A small ReLU network with @h units can bend, but after @n epoch it has not yet: "
              "mean loss @net, still above the line's @line.",
              "A small ReLU network with @h units can bend, but after @n epochs it has not yet: "
              "mean loss @net, still above the line's @line."),
})


def fit_sentence(fit: FitQuality) -> Message:
    """The closing sentence (plural by the epochs); binds @h, @net, @line and @n."""
    return FIT_SENTENCE[fit]


# The verdict's line under the fit's caption.
FIT_CAPTION: dict[FitQuality, Message] = verdicts("fit-caption", {
    "fits": "the network bends to fit the data",
    "rough": "better than a line, still rough",
    "line": "no better than a line",
    "worse": "not yet better than a line",
})
_NETWORK_LOSS = N_("ReLU network: mean loss @net", "activation-functions")
_LINE_LOSS = N_("best line: mean loss @line", "activation-functions")


def fit_caption(fit: FitQuality) -> tuple[Message, Message, Message]:
    """Three short lines on screen; binds @net (the network's mean loss) and @line."""
    return (_NETWORK_LOSS, _LINE_LOSS, FIT_CAPTION[fit])


# ----- slide 8: the full picture ---------------------------------------------------------

# The backward pass for one data point; binds @g (dloss/dŷ).
DEAD_UNITS: dict[DeadUnits, Message] = verdicts("dead-units", {
    "all_on": "Backward: the gradient @g flows back layer by layer, and every unit was on, so "
              "every weight gets its share.",
    "some_off": "Backward: the gradient @g flows back layer by layer; units ReLU switched off "
                "pass back zero, so their weights get no gradient here.",
    "all_off": "Backward: the gradient @g reaches the hidden layer, but every unit was off, so no "
               "first-layer weight gets a gradient from this point.",
})

# Training epoch by epoch; binds @a (first mean loss) and @b (last).
TRAINING: dict[Trend, Message] = verdicts("training", {
    "falls": "Then repeat for every epoch: the mean loss falls from @a to @b while every weight "
             "moves, edge by edge.",
    "rises": "Then repeat for every epoch: the mean loss rises from @a to @b while every weight "
             "moves, edge by edge.",
    "stays": "Then repeat for every epoch: the mean loss stays from @a to @b while every weight "
             "moves, edge by edge.",
})

# The fit after training; binds @n (epochs), @net and @line.
TRAINING_FIT: dict[FitQuality, Message] = verdicts("training-fit", {
    "fits": ("After @n epoch the fit follows the data: mean loss @net, where the best line stops "
             "at @line.",
             "After @n epochs the fit follows the data: mean loss @net, where the best line "
             "stops at @line."),
    "rough": ("After @n epoch the fit is bending toward the data: mean loss @net beats the "
              "line's @line, but it is still rough.",
              "After @n epochs the fit is bending toward the data: mean loss @net beats the "
              "line's @line, but it is still rough."),
    "line": ("After @n epoch this run is stuck at a straight line's level: mean loss @net, the "
             "line's @line.",
             "After @n epochs this run is stuck at a straight line's level: mean loss @net, the "
             "line's @line."),
    "worse": ("After @n epoch training has only begun: mean loss @net, still above the best "
              "line's @line.",
              "After @n epochs training has only begun: mean loss @net, still above the best "
              "line's @line."),
})


def training_fit_sentence(fit: FitQuality) -> Message:
    """The fit after training (plural by the epochs); binds @n, @net and @line."""
    return TRAINING_FIT[fit]


# The last sentence, by how the mean loss went ("falls" when the network fits the data, too);
# binds @n (epochs), @a (first mean loss) and @b (last).
CLOSING: dict[str, Message] = verdicts("closing", {
    "falls_fits": ("Forward, loss, backward, update: repeated @n time, this loop took the mean "
                   "loss from @a down to @b. That is how networks learn.",
                   "Forward, loss, backward, update: repeated @n times, this loop took the mean "
                   "loss from @a down to @b. That is how networks learn."),
    "falls": ("Forward, loss, backward, update: repeated @n time, this loop took the mean loss "
              "from @a down to @b. Done well, that loop is how networks learn.",
              "Forward, loss, backward, update: repeated @n times, this loop took the mean loss "
              "from @a down to @b. Done well, that loop is how networks learn."),
    "rises": ("Forward, loss, backward, update: repeated @n time, this loop moved the mean loss "
              "from @a up to @b: too big a step can overshoot.",
              "Forward, loss, backward, update: repeated @n times, this loop moved the mean loss "
              "from @a up to @b: too big a step can overshoot."),
    "stays": ("Forward, loss, backward, update: repeated @n time, this loop left the mean loss "
              "at @a: the gradient gave it nowhere to go.",
              "Forward, loss, backward, update: repeated @n times, this loop left the mean loss "
              "at @a: the gradient gave it nowhere to go."),
})


def closing_sentence(trend: Trend, fit: FitQuality) -> Message:
    """The last sentence (plural by the epochs); binds @n (epochs), @a and @b."""
    return CLOSING["falls_fits" if trend == "falls" and fit == "fits" else trend]
