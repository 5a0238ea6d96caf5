"""What a screen reader, a search and a copy need of handout.pdf, read back with pypdf.

`handout_problems` lists what is missing: a title, a language, a structure tree (a
tagged PDF), alternative text on each figure, and every sentence as text, in order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator, Sequence

from pypdf import PdfReader


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def structure(node: Any) -> Iterator[Any]:
    """Every structure element under `node`, depth first (the document's reading order)."""
    node = node.get_object()
    if "/S" in node:
        yield node
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "keys"):  # not a marked-content id
            yield from structure(kid)


def handout_problems(path: Path, sentences: Sequence[str], figures: int) -> list[str]:
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    problems = []
    if not (reader.metadata and reader.metadata.title):
        problems.append("no document title")
    if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
        problems.append("a viewer shows the file name, not the title")
    if not root.get("/Lang"):
        problems.append("no document language (/Lang)")
    if not root.get("/MarkInfo", {}).get("/Marked") or "/StructTreeRoot" not in root:
        problems.append("not a tagged PDF: no structure tree")
        found = []
    else:
        found = [n for n in structure(root["/StructTreeRoot"]) if n["/S"] == "/Figure"]
    if len(found) != figures:
        problems.append(f"{len(found)} figures tagged, not {figures}")
    problems += [f"figure {i} has no alternative text" for i, n in enumerate(found, 1)
                 if not str(n.get("/Alt", "")).strip()]
    text, cursor = _words(" ".join(page.extract_text() for page in reader.pages)), 0
    for sentence in sentences:
        at = text.find(_words(sentence), cursor)
        if at < 0:
            problems.append(f"not found as text (after the sentences before it): {sentence!r}")
        else:
            cursor = at + len(_words(sentence))
    return problems
