"""Which is cheaper per slide: one lossless render that everything is derived from, or two?

  once:  Manim draws the slide losslessly (libx264rgb, crf 0) at full quality; the MP4 a
         browser plays is transcoded from it, the GIF is made from it.
  twice: Manim draws the slide as browser H.264 directly, and draws it again small and
         lossless at GIF size and 15 fps for the GIF.

Either way the scene saves its still from the first run's last frame.

backprop_render.build.slide_render uses `once` where the quality is already 15 fps (preview) and
`twice` above. Run from the repository root:

    .venv/bin/python bench/master_vs_twice.py [--slide 2] [--quality preview 1080p] [--repeat 1]

It prints the wall-clock and CPU seconds of each strategy and the ratios twice/once per
quality. On a shared machine the CPU seconds are the steadier measure.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render.build.slide_render import (  # noqa: E402
    _LOSSLESS_CODEC,
    _gif_size,
    _options,
    _run_manim,
    manim_command,
)
from backprop_render.media import video as media  # noqa: E402
from backprop_render.quality import DEFAULT_GIF_WIDTH, GIF_FPS, QUALITIES, Quality  # noqa: E402
from lecture.slides import Slide, find_slide  # noqa: E402
from scenes.kit.runtime import DEFAULT_PARAMS_FILE  # noqa: E402


def once(slide: Slide, quality: Quality, work: Path) -> None:
    command = manim_command(slide, quality, work / "media", "video")
    if not quality.renders_gif_master:  # make the full-size render lossless
        options = [i for i, w in enumerate(command) if w == "--encoder-option"]
        command = [w for i, w in enumerate(command) if i not in options
                   and i - 1 not in options]
        command[-2:-2] = [*_LOSSLESS_CODEC, *_options(quality.lossless_options)]
    _run_manim(slide, command, work, "video", DEFAULT_PARAMS_FILE, work / "facts.json",
               work / "slide.png")
    master = next((work / "media").glob(f"videos/*/{quality.manim_folder}/{slide.scene}.mp4"))
    media.transcode_h264(master, work / "slide.mp4", quality.h264_options)
    media.make_gif(master, work / "slide.gif", _gif_size(quality, DEFAULT_GIF_WIDTH)[0])


def twice(slide: Slide, quality: Quality, work: Path) -> None:
    command = manim_command(slide, quality, work / "media", "video", gif=False)  # H.264
    _run_manim(slide, command, work, "video", DEFAULT_PARAMS_FILE, work / "facts.json",
               work / "slide.png")
    video = next((work / "media").glob(f"videos/*/{quality.manim_folder}/{slide.scene}.mp4"))
    media.remux(video, work / "slide.mp4")
    size = _gif_size(quality, DEFAULT_GIF_WIDTH)
    _run_manim(slide, manim_command(slide, quality, work / "media", "master", gif_size=size),
               work, "master", DEFAULT_PARAMS_FILE, work / "facts-master.json")
    master = next((work / "media").glob(f"videos/*/{size[1]}p{GIF_FPS}/{slide.scene}.mp4"))
    media.make_gif(master, work / "slide.gif", size[0])


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(strategy, slide: Slide, quality: Quality, repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds over `repeat` runs."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        work = Path(tempfile.mkdtemp(prefix="bench-"))
        try:
            started, cpu_started = time.perf_counter(), _cpu()
            strategy(slide, quality, work)
            wall = min(wall, time.perf_counter() - started)
            cpu = min(cpu, _cpu() - cpu_started)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slide", default="2")
    parser.add_argument("--quality", nargs="+", default=["preview", "1080p"],
                        choices=list(QUALITIES))
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per measurement")
    args = parser.parse_args()
    slide = find_slide(args.slide)
    print(f"slide {slide.stem}, best of {args.repeat}")
    for name in args.quality:
        quality = QUALITIES[name]
        (wall_a, cpu_a), (wall_b, cpu_b) = (timed(once, slide, quality, args.repeat),
                                            timed(twice, slide, quality, args.repeat))
        print(f"{name:>8}: wall  once {wall_a:7.1f} s  twice {wall_b:7.1f} s  "
              f"twice/once {wall_b / wall_a:5.2f}")
        print(f"{'':>8}  CPU   once {cpu_a:7.1f} s  twice {cpu_b:7.1f} s  "
              f"twice/once {cpu_b / cpu_a:5.2f}")


if __name__ == "__main__":
    main()
