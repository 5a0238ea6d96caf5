"""Where a Manim render's time goes, phase by phase: for bench/breakdown.py.

Off unless `$BACKPROP_PROFILE` names a folder; then `scenes.speedups.install` installs it
after the speedups, so the functions wrapped are the ones the render really calls, and,
like them, only into the Manim code it was read against (`PATCH`). Without the variable
a render does not even import this module.

Each wrapped function charges its wall and CPU time to a phase. Phases nest: the
innermost one gets the time (a formula's SVG parsing inside its constructor is
"svg", not "typeset" too), so the phases of a thread add up to that thread's time.
CPU is per thread (`time.thread_time`): Manim draws on the main thread while
encoder threads encode the segments of earlier animations, and x264 encodes on
threads of its own, and swscale converts frames for it on a thread pool that lives on.
Native threads' CPU is what the process spent beyond its Python threads: "encode-native",
except what the pools spent while the narrator spoke (the voice's ONNX Runtime pool:
NATIVE_PHASES) and before the render started. The record lists the live pools by name.
The main thread's subprocesses (LaTeX, dvisvgm, espeak-ng) are charged to the phase
that waited for them.

At exit the process writes one JSON record, `profile-<pid>.json`, into the folder:
its wall and CPU time from process start, the phases, and the frames encoded.
`$BACKPROP_PROFILE_CAPTURE` (a folder) also keeps every frame handed to the encoder,
losslessly (x264 RGB at crf 0, held frames once, with their repeat counts), for the
encode-only floor; that copying is its own phase, "capture", left out of the others.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import pickle
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lecture import contract
from scenes.speedups.guard import Patch

__all__ = ["COLUMNS", "Recorder", "RECORDER", "install", "PATCH",
           "installed", "columns", "read_records", "capture_index"]

CAPTURE_INDEX = "capture.json"
# Phases whose work runs on thread pools of their own (the voice: ONNX Runtime's), which
# live on: their threads' CPU meanwhile is measured too (reading /proc, so only these).
NATIVE_PHASES = frozenset({"voice"})
CAPTURE_SPEC = "spec.pickle"

# The table's columns, each the sum of some phases. "start" is process start to the
# scene's setup (Python, Manim and the project imported, config read).
COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("start",),
    "typeset": ("latex", "pango", "svg", "typeset"),  # LaTeX/Text to SVG, parsed to paths
    "voice": ("voice",),  # the narrator's speech synthesis (narration/speech.py)
    "scene": ("setup", "scene", "teardown", "hash"),  # construct(), animation maths, cache keys
    "draw": ("draw",),  # Cairo: the camera drawing a frame, and copying it out
    "encode": ("encode", "encode-native", "join"),  # segment encoders, x264's threads, the join
    "wait": ("wait",),  # the drawing thread blocked on a full encoder queue
    "other": ("finish", "other"),  # everything else in the process, exit included
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread, ended ones too
    return usage.ru_utime + usage.ru_stime


def _process_start() -> float:
    """When this process started (time.time()), to 1/100 s; the import of this module
    if /proc cannot say."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return _IMPORTED


_IMPORTED = time.time()


@dataclass
class _Open:
    phase: str
    wall: float  # perf_counter when this phase last took over the thread
    cpu: float  # thread_time then
    children: float  # children's CPU then (main thread only)


