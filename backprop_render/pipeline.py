"""Render a deck into an output folder: what changed, in parallel, then the lecture.

First each requested slide is judged (reuse.py): a slide whose code and settings
are unchanged, whose files are whole and none of whose read lesson values changed
keeps its files. The others are rendered as independent jobs, each a call of
`render_slide` (or a stand-in in tests) with its own work folder and its own Manim
cache folder, by up to `jobs` processes at once; each slide is published as soon
as all its files are whole. lecture.mp4 and lecture.srt are joined again from the
published slides whenever one of them changed.

A failure stops the deck: no further slide starts, the slides already under way
are finished and published, and the failure is raised. An interruption stops
everything at once. Whatever was published stays; everything else in the folder
is untouched.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import av.error
from backprop_core import Params, build_lesson
from scenes.slides import LECTURE_SUBTITLE, LECTURE_TITLE, SLIDES, Slide
from scenes.speech import NO_VOICE, VOICE_ENV

from . import media, records, reuse, script
from .errors import RenderError, SlideFailed
from .outputs import OutputFolder
from .progress import Progress
from .quality import Quality
from .slide_render import (KINDS, SlideResult, animations_done, current_phase, media_dir_for,
                           render_slide)
from .subtitles import compose_srt, join_srt, read_srt

__all__ = ["RenderRequest", "RenderSummary", "Renderer", "run", "CACHE_DIR"]

# (slide, params_file, quality, workdir, gif_width, cache_dir) -> finished files in workdir
Renderer = Callable[[Slide, Path, Quality, Path, "int | None", "Path | None"], SlideResult]
CACHE_DIR = ".render-cache"  # in the output folder: one Manim media folder per slide, kept
_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class RenderRequest:
    slides: tuple[Slide, ...]
    params: Params
    quality: Quality
    out: Path
    gif_width: int | None  # None: no GIFs
    jobs: int = 1  # slides rendered at once, each by its own process (1: in this process)
    force: bool = False  # render every requested slide from nothing, caches emptied
    voice: str = NO_VOICE  # the narrator (scenes/speech.py); render_slide reads $BACKPROP_VOICE


@dataclass
class RenderSummary:
    out: Path
    rendered: list[SlideResult] = field(default_factory=list)
    kept: list[Slide] = field(default_factory=list)  # unchanged: files kept as they were
    lecture: dict[str, Any] | None = None
    lecture_rebuilt: bool = False
    lecture_problem: str | None = None
    warnings: list[str] = field(default_factory=list)


@contextmanager
def _watch(progress: Progress, slide: Slide, report: Callable[[], None]) -> Iterator[None]:
    """Call `report` twice a second while the slide's renderer runs in this process."""
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(_POLL_SECONDS):
            report()

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


def _save_slide_facts(folder: OutputFolder, entry: dict[str, Any]) -> None:
    """The slide's entry of facts.json beside its video, so a copied video keeps its numbers."""
    name, document = records.slide_facts_file(entry["stem"]), records.slide_facts_document(entry)
    if folder.read_json(name) != _as_json(document):  # an unchanged render rewrites nothing
        folder.write_json(name, document)


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


@contextmanager
def _voice(voice: str) -> Iterator[None]:
    """The voice for render_slide here and in job processes (they inherit the environment)."""
    before = os.environ.get(VOICE_ENV)
    os.environ[VOICE_ENV] = voice
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(VOICE_ENV, None)
        else:
            os.environ[VOICE_ENV] = before


def _save_script(folder: OutputFolder, entries: list[dict[str, Any]],
                 lecture: dict[str, Any]) -> None:
    text = script.lecture_script(f"{LECTURE_TITLE}: {LECTURE_SUBTITLE}", entries, lecture)
    path = folder.path / script.SCRIPT_FILE
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        folder.write_text(script.SCRIPT_FILE, text)


def _as_json(data: Any) -> Any:
    return json.loads(json.dumps(data))


# ----- running slide jobs ------------------------------------------------------------------

