"""What does re-rendering the deck cost after a change, against plain Manim?

For each quality asked for, `--repeat` times, one after another on this machine:

- baseline: plain `manim render` of all eight slides one after another, the same
  quality, `--disable_caching`, a fresh media folder (so LaTeX compiles too), MP4s only,
  Manim's own code and encoder settings (no scenes/speedups/held_frames.py, one encoder in flight);
- ours, cold: `./render.sh --no-gif` into an empty output folder (empty caches);
- ours, nothing changed: the same command again;
- ours, lr changed: the same folder with `--set lr=...`;
- ours, x changed: a copy of the cold folder with `--set x=...`.

Ours runs as a lecturer runs it (`render.sh`, its set-up check included, the
presentation too) and, like the baseline, writes no GIFs (`--gifs` adds them to every
run of ours). Both sides speak with the same voice (`--voice`, default joe as
`./render.sh`; the baseline's scenes synthesize into a fresh folder), so both draw the
same, speech-timed frames; `--voice none` compares the silent deck. It prints
the median wall-clock seconds of each row, its ratio to the baseline's median, which
slides it rendered, and the size of the files it made, as a Markdown table for
docs/performance.md, and each run's CPU seconds (user + system of its processes) as it goes. Run it
on an otherwise idle machine; the load average is printed at start and end.

    .venv/bin/python bench/regenerate.py --quality preview 1080p --repeat 3
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_core import Params  # noqa: E402
from backprop_render.build.pipeline import CACHE_DIR  # noqa: E402
from backprop_render.build.slide_render import MANIM_CFG, REPO  # noqa: E402
from backprop_render.quality import QUALITIES, Quality  # noqa: E402
from lecture import contract  # noqa: E402
from lecture.slides import SLIDES  # noqa: E402

DEFAULTS = Params()
LR_CHANGED = f"lr={DEFAULTS.lr * 2:g}"
X_CHANGED = f"x={DEFAULTS.x + 0.4:g}"


@dataclass
class Row:
    name: str
    seconds: list[float] = field(default_factory=list)
    rendered: str = ""
    size: int = 0  # bytes of the files the lecturer gets
    cache: int = 0  # bytes kept for the next render

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far: what a run
    costs on a shared machine, where its wall-clock seconds depend on the others."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def folder_size(path: Path, skip: str | None = None) -> int:
    return sum(p.stat().st_size for p in path.rglob("*")
               if p.is_file() and not (skip and skip in p.relative_to(path).parts))


def video_bytes(paths) -> int:
    """Bytes of the video streams alone (ours carry speech the baseline has not)."""
    import av

    total = 0
    for path in paths:
        with av.open(str(path)) as container:
            total += sum(packet.size for packet in container.demux(video=0))
    return total


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def baseline(quality: Quality, media: Path, voice: str) -> float:
    """Plain Manim, slide after slide, as one would without this tool.

    Manim's own code (not scenes/speedups/held_frames.py) with Manim's default of one
    encoder in flight: the same slides drawn by Manim as it comes.
    """
    env = {k: v for k, v in os.environ.items() if k != contract.PARAMS}  # the defaults
    env[contract.STOCK_MANIM] = "1"
    # The same narration as ours (the scenes speak when told a voice and a speech folder),
    # synthesized afresh: both sides make the same frames and do the same work.
    env[contract.VOICE] = voice
    env[contract.SPEECH_CACHE] = str(media / "speech")
    config = media.parent / "manim-as-it-comes.cfg"
    config.write_text(re.sub(r"(?m)^max_inflight_encoders = \d+$", "max_inflight_encoders = 1",
                             MANIM_CFG.read_text(encoding="utf-8")), encoding="utf-8")
    total = 0.0
    for slide in SLIDES:
        seconds, _ = timed([sys.executable, "-m", "manim", "render", "--config_file", str(config),
                            "--media_dir", str(media), "--disable_caching",
                            "--progress_bar", "none",
                            "-v", "WARNING", "-q", quality.manim_flag,
                            f"scenes/{slide.module}.py", slide.scene], env)
        total += seconds
    return total


def ours(quality: Quality, out: Path, gifs: bool, voice: str, *sets: str) -> tuple[float, str]:
    command = [str(REPO / "render.sh"), "--quality", quality.name, "--out", str(out), "--quiet",
               "--voice", voice, *([] if gifs else ["--no-gif"]),
               *(w for s in sets for w in ("--set", s))]
    seconds, stdout = timed(command)
    rendered = re.search(r"^Rendered (\d+) slides?", stdout, re.M)
    names = re.search(r"^Rendered .*?: (.*)$", stdout, re.M)
    numbers = [n.split("-")[0].lstrip("0") for n in names.group(1).split(", ")] if names else []
    return seconds, f"{rendered.group(1) if rendered else '?'}: {','.join(numbers) or 'none'}"


def measure(quality: Quality, repeat: int, gifs: bool, voice: str,
            scratch: Path) -> list[Row]:
    rows = {name: Row(name) for name in ("baseline: plain manim, 8 slides in a row", "ours, cold",
                                         "ours, nothing changed", f"ours, {LR_CHANGED} only",
                                         f"ours, {X_CHANGED} only")}
    base, cold, same, lr, x = rows.values()
    for run in range(repeat):
        print(f"  {quality.name}, run {run + 1} of {repeat} (load {load()})", flush=True)
        media = scratch / "baseline"
        cpu = children_cpu()
        base.seconds.append(baseline(quality, media, voice))
        print(f"    {base.name}: {base.seconds[-1]:.1f} s ({children_cpu() - cpu:.1f} CPU s)",
              flush=True)
        videos = list(media.glob(f"videos/*/{quality.manim_folder}/*.mp4"))
        base.size = sum(p.stat().st_size for p in videos)
        base_video = video_bytes(videos)
        base.rendered = "8"
        shutil.rmtree(media)

        out, other = scratch / "out", scratch / "out-x"
        for row, folder, sets in ((cold, out, ()), (None, None, None), (same, out, ()),
                                  (lr, out, (LR_CHANGED,)), (x, other, (X_CHANGED,))):
            if row is None:  # the x run starts from the cold render, as lr's does
                shutil.copytree(out, other, symlinks=True)
                continue
            cpu = children_cpu()
            seconds, row.rendered = ours(quality, folder, gifs, voice, *sets)
            row.seconds.append(seconds)
            print(f"    {row.name}: {seconds:.1f} s ({children_cpu() - cpu:.1f} CPU s), "
                  f"rendered {row.rendered}", flush=True)
            row.size, row.cache = folder_size(folder, CACHE_DIR), folder_size(folder / CACHE_DIR)
            if row is cold:  # the bar: at most 1.5x plain Manim's files
                ours_video = video_bytes(p for p in folder.glob("[0-9]*.mp4"))
                print(f"    slide videos, video streams only: ours {ours_video / 1e6:.1f} MB, "
                      f"baseline {base_video / 1e6:.1f} MB, {ours_video / base_video:.2f}x",
                      flush=True)
        shutil.rmtree(out)
        shutil.rmtree(other)
        if run + 1 < repeat:  # an interrupted benchmark still leaves a whole table
            print(table(quality, list(rows.values()), run + 1), flush=True)
    return list(rows.values())


def table(quality: Quality, rows: list[Row], repeat: int) -> str:
    base = rows[0].median
    lines = [f"**{quality.name}** ({quality.width}x{quality.height}, {quality.fps} fps), "
             f"median of {repeat} run{'s' if repeat > 1 else ''}:", "",
             "| run | seconds | vs baseline | slides rendered | output MB | cache MB |",
             "| --- | ---: | ---: | --- | ---: | ---: |"]
    for row in rows:
        lines.append(f"| {row.name} | {row.median:.1f} | {row.median / base:.2f}x | {row.rendered} "
                     f"| {row.size / 1e6:.1f} | {row.cache / 1e6:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", nargs="+", default=["preview", "1080p"],
                        choices=list(QUALITIES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the median is shown")
    parser.add_argument("--voice", default="joe",
                        help="the narration of both sides: a voice, or none (default joe, "
                             "as ./render.sh)")
    parser.add_argument("--gifs", action="store_true",
                        help="ours makes GIFs too (the baseline never)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {load()}; ours writes "
          f"{'MP4, GIF' if args.gifs else 'MP4 (no GIF)'}, still, subtitles, lecture.mp4, "
          f"presentation; voice {args.voice} on both sides",
          flush=True)
    tables = []
    with tempfile.TemporaryDirectory(prefix="bench-regenerate-") as scratch:
        for name in args.quality:
            quality = QUALITIES[name]
            tables.append(table(quality, measure(quality, args.repeat, args.gifs, args.voice,
                                                 Path(scratch)),
                                args.repeat))
    print()
    print("\n\n".join(tables))
    print(f"\nload average at the end {load()}")


if __name__ == "__main__":
    main()
