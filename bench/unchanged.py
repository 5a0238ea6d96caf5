"""How long does a render take when nothing changed, against building the lesson alone?

The lecturer's command, from a shell, wall clock: `./render.sh --quality Q --out DIR`
(plus any options given after `--`), run N times against a folder that is already
rendered with those options, so every run keeps every slide. The reference is what such a
run used to spend most of its time on: building the lesson (training the network), timed
the same way (a fresh Python that imports the core and builds the lesson, wall clock).

It prints the median seconds of each, the ratio, and the load average (run it on an
otherwise idle machine: the ratio is the claim). It refuses a folder where a run renders
anything, since then it would time a render.

    .venv/bin/python bench/unchanged.py --out /tmp/deck --quality preview --repeat 7
    .venv/bin/python bench/unchanged.py --out /tmp/deck --quality preview -- --no-present
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from regenerate import REPO, timed  # bench/ is the script's folder

PYTHON = REPO / ".venv" / "bin" / "python"
BUILD_LESSON = "from backprop_core import build_lesson; build_lesson()"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="an already rendered folder")
    parser.add_argument("--quality", default="preview")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (median)")
    parser.add_argument("extra", nargs="*", help="more render.sh options, after --")
    args = parser.parse_args()
    if not (args.out / "facts.json").is_file():
        sys.exit(f"{args.out} holds no render: render it first with ./render.sh --out {args.out}")

    render = [str(REPO / "render.sh"), "--quality", args.quality, "--out", str(args.out),
              *args.extra]
    _, first, _ = timed(render)  # warms the file cache; and must render nothing
    if not first.startswith("Rendered 0 slides"):
        sys.exit(f"this folder is not up to date: the first run rendered something:\n{first}")
    unchanged = [timed(render)[0] for _ in range(args.repeat)]
    lesson = [timed([str(PYTHON), "-c", BUILD_LESSON])[0] for _ in range(args.repeat)]

    kept = next((line.strip() for line in first.splitlines() if "kept" in line), "")
    u, b = statistics.median(unchanged), statistics.median(lesson)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
          f"medians of {args.repeat}; {kept}")
    print(f"nothing changed ({' '.join(render[1:])}): {u:.3f} s")
    print(f"building the lesson alone (python -c '{BUILD_LESSON}'): {b:.3f} s")
    print(f"nothing changed / building the lesson: {u / b:.2f}x")


if __name__ == "__main__":
    main()
