"""Lesson numbers on screen: where a lesson path becomes a recorded, formatted number.

`Typesetter` formats lesson fields by the core's rules, records each as a shown fact
(`FactRecorder.show`) and builds the formula (`tex`) or text (`text`) that carries it,
tagged with the facts it shows so the numeral audit can tell them from typed digits.
A `SlideScene` makes one per slide. A drawing that writes numbers takes any
`FactMaker` (the protocol below) instead of the scene, so it can be built and tested
on its own: `Typesetter(FactRecorder(TrackedLesson(lesson)))` is all it needs.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from manim import DOWN, LEFT, MathTex, Mobject, Text, VGroup

from backprop_core import format_fact
from lecture.facts import FactRecorder
from lecture.i18n import Catalog, words_of
from lecture.templates import unbroken_groups
from scenes.kit import notation, theme
from scenes.kit.formula import PLACEHOLDER, Formula, Part
from scenes.kit.placement import fit_width

__all__ = ["FactMaker", "Typesetter", "PLACEHOLDER", "value_tag", "paragraph"]

# The width of an average character of DejaVu Sans per unit of font size (0.216 Manim units
# at 30, measured over a sentence of the question bank): where a paragraph breaks its lines.
_CHARACTER_WIDTH = 0.0072


class FactMaker(Protocol):
    """What a drawing needs to write lesson numbers: read a value, and typeset fields."""

    def lookup(self, key: str) -> Any:
        """The lesson value at `key` (recorded as read)."""

    def tex(self, *parts: str | Part, font_size: float = ..., color: str = ...,
            colors: dict[str, str] | None = None, **keys: str) -> Formula:
        """A formula whose `@name` placeholders are the lesson fields `keys[name]`."""

    def text(self, sentence: str, font_size: float = ..., color: str = ..., mono: bool = False,
             decimals: int | None = None, count: int | None = None, **keys: str) -> Text:
        """Plain text in the slide's language whose `@name` placeholders are the lesson
        fields `keys[name]`, with `decimals` decimals at least when the text is a cell of a
        table column; `count` chooses a plural's form."""

    def column_decimals(self, keys: list[str]) -> int:
        """The decimals a table column of these lesson fields shares."""


def _tag(mob: Mobject, shown: list[str], keys: list[str]) -> Mobject:
    """Remember which lesson numbers a text carries (as shown, and their lesson paths), so an
    audit can tell them from typed ones and a test can tell which step a number is of."""
    mob.fact_texts, mob.fact_keys = tuple(shown), tuple(keys)
    return mob


class Typesetter:
    """The `FactMaker` of a slide: every number it sets is recorded by `facts`."""

    def __init__(self, facts: FactRecorder, catalog: Catalog | None = None,
                 context: str | None = None) -> None:
        self.facts = facts
        # The language of its texts, and the catalog context a text written in the slide is
        # found under (its slug); none: English, as written.
        self.catalog, self.context = catalog, context

    def __deepcopy__(self, memo: dict[int, Any]) -> Typesetter:
        return self  # a service shared by a drawing and its copies, not part of the drawing

    def lookup(self, key: str) -> Any:
        return self.facts.lesson.lookup(key)

    def number(self, key: str, color: str = theme.TEXT,
               font_size: float = theme.TEX_SIZE) -> MathTex:
        """One lesson field as a formula-set number."""
        shown = self.facts.show(key)
        return _tag(MathTex(shown.tex, color=color, font_size=font_size), [shown.tex], [key])

    def tex(self, *parts: str | Part, font_size: float = theme.TEX_SIZE, color: str = theme.TEXT,
            colors: dict[str, str] | None = None, **keys: str) -> Formula:
        """A formula whose `@name` placeholders are lesson fields; parts equal to a
        symbol of `notation.SYMBOL_COLORS` (or of `colors`) take its colour. Its parts are
        found by name (`Formula.part`)."""
        used: list[str] = []
        paths: list[str] = []

        def fill(match: re.Match[str]) -> str:
            paths.append(keys[match.group(1)])
            used.append(self.facts.show(paths[-1]).tex)
            return used[-1]

        sources = [p.tex if isinstance(p, Part) else p for p in parts]
        filled = [PLACEHOLDER.sub(fill, p) for p in sources]
        named = [Part(p.name, f) if isinstance(p, Part) else Part(p, f)
                 for p, f in zip(parts, filled, strict=True)]
        formula = _tag(Formula(*named, sources=sources, font_size=font_size, color=color), used,
                       paths)
        palette = {**notation.SYMBOL_COLORS, **(colors or {})}
        for part, mob in zip(filled, formula.submobjects, strict=True):
            if part.strip() in palette:
                mob.set_color(palette[part.strip()])
        return formula

    def text(self, sentence: str, font_size: float = theme.BODY_SIZE, color: str = theme.TEXT,
             mono: bool = False, decimals: int | None = None, count: int | None = None,
             **keys: str) -> Text:
        """Plain on-screen text in the slide's language; `@name` placeholders are lesson
        fields (true minus sign), with `decimals` decimals at least when the text is a cell
        of a table column; `count` chooses a plural's form."""
        used: list[str] = []
        paths: list[str] = []
        if self.catalog is not None and words_of(sentence):
            sentence = self.catalog.text(sentence, self.context, count)

        def fill(match: re.Match[str]) -> str:
            paths.append(keys[match.group(1)])
            used.append(self.facts.show(paths[-1], decimals=decimals).text)
            return used[-1]

        filled = PLACEHOLDER.sub(fill, sentence)
        return _tag(Text(filled, font=theme.MONO if mono else theme.FONT, font_size=font_size,
                         color=color), used, paths)

    def column_decimals(self, keys: list[str]) -> int:
        """The decimals a table column of these lesson fields shares (formatting.py)."""
        return self.facts.column_decimals(keys)


def value_tag(facts: FactMaker, symbol: str, key: str, color: str) -> Formula:
    """The tag `symbol = value` (parts "symbol", "=", "@v"), the value in `color`."""
    tag = facts.tex(Part("symbol", symbol), "=", "@v", v=key)
    tag.part("@v").set_color(color)
    return tag


def paragraph(facts: FactMaker, sentence: str, width: float, font_size: float = theme.BODY_SIZE,
              color: str = theme.TEXT, line_gap: float = 0.16, **keys: str) -> VGroup:
    """`sentence` set as left-aligned lines of at most `width`, broken between words; each
    line a text of `facts` (`@name` placeholders are the lesson fields `keys[name]`)."""
    def shown(word: str) -> str:  # a word as printed, to measure it
        return PLACEHOLDER.sub(lambda m: format_fact(keys[m[1]], facts.lookup(keys[m[1]])).text,
                               word)

    room = width / (_CHARACTER_WIDTH * font_size)
    words = unbroken_groups(sentence)  # never broken next to an operator
    lines: list[list[str]] = []
    length = 0
    for word in words:
        size = len(shown(word))
        if lines and length + 1 + size <= room:
            lines[-1].append(word)
            length += 1 + size
        else:
            lines.append([word])
            length = size
    texts = VGroup(*(fit_width(facts.text(" ".join(line), font_size=font_size, color=color,
                                          **keys), width) for line in lines))
    for line in texts:
        line.paragraph = texts  # a check reads the lines as the one sentence they set
    return texts.arrange(DOWN, aligned_edge=LEFT, buff=line_gap)
