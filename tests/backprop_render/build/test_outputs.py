from __future__ import annotations

import pytest

from backprop_render.build.outputs import STAGING_PREFIX, OutputFolder
from backprop_render.errors import UsageError


def staged(folder: OutputFolder, name: str, data: bytes) -> object:
    path = folder.staging / name
    path.write_bytes(data)
    return path


def test_open_creates_the_folder_and_close_leaves_no_staging(tmp_path):
    out = tmp_path / "deep" / "out"
    with OutputFolder(out) as folder:
        assert folder.staging.parent == out and folder.staging.is_dir()
    assert out.is_dir()
    assert not list(out.glob(STAGING_PREFIX + "*"))


def test_commit_replaces_files_whole(tmp_path):
    (tmp_path / "06-backward-propagation.mp4").write_bytes(b"old video")
    with OutputFolder(tmp_path) as folder:
        new = staged(folder, "a", b"new video")
        folder.commit({"06-backward-propagation.mp4": new})
    assert (tmp_path / "06-backward-propagation.mp4").read_bytes() == b"new video"


def test_commit_moves_nothing_if_one_file_of_the_group_is_missing(tmp_path):
    (tmp_path / "02-forward-propagation.mp4").write_bytes(b"old video")
    with OutputFolder(tmp_path) as folder:
        video = staged(folder, "v", b"new video")
        with pytest.raises(ValueError, match="02-forward-propagation.png"):
            folder.commit({"02-forward-propagation.mp4": video,
                           "02-forward-propagation.png": folder.staging / "never-written"})
    assert (tmp_path / "02-forward-propagation.mp4").read_bytes() == b"old video"


def test_a_second_render_into_the_same_folder_is_refused(tmp_path):
    with OutputFolder(tmp_path):
        with pytest.raises(UsageError, match="another render is writing"):
            OutputFolder(tmp_path).open()
    OutputFolder(tmp_path).open().close()  # and the lock is gone afterwards


def test_a_file_in_the_way_is_one_clear_error(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("I am a file")
    with pytest.raises(UsageError, match="a file of that name is in the way"):
        OutputFolder(blocker / "lecture").open()
    with pytest.raises(UsageError, match="output folder"):
        OutputFolder(blocker).open()


def test_staging_left_by_a_killed_render_is_cleared(tmp_path):
    leftover = tmp_path / f"{STAGING_PREFIX}12345"
    (leftover / "06-backward-propagation").mkdir(parents=True)
    with OutputFolder(tmp_path):
        assert not leftover.exists()


def test_json_round_trip_and_a_corrupt_record_reads_as_none(tmp_path):
    with OutputFolder(tmp_path) as folder:
        folder.write_json("facts.json", {"x": 2.1})
        assert folder.read_json("facts.json") == {"x": 2.1}
        (tmp_path / "facts.json").write_text("{ not json")
        assert folder.read_json("facts.json") is None
        assert folder.read_json("absent.json") is None
        assert folder.remove("facts.json") and not folder.remove("facts.json")
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
