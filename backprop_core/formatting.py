"""How every number of the lecture is written: one module, one rule per kind of quantity.

The precisions are chosen so that the default parameters reproduce the outline's
strings exactly (2.1, 4, 3.61, -7.98, -3.8, 0.01, 1.0798, 0.038, 2.87, 0.74):

- given values (the parameters a lecturer types) are written as typed;
- updated parameters (w_next, a weight after training) keep 4 decimals, enough to see
  a step of lr * gradient;
- everything derived (predictions, losses, gradients) keeps 2 decimals.

A non-zero value is never written as 0 (it keeps two significant digits instead),
so a sentence about a sign never contradicts the number beside it. Very large or
very small values switch to scientific notation.

In a column of numbers (a table) every cell shows as many decimals as the cell that
needs the most (`column_decimals`, then `format_fact(..., decimals=)`), trailing zeros
restored, so the column aligns on its decimal point: -0.2471 above -0.2470, never -0.247.

On screen the minus sign is the true minus U+2212; in LaTeX the ordinary '-' already
typesets as one.

These rules write a number once, the same in every language (`Shown`, in ASCII digits
with a decimal point: what data, answer keys and LMS imports read). A language then
writes it with its own symbols (`localize`): its decimal separator and digit grouping as
CLDR has them (through Babel), the true minus on screen, `2{,}1` in LaTeX (a bare comma
in math mode is punctuation and adds a space).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .params import DECLARED

__all__ = ["MINUS", "Shown", "format_number", "format_given", "format_fact", "style_for",
           "decimals_of", "pad_decimals", "column_decimals", "AnswerKey", "answer_key",
           "also_accepting", "shown_value", "NumberFormat", "number_format", "localize",
           "CANONICAL"]

MINUS = "\u2212"
GIVEN_KEYS = frozenset(DECLARED)  # the parameters: a lecturer types them
PARAM_KEYS = frozenset({"w", "b", "w_next", "b_next", "W1", "b1", "W2", "b2", "slope", "intercept",
                        "w_star"})
DECIMALS = {"given": 6, "param": 4, "value": 2}
SCIENTIFIC_ABOVE = 1e5
SCIENTIFIC_BELOW = 1e-4
_SUPERSCRIPT = str.maketrans("-0123456789",
                             "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


@dataclass(frozen=True)
class Shown:
    """A number as written: `text` for Text and subtitles, `tex` for MathTex."""

    text: str
    tex: str

    def __str__(self) -> str:
        return self.text


def _scientific(value: float, significant: int = 3) -> Shown:
    mantissa, exponent = f"{value:.{significant - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    power = int(exponent)
    text = f"{mantissa}\u00d710{str(power).translate(_SUPERSCRIPT)}"
    tex = rf"{mantissa} \times 10^{{{power}}}"
    return Shown(text.replace("-", MINUS), tex)


def _plain(text: str) -> Shown:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return Shown(text.replace("-", MINUS), text)


def format_number(value: float, decimals: int) -> Shown:
    """At most `decimals` decimals, trailing zeros dropped; see the module's rules."""
    if isinstance(value, bool):
        raise TypeError("a truth value is not a number to show")
    if isinstance(value, int):
        return _plain(str(value))
    if not math.isfinite(value):
        raise ValueError(f"cannot show the non-finite value {value!r}")
    magnitude = abs(value)
    if magnitude == 0:
        return Shown("0", "0")
    if _is_scientific(magnitude):
        return _scientific(value)
    return _plain(f"{value:.{_places(magnitude, decimals)}f}")


def _is_scientific(magnitude: float) -> bool:
    return magnitude >= SCIENTIFIC_ABOVE or 0 < magnitude < SCIENTIFIC_BELOW


def _places(magnitude: float, decimals: int) -> int:
    """The decimals `format_number` rounds a non-zero magnitude to, before trailing zeros go."""
    leading = math.floor(math.log10(magnitude))  # 0 for 2.1, -2 for 0.038, 3 for 1234.5
    # At most 6 significant digits for large values, at least 2 for small ones.
    places = min(decimals, max(0, 5 - leading))
    return max(places, 1 - leading) if round(magnitude, places) == 0 else places


