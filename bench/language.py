"""What rendering the lecture in another language costs, against English.

Each round renders the deck cold twice, in an empty output folder with an empty user
cache (`--cache-dir`, a fresh folder), one language after the other (their order
alternates between rounds, so a machine that slows down or warms up weighs on both):

- English: `./render.sh --lang en`;
- the other language (`--lang`, default de): `./render.sh --lang de`.

Both are silent by default (`--voice none`): English's bundled voice speaks English only,
so a voiced English deck against a silent German one would measure the voice, not the
language. `--voice espeak-draft` compares the draft voice speaking each. The rest is as a
lecturer renders (`render.sh`, its checks, the presentation; no GIFs unless `--gifs`).

It prints, for each language, the median wall-clock and CPU seconds (user + system of
every process of the run), and the other language's ratio to English: the goal is a ratio
within 1.10. Also the cost that only another language has, once per slide process: reading
and checking its catalog (`lecture.i18n.catalog_for`), in a fresh interpreter. Run it on an
otherwise idle machine; the load average is printed at start and end.

    .venv/bin/python bench/language.py --quality preview --repeat 3
    .venv/bin/python bench/language.py --quality preview --repeat 1 --slides 4,6   # a quick look
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render import REPO  # noqa: E402
from backprop_render.quality import QUALITIES  # noqa: E402
from lecture.language import LANGUAGES  # noqa: E402

GOAL = 1.10


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def render(language: str, args: argparse.Namespace, work: Path) -> tuple[float, float]:
    """One cold render of the deck in `language`: (wall seconds, CPU seconds)."""
    out, cache = work / f"out-{language}", work / f"cache-{language}"
    for folder in (out, cache):
        shutil.rmtree(folder, ignore_errors=True)
    command = [str(REPO / "render.sh"), "--lang", language, "--quality", args.quality,
               "--voice", args.voice, "--out", str(out), "--cache-dir", str(cache), "--quiet"]
    if args.slides:
        command += ["--slides", args.slides]
    if not args.gifs:
        command.append("--no-gif")
    cpu, started = _children_cpu(), time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    wall, cpu = time.monotonic() - started, _children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"render --lang {language} failed:\n{done.stderr[-3000:]}")
    return wall, cpu


def catalog_seconds(language: str, repeat: int = 5) -> float:
    """The median seconds a fresh interpreter takes to read and check the catalog (what each
    slide process pays once), less the interpreter's own start."""
    code = ("import time; t = time.perf_counter(); from lecture.i18n import catalog_for; "
            f"catalog_for({language!r}); print(time.perf_counter() - t)")
    times = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=REPO, check=True)
        times.append(float(done.stdout))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="de", choices=[t for t in LANGUAGES if t != "en"])
    parser.add_argument("--quality", default="preview", choices=list(QUALITIES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slides", default="", help="e.g. 4,6 (default: every slide)")
    parser.add_argument("--voice", default="none", help="none (default) or espeak-draft")
    parser.add_argument("--gifs", action="store_true", help="make the GIFs too")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    runs: dict[str, list[tuple[float, float]]] = {"en": [], args.lang: []}
    with tempfile.TemporaryDirectory(prefix="bench-language-") as folder:
        for round_ in range(args.repeat):
            order = ["en", args.lang] if round_ % 2 == 0 else [args.lang, "en"]
            for language in order:
                wall, cpu = render(language, args, Path(folder))
                runs[language].append((wall, cpu))
                print(f"  round {round_ + 1}, --lang {language}: {wall:.1f} s wall, "
                      f"{cpu:.1f} s CPU", flush=True)
    medians = {lang: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
               for lang, r in runs.items()}
    print("\n| --lang | wall s (median) | CPU s (median) | wall / en | CPU / en |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for lang, (wall, cpu) in medians.items():
        print(f"| {lang} | {wall:.1f} | {cpu:.1f} | {wall / medians['en'][0]:.3f} | "
              f"{cpu / medians['en'][1]:.3f} |")
    ratio = medians[args.lang][1] / medians["en"][1]
    print(f"\n{args.lang} costs {ratio:.3f}x English's CPU "
          f"({'within' if ratio <= GOAL else 'OVER'} the goal of {GOAL:.2f}x)")
    print(f"reading and checking a catalog, once per slide process: "
          f"{1000 * catalog_seconds(args.lang):.0f} ms ({args.lang}), "
          f"{1000 * catalog_seconds('en'):.0f} ms (en)")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
