"""Typesetting the sheets with pdflatex (the LaTeX a render already installs), one pass.

A failure is a `RenderError` that names the file, LaTeX's own first error and the log
kept for the lecturer, never a traceback. Several documents run at once, one pdflatex
each (every sheet of a class is one document: see `split_sheets`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from backprop_render.errors import RenderError, SetupError

__all__ = ["typeset", "split_sheets", "LATEX", "TIMEOUT"]

LATEX = "pdflatex"
TIMEOUT = 300  # seconds: a class of hundreds typesets in well under a minute


def _first_error(log: Path) -> str:
    """LaTeX's first error and the line it stopped at, from its log."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "it wrote no log"
    for index, line in enumerate(lines):
        if line.startswith("!"):
            where = next((m[1] for m in (re.match(r"l\.(\d+)", x) for x in lines[index:index + 12])
                          if m), "")
            return line.lstrip("! ").strip() + (f" (line {where} of the .tex)" if where else "")
    return "see the log"


def typeset(sources: Sequence[Path], keep_logs: Path | None = None) -> list[Path]:
    """Run pdflatex on each .tex (at once, in its own folder); the PDFs, in order.

    On failure the log of the first document that failed is copied into `keep_logs`
    (if given) and named in the error."""
    if shutil.which(LATEX) is None:
        raise SetupError(f"'{LATEX}' is not installed, so the exercise sheets cannot be "
                         "typeset: install texlive-latex-base (./render.sh setup does).")
    env = {**os.environ, "TEXMFOUTPUT": "", "openout_any": "p"}
    runs = []
    for source in sources:
        command = [LATEX, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                   source.name]
        runs.append(subprocess.Popen(command, cwd=source.parent, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=env))
    failed: list[Path] = []
    try:
        for source, run in zip(sources, runs, strict=True):
            try:
                code = run.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                run.kill()
                run.wait()
                code = -1
            if code != 0 or not source.with_suffix(".pdf").is_file():
                failed.append(source)
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
    if failed:
        source = failed[0]
        log = source.with_suffix(".log")
        reason = _first_error(log)
        kept = ""
        if keep_logs is not None and log.is_file():
            target = keep_logs / f"{source.stem}-latex.log"
            shutil.copyfile(log, target)
            kept = f"; LaTeX's log: {target}"
        raise RenderError(f"LaTeX could not typeset {source.name}: {reason}{kept}. The sheets "
                          "already in the output folder were left as they were.")
    return [source.with_suffix(".pdf") for source in sources]


def split_sheets(pdf: Path, count: int, targets: Sequence[Path]) -> None:
    """Cut a document of `count` sheets (each starting at the named destination
    `sheet-<i>`, as documents.sheet_tex writes them) into one PDF per sheet."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(pdf)
    named = reader.named_destinations
    starts = []
    for index in range(count):
        destination = named.get(f"sheet-{index}")
        if destination is None:
            raise RenderError(f"{pdf.name} has no start for sheet {index + 1}: the template "
                              "lost its \\pdfdest")
        starts.append(reader.get_destination_page_number(destination))
    ends = [*starts[1:], len(reader.pages)]
    for start, end, target in zip(starts, ends, targets, strict=True):
        writer = PdfWriter()
        for page in range(start, end):
            writer.add_page(reader.pages[page])
        with target.open("wb") as handle:
            writer.write(handle)
