"""What do scenes/manim_speedups.py and manim.cfg's encoders in flight save, and is the video
the same?

Renders one slide's video run (as the pipeline does: its x264 options, Manim's
per-animation cache on, a fresh cache) three ways, `--repeat` times each:

  1. Manim as it comes: its own code (BACKPROP_STOCK_MANIM=1), one encoder in flight;
  2. + two encoders in flight (manim.cfg, still Manim's own code);
  3. ours: manim.cfg and the speed-ups.

The slide's LaTeX is compiled once beforehand, so the runs differ only in what is
measured. Prints the median wall-clock and CPU seconds of each, their ratios to
the first, and whether every video has the same packets as the first.

    .venv/bin/python bench/manim_speedups.py [--slide 6] [--quality 1080p] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render.quality import QUALITIES, Quality  # noqa: E402
from backprop_render.slide_render import MANIM_CFG, REPO, manim_command  # noqa: E402
from scenes.manim_speedups import STOCK_ENV  # noqa: E402
from scenes.runtime import DEFAULT_PARAMS_FILE, PARAMS_ENV  # noqa: E402
from scenes.slides import Slide, find_slide  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def packets(video: Path) -> str:
    digest = hashlib.sha256()
    with av.open(str(video)) as container:
        for packet in container.demux(video=0):
            digest.update(bytes(packet))
    return digest.hexdigest()


def render(slide: Slide, quality: Quality, latex: Path, config: Path,
           stock: bool) -> tuple[float, float, str]:
    """One video run in a fresh media folder that shares the compiled LaTeX."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        media = Path(folder) / "media"
        shutil.copytree(latex, media / "Tex")
        command = manim_command(slide, quality, media, "video", caching=True)
        command[command.index(str(MANIM_CFG))] = str(config)
        env = dict(os.environ, **{PARAMS_ENV: str(DEFAULT_PARAMS_FILE)})
        env.pop(STOCK_ENV, None)
        if stock:
            env[STOCK_ENV] = "1"
        started, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
        wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
        video = next(media.glob(f"videos/*/*/{slide.scene}.mp4"))
        return wall, cpu, packets(video)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slide", default="6")
    parser.add_argument("--quality", default="1080p", choices=list(QUALITIES))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    slide, quality = find_slide(args.slide), QUALITIES[args.quality]
    work = Path(tempfile.mkdtemp(prefix="bench-speedups-"))
    try:
        one_in_flight = work / "one-in-flight.cfg"
        text = MANIM_CFG.read_text(encoding="utf-8")
        one_in_flight.write_text(re.sub(r"(?m)^max_inflight_encoders = \d+$",
                                        "max_inflight_encoders = 1", text), encoding="utf-8")
        warm = work / "warm"
        subprocess.run(manim_command(slide, QUALITIES["preview"], warm, "video"), cwd=REPO,
                       check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, **{PARAMS_ENV: str(DEFAULT_PARAMS_FILE)}))
        variants = [("Manim as it comes", one_in_flight, True),
                    ("+ 2 encoders in flight", MANIM_CFG, True),
                    ("+ speed-ups (ours)", MANIM_CFG, False)]
        print(f"slide {slide.stem} at {quality.name}, median of {args.repeat}, "
              f"load {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        print(f"{'variant':<26} {'wall s':>7} {'CPU s':>7} {'wall x':>7} {'CPU x':>7}  same video")
        first: tuple[float, float, str] | None = None
        for name, config, stock in variants:
            runs = [render(slide, quality, warm / "Tex", config, stock) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            first = first or (wall, cpu, runs[0][2])
            same = all(r[2] == first[2] for r in runs)
            print(f"{name:<26} {wall:7.1f} {cpu:7.1f} {wall / first[0]:7.2f} {cpu / first[1]:7.2f}"
                  f"  {'yes' if same else 'NO'}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
