"""What the narration costs: the deck rendered with the voice against `--voice none`.

For each voice, into its own fresh folder (so the speech cache starts empty):

- **cold**: `./render.sh --no-gif --quality Q --voice V` (every slide, every sentence);
- **lr changed**: the same folder again with `--set lr=0.02` (the slides that show an
  lr-dependent value are drawn again; only their changed sentences are synthesized).

It prints seconds, the voice's ratio to silence and its cost as a share of the silent
render, plus the sentences synthesized and reused as the render reported them, and the
machine's load (a shared machine slows both sides; the ratios are the claim).

    .venv/bin/python bench/voice.py --quality 1080p
    .venv/bin/python bench/voice.py --quality preview --repeat 3
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VOICES = ("none", "joe")
RUNS = (("cold", []), ("lr=0.02", ["--set", "lr=0.02"]))


def render(out: Path, quality: str, voice: str, extra: list[str]) -> tuple[float, str]:
    command = [str(REPO / "render.sh"), "--no-gif", "--quiet", "--quality", quality,
               "--voice", voice, "--out", str(out), *extra]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def sentences(summary: str) -> str:
    found = re.search(r"narration: (\d+) sentences? synthesized, (\d+) reused", summary)
    length = re.search(r"lecture\.mp4 \(([\d:]+),", summary)
    made = f"{found[1]} made, {found[2]} reused" if found else "-"
    return f"{made} | {length[1] if length else '-'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quality", default="1080p")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    times: dict[tuple[str, str], list[float]] = {}
    notes: dict[tuple[str, str], str] = {}
    for _ in range(args.repeat):
        for voice in VOICES:
            folder = Path(tempfile.mkdtemp(prefix=f"bench-voice-{voice}-"))
            try:
                for run, extra in RUNS:
                    seconds, summary = render(folder / "out", args.quality, voice, extra)
                    times.setdefault((voice, run), []).append(seconds)
                    notes[(voice, run)] = sentences(summary)
                    print(f"  {voice:<5} {run:<8} {seconds:7.1f} s  load {os.getloadavg()[0]:.1f}",
                          flush=True)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    print(f"\n**{args.quality}**, median of {args.repeat}:\n")
    print("| run | --voice none s | --voice joe s | ratio | voice cost | sentences | "
          "lecture (joe) |")
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: |")
    for run, _ in RUNS:
        silent = statistics.median(times[("none", run)])
        voiced = statistics.median(times[("joe", run)])
        print(f"| {run} | {silent:.1f} | {voiced:.1f} | {voiced / silent:.2f}x | "
              f"{(voiced - silent) / silent:+.0%} | {notes[('joe', run)]} |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
