"""records.read_records: what a render and a sweep's plan read from an output folder."""

from __future__ import annotations

import json
from pathlib import Path

from backprop_render.build import records
from lecture.slides import SLIDES


def _entry(stem_index: int) -> dict:
    slide = SLIDES[stem_index]
    return {"number": slide.number, "slug": slide.slug, "stem": slide.stem,
            "title": slide.title, "scene": slide.scene, "quality": "preview", "params": {},
            "manim_version": "0", "files": {"mp4": f"{slide.stem}.mp4"}, "video": {},
            "gif": None, "subtitles": 0, "manifest": {}}


def test_entries_are_those_of_deck_slides_whose_files_are_there(tmp_path: Path) -> None:
    unknown = {**_entry(1), "stem": "99-gone"}
    (tmp_path / records.FACTS_FILE).write_text(json.dumps(
        {"slides": [_entry(0), _entry(1), unknown, {"not": "an entry"}]}))
    (tmp_path / records.STATE_FILE).write_text(json.dumps({"slides": {}, "mine": 1}))
    (tmp_path / f"{SLIDES[0].stem}.mp4").write_bytes(b"x")  # slide 2's file is missing

    read = records.read_records(tmp_path)

    assert list(read.entries) == [SLIDES[0].stem]
    assert read.state_json == {"slides": {}, "mine": 1}
    assert read.state.other == {"mine": 1}


def test_missing_or_unreadable_records_read_as_empty(tmp_path: Path) -> None:
    assert records.read_records(tmp_path) == records.FolderRecords({}, {}, {})
    (tmp_path / records.FACTS_FILE).write_text("[1, 2")
    (tmp_path / records.STATE_FILE).write_text("[]")
    read = records.read_records(tmp_path)
    assert (read.facts, read.state_json, read.entries) == ({}, {}, {})


def test_a_record_is_decoded_field_by_field_and_a_damaged_one_refused() -> None:
    entry = _entry(0)
    decoded = records.SlideEntry.from_json(entry)
    assert decoded is not None and decoded.to_json() == {**entry, "theme": "dark",
                                                         "language": "en"}
    for damage in ({"number": "1"}, {"files": {"mp4": 3}}, {"manifest": []}, {"gif": 5}):
        assert records.SlideEntry.from_json({**entry, **damage}) is None, damage
    assert records.Publication.from_json({"key": "k", "files": {"a.mp4": "big"}, "id": "i"}) \
        is None
    assert records.Timing.from_json({"seconds": 12, "animations": 40}) == records.Timing(12.0, 40)
    assert records.Timing.from_json({"seconds": 12, "animations": "forty"}) is None
    state = records.RenderState.from_json({"slides": {"a": {"key": "k", "files": {}, "id": 7}}})
    assert state.slides == {}  # a damaged slide record: that slide is rendered again
