"""What does a sweep save against rendering its variants one after another?

Two ways to render the same variants, at the same quality, on this machine:

- one after another: `./render.sh --set ... --out DIR/NAME` for each variant (each
  render already uses every core for its slides);
- sweep: `./render.sh sweep --variants FILE.csv --out DIR`, one command.

It prints, as a Markdown table for docs/sweeps.md, the wall-clock seconds of each, their
CPU seconds (user + sys of every process they started: the number to compare on a
loaded machine), the slide renders each did, and the renders the sweep saved; the
load average is printed at start and end, and in the table's caption (the machine
should be otherwise idle).

The variants (`--kind`):
- xwby: six students, each with their own x, w, b and y (the class case);
- lr: six learning rates, everything else the defaults.

    .venv/bin/python bench/sweep.py --kind xwby --quality preview
    .venv/bin/python bench/sweep.py --kind lr --slides 1,5,6     # a reduced run
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regenerate import load, timed  # noqa: E402  (bench/ is the script's folder)

from backprop_render.build.slide_render import REPO  # noqa: E402
from backprop_render.cli.options import parse_slides  # noqa: E402
from backprop_render.sweep.tasks import cache_root  # noqa: E402
from lecture.slides import SLIDES  # noqa: E402

VARIANTS = {
    "xwby": [("ann", {"x": 1.5, "w": 0.5, "b": 0.0, "y": 3.0}),
             ("ben", {"x": 2.0, "w": 1.5, "b": 0.5, "y": 1.0}),
             ("cat", {"x": -1.0, "w": 2.0, "b": 1.0, "y": 0.5}),
             ("dev", {"x": 3.0, "w": -0.5, "b": 2.0, "y": 4.0}),
             ("eli", {"x": 0.5, "w": 1.0, "b": -1.0, "y": 2.0}),
             ("fay", {"x": 2.5, "w": 0.8, "b": 0.2, "y": 5.0})],
    "lr": [(f"lr-{lr:g}", {"lr": lr}) for lr in (0.002, 0.005, 0.01, 0.02, 0.05, 0.1)],
}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=list(VARIANTS), default="xwby")
    parser.add_argument("--quality", default="preview")
    parser.add_argument("--slides", default="", help="a subset, as for render.sh --slides")
    args = parser.parse_args()
    slides = parse_slides([args.slides]) if args.slides else list(SLIDES)
    chosen = ["--slides", ",".join(str(s.number) for s in slides)]
    common = ["--quality", args.quality, "--no-gif", "--quiet", *chosen]
    variants = VARIANTS[args.kind]
    render = str(REPO / "render.sh")
    load_start = load()
    print(f"load at start: {load_start}; {len(variants)} variants x {len(slides)} slides "
          f"({chosen[1]}), {args.quality}, no GIFs", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    shutil.rmtree(cache_root(), ignore_errors=True)  # both sides start with empty caches
    try:
        table = work / "variants.csv"
        names = sorted({k for _, values in variants for k in values})
        with table.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["name", *names])
            for name, values in variants:
                writer.writerow([name, *(values.get(k, "") for k in names)])

        one_by_one, rendered, cpu_before = 0.0, 0, _children_cpu()
        for name, values in variants:
            sets = [word for k, v in values.items() for word in ("--set", f"{k}={v}")]
            seconds, out = timed([render, *common, *sets, "--out", str(work / "seq" / name)])
            one_by_one += seconds
            rendered += int(re.search(r"Rendered (\d+) slide", out)[1])
            print(f"  one after another: {name} in {seconds:.1f} s", flush=True)
        one_by_one_cpu, cpu_before = _children_cpu() - cpu_before, _children_cpu()

        sweep_seconds, out = timed([render, "sweep", *common, "--variants", str(table),
                                  "--out", str(work / "sweep")])
        sweep_cpu = _children_cpu() - cpu_before
        swept = int(re.search(r"(\d+) slide renders done", out)[1])
        print(out, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    needed = len(variants) * len(slides)
    load_end = load()
    print(f"load at end: {load_end}\n")
    print(f"{args.kind}, {len(variants)} variants x slides {chosen[1]}, {args.quality}, no GIFs; "
          f"load average {load_start} at start, {load_end} at end (1, 5, 15 min; "
          f"{os.cpu_count()} cores)\n")
    print("| way | wall s | CPU s | slide renders | renders saved | wall ratio | CPU ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| one after another (`./render.sh --out` each) | {one_by_one:.0f} | "
          f"{one_by_one_cpu:.0f} | {rendered} | {needed - rendered} | 1.00 | 1.00 |")
    print(f"| `./render.sh sweep` | {sweep_seconds:.0f} | {sweep_cpu:.0f} | {swept} | "
          f"{needed - swept} | {one_by_one / sweep_seconds:.2f} | "
          f"{one_by_one_cpu / sweep_cpu:.2f} |")
    print(f"\n{needed / swept:.2f}x fewer slide renders than variants x slides ({needed})")


if __name__ == "__main__":
    main()
