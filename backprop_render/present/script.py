"""lecture-script.md: every beat's sentence, where it falls on lecture.mp4.

For a lecturer who records the voice by hand, reads along, or needs a transcript:
one section per slide, one line per beat with its start time on lecture.mp4 (the
chapter's start plus the beat's start on its slide), the beat's name, and the
sentence as the captions write it; under a checkpoint's question, its choices and
its answer with the worked solution. Built from the same facts the videos were made
from, so it changes exactly when they do.
"""

from __future__ import annotations

from typing import Any

from lecture.i18n import N_, Catalog, catalog_for, fill_words

__all__ = ["SCRIPT_FILE", "lecture_script", "clock", "choices_line", "answer_line"]

SCRIPT_FILE = "lecture-script.md"
ABOUT = N_("The narration of lecture.mp4 (@duration), beat by beat. Times are where each beat "
           "starts on lecture.mp4; with a voice, where its speech starts. Voice: @voice.",
           "script")
FROM = N_("@slide (from @start)", "script")


def clock(seconds: float) -> str:
    """m:ss.s (a lecture is minutes long; tenths are enough to find a beat)."""
    tenths = round(seconds * 10)
    minutes, tenths = divmod(tenths, 600)
    return f"{minutes}:{tenths // 10:02d}.{tenths % 10}"


def choices_line(checkpoint: dict[str, Any]) -> str:
    """A checkpoint's choices in one line ("a) It falls.  b) It rises."); empty for a number."""
    return "  ".join(f"{c['letter']}) {c['text']}" for c in checkpoint.get("choices") or [])


def answer_line(checkpoint: dict[str, Any]) -> str:
    """A checkpoint's answer in one line: the key and the range a grader accepts, or the
    right choice (its narration entry's texts, lecture/questions.py checkpoint_entry)."""
    return " ".join(filter(None, (checkpoint["answer"], checkpoint.get("accepted"))))


def lecture_script(title: str, entries: list[dict[str, Any]],
                   lecture: dict[str, Any], catalog: Catalog | None = None) -> str:
    """The script of `lecture` (its facts.json entry) from the slides' entries, in order, in
    the catalog's language (the entries' titles and sentences are in it already)."""
    catalog = catalog or catalog_for(None)
    chapters = {c["slide"]: c for c in lecture["chapters"]}
    voices = {e["manifest"].get("voice", "none") for e in entries}
    voice = ", ".join(sorted(voices))
    lines = [f"# {title}", "",
             fill_words(catalog.text(ABOUT), {"duration": clock(lecture["duration"]),
                                              "voice": voice}), ""]
    for entry in entries:
        chapter = chapters[entry["stem"]]
        heading = fill_words(catalog.text(FROM), {"slide": f"{entry['number']}. {entry['title']}",
                                                  "start": clock(chapter["start"])})
        lines += [f"## {heading}", ""]
        for beat in entry["manifest"].get("narration", []):
            start = chapter["start"] + float(beat.get("speech_start", beat["start"]))
            lines.append(f"- **{clock(start)}** `{beat['beat']}`: {beat['text']}")
            asked = beat.get("checkpoint")
            if asked:
                lines += [f"  - {line}" for line in (choices_line(asked), answer_line(asked),
                                                     asked["solution"]) if line]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
