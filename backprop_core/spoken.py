"""How the narration is said aloud: the one place that turns written forms into spoken ones.

The caption (the SRT) keeps the sentence as written; the voice gets `spoken_sentence`
of it. Numbers are spoken exactly as the core's formatting rules write them
(formatting.py), digit for digit, so the voice never says a number the screen does
not show: the true minus becomes "minus", a scientific value "1.2 times 10 to the
minus 5". Symbols are read the way a lecturer says them: ŷ "y-hat", ∂loss/∂w
"d loss by d w", := "becomes", and a parameter's name as its declaration says (lr "the
learning rate", params.py).

Pure Python, no Manim: the scenes, the voice layer and the tests all use it.
"""

from __future__ import annotations

import re

from .formatting import MINUS
from .params import DECLARED

__all__ = ["spoken_number", "spoken_sentence", "spoken_numbers", "SYMBOLS"]

_SUPERSCRIPT_DIGITS = "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPT_DIGITS, "-0123456789")
_SUP = f"[{_SUPERSCRIPT_DIGITS}]+"
_SIGN = f"[{MINUS}-]"
# A number as formatting.py writes it for text: sign, digits, decimals, ×10 and a
# superscript exponent (1.2×10⁻⁵).
_WRITTEN_NUMBER = re.compile(
    rf"(?<![\w.]){_SIGN}?\d+(?:\.\d+)?(?:\u00d710{_SUP})?(?![\w{_SUPERSCRIPT_DIGITS}])")

_YHAT = "(?:\u0177|y\u0302)"
_PARAM = r"(?:w|b|x|y|z|a|" + _YHAT + ")"
# Longest first: a derivative before the letters inside it. (pattern, spoken) pairs.
SYMBOLS: tuple[tuple[str, str], ...] = (
    (rf"\u2202\s*loss\s*/\s*\u2202\s*({_PARAM})", r"d loss by d \1"),
    (rf"\bdloss\s*/\s*d({_PARAM})\b", r"d loss by d \1"),
    (rf"\u2202\s*({_YHAT})\s*/\s*\u2202\s*({_PARAM})", r"d \1 by d \2"),
    (r"\u0394\s*loss", "the change in loss"),
    (r"\u0394\s*(\w)", r"the change in \1"),
    (r":=", " becomes "),
    (r"(?<![<>!=])=(?!=)", " equals "),
    (r"\u2248", " is about "),
    (r"\u00d7", " times "),
    (r"\u00b7", " times "),
    (rf"{_SIGN}\s*\(", " minus, ("),  # −(lr)(g): "minus, lr times g"
    (r"\)\s*\(", " times "),
    (r"\s*[()]\s*", ", "),
    (r"\u2192", ","),
    (r"[\u2191\u2193]", ""),
    (r"\u2014", ","),
    (r"\bReLU\b", "rel-you"),
    *((rf"\b{re.escape(p.name)}\b", p.spoken) for p in DECLARED.values() if p.spoken),
    (r"\by_hat\b", "y-hat"),
    (_YHAT, "y-hat"),
    (rf"(?<=\s){_SIGN}(?=\s)", "minus"),  # y − ŷ: a minus between two terms
    (r"\u00b2", " squared"),
)
_COMPILED = tuple((re.compile(p), s) for p, s in SYMBOLS)


def spoken_number(written: str) -> str:
    """A number as formatting.py wrote it (Shown.text), as the voice says it."""
    text = written.strip()
    if not _WRITTEN_NUMBER.fullmatch(text):
        raise ValueError(f"{written!r} is not a number as the core writes it")
    negative = text[0] in (MINUS, "-")
    body = text[1:] if negative else text
    if "\u00d710" in body:
        mantissa, power = body.split("\u00d710")
        exponent = power.translate(_FROM_SUPERSCRIPT)
        sign = "minus " if exponent.startswith("-") else ""
        body = f"{mantissa} times 10 to the {sign}{exponent.lstrip('-')}"
    return f"minus {body}" if negative else body


def spoken_sentence(written: str) -> str:
    """A narration sentence as the voice says it: numbers and symbols in words."""
    text = _WRITTEN_NUMBER.sub(lambda m: f" {spoken_number(m.group(0))} ", written)
    for pattern, spoken in _COMPILED:
        text = pattern.sub(spoken, text)
    text = re.sub(r"\s+([,.:;!?])", r"\1", text)
    text = re.sub(r",(\s*[,.:;!?])+", lambda m: m.group(0)[-1], text)
    text = re.sub(r"^[\s,]+|[\s,]+$", "", text)
    return re.sub(r"\s+", " ", text).strip()


# A spoken number: what spoken_number returns, found in a spoken sentence.
_SPOKEN_NUMBER = re.compile(
    r"(?:minus )?\d+(?:\.\d+)?(?: times 10 to the (?:minus )?\d+)?(?![\w.]\d)")


def spoken_numbers(spoken: str) -> list[str]:
    """Every number said in a spoken sentence, as spoken (for the speech audit)."""
    return _SPOKEN_NUMBER.findall(spoken)
