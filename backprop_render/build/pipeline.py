"""Render a deck into an output folder: what changed, in parallel, then the lecture.

First each requested slide is judged (reuse.py): a slide whose code and settings
are unchanged, whose files are whole and none of whose read lesson values changed
keeps its files. The others are rendered as independent jobs, each a call of
`render_slide` (or a stand-in in tests) with its own work folder and its own Manim
cache folder, by up to `jobs` processes at once; each slide is published as soon
as all its files are whole. lecture.mp4 and lecture.srt are joined again from the
published slides whenever one of them changed. When asked, the presentation (present/,
lecture.pptx, handout.pdf) is made from the published slides (present.py): while the
lecture's own process finishes joining it (lecture_join.py), when it was started; else
after the join.

A failure stops the deck: no further slide starts, the slides already under way
are finished and published, and the failure is raised. An interruption stops
everything at once. Whatever was published stays; everything else in the folder
is untouched.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import errno
import functools
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import sys
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from backprop_core.params import Params
from backprop_render.build import records, reuse
from backprop_render.build.outputs import OutputFolder
from backprop_render.errors import DiskFull, RenderError, SlideFailed, UsageError, interrupt
from backprop_render.present import script
from backprop_render.progress import Progress
from backprop_render.quality import Quality
from lecture import contract
from lecture.i18n import catalog_for
from lecture.language import Language, find_language
from lecture.slides import LECTURE_TITLE, SLIDES, Slide, declared_beat_ids, lecture_title
from lecture.user_cache import CacheError
from narration.speech import NO_VOICE

# numpy, PyAV and the lesson's modules load only when a slide renders, the lesson is built
# or the lecture joined: a render that changes nothing needs none of them (bench/unchanged.py).
if TYPE_CHECKING:
    from backprop_core import Lesson
    from backprop_render.build.result import SlideResult

__all__ = ["RenderRequest", "RenderSummary", "CacheReport", "Renderer", "run", "CACHE_DIR",
           "DiskFull", "keep_log"]

# (slide, params_file, quality, workdir, gif_width, cache_dir, theme, voice, language,
#  checkpoints) -> finished files in workdir
Renderer = Callable[[Slide, Path, Quality, Path, "int | None", "Path | None", str, str, str, str],
                    "SlideResult"]
CACHE_DIR = ".render-cache"  # in the output folder: one Manim media folder per slide, kept
IMPORTS_FILE = f"{CACHE_DIR}/imports.json"  # reuse.py's table of what each source file imports
_POLL_SECONDS = 0.5


def render_slide(*args: Any) -> SlideResult:
    """slide_render.render_slide, imported when a slide is rendered (module-level, so a job
    process can be handed it)."""
    from backprop_render.build.slide_render import render_slide as render

    return render(*args)


@dataclass(frozen=True)
class RenderRequest:
    slides: tuple[Slide, ...]
    params: Params
    quality: Quality
    out: Path
    gif_width: int | None  # None: no GIFs
    jobs: int = 1  # slides rendered at once, each by its own process (1: in this process)
    force: bool = False  # render every requested slide from nothing, caches emptied
    # Also present/, lecture.pptx and handout.pdf (present.py); the command line asks for
    # them unless --no-present, other callers (tests, sweeps) only when they want them.
    present: bool = False
    theme: str = "dark"  # the palette, a name in scenes/kit/theme.py's THEMES
    voice: str = NO_VOICE  # the narrator, a name in narration/speech.py's voices
    language: str = "en"  # what the slides say and show, a tag of lecture/language.py
    checkpoints: str = contract.DEFAULT_CHECKPOINTS  # whether slides stop on the bank's questions
    # The lecturer's takes folder: each beat whose take fits its sentence is spoken with it,
    # the others by `voice` (narration/narrator.py). None: `voice` speaks every beat.
    takes: Path | None = None
    # The user cache (lecture/user_cache.py): None, the platform's cache folder (or the one
    # $BACKPROP_CACHE names); its size limit in bytes, None: the default.
    cache_dir: Path | None = None
    cache_size: int | None = None
    # Whether finished slides are taken from the user cache and stored in it, for other
    # folders (finished.py). A sweep's assembly does not: its store holds them already.
    share_finished: bool = True


@dataclass
class RenderSummary:
    out: Path
    rendered: list["SlideResult"] = field(default_factory=list)
    kept: list[Slide] = field(default_factory=list)  # unchanged: files kept as they were
    # Drawn before into another folder with these settings and values: taken from the user
    # cache (finished.py), not drawn.
    taken: list[Slide] = field(default_factory=list)
    lecture: dict[str, Any] | None = None
    lecture_rebuilt: bool = False
    lecture_problem: str | None = None
    warnings: list[str] = field(default_factory=list)
    presentation: Any = None  # present.PresentResult, when the presentation was built
    cache: CacheReport | None = None  # what the user cache did, when a slide was rendered
    # With takes: each beat of the requested slides and its take as spoken, and the files
    # for no beat (narration.takes.TakesReport); the takes made elsewhere whose sentence
    # this render recorded beside them (narration.takes.adopt).
    takes: Any = None
    adopted: list[str] = field(default_factory=list)
    voice: str = NO_VOICE  # the request's: what speaks a beat no take fits


@dataclass(frozen=True)
class CacheReport:
    """The user cache after a render: where, how large, and what the slides took from it
    (saved work) and made for it, by kind (sentences, formulas, texts, parsed SVGs)."""

    root: Path
    size: int
    limit: int
    taken: dict[str, int]
    stored: dict[str, int]
    repaired: dict[str, int]
    problems: dict[str, int]  # why entries could not be stored or read: how often

    @classmethod
    def of(cls, cache: Any, results: list[SlideResult], finished: int = 0) -> CacheReport:
        """`finished`: the slides taken whole (finished.py). They are counted here, not as the
        cache's reads of slide records: a record read for a slide whose file was then found
        damaged saved nothing."""
        use: dict[str, dict[str, int]] = {"taken": {}, "stored": {}, "repaired": {},
                                          "problems": {}}
        for part in [r.cache_use for r in results] + [cache.use()]:
            for what, counts in use.items():
                for kind, count in (part.get(what) or {}).items():
                    counts[kind] = counts.get(kind, 0) + int(count)
        use["taken"].pop("slide", None)
        if finished:
            use["taken"]["slide"] = finished
        return cls(cache.root, cache.volume(), cache.limit, use["taken"], use["stored"],
                   use["repaired"], use["problems"])


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


# ----- running slide jobs ------------------------------------------------------------------

def _worker_started(imports: dict[str, list[str]] | None = None) -> None:
    """In each job process: Ctrl-C is the parent's to handle; SIGTERM (the parent
    stopping the job) unwinds like Ctrl-C, so render_slide stops its Manim first. Each
    Manim it starts is a fork of it (manim_host.py): Manim is imported once per job.
    `imports`: what the render knows each source file imports (reuse.known_imports), so
    the job's scene keys parse no file again (about 0.2 CPU s a job)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, interrupt)
    from backprop_render import REPO
    from backprop_render.build import manim_host

    reuse.add_imports(imports)
    manim_host.enable(REPO)
    # After its last job a worker has told the executor it is done; what is left is the
    # interpreter tearing down Manim's modules, 0.2-0.5 s the lecturer's process waits for
    # at its own exit. Registered first, so run last of the exit handlers (multiprocessing
    # ran its own before the interpreter's exit began).
    atexit.register(_exit_now)


