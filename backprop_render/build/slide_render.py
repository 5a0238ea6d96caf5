"""One slide, rendered: a pure function of (slide, parameters, quality, GIF width).

`render_slide` runs Manim as separate processes with their own `--media_dir`
(parallel Manim processes that share one media folder trip over each other's LaTeX
files), post-processes what they wrote, and returns the finished files, all inside
`workdir`. It never touches the output folder: the pipeline moves the files into
place once they are whole.

Given a `cache_dir`, the slide's Manim media folder lives there and is kept between
renders: Manim's per-animation cache is on (an animation whose frames were encoded
before, with the same encoder settings, is not drawn again; keyed on the scene key and
what the scene was handed before it, scenes/speedups/play_key.py) and the LaTeX and text
SVGs of the slide's formulas stay compiled. Only one job uses a slide's cache folder
at a time (the pipeline renders each slide once per run, and the output folder is
locked). A marker file says a render is under way; a render that was killed leaves
it behind, and the next one starts from an empty cache rather than trust segment
files that may be cut short. Without a `cache_dir` the media folder is fresh and
caching is off. What is keyed by content rather than by slide (sentences, typeset and
parsed SVGs, LaTeX formats) is in the user's cache instead (lecture/user_cache.py,
`$BACKPROP_CACHE`, opened by `use_user_cache`), shared by every output folder and run.

The still is the video run's last frame, which the scene saves itself (no `manim -s`
run). Which Manim runs a slide takes depends on the quality and on the GIF:

- without a GIF, Manim draws the MP4 itself (H.264, the quality's x264 options) and
  it is only remuxed: one encode, nothing else drawn;
- with a GIF at 15 fps (preview) one lossless render is the master of the MP4 and the
  GIF: the MP4 is transcoded from it, the GIF made from it;
- with a GIF above, the MP4 comes straight from Manim, the GIF from a second, small
  lossless render at GIF size and 15 fps.

bench/master_vs_twice.py measures why: encoding full-size lossless frames and
transcoding them costs more than drawing the slide again small.

Beats are cut from the MP4 by stream copy (present.py), so each beat must start on a
keyframe. Manim's own MP4 has one at every animation's start (it joins one segment
file per animation, each opening with a keyframe) and every beat starts with an
animation; a transcode forces one at each beat's start.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import av.error

from backprop_render import REPO
from backprop_render.build import reuse
from backprop_render.build.result import SlideResult
from backprop_render.errors import SlideFailed
from backprop_render.media import audio
from backprop_render.media import video as media
from backprop_render.media.subtitles import Cue, compose_srt, compose_vtt, read_srt
from backprop_render.quality import GIF_FPS, Quality
from lecture import contract
from lecture.i18n import catalog_for
from lecture.language import find_language
from lecture.slides import LECTURE_TITLE, Slide, beat_id
from lecture.user_cache import DEFAULT_LIMIT, UserCache, default_root
from narration.speech import NO_VOICE

__all__ = ["render_slide", "manim_command", "draws_master", "animations_done",
           "current_phase", "media_dir_for", "speech_dir_for", "use_user_cache", "die_with_parent",
           "REPO", "KINDS",
           "IN_PROGRESS"]

MANIM_CFG = REPO / "manim.cfg"
KINDS = ("mp4", "gif", "png", "srt", "vtt")  # the finished files of a slide, by extension
_LOSSLESS_CODEC = ("--video-codec", "libx264rgb", "--pixel-format", "rgb24")
_LOG_TAIL_LINES = 30
IN_PROGRESS = "rendering"  # marker file in a cache folder while a render uses it
_SETPRIV = shutil.which("setpriv") if sys.platform.startswith("linux") else None


def _options(options: dict[str, str]) -> list[str]:
    return [word for key, value in options.items()
            for word in ("--encoder-option", f"{key}={value}")]


def draws_master(quality: Quality, gif: bool) -> bool:
    """Whether the video run draws the lossless master that the MP4 is transcoded from
    (and the GIF made from): only when a GIF is wanted at the GIF's frame rate."""
    return gif and quality.renders_gif_master


