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
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np
from manim import (
    RIGHT,
    Animation,
    ManimColor,
    MathTex,
    Mobject,
    Scene,
    VGroup,
    interpolate_color,
    smooth,
    squish_rate_func,
)
from manim.utils.bezier import bezier as manim_bezier
from manim.utils.paths import path_along_arc

from lecture.facts import PLACEHOLDER
from scenes.checks.layout import Box, text_units, visible_box
from scenes.checks.paused_frames import _area, _common

__all__ = ["Part", "Formula", "FormulaPartError", "part_index", "placeholders", "operand",
           "hide", "reveal", "Fly", "symbol_to_tag"]



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


class Fly(Animation):
    """A copy of `source` travels onto the hidden part `target`, which then shows.

    A presenter may pause anywhere in the flight, so no frame shows two texts on top of
    each other: the copy keeps its glyphs (no number morphs into another) and grows or
    shrinks to the target's size; it shows only once it has left its source (no double
    image at the start); its path bends around the texts on screen, if a bend clears
    more of them than the straight line; and it hands over to the target part where it
    lands: a copy that looks like the target (same symbols) simply becomes it, one that
    does not (`×2.1` onto `2.1`) fades out just before the target fades in, so the two
    never show at once.

    With `move=True` the source is taken off screen as the copy leaves (the scene must
    hold it at top level, or the caller detaches it from its group first)."""

    def __init__(self, source: Mobject, target: Mobject, move: bool = False, **kwargs: Any) -> None:
        self.landing, self.source, self.move = target, source, move
        # Both hidden until the flight begins (in a Succession it may wait its turn on screen).
        self.traveller = source.copy().set_opacity(0)
        self.arrival = target.copy().set_opacity(0)
        self.same_look = _tex(source) == _tex(target)
        self.scene: Scene | None = None
        super().__init__(VGroup(self.traveller, self.arrival), remover=True, **kwargs)

    def _setup_scene(self, scene: Scene) -> None:
        super()._setup_scene(scene)
        self.scene = scene
        if self.move:
            scene.remove(self.source)

    def begin(self) -> None:
        self.shape = self.source.copy().set_opacity(1)
        self.arrival.become(self.landing.copy().set_opacity(0))  # where it is by now
        self.start = self.source.get_center()
        self.end = self.landing.get_center()
        self.scale = (self.landing.height / self.shape.height
                      if self.shape.height > 1e-6 and self.landing.height > 1e-6 else 1.0)
        self.colors = (_color(self.source), _color(self.landing))
        self.source_box = _box(self.source)
        self.path = self._route()
        super().begin()

    def _route(self) -> Callable[[float], np.ndarray]:
        """Of a few paths from the source to the target, the one along which the copy
        covers least of the texts on screen (their glyphs, its own formula's too); the
        straight line when nothing is in the way."""
        paths = _paths(self.start, self.end)
        if self.scene is None:
            return paths[0]
        own = {id(m) for m in self.source.get_family()}
        obstacles = np.array([(box.left, box.right, box.bottom, box.top)
                              for mob in self.scene.mobjects if mob is not self.mobject
                              for unit in text_units(mob)
                              for glyph in unit.family_members_with_points()
                              if id(glyph) not in own and (box := visible_box(glyph)) is not None])
        if not len(obstacles):
            return paths[0]
        t = _PATH_SAMPLES[:, None]
        half = np.array([self.shape.width, self.shape.height]) / 2 * (1 + (self.scale - 1) * t)

        def covered(path: Callable[[float], np.ndarray]) -> float:
            """How much of the copy's area texts cover, summed along the path; a graze that
            no one would read as a pile-up counts nothing."""
            centres = np.array([path(float(u))[:2] for u in _PATH_SAMPLES])
            low, high = centres - half, centres + half
            width = (np.minimum(high[:, None, 0], obstacles[None, :, 1])
                     - np.maximum(low[:, None, 0], obstacles[None, :, 0])).clip(0)
            height = (np.minimum(high[:, None, 1], obstacles[None, :, 3])
                      - np.maximum(low[:, None, 1], obstacles[None, :, 2])).clip(0)
            share = (width * height).sum(axis=1) / np.prod(2 * half, axis=1)
            return float(np.where(share > _GRAZE, share, 0).sum())

        costs = [covered(path) for path in paths]
        return paths[int(np.argmin(costs))]  # the first of equals: straight, then tidy curves

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        traveller = self.traveller
        traveller.become(self.shape)
        traveller.scale(1 + (self.scale - 1) * t)
        traveller.move_to(self.path(t))
        if self.same_look:
            traveller.set_color(interpolate_color(*self.colors, t))
            shown, arriving = 1.0, 0.0
        else:  # out over the last stretch but one, then the target in over the last
            shown = float(np.clip((_HAND_OVER[1] - t) / (_HAND_OVER[1] - _HAND_OVER[0]), 0, 1))
            arriving = float(np.clip((t - _HAND_OVER[1]) / (1 - _HAND_OVER[1]), 0, 1))
        if not self.move:  # the copy shows only once it has left its source
            shown *= float(np.clip(1 - _covering(_box(traveller), self.source_box) / _EMERGE,
                                   0, 1))
        traveller.set_opacity(shown)
        self.arrival.set_opacity(arriving)

    def clean_up_from_scene(self, scene: Scene) -> None:
        super().clean_up_from_scene(scene)
        self.landing.set_opacity(1)