def _exit_now() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


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
    done: Callable[["SlideResult"], None]
    history: dict[str, tuple[float, int] | None]
    # Called while fewer slides render than `request.jobs` allows: a core is free of them.
    spare_core: Callable[[], None] = lambda: None

    def workdir(self, slide: Slide) -> Path:
        return self.folder.staging / slide.stem

    def cache_dir(self, slide: Slide) -> Path:
        return self.folder.path / CACHE_DIR / slide.stem

    def args(self, slide: Slide) -> tuple:
        cache_dir = self.cache_dir(slide)
        if self.request.force:
            shutil.rmtree(cache_dir, ignore_errors=True)
        return (slide, self.params_file, self.request.quality, self.workdir(slide),
                self.request.gif_width, cache_dir, self.request.theme, self.request.voice,
                self.request.language, self.request.checkpoints)

    def report(self, slide: Slide, since: float) -> None:
        """How far the slide's job is: animations drawn since `since`, and its phase."""
        from backprop_render.build.slide_render import (
            animations_done,
            current_phase,
            media_dir_for,
        )

        workdir = self.workdir(slide)
        media_dir = media_dir_for(workdir, self.cache_dir(slide))
        self.progress.update(slide, animations_done(media_dir, slide, self.request.quality, since),
                             current_phase(workdir))

    def failed(self, slide: Slide, error: BaseException) -> None:
        self.progress.slide_failed(slide)
        if isinstance(error, SlideFailed) and error.log is not None and error.log.exists():
            # The staging folder goes; the lecturer still needs the whole log, in the output
            # folder or, when that is full, wherever it can be written.
            error.log = keep_log(error.log, f"{slide.stem}-{error.log.name}",
                                 [self.folder.path / "logs", *_LOG_FALLBACKS()])

    def longest_first(self) -> list[Slide]:
        """Slides by how long they should take, longest first, so the last job to finish
        is a short one: the seconds a slide took last time at this quality, else a guess
        from its scene's code (workload.py), in seconds by the timed slides' rate."""
        from backprop_render.build.workload import expected_animations

        took = {stem: known[0] for stem, known in self.history.items() if known}
        guess = {slide.stem: expected_animations(slide) for slide in self.slides}
        rates = [took[stem] / guess[stem] for stem in took if stem in guess]
        rate = statistics.median(rates) if rates else 1.0  # cold: any rate orders alike

        def expected(slide: Slide) -> float:
            return took.get(slide.stem, guess[slide.stem] * rate)
        return sorted(self.slides, key=expected, reverse=True)

    # -- one at a time, in this process -------------------------------------------------

    def run_here(self) -> None:
        if self.request.jobs > 1:  # one slide renders, in a process of its own
            self.spare_core()
        for slide in self.slides:
            args, since = self.args(slide), time.time() - 1
            try:
                with _watch(self.progress, slide, functools.partial(self.report, slide, since)):
                    result = self.renderer(*args)
            except BaseException as error:
                self.failed(slide, error)
                raise
            self.done(result)

    # -- several at once, each in its own process --------------------------------------------

    def run_parallel(self, jobs: int) -> None:
        executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_worker_started,
                                       initargs=(reuse.known_imports(),))
        finished_all = False
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
                if failure is None and not queue and len(running) < jobs:
                    self.spare_core()
                for slide, since in running.values():
                    self.report(slide, since)
            finished_all = failure is None
        except BaseException:
            _stop_workers(executor)
            for slide, _ in running.values():
                self.progress.slide_failed(slide)
            raise
        finally:
            # After the last slide the processes exit while the lecture is joined, not at
            # this process's exit.
            executor.shutdown(wait=not finished_all, cancel_futures=True)
        if failure is not None:
            raise failure


