"""What rendering the deck costs, cold, in new folders, after a change, against plain Manim.

For each quality asked for, `--repeat` times, one after another on this machine:

- baseline, as Manim comes: plain `manim render` of the slides one after another, the same
  quality, `--disable_caching`, a fresh media folder (so LaTeX compiles too), MP4s only,
  Manim's own code and encoder settings (no scenes/speedups, one encoder in flight);
- baseline, this repository's manim.cfg: the same, reading the project's own `manim.cfg`
  as `manim` run in this repository does (two encoders in flight);
- ours, cold: `./render.sh --no-gif` into an empty output folder with an empty user cache
  (`--cache-dir`, a fresh folder);
- ours, nothing changed: the same command again;
- ours, lr changed: the same folder with `--set lr=...`;
- ours, x changed: a copy of the cold folder with `--set x=...`;
- ours, new folder: `--set lr=0.1` into a new, empty output folder, the user cache as the
  runs above left it (the deck rendered once on this machine with other parameters);
- ours, light theme, new folder: `--theme light` into another new folder, the same cache.

Ours runs as a lecturer runs it (`render.sh`, its set-up check included, the
presentation too) and, like the baseline, writes no GIFs (`--gifs` adds them to every
run of ours). Both sides speak with the same voice (`--voice`, default joe as
`./render.sh`; the baseline's scenes synthesize into a fresh folder), so both draw the
same, speech-timed frames; `--voice none` compares the silent deck. It prints
the median wall-clock seconds of each row, its ratio to each baseline's median, which
slides it rendered, the size of the files it made, and the peak memory (largest resident
set) of any one process of the run (a slide job, a Manim), as a Markdown table for
docs/performance.md, and each run's CPU seconds (user + system of its processes) as it goes. Run it
on an otherwise idle machine; the load average is printed at start and end.

    .venv/bin/python bench/regenerate.py --quality preview 1080p --repeat 3
    .venv/bin/python bench/regenerate.py --quality preview --repeat 1 --slides 1,3   # a quick look
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
NEW_FOLDER = "lr=0.1"  # the example of a variant in a folder of its own


@dataclass
class Row:
    name: str
    seconds: list[float] = field(default_factory=list)
    rendered: str = ""
    size: int = 0  # bytes of the files the lecturer gets
    cache: int = 0  # bytes kept for the next render: .render-cache/ and the user cache
    peak: int = 0  # bytes: the largest resident set of one process of the run

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


# Runs a command and prints the largest resident set (KiB) of it and every process under it
# that was waited for (getrusage's RUSAGE_CHILDREN on Linux): the run's peak memory.
_PEAK = ("import resource, subprocess, sys; "
         "code = subprocess.run(sys.argv[1:]).returncode; "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
         "sys.exit(code)")


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str, int]:
    """Wall seconds, standard output and peak memory (bytes) of `command`."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, *command], cwd=REPO, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout, int(done.stderr.strip().splitlines()[-1]) * 1024


def baseline(quality: Quality, media: Path, voice: str, slides: list, own_cfg: bool) -> tuple[
        float, int]:
    """Plain Manim, slide after slide, as one would without this tool: seconds, peak memory.

    Manim's own code (not scenes/speedups), reading either Manim's default of one encoder
    in flight (`own_cfg` False: Manim as it comes) or this repository's manim.cfg as it is
    (two: what `manim` run in this repository does).
    """
    env = {k: v for k, v in os.environ.items() if k not in (contract.PARAMS, contract.CACHE)}
    env[contract.STOCK_MANIM] = "1"
    # The same narration as ours (the scenes speak when told a voice and a speech folder),
    # synthesized afresh: both sides make the same frames and do the same work.
    env[contract.VOICE] = voice
    env[contract.SPEECH_CACHE] = str(media / "speech")
    config = MANIM_CFG
    if not own_cfg:
        config = media.parent / "manim-as-it-comes.cfg"
        config.write_text(re.sub(r"(?m)^max_inflight_encoders = \d+$",
                                 "max_inflight_encoders = 1",
                                 MANIM_CFG.read_text(encoding="utf-8")), encoding="utf-8")
    total, peak = 0.0, 0
    for slide in slides:
        seconds, _, memory = timed([sys.executable, "-m", "manim", "render", "--config_file",
                                    str(config), "--media_dir", str(media), "--disable_caching",
                                    "--progress_bar", "none",
                                    "-v", "WARNING", "-q", quality.manim_flag,
                                    f"scenes/{slide.module}.py", slide.scene], env)
        total += seconds
        peak = max(peak, memory)
    return total, peak


