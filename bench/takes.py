"""What a render with the lecturer's takes costs against one with the synthetic voice.

For each narrator, into its own fresh folder and user cache (so both typeset every formula
and neither finds a sentence or a take processed before):

- **cold**: `./render.sh --no-gif --quality Q` (every slide), with the voice `joe`, or with
  `--takes DIR` (`joe` speaking only what no take fits);
- **lr=0.02**: the same folder again with `--set lr=0.02`: the slides that show lr are drawn
  again; with the voice, their changed sentences are synthesized; with takes, those beats'
  takes are stale and the voice speaks them instead.

The takes are made before: one per beat of the `joe` run, of speech-like sound (no voice
is recorded here) as long as the voice's sentence, as WebM/Opus at 48 kHz stereo, as the
recording page saves them, so both renders make videos of about the same length. The
claim (issue 28): the `takes` rows cost no more than the `joe` rows. It prints wall and CPU
seconds (this process's children: render.sh and everything it starts), the ratio of takes
to voice, and the machine's load (a shared machine slows both sides; ratios are the claim).

    .venv/bin/python bench/takes.py --quality preview
    .venv/bin/python bench/takes.py --quality 1080p --repeat 3
    .venv/bin/python bench/takes.py --quality preview --slides 4,6   # quicker, lr shows on both
"""

from __future__ import annotations

import argparse
import json
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CONFIGS = ("joe", "takes")
RUNS = (("cold", []), ("lr=0.02", ["--set", "lr=0.02"]))


def render(out: Path, quality: str, slides: str | None,
           extra: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one render.sh run, and its summary."""
    command = [str(REPO / "render.sh"), "--no-gif", "--quiet", "--quality", quality,
               "--out", str(out), "--cache-dir", str(out.parent / "cache"),
               *(["--slides", slides] if slides else []), *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, done.stdout


def make_takes(facts_file: Path, folder: Path) -> int:
    """One take per narrated beat of the render whose facts.json this is: speech-like sound
    as long as the voice's sentence, with its record. How many."""
    from narration import takes
    from tests.narration.take_media import speechlike, write_audio

    facts = json.loads(facts_file.read_text(encoding="utf-8"))
    said = {(e["number"], b["beat"]): b for e in facts["slides"]
            for b in e["manifest"]["narration"]}
    folder.mkdir(parents=True, exist_ok=True)
    beats = takes.lecture_beats(facts)
    for seed, beat in enumerate(beats):
        spoken = said[(beat.slide, beat.name)]
        seconds = float(spoken["speech_end"]) - float(spoken["speech_start"])
        samples, _ = speechlike(seconds + 0.8, 48000, seed=seed, lead=0.4, tail=0.4)
        path = write_audio(folder / f"{beat.id}.webm", samples, 48000, channels=2)
        takes.write_record(folder, takes.record_for(beat, path, "bench/takes.py"))
    return len(beats)


def what_spoke(summary: str) -> str:
    made = re.search(r"narration: (\d+) sentences? synthesized", summary)
    taken = re.search(r"takes from .*?: (\d+) of (\d+) beats speak with your takes; (\d+) stale",
                      summary)
    length = re.search(r"lecture\.mp4 \(([\d:]+),", summary)
    parts = [f"{made[1]} synthesized" if made else "0 synthesized"]
    if taken:
        parts.append(f"{taken[1]}/{taken[2]} takes, {taken[3]} stale")
    return f"{', '.join(parts)} | {length[1] if length else '-'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quality", default="preview")
    parser.add_argument("--slides", default=None, help="as render.sh's (default: all)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    notes: dict[tuple[str, str], str] = {}
    for _ in range(args.repeat):
        scratch = Path(tempfile.mkdtemp(prefix="bench-takes-"))
        try:
            for config in CONFIGS:
                extra = ["--takes", str(scratch / "takes")] if config == "takes" else []
                if config == "takes":  # for the sentences of the cold run
                    count = make_takes(scratch / "cold-facts.json", scratch / "takes")
                    print(f"  {count} takes made", flush=True)
                for run, more in RUNS:
                    seconds, used, summary = render(scratch / config / "out", args.quality,
                                                    args.slides, extra + more)
                    if (config, run) == ("joe", "cold"):
                        shutil.copyfile(scratch / "joe" / "out" / "facts.json",
                                        scratch / "cold-facts.json")
                    wall.setdefault((config, run), []).append(seconds)
                    cpu.setdefault((config, run), []).append(used)
                    notes[(config, run)] = what_spoke(summary)
                    print(f"  {config:<6} {run:<8} {seconds:7.1f} s  CPU {used:7.1f} s  "
                          f"load {os.getloadavg()[0]:.1f}  {notes[(config, run)]}", flush=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n**{args.quality}**{', slides ' + args.slides if args.slides else ''}, median of "
          f"{args.repeat}:\n")
    print("| run | narrator | wall s | CPU s | takes / voice (wall, CPU) | spoken | lecture |")
    print("| --- | --- | ---: | ---: | ---: | --- | ---: |")
    for run, _ in RUNS:
        for config in CONFIGS:
            w, c = (statistics.median(t[(config, run)]) for t in (wall, cpu))
            ratio = ""
            if config == "takes":
                ratio = (f"{w / statistics.median(wall[('joe', run)]):.2f}x, "
                         f"{c / statistics.median(cpu[('joe', run)]):.2f}x")
            print(f"| {run} | {config} | {w:.1f} | {c:.1f} | {ratio} | {notes[(config, run)]} |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
