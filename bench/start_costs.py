"""What a slide's Manim process spends before its first frame, and what the fork host saves.

Each row starts one `manim render` (the render's own options: manim.cfg, its own media
folder, caching off, preview quality) of a scene that draws nothing, `--repeat` times, and
prints the median CPU seconds (user + system of the process and its children) and wall
seconds:

- python alone, and `import manim`;
- an empty Scene: Manim's import, configuration and command line;
- slide 6's setup: its scene module, the lesson, the slide's chrome, no animation;
- the same with the voice's model loaded (the `joe` voice, ONNX Runtime);
- the empty Scene and slide 6's setup again, forked by backprop_render/build/manim_host.py from
  this process, which imported Manim once (that import is printed apart: a job process
  pays it once for all its slides).

    .venv/bin/python bench/start_costs.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render import REPO
from backprop_render.build import manim_host  # noqa: E402
from backprop_render.build.slide_render import MANIM_CFG  # noqa: E402
from backprop_render.quality import QUALITIES  # noqa: E402
from lecture import contract  # noqa: E402

SCENES = '''
from manim import Scene

from scenes.s06_backward_propagation import BackwardPropagation


class Empty(Scene):
    def construct(self):
        pass


class Setup(BackwardPropagation):  # setup() builds the lesson, the chrome, the narrator
    def construct(self):
        pass

    def tear_down(self):
        pass


class Voice(Setup):
    def construct(self):
        self.narrator._load()
'''


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def once(command: list[str], env: dict[str, str], scratch: Path,
         forked: bool) -> tuple[float, float]:
    cpu, started = children_cpu(), time.perf_counter()
    with (scratch / "log").open("wb") as log:
        if forked:
            process = manim_host.start(command, REPO, env, log)
        else:
            process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        status = process.wait()
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(command)}\n"
                 f"{(scratch / 'log').read_text(errors='replace')}")
    return children_cpu() - cpu, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    quality = QUALITIES["preview"]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; median of "
          f"{args.repeat}, CPU seconds (user + system) and wall seconds", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-start-") as folder:
        scratch = Path(folder)
        scene_file = scratch / "start_scenes.py"
        scene_file.write_text(SCENES, encoding="utf-8")
        env = {**os.environ, contract.VOICE: "joe", contract.SPEECH_CACHE: str(scratch / "speech")}

        def manim(scene: str) -> list[str]:
            return [sys.executable, "-m", "manim", "render", "--config_file", str(MANIM_CFG),
                    "--media_dir", str(scratch / "media"), "--progress_bar", "none",
                    "-v", "WARNING", "--disable_caching", "-q", quality.manim_flag,
                    str(scene_file), scene]

        rows = [("python, nothing", [sys.executable, "-c", "pass"], False),
                ("python, import manim", [sys.executable, "-c", "import manim"], False),
                ("manim render: empty scene", manim("Empty"), False),
                ("manim render: slide 6's setup", manim("Setup"), False),
                ("manim render: slide 6's setup + voice model", manim("Voice"), False)]
        results = []
        for name, command, forked in rows:
            runs = [once(command, env, scratch, forked) for _ in range(args.repeat)]
            results.append((name, runs))
            print(f"  {name}: {statistics.median(r[0] for r in runs):.2f} CPU s", flush=True)
        manim_host.enable(REPO)
        before = self_cpu()
        manim_host._preload("manim")  # what a job process pays once, at its first slide
        preload = self_cpu() - before
        for name, scene in (("forked: empty scene", "Empty"),
                            ("forked: slide 6's setup", "Setup"),
                            ("forked: slide 6's setup + voice model", "Voice")):
            runs = [once(manim(scene), env, scratch, True) for _ in range(args.repeat)]
            results.append((name, runs))
            print(f"  {name}: {statistics.median(r[0] for r in runs):.2f} CPU s", flush=True)
    print()
    print("| process | CPU s | wall s |")
    print("| --- | ---: | ---: |")
    for name, runs in results:
        print(f"| {name} | {statistics.median(r[0] for r in runs):.2f} "
              f"| {statistics.median(r[1] for r in runs):.2f} |")
    print(f"| the job process's one import of Manim (fork host) | {preload:.2f} | |")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
