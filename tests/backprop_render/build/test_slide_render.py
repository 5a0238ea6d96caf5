from __future__ import annotations

import os
import sys

import pytest

from backprop_render.build import slide_render
from backprop_render.errors import SlideFailed
from backprop_render.quality import QUALITIES
from lecture.slides import SLIDES, Slide
from scenes.speedups.held_frames import holds_once

SLIDE6 = SLIDES[5]


def option(command: list[str], name: str) -> list[str]:
    """Every value given to `name` in a command line."""
    return [command[i + 1] for i, word in enumerate(command[:-1]) if word == name]


def test_preview_draws_once_losslessly_in_its_own_media_folder(tmp_path):
    command = slide_render.manim_command(SLIDE6, QUALITIES["preview"], tmp_path / "media", "video")
    assert command[:4] == [sys.executable, "-m", "manim", "render"]
    assert command[-2:] == ["scenes/s06_backward_propagation.py", "BackwardPropagation"]
    assert option(command, "--config_file") == [str(slide_render.REPO / "manim.cfg")]
    assert option(command, "--media_dir") == [str(tmp_path / "media")]
    assert option(command, "-q") == ["l"]
    assert option(command, "--video-codec") == ["libx264rgb"]
    # A temporary master.
    assert option(command, "--encoder-option") == ["crf=0", "preset=ultrafast"]
    assert "--disable_caching" in command


def test_preview_without_a_gif_draws_the_mp4_directly_and_no_lossless_master(tmp_path):
    preview = QUALITIES["preview"]
    command = slide_render.manim_command(SLIDE6, preview, tmp_path, "video", gif=False)
    assert "--video-codec" not in command and "libx264rgb" not in command
    assert option(command, "--encoder-option") == [f"{key}={value}" for key, value
                                                   in preview.h264_options.items()]
    assert not slide_render.draws_master(preview, gif=False)
    assert slide_render.draws_master(preview, gif=True)
    assert not slide_render.draws_master(QUALITIES["1080p"], gif=True)


class _Stop(Exception):
    pass


@pytest.mark.parametrize(("gif_width", "lossless"), [(None, False), (768, True)])
def test_render_slide_asks_manim_for_a_master_only_when_a_gif_is_wanted(
        tmp_path, monkeypatch, gif_width, lossless):
    commands = []

    def run_manim(slide, command, *args, **kwargs):
        commands.append(command)
        raise _Stop

    monkeypatch.setattr(slide_render, "_run_manim", run_manim)
    with pytest.raises(_Stop):
        slide_render.render_slide(SLIDE6, tmp_path / "params.json", QUALITIES["preview"],
                                  tmp_path / "work", gif_width)
    assert len(commands) == 1
    assert ("libx264rgb" in commands[0]) is lossless


@pytest.mark.parametrize(("cached", "takes", "keyed"), [
    (True, False, True), (False, False, False), (True, True, False)])
def test_the_scene_gets_its_scene_key_only_with_manims_cache_and_no_takes(
        tmp_path, monkeypatch, cached, takes, keyed):
    # With the key, Manim's cache keys each animation on what the scene was handed
    # (scenes/speedups/play_key.py); with takes, Manim keys them itself. One left in the
    # environment is never passed on.
    from backprop_render.build import manim_host, reuse
    from lecture import contract

    envs = []

    def start(command, cwd, env, log, popen):
        envs.append(env)
        raise _Stop

    monkeypatch.setattr(manim_host, "start", start)
    monkeypatch.setenv(contract.SCENE_KEY, "left over")
    if takes:
        monkeypatch.setenv(contract.TAKES, str(tmp_path / "takes"))
    else:
        monkeypatch.delenv(contract.TAKES, raising=False)
    with pytest.raises(_Stop):
        slide_render.render_slide(SLIDE6, tmp_path / "params.json", QUALITIES["preview"],
                                  tmp_path / "work", None, tmp_path / "cache" if cached else None,
                                  theme="light", voice="none")
    expected = reuse.scene_key(SLIDE6, QUALITIES["preview"], theme="light", voice="none")
    assert envs[0].get(contract.SCENE_KEY) == (expected if keyed else None)


def test_1080p_draws_h264_for_browsers_and_a_small_lossless_gif_master(tmp_path):
    quality = QUALITIES["1080p"]
    video = slide_render.manim_command(SLIDE6, quality, tmp_path, "video")
    assert option(video, "-q") == ["h"] and "--video-codec" not in video
    assert option(video, "--encoder-option") == ["crf=19", "preset=veryfast", "thread_type=frame",
                                                 "bf=0"]
    master = slide_render.manim_command(SLIDE6, quality, tmp_path, "master", gif_size=(768, 432))
    assert option(master, "-r") == ["768,432"] and option(master, "--fps") == ["15"]
    assert option(master, "--video-codec") == ["libx264rgb"]
    assert option(master, "--encoder-option") == ["crf=0", "preset=ultrafast"]
    # Both keep frames in order, so Manim's encoder stores a held frame once.
    for run in (video, master):
        assert holds_once(dict(o.split("=") for o in option(run, "--encoder-option")))
    with pytest.raises(ValueError, match="still"):  # the video run saves the still itself
        slide_render.manim_command(SLIDE6, quality, tmp_path, "still")


def test_gif_size_keeps_16_to_9_in_even_pixels_and_never_exceeds_the_video():
    assert slide_render._gif_size(QUALITIES["1080p"], 768) == (768, 432)
    assert slide_render._gif_size(QUALITIES["4k"], 641) == (640, 360)
    assert slide_render._gif_size(QUALITIES["preview"], 1920) == (854, 480)


def test_animations_are_counted_from_the_main_runs_segments(tmp_path):
    segments = tmp_path / "media/videos/s06_backward_propagation/480p15/partial_movie_files"
    (segments / "BackwardPropagation").mkdir(parents=True)
    for index in range(4):
        (segments / "BackwardPropagation" / f"{index:05}.mp4").write_bytes(b"")
    os.utime(segments / "BackwardPropagation" / "00000.mp4", (1000, 1000))  # an earlier render's
    (tmp_path / "media/videos/s06_backward_propagation/432p15/partial_movie_files/"
     "BackwardPropagation").mkdir(parents=True)  # the GIF master's: not counted
    media_dir = slide_render.media_dir_for(tmp_path, None)
    assert slide_render.animations_done(media_dir, SLIDE6, QUALITIES["preview"]) == 4
    assert slide_render.animations_done(media_dir, SLIDE6, QUALITIES["preview"], since=2000) == 3
    assert slide_render.current_phase(tmp_path) == "starting"


def test_a_scene_that_fails_reports_manims_last_lines_and_keeps_the_log(tmp_path):
    broken = Slide(99, "no-such-slide", "no_such_scene_file", "NoSuchScene", "Nothing", "Nothing")
    params = tmp_path / "params.json"
    params.write_text("{}")
    with pytest.raises(SlideFailed) as caught:
        slide_render.render_slide(broken, params, QUALITIES["preview"], tmp_path / "work", 768)
    error = caught.value
    assert str(error).startswith("slide 99 (no-such-slide): manim exited with status")
    assert "during the video render" in str(error)
    assert error.log == tmp_path / "work" / "manim-video.log"
    assert "no_such_scene_file" in error.log_tail
    assert error.log_tail in error.log.read_text()
