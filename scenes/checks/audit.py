"""Audits of a constructed slide: every numeral on screen is a lesson fact or notation.

`SlideScene` tags each text it builds with the formatted lesson numbers it carries
(`fact_texts`) and keeps every text that was ever on screen (`seen_texts`). Here a
text's own facts are struck out, then the short allow-list of notation below, and
any digit left over was typed by hand.
"""

from __future__ import annotations

import re

from manim import DecimalNumber, Mobject, SingleStringMathTex

from lecture.facts import CHECKPOINT

__all__ = ["ALLOWED_NOTATION", "displayed_string", "unexplained_numerals", "numeral_audit",
           "missing_facts"]

# Digits that belong to notation, not to the lesson. Keep this list short: every entry
# is a place where a typed number could hide.
ALLOWED_NOTATION: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("the exponent of a square", re.compile(r"\^\s*\{?\s*2\s*\}?")),
    ("an index subscript", re.compile(r"_\s*\{?\s*\d\s*\}?")),
    ("the 2 of d/dy (y - y_hat)^2 = -2 (y - y_hat)", re.compile(r"-\s*2\s*(?=\(|\\left\(|\\,)")),
)
_DIGITS = re.compile(r"\d+")


def displayed_string(mob: Mobject) -> str:
    """The source text of a text unit: the TeX source of a formula, the string of a Text."""
    if isinstance(mob, SingleStringMathTex):
        return mob.tex_string
    # Manim's Text keeps its string without spaces in `.text`; `original_text` is as written.
    return str(getattr(mob, "original_text", None) or getattr(mob, "text", ""))


def unexplained_numerals(mob: Mobject) -> list[str]:
    """Digits in `mob` that are neither its recorded lesson facts nor allowed notation."""
    if getattr(mob, "numerals_ok", None) or getattr(mob, "axis_tick", False):
        return []
    if isinstance(mob, DecimalNumber):
        return [f"{mob.get_value():g}"]  # a counter's in-between values are not lesson facts
    text = displayed_string(mob)
    for fact in sorted(getattr(mob, "fact_texts", ()), key=len, reverse=True):
        text = text.replace(fact, " ", 1)
    for _, pattern in ALLOWED_NOTATION:
        text = pattern.sub(" ", text)
    return _DIGITS.findall(text)


def numeral_audit(scene) -> list[str]:
    """Every text that was on screen with digits no fact or notation explains."""
    problems = []
    for mob in scene.seen_texts.values():
        digits = unexplained_numerals(mob)
        if digits:
            problems.append(f"{displayed_string(mob)[:60]!r} shows typed numerals {digits}")
    return problems


def _checkpoint_texts(beat: dict) -> list[str]:
    found = beat.get("checkpoint") or {}
    return [found.get(k) or "" for k in ("question", "answer", "accepted", "solution")] + \
        [c["text"] for c in found.get("choices", [])]


def missing_facts(scene) -> list[str]:
    """Recorded facts whose text is in no on-screen text (or the narration, for spoken ones;
    a checkpoint's question and answer, for the numbers it shows)."""
    screen = [displayed_string(m) for m in scene.seen_texts.values()]
    spoken = [beat["text"] for beat in scene.narration]
    asked = [text for beat in scene.narration for text in _checkpoint_texts(beat)]
    problems = []
    for fact in scene.facts.facts:
        haystack = {"narration": spoken, CHECKPOINT: asked}.get(fact.where, screen)
        needle = fact.shown if fact.where in ("narration", CHECKPOINT) else None
        found = any(needle in h for h in haystack) if needle else any(
            fact.tex in h or fact.shown in h for h in haystack)
        if not found:
            problems.append(f"{fact.key} = {fact.shown!r} was recorded but never shown "
                            f"({fact.where})")
    return problems
