"""`@name` templates: a sentence whose numbers are placeholders, each bound to a lesson path.

The narration, the slides' texts and the question bank write numbers this way, never
typed; whoever fills a template decides how a number is written. The standard library
only: the pipeline reads the question bank (lecture/questions.py) without the lesson.
"""

from __future__ import annotations

import re
from typing import Callable

__all__ = ["PLACEHOLDER", "fill"]

PLACEHOLDER = re.compile(r"@([A-Za-z_]\w*)", re.ASCII)  # `@name`: a lesson field, bound by name


def fill(template: str, number: Callable[[str], str],
         literal: Callable[[str], str] = str) -> str:
    """`template` with each `@name` replaced by `number(name)` and the text between them
    passed through `literal` (e.g. LaTeX escaping)."""
    pieces = PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    return "".join(number(piece) if odd else literal(piece)
                   for odd, piece in ((i % 2 == 1, p) for i, p in enumerate(pieces)))