# ----- the deck --------------------------------------------------------------------------------

class _DeckRender:
    """One run: the folder's records, read once, and the named steps that change them.

    `run` calls the steps in order: `decide` (which slides to render, the others kept),
    `render` (the jobs, each finished slide handed to `publish`), `join_lecture` (with
    `present` beside it), `save`; `close` stops a joining process the run left behind.
    """

    def __init__(self, request: RenderRequest, folder: OutputFolder, progress: Progress,
                 renderer: Renderer) -> None:
        self.request, self.folder = request, folder
        self.progress, self.renderer = progress, renderer
        self.summary = RenderSummary(request.out, voice=request.voice)
        self.order = [s.stem for s in SLIDES]
        # What the two records hold on disk now, so that nothing unchanged is written.
        on_disk = records.read_records(folder.path)
        self.facts_on_disk, self.state_on_disk = on_disk.facts, on_disk.state_json
        self.state = on_disk.state
        # The entries of slides still in the folder: they describe files that are there.
        self.entries: dict[str, records.SlideEntry] = dict(on_disk.entries)
        self.lecture = records.LectureEntry.from_json(self.facts_on_disk.get("lecture_video")) \
            if folder.exists("lecture.mp4") else None
        # The lesson (training the network) only when something needs its values: when the
        # lesson key and its digest match the last render's, facts.json holds it already.
        self.lesson_key = reuse.lesson_key(dataclasses.asdict(request.params))
        self._lesson: Lesson | None = None
        self.lesson_json = self._recorded_lesson()
        reuse.load_imports(folder.path / IMPORTS_FILE)
        self.takes = _takes_folder(request.takes)
        self.keys = reuse.keys_for(request.slides, request.quality, request.gif_width,
                                   theme=request.theme, voice=request.voice,
                                   language=request.language,
                                   checkpoints=request.checkpoints,
                                   takes=self.takes is not None)
        self.language = find_language(request.language)
        self.preparer: Any = None  # present.Preparer: beats cut as each slide is published
        self.cache: Any = None  # the user cache (UserCache), opened when a slide renders
        # lecture.mp4 joined as the slides come (lecture_join.py), once a core is spare.
        self.joining: Any = None  # lecture_join.LectureJoin
        self.join_order: list[str] = []  # the lecture's slides, as the render should leave them
        self.unpublished: set[str] = set()  # those of them that render and are not done

    @property
    def lesson(self) -> Lesson:
        if self._lesson is None:
            from backprop_core import build_lesson

            self._lesson = build_lesson(self.request.params)
            if self.lesson_json is None:
                self.lesson_json = _as_json(self._lesson.to_dict())
                self.state.lesson = records.LessonRecord(
                    self.lesson_key, reuse.lesson_digest(self.lesson_json))
        return self._lesson

    def _recorded_lesson(self) -> Any:
        """facts.json's lesson, if it is the lesson of these parameters and this code."""
        recorded, lesson = self.state.lesson, self.facts_on_disk.get("lesson")
        if recorded is None or recorded.key != self.lesson_key or lesson is None \
                or reuse.lesson_digest(lesson) != recorded.digest:
            return None
        return lesson

    def lesson_values(self) -> Any:
        if self.lesson_json is None:
            self.lesson  # noqa: B018  (building it sets lesson_json)
        return self.lesson_json

    # -- the records ---------------------------------------------------------------------------

    def facts(self) -> dict[str, Any]:
        return records.facts_document(self.request.params, self.lesson_values(),
                                      self.request.quality, self.entries.values(), self.lecture,
                                      self.request.theme, self.request.language)

    def save_facts(self) -> None:
        facts = self.facts()
        self.folder.write_json(records.FACTS_FILE, facts)
        self.facts_on_disk = _as_json(facts)

    def save_state(self) -> None:
        state = self.state.to_json()
        self.folder.write_json(records.STATE_FILE, state)
        self.state_on_disk = _as_json(state)

    def save_slide_facts(self, entry: records.SlideEntry) -> None:
        """The slide's entry of facts.json beside its video, so a copied video keeps its numbers."""
        name, document = records.slide_facts_file(entry.stem), records.slide_facts_document(entry)
        if self.folder.read_json(name) != _as_json(document):  # unchanged: rewrite nothing
            self.folder.write_json(name, document)

    def in_folder(self) -> list[records.SlideEntry]:
        return sorted(self.entries.values(), key=lambda e: self.order.index(e.stem))

    # -- the steps -------------------------------------------------------------------------------

    def decide(self) -> list[Slide]:
        """The slides to render; every other requested slide keeps its files (see reuse.py)."""
        todo = []
        for slide in self.request.slides:
            decision = reuse.decide(slide, self.keys[slide.stem], self.entries.get(slide.stem),
                                    self.state.slides.get(slide.stem), lambda: self.lesson,
                                    self.folder.path, self.request.force, self.lesson_key,
                                    self.takes)
            if decision.render:
                todo.append(slide)
            else:
                # Its files are what these parameters would draw: it read nothing that changed.
                entry = self.entries[slide.stem].with_params(self.request.params)
                self.entries[slide.stem] = entry
                self.state.slides[slide.stem] = self.state.slides[slide.stem].with_reads(
                    reuse.reads_proof(self.lesson_key, entry.manifest["reads"]))
                self.save_slide_facts(entry)
                self.summary.kept.append(slide)
        return todo

    def render(self, todo: list[Slide]) -> None:
        if todo:
            from backprop_render.build.slide_render import use_user_cache
            from lecture.questions import BankError, check_bank

            try:
                check_bank(self.request.checkpoints)  # before a slide draws its questions
            except BankError as error:
                raise UsageError(str(error)) from None
            try:
                self.cache = use_user_cache(self.request.cache_dir, self.request.cache_size)
            except CacheError as error:
                raise UsageError(str(error)) from None
            todo = self.take_finished(todo)
        history = self.state.estimates(self.request.quality, todo)
        self.progress.start(todo, history)
        if self.summary.kept:
            self.progress.kept(self.summary.kept)
        if self.summary.taken:
            self.progress.taken(self.summary.taken)
        if not todo:
            return
        # The takes folder, or none, for this run's slide jobs and their Manim processes.
        _restore(contract.TAKES, str(self.takes.path) if self.takes is not None else None)
        # What the user cache holds now, as folders rendered before issue 30 kept it: never
        # read again (the parsed SVGs there are pickles), so not kept either.
        old = self.folder.path / CACHE_DIR
        for stale in (old / "speech", old / "typeset", *old.glob("*/svg")):
            shutil.rmtree(stale, ignore_errors=True)
        params_file = self.folder.staging / "params.json"
        params_file.write_text(json.dumps(dataclasses.asdict(self.request.params)),
                               encoding="utf-8")
        jobs = _Jobs(todo, self.request, self.folder, params_file, self.progress, self.renderer,
                     self.publish, history, self.spare_core)
        rendering = {slide.stem for slide in todo}
        lecture = rendering | {entry.stem for entry in self.in_folder()}
        self.join_order = [s.stem for s in SLIDES if s.stem in lecture]
        self.unpublished = set(rendering)
        count = max(1, min(self.request.jobs, len(todo)))
        if count == 1:
            jobs.run_here()
        else:
            jobs.run_parallel(count)

    def take_finished(self, todo: list[Slide]) -> list[Slide]:
        """Publish each slide of `todo` that the user cache holds as these settings and values
        would draw it (another folder rendered it: finished.py); the others, to render."""
        if self.request.force or not self.request.share_finished:
            return todo
        from backprop_render.build import finished

        rest = []
        for slide in todo:
            found = finished.find(self.cache, self.keys[slide.stem], self.lesson)
            if found is None or (self.takes is not None and reuse.changed_takes(
                    slide, found.entry.manifest, self.takes)):
                rest.append(slide)
                continue
            staging = self.folder.staging / slide.stem
            staging.mkdir(parents=True, exist_ok=True)
            staged = {}
            for kind, data in found.files.items():
                path = staging / found.entry.files[kind]
                path.write_bytes(data)
                staged[kind] = path
            self._put_in_place(slide, staged, found.entry.with_params(self.request.params))
            self.summary.taken.append(slide)
        return rest

    def drop_unfinished(self) -> None:
        """After a full disk: the Manim media folders of the slides that did not finish (their
        render marker says the next run would empty them anyway), so the space is free now."""
        for stem in self.unpublished:
            shutil.rmtree(self.folder.path / CACHE_DIR / stem, ignore_errors=True)

    def space_needed(self) -> int:
        """Bytes a render of this request takes, about: each slide's files as published the
        last time (twice: staged, and Manim's media folder) or a guess by quality, a quarter
        more for the lecture and the presentation."""
        quality = self.request.quality.name
        total = 0.0
        for slide in self.request.slides:
            published = self.state.slides.get(slide.stem)
            total += 2 * sum(published.files.values()) if published is not None \
                else _GUESS_BYTES.get(quality, _GUESS_BYTES["4k"])
        return int(total * 1.25)

    def spare_core(self) -> None:
        """Start joining the lecture, with the slides final so far (a core is spare)."""
        if self.joining is None:
            from backprop_render.media.lecture_join import LectureJoin

            self.joining = LectureJoin(_staged_lecture(self.folder),
                                       _lecture_metadata(self.language),
                                       self.language.iso639_2)
            self.feed_join()

    def feed_join(self) -> None:
        """Hand the joining process the next slides of the lecture that are final."""
        while len(self.joining.added) < len(self.join_order):
            stem = self.join_order[len(self.joining.added)]
            entry = self.entries.get(stem)
            if stem in self.unpublished or entry is None:
                return
            self.joining.add(self.folder.path / entry.files["mp4"])

    def close(self) -> None:
        """Stop the joining process if the run ended before the join took it."""
        if self.joining is not None:
            self.joining.stop()
            self.joining = None

    def publish(self, result: SlideResult) -> None:
        """Put one finished slide in the folder. The order of the writes is what makes a crash
        at any moment safe (tests/backprop_render/build/test_publishing.py crashes after each):

        1. Drop the slide's record from .render-state.json and save it. From here until step 5
           the next run renders the slide again: its files may be half replaced.
        2. Move its files into place, each by an atomic rename; delete those of its kinds this
           render did not make (a GIF after --no-gif would show the old numbers).
        3. Write NN-slug.facts.json (unless it holds this entry already).
        4. Write facts.json with the slide's new entry.
        5. Record the slide in .render-state.json (its key, its files' sizes, a new publication
           id, how long it took) and save it: the next run may keep it again.
        6. Delete its staging folder (its Manim master is large at 4k).
        7. Store its files in the user cache, for other folders (finished.py).
        """
        stem = result.slide.stem
        names = {kind: f"{stem}.{kind}" for kind in result.files}
        entry = records.SlideEntry.from_result(result, self.request.params, names,
                                               self.request.theme, self.request.language)
        self.state.record_timing(result)
        self._put_in_place(result.slide, result.files, entry)
        if self.cache is not None and self.request.share_finished:  # 7. (finished.py)
            from backprop_render.build import finished

            finished.store(self.cache, self.keys[stem], entry, self.folder.path)
        self.summary.rendered.append(result)
        self.progress.slide_finished(result.slide, f"{float(result.video.duration):.1f} s of video")
        for warning in result.warnings:
            self.progress.note(f"warning: {warning}")
            self.summary.warnings.append(warning)

    def _put_in_place(self, slide: Slide, files: dict[str, Path],
                      entry: records.SlideEntry) -> None:
        """Steps 1 to 6 of `publish` for the slide's staged `files` (by kind) and its entry."""
        from backprop_render.build.slide_render import KINDS

        stem = slide.stem
        self.state.slides.pop(stem, None)  # 1
        self.save_state()
        self.folder.commit({entry.files[kind]: path for kind, path in files.items()})  # 2
        for kind in KINDS:
            if kind not in files:
                self.folder.remove(f"{stem}.{kind}")
        self.entries[stem] = entry
        self.save_slide_facts(entry)  # 3
        self.save_facts()  # 4
        reads = entry.manifest.get("reads")
        proof = reuse.reads_proof(self.lesson_key, reads) \
            if isinstance(reads, dict) and not reuse.changed_reads(reads, self.lesson) else None
        self.state.slides[stem] = records.Publication.new(self.keys[stem], self.folder.path,
                                                          entry.files.values(), proof)  # 5
        self.save_state()
        shutil.rmtree(self.folder.staging / stem, ignore_errors=True)  # 6
        self.unpublished.discard(stem)
        if self.joining is not None:
            self.feed_join()
        self.prepare_presentation(entry)

    def join_lecture(self, alongside: Callable[[], None] | None = None) -> RenderError | None:
        """Join lecture.mp4 and lecture.srt again unless they were joined from exactly the
        slides in the folder. Like a slide: 1. drop the lecture's record and save the state,
        2. move both files into place, 3. record which slide publications they joined.
        4. Whether joined again or kept, write lecture-script.md (script.py) unless it holds
           its text already. No record says the script is current: it is a function of the
           slides' entries and the lecture's, compared and rewritten by every run that gets
           here, so a crash before it leaves an old script the next run replaces.

        `alongside` (the presentation, which reads the slides, not the lecture) runs while
        the joining process (`spare_core`) finishes the join, when it was started; else
        after step 3. Its RenderError does not stop the lecture: it is returned, for the
        caller to raise once the records are saved."""
        late: RenderError | None = None
        entries = self.in_folder()
        self.summary.lecture_problem = records.lecture_problem(entries)
        ids = [p.id if (p := self.state.slides.get(e.stem)) else None for e in entries]
        joining, self.joining = self.joining, None
        if self.summary.lecture_problem is not None:
            pass
        elif self.lecture is not None and self.state.lecture is not None \
                and self.state.lecture.is_current(ids, self.folder.path):
            self.lecture = dataclasses.replace(self.lecture, params=entries[0].params)
        else:
            self.state.lecture = None  # 1
            self.save_state()
            parts = _lecture_parts(self.folder, entries)
            if joining is not None:
                joining.finish(parts)
                late, alongside = _caught(alongside), None
                chapters = self._joined(joining.result)
                joining = None
            else:
                chapters = self._joined(functools.partial(_concat_lecture, self.language, parts,
                                                          _staged_lecture(self.folder)))
            self.lecture = _publish_lecture(self.folder, entries, chapters, self.language)  # 2
            self.state.lecture = records.LectureRecord.new(ids, self.folder.path)  # 3
            self.save_state()
            self.summary.lecture_rebuilt = True
        if self.summary.lecture_problem is None:
            assert self.lecture is not None
            self.summary.lecture = self.lecture.to_json()
            self.write_script(entries)  # 4
        if joining is not None:  # not needed after all
            joining.stop()
        return late or _caught(alongside)

    def _joined(self, concat: Callable[[], list[Any]]) -> list[Any]:
        try:
            return concat()
        except (ValueError, OSError) as error:
            self.save_facts()  # the slides are published; the record must say so
            raise RenderError(f"the slides are done, but lecture.mp4 could not be "
                              f"built from them: {error}") from error

    def write_script(self, entries: list[records.SlideEntry]) -> None:
        assert self.lecture is not None
        text = script.lecture_script(lecture_title(self.request.language),
                                     [e.to_json() for e in entries], self.lecture.to_json(),
                                     catalog_for(self.request.language))
        if self.folder.read_text(script.SCRIPT_FILE) != text:
            self.folder.write_text(script.SCRIPT_FILE, text)

    def prepare_presentation(self, entry: records.SlideEntry) -> None:
        """Start cutting the published slide's beats for the presentation while the other
        slides render (present.Preparer); `present` takes them. Nothing in the folder's
        published files changes: the cuts go to .render-cache/present/ until then."""
        if not self.request.present:
            return
        if self.preparer is None:
            from backprop_render.present import build as present

            self.preparer = present.Preparer(self.folder.path)
        self.preparer.add(entry.to_json())

    def stop_preparing(self, wait: bool) -> None:
        if self.preparer is not None:
            self.preparer.finish(wait)
            self.preparer = None

    def present(self) -> None:
        """Build present/, lecture.pptx and handout.pdf from the slides in the folder, once
        they and the lecture are published; present.build stages them and moves each into
        place whole, so an interruption leaves the previous presentation or none."""
        self.stop_preparing(wait=True)  # the beats it is cutting now are this step's
        if not self.request.present or self.summary.lecture_problem is not None:
            return
        from backprop_render.present import (
            build as present,  # python-pptx only when a presentation is asked for
        )

        try:
            self.summary.presentation = present.build(
                self.folder, [e.to_json() for e in self.in_folder()])
            self.tell_recording_page()
        except Exception as error:
            # PyAV's errors, when it cut beats (not imported for an unchanged presentation:
            # a run that changes nothing must stay quick).
            pyav = sys.modules.get("av.error")
            if not isinstance(error, (ValueError, OSError)) and not (
                    pyav is not None and isinstance(error, pyav.FFmpegError)):
                raise
            raise RenderError(f"the slides and lecture.mp4 are done, but the presentation "
                              f"(present/, lecture.pptx) could not be built: {error}") from error

    # -- takes ----------------------------------------------------------------------------------

    def takes_report(self) -> Any:
        """Each beat of the requested slides and its take, as their renders spoke them, and
        the files of the takes folder for no beat of the lecture (narration.takes)."""
        if self.takes is None:
            return None
        if self.summary.takes is None:
            from narration.takes import spoken_report

            requested = {s.stem for s in self.request.slides}
            facts = {"slides": [e.to_json() for e in self.in_folder() if e.stem in requested]}
            self.summary.takes = spoken_report(facts, self.takes.path, declared_beat_ids())
        return self.summary.takes

    def tell_recording_page(self) -> None:
        """present/takes.js: the takes as this render found them, so the recording page
        opens at the first stale beat (present/recording.py); none without takes."""
        from backprop_render.present.recording import TAKES_DATA, write_takes_data

        present_dir = self.folder.path / "present"
        if self.takes is not None:
            write_takes_data(present_dir, self.takes_report())
        else:
            (present_dir / TAKES_DATA).unlink(missing_ok=True)

    def finish_takes(self) -> None:
        """Record the sentence each take made elsewhere was spoken for (so that a later
        change of it is found stale), and write takes-todo.md (none without takes)."""
        from backprop_render.present.recording import TODO_FILE, takes_todo

        report = self.takes_report()
        if report is None:
            self.folder.remove(TODO_FILE)
            return
        from narration.takes import NEW, TakesFolder, adopt

        try:
            # Those still without a record, as the render spoke them (not re-recorded since).
            listing = TakesFolder.scan(report.folder)
            still = tuple(take for take in report.having(NEW)
                          if (now := listing.take(take.beat)[0]).state == NEW
                          and now.identity() == take.identity())
            self.summary.adopted = [record.beat for record in
                                    adopt(dataclasses.replace(report, beats=still))]
        except OSError as error:
            self.summary.warnings.append(f"the sentences of the takes made elsewhere could not "
                                         f"be recorded in {report.folder} ({error}): they "
                                         "will not be found stale when their sentence changes")
        todo = takes_todo(report, self.request.voice, catalog_for(self.request.language))
        if self.folder.read_text(TODO_FILE) != todo:  # an unchanged render writes nothing
            self.folder.write_text(TODO_FILE, todo)

    def save(self) -> None:
        """Write facts.json and the state if they changed (an unchanged run writes nothing)."""
        if _as_json(self.facts()) != self.facts_on_disk:
            self.save_facts()
        if _as_json(self.state.to_json()) != self.state_on_disk:
            self.save_state()
        reuse.save_imports(self.folder.path / IMPORTS_FILE)


