"""Formulas made of named parts, and building them in front of the viewer.

A formula made by `SlideScene.tex` is a `Formula`: one text unit that carries its
lesson facts, whose parts are addressed by name, never by position. A part's name is
its source as written (`"@w"`, `r"\times"`, `notation.W`), a placeholder names the part
that holds it (`part("@x")` finds `"(@x)"`), and `Part("loc", ...)` names a part
explicitly; a name that matches no part, or more than one, is an error, so adding a
symbol to a formula cannot silently recolour the wrong number.

Animating its parts with introducers (FadeIn, Write, TransformFromCopy) would put the
parts on screen as loose pieces; instead the whole formula goes on screen hidden
(`hide`), and its parts are shown in place (`reveal`) or by a copy of a number
elsewhere flying onto them (`Fly`), so the formula stays whole.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple, Sequence

import numpy as np
from manim import RIGHT, MathTex, Mobject, Scene, Transform

__all__ = ["Part", "Formula", "FormulaPartError", "part_index", "placeholders", "operand",
           "hide", "reveal", "Fly", "symbol_to_tag"]

PLACEHOLDER = re.compile(r"@([A-Za-z_]\w*)")


class Part(NamedTuple):
    """A formula part with a name of its own, for a part whose source is not unique
    (or differs between the formulas that play the same role)."""

    name: str
    tex: str


class FormulaPartError(KeyError):
    """A formula part asked for by a name that matches no part, or several."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


def placeholders(source: str) -> list[str]:
    """The placeholders (`@name`) written in a part's source."""
    return [f"@{m.group(1)}" for m in PLACEHOLDER.finditer(source)]


def part_index(names: Sequence[str], sources: Sequence[str], name: str) -> int:
    """The position of the part called `name`: the one part whose name is `name`, or
    for a placeholder the one part whose source holds it."""
    found = [i for i, n in enumerate(names) if n == name]
    if not found and name.startswith("@"):
        found = [i for i, s in enumerate(sources) if name in placeholders(s)]
    if len(found) == 1:
        return found[0]
    parts = ", ".join(repr(n) for n in names)
    if found:
        raise FormulaPartError(f"{name!r} names parts {found} of the formula [{parts}]; "
                               "name the one meant with Part(name, tex)")
    raise FormulaPartError(f"no part {name!r} in the formula [{parts}]")


class Formula(MathTex):
    """A MathTex whose parts are found by name (`part`, `parts`, `parts_except`)."""

    def __init__(self, *parts: str | Part, **kwargs: Any) -> None:
        """`parts` as for MathTex; a `Part` gives its part a name. `sources` (optional)
        is each part as written before its placeholders were filled."""
        sources = kwargs.pop("sources", None)
        self.part_names = tuple(p.name if isinstance(p, Part) else p for p in parts)
        self.part_sources = tuple(sources) if sources is not None else tuple(
            p.tex if isinstance(p, Part) else p for p in parts)
        super().__init__(*(p.tex if isinstance(p, Part) else p for p in parts), **kwargs)
        if len(self.submobjects) != len(parts):  # MathTex split a part further
            raise ValueError(f"{len(parts)} parts made {len(self.submobjects)} submobjects")

    def index(self, name: str) -> int:
        return part_index(self.part_names, self.part_sources, name)

    def part(self, name: str) -> Mobject:
        """The part called `name` (see the module's docstring); an error if none or several."""
        return self.submobjects[self.index(name)]

    def parts(self, *names: str) -> list[Mobject]:
        return [self.part(name) for name in names]

    def parts_except(self, *names: str) -> list[Mobject]:
        """Every part but the named ones, in order (e.g. all but the numbers)."""
        skip = {self.index(name) for name in names}
        return [p for i, p in enumerate(self.submobjects) if i not in skip]

    def parts_before(self, name: str) -> list[Mobject]:
        """Every part before the named one (e.g. the symbols before the first number)."""
        return self.submobjects[:self.index(name)]

    def parts_between(self, first: str, last: str) -> list[Mobject]:
        """The parts from `first` to `last`, both included."""
        return self.submobjects[self.index(first):self.index(last) + 1]

    def color_parts(self, colors: dict[str, str]) -> Formula:
        """Colour parts by name: {"@w": theme.PARAM, ...}."""
        for name, color in colors.items():
            self.part(name).set_color(color)
        return self


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


def symbol_to_tag(scene: Scene, symbol: Mobject, tag: Formula,
                  number_from: Mobject | None = None) -> list[Any]:
    """Animations turning a symbol label into the tag `symbol = value` (`typeset.value_tag`):
    the symbol moves onto the tag's symbol, the value slides in, or flies in from
    `number_from` (a number elsewhere on screen). The tag goes on screen whole."""
    hide(tag)
    scene.add(tag)
    value = tag.part("@v")
    arrive = Fly(number_from, value) if number_from is not None else reveal(value, 0.4 * RIGHT)
    return [Fly(symbol, tag.part("symbol"), move=True), reveal(tag.part("=")), arrive]
