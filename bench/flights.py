"""What does a flight that never lies on a text (issue 26) cost a default render?

`Fly` (scenes/kit/formula.py) now measures, on every frame of a flight, how much of its
copy the texts on screen cover, and fades the copy where one would; a flight's copy carries
only the glyphs its target shows. This renders the slides that fly numbers (1, 2, 5, 6)
as a lecturer's render draws them (Manim's own command line from
backprop_render/build/slide_render.py, silent, no GIF), once with the code of `--base`
(exported from git into a temporary folder) and once with this working tree, `--repeat`
times each, alternating, and prints the median CPU seconds of each Manim process, the
ratio this/base per slide and over all of them. The goal is at most 1.03. Run it on an
otherwise idle machine; the load average is printed.

    .venv/bin/python bench/flights.py --quality 1080p --repeat 3
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render import REPO  # noqa: E402
from backprop_render.build.slide_render import manim_command  # noqa: E402
from backprop_render.quality import QUALITIES  # noqa: E402
from lecture import contract  # noqa: E402
from lecture.slides import SLIDES  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def export(commit: str, folder: Path) -> Path:
    """The tree of `commit` (scenes/, lecture/, backprop_core/, ...) written into `folder`."""
    archive = folder / "tree.tar"
    subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", "-o", str(archive),
                    commit], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "tree", filter="data")
    return folder / "tree"


def render(tree: Path, number: int, quality: str, media: Path) -> float:
    """CPU seconds of one Manim process drawing slide `number` with the code in `tree`."""
    slide = SLIDES[number - 1]
    command = manim_command(slide, QUALITIES[quality], media, "video", gif=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKPROP_")}
    env["PYTHONPATH"] = str(tree)
    env[contract.FACTS_OUT] = str(media / "facts.json")
    before = children_cpu()
    subprocess.run(command, cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)
    return children_cpu() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="the commit to compare with (main)")
    parser.add_argument("--quality", default="1080p", choices=sorted(QUALITIES))
    parser.add_argument("--slides", default="1,2,5,6", help="slide numbers, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    numbers = [int(n) for n in args.slides.split(",")]
    print(f"load average {os.getloadavg()[0]:.2f}; {args.quality}, {args.repeat} runs each")
    with tempfile.TemporaryDirectory(prefix="bench-flights-") as work:
        trees = {"base": export(args.base, Path(work)), "this": REPO}
        seconds: dict[tuple[str, int], list[float]] = {}
        for number in numbers:
            for name, tree in trees.items():  # a first run fills the caches (LaTeX, SVG)
                render(tree, number, args.quality, Path(work) / f"warm-{name}-{number}")
            for run in range(args.repeat):
                for name, tree in trees.items():
                    media = Path(work) / f"{name}-{number}-{run}"
                    seconds.setdefault((name, number), []).append(
                        render(tree, number, args.quality, media))
    total = {name: 0.0 for name in trees}
    for number in numbers:
        base, this = (statistics.median(seconds[(n, number)]) for n in ("base", "this"))
        total["base"] += base
        total["this"] += this
        print(f"slide {number}: {args.base} {base:6.1f} s CPU, this tree {this:6.1f} s, "
              f"ratio {this / base:.3f}")
    print(f"all: {args.base} {total['base']:.1f} s, this tree {total['this']:.1f} s, "
          f"ratio {total['this'] / total['base']:.3f} (goal: at most 1.03)")


if __name__ == "__main__":
    main()
