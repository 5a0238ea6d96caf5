"""What a render with the lecturer's takes tells the lecturer about them.

- `present/takes.js`, beside the recording page (present/record.html): each beat's take as
  the render found it (narration/takes.py), so that the page opens at the first stale
  beat, shows the sentence a stale take was spoken for, and marks the beats that need a
  take. Without the file the page counts every beat as still to record.
- `takes-todo.md`, in the output folder: the beats to record, stale ones first with the
  sentence the take said and the one it should say now, then unusable and missing takes,
  the warnings, and the files for no beat.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lecture.voices import NO_VOICE
from narration.speech import write_whole
from narration.takes import BAD, FRESH, MISSING, NEW, STALE, TakesReport

__all__ = ["TAKES_DATA", "TODO_FILE", "takes_page_data", "write_takes_data", "takes_todo",
           "fallback", "report_lines"]

TAKES_DATA = "takes.js"
TODO_FILE = "takes-todo.md"


def takes_page_data(report: TakesReport) -> dict[str, Any]:
    beats: dict[str, Any] = {}
    for take in report.beats:
        entry: dict[str, Any] = {"state": take.state}
        if take.file is not None:
            entry["file"] = take.file.name
        if take.state == STALE and take.old_sentence is not None:
            entry["old"] = take.old_sentence
        if take.problem:
            entry["problem"] = take.problem
        if take.warnings:
            entry["warnings"] = list(take.warnings)
        beats[take.beat.id] = entry
    return {"folder": str(report.folder), "beats": beats,
            "unknown": [[path.name, why] for path, why in report.unknown]}


def write_takes_data(present: Path, report: TakesReport) -> Path:
    path = present / TAKES_DATA
    text = ("// Written by the render: its takes, beat by beat (narration/takes.py).\n"
            "window.TAKES = " + json.dumps(takes_page_data(report), indent=1,
                                           ensure_ascii=False) + ";\n")
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_whole(path, text.encode("utf-8"))
    return path


def fallback(voice: str) -> str:
    """Who speaks a beat without a usable take, as the lecturer reads it."""
    return "left silent" if voice == NO_VOICE else f"spoken by the voice {voice}"


def takes_todo(report: TakesReport, voice: str) -> str:
    """takes-todo.md: what to record (or fix) so that every beat speaks with a take."""
    def where(take: Any) -> str:
        return f"**{take.beat.id}** (slide {take.beat.slide})"

    used = [t for t in report.beats if t.state in (FRESH, NEW)]
    lines = ["# Takes to record", "",
             f"Rendered with the takes in `{report.folder}`: {len(used)} of "
             f"{len(report.beats)} beats speak with your takes; the others are "
             f"{fallback(voice)}.",
             "Open `present/record.html` to record them: it opens at the first stale beat.",
             ""]
    stale = report.having(STALE)
    if stale:
        lines += [f"## Stale: the sentence changed since the take was recorded ({len(stale)})",
                  ""]
        for take in stale:
            lines += [f"- {where(take)}, take `{take.file.name if take.file else ''}`",
                      f"  - was: {take.old_sentence}", f"  - now: {take.beat.text}"]
        lines.append("")
    bad = report.having(BAD)
    if bad:
        lines += [f"## Unusable takes ({len(bad)})", ""]
        lines += [f"- {where(take)}: {take.problem}" for take in bad]
        lines.append("")
    missing = report.having(MISSING)
    if missing:
        lines += [f"## No take yet ({len(missing)})", ""]
        lines += [f"- {where(take)}: {take.beat.text}"
                  + (f" ({take.problem})" if take.problem else "") for take in missing]
        lines.append("")
    warnings = [warning for take in used for warning in take.warnings]
    if warnings:
        lines += ["## Takes in use, to listen to again", ""]
        lines += [f"- {warning}" for warning in warnings]
        lines.append("")
    if report.unknown:
        lines += ["## Files that are no beat's take", ""]
        lines += [f"- `{path.name}`: {why}" for path, why in report.unknown]
        lines.append("")
    if not (stale or bad or missing or warnings or report.unknown):
        lines += ["Nothing to record: every beat speaks with its take.", ""]
    return "\n".join(lines)


def report_lines(report: TakesReport) -> list[str]:
    """The takes in a few lines for the terminal (the others indented under the first): how
    many beats a take speaks, then each stale beat with the sentence its take said and the
    one it should say now, each unusable take, each warning about a take in use and each
    file for no beat."""
    states = [take.state for take in report.beats]
    used = [take for take in report.beats if take.state in (FRESH, NEW)]
    lines = [f"{len(used)} of {len(states)} beats speak with your takes; "
             f"{states.count(STALE)} stale, {states.count(BAD)} unusable, "
             f"{states.count(MISSING)} not recorded yet"]
    for take in report.having(STALE):
        lines += [f"stale: {take.beat.id}", f"  was: {take.old_sentence}",
                  f"  now: {take.beat.text}"]
    lines += [f"unusable: {take.problem}" for take in report.having(BAD)]
    lines += [f"warning: {warning}" for take in used for warning in take.warnings]
    lines += [f"not a take: {path.name}: {why}" for path, why in report.unknown]
    return lines
