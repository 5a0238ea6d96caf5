"""A cached animation whose file is cut short is drawn again (scenes/speedups/whole_segments.py);
without the check, the render fails, and every render after it."""

from __future__ import annotations

import pytest

from lecture import contract
from scenes.speedups import whole_segments
from tests.scenes.speedups.test_play_key import render


def test_a_cut_short_segment_is_drawn_again_not_joined(tmp_path, monkeypatch):
    monkeypatch.setenv(contract.NO_PREFETCH, "1")
    monkeypatch.setenv(contract.SCENE_KEY, "a scene key")
    assert whole_segments.installed()
    scene = render(tmp_path, read_while_playing=False)
    paths = [scene.renderer.file_writer.output_plan.segment_path(h)
             for h in scene.renderer.animations_hashes]
    assert paths and all(whole_segments.whole(p) for p in paths)
    size = paths[0].stat().st_size
    with paths[0].open("r+b") as segment:
        segment.truncate(300)  # a disk that filled up, a copy that stopped
    assert not whole_segments.whole(paths[0])
    again = render(tmp_path, read_while_playing=False)
    assert again.renderer.animations_hashes == scene.renderer.animations_hashes
    assert whole_segments.whole(paths[0]) and paths[0].stat().st_size == size

    # Manim's own check trusts the file, and the join fails on it.
    with paths[0].open("r+b") as segment:
        segment.truncate(300)
    monkeypatch.setattr(whole_segments._Writer, "is_already_cached",
                        whole_segments._original_is_already_cached)
    with pytest.raises(Exception, match="Invalid data"):
        render(tmp_path, read_while_playing=False)
