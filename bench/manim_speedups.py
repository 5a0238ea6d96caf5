"""What do scenes/speedups/held_frames.py and manim.cfg's encoders in flight save, and is the video
the same?

Renders one slide's video run (as the pipeline does: its x264 options, Manim's
per-animation cache on, a fresh cache) three ways, `--repeat` times each:

  1. Manim as it comes: its own code (BACKPROP_STOCK_MANIM=1), one encoder in flight,
     x264 with B-frames (our options without bf=0);
  2. + two encoders in flight (manim.cfg, still Manim's own code);
  3. + the speed-ups, still with B-frames: a held frame converted once, encoded for
     every frame time (as before held frames were stored once);
  4. ours: the speed-ups and bf=0, so a held frame is encoded once.

The slide's LaTeX is compiled once beforehand, so the runs differ only in what is
measured. Prints the median wall-clock and CPU seconds of each, their ratios to
the first, the video's size, and how its pictures compare with a lossless render's
(x264rgb crf 0, ours), frame time by frame time (media.frames_by_time): ours stores
a held frame once where Manim encodes it again for each frame time, so the bytes
differ; what a player shows must not. "PSNR" is the mean over frame times of the
PSNR against the lossless render (identical frames count as 99 dB).

    .venv/bin/python bench/manim_speedups.py [--slide 6] [--quality 1080p] [--repeat 3]
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
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render.build.slide_render import _LOSSLESS_CODEC, MANIM_CFG, REPO, manim_command  # noqa: E402
from backprop_render.media import video as media  # noqa: E402
from backprop_render.quality import QUALITIES, Quality  # noqa: E402
from lecture import contract  # noqa: E402
from lecture.slides import Slide, find_slide  # noqa: E402
from scenes.kit.runtime import DEFAULT_PARAMS_FILE


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def psnr(video: Path, reference: Path) -> float:
    """Mean PSNR of `video`'s frames against `reference`'s, frame time by frame time."""
    values = []
    pairs = zip(media.frames_by_time(video), media.frames_by_time(reference), strict=True)
    for ours, theirs in pairs:
        error = np.mean((ours.astype(np.float32) - theirs) ** 2)
        values.append(99.0 if error == 0 else float(10 * np.log10(255 ** 2 / error)))
    return float(np.mean(values))


def render(slide: Slide, quality: Quality, latex: Path, config: Path, stock: bool,
           keep: Path, lossless: bool = False, bframes: bool = False) -> tuple[float, float]:
    """One video run in a fresh media folder that shares the compiled LaTeX; its video is
    moved to `keep`."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        media_dir = Path(folder) / "media"
        shutil.copytree(latex, media_dir / "Tex")
        # The video run of a slide without a GIF: Manim encodes the MP4 itself.
        command = manim_command(slide, quality, media_dir, "video", caching=True, gif=False)
        command[command.index(str(MANIM_CFG))] = str(config)
        if bframes:
            at = command.index("bf=0")
            del command[at - 1:at + 1]
        if lossless:
            while "--encoder-option" in command:
                at = command.index("--encoder-option")
                del command[at:at + 2]
            at = command.index("-q") + 2
            command[at:at] = [*_LOSSLESS_CODEC, "--encoder-option", "crf=0",
                              "--encoder-option", "preset=ultrafast"]
        env = dict(os.environ, **{contract.PARAMS: str(DEFAULT_PARAMS_FILE)})
        env.pop(contract.STOCK_MANIM, None)
        if stock:
            env[contract.STOCK_MANIM] = "1"
        started, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
        wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
        shutil.move(next(media_dir.glob(f"videos/*/*/{slide.scene}.mp4")), keep)
        return wall, cpu


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
                       env=dict(os.environ, **{contract.PARAMS: str(DEFAULT_PARAMS_FILE)}))
        variants = [("Manim as it comes", one_in_flight, True, True),
                    ("+ 2 encoders in flight", MANIM_CFG, True, True),
                    ("+ speed-ups, B-frames", MANIM_CFG, False, True),
                    ("+ held frames once (ours)", MANIM_CFG, False, False)]
        reference = work / "lossless.mp4"
        render(slide, quality, warm / "Tex", MANIM_CFG, False, reference, lossless=True)
        print(f"slide {slide.stem} at {quality.name}, median of {args.repeat}, "
              f"load {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        print(f"{'variant':<26} {'wall s':>7} {'CPU s':>7} {'wall x':>7} {'CPU x':>7} "
              f"{'MB':>6} {'PSNR dB':>8}  frames (stored)")
        first: tuple[float, float] | None = None
        for number, (name, config, stock, bframes) in enumerate(variants):
            videos = [work / f"{number}-{run}.mp4" for run in range(args.repeat)]
            runs = [render(slide, quality, warm / "Tex", config, stock, video, bframes=bframes)
                    for video in videos]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            first = first or (wall, cpu)
            info = media.probe_video(videos[0])
            print(f"{name:<26} {wall:7.1f} {cpu:7.1f} {wall / first[0]:7.2f} {cpu / first[1]:7.2f}"
                  f" {videos[0].stat().st_size / 1e6:6.2f} {psnr(videos[0], reference):8.2f}"
                  f"  {info.frames} ({info.encoded})", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