def keep_log(log: Path, name: str, folders: list[Path]) -> Path | None:
    """A copy of `log` as `name` in the first of `folders` that can take it whole; None if
    none can."""
    for folder in folders:
        kept = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(log, kept)
        except OSError:
            with contextlib.suppress(OSError):
                kept.unlink(missing_ok=True)  # a part copy only takes the space that is left
                folder.rmdir()  # if this made it
            continue
        return kept
    return None


def _LOG_FALLBACKS() -> list[Path]:  # noqa: N802 - a constant, computed when needed
    """Where a log goes when the output folder is full: the user cache, then the temp folder."""
    import tempfile

    mine = [Path(os.environ[contract.CACHE]) / "logs"] if os.environ.get(contract.CACHE) else []
    return [*mine, Path(tempfile.gettempdir()) / f"backprop-render-logs-{os.getuid()}"]


NO_SPACE = os.strerror(errno.ENOSPC)  # "No space left on device", as Manim's log says it
# A slide's files and its share of the Manim media folder and the lecture, when this folder
# has no earlier render to go by (bench/regenerate.py: output and cache MB of 8 slides).
_GUESS_BYTES = {"preview": 16e6, "720p": 20e6, "1080p": 30e6, "4k": 90e6}


def _disk_full(error: BaseException, out: Path,
               slide_bytes: float) -> tuple[Path, Path | None] | None:
    """If `error` is a full disk: the folder it hit and the log kept; else None. A slide's
    Manim may say so in its log, or be cut off before it could (its log is on that disk):
    a slide that failed with less space left than a slide takes counts as one."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        where = Path(error.filename).parent if error.filename else out
        return where, None
    cause = error.__cause__
    if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
        return _disk_full(cause, out, slide_bytes)
    if isinstance(error, SlideFailed) and (
            NO_SPACE in str(error) or NO_SPACE in error.log_tail
            or shutil.disk_usage(out).free < slide_bytes):
        return out, error.log
    return None


def _takes_folder(path: Path | None) -> Any:
    """The lecturer's takes folder, listed (narration.takes.TakesFolder); None without one."""
    if path is None:
        return None
    from narration.takes import TakesFolder

    try:
        return TakesFolder.scan(path.absolute())  # as the slides' Manim processes find it
    except OSError as error:
        raise UsageError(f"{error}; --takes names the folder of your recorded takes "
                         "(docs/presenting.md#rendering-with-your-takes)") from None


