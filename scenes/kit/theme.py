"""The look of every slide: colours named by what they mean, fonts, sizes, layout bands.

A Manim process draws in one of the two palettes of lecture/palettes.py, chosen by
$BACKPROP_THEME when this module is imported (the pipeline sets it per slide job, as it
sets $BACKPROP_PARAMS; a hand render uses the default).
"""

from __future__ import annotations

import os

from manim import config

from lecture import contract
from lecture.palettes import DARK, DEFAULT_THEME, LIGHT, THEMES, Palette

__all__ = ["DARK", "LIGHT", "THEMES", "DEFAULT_THEME", "Palette", "PALETTE", "theme_from_env"]


def theme_from_env() -> Palette:
    """The palette $BACKPROP_THEME names (the default if unset)."""
    name = os.environ.get(contract.THEME) or DEFAULT_THEME
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"${contract.THEME}={name!r} names no theme; choose one of: "
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
