"""The order of writes when a slide is published is the crash-safety protocol (see
`pipeline._DeckRender.publish`): a render that dies after any one of them leaves a folder the
next render completes, rendering again exactly the slide whose publication was cut short."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from backprop_render.build import outputs
from tests.backprop_render.build.test_pipeline import FakeRenderer, render

SLIDE1, SLIDE2 = "01-what-is-backpropagation", "02-forward-propagation"
# Slide 1 reads y, slide 2 reads x: changing x renders slide 2 alone again.
READS = {1: ["worked_step.y"], 2: ["worked_step.x"]}


class Crash(BaseException):
    """Dies like a killed process: no `except Exception` handles it."""


class Writes:
    """Records every change to the output folder: a file moved into place (each JSON file
    is written in the staging folder and moved too) or deleted; crashes before write `crash_at`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path,
                 crash_at: int | None = None) -> None:
        self.folder, self.crash_at = folder, crash_at
        self.names: list[str] = []
        replace, remove = os.replace, outputs.OutputFolder.remove

        def recorded_replace(source, target, *args, **kwargs):
            if Path(target).parent == self.folder:
                self.write(f"{Path(target).name}")
            return replace(source, target, *args, **kwargs)

        def recorded_remove(folder_self, name):
            if (folder_self.path / name).exists():
                self.write(f"delete {name}")
            return remove(folder_self, name)

        monkeypatch.setattr(os, "replace", recorded_replace)
        monkeypatch.setattr(outputs.OutputFolder, "remove", recorded_remove)

    def write(self, what: str) -> None:
        if len(self.names) + 1 == self.crash_at:
            raise Crash(what)
        self.names.append(what)


# Publishing slide 2 rendered without a GIF, then joining the lecture again; numbered as in
# the docstrings of `publish` and `join_lecture`.
PROTOCOL = [
    f"{SLIDE1}.facts.json",  # slide 1, kept: true for the new parameters (it reads no x)
    ".render-state.json",  # 1. slide 2 no longer trusted
    f"{SLIDE2}.mp4", f"{SLIDE2}.png", f"{SLIDE2}.srt",  # 2. its files, atomically each
    f"delete {SLIDE2}.gif",  # 2. the GIF it did not remake
    f"{SLIDE2}.facts.json",  # 3.
    "facts.json",  # 4.
    ".render-state.json",  # 5. slide 2 trusted again
    ".render-state.json",  # lecture 1. the lecture no longer trusted
    "lecture.mp4", "lecture.srt", "lecture.vtt",  # lecture 2.
    ".render-state.json",  # lecture 3. the lecture trusted again
    "lecture-script.md",  # lecture 4. its times on the lecture just joined
    "facts.json",  # the lecture's entry
]
# The number of writes done when slide 2 is trusted again: step 5, the second state write.
TRUSTED_AT = [i for i, name in enumerate(PROTOCOL) if name == ".render-state.json"][1] + 1


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Slides 1 and 2 and their lecture, rendered with the defaults; slide 2 with a GIF."""
    folder = tmp_path_factory.mktemp("published") / "out"
    render(folder, [1, 2], FakeRenderer(reads=READS), gif_width=None)
    render(folder, [2], FakeRenderer(reads=READS), gif_width=32)
    # Gone, so that the render under test writes it (lecture 4.): the stand-in's sentences
    # hold no x, and an unchanged script is not rewritten.
    (folder / "lecture-script.md").unlink()
    return folder


def copy_of(published: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    shutil.copytree(published, folder)
    return folder


def record(folder: Path) -> tuple[dict, dict]:
    """facts.json without its 'lesson', and the state without publication ids and timings."""
    facts = json.loads((folder / "facts.json").read_text())
    state = json.loads((folder / ".render-state.json").read_text())
    return ({k: v for k, v in facts.items() if k != "lesson"},
            {stem: (r["key"], r["files"]) for stem, r in state["slides"].items()})


def test_publishing_writes_in_the_documented_order(published, tmp_path, monkeypatch):
    folder = copy_of(published, tmp_path)
    writes = Writes(monkeypatch, folder)
    summary = render(folder, [1, 2], FakeRenderer(reads=READS), gif_width=None, x=3.0)
    assert [r.slide.number for r in summary.rendered] == [2] and summary.lecture_rebuilt
    assert writes.names == PROTOCOL


@pytest.mark.parametrize("crash_at", range(1, len(PROTOCOL) + 1))
def test_a_crash_before_any_write_leaves_a_folder_the_next_render_completes(
        published, tmp_path, monkeypatch, crash_at):
    expected = copy_of(published, tmp_path / "expected")
    render(expected, [1, 2], FakeRenderer(reads=READS), gif_width=None, x=3.0)

    folder = copy_of(published, tmp_path)
    with monkeypatch.context() as patch:
        writes = Writes(patch, folder, crash_at)
        with pytest.raises(Crash):
            render(folder, [1, 2], FakeRenderer(reads=READS), gif_width=None, x=3.0)
    assert writes.names == PROTOCOL[:crash_at - 1]  # nothing more was written on the way out

    renderer = FakeRenderer(reads=READS)
    summary = render(folder, [1, 2], renderer, gif_width=None, x=3.0)
    # Slide 2 is published again unless its publication was complete; slide 1 never is.
    # (Taken from the user cache, finished: the render of `expected` stored it there.)
    assert [n for n, _ in renderer.calls] == []
    assert [s.number for s in summary.taken] == ([2] if crash_at <= TRUSTED_AT else [])
    assert summary.lecture is not None
    assert record(folder) == record(expected)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in expected.iterdir())
    for name in ("lecture.srt", "lecture.vtt", f"{SLIDE2}.srt", "lecture-script.md"):
        assert (folder / name).read_bytes() == (expected / name).read_bytes()