def format_given(value: float) -> Shown:
    """A typed-in value as typed (up to 6 significant digits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _plain(str(value))
    text = f"{value:.6g}"
    if "e" in text:
        return _scientific(value, significant=6)  # still as typed: 1.23456e-07, not 1.23e-07
    return _plain(text)


def style_for(path: str) -> str:
    """The formatting rule of a lesson field, from its path (e.g. 'worked_step.w_next')."""
    parts = [p for p in path.split(".") if not p.isdigit()]
    leaf = parts[-1] if parts else path
    if parts and parts[0] in ("params", "worked_step") and leaf in GIVEN_KEYS:
        return "given"
    if path == "network.lr":  # net_lr as typed
        return "given"
    if parts[:1] == ["graph"] and len(parts) == 4:
        # graph.nodes.<name>.value|grad, graph.edges.<a->b>.<field>: the same quantities
        # as the worked step, by the same rules: the inputs and parameters as typed,
        # everything computed on the graph (values of operations, gradients) derived.
        given = parts[1] == "nodes" and parts[2] in GIVEN_KEYS and leaf == "value"
        return "given" if given else "value"
    if "first_grads" in parts:  # gradients, though stored in a Weights record
        return "value"
    if leaf in PARAM_KEYS or (len(parts) >= 2 and parts[-2] in PARAM_KEYS):
        return "param"
    return "value"


def _by_rule(path: str, value: float | int) -> Shown:
    style = style_for(path)
    if style == "given":
        return format_given(value)
    return format_number(value, DECIMALS[style])


def decimals_of(shown: Shown) -> int | None:
    """How many decimals `shown` writes; None in scientific notation."""
    if "\\times" in shown.tex:
        return None
    whole, point, fraction = shown.tex.partition(".")
    return len(fraction) if point else 0


def pad_decimals(shown: Shown, decimals: int) -> Shown:
    """`shown` with trailing zeros up to `decimals` decimals (scientific notation as is)."""
    have = decimals_of(shown)
    if have is None or have >= decimals:
        return shown
    zeros = "0" * (decimals - have)
    point = "" if have else "."
    return Shown(shown.text + point + zeros, shown.tex + point + zeros)


def column_decimals(cells: list[tuple[str, float | int]]) -> int:
    """The decimals a column of (path, value) cells shares: the most any cell's rule writes."""
    return max((decimals_of(_by_rule(path, value)) or 0 for path, value in cells), default=0)


@dataclass(frozen=True)
class AnswerKey:
    """The answer to a question about a lesson field, as a grader accepts it.

    `key` is the number as the lecture writes it, in ASCII and never in scientific
    notation (LMS imports and spreadsheets read it); every answer within `tolerance` of it
    is right. The rounding is the lecture's own for that field: `decimals` decimals, or
    `significant` digits where the lecture switches to scientific notation.
    """

    value: float  # the core's value, unrounded
    key: str
    tolerance: Decimal  # exact: a float would round it, or lose it below 1e-308
    decimals: int | None
    significant: int | None

    @property
    def low(self) -> Decimal:
        return Decimal(self.key) - self.tolerance

    @property
    def high(self) -> Decimal:
        return Decimal(self.key) + self.tolerance


SCIENTIFIC_DIGITS = 3  # _scientific's significant digits


def answer_key(path: str, value: float | int, units: float = 0.5) -> AnswerKey:
    """The key to the lesson field at `path`, rounded as `format_fact` writes it, accepting
    `units` units of its last digit either side (0.5: every answer that rounds to the key)."""
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"'{path}' = {value!r} has no answer key: it is not a finite number")
    style = style_for(path)
    magnitude = abs(value)
    if style == "given" or isinstance(value, int) or magnitude == 0:
        decimals = decimals_of(_by_rule(path, value)) or 0
        decimals = max(decimals, 0 if isinstance(value, int) else DECIMALS.get(style, 0))
        return AnswerKey(float(value), _by_rule(path, value).tex, _units(units, decimals),
                         decimals, None)
    if _is_scientific(magnitude):
        # The digits _scientific writes, made positional in decimal (a float would add noise).
        rounded = Decimal(f"{value:.{SCIENTIFIC_DIGITS - 1}e}")
        places = SCIENTIFIC_DIGITS - 1 - rounded.adjusted()
        return AnswerKey(float(value), f"{rounded:f}", _units(units, places), None,
                         SCIENTIFIC_DIGITS)
    places = _places(magnitude, DECIMALS[style])
    return AnswerKey(float(value), _by_rule(path, value).tex, _units(units, places), places,
                     None)


