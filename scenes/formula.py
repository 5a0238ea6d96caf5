"""Building a formula in front of the viewer, one part at a time, without breaking it up.

A formula made by `SlideScene.tex` is one text unit that carries its lesson facts.
Animating its parts with introducers (FadeIn, Write, TransformFromCopy) would put
the parts on screen as loose pieces; instead the whole formula goes on screen
hidden (`hide`), and its parts are shown in place (`reveal`) or by a copy of a number
elsewhere flying onto them (`Fly`), so the formula stays whole.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import RIGHT, Mobject, Scene, Transform

__all__ = ["operand", "hide", "reveal", "Fly", "symbol_to_tag"]


def operand(value: float, placeholder: str) -> str:
    """The part `@placeholder` after an operator: in parentheses when its value is negative,
    so `2 × (−3)` never reads `2 × −3`."""
    return f"(@{placeholder})" if value < 0 else f"@{placeholder}"


def hide(mob: Mobject) -> Mobject:
    """Make `mob` invisible (but present, so its parts can be revealed one by one)."""
    return mob.set_opacity(0)


def reveal(part: Mobject, shift: np.ndarray | None = None) -> Any:
    """Show a hidden part where it belongs, optionally sliding in by `shift`."""
    if shift is None:
        return part.animate.set_opacity(1)
    part.shift(-shift)
    return part.animate.shift(shift).set_opacity(1)


class Fly(Transform):
    """A copy of `source` travels onto the hidden part `target`, which then shows.

    With `move=True` the source is taken off screen as the copy leaves (the scene must
    hold it at top level, or the caller detaches it from its group first)."""

    def __init__(self, source: Mobject, target: Mobject, move: bool = False, **kwargs: Any) -> None:
        self.landing, self.source, self.move = target, source, move
        super().__init__(source.copy().set_opacity(1), target.copy().set_opacity(1), remover=True,
                         **kwargs)

    def _setup_scene(self, scene: Scene) -> None:
        super()._setup_scene(scene)
        if self.move:
            scene.remove(self.source)

    def clean_up_from_scene(self, scene: Scene) -> None:
        super().clean_up_from_scene(scene)
        self.landing.set_opacity(1)


def symbol_to_tag(scene: Scene, symbol: Mobject, tag: Mobject, number_from: Mobject | None = None) -> list[Any]:
    """Animations turning a symbol label into the tag `symbol = value` (a 3-part formula):
    the symbol moves onto the tag's first part, the value slides in, or flies in from
    `number_from` (a number elsewhere on screen). The tag goes on screen whole."""
    hide(tag)
    scene.add(tag)
    arrive = Fly(number_from, tag[2]) if number_from is not None else reveal(tag[2], 0.4 * RIGHT)
    return [Fly(symbol, tag[0], move=True), reveal(tag[1]), arrive]
