"""What the output folder says about itself: `facts.json` and the render state.

`facts.json` traces every file to its numbers: the parameters and the lesson of
the latest render, and for each slide in the folder the quality and parameters it
was rendered with and the manifest its scene wrote (every fact shown, every lesson
value read). Slides rendered earlier with other settings keep their own entry, so
the record stays true when a lecturer re-renders one slide with a changed value.

`.render-state.json` holds what only this machine cares about: how long each slide
took, for the next render's time-left estimate; for each slide in the folder the key
of the code and settings it was rendered with and the sizes of its files (see
reuse.py: a slide whose key, files and read values are unchanged is not rendered
again); and which slide files lecture.mp4 was joined from.
"""

from __future__ import annotations

import dataclasses
import uuid
from importlib import metadata
from pathlib import Path
from typing import Any

from backprop_core import Params
from scenes.slides import LECTURE_TITLE, LECTURE_SUBTITLE, SLIDES, Slide

from .media import Chapter
from .quality import Quality
from .slide_render import SlideResult

__all__ = ["FACTS_FILE", "STATE_FILE", "slide_entry", "slide_facts_file", "slide_facts_document",
           "facts_document", "lecture_problem",
           "lecture_entry", "quality_record", "manim_version", "estimates", "record_timing",
           "file_sizes", "slide_record", "lecture_record", "lecture_is_current"]

FACTS_FILE = "facts.json"
STATE_FILE = ".render-state.json"


def manim_version() -> str:
    return metadata.version("manim")


def quality_record(quality: Quality) -> dict[str, Any]:
    return {"name": quality.name, "width": quality.width, "height": quality.height,
            "fps": quality.fps}


def slide_entry(result: SlideResult, params: Params, names: dict[str, str],
                theme: str = "dark") -> dict[str, Any]:
    slide, video = result.slide, result.video
    return {
        "number": slide.number, "slug": slide.slug, "stem": slide.stem, "title": slide.title,
        "scene": slide.scene,
        "quality": result.quality.name, "theme": theme, "params": dataclasses.asdict(params),
        "manim_version": manim_version(),
        "files": names,
        "video": {"width": video.width, "height": video.height, "fps": float(video.fps),
                  "frames": video.frames, "duration": float(video.duration)},
        "gif": None if result.gif is None else {
            "width": result.gif.width, "height": result.gif.height,
            "frames": result.gif.frames, "duration": result.gif.duration_ms / 1000},
        "subtitles": result.cues,
        "manifest": result.manifest,
    }


def slide_facts_file(stem: str) -> str:
    return f"{stem}.facts.json"


def slide_facts_document(entry: dict[str, Any]) -> dict[str, Any]:
    return {"lecture": f"{LECTURE_TITLE}: {LECTURE_SUBTITLE}",
            "about": "The numbers behind this slide's files: the quality and parameters they "
                     "were rendered with, and every number the scene showed and read. The same "
                     "as this slide's entry in facts.json.",
            **entry}


def lecture_problem(entries: list[dict[str, Any]]) -> str | None:
    """Why these slides cannot form one lecture video, or None if they can."""
    if not entries:
        return "no slide has been rendered"
    def settings(entry: dict[str, Any]) -> tuple:
        return entry["quality"], entry.get("theme"), entry["params"], entry.get("manim_version")

    first = entries[0]
    odd = [e for e in entries if settings(e) != settings(first)]
    if odd:
        names = ", ".join(str(e["number"]) for e in odd)
        return (f"slides {names} were rendered with other settings than slide {first['number']} "
                "(quality, theme, parameters or Manim version)")
    return None


def lecture_entry(entries: list[dict[str, Any]], chapters: list[Chapter],
                  cues: int) -> dict[str, Any]:
    return {
        "files": {"mp4": "lecture.mp4", "srt": "lecture.srt"},
        "quality": entries[0]["quality"], "theme": entries[0].get("theme"),
        "params": entries[0]["params"],
        "duration": float(chapters[-1].end), "subtitles": cues,
        "chapters": [{"slide": e["stem"], "title": c.title, "start": float(c.start),
                      "end": float(c.end)} for e, c in zip(entries, chapters)],
    }


def facts_document(params: Params, lesson: dict[str, Any], quality: Quality,
                   slides: dict[str, dict[str, Any]],
                   lecture: dict[str, Any] | None, theme: str = "dark") -> dict[str, Any]:
    order = {s.stem: s.number for s in SLIDES}
    return {
        "title": f"{LECTURE_TITLE}: {LECTURE_SUBTITLE}",
        "about": "The numbers behind every file in this folder. 'params' and 'lesson' are "
                 "those of the latest render; each slide records its own quality, the "
                 "parameters its files are true for, and the facts its scene showed and "
                 "read. A slide none of whose read values changed keeps its files and "
                 "takes the new parameters.",
        "manim_version": manim_version(),
        "quality": quality_record(quality),
        "theme": theme,
        "params": dataclasses.asdict(params),
        "lesson": lesson,
        "slides": sorted(slides.values(), key=lambda e: order.get(e["stem"], 99)),
        "lecture_video": lecture,
    }


def estimates(state: dict[str, Any] | None, quality: Quality,
              slides: list[Slide]) -> dict[str, tuple[float, int] | None]:
    """(seconds, animations) each slide took last time at this quality, if known."""
    timings = ((state or {}).get("timings") or {}).get(quality.name) or {}
    found: dict[str, tuple[float, int] | None] = {}
    for slide in slides:
        record = timings.get(slide.stem)
        try:
            found[slide.stem] = (float(record["seconds"]), int(record["animations"]))
        except (TypeError, KeyError, ValueError):
            found[slide.stem] = None
    return found


def record_timing(state: dict[str, Any] | None, result: SlideResult) -> dict[str, Any]:
    state = dict(state or {})
    timings = state.setdefault("timings", {})
    timings.setdefault(result.quality.name, {})[result.slide.stem] = {
        "seconds": round(result.seconds, 2), "animations": result.animations}
    return state



# ----- what lets the next render keep files ------------------------------------------

def file_sizes(folder: Path, names) -> dict[str, int]:
    return {name: (folder / name).stat().st_size for name in names}


def slide_record(key: str, folder: Path, names) -> dict[str, Any]:
    """A published slide: its key, its files' sizes, and an id for this publication."""
    return {"key": key, "files": file_sizes(folder, names), "id": uuid.uuid4().hex}


def lecture_record(slide_ids: list[str], folder: Path) -> dict[str, Any]:
    return {"slides": slide_ids, "files": file_sizes(folder, ("lecture.mp4", "lecture.srt"))}


def lecture_is_current(record: dict[str, Any] | None, slide_ids: list[str | None],
                       folder: Path) -> bool:
    """Whether lecture.mp4 and lecture.srt were joined from exactly these slide files."""
    if not record or None in slide_ids or record.get("slides") != slide_ids:
        return False
    try:
        return file_sizes(folder, record["files"]) == record["files"]
    except (OSError, KeyError, TypeError):
        return False
