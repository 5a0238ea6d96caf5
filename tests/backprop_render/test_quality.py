from __future__ import annotations

import pytest

from backprop_render.errors import UsageError
from backprop_render.quality import DEFAULT_QUALITY, GIF_FPS, QUALITIES, find_quality


def test_the_names_lecturers_script_stay_stable():
    assert list(QUALITIES) == ["preview", "720p", "1080p", "4k"]
    assert DEFAULT_QUALITY == "1080p"


def test_each_quality_matches_the_manim_flag_it_uses():
    # Manim 0.22: -ql 854x480@15, -qm 1280x720@30, -qh 1920x1080@60, -qk 3840x2160@60.
    flags = {q.manim_flag: (q.width, q.height, q.fps) for q in QUALITIES.values()}
    assert flags == {"l": (854, 480, 15), "m": (1280, 720, 30), "h": (1920, 1080, 60),
                     "k": (3840, 2160, 60)}
    assert QUALITIES["1080p"].manim_folder == "1080p60"


def test_only_a_render_at_gif_rate_is_its_own_gif_master():
    assert [q.name for q in QUALITIES.values() if q.renders_gif_master] == ["preview"]
    assert QUALITIES["preview"].fps == GIF_FPS


def test_find_quality_forgives_case_and_names_the_choices():
    assert find_quality(" 4K ").name == "4k"
    with pytest.raises(UsageError, match="unknown quality '8k'. Qualities are: preview, 720p"):
        find_quality("8k")
