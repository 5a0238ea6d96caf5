"""The look of every slide: colours named by what they mean, fonts, sizes, layout bands.

A colour means the same thing on every slide: a lecturer who learns that orange is a
gradient on slide 4 reads the backward pass on slide 6 without a legend.

Two themes, each one `Palette` with the same fields: `dark` (the default, for video and
dark rooms) and `light` (for white slide decks and washed-out projectors). A Manim
process draws in one theme, chosen by $BACKPROP_THEME when this module is imported (the
pipeline sets it per slide job, as it sets $BACKPROP_PARAMS; a hand render uses the
default). The palettes were chosen so that tests/scenes/test_theme.py passes: every text
colour reads against the background and the panels (WCAG 2.1 contrast), and the colours
that carry meaning stay apart (CIEDE2000) for normal vision and under simulated
protanopia, deuteranopia and tritanopia.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from manim import config

from .runtime import THEME_ENV

DEFAULT_THEME = "dark"


@dataclass(frozen=True)
class Palette:
    """One theme's colours, by meaning (hex sRGB)."""

    name: str
    background: str
    panel: str  # cards and boxes behind content
    panel_edge: str
    text: str  # ordinary text
    muted: str  # captions, axes, the chrome's quiet parts
    emphasis: str  # bold, as the outline styles emphasis
    # The colours that carry meaning: each names one quantity on every slide.
    input: str  # x and the data's inputs
    param: str  # w, b, weights: the outline's parameter colour
    prediction: str  # y_hat, the network's output
    target: str  # y, the right answer
    loss: str  # the loss and the error
    gradient: str  # every derivative of the loss
    learning_rate: str  # lr and the update step
    activation: str  # how strongly a unit fires (fill of a neuron)
    negative_weight: str  # edge colour of a weight < 0 (a weight > 0 takes `param`)

    TEXT_FIELDS = ("text", "muted", "emphasis")
    MEANING_FIELDS = ("input", "param", "prediction", "target", "loss", "gradient",
                      "learning_rate", "activation", "negative_weight")
    GROUND_FIELDS = ("background", "panel")  # what text is written on

    def colours(self, fields: tuple[str, ...]) -> dict[str, str]:
        return {f: getattr(self, f) for f in fields}

    @property
    def meaning_colours(self) -> dict[str, str]:
        return self.colours(self.MEANING_FIELDS)

    @property
    def text_colours(self) -> dict[str, str]:
        """Every colour a text may be written in: the plain ones and, for labels and
        formulas, each meaning colour."""
        return self.colours(self.TEXT_FIELDS + self.MEANING_FIELDS)

    @property
    def grounds(self) -> dict[str, str]:
        return self.colours(self.GROUND_FIELDS)


DARK = Palette(
    name="dark",
    background="#0f1218",
    panel="#1a1f2b",
    panel_edge="#343b4a",
    text="#dee2e6",
    muted="#8a93a3",
    emphasis="#ffffff",
    input="#6bffd4",
    param="#7cacd1",
    prediction="#9a85ff",
    target="#6ed687",
    loss="#fe4f59",
    gradient="#f0a345",
    learning_rate="#e2ffaa",
    activation="#ffd924",
    negative_weight="#ff71a1",
)

LIGHT = Palette(
    name="light",
    background="#ffffff",  # pure white: a GIF on a white slide shows no box
    panel="#f1f3f5",
    panel_edge="#ced4da",
    text="#212529",
    muted="#5c636e",
    emphasis="#000000",
    input="#1a7884",
    param="#133f78",
    prediction="#4939ff",
    target="#206144",
    loss="#a2000e",
    gradient="#d02700",
    learning_rate="#786e3d",
    activation="#9b36b0",
    negative_weight="#c22c68",
)

THEMES: dict[str, Palette] = {p.name: p for p in (DARK, LIGHT)}


def theme_from_env() -> Palette:
    """The palette $BACKPROP_THEME names (the default if unset)."""
    name = os.environ.get(THEME_ENV) or DEFAULT_THEME
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"${THEME_ENV}={name!r} names no theme; choose one of: "
                         f"{', '.join(THEMES)}") from None


PALETTE = theme_from_env()
NAME = PALETTE.name

# Colours, by meaning, in this process's theme.
BACKGROUND = PALETTE.background
PANEL = PALETTE.panel
PANEL_EDGE = PALETTE.panel_edge
TEXT = PALETTE.text
MUTED = PALETTE.muted
EMPHASIS = PALETTE.emphasis

INPUT = PALETTE.input
PARAM = PALETTE.param
PREDICTION = PALETTE.prediction
TARGET = PALETTE.target
LOSS = PALETTE.loss
GRADIENT = PALETTE.gradient
LEARNING_RATE = PALETTE.learning_rate
ACTIVATION = PALETTE.activation
POSITIVE_WEIGHT = PARAM  # edge colour of a weight > 0
NEGATIVE_WEIGHT = PALETTE.negative_weight
GOOD = TARGET  # a loss that drops
BAD = LOSS  # a loss that rises
TREND_COLORS = {"falls": GOOD, "rises": BAD, "stays": TEXT}  # keyed by the core's loss trend

# Fonts. DejaVu ships with fontconfig on Debian and Ubuntu, so every machine draws the same glyphs.
FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"  # parameters are monospace, as in the outline

# Text sizes (Manim font_size units), tuned for a 720p frame to stay readable.
KICKER_SIZE = 18
TITLE_SIZE = 40
SUBTITLE_SIZE = 26
BODY_SIZE = 28
SMALL_SIZE = 22
TINY_SIZE = 18
TEX_SIZE = 40  # MathTex at the size of body text

# Layout bands of the 16:9 frame (Manim units; the frame is 14.22 x 8).
FRAME_WIDTH = config.frame_width
FRAME_HEIGHT = config.frame_height
MARGIN = 0.35  # nothing visible closer than this to the frame's edge
HEADER_BOTTOM = 2.05  # the chrome's title block lives above this line
FOOTER_TOP = -3.45  # the progress mark lives below this line
CONTENT_TOP = HEADER_BOTTOM - 0.08
CONTENT_BOTTOM = FOOTER_TOP + 0.05
CONTENT_LEFT = -FRAME_WIDTH / 2 + MARGIN
CONTENT_RIGHT = FRAME_WIDTH / 2 - MARGIN

# Timing (seconds): one place to make the whole deck calmer or brisker.
BEAT_PAUSE = 1.0  # the pause at the end of a beat, for the viewer to read
