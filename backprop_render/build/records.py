"""What the output folder says about itself: `facts.json` and the render state, as typed records.

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

Each record reads itself from JSON (`from_json`: decoded by msgspec, every field checked
against its type; None or an empty record when the JSON is not what this version writes,
damaged or edited by hand: the slide is then rendered again) and writes the same JSON,
key for key, that earlier versions wrote, so existing output folders keep working.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Self

import msgspec

from backprop_core.params import Params
from backprop_render.quality import Quality
from lecture.i18n import catalog_for
from lecture.slides import SLIDES, Slide, lecture_title

if TYPE_CHECKING:  # PyAV and numpy only where media is made, not to read a record
    from backprop_render.build.result import SlideResult
    from backprop_render.media.video import Chapter

__all__ = ["FACTS_FILE", "STATE_FILE", "LECTURE_FILES", "SlideEntry", "LectureEntry",
           "Publication", "LectureRecord", "Timing", "RenderState", "slide_facts_file",
           "slide_facts_document", "facts_document", "lecture_problem", "quality_record",
           "manim_version", "file_sizes", "FolderRecords", "read_records"]

FACTS_FILE = "facts.json"
STATE_FILE = ".render-state.json"
# The lecture's files by kind: the video, its subtitles as SRT and as WebVTT.
LECTURE_FILES = {"mp4": "lecture.mp4", "srt": "lecture.srt", "vtt": "lecture.vtt"}
Json = dict[str, Any]


def manim_version() -> str:
    return metadata.version("manim")


def quality_record(quality: Quality) -> Json:
    return {"name": quality.name, "width": quality.width, "height": quality.height,
            "fps": quality.fps}


def file_sizes(folder: Path, names: Iterable[str]) -> dict[str, int]:
    return {name: (folder / name).stat().st_size for name in names}


class _Record:
    """A record read from and written to JSON, field for field (the fields of a dataclass)."""

    @classmethod
    def from_json(cls, data: Any) -> Self | None:
        """The record `data` holds, or None if a field it needs is missing or of another
        type (damaged, or not ours); a field added since (the theme) takes its default."""
        try:
            return msgspec.convert(data, cls)
        except msgspec.ValidationError:
            return None

    def to_json(self) -> Json:
        # Field by field, not msgspec.to_builtins: a record msgspec decoded keeps a defaulted
        # field (the theme) out of its __dict__, and to_builtins would leave it out of the
        # JSON. The fields hold JSON already and are shared, not copied: read it, don't edit.
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


# ----- facts.json ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SlideEntry(_Record):
    """A slide's entry in facts.json, and the body of its NN-slug.facts.json."""

    number: int
    slug: str
    stem: str
    title: str
    scene: str
    quality: str
    params: Json  # the parameters its files are true for
    manim_version: str
    files: dict[str, str]  # kind -> file name in the folder
    video: Json
    gif: Json | None
    subtitles: int
    manifest: Json  # what the scene reported: facts, reads, narration, layout problems
    theme: str = "dark"  # the palette it was drawn in (scenes/kit/theme.py's THEMES)
    language: str = "en"  # the language it speaks and shows (lecture/language.py); its title's

    @classmethod
    def from_result(cls, result: SlideResult, params: Params, files: dict[str, str],
                    theme: str = "dark", language: str = "en") -> SlideEntry:
        slide, video, gif = result.slide, result.video, result.gif
        return cls(
            number=slide.number, slug=slide.slug, stem=slide.stem,
            title=catalog_for(language).text(slide.title),
            scene=slide.scene, quality=result.quality.name, params=dataclasses.asdict(params),
            manim_version=manim_version(), files=files,
            video={"width": video.width, "height": video.height, "fps": float(video.fps),
                   "frames": video.frames, "duration": float(video.duration)},
            gif=None if gif is None else {"width": gif.width, "height": gif.height,
                                          "frames": gif.frames, "duration": gif.duration_ms / 1000},
            subtitles=result.cues, manifest=result.manifest, theme=theme, language=language)

    def with_params(self, params: Params) -> SlideEntry:
        """The entry for the same files, true for `params` too (it read nothing that changed)."""
        return dataclasses.replace(self, params=dataclasses.asdict(params))

    def settings(self) -> tuple:
        """What slides joined into one lecture must share."""
        return self.quality, self.theme, self.language, self.params, self.manim_version


