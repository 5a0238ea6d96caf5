"""A slide's formulas compiled together, before the slide draws them one by one.

Each formula costs Manim one `latex` and one `dvisvgm` process (about 0.16 s of CPU,
nearly all of it the processes' start), and a slide makes its formulas one at a time
inside `construct`, so nothing knows the list in advance. `prefetch` finds it: a
forked copy of the scene process runs `construct` dry (formulas get a stand-in SVG
with the groups MathTex looks up, plays, waits and speech do nothing) and reports
the TeX file Manim would write for each. Those are compiled in ONE `latex` run (one page
each, with the preamble's format of scenes/speedups/latex_format.py) and ONE `dvisvgm` call,
and each page's SVG is put where Manim looks for it (`<hash>.svg` in the Tex folder),
so the real `construct` finds them compiled. The fork shares nothing back: the scene,
its random state and its records are as if the dry pass never ran. Whatever the dry
pass misses (it stops at its first error) compiles as before.

A page's SVG as dvisvgm writes it differs from the one of the formula compiled alone
in names only: the page's group id, and the glyph ids, numbered by the fonts of the
whole document. Manim keys its cache on those names (they become the formula's group
names), so `as_if_alone` renames them as the formula alone has them: the SVG is then
the same, byte for byte, but for the order of the glyphs in `<defs>` now and then,
which dvisvgm takes from its memory's layout (compiled alone, it changes with the
length of the media folder's path too) and which Manim does not read: the formula,
its parts and its cache key are the same (`same_formula`; tests/scenes/speedups/test_prefetch.py,
bench/scene_cpu.py: 137 of the 145 SVGs of the eight slides byte for byte).

Installed by `scenes.speedups.install`, like every patch of Manim, only with
scenes/speedups/latex_format.py in; not with `BACKPROP_NO_PREFETCH=1`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import resource
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manim import config, logger
from manim.mobject.text import tex_mobject
from manim.utils import tex_file_writing

from lecture import contract
from narration.takes import BeatLine
from scenes.speedups import latex_format, typeset_cache
from scenes.speedups.guard import Patch

__all__ = ["DRY_PASS_SECONDS", "DryPass", "as_if_alone", "batch_body", "collect",
           "compile_batch", "prefetch", "same_formula", "stand_in_svg", "PATCH"]

DRY_PASS_SECONDS = 60.0  # a construct that loops on the state plays leave behind is cut off
# A fork that says nothing for this long is stopped too: one stuck on a lock another thread
# held at the fork would otherwise cost the whole DRY_PASS_SECONDS. A slide's dry pass
# reports a formula or a sentence every few hundredths of a second.
DRY_PASS_QUIET_SECONDS = 10.0
BEGIN, END = r"\begin{document}", r"\end{document}"
# What standalone (preview) puts at the document's start and end: one page between them.
NEXT_PAGE = r"\ifhmode\unskip\fi\endstandalone\standalone\ignorespaces"
_GROUP = re.compile(r"\\special\{dvisvgm:raw (<g id='[^']*'>|</g>)\}")
# Beside Manim's Tex folder (not in it: Manim deletes all but SVG and TeX files there),
# with names as long as Manim's (`Tex`, a 16-digit hash).
BATCH_DIR, BATCH_STEM, PAGE_PREFIX = ".tb", "formulas-batched", "formula"  # + 9 digits
_PAGE_ID = re.compile(r"<g id='page\d+'>")
_GLYPH = re.compile(r"(?<=['#])g(\d+)-(\d+)(?=')")  # a glyph's id: g<font>-<character>


def stand_in_svg(tex: str, target: Path) -> Path:
    """A cheap SVG with the groups (`\\special{dvisvgm:raw <g id=...>}`) of `tex`, each
    holding a little square, so MathTex finds every part it looks up."""
    square = "<path d='M0 0H1V1H0Z'/>"
    body = [square]
    for match in _GROUP.finditer(tex):
        body.append(match.group(1) + square if match.group(1) != "</g>" else "</g>")
    target.write_text("<?xml version='1.0' encoding='UTF-8'?>\n<svg version='1.1' "
                      "xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'>"
                      f"<g id='page1'>{''.join(body)}</g></svg>\n", encoding="utf-8")
    return target


def _dry_construct(scene: Any, report: Any) -> None:
    """In the fork: run `scene.construct` with formulas stood in, report their TeX files."""
    logging.disable(logging.CRITICAL)  # the real construct says it all again
    stand_ins = Path(tempfile.mkdtemp(prefix="backprop-dry-"))
    # Texts are drawn for real (the layout may need them) but not kept: their SVGs name
    # cairo's surfaces by a count of the process, which the real pass must make itself.
    # Those made already are copied in (not linked: Manim rewrites a text's SVG in place),
    # so the pass reads them, and their parse from scenes/speedups/svg_cache.py, as the real pass
    # will, instead of drawing and parsing them again.
    made = config.get_dir("text_dir")
    if made.is_dir():
        try:
            shutil.copytree(made, stand_ins / "texts")
        except OSError:  # then drawn again, as before
            shutil.rmtree(stand_ins / "texts", ignore_errors=True)
    config.text_dir = str(stand_ins / "texts")
    # TeX files too: the parent writes them whole (this fork may be cut off mid-way).
    tex_dir = config.get_dir("tex_dir")
    config.tex_dir = str(stand_ins / "Tex")

    def record(expression: str, environment: str | None = None,
               tex_template: Any = None) -> Path:
        template = tex_template or config["tex_template"]
        tex_file = tex_file_writing.generate_tex_file(expression, environment, template)
        if (tex_dir / tex_file.name).with_suffix(".svg").exists():
            return (tex_dir / tex_file.name).with_suffix(".svg")
        tex = tex_file.read_text(encoding="utf-8")
        if template.tex_compiler == "latex" and template.output_format == ".dvi":
            report.write(json.dumps(tex) + "\n")
            report.flush()
        return stand_in_svg(tex, tex_file.with_suffix(".svg"))

    tex_file_writing.tex_to_svg_file = record
    tex_mobject.tex_to_svg_file = record
    from narration.narrator import SILENT, Said

    def speak(line: BeatLine) -> Said:
        report.write(json.dumps({"speak": dataclasses.astuple(line)}) + "\n")
        report.flush()
        return Said(SILENT, "", "", 0.0, 0.0, 0.0)

    scene.narrator.speak = speak
    for name in ("play", "wait", "next_section", "add_subcaption", "add_sound"):
        setattr(scene, name, lambda *args, **kwargs: None)
    try:
        scene.construct()
    finally:
        shutil.rmtree(stand_ins, ignore_errors=True)


@dataclass(frozen=True)
class DryPass:
    """What a dry pass of `construct` found, in order, up to its end or its first error."""

    formulas: list[Path]  # the TeX files of the formulas it would compile
    lines: list[BeatLine]  # the beats it would narrate, with their sentences

    @property
    def sentences(self) -> list[str]:
        """The sentences its beats would speak."""
        return [line.spoken for line in self.lines]


def collect(scene: Any, timeout: float = DRY_PASS_SECONDS,
            quiet: float = DRY_PASS_QUIET_SECONDS) -> DryPass:
    """The formulas `scene.construct` would compile and the sentences it would speak, in
    order, found by a dry pass in a fork; as many as it found before any error, crash,
    `timeout` seconds in all, or `quiet` seconds without a word from the fork."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the fork: never returns into Manim
        code = 0
        try:
            os.close(reader)
            with os.fdopen(writer, "w", encoding="utf-8") as report:
                _dry_construct(scene, report)
        except BaseException:  # noqa: BLE001 - the dry pass just ends; the parent goes on
            code = 1
        finally:
            os._exit(code)
    os.close(writer)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([reader], [], [], min(left, quiet))
            if not ready:
                if left > quiet:
                    logger.info("The dry pass said nothing for %s s: stopped", quiet)
                break
            chunk = os.read(reader, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        else:
            logger.info("The dry pass took over %s s: stopped", timeout)
    finally:
        os.close(reader)
        try:
            os.kill(pid, signal.SIGKILL)  # done already, unless cut off
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    tex_dir = config.get_dir("tex_dir")
    found, lines = [], []
    for line in dict.fromkeys(b"".join(chunks).decode("utf-8").split("\n")[:-1]):
        tex = json.loads(line)  # whole lines only: a cut-off fork may leave half of one
        if isinstance(tex, dict):
            lines.append(BeatLine(*tex["speak"]))
            continue
        found.append(tex_dir / f"{tex_file_writing.tex_hash(tex)}.tex")
        if not found[-1].exists():  # as generate_tex_file writes it, but whole or not at all
            tex_dir.mkdir(parents=True, exist_ok=True)
            partial = found[-1].with_name(f".{found[-1].name}.{os.getpid()}")
            partial.write_text(tex, encoding="utf-8")
            os.replace(partial, found[-1])
    return DryPass(found, lines)


def as_if_alone(svg: str) -> str:
    """A page of the batch's SVG as dvisvgm writes the formula compiled alone: its group
    is `page1`, and its fonts are numbered 0, 1, ... in the order the batch numbered them
    (dvisvgm numbers the fonts of a document in the order TeX loaded them, the same order
    in a batch as alone), so glyph ids, and the `<defs>` sorted by them, come out the same."""
    svg = _PAGE_ID.sub("<g id='page1'>", svg, count=1)
    rank = {font: i for i, font in enumerate(sorted({int(f) for f, _ in _GLYPH.findall(svg)}))}
    return _GLYPH.sub(lambda m: f"g{rank[int(m.group(1))]}-{m.group(2)}", svg)


def same_formula(svg: str, other: str) -> bool:
    """Whether two SVGs of a formula are the same but for the order of the glyphs in
    `<defs>`, which dvisvgm takes from where they lie in its memory (it moves with the
    length of the paths, and with the pages before in a batch). Manim parses only the
    page's uses of them: the same mobject, the same cache key."""
    def parts(text: str) -> tuple[str, list[str], str]:
        start, end = text.find("<defs>"), text.find("</defs>")
        if start < 0 or end < start:
            return text, [], ""
        return text[:start], sorted(text[start:end].splitlines()), text[end:]
    return parts(svg) == parts(other)


def batch_body(tex_files: list[Path]) -> str | None:
    """One document with each formula of `tex_files` on a page of its own, or None if
    they do not share one preamble."""
    texts = [t.read_text(encoding="utf-8") for t in tex_files]
    preambles = {latex_format.preamble_of(t) for t in texts}
    if len(preambles) != 1 or None in preambles or any(t.count(BEGIN) != 1 for t in texts):
        return None
    bodies = [t[t.index(BEGIN) + len(BEGIN):t.rindex(END)] for t in texts]
    return f"{texts[0][:texts[0].index(BEGIN)]}{BEGIN}{NEXT_PAGE.join(bodies)}{END}\n"


def compile_batch(tex_files: list[Path]) -> int:
    """Compile `tex_files` (formulas of templates compiled by `latex` to DVI), those of
    one preamble in one `latex` run with its format and one `dvisvgm` call; write each
    SVG next to its TeX file, as Manim names it. Those the user cache has are taken from
    it instead (typeset_cache.py), those compiled are given to it. Returns how many it
    wrote (a batch that fails writes none: each of its formulas then compiles on its own,
    as Manim does, with Manim's error report)."""
    todo = [t for t in dict.fromkeys(tex_files) if not t.with_suffix(".svg").exists()
            and not typeset_cache.take("tex", t.with_suffix(".svg"))]
    by_preamble: dict[str | None, list[Path]] = {}
    for tex_file in todo:
        preamble = latex_format.preamble_of(tex_file.read_text(encoding="utf-8"))
        by_preamble.setdefault(preamble, []).append(tex_file)
    return sum(_compile_together(group) for preamble, group in by_preamble.items()
               if preamble is not None and len(group) > 1)


def _compile_together(todo: list[Path]) -> int:
    """`compile_batch` for formulas of one preamble."""
    document = batch_body(todo)
    fmt = latex_format.format_for(todo[0].read_text(encoding="utf-8")) if document else None
    if document is None or fmt is None:
        return 0
    tex_dir = todo[0].parent
    # dvisvgm orders the glyphs of an SVG by where they lie in memory, which moves with
    # the length of the paths it is given: the batch's paths are as long as Manim's.
    work = tex_dir.with_name(BATCH_DIR)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        source = work / f"{BATCH_STEM}.tex"
        source.write_text(document, encoding="utf-8")
        latex = subprocess.run(latex_format.command_with_format(source, work, fmt),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dvi = source.with_suffix(".dvi")
        if latex.returncode != 0 or not dvi.is_file():
            logger.info("The slide's formulas did not compile together: one by one instead")
            return 0
        subprocess.run(["dvisvgm", "--page=1-", "--no-fonts", "--verbosity=0",
                        f"--output={(work / PAGE_PREFIX).as_posix()}%9p.svg", dvi.as_posix()],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pages = [work / f"{PAGE_PREFIX}{n:09d}.svg" for n in range(1, len(todo) + 1)]
        made = sorted(work.glob("*.svg"))
        if len(made) != len(todo) or not all(p.is_file() for p in pages):
            logger.info("%s formulas made %s pages: compiled one by one instead",
                        len(todo), len(made))
            return 0
        for tex_file, page in zip(todo, pages, strict=True):
            page.write_text(as_if_alone(page.read_text(encoding="utf-8")), encoding="utf-8")
            os.replace(page, tex_file.with_suffix(".svg"))
            typeset_cache.give("tex", tex_file.with_suffix(".svg"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return len(todo)


_installed = False


def _apply() -> None:
    global _installed
    _installed = True


def installed() -> bool:
    return _installed


# Manim's typesetting is stood in for in the dry pass (tex_to_svg_file, which MathTex
# imported by name), the TeX files written as generate_tex_file names them (tex_hash),
# and the SVGs put where tex_to_svg_file looks, made as convert_to_svg makes them.
PATCH = Patch("prefetch", {
    "manim.utils.tex_file_writing:tex_to_svg_file": "b9bf5e69f268457b",
    "manim.utils.tex_file_writing:generate_tex_file": "1997843c0b9b34d5",
    "manim.utils.tex_file_writing:tex_hash": "c4ae4d11da094c51",
    "manim.utils.tex_file_writing:convert_to_svg": "df3328600d71e33f",
    "manim.mobject.text.tex_mobject:SingleStringMathTex.__init__": "0bfb020f3aef8080",
}, apply=_apply, installed=installed, needs=("latex format",))


def applies() -> bool:
    return installed() and hasattr(os, "fork") and not os.environ.get(contract.NO_PREFETCH)


def prefetch(scene: Any) -> int:
    """Compile the formulas `scene.construct` will make, together; how many."""
    if not applies():
        return 0
    started = _cpu()
    found = collect(scene)
    dry = _cpu()
    # The voice speaks the sentences in a thread meanwhile: on a core the other slide job
    # leaves idle (the end of a deck, a render of one or two changed slides).
    narrator = getattr(scene, "narrator", None)
    if narrator is not None and found.lines:
        narrator.speak_ahead(found.lines)
    written = compile_batch(found.formulas)
    logger.info("Compiled %s of the %s formulas the dry pass found together (CPU: dry pass "
                "%.2f s, LaTeX %.2f s)", written, len(found.formulas), dry - started,
                _cpu() - dry)
    return written


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (the fork, latex, dvisvgm)."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
