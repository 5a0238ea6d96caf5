"""README.md and docs/: links that resolve, pages that are reached, paths that exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from backprop_render import REPO
from tests.docs_checks import (
    anchors,
    broken_links,
    github_anchor,
    missing_paths,
    pages,
    unreachable_pages,
)


def test_every_relative_link_reaches_a_file_and_a_heading() -> None:
    assert broken_links(REPO) == []


def test_every_docs_page_is_reached_from_the_readme() -> None:
    assert len(pages(REPO)) > 1
    assert unreachable_pages(REPO) == []


@pytest.mark.parametrize("page", pages(REPO), ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_path_in_backticks_exists(page: Path) -> None:
    assert missing_paths(page, REPO) == []


@pytest.mark.parametrize("heading, anchor", [
    ("Two commands", "two-commands"),
    ("What comes out, and where", "what-comes-out-and-where"),
    ("Many variants at once: sweeps", "many-variants-at-once-sweeps"),
    ("`lecture.mp4` & the presenter", "lecturemp4--the-presenter"),
    ("Kubernetes (one pod per core)", "kubernetes-one-pod-per-core"),
    ("snake_case and [a link](x.md)", "snake_case-and-a-link"),
    ("Ünïcode stays", "ünïcode-stays"),
])
def test_anchors_follow_githubs_rules(heading: str, anchor: str) -> None:
    assert github_anchor(heading) == anchor


def test_a_repeated_heading_is_numbered_and_code_is_no_heading() -> None:
    text = "# Setup\n## Setup\n```sh\n# not a heading\n```\n## Setup\n"
    assert anchors(text) == {"setup", "setup-1", "setup-2"}


def _site(tmp_path: Path, readme: str, **docs: str) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scenes" / "slide.py").write_text("")
    (tmp_path / ".gitignore").write_text("out/\n")
    (tmp_path / "README.md").write_text(readme)
    for name, text in docs.items():
        (tmp_path / "docs" / f"{name}.md").write_text(text)
    return tmp_path


def test_good_links_pass(tmp_path: Path) -> None:
    root = _site(tmp_path, "# Top\n## Two words\n[a](docs/a.md#the-end) [b](#two-words) "
                           "[web](https://example.org/x#y) [code](scenes/slide.py)\n",
                 a="# A\n## The end\n[up](../README.md#top) [b](b.md)\n", b="# B\n")
    assert broken_links(root) == []
    assert unreachable_pages(root) == []


def test_a_broken_link_a_broken_anchor_and_an_orphan_page_fail(tmp_path: Path) -> None:
    root = _site(tmp_path, "# Top\n[gone](docs/gone.md) [a](docs/a.md#no-such) [self](#nope)\n"
                           "```md\n[in code](ignored.md)\n```\nnor `[a span](ignored.md)`\n",
                 a="# A\n[code](../scenes/slide.py#L3)\n", orphan="# Orphan\n[a](a.md)\n")
    assert broken_links(root) == [
        "README.md: (docs/gone.md) links to a file that does not exist",
        "README.md: (docs/a.md#no-such) names no heading of a.md",
        "README.md: (#nope) names no heading of README.md",
        "docs/a.md: (../scenes/slide.py#L3) has an anchor into a file without headings",
    ]
    assert unreachable_pages(root) == [
        "docs/orphan.md is linked from neither README.md nor a page it links to"]


def test_a_path_in_backticks_that_does_not_exist_fails(tmp_path: Path) -> None:
    root = _site(tmp_path, "# Top\n[a](docs/a.md)\n",
                 a="`scenes/slide.py` and `scenes/*.py` exist; `scenes/gone.py` does not;\n"
                   "a span that `wraps onto\nthe next line` keeps `scenes/kit/slide.py` "
                   "paired; `out/x.mp4` is made by a render, `present/index.html` is not in "
                   "a folder of the repository; `cat scenes/slide.py scenes/lost.py` names two\n"
                   "```sh\ncat scenes/also-gone.py  # a code block holds commands\n```\n")
    assert missing_paths(root / "docs" / "a.md", root) == [
        "docs/a.md: `scenes/gone.py` does not exist",
        "docs/a.md: `scenes/kit/slide.py` does not exist",
        "docs/a.md: `scenes/lost.py` does not exist",
    ]
