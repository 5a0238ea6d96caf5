"""Finished slides in the user cache: found only under the same key and read values, whole."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from backprop_core import Params, build_lesson
from backprop_render.build import finished
from backprop_render.build.pipeline import CacheReport
from backprop_render.build.records import SlideEntry
from lecture.facts import value_at
from lecture.user_cache import UserCache

KEY = "k" * 64
LESSON = build_lesson(Params())


def entry(folder: Path, reads: list[str], lesson=LESSON, mp4: bytes = b"video") -> SlideEntry:
    files = {"mp4": "04-gradient-descent.mp4", "srt": "04-gradient-descent.srt"}
    (folder / files["mp4"]).write_bytes(mp4)
    (folder / files["srt"]).write_bytes(b"1\n00:00:00,000 --> 00:00:01,000\nhello\n")
    manifest = {"facts": [], "reads": {p: value_at(lesson, p) for p in reads}}
    return SlideEntry(number=4, slug="gradient-descent", stem="04-gradient-descent",
                      title="Gradient Descent", scene="GradientDescent", quality="preview",
                      params=dataclasses.asdict(Params()), manim_version="0.22",
                      files=files, video={}, gif=None, subtitles=1, manifest=manifest)


@pytest.fixture
def cache(tmp_path: Path) -> UserCache:
    made = UserCache.open(tmp_path / "cache")
    yield made
    made.close()


def test_a_slide_is_found_under_its_key_when_every_value_it_read_is_the_same(cache, tmp_path):
    stored = entry(tmp_path, ["worked_step.x", "descent.steps.0.w"])
    assert finished.store(cache, KEY, stored, tmp_path)
    found = finished.find(cache, KEY, build_lesson(Params(x=2.1)))  # x is 2.1 by default
    assert found is not None and found.entry == stored
    assert found.files == {"mp4": b"video",
                           "srt": (tmp_path / "04-gradient-descent.srt").read_bytes()}
    # Another parameter that changes nothing it read: found too.
    assert finished.find(cache, KEY, build_lesson(Params(epochs=7))) is not None


def test_a_changed_value_or_another_key_finds_nothing(cache, tmp_path):
    finished.store(cache, KEY, entry(tmp_path, ["worked_step.x", "descent.steps.1.w"]), tmp_path)
    assert finished.find(cache, KEY, build_lesson(Params(lr=0.02))) is None  # the step moves
    assert finished.find(cache, KEY, build_lesson(Params(x=3.0))) is None
    assert finished.find(cache, "j" * 64, LESSON) is None


def test_each_set_of_reads_of_a_key_is_found(cache, tmp_path):
    # A verdict may make a scene read other values: both drawings are kept.
    other = build_lesson(Params(lr=0.3))
    first = entry(tmp_path, ["descent.steps.1.w"])
    finished.store(cache, KEY, first, tmp_path)
    second = entry(tmp_path, ["descent.steps.2.w", "worked_step.x"], other, mp4=b"diverging")
    finished.store(cache, KEY, second, tmp_path)
    assert finished.find(cache, KEY, other).files["mp4"] == b"diverging"
    assert finished.find(cache, KEY, LESSON).files["mp4"] == b"video"
    assert finished.find(cache, KEY, build_lesson(Params(lr=0.1))) is None


def test_a_damaged_or_evicted_file_finds_nothing_and_is_dropped(cache, tmp_path):
    finished.store(cache, KEY, entry(tmp_path, ["worked_step.x"]), tmp_path)
    entries = cache._entries()
    name = next(k for k in entries.iterkeys() if k.startswith("slide-file/")
                and cache.get("slide-file", k.split("/")[1]) == b"video")
    value, tag = entries.get(name, tag=True)
    entries.set(name, b"vide0", tag=tag)  # altered in place: its MAC no longer matches
    assert finished.find(cache, KEY, LESSON) is None
    assert name not in entries and cache.repaired["slide-file"] == 1
    # The render's report counts the slides taken, not this read of the slide's record.
    report = CacheReport.of(cache, [], finished=0)
    assert cache.use()["taken"]["slide"] == 1 and "slide" not in report.taken
    # Drawn again, the slide is stored whole again: its record alone was useless.
    assert finished.store(cache, KEY, entry(tmp_path, ["worked_step.x"]), tmp_path)
    assert finished.find(cache, KEY, LESSON).files["mp4"] == b"video"


def test_a_slide_too_large_for_its_share_of_the_cache_is_not_stored(tmp_path):
    small = UserCache.open(tmp_path / "cache", limit=8 * 1024)
    try:
        assert not finished.store(small, KEY, entry(tmp_path, ["worked_step.x"],
                                                    mp4=b"x" * 2048), tmp_path)
        assert finished.find(small, KEY, LESSON) is None
    finally:
        small.close()
