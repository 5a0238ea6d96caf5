"""One slide, rendered: a pure function of (slide, parameters, quality, GIF width).

`render_slide` runs Manim as separate processes with their own `--media_dir` inside
`workdir` (parallel Manim processes that share one media folder trip over each
other's LaTeX files), post-processes what they wrote, and returns the finished
files, all inside `workdir`. It never touches the output folder: the pipeline moves
the files into place once they are whole.

Which Manim runs a slide takes depends on the quality:

- at 15 fps (preview) one lossless render is the master of everything: the MP4 is
  transcoded from it, the GIF and the still are taken from it;
- above, the MP4 comes straight from Manim, the GIF from a second, small lossless
  render at GIF size and 15 fps, and the still from `manim -s` (last frame only).

bench/master_vs_twice.py measures why: encoding full-size lossless frames and
transcoding them costs more than drawing the slide again small.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av.error
from PIL import Image

from scenes.runtime import FACTS_ENV, PARAMS_ENV
from scenes.slides import LECTURE_TITLE, Slide

from . import media
from .errors import SlideFailed
from .quality import GIF_FPS, Quality
from .subtitles import compose_srt, read_srt

__all__ = ["SlideResult", "render_slide", "manim_command", "animations_done", "current_phase",
           "REPO", "KINDS"]

REPO = Path(__file__).resolve().parent.parent
MANIM_CFG = REPO / "manim.cfg"
KINDS = ("mp4", "gif", "png", "srt")  # the finished files of a slide, by extension
_LOSSLESS = ("--video-codec", "libx264rgb", "--pixel-format", "rgb24", "--encoder-option", "crf=0")
_LOG_TAIL_LINES = 30


@dataclass(frozen=True)
class SlideResult:
    slide: Slide
    quality: Quality
    files: dict[str, Path]  # kind ("mp4", "gif", "png", "srt") -> finished file in workdir
    video: media.VideoInfo
    gif: media.GifInfo | None
    cues: int  # subtitles in the slide's SRT
    manifest: dict[str, Any]  # what the scene reported: facts, reads, narration, ...
    seconds: float  # wall-clock time of the whole slide
    animations: int
    warnings: list[str] = field(default_factory=list)


def manim_command(slide: Slide, quality: Quality, media_dir: Path, run: str,
                  gif_size: tuple[int, int] | None = None) -> list[str]:
    """The `manim render` command line of one run: 'video', 'master' or 'still'."""
    command = [sys.executable, "-m", "manim", "render", "--config_file", str(MANIM_CFG),
               "--media_dir", str(media_dir), "--progress_bar", "none", "-v", "WARNING",
               # each media folder is fresh, so hashing animations for the cache is wasted
               "--disable_caching", "-q", quality.manim_flag]
    if run == "video":
        if quality.renders_gif_master:
            command += _LOSSLESS
        else:
            for key, value in quality.h264_options.items():
                command += ["--encoder-option", f"{key}={value}"]
    elif run == "master":
        assert gif_size is not None
        command += ["-r", f"{gif_size[0]},{gif_size[1]}", "--fps", str(GIF_FPS), *_LOSSLESS]
    elif run == "still":
        command += ["-s"]
    else:
        raise ValueError(f"unknown run {run!r}")
    # Relative to the repository: Manim names the module 'scenes.<file>' from this path,
    # which is what lets the scene files import their package.
    command += [f"scenes/{slide.module}.py", slide.scene]
    return command


def _gif_size(quality: Quality, width: int) -> tuple[int, int]:
    width = min(width, quality.width) // 2 * 2
    return width, max(2, round(width * quality.height / quality.width / 2) * 2)


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-_LOG_TAIL_LINES:])


def _set_phase(workdir: Path, phase: str) -> None:
    (workdir / "phase").write_text(phase, encoding="utf-8")


def current_phase(workdir: Path) -> str:
    try:
        return (workdir / "phase").read_text(encoding="utf-8")
    except OSError:
        return "starting"


def animations_done(workdir: Path, slide: Slide, quality: Quality) -> int:
    """Animations of the main run written so far (Manim writes one segment file each)."""
    pattern = f"videos/*/{quality.manim_folder}/partial_movie_files/{slide.scene}/*.mp4"
    return sum(1 for _ in (workdir / "media").glob(pattern))


def _run_manim(slide: Slide, command: list[str], workdir: Path, run: str,
               params_file: Path, facts_file: Path) -> None:
    log = workdir / f"manim-{run}.log"
    env = dict(os.environ)
    env[PARAMS_ENV] = str(params_file)
    env[FACTS_ENV] = str(facts_file)
    with log.open("wb") as handle:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=handle,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            status = process.wait()
        except BaseException:
            # Ctrl-C reaches Manim too; SIGTERM and errors in this process do not.
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            raise
    if status != 0:
        raise SlideFailed(
            f"slide {slide.number} ({slide.slug}): manim exited with status {status} "
            f"during the {run} render",
            _tail(log), log,
        )


def _one(paths: list[Path], what: str, slide: Slide) -> Path:
    if len(paths) != 1:
        raise SlideFailed(f"slide {slide.number} ({slide.slug}): expected one {what} from "
                          f"manim, found {len(paths)}")
    return paths[0]


def render_slide(slide: Slide, params_file: Path, quality: Quality, workdir: Path,
                 gif_width: int | None) -> SlideResult:
    """Render `slide` into `workdir`; `gif_width=None` skips the GIF."""
    started = time.monotonic()
    workdir.mkdir(parents=True, exist_ok=True)
    media_dir = workdir / "media"  # shared by this slide's runs: they reuse its LaTeX
    facts_file = workdir / "facts-video.json"
    files = {kind: workdir / f"{slide.stem}.{kind}" for kind in KINDS}
    metadata = {"title": f"{slide.number}. {slide.title}", "album": LECTURE_TITLE}
    warnings: list[str] = []

    def run(name: str, **kwargs: Any) -> None:
        _set_phase(workdir, name)
        command = manim_command(slide, quality, media_dir, name, **kwargs)
        _run_manim(slide, command, workdir, name, params_file, workdir / f"facts-{name}.json")

    run("video")
    videos = list(media_dir.glob(f"videos/*/{quality.manim_folder}/{slide.scene}.mp4"))
    manim_video = _one(videos, "video", slide)
    animations = animations_done(workdir, slide, quality)
    gif_size = _gif_size(quality, gif_width) if gif_width else None
    try:
        if quality.renders_gif_master:
            _set_phase(workdir, "finishing")
            master: Path | None = manim_video
            media.transcode_h264(manim_video, files["mp4"], quality.h264_options, metadata)
            media.save_last_frame(manim_video, files["png"])
        else:
            media.remux(manim_video, files["mp4"], metadata)
            master = None
            if gif_size:
                run("master", gif_size=gif_size)
                folder = f"{gif_size[1]}p{GIF_FPS}"
                master = _one(list(media_dir.glob(f"videos/*/{folder}/{slide.scene}.mp4")),
                              "GIF master", slide)
            run("still")
            still = _one(list(media_dir.glob(f"images/*/{slide.scene}*.png")), "still", slide)
            with Image.open(still) as image:
                image.convert("RGB").save(files["png"], format="PNG")
        _set_phase(workdir, "finishing")
        gif = None
        if gif_size and master is not None:
            gif = media.make_gif(master, files["gif"], gif_size[0], GIF_FPS)
        else:
            del files["gif"]

        subtitles = manim_video.with_suffix(".srt")
        cues = read_srt(subtitles) if subtitles.exists() else []
        if not cues:
            warnings.append(f"slide {slide.number} ({slide.slug}) has no narration subtitles")
        files["srt"].write_text(compose_srt(cues), encoding="utf-8")
        video = media.probe_video(files["mp4"])
    except (ValueError, OSError, av.error.FFmpegError) as error:
        raise SlideFailed(f"slide {slide.number} ({slide.slug}): post-processing failed: "
                          f"{error}") from error

    try:
        manifest = json.loads(facts_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SlideFailed(
            f"slide {slide.number} ({slide.slug}): the scene wrote no readable facts "
            f"manifest to ${FACTS_ENV} ({error}); every video must report its numbers"
        ) from None
    return SlideResult(slide, quality, files, video, gif, len(cues), manifest,
                       time.monotonic() - started, animations, warnings)
