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

from lecture.i18n import N_, Catalog, catalog_for, fill_words
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


# takes-todo.md's words (lecture/i18n.py): the lecturer reads it in the render's language.
# The problems and warnings a take is listed with are the tool's diagnostics, in English,
# as the terminal prints them.
_TODO = "takes"
SILENT = N_("left silent", _TODO)
BY_VOICE = N_("spoken by the voice @voice", _TODO)
TODO_TITLE = N_("Takes to record", _TODO)
TODO_INTRO = N_("Rendered with the takes in @folder: @used of @beats beats speak with your "
                "takes; the others are @fallback.", _TODO)
TODO_OPEN = N_("Open @page to record them: it opens at the first stale beat.", _TODO)
TODO_STALE = N_("Stale: the sentence changed since the take was recorded (@count)", _TODO)
TODO_WHERE = N_("@beat (slide @slide)", _TODO)
TODO_TAKE = N_("take @file", _TODO)
TODO_WAS = N_("was: @sentence", _TODO)
TODO_NOW = N_("now: @sentence", _TODO)
TODO_BAD = N_("Unusable takes (@count)", _TODO)
TODO_MISSING = N_("No take yet (@count)", _TODO)
TODO_WARNINGS = N_("Takes in use, to listen to again", _TODO)
TODO_UNKNOWN = N_("Files that are no beat's take", _TODO)
TODO_DONE = N_("Nothing to record: every beat speaks with its take.", _TODO)


def fallback(voice: str, catalog: Catalog | None = None) -> str:
    """Who speaks a beat without a usable take, as the lecturer reads it (in English
    without a catalog: the terminal's words)."""
    catalog = catalog or catalog_for(None)
    if voice == NO_VOICE:
        return catalog.text(SILENT)
    return fill_words(catalog.text(BY_VOICE), {"voice": voice})


def takes_todo(report: TakesReport, voice: str, catalog: Catalog | None = None) -> str:
    """takes-todo.md: what to record (or fix) so that every beat speaks with a take, in the
    catalog's language (default English)."""
    catalog = catalog or catalog_for(None)

    def say(message: str, **values: object) -> str:
        return fill_words(catalog.text(message), {k: str(v) for k, v in values.items()})

    def where(take: Any) -> str:
        return say(TODO_WHERE, beat=f"**{take.beat.id}**", slide=take.beat.slide)

    def heading(message: str, items: list[Any] | tuple[Any, ...]) -> list[str]:
        return [f"## {say(message, count=len(items))}", ""]

    used = [t for t in report.beats if t.state in (FRESH, NEW)]
    lines = [f"# {say(TODO_TITLE)}", "",
             say(TODO_INTRO, folder=f"`{report.folder}`", used=len(used),
                 beats=len(report.beats), fallback=fallback(voice, catalog)),
             say(TODO_OPEN, page="`present/record.html`"),
             ""]
    stale = report.having(STALE)
    if stale:
        lines += heading(TODO_STALE, stale)
        for take in stale:
            lines += [f"- {where(take)}, "
                      + say(TODO_TAKE, file=f"`{take.file.name if take.file else ''}`"),
                      f"  - {say(TODO_WAS, sentence=take.old_sentence)}",
                      f"  - {say(TODO_NOW, sentence=take.beat.text)}"]
        lines.append("")
    bad = report.having(BAD)
    if bad:
        lines += heading(TODO_BAD, bad)
        lines += [f"- {where(take)}: {take.problem}" for take in bad]
        lines.append("")
    missing = report.having(MISSING)
    if missing:
        lines += heading(TODO_MISSING, missing)
        lines += [f"- {where(take)}: {take.beat.text}"
                  + (f" ({take.problem})" if take.problem else "") for take in missing]
        lines.append("")
    warnings = [warning for take in used for warning in take.warnings]
    if warnings:
        lines += [f"## {say(TODO_WARNINGS)}", ""]
        lines += [f"- {warning}" for warning in warnings]
        lines.append("")
    if report.unknown:
        lines += [f"## {say(TODO_UNKNOWN)}", ""]
        lines += [f"- `{path.name}`: {why}" for path, why in report.unknown]
        lines.append("")
    if not (stale or bad or missing or warnings or report.unknown):
        lines += [say(TODO_DONE), ""]
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
