"""What each reach into Manim was read against, and the check that Manim still is that code.

A patch of Manim (scenes/speedups/) replaces or mirrors Manim functions as they were
written in one release; another release may have changed them, and a patch applied to
changed code could break a video silently. So each patch records, beside its code, the
Manim functions and classes it replaces or mirrors, each with a fingerprint of its
source as read (`Patch.read_against`). `differences` compares them with the Manim that
is installed; `scenes.speedups.install` installs a patch only when there are none, and
tests/scenes/speedups/test_read_against.py fails (not warns) on any, so an upgrade of
Manim says which patch to read again instead of dropping it unnoticed.

After reading a changed function again (and changing the patch if need be), record its
new fingerprint: `python -m scenes.speedups` prints them all.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import linecache
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["RELEASE", "Patch", "ManimChanged", "manim_source", "fingerprint"]

RELEASE = "0.22.0"  # the Manim release every patch was read against

Source = Callable[[str], "str | None"]


class ManimChanged(AssertionError):
    """The installed Manim is not the code a patch was read against."""


def manim_source(name: str) -> str | None:
    """The source of the Manim function or class `name` ("module:Qual.name") as its file
    has it, whatever has been patched since; None if there is no such thing.

    Read from the file, not from the object: a patch installed over a method would
    otherwise be read in its place. Found by indentation, part by part of the name:
    `inspect.getsource` tokenizes, and parses the whole module for a class (0.13 s for
    SVGMobject), in every slide's process. Should this misread a file, the fingerprint
    differs: loud, never silent.
    """
    module_name, _, qualname = name.partition(":")
    try:
        module = importlib.import_module(module_name)
        lines = linecache.getlines(inspect.getsourcefile(module) or "")
    except (ImportError, TypeError):
        return None
    start, end, indent = 0, len(lines), ""
    for part in qualname.split("."):
        header = re.compile(rf"{indent}(?:async\s+def|def|class)\s+{re.escape(part)}\b")
        found = next((i for i in range(start, end) if header.match(lines[i])), None)
        if found is None:
            return None
        start = found
        while start > 0 and lines[start - 1].startswith(f"{indent}@"):
            start -= 1  # decorators are part of what a function does
        # The body: after the header's last line (its colon), the lines as deep as the
        # first of them, up to the next that is not (blank lines and comments aside).
        colon = next((i for i in range(found, end) if _code(lines[i]).endswith(":")), end)
        first = next((i for i in range(colon + 1, end) if _code(lines[i])), None)
        if first is None:
            return None
        indent = lines[first][:len(lines[first]) - len(lines[first].lstrip())]
        end = next((i for i in range(first, end)
                    if not lines[i].startswith(indent) and _code(lines[i])), end)
    while end > start and not _code(lines[end - 1]):
        end -= 1  # blank lines and comments after it belong to what follows
    return "".join(lines[start:end])


def _code(line: str) -> str:
    """A line without its comment and surrounding blanks (good enough for a header)."""
    return "" if line.lstrip().startswith("#") else line.split(" #", 1)[0].strip()


def fingerprint(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class Patch:
    """One reach into Manim: what it replaces or mirrors, and how it is put in.

    `read_against`: each Manim function or class ("module:Qual.name") the patch replaces,
    calls into or mirrors, with the fingerprint of its source when it was read.
    `apply` puts the patch in (None: nothing is replaced, ours mirrors Manim's code, as
    the frame count does); `installed` says whether it is in. `needs`: patches it works
    only with. `off_with`: environment variables that keep it out when set.
    """

    name: str
    read_against: Mapping[str, str]
    apply: Callable[[], object] | None = None
    installed: Callable[[], bool] = lambda: False
    needs: tuple[str, ...] = ()
    off_with: tuple[str, ...] = ()

    def differences(self, source: Source = manim_source,
                    release: str | None = None) -> list[str]:
        """How the installed Manim differs from what this patch was read against: its
        release, and each function or class whose source is not the one read."""
        import manim  # here: bench/profiling.py declares its patch without importing Manim

        found = []
        release = manim.__version__ if release is None else release
        if release != RELEASE:
            found.append(f"Manim is {release}, not {RELEASE}")
        for name, expected in self.read_against.items():
            text = source(name)
            if text is None:
                found.append(f"{name} is gone")
            elif fingerprint(text) != expected:
                found.append(f"{name} changed (fingerprint {fingerprint(text)}, "
                             f"read as {expected})")
        return found

    def verify(self, source: Source = manim_source, release: str | None = None) -> None:
        """Raise `ManimChanged`, saying what to read again, if Manim is not the code read."""
        found = self.differences(source, release)
        if found:
            raise ManimChanged(
                f"the patch '{self.name}' was read against other Manim code: "
                + "; ".join(found) + ". Read the patch against this Manim, change it if it "
                "must, then record the new fingerprints (python -m scenes.speedups).")
