"""How the narration is said aloud: the one place that turns written forms into spoken ones.

The caption (the SRT) keeps the sentence as written; the voice gets `spoken_sentence`
of it. Numbers are spoken exactly as the core's formatting rules write them
(formatting.py), digit for digit, so the voice never says a number the screen does
not show: the true minus becomes "minus", a scientific value "1.2 times 10 to the
minus 5". Symbols are read the way a lecturer says them: ŷ "y-hat", ∂loss/∂w
"d loss by d w", := "becomes", and a parameter's name as its declaration says (lr "the
learning rate", params.py).

The words are the language's (`Spoken(words, numbers)`): `WORDS` holds the English ones,
by name; a language's catalog translates each (context `spoken.NAME`, lecture/i18n.py),
and its `NumberFormat` says how its numbers are written (7,98 in German: said "minus
7,98", the grouping of large numbers left out for the voice). The module's functions
speak English.

Pure Python, no Manim: the scenes, the voice layer and the tests all use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from .formatting import CANONICAL, MINUS, NumberFormat
from .params import DECLARED

__all__ = ["spoken_number", "spoken_sentence", "spoken_numbers", "Spoken", "WORDS",
           "ENGLISH_SPOKEN"]

# What the voice says for each symbol, in English, by name; `@name` marks what a word
# takes (the translator may move it). A parameter's spoken name is `param.NAME`.
WORDS: dict[str, str] = {
    "d_by_d": "d @top by d @bottom",  # ∂loss/∂w
    "change_in": "the change in @x",  # Δw
    "loss": "loss",  # the symbol loss inside a derivative or a change
    "becomes": "becomes",  # :=
    "equals": "equals",  # =
    "is_about": "is about",  # ≈
    "times": "times",  # × and ·, and between (lr)(g)
    "minus": "minus",  # a negative number, or y − ŷ
    "minus_product": "minus,",  # −(lr)(g): "minus, lr times g"
    "squared": "squared",  # ²
    "power": "@m times 10 to the @e",  # 1.2×10⁻⁵
    "y_hat": "y-hat",  # ŷ
    "relu": "rel-you",  # ReLU
    **{f"param.{p.name}": p.spoken for p in DECLARED.values() if p.spoken},
}

_SUPERSCRIPT_DIGITS = "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPT_DIGITS, "-0123456789")
_SUP = f"[{_SUPERSCRIPT_DIGITS}]+"
_SIGN = f"[{MINUS}-]"
_YHAT = "(?:\u0177|y\u0302)"
_PARAM = r"(?:w|b|x|y|z|a|" + _YHAT + ")"
_FILL = re.compile(r"@(\w+)", re.ASCII)


def _fill(template: str, **values: str) -> str:
    return _FILL.sub(lambda m: values[m.group(1)], template)


@dataclass(frozen=True)
class Spoken:
    """The spoken forms of one language: its words for the symbols (as `WORDS`) and how it
    writes numbers."""

    words: Mapping[str, str] = field(default_factory=lambda: dict(WORDS))
    numbers: NumberFormat = CANONICAL

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.words.items())), self.numbers))

    def word(self, name: str, **values: str) -> str:
        return _fill(self.words.get(name, WORDS[name]), **values)

    @property
    def _written(self) -> re.Pattern[str]:
        """A number as formatting.py writes it for text (localized): sign, digits in groups,
        decimals, ×10 and a superscript exponent (1.2×10⁻⁵)."""
        return _written_pattern(self.numbers)

    def number(self, written: str) -> str:
        """A number as formatting.py wrote it (Shown.text), as the voice says it."""
        text = written.strip()
        if not self._written.fullmatch(text):
            raise ValueError(f"{written!r} is not a number as the core writes it")
        negative = text[0] in (MINUS, "-")
        body = text[1:] if negative else text
        group = _group_separator(self.numbers)
        if group:  # the voice reads 12345 better than 12.345 (a German decimal point?)
            body = re.sub(rf"(?<=\d){re.escape(group)}(?=\d{{3}})", "", body)
        if "\u00d710" in body:
            mantissa, power = body.split("\u00d710")
            exponent = power.translate(_FROM_SUPERSCRIPT)
            sign = self.word("minus") + " " if exponent.startswith("-") else ""
            body = self.word("power", m=mantissa, e=sign + exponent.lstrip("-"))
        return f"{self.word('minus')} {body}" if negative else body

    def sentence(self, written: str) -> str:
        """A narration sentence as the voice says it: numbers and symbols in words."""
        text = self._written.sub(lambda m: f" {self.number(m.group(0))} ", written)
        for pattern, spoken in _symbols(self):
            text = pattern.sub(spoken, text)
        text = re.sub(r"\s+([,.:;!?])", r"\1", text)
        text = re.sub(r",(\s*[,.:;!?])+", lambda m: m.group(0)[-1], text)
        text = re.sub(r"^[\s,]+|[\s,]+$", "", text)
        return re.sub(r"\s+", " ", text).strip()

    def numbers_in(self, spoken: str) -> list[str]:
        """Every number said in a spoken sentence, as spoken (for the speech audit)."""
        return _spoken_pattern(self).findall(spoken)


def _group_separator(numbers: NumberFormat) -> str:
    grouped = numbers.group("1000")
    return grouped[1] if len(grouped) == 5 else ""


_WRITTEN: dict[NumberFormat, re.Pattern[str]] = {}


def _written_pattern(numbers: NumberFormat) -> re.Pattern[str]:
    if numbers not in _WRITTEN:
        point, group = re.escape(numbers.decimal), re.escape(_group_separator(numbers))
        whole = rf"\d{{1,3}}(?:{group}\d{{3}})+|\d+" if group else r"\d+"
        _WRITTEN[numbers] = re.compile(
            rf"(?<![\w.,]){_SIGN}?(?:{whole})(?:{point}\d+)?(?:\u00d710{_SUP})?"
            rf"(?![\w{_SUPERSCRIPT_DIGITS}]|[.,]\d)")
    return _WRITTEN[numbers]


_SYMBOLS: dict[Spoken, tuple[tuple[re.Pattern[str], str], ...]] = {}


def _symbols(spoken: Spoken) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, spoken) pairs, longest first: a derivative before the letters inside it."""
    if spoken in _SYMBOLS:
        return _SYMBOLS[spoken]
    def w(name: str, **values: str) -> str:
        """The word as a replacement string: its own backslashes escaped, `values` as given
        (group references)."""
        return _fill(spoken.words.get(name, WORDS[name]).replace("\\", "\\\\"), **values)

    loss = w("loss")
    pairs = (
        (rf"\u2202\s*loss\s*/\s*\u2202\s*({_PARAM})", w("d_by_d", top=loss, bottom=r"\1")),
        (rf"\bdloss\s*/\s*d({_PARAM})\b", w("d_by_d", top=loss, bottom=r"\1")),
        (rf"\u2202\s*({_YHAT})\s*/\s*\u2202\s*({_PARAM})", w("d_by_d", top=r"\1", bottom=r"\2")),
        (r"\u0394\s*loss", w("change_in", x=loss)),
        (r"\u0394\s*(\w)", w("change_in", x=r"\1")),
        (r":=", f" {w('becomes')} "),
        (r"(?<![<>!=])=(?!=)", f" {w('equals')} "),
        (r"\u2248", f" {w('is_about')} "),
        (r"\u00d7", f" {w('times')} "),
        (r"\u00b7", f" {w('times')} "),
        (rf"{_SIGN}\s*\(", f" {w('minus_product')} ("),
        (r"\)\s*\(", f" {w('times')} "),
        (r"\s*[()]\s*", ", "),
        (r"\u2192", ","),
        (r"[\u2191\u2193]", ""),
        (r"\u2014", ","),
        (r"\bReLU\b", w("relu")),
        *((rf"\b{re.escape(p.name)}\b", w(f"param.{p.name}"))
          for p in DECLARED.values() if p.spoken),
        (r"\by_hat\b", w("y_hat")),
        (_YHAT, w("y_hat")),
        (rf"(?<=\s){_SIGN}(?=\s)", w("minus")),  # y − ŷ: a minus between two terms
        (r"\u00b2", f" {w('squared')}"),
    )
    _SYMBOLS[spoken] = tuple((re.compile(p), s) for p, s in pairs)
    return _SYMBOLS[spoken]


