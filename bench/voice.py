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

`--sessions` weighs ONNX Runtime's session options for the voice: each variant in a fresh
process (as a slide's Manim process makes its own session) synthesizes the same sentences
(from the facts.json given, else a few built in), and the table gives CPU seconds (this
process and its espeak-ng children) for loading the voice, for the first sentence (which
makes the session) and per second of speech after it, and whether the audio is
bit-identical to the default settings'. It also checks whether a sentence's audio depends
on what the session said before it (the voice's noise comes from a per-session generator),
which decides whether one session could serve several slides without changing the audio.

    .venv/bin/python bench/voice.py --sessions
    .venv/bin/python bench/voice.py --sessions out/facts.json --repeat 3
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
CONFIGS = ("none", "joe", "joe-cached")  # the last reuses the joe run's sentences
RUNS = (("cold", []), ("lr=0.02", ["--set", "lr=0.02"]))


def render(out: Path, quality: str, voice: str, extra: list[str]) -> tuple[float, str]:
    command = [str(REPO / "render.sh"), "--no-gif", "--quiet", "--quality", quality,
               "--voice", voice, "--out", str(out), "--cache-dir", str(out.parent / "cache"),
               *extra]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def only_sentences(root: Path) -> None:
    """Leave only the sentences in a copy of the user cache: the formulas are typeset again,
    as in the other runs, so the row separates synthesis from the rest."""
    import sys

    sys.path.insert(0, str(REPO))
    from lecture.user_cache import UserCache

    entries = UserCache(root)._entries()
    for key in list(entries.iterkeys()):
        if not key.startswith("speech/"):
            entries.delete(key)
    entries.close()


def sentences(summary: str) -> str:
    found = re.search(r"narration: (\d+) sentences? synthesized, (\d+) reused", summary)
    length = re.search(r"lecture\.mp4 \(([\d:]+),", summary)
    made = f"{found[1]} made, {found[2]} reused" if found else "-"
    return f"{made} | {length[1] if length else '-'}"


def time_synthesis(facts_files: list[Path]) -> None:
    import json

    from narration.speech import DEFAULT_VOICE, Narrator

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


# Built in for --sessions without a facts.json: sentences of slide 2's length and kind.
SESSION_SENTENCES = (
    "A single neuron multiplies its input x by a weight w and adds a bias b.",
    "Our input is 3, the weight is 1, and the bias is 0.",
    "First the multiply: the weight 1 times the input 3 gives 3.",
    "Then the add: 3 plus the bias 0 gives 3.",
    "So the neuron predicts y-hat equals 3: that is the forward pass for one neuron.",
    "A network is many such neurons in layers, each layer feeding the next.",
)
# name -> (SessionOptions attribute, value); values named in onnxruntime, set in the child.
SESSION_VARIANTS = {
    "default (as shipped)": {},
    "graph optimisation all": {"graph_optimization_level": "ORT_ENABLE_ALL"},
    "graph optimisation extended": {"graph_optimization_level": "ORT_ENABLE_EXTENDED"},
    "graph optimisation basic": {"graph_optimization_level": "ORT_ENABLE_BASIC"},
    "no CPU memory arena": {"enable_cpu_mem_arena": False},
    "no memory pattern": {"enable_mem_pattern": False},
    "2 intra-op threads": {"intra_op_num_threads": 2},
}


def _cpu() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def session_child(variant: str, texts: list[str]) -> None:
    """One variant in this fresh process; prints one JSON line."""
    import hashlib
    import json

    import onnxruntime

    import narration.speech as speech

    shipped = speech._session_options

    def options() -> object:
        chosen = shipped()
        for name, value in SESSION_VARIANTS[variant].items():
            if name == "graph_optimization_level":
                value = getattr(onnxruntime.GraphOptimizationLevel, value)
            setattr(chosen, name, value)
        return chosen

    speech._session_options = options
    started = _cpu()
    narrator = speech.Narrator(speech.DEFAULT_VOICE, Path(tempfile.gettempdir()))
    narrator._load()
    loaded = _cpu()
    digest, seconds, first = hashlib.sha256(), 0.0, loaded
    for index, text in enumerate(texts):
        audio, rate = narrator.synthesize(text)
        digest.update(audio.tobytes())
        if index == 0:
            first = _cpu()
        else:
            seconds += audio.size / rate
    done = _cpu()
    alone = speech.Narrator(speech.DEFAULT_VOICE, Path(tempfile.gettempdir()))
    second_alone = alone.synthesize(texts[1])[0].tobytes() if len(texts) > 1 else b""
    after_first = hashlib.sha256()
    after_first.update(narrator.synthesize(texts[1])[0].tobytes() if len(texts) > 1 else b"")
    print(json.dumps({"load": loaded - started, "first": first - loaded,
                      "per_speech_second": (done - first) / max(seconds, 1e-9),
                      "sha": digest.hexdigest(),
                      "order_free": hashlib.sha256(second_alone).hexdigest()
                      == after_first.hexdigest()}))


def time_sessions(facts_files: list[Path], repeat: int) -> None:
    import json
    import sys

    texts = ([beat["spoken"] for path in facts_files
              for entry in json.loads(path.read_text(encoding="utf-8"))["slides"]
              for beat in entry["manifest"]["narration"]][:9]
             if facts_files else list(SESSION_SENTENCES))
    results: dict[str, list[dict]] = {}
    for _ in range(repeat):  # variants alternated, so a load change hits them all alike
        for variant in SESSION_VARIANTS:
            done = subprocess.run([sys.executable, __file__, "--session-variant", variant,
                                   "--", *texts], capture_output=True, text=True, check=True,
                                  cwd=REPO)
            results.setdefault(variant, []).append(json.loads(done.stdout.splitlines()[-1]))
    shipped = results["default (as shipped)"][0]["sha"]
    print(f"{len(texts)} sentences, median of {repeat}, CPU seconds (process + espeak-ng):\n")
    print("| session options | load | first sentence (makes the session) "
          "| per s of speech after | same audio as default |")
    print("| --- | ---: | ---: | ---: | --- |")
    for variant, runs in results.items():
        def median(field: str, runs: list[dict] = runs) -> float:
            return statistics.median(r[field] for r in runs)
        print(f"| {variant} | {median('load'):.2f} | {median('first'):.2f} "
              f"| {median('per_speech_second'):.4f} "
              f"| {'yes' if runs[0]['sha'] == shipped else 'no'} |")
    order_free = results["default (as shipped)"][0]["order_free"]
    print(f"\nA sentence said after another in the same session sounds "
          f"{'the same as' if order_free else 'different from'} the sentence said first "
          f"in a fresh session. Load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quality", default="1080p")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", nargs="+", choices=CONFIGS, default=list(CONFIGS))
    parser.add_argument("--synthesis", nargs="+", type=Path, metavar="FACTS.json")
    parser.add_argument("--sessions", nargs="*", type=Path, metavar="FACTS.json")
    parser.add_argument("--session-variant", choices=SESSION_VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("texts", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.session_variant:
        session_child(args.session_variant, args.texts)
        return
    if args.sessions is not None:
        time_sessions(args.sessions, args.repeat)
        return
    if args.synthesis:
        time_synthesis(args.synthesis)
        return
    times: dict[tuple[str, str], list[float]] = {}
    notes: dict[tuple[str, str], str] = {}
    for _ in range(args.repeat):
        speech = Path(tempfile.mkdtemp(prefix="bench-voice-speech-"))
        for config in args.only:
            folder = Path(tempfile.mkdtemp(prefix=f"bench-voice-{config}-"))
            cache = folder / "cache"  # the user cache of its renders
            if config == "joe-cached":
                only_sentences(shutil.copytree(speech, cache, dirs_exist_ok=True))
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