_PATH_SAMPLES = np.linspace(0.05, 0.95, 61)  # where a path is checked against the texts on screen
_GRAZE = 0.05  # a copy may touch this share of its area to the texts it passes
_ARCS = (np.pi / 4, -np.pi / 4, np.pi / 2, -np.pi / 2)  # bends a flight may take


def _paths(start: np.ndarray, end: np.ndarray) -> list[Callable[[float], np.ndarray]]:
    """Paths a copy may fly, each t -> centre: the straight line; curves that leave and
    arrive vertically (a formula's parts sit in a row, so a copy dropping into its slot from
    above or below passes over no neighbour), turning halfway, above both ends or below
    both; one that only arrives vertically, one that only leaves so; and arcs."""
    def bezier(*points: np.ndarray) -> Callable[[float], np.ndarray]:
        return manim_bezier(np.array(points))

    corner_in, corner_out = np.array([end[0], start[1], 0]), np.array([start[0], end[1], 0])
    lanes = ((start[1] + end[1]) / 2, max(start[1], end[1]) + 0.6, min(start[1], end[1]) - 0.6)
    # Round a row of texts by its side: out sideways, down (or up) a side lane, then into
    # the slot from above or below.
    sides = (min(start[0], end[0]) - 1.2, max(start[0], end[0]) + 1.2)
    drop = np.sign(start[1] - end[1]) * 0.8
    return [bezier(start, end),
            *(bezier(start, np.array([start[0], y, 0]), np.array([end[0], y, 0]), end)
              for y in lanes),
            *(bezier(start, np.array([x, start[1], 0]), np.array([x, end[1] + drop, 0]),
                     np.array([end[0], end[1] + drop, 0]), end) for x in sides),
            bezier(start, corner_in, end), bezier(start, corner_out, end),
            *((lambda t, arc=arc: path_along_arc(arc)(start, end, t)) for arc in _ARCS)]



_HAND_OVER = (0.8, 0.9)  # a copy unlike its target fades out from/to, the target fades in after
_EMERGE = 0.25  # a copy covering this share of its source (or more) is not drawn yet


def _tex(mob: Mobject) -> str:
    """What a text says, spaces and braces aside (a value label `2.1` and the part `{2.1}`)."""
    return re.sub(r"[\s{}]", "", getattr(mob, "tex_string", "") or getattr(mob, "text", ""))


def _color(mob: Mobject) -> ManimColor:
    inked = [m for m in mob.family_members_with_points()]
    return inked[0].get_fill_color() if inked else ManimColor(mob.get_color())


def _box(mob: Mobject) -> Box:
    return Box(mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1])


def _covering(a: Box, b: Box) -> float:
    """The share of box `a` that box `b` covers."""
    return _common(a, b) / _area(a) if _area(a) > 0 else 0.0


def symbol_to_tag(scene: Scene, symbol: Mobject, tag: Formula,
                  number_from: Mobject | None = None) -> list[Any]:
    """Animations turning a symbol label into the tag `symbol = value` (`typeset.value_tag`):
    the symbol moves onto the tag's symbol first, then the value slides in, or flies in
    from `number_from` (a number elsewhere on screen). The tag goes on screen whole.

    The tag is often placed where the label stands (both centred under a node): showing
    its `=` and value while the symbol still moves would pile them on the symbol, so they
    come in only once it has arrived."""
    hide(tag)
    scene.add(tag)
    value = tag.part("@v")
    arrive = Fly(number_from, value) if number_from is not None else reveal(value, 0.4 * RIGHT)
    after = squish_rate_func(smooth, 0.5, 1)
    return [Fly(symbol, tag.part("symbol"), move=True, rate_func=squish_rate_func(smooth, 0, 0.5)),
            _timed(reveal(tag.part("=")), after), _timed(arrive, after)]


def _timed(animation: Any, rate_func: Any) -> Any:
    """`animation` (an animation or an `.animate` builder) with `rate_func`."""
    if isinstance(animation, Animation):
        animation.rate_func = rate_func
        return animation
    return animation.build().set_rate_func(rate_func)