def manim_command(slide: Slide, quality: Quality, media_dir: Path, run: str,
                  gif_size: tuple[int, int] | None = None, caching: bool = False,
                  gif: bool = True) -> list[str]:
    """The `manim render` command line of one run: 'video' or 'master'.

    `caching` turns Manim's per-animation cache on; it pays only in a media folder
    that is kept between renders (hashing each animation costs a little). `gif`:
    whether the slide gets a GIF (see draws_master).
    """
    command = [sys.executable, "-m", "manim", "render", "--config_file", str(MANIM_CFG),
               "--media_dir", str(media_dir), "--progress_bar", "none", "-v", "WARNING",
               *([] if caching else ["--disable_caching"]), "-q", quality.manim_flag]
    if run == "video":
        if draws_master(quality, gif):
            command += [*_LOSSLESS_CODEC, *_options(quality.lossless_options)]
        else:
            command += _options(quality.h264_options)
    elif run == "master":
        assert gif_size is not None
        command += ["-r", f"{gif_size[0]},{gif_size[1]}", "--fps", str(GIF_FPS),
                    *_LOSSLESS_CODEC, *_options(quality.lossless_options)]
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


def media_dir_for(workdir: Path, cache_dir: Path | None) -> Path:
    """The Manim media folder of a slide job: kept in `cache_dir`, else fresh in `workdir`."""
    return (cache_dir if cache_dir is not None else workdir) / "media"


def _segments(media_dir: Path, slide: Slide, folder: str) -> Path:
    return media_dir / "videos" / slide.module / folder / "partial_movie_files" / slide.scene


def animations_done(media_dir: Path, slide: Slide, quality: Quality, since: float = 0.0) -> int:
    """Animations of the main run drawn so far: Manim writes one segment file each.

    Segments taken from Manim's cache are not written again, so with a kept media
    folder this counts the animations drawn since `since` (a time.time()).
    """
    count = 0
    for path in _segments(media_dir, slide, quality.manim_folder).glob("*.mp4"):
        try:
            count += path.stat().st_mtime >= since
        except OSError:
            pass  # Manim removed it (an aborted segment, or its cache pruning)
    return count


def _scene_animations(media_dir: Path, slide: Slide, quality: Quality, since: float) -> int:
    """Animations in the finished scene, cached or not (Manim's segment list counts them)."""
    listing = _segments(media_dir, slide, quality.manim_folder) / "partial_movie_file_list.txt"
    try:
        return sum(1 for line in listing.read_text(encoding="utf-8").splitlines()
                   if line.startswith("file "))
    except OSError:
        return animations_done(media_dir, slide, quality, since)


def _clear_scene_outputs(media_dir: Path) -> None:
    """Remove the joined videos, subtitles and stills of earlier runs; keep the cache.

    What stays is what Manim reuses: the animation segments (partial_movie_files),
    and the LaTeX and text SVGs (Tex/, texts/).
    """
    for folder in media_dir.glob("videos/*/*"):
        for path in folder.iterdir() if folder.is_dir() else ():
            if path.is_file():
                path.unlink(missing_ok=True)
    shutil.rmtree(media_dir / "images", ignore_errors=True)


def die_with_parent(command: list[str]) -> list[str]:
    """`command`, made to be killed when the thread that starts it ends, however it ends.

    A render killed outright (SIGKILL of a sweep's worker, of a job process) cannot
    stop its Manim; the kernel does, through the parent-death signal that util-linux's
    setpriv sets before it executes the command. Without setpriv (not Linux) the
    command is unchanged.
    """
    return [_SETPRIV, "--pdeathsig", "KILL", "--", *command] if _SETPRIV else list(command)


