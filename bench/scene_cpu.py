"""What do scenes/speedups/cache_key.py and latex_format.py save, and is the result the same?

For each slide (preview quality, no voice, Manim's per-animation cache on as the
pipeline has it, a fresh media folder):

1. The cache key: renders the slide once computing every animation's key twice, with
   Manim's own hashing code and with ours (in turns, each first every other time), and
   reports the CPU seconds (thread time) of each, their ratio, and how many of the keys
   are equal (all must be).
2. LaTeX: compiles each formula the slide compiled again, as Manim does (latex, then
   dvisvgm) and with the preamble's format (built once, its cost included), in the
   same folder so dvisvgm sees the same paths, and reports the CPU seconds of the
   subprocesses, their ratio, and how many SVGs are byte-for-byte the same (all must be);
   then all of them at once as scenes/speedups/prefetch.py compiles a slide's formulas (one
   latex run, one dvisvgm call), the same way: how many SVGs are byte for byte as
   alone, and how many the same but for the order of the glyphs in <defs>, which
   dvisvgm takes from its memory's layout and Manim does not read (all must be).

    .venv/bin/python bench/scene_cpu.py [--slides 5 6]
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lecture import contract  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def inside(record: Path, manim_args: list[str]) -> None:
    """In the Manim process: time both keys of every play call, then render as usual."""
    import atexit

    from manim.__main__ import main
    from manim.renderer import cairo_renderer
    from manim.utils import hashing

    import scenes.kit.slide  # noqa: F401 - installs the speed-ups
    from scenes.speedups import cache_key

    if not cache_key.installed():
        sys.exit("scenes/speedups/cache_key.py is not installed (BACKPROP_STOCK_MANIM, or "
                 "another Manim)")
    key = hashing.get_hash_from_play_call
    seen = {"stock": 0.0, "ours": 0.0, "calls": 0, "equal": 0}

    def timed(stock: bool, *args, **kwargs) -> tuple[str, float]:
        started = time.thread_time()
        if stock:
            with cache_key.stock():
                return key(*args, **kwargs), time.thread_time() - started
        return key(*args, **kwargs), time.thread_time() - started

    def both(*args, **kwargs):
        # Whichever runs first pays for some lazy work the other then finds done:
        # alternate the order, so neither is favoured.
        order = (True, False) if seen["calls"] % 2 else (False, True)
        results = {stock: timed(stock, *args, **kwargs) for stock in order}
        (manims, stock_cpu), (ours, our_cpu) = results[True], results[False]
        seen["stock"] += stock_cpu
        seen["ours"] += our_cpu
        seen["calls"] += 1
        seen["equal"] += ours == manims
        return ours

    cairo_renderer.get_hash_from_play_call = both
    atexit.register(lambda: record.write_text(json.dumps(seen), encoding="utf-8"))
    sys.argv = ["manim", *manim_args]
    main()


def latex_pass(tex_files: list[Path], scratch: Path) -> dict[str, float]:
    """Compile every formula as Manim does and with the format; CPU and sameness."""
    from manim import tempconfig
    from manim.utils import tex_file_writing

    from scenes.speedups import latex_format, prefetch

    os.environ[contract.TEX_FORMATS] = str(scratch / "formats")
    tex_dir = scratch / "Tex"
    tex_dir.mkdir(parents=True)
    result = {"stock": 0.0, "ours": 0.0, "batched": 0.0, "formulas": len(tex_files),
              "same": 0, "batch_bytes": 0, "batch_same": 0}
    alone: dict[str, bytes] = {}
    with tempconfig({"media_dir": str(scratch), "tex_dir": str(tex_dir)}):
        for tex in tex_files:
            svgs = []
            for name, compile_tex in (("stock", latex_format._stock_compile_tex),
                                      ("ours", latex_format.compile_tex)):
                for old in tex_dir.glob("*"):
                    old.unlink()
                copy = tex_dir / tex.name
                copy.write_bytes(tex.read_bytes())
                before = _children_cpu()
                dvi = compile_tex(copy, "latex", ".dvi")
                svg = tex_file_writing.convert_to_svg(dvi, ".dvi")
                result[name] += _children_cpu() - before
                svgs.append(svg.read_bytes())
            result["same"] += svgs[0] == svgs[1]
            alone[tex.name] = svgs[1]
        for old in tex_dir.glob("*"):  # all of them at once, as scenes/speedups/prefetch.py does
            old.unlink()
        copies = [tex_dir / tex.name for tex in tex_files]
        for tex, copy in zip(tex_files, copies, strict=True):
            copy.write_bytes(tex.read_bytes())
        before = _children_cpu()
        prefetch.compile_batch(copies)
        result["batched"] = _children_cpu() - before
        batched = {c.name: c.with_suffix(".svg").read_bytes() for c in copies
                   if c.with_suffix(".svg").is_file()}
        result["batch_bytes"] = sum(batched.get(c.name) == alone[c.name] for c in copies)
        result["batch_same"] = sum(c.name in batched and prefetch.same_formula(
            batched[c.name].decode(), alone[c.name].decode()) for c in copies)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slides", type=int, nargs="+", default=[5, 6])
    args = parser.parse_args(argv)
    from lecture.slides import SLIDES

    slides = {s.number: s for s in SLIDES}
    failed = False
    with tempfile.TemporaryDirectory(prefix="scene-cpu-") as scratch:
        for number in args.slides:
            slide = slides[number]
            folder = Path(scratch) / slide.stem
            record = folder / "keys.json"
            folder.mkdir()
            command = [sys.executable, __file__, "--inside", str(record), "render",
                       "--config_file", "manim.cfg", "--media_dir", str(folder / "media"),
                       "--progress_bar", "none", "-v", "WARNING", "-ql",
                       f"scenes/{slide.module}.py", slide.scene]
            env = {k: v for k, v in os.environ.items() if k != contract.VOICE}
            subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
            keys = json.loads(record.read_text(encoding="utf-8"))
            print(f"slide {number} cache key: Manim {keys['stock']:.2f} s CPU, ours "
                  f"{keys['ours']:.2f} s ({keys['ours'] / keys['stock']:.2f}x); "
                  f"{keys['equal']} of {keys['calls']} keys equal")
            tex_files = sorted((folder / "media" / "Tex").glob("*.tex"))
            tex = latex_pass(tex_files, folder / "latex")
            print(f"slide {number} LaTeX: {tex['formulas']} formulas, Manim {tex['stock']:.2f} s "
                  f"CPU, with the format {tex['ours']:.2f} s ({tex['ours'] / tex['stock']:.2f}x, "
                  f"the format's build included); {tex['same']} of {tex['formulas']} SVGs "
                  "the same bytes")
            print(f"slide {number} LaTeX batched (one latex, one dvisvgm, with the format): "
                  f"{tex['batched']:.2f} s CPU ({tex['batched'] / tex['ours']:.2f}x of one by one "
                  f"with the format); {tex['batch_bytes']} of {tex['formulas']} SVGs the same "
                  f"bytes as alone, {tex['batch_same']} the same but for the order of <defs> "
                  "(what Manim reads)")
            failed |= keys["equal"] != keys["calls"] or tex["same"] != tex["formulas"]
            failed |= tex["batch_same"] != tex["formulas"]
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--inside":
        inside(Path(sys.argv[2]), sys.argv[3:])
    else:
        sys.exit(main())
