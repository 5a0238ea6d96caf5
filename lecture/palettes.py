"""The two palettes as data: colours named by what they mean, one `Palette` per theme.

A colour means the same thing on every slide: a lecturer who learns that orange is a
gradient on slide 4 reads the backward pass on slide 6 without a legend. `dark` (the
default) is for video and dark rooms, `light` for white slide decks and washed-out
projectors. The slides draw with them (scenes/kit/theme.py), the presenter's page takes
its colours from them, and the command line names them, none of which needs Manim.
tests/scenes/kit/test_theme.py measures them: every text colour reads against the
background and the panels (WCAG 2.1 contrast), and the colours that carry meaning stay
apart (CIEDE2000) for normal vision and under simulated protanopia, deuteranopia and
tritanopia.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Palette", "DARK", "LIGHT", "THEMES", "DEFAULT_THEME"]

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
