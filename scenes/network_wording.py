"""Sentences about the small network (slides 7 and 8), chosen from its real values.

A slide never says "the network fits the data" over a run that did not: the trained
network's mean loss is compared with the best straight line's mean squared error
(the same measure: mean of (y - y_hat)^2 over the same points). Templates carry
`@name` placeholders that the slide binds to lesson paths, like scenes/wording.py.
"""

from __future__ import annotations

__all__ = ["epochs_word", "training_fit_sentence", "closing_sentence", "fit_verdict", "fit_sentence", "fit_caption", "dead_units_sentence", "loss_trend"]

GOOD_FIT = 0.25  # at most a quarter of the line's error: the bend is plain to see
SAME_AS_LINE = 0.05  # within 5 % of the line's error: no better than a line


def fit_verdict(final_loss: float, line_mse: float) -> str:
    """'fits', 'rough' (better than a line, not yet a fit), 'line' (no better) or 'worse'."""
    ratio = final_loss / line_mse if line_mse > 0 else float("inf")
    if ratio <= GOOD_FIT:
        return "fits"
    if ratio < 1 - SAME_AS_LINE:
        return "rough"
    if ratio <= 1 + SAME_AS_LINE:
        return "line"
    return "worse"


def epochs_word(epochs: int) -> str:
    return "epoch" if epochs == 1 else "epochs"


def fit_sentence(verdict: str, epochs: int) -> str:
    """Slide 7's closing sentence; binds @h (hidden units), @net (its loss), @line, @n (epochs)."""
    return {
        "fits": "A small ReLU network with @h units bends to fit the data: mean loss @net, "
                "against @line for the best line.",
        "rough": "A small ReLU network with @h units starts to bend toward the data: mean loss @net "
                 "beats the line's @line, but the fit is still rough.",
        "line": "A small ReLU network with @h units could bend, but this run ends no better than "
                "a line: mean loss @net against the line's @line.",
        "worse": f"A small ReLU network with @h units can bend, but after @n {epochs_word(epochs)} it has not yet: "
                 "mean loss @net, still above the line's @line.",
    }[verdict]


def fit_caption(verdict: str) -> tuple[str, str, str]:
    """Three short on-screen lines; bind @net (the network's mean loss) and @line (the line's)."""
    return ("ReLU network: mean loss @net", "best line: mean loss @line", {
        "fits": "the network bends to fit the data",
        "rough": "better than a line, still rough",
        "line": "no better than a line",
        "worse": "not yet better than a line",
    }[verdict])


def dead_units_sentence(activations: list[float]) -> str:
    """Slide 8's backward sentence for one data point; binds @g (dloss/dy_hat)."""
    off = sum(1 for a in activations if a <= 0)
    if off == 0:
        return ("Backward: the gradient @g flows back layer by layer, and every unit was on, "
                "so every weight gets its share.")
    if off == len(activations):
        return ("Backward: the gradient @g reaches the hidden layer, but every unit was off, "
                "so no first-layer weight gets a gradient from this point.")
    return ("Backward: the gradient @g flows back layer by layer; units ReLU switched off pass "
            "back zero, so their weights get no gradient here.")


def loss_trend(first: float, last: float) -> str:
    """'falls', 'rises' or 'stays' for a loss going from `first` to `last`."""
    if last < first:
        return "falls"
    if last > first:
        return "rises"
    return "stays"


def training_fit_sentence(verdict: str, epochs: int) -> str:
    """Slide 8's sentence on the fit after training; binds @n (epochs), @net and @line."""
    after = f"After @n {epochs_word(epochs)}"
    return {
        "fits": f"{after} the fit follows the data: mean loss @net, where the best line stops at @line.",
        "rough": f"{after} the fit is bending toward the data: mean loss @net beats the line's @line, "
                 "but it is still rough.",
        "line": f"{after} this run is stuck at a straight line's level: mean loss @net, the line's @line.",
        "worse": f"{after} training has only begun: mean loss @net, still above the best line's @line.",
    }[verdict]


def closing_sentence(trend: str, verdict: str, epochs: int) -> str:
    """Slide 8's last sentence; binds @n (epochs), @a (first mean loss) and @b (last)."""
    loop = f"Forward, loss, backward, update: repeated @n {'time' if epochs == 1 else 'times'}, this loop"
    moral = "That is how networks learn." if verdict == "fits" else "Done well, that loop is how networks learn."
    return {
        "falls": f"{loop} took the mean loss from @a down to @b. {moral}",
        "rises": f"{loop} moved the mean loss from @a up to @b: too big a step can overshoot.",
        "stays": f"{loop} left the mean loss at @a: the gradient gave it nowhere to go.",
    }[trend]