def _run_manim(slide: Slide, command: list[str], workdir: Path, run: str,
               params_file: Path, facts_file: Path, still_file: Path | None = None,
               theme: str = "dark", scene_env: dict[str, str] | None = None,
               checkpoints: str = contract.DEFAULT_CHECKPOINTS) -> None:
    log = workdir / f"manim-{run}.log"
    # A scene key is this render's to give (render_slide), never one left in the environment.
    env = {k: v for k, v in os.environ.items() if k != contract.SCENE_KEY}
    env.update(scene_env or {})
    env[contract.PARAMS] = str(params_file)
    env[contract.FACTS_OUT] = str(facts_file)
    env[contract.THEME] = theme
    env[contract.CHECKPOINTS] = checkpoints
    env.pop(contract.STILL_OUT, None)
    if still_file is not None:
        env[contract.STILL_OUT] = str(still_file)
    with log.open("wb") as handle:
        # A job process forks its Manim from one that imported Manim already (manim_host.py).
        from backprop_render.build import manim_host

        process = manim_host.start(command, REPO, env, handle,
                                   popen=lambda c, **kw: subprocess.Popen(die_with_parent(c), **kw))
        try:
            if env.get(contract.VOICE, NO_VOICE) != NO_VOICE or env.get(contract.TAKES):
                from backprop_render.media import audio

                audio.import_meter()  # while Manim draws, not after it
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


def _segment_frames(media_dir: Path, slide: Slide, quality: Quality) -> list[int] | None:
    """Frames in each of the main run's animation segments, in order, or None if unknown."""
    listing = _segments(media_dir, slide, quality.manim_folder) / "partial_movie_file_list.txt"
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
        files = [line[len("file '"):-1].removeprefix("file:") for line in lines
                 if line.startswith("file '")]
        # By time, not by packet: a segment stores a held frame once (manim_speedups.py).
        return [media.probe_video(Path(name)).frames for name in files]
    except (OSError, ValueError, av.error.FFmpegError):
        return None


def _beat_frames(media_dir: Path, slide: Slide, quality: Quality,
                 facts_file: Path) -> dict[int, int]:
    """Where each beat starts on the video, in frames (beat index -> frame index), checked
    against the segment files Manim wrote.

    The scene counts each beat's start in frames as Manim writes them (SlideScene's
    `video_time`, scenes/speedups/frame_count.py); that one count places the beat's
    speech, its subtitle and its cut (made a keyframe here, present.py cuts there). The
    scene checks it against the frames Manim draws; those it takes from its cache were
    drawn by an earlier render, so here each beat's first animation ("play") is found in
    the segments Manim joined: a difference would put the speech off the cut, and fails
    the slide, naming the beats. Empty if the scene recorded no frames.
    """
    try:
        narration = json.loads(facts_file.read_text(encoding="utf-8")).get("narration") or []
        starts = {index: int(beat["frame"]) for index, beat in enumerate(narration)}
        plays = [int(beat["play"]) for beat in narration]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    segments = _segment_frames(media_dir, slide, quality)
    if segments is None or any(play > len(segments) for play in plays):
        return starts
    ends = [0, *itertools.accumulate(segments)]
    off = [f"{beat_id(slide.slug, narration[i]['beat'])} starts at frame {starts[i]}, its segments "
           f"say {ends[play]}" for i, play in enumerate(plays) if ends[play] != starts[i]]
    if off:
        raise SlideFailed(f"slide {slide.number} ({slide.slug}): the scene's frame count "
                          "differs from Manim's segment files, so the narration would be off "
                          "the picture: " + "; ".join(off))
    return starts


def _record_beat_frames(manifest: dict[str, Any], frames: dict[int, int],
                        quality: Quality) -> None:
    """Each beat's start on the video ("frame", and "video_start" in seconds)."""
    for index, beat in enumerate(manifest.get("narration") or []):
        if index in frames and isinstance(beat, dict):
            beat["frame"] = frames[index]
            beat["video_start"] = frames[index] / quality.fps


