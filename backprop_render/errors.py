"""The three ways a command stops early, each with its own exit status.

The message of each is complete on its own: the CLI prints it after 'error: ' and
nothing else (no traceback), so it must name the problem and, where there is one,
the fix.
"""

from __future__ import annotations

from pathlib import Path
from types import FrameType
from typing import NoReturn

__all__ = ["RenderError", "UsageError", "SetupError", "SlideFailed", "DiskFull", "EXIT_OK",
           "EXIT_FAILED",
           "EXIT_USAGE", "EXIT_SETUP", "EXIT_INTERRUPTED", "EXIT_CLOSED_PIPE", "interrupt"]

EXIT_OK = 0
EXIT_FAILED = 1  # a slide failed to render; earlier outputs are intact
EXIT_USAGE = 2  # bad input; nothing was rendered
EXIT_SETUP = 3  # the machine lacks a system piece; nothing was rendered
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM; earlier outputs are intact
EXIT_CLOSED_PIPE = 141  # what was printed found no reader (128 + SIGPIPE, as a shell says)


class RenderError(Exception):
    exit_status = EXIT_FAILED


class UsageError(RenderError):
    """Bad input: unknown slide, bad parameter, unreadable file, unwritable folder."""

    exit_status = EXIT_USAGE


class SetupError(RenderError):
    """A system piece (LaTeX, dvisvgm, pango, ...) is missing."""

    exit_status = EXIT_SETUP


class SlideFailed(RenderError):
    """Manim or post-processing failed on one slide."""

    def __init__(self, message: str, log_tail: str = "", log: Path | None = None) -> None:
        super().__init__(message)
        self.log_tail = log_tail
        self.log = log  # Manim's whole output, kept for the lecturer

    def __reduce__(self):
        # A slide job in another process sends its failure back pickled, log and all.
        return type(self), (str(self), self.log_tail, self.log)


class DiskFull(RenderError):
    """The disk filled up: which folder, and how much the render needs."""

    def __init__(self, folder: Path, needed: int, free: int | None,
                 log: Path | None = None) -> None:
        need = f"about {needed / 1e6:.0f} MB"
        have = f" ({free / 1e6:.0f} MB free now)" if free is not None else ""
        super().__init__(f"no space left on device in {folder}: a render like this one needs "
                         f"{need}{have}. Free some space or render elsewhere (--out, "
                         f"--cache-dir), then run the same command again: the files published "
                         f"before are whole, and what was finished is kept.")
        self.folder, self.needed, self.free, self.log = folder, needed, free, log

    def __reduce__(self):
        return type(self), (self.folder, self.needed, self.free, self.log)


def interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    """A signal handler that stops the command as Ctrl-C does, clean-up and all."""
    raise KeyboardInterrupt
