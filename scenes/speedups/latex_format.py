"""Formulas compiled with their LaTeX preamble loaded once, not read again for each.

Manim compiles every formula by running `latex` on a file whose preamble (the document
class, babel, amsmath, amssymb) LaTeX reads anew each time: about a third of the run.
`mylatexformat` (Debian's texlive-latex-extra, already installed for `standalone`)
dumps a preamble into a format file; `latex -fmt=<it>` then starts with the preamble
loaded and skips it in the file. The DVI is the same, so is the SVG dvisvgm makes
from it (tests/scenes/speedups/test_latex_format.py compares them).

One format per preamble and TeX installation, named by a hash of the preamble and of
the `latex` binary, its `latex.fmt` and `mylatexformat.ltx`, so another template or a
TeX update makes a new one. It is built once per folder: the user's cache
(lecture/user_cache.py, `formats/`, shared by every render on the machine; a format is code
LaTeX runs, so it is loaded only from that private folder, and only while it matches the
MAC recorded beside it when it was built: a damaged one is built again), else
`$BACKPROP_TEX_FORMATS`, else `tex-formats` in Manim's media folder; under a lock (parallel
slides wait for the one building it, without building it twice), written atomically.
Without mylatexformat, when the format cannot be built, or when a compile with it fails,
Manim's own command runs.

Installed by `scenes.speedups.install`, like every patch of Manim.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from manim import config, logger
from manim.utils import tex_file_writing

from lecture import contract
from lecture.user_cache import UserCache
from scenes.speedups.guard import Patch

__all__ = ["command_with_format", "compile_tex", "format_for", "preamble_of", "installation",
           "PATCH", "installed"]

BEGIN = r"\begin{document}"
_stock_compile_tex = tex_file_writing.compile_tex
_installation: str | None = None  # the TeX installation's fingerprint, once a process
_formats: dict[str, Path | None] = {}  # where a format goes -> it (None: cannot be built)


def preamble_of(tex: str) -> str | None:
    """Everything before `\\begin{document}`: what the format holds."""
    at = tex.find(BEGIN)
    return tex[:at] if at > 0 else None


def installation() -> str:
    """What a format depends on besides its preamble: the TeX binary and base format,
    and mylatexformat; empty if either is missing."""
    global _installation
    if _installation is None:
        _installation = ""
        latex = shutil.which("latex")
        try:
            found = subprocess.run(["kpsewhich", "-engine=pdftex", "latex.fmt",
                                    "mylatexformat.ltx"], capture_output=True, text=True,
                                   timeout=30).stdout.split()
        except (OSError, subprocess.SubprocessError):
            found = []
        if latex and len(found) == 2:
            parts = []
            for path in (os.path.realpath(latex), *found):
                stat = os.stat(path)
                parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
            _installation = "\n".join(parts)
    return _installation


def _folder() -> Path:
    chosen = os.environ.get(contract.TEX_FORMATS)
    # Not in Manim's Tex folder: Manim deletes all but SVG and TeX files there.
    return Path(chosen) if chosen else Path(config.get_dir("media_dir")) / "tex-formats"


def _build(preamble: str, target: Path) -> bool:
    """Dump `preamble` into the format `target` (a .fmt), atomically; say if it worked."""
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".format-") as scratch:
        source = Path(scratch) / "preamble.tex"
        source.write_text(f"{preamble}{BEGIN}\n\\end{{document}}\n", encoding="utf-8")
        job = target.stem
        run = subprocess.run(["etex", "-ini", "-interaction=batchmode", "-halt-on-error",
                              f"-jobname={job}", "&latex", "mylatexformat.ltx", source.name],
                             cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        built = Path(scratch) / f"{job}.fmt"
        if run.returncode != 0 or not built.is_file():
            logger.info("No LaTeX format for the preamble (etex exited with %s): "
                        "formulas compile as Manim compiles them", run.returncode)
            return False
        os.replace(built, target)
    return True


def format_for(tex: str) -> Path | None:
    """The format holding `tex`'s preamble (built now if this folder has none yet), or
    None if it cannot be had."""
    preamble = preamble_of(tex)
    tex_installation = installation()
    if preamble is None or not tex_installation:
        return None
    name = hashlib.sha256(f"{tex_installation}\n{preamble}".encode()).hexdigest()[:16]
    store = UserCache.from_environment()
    folder = store.formats if store is not None else _folder()
    place = folder / f"preamble-{name}.fmt"
    known = _formats.get(str(place), False)
    if known is None or (known and known.is_file()):  # the folder may have gone since
        return known
    target: Path | None = place
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f".preamble-{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another slide may be building it: wait
            whole = place.is_file() and (store is None or store.sealed(place))
            if not whole:
                if _build(preamble, place):
                    if store is not None:
                        store.seal(place)
                else:
                    target = None
    except OSError as error:
        logger.info("No LaTeX format for the preamble (%s)", error)
        target = None
    _formats[str(place)] = target
    return target


def command_with_format(tex_file: Path, output_dir: Path, fmt: Path) -> list[str]:
    """Manim's command compiling `tex_file` with `latex` to DVI in `output_dir`, the
    preamble loaded from the format `fmt` instead of read from the file."""
    command = tex_file_writing.make_tex_compilation_command("latex", ".dvi", tex_file,
                                                            output_dir)
    command.insert(1, f"-fmt={fmt.with_suffix('').as_posix()}")
    return command


def compile_tex(tex_file: Path, tex_compiler: str | list[str], output_format: str) -> Path:
    """`manim.utils.tex_file_writing.compile_tex`, with the preamble's format for plain
    `latex` to DVI (Manim's default template); anything else, or any failure, goes to
    Manim's own."""
    result = tex_file.with_suffix(output_format)
    if result.exists() or tex_compiler != "latex" or output_format != ".dvi":
        return _stock_compile_tex(tex_file, tex_compiler, output_format)
    fmt = format_for(tex_file.read_text(encoding="utf-8"))
    if fmt is None:
        return _stock_compile_tex(tex_file, tex_compiler, output_format)
    command = command_with_format(tex_file, config.get_dir("tex_dir"), fmt)
    if subprocess.run(command, stdout=subprocess.DEVNULL).returncode == 0 and result.exists():
        return result
    result.unlink(missing_ok=True)  # Manim's own run, and its error report if it fails too
    return _stock_compile_tex(tex_file, tex_compiler, output_format)


def _apply() -> None:
    tex_file_writing.compile_tex = compile_tex


def installed() -> bool:
    return tex_file_writing.compile_tex is compile_tex


# compile_tex replaced (Manim's own runs for anything but latex to DVI, or on failure);
# its command made by Manim's, with the format added.
PATCH = Patch("latex format", {
    "manim.utils.tex_file_writing:compile_tex": "9677cc066a1d7838",
    "manim.utils.tex_file_writing:make_tex_compilation_command": "9c3812143ddfdc3c",
}, apply=_apply, installed=installed)
