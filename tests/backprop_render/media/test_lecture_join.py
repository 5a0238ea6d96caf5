"""lecture.mp4 joined by a process of its own as the slides come (lecture_join.py): the same
file as joining them at once, whatever happened to what it was handed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backprop_render.media import video as media
from backprop_render.media.lecture_join import LectureJoin
from tests.backprop_render.media.test_audio import narrated_parts


def test_slides_handed_over_one_by_one_join_into_the_same_file(tmp_path: Path) -> None:
    parts = narrated_parts(tmp_path, (23, 31, 17))
    whole = tmp_path / "whole.mp4"
    chapters = media.concat_videos(parts, whole, {"title": "T"})
    joining = LectureJoin(tmp_path / "joined.mp4", {"title": "T"})
    joining.add(parts[0][0])
    joining.add(parts[1][0])
    joining.finish(parts)  # the third is read now
    assert joining.result() == chapters
    assert (tmp_path / "joined.mp4").read_bytes() == whole.read_bytes()


def test_a_slide_changed_after_it_was_handed_over_is_read_again(tmp_path: Path) -> None:
    parts = narrated_parts(tmp_path, (23, 31))
    joining = LectureJoin(tmp_path / "joined.mp4", {})
    joining.add(parts[0][0])
    joining.add(parts[1][0])
    (tmp_path / "other").mkdir()
    other = narrated_parts(tmp_path / "other", (29,))
    os.replace(other[0][0], parts[0][0])  # slide 1 published again, say
    joining.finish(parts)
    chapters = joining.result()
    media.concat_videos(parts, tmp_path / "whole.mp4")
    assert (tmp_path / "joined.mp4").read_bytes() == (tmp_path / "whole.mp4").read_bytes()
    assert float(chapters[0].end) == pytest.approx(29 / 15)


def test_a_join_that_fails_says_why(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    joining = LectureJoin(tmp_path / "joined.mp4", {})
    joining.add(broken)  # fails in the process; said at the end
    joining.finish([(broken, "1. Broken")])
    with pytest.raises(ValueError, match="broken.mp4"):
        joining.result()


def test_a_stopped_join_leaves_no_process(tmp_path: Path) -> None:
    parts = narrated_parts(tmp_path, (23,))
    joining = LectureJoin(tmp_path / "joined.mp4", {})
    joining.add(parts[0][0])
    joining.stop()
    assert not joining._process.is_alive()