@dataclass(frozen=True)
class LectureEntry(_Record):
    """lecture.mp4 and its subtitles in facts.json: what they were joined from, chapter by
    chapter."""

    files: dict[str, str]
    quality: str
    params: Json
    duration: float
    subtitles: int
    chapters: list[Json]
    theme: str = "dark"
    language: str = "en"

    @classmethod
    def joined(cls, entries: list[SlideEntry], chapters: list[Chapter], cues: int) -> LectureEntry:
        return cls(files=dict(LECTURE_FILES),
                   quality=entries[0].quality, theme=entries[0].theme,
                   language=entries[0].language, params=entries[0].params,
                   duration=float(chapters[-1].end), subtitles=cues,
                   chapters=[{"slide": e.stem, "title": c.title, "start": float(c.start),
                              "end": float(c.end)}
                             for e, c in zip(entries, chapters, strict=True)])


def slide_facts_file(stem: str) -> str:
    return f"{stem}.facts.json"


def slide_facts_document(entry: SlideEntry) -> Json:
    return {"lecture": lecture_title(entry.language),
            "about": "The numbers behind this slide's files: the quality and parameters they "
                     "were rendered with, and every number the scene showed and read. The same "
                     "as this slide's entry in facts.json.",
            **entry.to_json()}


def lecture_problem(entries: list[SlideEntry]) -> str | None:
    """Why these slides cannot form one lecture video, or None if they can."""
    if not entries:
        return "no slide has been rendered"
    first = entries[0]
    odd = [e for e in entries if e.settings() != first.settings()]
    if odd:
        names = ", ".join(str(e.number) for e in odd)
        return (f"slides {names} were rendered with other settings than slide {first.number} "
                "(quality, theme, language, parameters or Manim version)")
    return None


def facts_document(params: Params, lesson: Json, quality: Quality,
                   entries: Iterable[SlideEntry], lecture: LectureEntry | None,
                   theme: str = "dark", language: str = "en") -> Json:
    order = {s.stem: s.number for s in SLIDES}
    return {
        "title": lecture_title(language),
        "about": "The numbers behind every file in this folder. 'params' and 'lesson' are "
                 "those of the latest render; each slide records its own quality, the "
                 "parameters its files are true for, and the facts its scene showed and "
                 "read. A slide none of whose read values changed keeps its files and "
                 "takes the new parameters.",
        "manim_version": manim_version(),
        "quality": quality_record(quality),
        "theme": theme,
        "language": language,
        "params": dataclasses.asdict(params),
        "lesson": lesson,
        "slides": [e.to_json() for e in sorted(entries, key=lambda e: order.get(e.stem, 99))],
        "lecture_video": None if lecture is None else lecture.to_json(),
    }


# ----- .render-state.json ----------------------------------------------------------------------

@dataclass(frozen=True)
class Publication(_Record):
    """A published slide: the key of its code and settings, its files' sizes, and an id for
    this publication (lecture.mp4 records the ids of the slides it joined)."""

    key: str
    files: dict[str, int]
    id: str
    # reuse.reads_proof: its reads hold their values in the lesson of the key it names
    reads: str | None = None

    @classmethod
    def new(cls, key: str, folder: Path, names: Iterable[str],
            reads: str | None = None) -> Publication:
        return cls(key, file_sizes(folder, names), uuid.uuid4().hex, reads)

    def with_reads(self, reads: str) -> Publication:
        return dataclasses.replace(self, reads=reads)


@dataclass(frozen=True)
class LectureRecord(_Record):
    """Which slide publications the lecture's files were joined from, and their sizes."""

    slides: list[str | None]
    files: dict[str, int]

    @classmethod
    def new(cls, slide_ids: list[str | None], folder: Path) -> LectureRecord:
        return cls(slide_ids, file_sizes(folder, LECTURE_FILES.values()))

    def is_current(self, slide_ids: list[str | None], folder: Path) -> bool:
        """Whether the lecture files were joined from exactly these slide publications."""
        if None in slide_ids or self.slides != slide_ids:
            return False
        try:
            return file_sizes(folder, self.files) == self.files
        except (OSError, TypeError):
            return False


