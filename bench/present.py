"""What does the presentation (present/, lecture.pptx, handout.pdf) add to a cold render?

One run, on this machine:

- a cold render: `./render.sh --no-present` into an empty folder (with its GIFs and voice,
  as a lecturer's default render; `--no-gif` to leave the GIFs out);
- the presentation built from that folder as the pipeline builds it (present.build):
  cold (no present/ yet), then again with nothing changed;
- then one slide's video touched (as a re-render of that slide would): only its beats
  are cut again, the deck and handout are rebuilt;
- with --overlapped, a second cold render into another empty folder, with the presentation
  as `./render.sh` makes it (each slide's beats cut while the others render): what it adds
  to the wall clock is what a lecturer waits for.

It prints, for each row, wall-clock seconds and CPU seconds (user + system of every process
and thread: the render's children, the presentation's own), and each presentation row's
ratio to the cold render in both. On a shared machine the CPU ratio is the claim (the load
average is printed); on an idle one both are.

    .venv/bin/python bench/present.py --quality preview
    .venv/bin/python bench/present.py --quality 1080p --slides 4,6   # the 720p deck copies
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render.build.outputs import OutputFolder  # noqa: E402
from backprop_render.build.slide_render import REPO  # noqa: E402
from backprop_render.present import build as present  # noqa: E402


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def build(out: Path) -> tuple[float, float, present.PresentResult]:
    """Wall and CPU seconds of building the presentation (its threads are this process)."""
    entries = json.loads((out / "facts.json").read_text(encoding="utf-8"))["slides"]
    start, used = time.monotonic(), cpu(resource.RUSAGE_SELF)
    with OutputFolder(out) as folder:
        result = present.build(folder, entries)
    return time.monotonic() - start, cpu(resource.RUSAGE_SELF) - used, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", default="preview")
    parser.add_argument("--slides", default=None, help="as ./render.sh --slides (default: all)")
    parser.add_argument("--no-gif", action="store_true", help="render without the GIFs")
    parser.add_argument("--overlapped", action="store_true",
                        help="also render cold with the presentation, as ./render.sh does")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder to render into (default: a new temporary folder)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-present-")) / "out"
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)

    def cold_render(folder: Path, *options: str) -> tuple[float, float]:
        command = [str(REPO / "render.sh"), "--quality", args.quality, *options,
                   *(["--no-gif"] if args.no_gif else []), "--quiet", "--out", str(folder),
                   *(["--slides", args.slides] if args.slides else [])]
        start, used = time.monotonic(), cpu(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return time.monotonic() - start, cpu(resource.RUSAGE_CHILDREN) - used

    render = cold_render(out, "--no-present")

    *cold, result = build(out)
    *unchanged, again = build(out)
    assert not again.rebuilt
    entries = json.loads((out / "facts.json").read_text(encoding="utf-8"))["slides"]
    os.utime(out / entries[-1]["files"]["mp4"])  # as if that slide were rendered again
    *one, changed = build(out)

    rows = [(f"cold render, --no-present{' --no-gif' if args.no_gif else ''}", render),
            (f"presentation, cold ({result.beats} beats)", cold),
            ("presentation, nothing changed", unchanged),
            (f"presentation, one slide changed ({', '.join(changed.slides_cut)})", one)]
    if args.overlapped:
        both = cold_render(out.with_name(out.name + "-overlapped"))
        rows.append(("cold render with the presentation, less the one without",
                     (both[0] - render[0], both[1] - render[1])))
    print(f"\n**{args.quality}**, {len(entries)} slides:\n")
    print("| run | wall s | CPU s | vs cold render, wall | vs cold render, CPU |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, (wall, used) in rows:
        print(f"| {name} | {wall:.2f} | {used:.2f} | {wall / render[0]:.3f}x "
              f"| {used / render[1]:.3f}x |")
    print(f"\nsizes: present/ {size_mb(out / 'present'):.1f} MB, lecture.pptx "
          f"{size_mb(out / 'lecture.pptx'):.1f} MB, handout.pdf {size_mb(out / 'handout.pdf'):.1f}"
          f" MB; slide videos {sum(size_mb(out / e['files']['mp4']) for e in entries):.1f} MB")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