def _caught(step: Callable[[], None] | None) -> RenderError | None:
    """Run `step`, if any; its RenderError, returned rather than raised."""
    try:
        if step is not None:
            step()
    except RenderError as error:
        return error
    return None


def _lecture_metadata(language: Language) -> dict[str, str]:
    return {"title": catalog_for(language.tag).text(LECTURE_TITLE)}


def _staged_lecture(folder: OutputFolder) -> Path:
    return folder.staging / records.LECTURE_FILES["mp4"]


def _lecture_parts(folder: OutputFolder,
                   entries: list[records.SlideEntry]) -> list[tuple[Path, str]]:
    return [(folder.path / e.files["mp4"], f"{e.number}. {e.title}") for e in entries]


def _concat_lecture(language: Language, parts: list[tuple[Path, str]],
                    staged: Path) -> list[Any]:
    """lecture.mp4 into the staging folder; its chapters. PyAV's errors become plain
    ValueErrors, as the joining process reports its own (lecture_join.py): the deck's
    message needs only their text."""
    import av.error

    from backprop_render.media import video as media

    try:
        return media.concat_videos(parts, staged, _lecture_metadata(language),
                                   language=language.iso639_2)
    except av.error.FFmpegError as error:
        raise ValueError(str(error)) from None


def _publish_lecture(folder: OutputFolder, entries: list[records.SlideEntry],
                     chapters: list[Any], language: Language) -> records.LectureEntry:
    from backprop_render.media.subtitles import compose_srt, compose_vtt, join_srt, read_srt

    cues = join_srt([(read_srt(folder.path / e.files["srt"]), c.start, c.end - c.start)
                     for e, c in zip(entries, chapters, strict=True)])
    names = records.LECTURE_FILES
    staged = {names["mp4"]: _staged_lecture(folder)}
    for kind, text in (("srt", compose_srt(cues)),
                       ("vtt", compose_vtt(cues, language.tag))):
        staged[names[kind]] = folder.staging / names[kind]
        staged[names[kind]].write_text(text, encoding="utf-8")
    folder.commit(staged)
    return records.LectureEntry.joined(entries, chapters, len(cues))


