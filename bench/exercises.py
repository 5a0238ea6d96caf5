"""How long do the exercise sheets take: alone, for a class, and against a class's sweep?

Three measurements, each printed with its goal (the machine should be otherwise idle;
the load average is printed at start and end):

1. `./render.sh exercises --out DIR`, the whole command as a lecturer runs it (median of
   --runs): goal under 5 s.
2. A class of --students: its sheets typeset as the sweep does (one pdflatex run per
   kind for the whole class, then cut), against one pdflatex run per student and kind:
   the ratio batching saves.
3. With --sweep: `./render.sh sweep --variants class.csv` of that class (each student
   their own x, w, b, y), then the class's sheets alone, cold, into a fresh folder:
   the sheets' share of the sweep, goal under 5%. This renders every student's
   slides 2-6 (--quality, default preview): expect most of an hour on 2 cores.

    .venv/bin/python bench/exercises.py                      # 1 and 2, a minute
    .venv/bin/python bench/exercises.py --sweep --students 30
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regenerate import load  # noqa: E402  (bench/ is the script's folder)

from backprop_core import load_params  # noqa: E402
from backprop_render.build.outputs import OutputFolder  # noqa: E402
from backprop_render.build.slide_render import REPO  # noqa: E402
from backprop_render.exercises import documents, latex, make  # noqa: E402
from lecture.questions import pose  # noqa: E402


def students(count: int) -> list[tuple[str, dict[str, str]]]:
    """A class: each student their own x, w, b, y (seeded, so every run is the same class)."""
    rng = random.Random(27)
    return [(f"student{i:02d}", {key: f"{rng.uniform(low, high):.2f}" for key, low, high in
                                 (("x", -3, 3), ("w", -2, 2), ("b", -1, 1), ("y", -4, 4))})
            for i in range(count)]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def class_sheets(folder: Path, values: list[tuple[str, dict[str, str]]]) -> float:
    start = time.perf_counter()
    with OutputFolder(folder) as top:
        make.write_class_sheets(top, [(n, load_params(None, v)) for n, v in values])
    return time.perf_counter() - start


def one_run_per_student(folder: Path, values: list[tuple[str, dict[str, str]]]) -> float:
    """What batching avoids: each student's two sheets typeset on their own (two at once)."""
    start = time.perf_counter()
    for name, given in values:
        params = load_params(None, given)
        sheet = documents.Sheet(pose(make.build_lesson(params)), params, name)
        work = folder / name
        work.mkdir(parents=True)
        sources = []
        for kind in documents.SHEET_KINDS:
            sources.append(work / f"{kind}.tex")
            sources[-1].write_text(documents.sheet_tex(kind, [sheet]), encoding="utf-8")
        latex.typeset(sources)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--sweep", action="store_true", help="also run the class's sweep")
    parser.add_argument("--quality", default="preview")
    args = parser.parse_args()
    print(f"load at start: {load()}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-exercises-"))
    render = str(REPO / "render.sh")
    try:
        alone = [timed([render, "exercises", "--out", str(work / f"alone-{i}")])
                 for i in range(args.runs)]
        median = statistics.median(alone)
        print(f"1. ./render.sh exercises: median {median:.2f} s of {args.runs} "
              f"({', '.join(f'{s:.2f}' for s in alone)}); goal < 5 s: "
              f"{'met' if median < 5 else 'NOT met'}", flush=True)

        values = students(args.students)
        batched = class_sheets(work / "batched", values)
        single = one_run_per_student(work / "single", values)
        print(f"2. {args.students} students' sheets: {batched:.2f} s typeset as one class, "
              f"{single:.2f} s one run per student: batching takes {batched / single:.2f}x",
              flush=True)

        if args.sweep:
            table = work / "class.csv"
            with table.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["name", "x", "w", "b", "y"])
                for name, given in values:
                    writer.writerow([name, *given.values()])
            sweep = timed([render, "sweep", "--variants", str(table), "--out",
                           str(work / "sweep"), "--quality", args.quality, "--voice", "none",
                           "--no-gif", "--quiet"])
            sheets = class_sheets(work / "sheets-alone", values)
            share = sheets / (sweep - sheets)
            print(f"3. sweep of {args.students} students ({args.quality}, sheets included): "
                  f"{sweep:.1f} s; the sheets alone, cold: {sheets:.2f} s = {share:.1%} of "
                  f"the rest of the sweep; goal < 5%: {'met' if share < 0.05 else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load at end: {load()}")


if __name__ == "__main__":
    main()
