"""`@name` templates: a sentence whose numbers are placeholders, each bound to a lesson path.

The narration, the slides' texts and the question bank write numbers this way, never
typed; whoever fills a template decides how a number is written. The standard library
only: the pipeline reads the question bank (lecture/questions.py) without the lesson.
"""

from __future__ import annotations

import re
from typing import Callable

__all__ = ["PLACEHOLDER", "fill", "unbroken_groups", "keep_together"]

PLACEHOLDER = re.compile(r"@([A-Za-z_]\w*)", re.ASCII)  # `@name`: a lesson field, bound by name


def fill(template: str, number: Callable[[str], str],
         literal: Callable[[str], str] = str) -> str:
    """`template` with each `@name` replaced by `number(name)` and the text between them
    passed through `literal` (e.g. LaTeX escaping)."""
    pieces = PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    return "".join(number(piece) if odd else literal(piece)
                   for odd, piece in ((i % 2 == 1, p) for i, p in enumerate(pieces)))


# A line never breaks next to these: "ŷ = 2.1" and "w·x + b" stay whole.
_OPERATORS = frozenset("= + − - × · ≈ := < > ≤ ≥".split())
_NO_BREAK_SPACE = "\u00a0"


def unbroken_groups(sentence: str) -> list[str]:
    """`sentence`'s words, each operator joined (by a space) with the words either side of
    it: the pieces between which a line may break ("With", "ŷ = 2.1,", "what", ...)."""
    groups: list[str] = []
    glue = False  # the last word was an operator: the next one stays with it
    for word in sentence.split():
        operator = word in _OPERATORS
        if groups and (operator or glue):
            groups[-1] += " " + word
        else:
            groups.append(word)
        glue = operator
    return groups


def keep_together(sentence: str) -> str:
    """`sentence` for a page that breaks its lines itself (a browser): the spaces next to
    an operator no-break spaces, so "(y − ŷ)²" never ends one line and starts the next."""
    return " ".join(group.replace(" ", _NO_BREAK_SPACE) for group in unbroken_groups(sentence))
