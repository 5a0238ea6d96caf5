"""Where does a slide render's time go? A per-phase breakdown, and the encode-only floor.

Each chosen slide is rendered cold (fresh media and speech folders) through the
project's own path, `backprop_render.build.slide_render.render_slide`, as `./render.sh`
renders it (the same Manim runs, encoder settings, GIF and voice), with
`$BACKPROP_PROFILE` set: each Manim process times its phases (bench/profiling.py)
and the post-processing in this process is timed function by function. Printed, per
slide and in total, in CPU seconds and in wall seconds:

- start: process start to the scene's setup (Python, Manim and the project imported);
- typeset: LaTeX and Text to SVG (LaTeX and dvisvgm processes included), SVG parsing;
- voice: the narrator's speech synthesis; scene: construct(), animation maths,
  cache keys; draw: Cairo drawing the frames;
- encode: the segment encoders (their threads, x264's, swscale's), the segments' join;
- wait: the drawing thread waiting for a full encoder queue; other: the rest;
- post: what slide_render does after Manim (transcode, remux, GIF, audio mix, probes).

CPU time (user+sys of every thread and child process) is the number to compare on a
shared machine: wall time stretches with the load (printed at start and end).

Then the encode-only floor, at 1080p60 for one slide (`--floor-slide`, default 4):
the slide is rendered once more with every frame Manim hands its encoder kept
losslessly, and those frames alone are encoded again with the render's own encoder
settings (read from the render, so they follow backprop_render/quality.py) through
Manim's own segment encoder, as one stream. Printed in ms per frame: the full render,
its drawing, its encoding, the floor, and the ratio render / floor. Keeping the frames
costs the render CPU (printed, and left out) and wall time (not separable).

    .venv/bin/python bench/breakdown.py                          # 8 slides at 1080p, floor
    .venv/bin/python bench/breakdown.py --slides 3 4 --quality preview --floor-slide 4
    .venv/bin/python bench/breakdown.py --slides 6 --no-floor --json times.json
    .venv/bin/python bench/breakdown.py --slides 4 --quality preview --no-floor \
        --cache-dir /tmp/warm   # twice: the second is a new folder with the user cache warm
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regenerate import load  # noqa: E402  (bench/ is the script's folder)

from backprop_core import Params  # noqa: E402
from backprop_render.build import slide_render  # noqa: E402
from backprop_render.media import audio
from backprop_render.media import video as media
from backprop_render.quality import DEFAULT_GIF_WIDTH, QUALITIES, Quality  # noqa: E402
from bench import profiling  # noqa: E402
from lecture import contract  # noqa: E402
from lecture.slides import SLIDES, Slide  # noqa: E402
from narration.speech import DEFAULT_VOICE  # noqa: E402

COLUMNS = [*profiling.COLUMNS, "post"]
FLOOR_QUALITY = "1080p"


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class PostSteps:
    """Wall and CPU seconds of each media and audio function render_slide calls here
    (the outermost call only: make_gif's own probes are part of make_gif)."""

    def __init__(self) -> None:
        self.steps: dict[str, dict[str, float]] = {}
        self._depth = 0

    def _timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:
                return function(*args, **kwargs)
            self._depth += 1
            wall, cpu = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1
                step = self.steps.setdefault(name, {"wall": 0.0, "cpu": 0.0})
                step["wall"] += time.perf_counter() - wall
                step["cpu"] += _cpu(resource.RUSAGE_SELF) - cpu

        return timed

    @contextmanager
    def installed(self) -> Iterator[PostSteps]:
        saved = [(module, name, getattr(module, name)) for module in (media, audio)
                 for name in module.__all__ if inspect.isfunction(getattr(module, name, None))]
        for module, name, function in saved:
            setattr(module, name, self._timed(name, function))
        try:
            yield self
        finally:
            for module, name, function in saved:
                setattr(module, name, function)


@dataclass
class SlideRun:
    slide: Slide
    quality: Quality
    wall: float  # render_slide, start to end
    cpu: float  # Manim processes (and their children) and this process meanwhile
    records: list[dict[str, Any]]  # one per Manim process (bench/profiling.py)
    post: dict[str, dict[str, float]]  # step -> wall, cpu
    post_cpu: float  # this process's CPU during render_slide: the post-processing
    columns: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def video_record(self) -> dict[str, Any]:
        """The record of the run that made the slide's video (the GIF master is smaller)."""
        return max(self.records, key=lambda r: (r.get("height", 0), r.get("frames", 0)))

    @property
    def frames(self) -> int:
        return int(self.video_record.get("frames", 0)) if self.records else 0

    def phase(self, name: str) -> dict[str, float]:
        """One phase of the Manim processes, summed."""
        found = {"wall": 0.0, "cpu": 0.0}
        for record in self.records:
            entry = record["phases"].get(name, {})
            found["cpu"] += entry.get("cpu", 0.0)
            found["wall"] += entry.get("wall", 0.0)
        return found


def add_up(run: SlideRun) -> None:
    """The run's columns: the Manim processes' phases, the post-processing, and what
    neither accounts for (process exits, reading the manifest) as "other"."""
    columns = {name: {"wall": 0.0, "cpu": 0.0, "thread_wall": 0.0} for name in COLUMNS}
    for record in run.records:
        for name, spent in profiling.columns(record).items():
            for kind in spent:
                columns[name][kind] += spent[kind]
    columns["post"]["wall"] = sum(step["wall"] for step in run.post.values())
    columns["post"]["cpu"] = run.post_cpu
    captured = run.phase("capture")  # the floor's copy of the frames: in no column
    for kind, total in (("wall", run.wall), ("cpu", run.cpu - captured["cpu"])):
        rest = total - sum(column[kind] for column in columns.values())
        columns["other"][kind] += max(0.0, rest)
    run.columns = columns


def render(slide: Slide, quality: Quality, scratch: Path, params_file: Path,
           gif_width: int | None, voice: str, capture: Path | None = None) -> SlideRun:
    folder = scratch / f"{slide.stem}-{quality.name}"
    shutil.rmtree(folder, ignore_errors=True)
    profile = folder / "profile"
    os.environ[contract.PROFILE] = str(profile)
    if capture is not None:
        os.environ[contract.PROFILE_CAPTURE] = str(capture)
    post = PostSteps()
    try:
        with post.installed():
            wall = time.perf_counter()
            own, children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
            slide_render.render_slide(slide, params_file, quality, folder / "work", gif_width,
                                      folder / "cache", voice=voice)
            wall = time.perf_counter() - wall
            own = _cpu(resource.RUSAGE_SELF) - own
            children = _cpu(resource.RUSAGE_CHILDREN) - children
    finally:
        os.environ.pop(contract.PROFILE, None)
        os.environ.pop(contract.PROFILE_CAPTURE, None)
    records = profiling.read_records(profile)
    if not records:
        sys.exit(f"slide {slide.number}: no timing record from Manim (is the hook in "
                 f"scenes/kit/slide.py?)")
    run = SlideRun(slide, quality, wall, own + children, records, post.steps, own)
    add_up(run)
    return run


def _table(runs: list[SlideRun], kind: str, title: str, note: str) -> list[str]:
    head = f"{'slide':<28}{'frames':>7}" + "".join(f"{c:>9}" for c in COLUMNS) + f"{'total':>9}"
    lines = [title, head]
    totals = {c: 0.0 for c in COLUMNS}
    for run in runs:
        values = {c: run.columns[c][kind] for c in COLUMNS}
        for c in COLUMNS:
            totals[c] += values[c]
        total = run.cpu if kind == "cpu" else run.wall
        lines.append(f"{run.slide.stem:<28}{run.frames:>7}"
                     + "".join(f"{values[c]:>9.2f}" for c in COLUMNS) + f"{total:>9.2f}")
    total = sum(run.cpu if kind == "cpu" else run.wall for run in runs)
    lines.append(f"{'total':<28}{sum(r.frames for r in runs):>7}"
                 + "".join(f"{totals[c]:>9.2f}" for c in COLUMNS) + f"{total:>9.2f}")
    lines.append(note)
    return lines


def report(runs: list[SlideRun]) -> list[str]:
    quality = runs[0].quality
    lines = [f"Where the time goes: {len(runs)} slide(s) at {quality.name} "
             f"({quality.width}x{quality.height}, {quality.fps} fps), rendered "
             + (f"into new folders, user cache {os.environ[contract.CACHE]} as it was."
                if os.environ.get(contract.CACHE) else "cold.")]
    lines += _table(runs, "cpu", "CPU seconds (user+sys of every thread and child process):",
                    "  The machine may be shared: CPU seconds are the trustworthy numbers.")
    threads = sum(r.columns["encode"]["thread_wall"] for r in runs)
    lines += [""] + _table(
        runs, "wall", "Wall seconds (the drawing thread's timeline; the columns add up):",
        f"  encode here is the drawing thread's share (opening segments, the join); the "
        f"encoder threads were busy {threads:.2f} s more, alongside drawing.")
    totals = {c: sum(r.columns[c]["cpu"] for r in runs) for c in COLUMNS}
    cpu = sum(r.cpu for r in runs)
    largest = max(totals, key=totals.__getitem__)
    lines.append(f"\nLargest phase: {largest}, {totals[largest]:.2f} s CPU "
                 f"({totals[largest] / cpu:.0%} of {cpu:.2f} s).")
    # The two parts of their columns that scenes/speedups/cache_key.py and latex_format.py cut.
    lines.append("Inside them (CPU s): " + ", ".join(
        f"slide {r.slide.number} cache keys {r.phase('hash')['cpu']:.2f} of scene "
        f"{r.columns['scene']['cpu']:.2f}, LaTeX {r.phase('latex')['cpu']:.2f} of typeset "
        f"{r.columns['typeset']['cpu']:.2f}" for r in runs))
    steps: dict[str, dict[str, float]] = {}
    for run in runs:
        for name, step in run.post.items():
            into = steps.setdefault(name, {"wall": 0.0, "cpu": 0.0})
            into["wall"] += step["wall"]
            into["cpu"] += step["cpu"]
    if steps:
        lines.append("post, by step (CPU / wall s): " + ", ".join(
            f"{name} {s['cpu']:.2f}/{s['wall']:.2f}"
            for name, s in sorted(steps.items(), key=lambda item: -item[1]["cpu"])))
    return lines


# ----- the encode-only floor ------------------------------------------------------------------

@dataclass
class Pass:
    wall: float  # in the encoder's calls
    cpu: float  # in the encoder's calls on this thread, and on every other thread (x264's)
    frames: int
    distinct: int


def encode_only(capture: Path, target: Path) -> Pass:
    """Encode the captured frames into `target` as the render did: the render's encoder
    settings, through Manim's segment encoder (with scenes/speedups/held_frames.py's frame
    writer if the render had it), as one stream.

    Only the encoder is timed. The frames are decoded and converted on this thread alone
    (one decoder thread, one swscale thread), so the other threads' CPU meanwhile is the
    encoder's (x264's, and swscale's converting for it)."""
    import av
    import numpy as np
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    segments, spec = profiling.capture_index(capture)
    frames = distinct = 0
    own = wall = 0.0
    process, thread = _cpu(resource.RUSAGE_SELF), time.thread_time()

    def timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        nonlocal own, wall
        started = time.perf_counter(), time.thread_time()
        result = call(*args, **kwargs)
        wall += time.perf_counter() - started[0]
        own += time.thread_time() - started[1]
        return result

    encoder = timed(VideoSegmentEncoder, target=target, spec=spec)
    for path, repeats in segments:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.codec_context.thread_type, stream.codec_context.thread_count = "NONE", 1
            for frame, repeat in zip(container.decode(stream), repeats, strict=True):
                # swscale's own threads (its default) would pass for the encoder's
                rgba = frame.to_ndarray(format="rgba", threads=1)
                pixels = np.ascontiguousarray(rgba)  # its rows are padded
                timed(encoder.write_frame, pixels, repeat=repeat)
                frames += repeat
                distinct += 1
    timed(encoder.finish)
    others = (_cpu(resource.RUSAGE_SELF) - process) - (time.thread_time() - thread)
    return Pass(wall, own + others, frames, distinct)


def floor(slide: Slide, quality: Quality, scratch: Path, params_file: Path,
          voice: str) -> list[str]:
    capture = scratch / "floor-capture"
    shutil.rmtree(capture, ignore_errors=True)
    run = render(slide, quality, scratch / "floor", params_file, None, voice, capture=capture)
    record = run.video_record
    segments, spec = profiling.capture_index(capture)
    if record.get("speedups"):  # encoded as the render encoded them
        from scenes import speedups

        speedups.install()
    both = encode_only(capture, scratch / "floor.mp4")
    frames = both.frames
    if frames != record["frames"]:
        sys.exit(f"the capture holds {frames} frames, the render encoded {record['frames']}")
    captured = run.phase("capture")
    per_frame = [
        ("full render (render_slide)", run.cpu - captured["cpu"], run.wall),
        ("  the Manim process", record["cpu"] - captured["cpu"], record["wall"]),
        ("  drawing (Cairo)", run.columns["draw"]["cpu"], run.columns["draw"]["wall"]),
        ("  encoding inside the render (wall: threads' busy)", run.columns["encode"]["cpu"],
         run.columns["encode"]["wall"] + run.columns["encode"]["thread_wall"]),
        ("encode-only floor", both.cpu, both.wall),
    ]
    options = " ".join(f"{k}={v}" for k, v in spec.options)
    expected = " ".join(f"{k}={v}" for k, v in quality.h264_options.items())
    lines = [f"\nEncode-only floor: slide {slide.number} ({slide.stem}) at {quality.name} "
             f"({spec.width}x{spec.height}, {float(spec.frame_rate):g} fps), {frames} frames "
             f"({both.distinct} distinct, in {len(segments)} segments).",
             f"  encoder, read from the render: {spec.codec} {spec.pixel_format} {options}"
             + ("" if options == expected else f" (quality.py says {expected}!)"),
             "  the floor encodes them as one stream (the render: one per animation); "
             "the render's CPU leaves the capture out, its wall cannot (slowed by it).",
             f"{'ms per frame':<52}{'CPU':>9}{'wall':>9}"]
    lines += [f"{name:<52}{cpu / frames * 1000:>9.2f}{wall / frames * 1000:>9.2f}"
              for name, cpu, wall in per_frame]
    render_cpu, render_wall = per_frame[0][1], per_frame[0][2]
    floor_cpu, floor_wall = per_frame[-1][1], per_frame[-1][2]
    lines.append(f"Ratio render / floor: {render_cpu / floor_cpu:.2f}x CPU, "
                 f"{render_wall / floor_wall:.2f}x wall.")
    lines.append(f"  (keeping the frames cost the render {captured['cpu']:.2f} s CPU, "
                 f"left out above)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slides", type=int, nargs="+", default=[s.number for s in SLIDES],
                        metavar="N", help="slide numbers (default: all)")
    parser.add_argument("--quality", default=FLOOR_QUALITY, choices=list(QUALITIES))
    parser.add_argument("--no-gif", action="store_true", help="skip the GIFs, as render.sh does")
    parser.add_argument("--voice", default=DEFAULT_VOICE, help="narrator (default: render.sh's)")
    parser.add_argument("--floor-slide", type=int, default=4, metavar="N",
                        help="the slide of the encode-only floor, at 1080p60 (default 4)")
    parser.add_argument("--floor-quality", default=FLOOR_QUALITY, choices=list(QUALITIES),
                        help="the floor's quality (default 1080p: 60 fps)")
    parser.add_argument("--no-floor", action="store_true", help="skip the encode-only floor")
    parser.add_argument("--no-breakdown", action="store_true", help="only the floor")
    parser.add_argument("--json", type=Path, help="also write every timing record here")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="render into DIR and keep it (default: a temporary folder)")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help="the user cache the renders read and fill (default: none, every "
                             "render cold); run twice with one to see a render into a new "
                             "folder with the cache warm")
    args = parser.parse_args(argv)
    if args.cache_dir:
        slide_render.use_user_cache(args.cache_dir.absolute())
    numbers = {s.number for s in SLIDES}
    for number in [*args.slides, args.floor_slide]:
        if number not in numbers:
            parser.error(f"no slide {number}; the slides are 1 to {len(SLIDES)}")

    scratch = args.keep or Path(tempfile.mkdtemp(prefix="breakdown-"))
    scratch.mkdir(parents=True, exist_ok=True)
    params_file = scratch / "params.json"
    params_file.write_text(json.dumps(dataclasses.asdict(Params())), encoding="utf-8")
    gif_width = None if args.no_gif else DEFAULT_GIF_WIDTH
    print(f"load average at start: {load()}  (2 cores here; the other helpers' load "
          f"stretches wall time, not CPU time)", flush=True)
    lines: list[str] = []
    runs: list[SlideRun] = []
    try:
        if not args.no_breakdown:
            quality = QUALITIES[args.quality]
            for number in args.slides:
                runs.append(render(SLIDES[number - 1], quality, scratch, params_file, gif_width,
                                   args.voice))
                print(f"  slide {number}: {runs[-1].cpu:.1f} s CPU, {runs[-1].wall:.1f} s wall",
                      flush=True)
            lines += report(runs)
        if not args.no_floor:
            lines += floor(SLIDES[args.floor_slide - 1], QUALITIES[args.floor_quality], scratch,
                           params_file, args.voice)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    print("\n".join(lines))
    print(f"load average at end: {load()}")
    if args.json:
        args.json.write_text(json.dumps([{"slide": r.slide.number, "quality": r.quality.name,
                                          "wall": r.wall, "cpu": r.cpu, "columns": r.columns,
                                          "post": r.post, "records": r.records} for r in runs],
                                        indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
