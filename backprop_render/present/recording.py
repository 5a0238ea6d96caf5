"""What the recording page (present/record.html) is told about a render's takes.

A render that speaks with the lecturer's takes writes `present/takes.js` beside the page:
each beat's take as the survey found it (narration/takes.py), so that the page opens at the
first stale beat, shows the sentence a stale take was spoken for, and marks the beats that
need a take. Without the file the page counts every beat as still to record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from narration.takes import STALE, TakesReport

__all__ = ["TAKES_DATA", "takes_page_data", "write_takes_data"]

TAKES_DATA = "takes.js"


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
    path.write_text("// Written by the render: its takes, beat by beat (narration/takes.py).\n"
                    "window.TAKES = " + json.dumps(takes_page_data(report), indent=1,
                                                   ensure_ascii=False) + ";\n",
                    encoding="utf-8")
    return path
