"""Render a deck into an output folder: slides one by one, then the lecture.

Each slide is rendered into the staging folder by a renderer (`render_slide`, or
a stand-in in tests) and published as soon as all its files are whole; the
lecture video and subtitles are rebuilt from the published slides at the end. A
failure or an interruption stops the deck; whatever was already published stays,
and everything else in the folder is untouched.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import av.error
from backprop_core import Params, build_lesson
from scenes.slides import LECTURE_TITLE, SLIDES, Slide

from . import media, records
from .errors import RenderError, SlideFailed
from .outputs import OutputFolder
from .progress import Progress
from .quality import Quality
from .slide_render import KINDS, SlideResult, animations_done, current_phase, render_slide
from .subtitles import compose_srt, join_srt, read_srt

__all__ = ["RenderRequest", "RenderSummary", "Renderer", "run"]

Renderer = Callable[[Slide, Path, Quality, Path, "int | None"], SlideResult]


@dataclass(frozen=True)
class RenderRequest:
    slides: tuple[Slide, ...]
    params: Params
    quality: Quality
    out: Path
    gif_width: int | None  # None: no GIFs


@dataclass
class RenderSummary:
    out: Path
    rendered: list[SlideResult] = field(default_factory=list)
    lecture: dict[str, Any] | None = None
    lecture_problem: str | None = None
    warnings: list[str] = field(default_factory=list)


@contextmanager
def _watch(progress: Progress, slide: Slide, quality: Quality, workdir: Path) -> Iterator[None]:
    """Report the slide's progress twice a second while its renderer runs."""
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(0.5):
            progress.update(slide, animations_done(workdir, slide, quality), current_phase(workdir))

    watcher = threading.Thread(target=poll, name=f"progress-{slide.stem}", daemon=True)
    progress.slide_started(slide)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


def _publish(folder: OutputFolder, result: SlideResult) -> dict[str, str]:
    """Move one slide's files into place; drop a GIF this render did not remake."""
    staged = {f"{result.slide.stem}.{kind}": path for kind, path in result.files.items()}
    folder.commit(staged)
    for kind in KINDS:
        if kind not in result.files:
            folder.remove(f"{result.slide.stem}.{kind}")  # it would show the old numbers
    return {kind: f"{result.slide.stem}.{kind}" for kind in result.files}


def _build_lecture(folder: OutputFolder, entries: list[dict[str, Any]]) -> dict[str, Any]:
    parts = [(folder.path / e["files"]["mp4"], f"{e['number']}. {e['title']}") for e in entries]
    staged_mp4 = folder.staging / "lecture.mp4"
    chapters = media.concat_videos(parts, staged_mp4, {"title": LECTURE_TITLE})
    cues = join_srt([(read_srt(folder.path / e["files"]["srt"]), c.start, c.end - c.start)
                     for e, c in zip(entries, chapters)])
    staged_srt = folder.staging / "lecture.srt"
    staged_srt.write_text(compose_srt(cues), encoding="utf-8")
    folder.commit({"lecture.mp4": staged_mp4, "lecture.srt": staged_srt})
    return records.lecture_entry(entries, chapters, len(cues))


def run(request: RenderRequest, progress: Progress,
        renderer: Renderer | None = None) -> RenderSummary:
    """Render `request.slides` into `request.out`; `renderer` defaults to render_slide."""
    renderer = renderer or render_slide
    summary = RenderSummary(request.out)
    with OutputFolder(request.out) as folder:
        params_file = folder.staging / "params.json"
        params_file.write_text(json.dumps(dataclasses.asdict(request.params)), encoding="utf-8")
        previous = folder.read_json(records.FACTS_FILE) or {}
        # Keep the entries of slides still in the folder; they describe files that are there.
        order = [s.stem for s in SLIDES]
        slides: dict[str, dict[str, Any]] = {
            e["stem"]: e for e in previous.get("slides", [])
            if isinstance(e, dict) and e.get("stem") in order
            and all(folder.exists(n) for n in e.get("files", {}).values())
        }
        lecture = previous.get("lecture_video") if folder.exists("lecture.mp4") else None
        state = folder.read_json(records.STATE_FILE)
        progress.start(list(request.slides),
                       records.estimates(state, request.quality, list(request.slides)))

        lesson = build_lesson(request.params).to_dict()

        def save_record() -> None:
            folder.write_json(records.FACTS_FILE, records.facts_document(
                request.params, lesson, request.quality, slides, lecture))

        try:
            for slide in request.slides:
                workdir = folder.staging / slide.stem
                try:
                    with _watch(progress, slide, request.quality, workdir):
                        result = renderer(slide, params_file, request.quality, workdir,
                                          request.gif_width)
                except SlideFailed as error:
                    progress.slide_failed(slide)
                    if error.log is not None and error.log.exists():
                        # The staging folder goes; the lecturer still needs the whole log.
                        kept = folder.path / "logs" / f"{slide.stem}-{error.log.name}"
                        kept.parent.mkdir(exist_ok=True)
                        shutil.copyfile(error.log, kept)
                        error.log = kept
                    raise
                except BaseException:
                    progress.slide_failed(slide)
                    raise
                names = _publish(folder, result)
                slides[slide.stem] = records.slide_entry(result, request.params, names)
                save_record()
                state = records.record_timing(state, result)
                folder.write_json(records.STATE_FILE, state)
                shutil.rmtree(workdir, ignore_errors=True)  # masters are large at 4k
                summary.rendered.append(result)
                progress.slide_finished(slide, f"{float(result.video.duration):.1f} s of video")
                for warning in result.warnings:
                    progress.note(f"warning: {warning}")
                    summary.warnings.append(warning)

            in_folder = sorted(slides.values(), key=lambda e: order.index(e["stem"]))
            summary.lecture_problem = records.lecture_problem(in_folder)
            if summary.lecture_problem is None:
                try:
                    lecture = _build_lecture(folder, in_folder)
                except (ValueError, OSError, av.error.FFmpegError) as error:
                    save_record()  # the slides are published; the record must say so
                    raise RenderError(f"the slides are done, but lecture.mp4 could not be "
                                      f"built from them: {error}") from error
                summary.lecture = lecture
            save_record()
        finally:
            progress.finish()
    return summary