_SPOKEN: dict[Spoken, re.Pattern[str]] = {}


def _spoken_pattern(spoken: Spoken) -> re.Pattern[str]:
    """A spoken number: what `Spoken.number` returns, found in a spoken sentence."""
    if spoken not in _SPOKEN:
        minus = re.escape(spoken.word("minus"))
        plain = rf"\d+(?:{re.escape(spoken.numbers.decimal)}\d+)?"
        power = re.escape(spoken.word("power", m="\0", e="\1"))
        power = power.replace("\0", plain).replace("\1", rf"(?:{minus} )?\d+")
        _SPOKEN[spoken] = re.compile(rf"(?:{minus} )?(?:{power}|{plain})(?![\w.,]\d)")
    return _SPOKEN[spoken]


ENGLISH_SPOKEN = Spoken()


def spoken_number(written: str) -> str:
    """A number as formatting.py wrote it (Shown.text), as the English voice says it."""
    return ENGLISH_SPOKEN.number(written)


def spoken_sentence(written: str) -> str:
    """A narration sentence as the English voice says it: numbers and symbols in words."""
    return ENGLISH_SPOKEN.sentence(written)


def spoken_numbers(spoken: str) -> list[str]:
    """Every number said in an English spoken sentence, as spoken (for the speech audit)."""
    return ENGLISH_SPOKEN.numbers_in(spoken)