@dataclass(frozen=True)
class LessonRecord(_Record):
    """The key of the lesson facts.json holds (reuse.lesson_key) and the digest of that
    lesson's JSON: a run with the same key takes the lesson from facts.json, if its digest
    still matches, instead of building it."""

    key: str
    digest: str


@dataclass(frozen=True)
class Timing(_Record):
    seconds: float
    animations: int


@dataclass
class RenderState:
    """The whole of .render-state.json; `other` keeps keys this version does not know."""

    slides: dict[str, Publication] = field(default_factory=dict)
    timings: dict[str, dict[str, Json]] = field(default_factory=dict)  # quality -> stem -> Timing
    lecture: LectureRecord | None = None
    lesson: LessonRecord | None = None
    other: Json = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> RenderState:
        data = data if isinstance(data, dict) else {}
        slides = data.get("slides")
        slides = slides if isinstance(slides, dict) else {}
        published = {stem: p for stem, record in slides.items()
                     if (p := Publication.from_json(record)) is not None}
        timings = data.get("timings")
        return cls(published, timings if isinstance(timings, dict) else {},
                   LectureRecord.from_json(data.get("lecture")),
                   LessonRecord.from_json(data.get("lesson")),
                   {k: v for k, v in data.items()
                    if k not in ("slides", "timings", "lecture", "lesson")})

    def to_json(self) -> Json:
        data: Json = {**self.other,
                      "slides": {stem: p.to_json() for stem, p in self.slides.items()}}
        if self.timings:
            data["timings"] = self.timings
        if self.lecture is not None:
            data["lecture"] = self.lecture.to_json()
        if self.lesson is not None:
            data["lesson"] = self.lesson.to_json()
        return data

    def timing(self, quality: Quality, stem: str) -> Timing | None:
        by_slide = self.timings.get(quality.name)
        return Timing.from_json(by_slide.get(stem)) if isinstance(by_slide, dict) else None

    def estimates(self, quality: Quality,
                  slides: list[Slide]) -> dict[str, tuple[float, int] | None]:
        """(seconds, animations) each slide took last time at this quality, if known."""
        found: dict[str, tuple[float, int] | None] = {}
        for slide in slides:
            timing = self.timing(quality, slide.stem)
            found[slide.stem] = None if timing is None else (timing.seconds, timing.animations)
        return found

    def record_timing(self, result: SlideResult) -> None:
        by_slide = self.timings.setdefault(result.quality.name, {})
        by_slide[result.slide.stem] = Timing(round(result.seconds, 2), result.animations).to_json()


# ----- reading a folder's records ------------------------------------------------------------

def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class FolderRecords:
    """An output folder's two records as they are on disk, read once."""

    facts: Json  # facts.json; {} when absent or unreadable
    state_json: Json  # .render-state.json; {} likewise
    # The facts.json entries of the deck's slides whose files are all in the folder.
    entries: dict[str, SlideEntry]

    @property
    def state(self) -> RenderState:
        return RenderState.from_json(self.state_json)  # a fresh copy: the pipeline changes it


def read_records(folder: Path) -> FolderRecords:
    """What `folder` says about itself, read-only: the render reads it before deciding what to
    render, a sweep's plan reads each variant's folder the same way."""
    facts, state = _read_json(folder / FACTS_FILE), _read_json(folder / STATE_FILE)
    facts = facts if isinstance(facts, dict) else {}
    deck = {s.stem for s in SLIDES}
    entries = {}
    slides = facts.get("slides")
    for data in slides if isinstance(slides, list) else []:
        entry = SlideEntry.from_json(data)
        if entry is not None and entry.stem in deck \
                and all((folder / name).is_file() for name in entry.files.values()):
            entries[entry.stem] = entry
    return FolderRecords(facts, state if isinstance(state, dict) else {}, entries)