def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _worker_started() -> None:
    """In each job process: Ctrl-C is the parent's to handle; SIGTERM (the parent
    stopping the job) unwinds like Ctrl-C, so render_slide stops its Manim first."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt)


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    # The executor cannot cancel a job that runs; its processes can be told to stop.
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


@dataclass
class _Jobs:
    """The slides to render and what each job needs; `done` publishes a result."""

    slides: list[Slide]
    request: RenderRequest
    folder: OutputFolder
    params_file: Path
    progress: Progress
    renderer: Renderer
    done: Callable[[SlideResult], None]
    history: dict[str, tuple[float, int] | None]

    def workdir(self, slide: Slide) -> Path:
        return self.folder.staging / slide.stem

    def cache_dir(self, slide: Slide) -> Path:
        return self.folder.path / CACHE_DIR / slide.stem

    def args(self, slide: Slide) -> tuple:
        cache_dir = self.cache_dir(slide)
        if self.request.force:
            shutil.rmtree(cache_dir, ignore_errors=True)
        return (slide, self.params_file, self.request.quality, self.workdir(slide),
                self.request.gif_width, cache_dir)

    def report(self, slide: Slide, since: float) -> None:
        """How far the slide's job is: animations drawn since `since`, and its phase."""
        workdir = self.workdir(slide)
        media_dir = media_dir_for(workdir, self.cache_dir(slide))
        self.progress.update(slide, animations_done(media_dir, slide, self.request.quality, since),
                             current_phase(workdir))

    def failed(self, slide: Slide, error: BaseException) -> None:
        self.progress.slide_failed(slide)
        if isinstance(error, SlideFailed) and error.log is not None and error.log.exists():
            # The staging folder goes; the lecturer still needs the whole log.
            kept = self.folder.path / "logs" / f"{slide.stem}-{error.log.name}"
            kept.parent.mkdir(exist_ok=True)
            shutil.copyfile(error.log, kept)
            error.log = kept

    def longest_first(self) -> list[Slide]:
        """Slides by how long they took last time, longest (or never timed) first, so
        the last job to finish is a short one."""
        def expected(slide: Slide) -> float:
            known = self.history.get(slide.stem)
            return -(known[0] if known else float("inf"))
        return sorted(self.slides, key=expected)

    # -- one at a time, in this process -------------------------------------------------

    def run_here(self) -> None:
        for slide in self.slides:
            args, since = self.args(slide), time.time() - 1
            try:
                with _watch(self.progress, slide, lambda: self.report(slide, since)):
                    result = self.renderer(*args)
            except BaseException as error:
                self.failed(slide, error)
                raise
            self.done(result)

    # -- several at once, each in its own process --------------------------------------------

    def run_parallel(self, jobs: int) -> None:
        executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_worker_started)
        queue = deque(self.longest_first())
        running: dict[Future, tuple[Slide, float]] = {}
        failure: SlideFailed | None = None
        try:
            while running or (queue and failure is None):  # after a failure, only finish
                while queue and failure is None and len(running) < jobs:
                    slide = queue.popleft()
                    running[executor.submit(self.renderer, *self.args(slide))] = \
                        (slide, time.time() - 1)
                    self.progress.slide_started(slide)
                finished, _ = wait(running, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in finished:
                    slide, _ = running.pop(future)
                    try:
                        result = future.result()
                    except SlideFailed as error:
                        self.failed(slide, error)
                        if failure is None:
                            failure = error
                            if running:
                                self.progress.note(
                                    f"slide {slide.number} failed; finishing the "
                                    f"{len(running)} slide(s) under way, then stopping")
                        continue
                    except BrokenProcessPool as error:
                        self.failed(slide, error)
                        raise SlideFailed(f"slide {slide.number} ({slide.slug}): the process "
                                          f"rendering it died ({error})") from None
                    except BaseException as error:
                        self.failed(slide, error)
                        raise
                    self.done(result)
                for slide, since in running.values():
                    self.report(slide, since)
        except BaseException:
            _stop_workers(executor)
            for slide, _ in running.values():
                self.progress.slide_failed(slide)
            raise
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        if failure is not None:
            raise failure


# ----- the deck --------------------------------------------------------------------------------

def run(request: RenderRequest, progress: Progress,
        renderer: Renderer | None = None) -> RenderSummary:
    """Render what changed of `request.slides` into `request.out`.

    `renderer` defaults to render_slide; with `request.jobs` > 1 it runs in other
    processes, so it must be picklable (a module-level function or instance).
    """
    renderer = renderer or render_slide
    summary = RenderSummary(request.out)
    with OutputFolder(request.out) as folder:
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
        state = state if isinstance(state, dict) else {}
        state_before = copy.deepcopy(state)
        published: dict[str, Any] = state.setdefault("slides", {})
        if not isinstance(published, dict):
            published = state["slides"] = {}

        lesson_object = build_lesson(request.params)
        lesson = lesson_object.to_dict()
        params = dataclasses.asdict(request.params)
        keys = reuse.keys_for(request.slides, request.quality, request.gif_width,
                              voice=request.voice)
        decisions = [reuse.decide(s, keys[s.stem], slides.get(s.stem), published.get(s.stem),
                                  lesson_object, folder.path, request.force)
                     for s in request.slides]
        for decision in decisions:
            if not decision.render:
                stem = decision.slide.stem
                # Its files are what these parameters would draw: it read nothing that changed.
                slides[stem] = {**slides[stem], "params": params}
                _save_slide_facts(folder, slides[stem])
                summary.kept.append(decision.slide)
        todo = [d.slide for d in decisions if d.render]
        history = records.estimates(state, request.quality, todo)
        progress.start(todo, history)
        if summary.kept:
            progress.kept(summary.kept)

        def facts() -> dict[str, Any]:
            return records.facts_document(request.params, lesson, request.quality, slides, lecture)

        def save_record() -> None:
            folder.write_json(records.FACTS_FILE, facts())

        def save_state() -> None:
            folder.write_json(records.STATE_FILE, state)

        def done(result: SlideResult) -> None:
            stem = result.slide.stem
            # Until the record is whole again, the next render must not trust this slide.
            published.pop(stem, None)
            save_state()
            names = _publish(folder, result)
            slides[stem] = records.slide_entry(result, request.params, names)
            _save_slide_facts(folder, slides[stem])
            save_record()
            published[stem] = records.slide_record(keys[stem], folder.path, names.values())
            state.update(records.record_timing(state, result))
            save_state()
            shutil.rmtree(folder.staging / stem, ignore_errors=True)  # masters are large at 4k
            summary.rendered.append(result)
            progress.slide_finished(result.slide, f"{float(result.video.duration):.1f} s of video")
            for warning in result.warnings:
                progress.note(f"warning: {warning}")
                summary.warnings.append(warning)

        try:
            if todo:
                params_file = folder.staging / "params.json"
                params_file.write_text(json.dumps(params), encoding="utf-8")
                jobs = _Jobs(todo, request, folder, params_file, progress, renderer, done, history)
                count = max(1, min(request.jobs, len(todo)))
                with _voice(request.voice):
                    if count == 1:
                        jobs.run_here()
                    else:
                        jobs.run_parallel(count)

            in_folder = sorted(slides.values(), key=lambda e: order.index(e["stem"]))
            summary.lecture_problem = records.lecture_problem(in_folder)
            if summary.lecture_problem is None:
                ids = [(published.get(e["stem"]) or {}).get("id") for e in in_folder]
                if lecture is not None and records.lecture_is_current(state.get("lecture"), ids,
                                                                      folder.path):
                    lecture = {**lecture, "params": in_folder[0]["params"]}
                else:
                    state.pop("lecture", None)
                    save_state()
                    try:
                        lecture = _build_lecture(folder, in_folder)
                    except (ValueError, OSError, av.error.FFmpegError) as error:
                        save_record()  # the slides are published; the record must say so
                        raise RenderError(f"the slides are done, but lecture.mp4 could not be "
                                          f"built from them: {error}") from error
                    state["lecture"] = records.lecture_record(ids, folder.path)
                    summary.lecture_rebuilt = True
                summary.lecture = lecture
                _save_script(folder, in_folder, lecture)
            if _as_json(facts()) != previous:
                save_record()
            if _as_json(state) != state_before:
                save_state()
        finally:
            progress.finish()
    return summary
