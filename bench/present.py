"""What does the presentation (present/, lecture.pptx, handout.pdf) add to a cold render?

One run, on this machine:

- a cold render: `./render.sh --no-present --no-gif` into an empty folder, wall clock;
- the presentation built from that folder as the pipeline builds it (present.build):
  cold (no present/ yet), then again with nothing changed;
- then one slide's video touched (as a re-render of that slide would): only its beats
  are cut again, the deck and handout are rebuilt.

It prints seconds and the ratio of each presentation row to the cold render. Run it on
an otherwise idle machine (the load average is printed): the ratio is the claim.

    .venv/bin/python bench/present.py --quality preview
    .venv/bin/python bench/present.py --quality 1080p --slides 1   # the 720p deck copies
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render import present  # noqa: E402
from backprop_render.outputs import OutputFolder  # noqa: E402
from backprop_render.slide_render import REPO  # noqa: E402


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def build(out: Path) -> tuple[float, present.PresentResult]:
    entries = json.loads((out / "facts.json").read_text(encoding="utf-8"))["slides"]
    start = time.monotonic()
    with OutputFolder(out) as folder:
        result = present.build(folder, entries)
    return time.monotonic() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", default="preview")
    parser.add_argument("--slides", default=None, help="as ./render.sh --slides (default: all)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder to render into (default: a new temporary folder)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-present-")) / "out"
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)

    command = [str(REPO / "render.sh"), "--quality", args.quality, "--no-gif", "--no-present",
               "--quiet", "--out", str(out), *(["--slides", args.slides] if args.slides else [])]
    start = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    render = time.monotonic() - start

    cold, result = build(out)
    unchanged, again = build(out)
    assert not again.rebuilt
    entries = json.loads((out / "facts.json").read_text(encoding="utf-8"))["slides"]
    os.utime(out / entries[-1]["files"]["mp4"])  # as if that slide were rendered again
    one, changed = build(out)

    rows = [("cold render, --no-present", render, ""),
            (f"presentation, cold ({result.beats} beats)", cold, ""),
            ("presentation, nothing changed", unchanged, ""),
            (f"presentation, one slide changed ({', '.join(changed.slides_cut)})", one, "")]
    print(f"\n**{args.quality}**, {len(entries)} slides:\n")
    print("| run | seconds | vs cold render |")
    print("| --- | ---: | ---: |")
    for name, seconds, _ in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / render:.3f}x |")
    print(f"\nsizes: present/ {size_mb(out / 'present'):.1f} MB, lecture.pptx "
          f"{size_mb(out / 'lecture.pptx'):.1f} MB, handout.pdf {size_mb(out / 'handout.pdf'):.1f}"
          f" MB; slide videos {sum(size_mb(out / e['files']['mp4']) for e in entries):.1f} MB")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
