"""How much of a slide's render can Manim's per-animation cache share between variants?

A sweep renders a slide whose values differ between variants once per variant. Manim's
per-animation cache (on when render_slide gets a `cache_dir`) skips drawing an
animation whose hash (the animation, the camera and every mobject on the scene) it
has already encoded. This renders each slide for two variants, one after the other in
one cache folder, and counts the animations the second render reused and the CPU
seconds (user + sys of the Manim children and the post-processing) it saved:

- first: variant A from an empty cache folder;
- formulas only: variant B in a copy of that folder without its animation segments
  (the compiled LaTeX and text kept): what a sweep worker pays with a warm formula cache;
- warm: variant B in the folder itself (segments kept): what chaining a slide's
  variants through one cache folder would pay.

The animation cache saves `formulas only - warm`.

    .venv/bin/python bench/sweep_cache.py --slides 3,5 --set x=3
    .venv/bin/python bench/sweep_cache.py --slides 2-6 --set x=1.5,w=0.5,b=0,y=3
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regenerate import load  # noqa: E402  (bench/ is the script's folder)

from backprop_core import Params  # noqa: E402
from backprop_core.params import params_from_mapping  # noqa: E402
from backprop_render.build.slide_render import animations_done, media_dir_for, render_slide  # noqa: E402
from backprop_render.cli.options import parse_slides  # noqa: E402
from backprop_render.quality import find_quality  # noqa: E402


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _render(slide, params: Params, quality, work: Path, cache: Path) -> tuple[float, int, int]:
    """CPU seconds, animations in the scene, animations drawn (not taken from the cache)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    params_file = work / "params.json"
    params_file.write_text(json.dumps(dataclasses.asdict(params)), encoding="utf-8")
    since, cpu = time.time() - 1, _cpu()
    result = render_slide(slide, params_file, quality, work / "out", None, cache)
    drawn = animations_done(media_dir_for(work, cache), slide, quality, since)
    return _cpu() - cpu, result.animations, drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", default="3,5")
    parser.add_argument("--set", default="x=3", help="variant B: KEY=V[,KEY=V...] on the "
                        "defaults (variant A)")
    parser.add_argument("--quality", default="preview")
    args = parser.parse_args()
    quality = find_quality(args.quality)
    a = Params()
    b = params_from_mapping(dict(item.split("=", 1) for item in args.set.split(",")), a)
    print(f"load at start: {load()}; {args.quality}; variant B: {args.set}", flush=True)
    root = Path(tempfile.mkdtemp(prefix="bench-sweep-cache-"))
    rows, totals = [], [0.0, 0.0, 0.0, 0, 0]
    try:
        for slide in parse_slides([args.slides]):
            cache, formulas = root / slide.stem / "cache", root / slide.stem / "formulas"
            first, animations, _ = _render(slide, a, quality, root / "work", cache)
            shutil.copytree(cache, formulas)
            for segments in formulas.glob("media/videos/*/*/partial_movie_files"):
                shutil.rmtree(segments)
            tex_only, _, tex_drawn = _render(slide, b, quality, root / "work", formulas)
            warm, total, drawn = _render(slide, b, quality, root / "work", cache)
            saved = (tex_only - warm) / tex_only if tex_only else 0.0
            rows.append(f"| {slide.number} | {first:.1f} | {tex_only:.1f} | {warm:.1f} | "
                        f"{total - drawn} of {total} | {saved:.0%} |")
            print(rows[-1], f"(formulas-only drew {tex_drawn})", flush=True)
            for i, value in enumerate((first, tex_only, warm, total - drawn, total)):
                totals[i] += value
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"load at end: {load()}\n")
    print("| slide | first, CPU s | B, formulas cached | B, animations cached too | "
          "animations reused | CPU saved |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))
    first, tex_only, warm, reused, total = totals
    print(f"| all | {first:.1f} | {tex_only:.1f} | {warm:.1f} | {reused:.0f} of {total:.0f} | "
          f"{(tex_only - warm) / tex_only:.0%} |")


if __name__ == "__main__":
    main()
