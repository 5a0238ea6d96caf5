"""The look of every slide: colours named by what they mean, fonts, sizes, layout bands.

A colour means the same thing on every slide: a lecturer who learns that orange is a
gradient on slide 4 reads the backward pass on slide 6 without a legend.
"""

from __future__ import annotations

from manim import config

# Colours, by meaning.
BACKGROUND = "#0f1218"
PANEL = "#1a1f2b"  # cards and boxes behind content
PANEL_EDGE = "#343b4a"
TEXT = "#dee2e6"  # ordinary text
MUTED = "#8a93a3"  # captions, axes, the chrome's quiet parts
EMPHASIS = "#ffffff"  # bold white, as the outline styles emphasis

INPUT = "#63e6be"  # x and the data's inputs
PARAM = "#4dabf7"  # w, b, weights: the outline's parameter colour
PREDICTION = "#b197fc"  # y_hat, the network's output
TARGET = "#69db7c"  # y, the right answer
LOSS = "#ff6b6b"  # the loss and the error
GRADIENT = "#ffa94d"  # every derivative of the loss
LEARNING_RATE = "#ffd43b"  # lr and the update step
ACTIVATION = "#ffd43b"  # how strongly a unit fires (fill of a neuron)
POSITIVE_WEIGHT = PARAM  # edge colour of a weight > 0
NEGATIVE_WEIGHT = "#f783ac"  # edge colour of a weight < 0
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