def _as_json(data: Any) -> Any:
    return json.loads(json.dumps(data))


def run(request: RenderRequest, progress: Progress,
        renderer: Renderer | None = None) -> RenderSummary:
    """Render what changed of `request.slides` into `request.out`.

    `renderer` defaults to render_slide; with `request.jobs` > 1 it runs in other
    processes, so it must be picklable (a module-level function or instance).
    """
    given = os.environ.get(contract.CACHE)
    given_takes = os.environ.get(contract.TAKES)
    full: tuple[Path, Path | None] | None = None
    with OutputFolder(request.out) as folder:
        deck = _DeckRender(request, folder, progress, renderer or render_slide)
        try:
            deck.render(deck.decide())
            late = deck.join_lecture(alongside=deck.present)
            deck.finish_takes()
            deck.save()
            if late is not None:
                raise late
        except (OSError, RenderError) as error:
            full = _disk_full(error, request.out, _GUESS_BYTES.get(request.quality.name, 0))
            if full is None:
                raise
            deck.drop_unfinished()
        finally:
            deck.close()
            deck.stop_preparing(wait=False)  # after an interruption: no waiting for a cut
            progress.finish()
            if deck.cache is not None:
                deck.summary.cache = CacheReport.of(deck.cache, deck.summary.rendered,
                                                     len(deck.summary.taken))
                deck.cache.close()
            _restore(contract.CACHE, given)  # set for this run's slide jobs only
            _restore(contract.TAKES, given_takes)
    if full is not None:  # said once the staging folder is gone: the space free after it
        where, log = full
        free = shutil.disk_usage(where).free if where.exists() else None
        raise DiskFull(where, deck.space_needed(), free, log)
    return deck.summary


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
