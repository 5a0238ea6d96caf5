"""What does scenes/speedups/svg_cache.py save on a re-render, and is the video the same?

For the chosen slides (default 4 and 6, the two an `lr` change re-renders), through
the project's own path (`slide_render.render_slide`, as `./render.sh` renders a slide,
its voice included, no GIF):

1. a cold render with default parameters into a fresh folder and a fresh user cache (the
   SVG cache on, as it writes its entries: its cost is in this one);
2. the same folder copied twice, and each copy re-rendered with `lr` changed: once with
   the SVG cache, once with `BACKPROP_NO_SVG_CACHE=1` (in turns, each first every other
   repeat, so neither is favoured by the machine's load).

Printed per run: CPU seconds (user+sys of this process and its children: Manim and its
LaTeX, dvisvgm, espeak-ng) and, from the Manim processes' own records
(bench/profiling.py), the CPU of parsing SVGs ("svg") and of the rest of making
formulas and texts ("typeset"); then the ratio with/without, and whether the two
re-renders' videos are the same frame by frame (PyAV, every decoded frame's planes and
timestamp) and Manim's per-animation cache keys the same (the partial movie files'
names). The load average is printed at start and end.

    .venv/bin/python bench/svg_cache.py [--slides 4 6] [--quality preview] [--repeats 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import av  # noqa: E402
import numpy as np  # noqa: E402

from backprop_core import Params  # noqa: E402
from backprop_render.build import slide_render  # noqa: E402
from backprop_render.quality import QUALITIES  # noqa: E402
from bench import profiling  # noqa: E402
from lecture import contract  # noqa: E402
from lecture.slides import SLIDES, Slide  # noqa: E402
from narration.speech import DEFAULT_VOICE  # noqa: E402


def _cpu() -> float:
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def render(slides: list[Slide], params: Params, quality: str, folder: Path, voice: str,
           cache: bool, scratch: Path) -> dict[str, float]:
    """Render `slides` into `folder` (their caches in it), profiled; CPU s and phases."""
    params_file = scratch / f"params-{params.lr}.json"
    params_file.write_text(json.dumps(dataclasses.asdict(params)), encoding="utf-8")
    profile = scratch / f"profile-{folder.name}-{os.getpid()}-{_cpu():.3f}"
    os.environ[contract.PROFILE] = str(profile)
    if not cache:
        os.environ[contract.NO_SVG_CACHE] = "1"
    try:
        before = _cpu()
        for slide in slides:
            work = folder / "work" / slide.stem
            slide_render.render_slide(slide, params_file, QUALITIES[quality], work, None,
                                      folder / slide.stem, voice=voice)
        spent = {"cpu": _cpu() - before}
    finally:
        os.environ.pop(contract.PROFILE, None)
        os.environ.pop(contract.NO_SVG_CACHE, None)
    phases: dict[str, float] = {}
    for record in profiling.read_records(profile):
        for name, entry in record.get("phases", {}).items():
            phases[name] = phases.get(name, 0.0) + entry.get("cpu", 0.0)
    spent.update(svg=phases.get("svg", 0.0), typeset=phases.get("typeset", 0.0))
    shutil.rmtree(profile, ignore_errors=True)
    return spent


def same_video(a: Path, b: Path) -> tuple[bool, int]:
    """Whether two videos decode to the same frames at the same timestamps; frames seen."""
    with av.open(str(a)) as one, av.open(str(b)) as other:
        frames = 0
        left, right = one.decode(video=0), other.decode(video=0)
        while True:
            x, y = next(left, None), next(right, None)
            if x is None or y is None:
                return x is None and y is None, frames
            if (x.pts != y.pts or x.format.name != y.format.name
                    or not np.array_equal(x.to_ndarray(), y.to_ndarray())):
                return False, frames
            frames += 1


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def partial_movies(folder: Path, slide: Slide) -> set[str]:
    return {p.name for p in (folder / slide.stem / "media").glob("videos/**/*.mp4")
            if p.parent.parent.name == "partial_movie_files"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slides", type=int, nargs="+", default=[4, 6])
    parser.add_argument("--quality", default="preview", choices=list(QUALITIES))
    parser.add_argument("--lr", type=float, default=0.02, help="the changed learning rate")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--voice", default=DEFAULT_VOICE, help="narrator (default: render.sh's)")
    args = parser.parse_args(argv)
    slides = [SLIDES[n - 1] for n in args.slides]
    print(f"load average at start: {_load()}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="svg-cache-bench-") as name:
        scratch = Path(name)
        # The parses live in the user cache: one of this run's own, shared by its renders.
        slide_render.use_user_cache(scratch / "user-cache")
        cold = scratch / "cold"
        first = render(slides, Params(), args.quality, cold, args.voice, True, scratch)
        print(f"cold, SVG cache on (writing it): {first['cpu']:.2f} s CPU, svg {first['svg']:.2f}"
              f" s, typeset {first['typeset']:.2f} s")
        runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
        for repeat in range(args.repeats):
            for cache in ((True, False) if repeat % 2 == 0 else (False, True)):
                folder = scratch / f"{'on' if cache else 'off'}-{repeat}"
                shutil.copytree(cold, folder, symlinks=True)
                runs[cache].append(render(slides, dataclasses.replace(Params(), lr=args.lr),
                                          args.quality, folder, args.voice, cache, scratch))
        for cache in (False, True):
            med = {k: statistics.median(r[k] for r in runs[cache]) for k in ("cpu", "svg",
                                                                              "typeset")}
            each = ", ".join(format(r["cpu"], ".2f") for r in runs[cache])
            print(f"lr={args.lr}, SVG cache {'on ' if cache else 'off'}: median of "
                  f"{args.repeats}: {med['cpu']:.2f} s CPU (runs: {each}), svg "
                  f"{med['svg']:.2f} s, typeset {med['typeset']:.2f} s")
        on = statistics.median(r["cpu"] for r in runs[True])
        off = statistics.median(r["cpu"] for r in runs[False])
        print(f"lr re-render with / without the SVG cache: {on / off:.3f}x CPU "
              f"({off - on:.2f} s saved); cold: {first['cpu']:.2f} s, so lr/cold "
              f"{off / first['cpu']:.3f} -> {on / first['cpu']:.3f} for these slides")
        for slide in slides:
            video = f"{slide.stem}.mp4"
            same, frames = same_video(scratch / "on-0" / "work" / slide.stem / video,
                                      scratch / "off-0" / "work" / slide.stem / video)
            keys = partial_movies(scratch / "on-0", slide) == partial_movies(
                scratch / "off-0", slide)
            print(f"slide {slide.number}: {frames} frames, the same with and without: {same}; "
                  f"Manim's cache keys (partial movies) the same: {keys}")
            failed |= not (same and keys)
    print(f"load average at end: {_load()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
