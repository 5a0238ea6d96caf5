"""The lecture's symbols in LaTeX, written once so every slide spells them alike."""

from __future__ import annotations

from scenes.kit import theme

X = "x"
W = "w"
B = "b"
Y = "y"
Y_HAT = r"\hat{y}"
LOSS = r"\mathrm{loss}"
LR = r"\mathrm{lr}"


def partial(top: str, bottom: str) -> str:
    r"""`\frac{\partial top}{\partial bottom}` with the outline's spacing."""
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


DLOSS_DW = partial(LOSS, W)
DLOSS_DB = partial(LOSS, B)
DLOSS_DYHAT = partial(LOSS, Y_HAT)
DYHAT_DW = partial(Y_HAT, W)
DYHAT_DB = partial(Y_HAT, B)

# Colour of each symbol by meaning; MathTex parts equal to a key take its colour.
SYMBOL_COLORS: dict[str, str] = {
    X: theme.INPUT,
    W: theme.PARAM,
    B: theme.PARAM,
    Y: theme.TARGET,
    Y_HAT: theme.PREDICTION,
    LOSS: theme.LOSS,
    LR: theme.LEARNING_RATE,
    DLOSS_DW: theme.GRADIENT,
    DLOSS_DB: theme.GRADIENT,
    DLOSS_DYHAT: theme.GRADIENT,
    DYHAT_DW: theme.GRADIENT,
    DYHAT_DB: theme.GRADIENT,
}
