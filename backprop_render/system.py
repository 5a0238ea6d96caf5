"""Is this machine able to render? Checked before the first frame, not found out halfway.

Manim needs LaTeX (with a few packages beyond the base set) and dvisvgm for every
formula, and pango and cairo for all drawing. A missing piece otherwise surfaces
as a traceback several minutes into a render; here it becomes one message with the
command that installs it.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import SetupError

__all__ = ["Missing", "PACKAGE_LIST", "debian_packages", "missing_pieces", "check_system",
           "install_command", "missing_voice", "usable_cores"]

PACKAGE_LIST = Path(__file__).with_name("debian-packages.txt")

# LaTeX files Manim's default template and our formulas load; kpsewhich finds them.
LATEX_FILES = ("standalone.cls", "preview.sty", "amsmath.sty", "amssymb.sty", "babel.sty")


def usable_cores() -> int:
    """The CPU cores this process may use (its affinity, in a container or under taskset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Missing:
    piece: str  # what a lecturer would call it
    role: str  # the role in debian-packages.txt that provides it
    detail: str


def debian_packages(role: str | None = None) -> list[str]:
    """Package names from debian-packages.txt, all of them or those of one role."""
    packages = []
    for line in PACKAGE_LIST.read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if fields and (role is None or fields[1] == role):
            packages.append(fields[0])
    return packages


def install_command(missing: list[Missing]) -> str:
    packages: list[str] = []
    for item in missing:
        packages += [p for p in debian_packages(item.role) if p not in packages]
    prefix = "" if os.geteuid() == 0 else "sudo "
    return f"{prefix}apt-get install -y --no-install-recommends {' '.join(packages)}"


def _importable(module: str) -> str | None:
    """None if `module` imports, else why not (its native library is usually the cause)."""
    try:
        importlib.import_module(module)
    except ImportError as error:  # also OSError-like loader failures surface as ImportError
        return str(error)
    return None


def missing_pieces(path: str | None = None) -> list[Missing]:
    """Every missing system piece; `path` replaces $PATH (tests use it to hide tools)."""
    found: list[Missing] = []
    env = dict(os.environ, PATH=path) if path is not None else None
    if not shutil.which("latex", path=path):
        found.append(Missing("LaTeX", "latex", "the 'latex' command is not on PATH"))
    elif shutil.which("kpsewhich", path=path):
        located = subprocess.run(
            ["kpsewhich", *LATEX_FILES], capture_output=True, text=True, env=env, check=False
        ).stdout.split()
        absent = [name for name in LATEX_FILES if not any(p.endswith("/" + name) for p in located)]
        if absent:
            found.append(Missing("LaTeX packages", "latex",
                                 f"LaTeX cannot find {', '.join(absent)}"))
    if not shutil.which("dvisvgm", path=path):
        found.append(Missing("dvisvgm", "dvisvgm", "the 'dvisvgm' command is not on PATH"))
    for module, piece, role in (("manimpango", "pango", "pango"), ("cairo", "cairo", "cairo")):
        problem = _importable(module)
        if problem:
            found.append(Missing(piece, role, f"Python cannot load {module}: {problem}"))
    return found


def missing_voice(path: str | None = None) -> list[Missing]:
    """The narrator's phonemizer: Debian's espeak-ng program (narration/speech.py)."""
    if shutil.which("espeak-ng", path=path):
        return []
    return [Missing("espeak-ng", "voice", "the 'espeak-ng' command is not on PATH (the "
                    "narrator needs it for phonemes; --voice none renders silent videos)")]


def check_system(path: str | None = None, voice: str = "none") -> None:
    """Raise SetupError naming every missing piece and the command that installs them."""
    missing = missing_pieces(path) + (missing_voice(path) if voice != "none" else [])
    if not missing:
        return
    lines = [f"this machine cannot render yet: {', '.join(m.piece for m in missing)} missing."]
    lines += [f"  - {m.piece}: {m.detail}" for m in missing]
    lines.append(f"Install with:\n  {install_command(missing)}")
    if any(m.role in ("pango", "cairo") for m in missing):
        lines.append("then reinstall the Python side: rm -rf .venv && ./render.sh setup")
    raise SetupError("\n".join(lines))