class Recorder:
    """Wall and CPU seconds per phase, charged to the innermost open phase per thread."""

    def __init__(self) -> None:
        self.phases: dict[str, dict[str, float]] = {}
        self.main_cpu = 0.0  # charged on the main thread
        self.main_wall = 0.0
        self.thread_cpu = 0.0  # CPU of ended Python threads other than the main one
        self.frames = 0
        self.segments = 0
        self.format: dict[str, float] = {}  # the render's width, height and fps
        # At Manager.render: time.time(), the process's CPU (children's too), the main
        # thread's own CPU (children's too), and that of native threads then alive.
        self.render_start: tuple[float, float, float, float] | None = None
        # Native threads' CPU while a NATIVE_PHASES phase ran: phase -> thread id -> seconds.
        self.native: dict[str, dict[int, float]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def _stack(self) -> list[_Open]:
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def _charge(self, top: _Open, wall: float, cpu: float, children: float) -> None:
        main = threading.current_thread() is threading.main_thread()
        spent_cpu = cpu - top.cpu + (children - top.children if main else 0.0)
        self.add(top.phase, wall - top.wall, spent_cpu, main=main)

    def add(self, phase: str, wall: float, cpu: float, calls: int = 0,
            main: bool = False) -> None:
        with self._lock:
            entry = self.phases.setdefault(phase, {"wall": 0.0, "main_wall": 0.0, "cpu": 0.0,
                                                   "calls": 0})
            entry["wall"] += wall
            entry["cpu"] += cpu
            entry["calls"] += calls
            if main:
                entry["main_wall"] += wall
                self.main_wall += wall
                self.main_cpu += cpu

    def _now(self) -> tuple[float, float, float]:
        main = threading.current_thread() is threading.main_thread()
        return time.perf_counter(), time.thread_time(), _children_cpu() if main else 0.0

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if name in NATIVE_PHASES and threading.current_thread() is threading.main_thread():
            with self._native_threads(name), self._phase(name):
                yield
        else:
            with self._phase(name):
                yield

    @contextmanager
    def _native_threads(self, name: str) -> Iterator[None]:
        before = _native_threads_cpu()
        try:
            yield
        finally:
            spent = self.native.setdefault(name, {})
            for tid, cpu in _native_threads_cpu().items():
                spent[tid] = spent.get(tid, 0.0) + cpu - before.get(tid, 0.0)

    @contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        stack = self._stack()
        now = self._now()
        if stack:
            self._charge(stack[-1], *now)
        stack.append(_Open(name, *now))
        try:
            yield
        finally:
            now = self._now()
            self._charge(stack.pop(), *now)
            if name in self.phases:
                with self._lock:
                    self.phases[name]["calls"] += 1
            if stack:
                stack[-1].wall, stack[-1].cpu, stack[-1].children = now

    def wrap(self, owner: Any, name: str, phase: str) -> bool:
        """Charge calls of `owner.name` to `phase`; False if `owner` has no such function."""
        original = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name,
                                                                                    None)
        if not callable(original):
            return False
        setattr(owner, name, self.timed(original, phase))
        return True

    def timed(self, function: Callable[..., Any], phase: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.phase(phase):
                return function(*args, **kwargs)

        timed.__profiled__ = function  # type: ignore[attr-defined]
        return timed

    def count_frames(self, repeat: int) -> None:
        with self._lock:
            self.frames += repeat

    def thread_ended(self) -> None:
        with self._lock:
            self.thread_cpu += time.thread_time()

    def mark_render_start(self) -> None:
        if self.render_start is None:
            from manim import config

            self.render_start = (time.time(), _process_cpu() + _children_cpu(),
                                 time.thread_time() + _children_cpu(),
                                 sum(_native_threads_alive().values()))
            self.format = {"width": config.pixel_width, "height": config.pixel_height,
                           "fps": config.frame_rate}

    def record(self, started: float) -> dict[str, Any]:
        """This process so far: its phases, with start, other and the native threads'
        CPU worked out from the process's totals."""
        now, cpu = time.time(), _process_cpu() + _children_cpu()
        phases = {name: dict(entry) for name, entry in self.phases.items()}
        main_now = time.thread_time() + _children_cpu()
        # Threads still alive that Python did not start: thread pools (the voice's ONNX
        # Runtime, swscale's converting frames for the encoder). Their CPU during a
        # NATIVE_PHASES phase is that phase's; the rest is the encoder's, as x264's is.
        alive = _native_threads_alive()
        alive_ids = set(_native_threads_cpu())
        in_phases = 0.0
        for phase, by_thread in self.native.items():
            spent = sum(seconds for tid, seconds in by_thread.items() if tid in alive_ids)
            phases.setdefault(phase, {"wall": 0.0, "main_wall": 0.0, "cpu": 0.0, "calls": 0})
            phases[phase]["cpu"] += spent
            in_phases += spent
        render_at, render_cpu, main_at_render, alive_at_render = (
            self.render_start or (now, cpu, main_now, sum(alive.values())))
        phases["start"] = {"wall": render_at - started, "main_wall": render_at - started,
                           "cpu": render_cpu, "calls": 1}
        # The main thread's time in no phase (Manim's command line around the render).
        rest = max(0.0, now - render_at - self.main_wall)
        phases["other"] = {"wall": rest, "main_wall": rest, "calls": 0,
                           "cpu": max(0.0, main_now - main_at_render - self.main_cpu)}
        native = max(0.0, _process_cpu() - time.thread_time() - self.thread_cpu
                     - self._alive_python_threads_cpu() - in_phases - alive_at_render)
        phases["encode-native"] = {"wall": 0.0, "main_wall": 0.0, "cpu": native, "calls": 0}
        return {"pid": os.getpid(), "argv": sys.argv, "wall": now - started, "cpu": cpu,
                **self.format, "frames": self.frames, "segments": self.segments, "phases": phases,
                "native_threads_alive": alive}

    def _alive_python_threads_cpu(self) -> float:
        """CPU of the Python threads other than this one still running (at exit: none)."""
        ids = {t.native_id for t in threading.enumerate()} - {threading.get_native_id()}
        return sum(_task_cpu(tid) for tid in ids if tid is not None)


def _task_cpu(tid: int) -> float:
    try:
        fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _native_threads_cpu() -> dict[int, float]:
    """CPU seconds of each live thread Python did not start, by thread id."""
    python = {t.native_id for t in threading.enumerate()}
    try:
        tasks = [int(name) for name in os.listdir("/proc/self/task")]
    except OSError:
        return {}
    return {tid: _task_cpu(tid) for tid in tasks if tid not in python}


def _native_threads_alive() -> dict[str, float]:
    """Threads Python did not start, by name: CPU seconds (to see who the residual is)."""
    found: dict[str, float] = {}
    for tid, cpu in _native_threads_cpu().items():
        try:
            name = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
        except OSError:
            continue
        found[name] = found.get(name, 0.0) + cpu
    return found


RECORDER = Recorder()
_installed = False


def columns(record: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """A record's phases summed into COLUMNS, "capture" left out: each column's "cpu",
    its "wall" on the main thread (these add up to the process's wall time), and its
    "thread_wall" on other threads (the encoders', alongside the main thread's)."""
    phases = record.get("phases", {})
    found = {}
    for column, members in COLUMNS.items():
        entries = [phases.get(p, {}) for p in members]
        wall = sum(e.get("wall", 0.0) for e in entries)
        main = sum(e.get("main_wall", 0.0) for e in entries)
        found[column] = {"cpu": sum(e.get("cpu", 0.0) for e in entries), "wall": main,
                         "thread_wall": wall - main}
    return found


def read_records(folder: Path) -> list[dict[str, Any]]:
    """The records Manim processes wrote into `folder`, oldest first."""
    records = [json.loads(path.read_text(encoding="utf-8"))
               for path in folder.glob("profile-*.json")]
    return sorted(records, key=lambda record: record.get("ended", 0.0))


class _Capture:
    """Every frame one segment encoder is handed, kept losslessly, held frames once."""

    def __init__(self, folder: Path, index: int, spec: Any) -> None:
        import av

        self.path = folder / f"segment-{index:04d}.mkv"
        self.repeats: list[int] = []
        self._container = av.open(str(self.path), mode="w")
        # Lossless and 4x cheaper than FFV1 here (12 against 52 ms a 1080p frame). Alpha
        # goes: Manim's frames are opaque, and converting to the video's format drops it.
        self._stream = self._container.add_stream(
            "libx264rgb", rate=spec.frame_rate, options={"crf": "0", "preset": "ultrafast"})
        self._stream.pix_fmt = "rgb24"
        self._stream.width, self._stream.height = spec.width, spec.height
        self._stream.thread_count = 1  # its CPU stays on the calling thread: "capture"
        self._av = av

    def write(self, pixels: Any, repeat: int) -> None:
        frame = self._av.VideoFrame.from_ndarray(pixels, format="rgba")
        # Converted here on one thread: swscale's pool would pass for the encoder's.
        frame = frame.reformat(format="rgb24", threads=1)
        frame.pts = len(self.repeats)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.repeats.append(repeat)

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()


def capture_index(folder: Path) -> tuple[list[tuple[Path, list[int]]], Any]:
    """A capture folder's segments in order, each (lossless file, repeat count per frame),
    and the VideoEncoderSpec the render encoded them with."""
    index = json.loads((folder / CAPTURE_INDEX).read_text(encoding="utf-8"))
    spec = pickle.loads((folder / CAPTURE_SPEC).read_bytes())
    return [(folder / entry["file"], entry["repeats"]) for entry in index["segments"]], spec


class _Captures:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.segments: list[_Capture] = []
        folder.mkdir(parents=True, exist_ok=True)

    def open(self, spec: Any) -> _Capture:
        if not self.segments:
            (self.folder / CAPTURE_SPEC).write_bytes(pickle.dumps(spec))
        capture = _Capture(self.folder, len(self.segments), spec)
        self.segments.append(capture)
        return capture

    def write_index(self) -> None:
        segments = [{"file": c.path.name, "repeats": c.repeats} for c in self.segments]
        (self.folder / CAPTURE_INDEX).write_text(json.dumps({"segments": segments}),
                                                 encoding="utf-8")


def _instrument_encoder(encoder: Any, captures: _Captures | None) -> None:
    """Time this segment encoder's work (on its own thread), and capture its frames.

    Wrapped on the instance, around whatever the class's methods are then (Manim's or
    scenes/speedups/held_frames.py's), which stay installed on the class."""
    write, finish = encoder.write_frame, encoder.finish
    capture = captures.open(encoder.spec) if captures is not None else None

    def write_frame(pixels: Any, *, repeat: int = 1) -> None:
        with RECORDER.phase("encode"):
            if capture is not None:
                with RECORDER.phase("capture"):
                    capture.write(pixels, repeat)
            write(pixels, repeat=repeat)
        RECORDER.count_frames(repeat)

    def finish_segment() -> None:
        with RECORDER.phase("encode"):
            finish()
            if capture is not None:
                with RECORDER.phase("capture"):
                    capture.close()

    encoder.write_frame, encoder.finish = write_frame, finish_segment


def install(folder: Path | None = None, capture: Path | None = None) -> bool:
    """Wrap Manim's phases and write this process's record into `folder` at exit.

    `folder`, `capture`: default $BACKPROP_PROFILE, $BACKPROP_PROFILE_CAPTURE. Installs
    once per process; False if there is no folder to write to.
    """
    global _installed
    if folder is None and os.environ.get(contract.PROFILE):
        folder = Path(os.environ[contract.PROFILE])
    if capture is None and os.environ.get(contract.PROFILE_CAPTURE):
        capture = Path(os.environ[contract.PROFILE_CAPTURE])
    if folder is None or _installed:
        return _installed
    from manim import manager
    from manim.mobject.svg import svg_mobject
    from manim.mobject.text import tex_mobject, text_mobject
    from manim.renderer import cairo_renderer
    from manim.scene import scene_file_writer

    from narration import speech
    from scenes.speedups import prefetch

    started = _process_start()
    wrap = RECORDER.wrap
    original_render = manager.Manager.render

    @functools.wraps(original_render)
    def render(self: Any, *args: Any, **kwargs: Any) -> Any:
        RECORDER.mark_render_start()
        return original_render(self, *args, **kwargs)

    manager.Manager.render = render
    for name, phase in (("setup", "setup"), ("construct", "scene"), ("tear_down", "teardown"),
                        ("post_construct", "finish")):
        wrap(manager.Manager, name, phase)
    wrap(tex_mobject, "tex_to_svg_file", "latex")  # imported by name there: LaTeX + dvisvgm
    # A slide's formulas compiled together (prefetch.py): the dry pass that finds them
    # (a fork, waited for) counts as typesetting, their one latex and dvisvgm as LaTeX.
    wrap(prefetch, "collect", "typeset")
    wrap(prefetch, "compile_batch", "latex")
    for cls in (tex_mobject.SingleStringMathTex, tex_mobject.MathTex, tex_mobject.Tex,
                text_mobject.Text, text_mobject.MarkupText, text_mobject.Paragraph):
        wrap(cls, "__init__", "typeset")
    wrap(text_mobject.Text, "_text2svg", "pango")
    wrap(text_mobject.MarkupText, "_text2svg", "pango")
    wrap(svg_mobject.SVGMobject, "init_svg_mobject", "svg")
    wrap(speech.Narrator, "speak", "voice")
    wrap(speech.Narrator, "synthesize", "voice")  # also on speak_ahead's thread
    wrap(cairo_renderer, "get_hash_from_play_call", "hash")
    wrap(cairo_renderer.CairoRenderer, "update_frame", "draw")
    wrap(cairo_renderer.CairoRenderer, "get_frame", "draw")
    writer = scene_file_writer.SceneFileWriter
    for name in ("write_frame", "close_partial_movie_stream", "join_all_encode_jobs"):
        wrap(writer, name, "wait")
    wrap(writer, "combine_to_movie", "join")
    captures = _Captures(capture) if capture is not None else None
    create = writer._create_segment_encoder

    def create_segment_encoder(self: Any, target: Path) -> Any:
        with RECORDER.phase("encode"):  # opening the container, starting x264
            encoder = create(self, target)
        RECORDER.segments += 1
        _instrument_encoder(encoder, captures)
        return encoder

    writer._create_segment_encoder = create_segment_encoder
    job = scene_file_writer._PartialMovieEncodeJob
    listen = job._listen_and_write

    def listen_and_write(self: Any) -> None:
        try:
            listen(self)
        finally:
            RECORDER.thread_ended()

    job._listen_and_write = listen_and_write
    speak_in_turn = speech.Narrator._speak_in_turn

    def speak_ahead_thread(self: Any, todo: list[str]) -> None:
        try:
            speak_in_turn(self, todo)
        finally:  # its CPU is the voice's (synthesize's phase), not left to "encode-native"
            RECORDER.thread_ended()

    speech.Narrator._speak_in_turn = speak_ahead_thread

    def write_record() -> None:
        record = RECORDER.record(started)
        speedups = sys.modules.get("scenes.speedups.held_frames")
        record.update(ended=time.time(), speedups=bool(speedups and speedups.installed()))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"profile-{os.getpid()}.json"
        path.write_text(json.dumps(record, indent=1), encoding="utf-8")
        if captures is not None:
            captures.write_index()

    atexit.register(write_record)
    _installed = True
    return True


def installed() -> bool:
    return _installed


# Wrapped by timers that call them unchanged, except these three, which it replaces by
# code that calls the original from inside: the render's start, a segment encoder's
# creation and its thread's end.
PATCH = Patch("profiler", {
    "manim.manager:Manager.render": "0d2179d58049e2c1",
    "manim.scene.scene_file_writer:SceneFileWriter._create_segment_encoder": "02e02b1de2175d5a",
    "manim.scene.scene_file_writer:_PartialMovieEncodeJob._listen_and_write": "69cf4b2194f08929",
}, apply=install, installed=installed)