def _open_cache(cache_dir: Path) -> None:
    marker = cache_dir / IN_PROGRESS
    if marker.exists():  # the last render of this slide was killed mid-way
        shutil.rmtree(cache_dir / "media", ignore_errors=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{os.getpid()}\n", encoding="utf-8")


def speech_dir_for(workdir: Path) -> Path:
    """The sentences the slide speaks, left by its scene for the narration's mix (they come
    from the user cache, or are synthesized into it: narration/speech.py)."""
    return workdir / "speech"


def use_user_cache(root: Path | None = None, limit: int | None = None) -> UserCache:
    """Open the user cache (`root`, else the one this process was given, else the platform's
    cache folder), made private, for this process and every slide job and Manim process it
    starts ($BACKPROP_CACHE); `limit` in bytes (None: the default)."""
    chosen = root or (Path(os.environ[contract.CACHE]) if os.environ.get(contract.CACHE)
                      else default_root())
    cache = UserCache.open(chosen, DEFAULT_LIMIT if limit is None else limit)
    os.environ[contract.CACHE] = str(cache.root)
    return cache


def _finish_mp4(pictures: Path, mp4: Path, manifest: dict[str, Any], video: media.VideoInfo,
                speech_dir: Path, metadata: dict[str, str], cues: list[Cue],
                language: str) -> None:
    """The slide's MP4: its pictures copied, with its spoken track and its captions (both
    tagged with `language`, ISO 639-2); what the narration measured goes in `manifest`."""
    narration = audio.narration_from_manifest(manifest, float(video.duration), speech_dir)
    track = None if narration is None else media.AudioTrack(narration.samples, narration.rate)
    media.concat_videos([(pictures, "")], mp4, metadata, chapters=False, audio=track,
                        captions=cues, language=language)
    if narration is None or not narration.words:
        return
    manifest["audio"] = {"codec": "aac", "rate": narration.rate,
                         "lufs": round(narration.lufs, 2),
                         "speech_seconds": round(narration.speech_seconds, 3),
                         "words": narration.words,
                         "words_per_second": round(narration.words_per_second, 2)}


def render_slide(slide: Slide, params_file: Path, quality: Quality, workdir: Path,
                 gif_width: int | None, cache_dir: Path | None = None,
                 theme: str = "dark", voice: str | None = None,
                 language: str = "en",
                 checkpoints: str = contract.DEFAULT_CHECKPOINTS) -> SlideResult:
    """Render `slide` into `workdir` in `theme` and `language` (a tag); `gif_width=None`
    skips the GIF.

    `cache_dir`: a folder of this slide's own, kept between renders, for Manim's
    media folder and caches (see the module's notes); None renders from nothing.
    `voice`: the narrator (narration/speech.py); None: $BACKPROP_VOICE, else none.
    `checkpoints`: "all", the slide stops on the bank's checkpoints; "none", it does not.
    """
    voice = voice or os.environ.get(contract.VOICE) or NO_VOICE
    speech_dir = speech_dir_for(workdir)
    scene_env = {contract.VOICE: voice, contract.SPEECH_CACHE: str(speech_dir),
                 contract.LANG: language}
    if cache_dir is not None and not os.environ.get(contract.TAKES):
        # Manim's cache keys each animation on this and on what the scene was handed up to
        # it (scenes/speedups/play_key.py), not on all it has on screen. With takes, Manim
        # keys them itself: a take changes only its beat's pause, which that key sees.
        scene_env[contract.SCENE_KEY] = reuse.scene_key(
            slide, quality, theme=theme, voice=voice, language=language,
            checkpoints=checkpoints)
    lang = find_language(language)
    started, since = time.monotonic(), time.time() - 1
    workdir.mkdir(parents=True, exist_ok=True)
    # Shared by this slide's runs: they reuse its LaTeX.
    media_dir = media_dir_for(workdir, cache_dir)
    if cache_dir is not None:
        _open_cache(cache_dir)
        _clear_scene_outputs(media_dir)
    facts_file = workdir / "facts-video.json"
    files = {kind: workdir / f"{slide.stem}.{kind}" for kind in KINDS}
    words = catalog_for(language)
    metadata = {"title": f"{slide.number}. {words.text(slide.title)}",
                "album": words.text(LECTURE_TITLE)}
    warnings: list[str] = []

    def run(name: str, still: Path | None = None, **kwargs: Any) -> None:
        _set_phase(workdir, name)
        command = manim_command(slide, quality, media_dir, name, caching=cache_dir is not None,
                                **kwargs)
        _run_manim(slide, command, workdir, name, params_file, workdir / f"facts-{name}.json",
                   still, theme, scene_env, checkpoints)

    gif_size = _gif_size(quality, gif_width) if gif_width else None
    files["png"].unlink(missing_ok=True)  # the scene writes it; a left-over must not pass for it
    run("video", still=files["png"], gif=gif_size is not None)
    videos = list(media_dir.glob(f"videos/*/{quality.manim_folder}/{slide.scene}.mp4"))
    manim_video = _one(videos, "video", slide)
    animations = _scene_animations(media_dir, slide, quality, since)
    beat_frames = _beat_frames(media_dir, slide, quality, facts_file)
    try:
        # The MP4's pictures: Manim's own H.264, or transcoded from its lossless master.
        # Its narration and captions are added to them in one copy at the end.
        pictures = manim_video
        if draws_master(quality, gif_size is not None):
            _set_phase(workdir, "finishing")
            master: Path | None = manim_video
            pictures = workdir / f"pictures-{files['mp4'].name}"
            media.transcode_h264(manim_video, pictures, quality.h264_options,
                                 keyframes=set(beat_frames.values()))
        else:
            master = None
            if gif_size:
                run("master", gif_size=gif_size)
                folder = f"{gif_size[1]}p{GIF_FPS}"
                master = _one(list(media_dir.glob(f"videos/*/{folder}/{slide.scene}.mp4")),
                              "GIF master", slide)
        if not files["png"].is_file():
            raise SlideFailed(f"slide {slide.number} ({slide.slug}): the scene saved no still "
                              f"to ${contract.STILL_OUT}")
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
        files["vtt"].write_text(compose_vtt(cues, lang.tag), encoding="utf-8")
        video = media.probe_video(pictures)  # the MP4's own: its packets are copied
    except (ValueError, OSError, av.error.FFmpegError) as error:
        raise SlideFailed(f"slide {slide.number} ({slide.slug}): post-processing failed: "
                          f"{error}") from error

    try:
        manifest = json.loads(facts_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SlideFailed(
            f"slide {slide.number} ({slide.slug}): the scene wrote no readable facts "
            f"manifest to ${contract.FACTS_OUT} ({error}); every video must report its numbers"
        ) from None
    cache_use = manifest.pop("cache_use", None) or {}  # the summary's, not a fact of the slide
    _record_beat_frames(manifest, beat_frames, quality)
    try:
        _finish_mp4(pictures, files["mp4"], manifest, video, speech_dir, metadata, cues,
                    lang.iso639_2)
    except (ValueError, OSError, av.error.FFmpegError) as error:
        raise SlideFailed(f"slide {slide.number} ({slide.slug}): adding the narration and "
                          f"captions failed: {error}") from error
    if pictures != manim_video:
        pictures.unlink()
    if cache_dir is not None:
        _clear_scene_outputs(media_dir)  # the joined videos are copied out; segments stay
        (cache_dir / IN_PROGRESS).unlink(missing_ok=True)
    return SlideResult(slide, quality, files, video, gif, len(cues), manifest,
                       time.monotonic() - started, animations, warnings, cache_use)