def ours(quality: Quality, out: Path, cache: Path, gifs: bool, voice: str, slides: str,
         *options: str) -> tuple[float, str, int]:
    command = [str(REPO / "render.sh"), "--quality", quality.name, "--out", str(out), "--quiet",
               "--voice", voice, "--cache-dir", str(cache), *([] if gifs else ["--no-gif"]),
               *(["--slides", slides] if slides else []), *options]
    seconds, stdout, peak = timed(command)
    rendered = re.search(r"^Rendered (\d+) slides?", stdout, re.M)
    names = re.search(r"^Rendered .*?: (.*)$", stdout, re.M)
    numbers = [n.split("-")[0].lstrip("0") for n in names.group(1).split(", ")] if names else []
    saved = re.search(r"^  shared cache .*$", stdout, re.M)
    if saved:
        print(f"    {saved.group(0).strip()}", flush=True)
    return seconds, f"{rendered.group(1) if rendered else '?'}: {','.join(numbers) or 'none'}", \
        peak


BASELINES = ("baseline: plain manim as it comes (1 encoder in flight)",
             "baseline: plain manim with this repository's manim.cfg (2 encoders)")


def measure(quality: Quality, repeat: int, gifs: bool, voice: str, scratch: Path,
            slides: str) -> list[Row]:
    chosen = [s for s in SLIDES if not slides or str(s.number) in slides.split(",")]
    names = (*BASELINES, "ours, cold (empty cache)", "ours, nothing changed",
             f"ours, {LR_CHANGED} only", f"ours, {X_CHANGED} only",
             f"ours, new folder, {NEW_FOLDER} (cache warm)",
             "ours, new folder, --theme light (cache warm)")
    rows = {name: Row(name) for name in names}
    as_it_comes, own_cfg, cold, same, lr, x, new, light = rows.values()
    for run in range(repeat):
        print(f"  {quality.name}, run {run + 1} of {repeat} (load {load()})", flush=True)
        for row, own in ((as_it_comes, False), (own_cfg, True)):
            media = scratch / "baseline"
            cpu = children_cpu()
            seconds, row.peak = baseline(quality, media, voice, chosen, own)
            row.seconds.append(seconds)
            print(f"    {row.name}: {seconds:.1f} s ({children_cpu() - cpu:.1f} CPU s, peak "
                  f"{row.peak / 1e6:.0f} MB)", flush=True)
            videos = list(media.glob(f"videos/*/{quality.manim_folder}/*.mp4"))
            row.size = sum(p.stat().st_size for p in videos)
            base_video = video_bytes(videos)
            row.rendered = str(len(chosen))
            shutil.rmtree(media)

        out, other, cache = scratch / "out", scratch / "out-x", scratch / "cache"
        fresh, themed = scratch / "out-new", scratch / "out-light"
        steps = ((cold, out, ()), (None, None, None), (same, out, ()),
                 (lr, out, ("--set", LR_CHANGED)), (x, other, ("--set", X_CHANGED)),
                 (new, fresh, ("--set", NEW_FOLDER)), (light, themed, ("--theme", "light")))
        for row, folder, options in steps:
            if row is None:  # the x run starts from the cold render, as lr's does
                shutil.copytree(out, other, symlinks=True)
                continue
            cpu = children_cpu()
            seconds, row.rendered, row.peak = ours(quality, folder, cache, gifs, voice, slides,
                                                   *options)
            row.seconds.append(seconds)
            print(f"    {row.name}: {seconds:.1f} s ({children_cpu() - cpu:.1f} CPU s, peak "
                  f"{row.peak / 1e6:.0f} MB), rendered {row.rendered}", flush=True)
            row.size = folder_size(folder, CACHE_DIR)
            row.cache = folder_size(folder / CACHE_DIR) + folder_size(cache)
            if row is cold:  # the bar: at most 1.5x plain Manim's files
                ours_video = video_bytes(p for p in folder.glob("[0-9]*.mp4"))
                print(f"    slide videos, video streams only: ours {ours_video / 1e6:.1f} MB, "
                      f"baseline {base_video / 1e6:.1f} MB, {ours_video / base_video:.2f}x",
                      flush=True)
        for folder in (out, other, cache, fresh, themed):
            shutil.rmtree(folder)
        if run + 1 < repeat:  # an interrupted benchmark still leaves a whole table
            print(table(quality, list(rows.values()), run + 1), flush=True)
    return list(rows.values())


def table(quality: Quality, rows: list[Row], repeat: int) -> str:
    first, own = rows[0].median, rows[1].median
    lines = [f"**{quality.name}** ({quality.width}x{quality.height}, {quality.fps} fps), "
             f"median of {repeat} run{'s' if repeat > 1 else ''}:", "",
             "| run | seconds | vs manim as it comes | vs manim with manim.cfg | slides rendered "
             "| output MB | cache MB | peak MB |",
             "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |"]
    for row in rows:
        lines.append(f"| {row.name} | {row.median:.1f} | {row.median / first:.2f}x "
                     f"| {row.median / own:.2f}x | {row.rendered} | {row.size / 1e6:.1f} "
                     f"| {row.cache / 1e6:.1f} | {row.peak / 1e6:.0f} |")
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
    parser.add_argument("--slides", default="",
                        help="only these slides, by number: 1,3 (a quick look; the claims "
                             "are made on all eight)")
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
                                                 Path(scratch), args.slides),
                                args.repeat))
    print()
    print("\n\n".join(tables))
    print(f"\nload average at the end {load()}")


if __name__ == "__main__":
    main()