def also_accepting(key: AnswerKey, path: str, other: float | Decimal) -> AnswerKey:
    """`key` widened to accept `other` too, rounded by the same rule: e.g. the answer
    worked out from the numbers as printed, which the lecture rounded."""
    other_key = answer_key(path, float(other), 0.0).key
    return dataclasses.replace(
        key, tolerance=key.tolerance + abs(Decimal(other_key) - Decimal(key.key)))


_SCIENTIFIC_TEX = re.compile(r"(-?[\d.]+) \\times 10\^\{(-?\d+)\}")


def shown_value(shown: Shown) -> Decimal:
    """The number `shown` writes, exactly (what a reader of the page works with)."""
    match = _SCIENTIFIC_TEX.fullmatch(shown.tex)
    return Decimal(f"{match[1]}e{match[2]}") if match else Decimal(shown.tex)


def _units(units: float, places: int) -> Decimal:
    """`units` units of the digit `places` decimals after the point, exactly."""
    return Decimal(str(units)).scaleb(-places).normalize()


def format_fact(path: str, value: float | int, decimals: int | None = None) -> Shown:
    """Format the lesson field at `path` by its rule; with `decimals` (a table column's,
    see column_decimals) trailing zeros are restored up to that many decimals."""
    shown = _by_rule(path, value)
    return shown if decimals is None else pad_decimals(shown, decimals)


# ----- a language's symbols ------------------------------------------------------------------

@dataclass(frozen=True)
class NumberFormat:
    """How a language writes the symbols of a number: its decimal separator and how it
    groups the digits of a large whole part (CLDR, through Babel)."""

    locale: str | None  # the CLDR locale; None: the canonical form, never grouped
    decimal: str = "."

    def group(self, digits: str) -> str:
        """The whole part `digits` grouped as the locale groups it (1234 -> 1.234 in de)."""
        if self.locale is None or len(digits) < 4:
            return digits
        from babel.numbers import format_decimal

        return format_decimal(Decimal(digits), format="#,##0", locale=self.locale)


CANONICAL = NumberFormat(None)
# A separator as LaTeX math mode writes it: braced, so it is not spacing punctuation.
_TEX_SEPARATORS = {",": "{,}", ".": ".", "\u00a0": "\\,", "\u202f": "\\,", " ": "\\,",
                   "\u2019": "{\\text{\u2019}}", "'": "{'}"}
_CANONICAL_TEX = re.compile(r"(-?)(\d+)(?:\.(\d+))?( \\times 10\^\{-?\d+\})?")


@lru_cache(maxsize=None)
def number_format(locale: str | None) -> NumberFormat:
    """The symbols of the CLDR `locale` ("de", "fr"); None: the canonical form."""
    if locale is None:
        return CANONICAL
    from babel import Locale

    symbols = Locale.parse(locale).number_symbols["latn"]
    return NumberFormat(locale, symbols["decimal"])


def localize(shown: Shown, numbers: NumberFormat) -> Shown:
    """`shown` (as this module writes it) with the symbols of `numbers`: the same digits,
    the language's decimal separator and grouping; the true minus on screen."""
    if numbers.locale is None:
        return shown
    match = _CANONICAL_TEX.fullmatch(shown.tex)
    if match is None:
        raise ValueError(f"{shown.tex!r} is not a number as the core writes it")
    sign, whole, fraction, power = match.groups()
    grouped = numbers.group(whole)
    tex_group = {sep: _TEX_SEPARATORS.get(sep, f"{{{sep}}}") for sep in set(grouped) - set(
        "0123456789")}
    tex_whole = "".join(tex_group.get(c, c) for c in grouped)
    tex_point = _TEX_SEPARATORS.get(numbers.decimal, f"{{{numbers.decimal}}}")
    tex = sign + tex_whole + (tex_point + fraction if fraction else "") + (power or "")
    text_power = shown.text.partition("\u00d7")[2]
    text = (MINUS if sign else "") + grouped + (numbers.decimal + fraction if fraction else "") \
        + ("\u00d7" + text_power if text_power else "")
    return Shown(text, tex)
