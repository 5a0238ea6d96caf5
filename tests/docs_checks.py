"""Checks of the project's Markdown (README.md and docs/*.md), as GitHub shows it.

A relative link must reach a file of the repository and its `#anchor` a heading of the
target; every page under docs/ must be reachable from README.md; every repository path
written in backticks (`backprop_render/build/pipeline.py`) must exist. Each check returns
its findings as messages, so a test shows all of them at once.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["pages", "github_anchor", "anchors", "broken_links", "unreachable_pages",
           "missing_paths"]

_FENCE = re.compile(r"^ *(```|~~~).*?^ *\1[^\n]*$", re.M | re.S)
_LINK = re.compile(r"(?<!!)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$", re.M)
_CODE = re.compile(r"(`+)(.+?)\1", re.S)  # a code span may wrap onto the next line
_REPO_PATH = re.compile(r"[\w.-]+(?:/[\w.*-]+)*/?")


def pages(root: Path) -> list[Path]:
    """README.md and every page under docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("**/*.md"))]


def _prose(text: str) -> str:
    """The text without its fenced code blocks, where `#` and `[x](y)` mean nothing."""
    return _FENCE.sub("", text)


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: its visible text in lower case, punctuation
    dropped (letters, digits, `_` and `-` stay), each space a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
    text = re.sub(r"[`*]|(?<!\w)_|_(?!\w)", "", text)  # code and emphasis marks
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading's anchor; a repeated heading gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for match in _HEADING.finditer(_prose(text)):
        anchor = github_anchor(match[2])
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}-{count}")
    return found


def _relative_links(text: str) -> list[str]:
    return [target for target in _LINK.findall(_CODE.sub("", _prose(text)))
            if not re.match(r"[a-z][a-z0-9+.-]*:", target, re.I)]  # http:, mailto:, ...


def _resolve(page: Path, target: str) -> tuple[Path, str]:
    path, _, anchor = target.partition("#")
    return (page.parent / path).resolve() if path else page, anchor


def broken_links(root: Path) -> list[str]:
    """Every relative link of the pages that reaches no file, or no heading of its target."""
    problems = []
    for page in pages(root):
        for target in _relative_links(page.read_text(encoding="utf-8")):
            path, anchor = _resolve(page, target)
            where = f"{page.relative_to(root)}: ({target})"
            if not path.exists():
                problems.append(f"{where} links to a file that does not exist")
            elif anchor and (path.suffix != ".md" or path.is_dir()):
                problems.append(f"{where} has an anchor into a file without headings")
            elif anchor and anchor not in anchors(path.read_text(encoding="utf-8")):
                problems.append(f"{where} names no heading of {path.name}")
    return problems


def unreachable_pages(root: Path) -> list[str]:
    """The pages under docs/ that no chain of links from README.md reaches."""
    reached, todo = set(), [(root / "README.md").resolve()]
    while todo:
        page = todo.pop()
        if page in reached or page.suffix != ".md" or not page.is_file():
            continue
        reached.add(page)
        todo += [_resolve(page, target)[0]
                 for target in _relative_links(page.read_text(encoding="utf-8"))]
    return [f"{page.relative_to(root)} is linked from neither README.md nor a page it links to"
            for page in pages(root)[1:] if page.resolve() not in reached]


def _generated_folders(root: Path) -> set[str]:
    """Folders .gitignore keeps out of the repository (out/, .render-cache/, ...): a path
    into them names what a render writes, not a file of the repository."""
    ignore = root / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.exists() else []
    return {line.strip().strip("/") for line in lines if line.strip().endswith("/")}


def missing_paths(page: Path, root: Path) -> list[str]:
    """Every path in backticks on the page, alone or in a command, that starts in a folder
    of the repository (`scenes/kit/slide.py`, `tests/scenes/control_data/slides/`) but does
    not exist there; `*` matches as in a shell, NN two digits."""
    generated = _generated_folders(root)
    problems = []
    for _, code in _CODE.findall(_prose(page.read_text(encoding="utf-8"))):
        for word in code.split():  # a command names its files too: `bench/voice.py --sessions`
            word = word.removeprefix("./")
            if "/" not in word or not _REPO_PATH.fullmatch(word):
                continue
            first = word.split("/", 1)[0]
            if first in generated or first in ("", "..") or not (root / first).is_dir():
                continue
            # NN stands for a slide's number, as in `scenes/sNN_*.py`.
            if not any(root.glob(word.rstrip("/").replace("NN", "[0-9][0-9]"))):
                problems.append(f"{page.relative_to(root)}: `{word}` does not exist")
    return problems
