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
from scenes.checks.paused_frames import MAX_SHARED, _common, shared

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
    each other:
    - what flies is what the target shows: the glyphs the two have in common (`2.1` out of
      `×2.1`), landing on their own places in the target, whose other glyphs (the brackets
      of `(−2)`) fade in around them as they land; a copy that shares no run of glyphs
      with its target fades out just before the target fades in. No glyph morphs into
      another, and the copy grows or shrinks to the target's size;
    - its path bends around the texts on screen, if a bend clears more of them than the
      straight line;
    - wherever a text still lies under it (its own source as it leaves, a label it must
      pass), the copy fades out before the two could be read as piled up, by the measure of
      the paused-frame check (scenes/checks/paused_frames.py), and shows again once clear.

    With `move=True` the source is taken off screen as the copy leaves (the scene must
    hold it at top level, or the caller detaches it from its group first)."""

    def __init__(self, source: Mobject, target: Mobject, move: bool = False, **kwargs: Any) -> None:
        self.landing, self.source, self.move = target, source, move
        sources, targets = range(_glyph_count(source)), range(_glyph_count(target))
        run = _common_run(_outlines(source), _outlines(target))
        # Matched: the copy carries all the target shows, or all of the source.
        self.matched = run is not None and (len(run[0]) == len(sources)
                                            or len(run[1]) == len(targets))
        # Carried: the source's glyphs that fly; landed: the target's glyphs they become;
        # extra: the target's glyphs that fade in as the copy lands (all, if unmatched).
        self.carried, self.landed = run if self.matched and run else (sources, targets)
        self.extra = [j for j in targets if not self.matched or j not in self.landed]
        # Both hidden until the flight begins (in a Succession it may wait its turn on screen).
        self.traveller = _keeping(source, self.carried).set_opacity(0)
        self.arrival = _keeping(target, self.extra).set_opacity(0)
        self.scene: Scene | None = None
        super().__init__(VGroup(self.traveller, self.arrival), remover=True, **kwargs)

    def _setup_scene(self, scene: Scene) -> None:
        super()._setup_scene(scene)
        self.scene = scene
        if self.move:
            scene.remove(self.source)

    def begin(self) -> None:
        self.shape = _keeping(self.source, self.carried).set_opacity(1)
        # Where the target is by now.
        self.arrival.become(_keeping(self.landing, self.extra).set_opacity(0))
        landing_run = _keeping(self.landing, self.landed)
        self.start, self.end = self.shape.get_center(), landing_run.get_center()
        self.source_box = _box(self.source)
        # A copy just off its source would read as one text with it ("2.1×2.1"): it shows
        # fully only once this far away (nearer, if its target is nearer).
        self.emerge = min(_EMERGE, _gap(self.source_box, _box(landing_run)))
        self.scale = _size_ratio(landing_run, self.shape)
        self.colors = (_color(self.source), _color(self.landing))
        # The texts on screen but its own copies (which may sit in a Succession's group).
        own = {id(m) for m in self.mobject.get_family()}
        self.texts = [] if self.scene is None else [
            unit for mob in self.scene.mobjects for unit in text_units(mob) if id(unit) not in own]
        self.path = self._route()
        super().begin()

    def _route(self) -> Callable[[float], np.ndarray]:
        """Of a few paths from the source to the target, the one along which the copy
        covers least of the texts on screen (their glyphs, its own formula's too), each
        text measured as the paused-frame check measures it (against the smaller of the
        two); the straight line when nothing is in the way."""
        paths = _paths(self.start, self.end)
        own = {id(m) for m in self.source.get_family()}
        glyphs = [(index, box) for index, unit in enumerate(self.texts)
                  for glyph in unit.family_members_with_points()
                  if id(glyph) not in own and (box := visible_box(glyph)) is not None]
        if not glyphs:
            return paths[0]
        obstacles = np.array([(box.left, box.right, box.bottom, box.top) for _, box in glyphs])
        # glyph -> its text, to sum what the copy covers of each text
        of_text = np.zeros((len(glyphs), len(self.texts)))
        of_text[np.arange(len(glyphs)), [index for index, _ in glyphs]] = 1
        text_area = ((obstacles[:, 1] - obstacles[:, 0])
                     * (obstacles[:, 3] - obstacles[:, 2])) @ of_text
        t = _PATH_SAMPLES[:, None]
        half = np.array([self.shape.width, self.shape.height]) / 2 * (1 + (self.scale - 1) * t)
        smaller = np.minimum(np.prod(2 * half, axis=1)[:, None], text_area[None, :])

        def covered(path: Callable[[float], np.ndarray]) -> float:
            """How much of the copy or of the texts it passes they share, summed along the
            path; a graze that no one would read as a pile-up counts nothing."""
            centres = np.array([path(float(u))[:2] for u in _PATH_SAMPLES])
            low, high = centres - half, centres + half
            width = (np.minimum(high[:, None, 0], obstacles[None, :, 1])
                     - np.maximum(low[:, None, 0], obstacles[None, :, 0])).clip(0)
            height = (np.minimum(high[:, None, 1], obstacles[None, :, 3])
                      - np.maximum(low[:, None, 1], obstacles[None, :, 2])).clip(0)
            share = ((width * height) @ of_text) / np.maximum(smaller, 1e-9)
            return float(np.where(share > _GRAZE, share, 0).sum())

        costs = [covered(path) for path in paths]
        return paths[int(np.argmin(costs))]  # the first of equals: straight, then tidy curves

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        traveller = self.traveller
        traveller.become(self.shape)
        traveller.scale(1 + (self.scale - 1) * t)
        traveller.move_to(self.path(t))
        if self.matched:  # the copy becomes the target's glyphs; the rest fade in around it
            traveller.set_color(interpolate_color(*self.colors, t))
            shown = 1.0
            arriving = float(np.clip((t - _HAND_OVER[1]) / (1 - _HAND_OVER[1]), 0, 1))
        else:  # out over the last stretch but one, then the target in over the last
            shown = float(np.clip((_HAND_OVER[1] - t) / (_HAND_OVER[1] - _HAND_OVER[0]), 0, 1))
            arriving = float(np.clip((t - _HAND_OVER[1]) / (1 - _HAND_OVER[1]), 0, 1))
        if shown > 0 and t < 1:  # landed, it is the target's own glyphs
            shown *= self._clear()
        traveller.set_opacity(shown)
        self.arrival.set_opacity(arriving)

    def _clear(self) -> float:
        """1 while the copy is clear of the texts on screen; down to 0 as one covers as much
        of it as the paused-frame check allows (a label in the way), or as it nears its
        source (leaving it)."""
        box = visible_box(self.traveller)
        if box is None:
            return 1.0
        share = max((shared(self.traveller, unit) for unit in self.texts
                     if (other := visible_box(unit)) is not None and _common(box, other) > 0),
                    default=0.0)
        clear = float(np.clip((MAX_SHARED - share) / (MAX_SHARED - _GRAZE), 0, 1))
        if not self.move and self.emerge > 0:
            clear *= float(np.clip(_gap(box, self.source_box) / self.emerge, 0, 1))
        return clear

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


def _glyph_count(mob: Mobject) -> int:
    return len(mob.family_members_with_points())


def _outlines(mob: Mobject) -> list[np.ndarray]:
    """Each glyph's outline, moved to the origin and scaled to unit size: the same glyph
    at another place, size or colour has the same outline."""
    found = []
    for glyph in mob.family_members_with_points():
        points = glyph.points[:, :2] - glyph.points[:, :2].min(axis=0)
        found.append(points / max(float(points.max()), 1e-9))
    return found


def _common_run(a: list[np.ndarray], b: list[np.ndarray]) -> tuple[range, range] | None:
    """The longest run of glyphs that `a` and `b` show alike, as their indices in each."""
    def same(p: np.ndarray, q: np.ndarray) -> bool:
        return p.shape == q.shape and bool(np.allclose(p, q, atol=_SAME_OUTLINE))

    best: tuple[int, int, int] = (0, 0, 0)  # length, start in a, start in b
    for i in range(len(a)):
        for j in range(len(b)):
            length = 0
            while i + length < len(a) and j + length < len(b) and same(a[i + length],
                                                                       b[j + length]):
                length += 1
            best = max(best, (length, -i, -j))
    length, i, j = best[0], -best[1], -best[2]
    return (range(i, i + length), range(j, j + length)) if length else None


_SAME_OUTLINE = 0.01  # outlines (at unit size) that differ less are the same glyph


def _keeping(mob: Mobject, glyphs: range | list[int]) -> Mobject:
    """A copy of `mob` with only the glyphs numbered `glyphs` (in family order) left in it."""
    copy = mob.copy()
    drop = {id(g) for i, g in enumerate(copy.family_members_with_points()) if i not in glyphs}
    for member in copy.get_family():
        member.submobjects = [m for m in member.submobjects if id(m) not in drop]
    return copy


def _size_ratio(target: Mobject, copy: Mobject) -> float:
    """How much `copy` must grow to `target`'s size (by width if it has one: a minus sign)."""
    for size in ("width", "height"):
        if getattr(copy, size) > 1e-6 and getattr(target, size) > 1e-6:
            return getattr(target, size) / getattr(copy, size)
    return 1.0


_EMERGE = 0.3  # Manim units: a copy this far from its source reads as a text of its own


def _box(mob: Mobject) -> Box:
    return Box(mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1])


def _gap(a: Box, b: Box) -> float:
    """The distance between two boxes (0 if they meet)."""
    return float(np.hypot(max(a.left - b.right, b.left - a.right, 0),
                          max(a.bottom - b.top, b.bottom - a.top, 0)))


def _color(mob: Mobject) -> ManimColor:
    inked = [m for m in mob.family_members_with_points()]
    return inked[0].get_fill_color() if inked else ManimColor(mob.get_color())


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
