"""What the narration costs: the deck rendered with the voice against `--voice none`.

For each voice, into its own fresh folder (so the speech cache starts empty):

- **cold**: `./render.sh --no-gif --quality Q --voice V` (every slide, every sentence);
- **lr changed**: the same folder again with `--set lr=0.02` (the slides that show an
  lr-dependent value are drawn again; only their changed sentences are synthesized).

A third column, `joe, sentences cached`, renders cold with the voice into a folder whose
speech cache already holds every sentence (copied from the `joe` run): it separates what
synthesis costs from what the longer, speech-timed videos cost to draw and encode.

It prints seconds, the voice's ratio to silence and its cost as a share of the silent
render, plus the sentences synthesized and reused as the render reported them, and the
machine's load (a shared machine slows both sides; the ratios are the claim).

    .venv/bin/python bench/voice.py --quality 1080p
    .venv/bin/python bench/voice.py --quality preview --repeat 3
    .venv/bin/python bench/voice.py --synthesis out/facts.json   # synthesis alone

`--synthesis` times the voice layer by itself on the sentences of rendered decks (their
facts.json): loading the model, then synthesizing every sentence into an empty cache, one
process, as a slide's Manim process does. It is less disturbed by a busy machine than the
whole renders, since it is one short process.
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
CONFIGS = ("none", "joe", "joe-cached")  # the last reuses the joe run's speech cache
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


def time_synthesis(facts_files: list[Path]) -> None:
    import json

    from scenes.speech import DEFAULT_VOICE, Narrator

    spoken = [beat["spoken"] for path in facts_files
              for entry in json.loads(path.read_text(encoding="utf-8"))["slides"]
              for beat in entry["manifest"]["narration"]]
    with tempfile.TemporaryDirectory() as folder:
        narrator = Narrator(DEFAULT_VOICE, Path(folder))
        started = time.monotonic()
        narrator._load()
        loaded = time.monotonic()
        said = [narrator.speak(text) for text in spoken]
        done = time.monotonic()
    speech = sum(s.seconds for s in said)
    print(f"synthesis alone: model load {loaded - started:.2f} s; {len(said)} sentences, "
          f"{speech:.1f} s of speech in {done - loaded:.1f} s "
          f"({(done - loaded) / len(said):.2f} s a sentence, {(done - loaded) / speech:.3f} of "
          f"real time); load {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quality", default="1080p")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", nargs="+", choices=CONFIGS, default=list(CONFIGS))
    parser.add_argument("--synthesis", nargs="+", type=Path, metavar="FACTS.json")
    args = parser.parse_args()
    if args.synthesis:
        time_synthesis(args.synthesis)
        return
    times: dict[tuple[str, str], list[float]] = {}
    notes: dict[tuple[str, str], str] = {}
    for _ in range(args.repeat):
        speech = Path(tempfile.mkdtemp(prefix="bench-voice-speech-"))
        for config in args.only:
            folder = Path(tempfile.mkdtemp(prefix=f"bench-voice-{config}-"))
            cache = folder / "out" / ".render-cache" / "speech"
            if config == "joe-cached":
                shutil.copytree(speech, cache, dirs_exist_ok=True)
            try:
                for run, extra in RUNS:
                    seconds, summary = render(folder / "out", args.quality,
                                              config.split("-")[0], extra)
                    times.setdefault((config, run), []).append(seconds)
                    notes[(config, run)] = sentences(summary)
                    print(f"  {config:<10} {run:<8} {seconds:7.1f} s  "
                          f"load {os.getloadavg()[0]:.1f}  {notes[(config, run)]}", flush=True)
                if config == "joe" and cache.is_dir():
                    shutil.copytree(cache, speech, dirs_exist_ok=True)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(speech, ignore_errors=True)
    print(f"\n**{args.quality}**, median of {args.repeat}:\n")
    print("| run | voice | seconds | vs --voice none | sentences | lecture |")
    print("| --- | --- | ---: | ---: | --- | ---: |")
    for run, _ in RUNS:
        silent = times.get(("none", run))
        for config in args.only:
            seconds = statistics.median(times[(config, run)])
            ratio = f"{seconds / statistics.median(silent):.2f}x" if silent else "-"
            print(f"| {run} | {config} | {seconds:.1f} | {ratio} | {notes[(config, run)]} |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
