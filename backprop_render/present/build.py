"""The lecture as a presentation that pauses at every beat: `present/`, `lecture.pptx`,
`handout.pdf`, made from the published slides.

- `present/index.html`: an offline presenter, one folder with everything it loads
  (our own HTML, CSS and JavaScript, one short video and one poster per beat); it works
  from file:// and from a USB stick. Beside it `present/record.html`, where the lecturer
  records each beat's sentence in their own voice (narration/takes.py).
- `lecture.pptx`: one PowerPoint slide per beat, the beat's video starting by itself,
  its end frame as poster, its narration as speaker notes.
- `handout.pdf`: one page per slide, its still and its narration, a tagged PDF
  (handout.py).

Each slide's beats are cut from its published MP4 by stream copy (beat_media.py) and
its posters decoded from it. A slide whose video and narration are unchanged keeps its
beat files (hard links into the new folder: not rewritten); when nothing changed,
nothing is touched. Everything is made in the staging folder and moved into place at
the end, so after an interruption the three are whole (old or new) or absent.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from backprop_render.build.outputs import OutputFolder
from backprop_render.present.handout import write_handout
from backprop_render.present.script import answer_line, choices_line
from backprop_render.system import usable_cores
from lecture.catalogs import page_context
from lecture.i18n import Catalog, catalog_for, template_keys
from lecture.palettes import THEMES
from lecture.slides import LECTURE_SUBTITLE, LECTURE_TITLE, beat_id, lecture_title
from lecture.templates import keep_together
from narration import takes

if TYPE_CHECKING:  # PyAV, Pillow and numpy load when something is cut or drawn, not to find
    # that nothing changed (bench/unchanged.py)
    from PIL import Image

    from backprop_render.media import beats as beat_media

__all__ = ["build", "prepare", "Preparer", "PresentResult", "PRESENT_DIR", "DECK_FILE",
           "HANDOUT_FILE", "DECK_HEIGHT", "OUTPUTS"]

PRESENT_DIR = "present"
DECK_FILE = "lecture.pptx"
HANDOUT_FILE = "handout.pdf"
OUTPUTS = (PRESENT_DIR, DECK_FILE, HANDOUT_FILE)
RECORD_FILE = "beats.json"  # in present/: what each slide's beat files were cut from
DECK_CACHE = Path(".render-cache") / "deck"  # the deck's smaller videos, kept like the beats
# A published slide's beats, cut while other slides still render (Preparer): one folder per
# slide and key, whole or absent; build takes them instead of cutting, then removes them.
PREPARED = Path(".render-cache") / "present"
# PowerPoint stops playing embedded videos part-way through a long deck of 1080p ones
# (manim-slides #392: fixed by going down to 720p), so the deck's videos are at most 720p.
DECK_HEIGHT = 720
# The deck's copies are made from the slide's MP4, already encoded once, for playback in
# PowerPoint, not to be kept as masters: crf 23 (as measured for the presentation's cost)
# rather than the slides' crf 17; superfast, 0.64x the time of veryfast for 1.8x the size
# (1 MB for slide 4's 38 s at 720p30); one x264 thread, as the beats are encoded in
# parallel (0.94x the CPU of frame threads for slide 6's copy at 1080p60).
DECK_H264 = {"crf": "23", "preset": "superfast", "threads": "1"}
_FILES = Path(__file__).with_name("files")  # the presenter's and the recording page's
_POSTER_QUALITY = 90
_VERSION = 1  # bump when the beat files change for the same slide video


@dataclass
class PresentResult:
    beats: int = 0
    slides_cut: list[str] = field(default_factory=list)  # slides whose beats were made again
    rebuilt: bool = False  # False: nothing changed, nothing was touched
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Beat:
    slide: dict[str, Any]  # the slide's facts entry
    index: int  # 0-based within the slide
    name: str
    text: str
    file: str  # stem of its files in present/beats/: NN-slug-KK
    duration: float
    speech: tuple[float, float] | None = None  # when its sentence is spoken, on its own video
    # A checkpoint's question, choices and answer (lecture/questions.py checkpoint_entry):
    # the presenter stops on it until the answer is revealed.
    checkpoint: dict[str, Any] | None = None


def _speech(said: dict[str, Any], start: float) -> tuple[float, float] | None:
    """When the beat's sentence is spoken, in seconds on the beat's own video (the
    scene's speech times are on the slide's)."""
    try:
        return (round(float(said["speech_start"]) - start, 3),
                round(float(said["speech_end"]) - start, 3))
    except (KeyError, TypeError, ValueError):
        return None  # silent, or rendered without a voice


def _beats_of(entry: dict[str, Any]) -> list[dict[str, Any]]:
    narration = entry.get("manifest", {}).get("narration") or []
    if not narration:  # a slide without beats is one beat
        return [{"beat": "slide", "text": "", "start": 0.0}]
    return narration


def _slide_key(folder: Path, entry: dict[str, Any], deck_height: int | None) -> str:
    video = folder / entry["files"]["mp4"]
    stat = video.stat()
    narration = [(b.get("beat"), b.get("text"), b.get("video_start", b.get("start")),
                  b.get("checkpoint")) for b in _beats_of(entry)]
    data = json.dumps([_VERSION, stat.st_size, stat.st_mtime_ns, narration, deck_height,
                       DECK_H264 if deck_height else None])
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _deck_height(entries: Sequence[dict[str, Any]]) -> int | None:
    """The height to encode the deck's videos at, or None to use the beats as they are."""
    height = max(int(e["video"]["height"]) for e in entries)
    return DECK_HEIGHT if height > DECK_HEIGHT else None


def _save_poster(image: Image.Image, path: Path) -> None:
    image.convert("RGB").save(path, "JPEG", quality=_POSTER_QUALITY, optimize=True)


def _cut_slide(folder: Path, entry: dict[str, Any], target: Path, deck_dir: Path | None,
               deck_height: int | None) -> list[float]:
    """The slide's beat videos and posters into `target`; returns the beats' durations."""
    from backprop_render.media import beats as beat_media

    video = folder / entry["files"]["mp4"]
    # Where the render found each beat to start on the video (slide_render.py), else the
    # scene's own clock, which can be off by a frame or two after a cached render.
    starts = [float(b.get("video_start", b.get("start", 0.0))) for b in _beats_of(entry)]
    keys, end = beat_media.keyframe_times(video)
    fps = Fraction(entry["video"]["fps"]).limit_denominator(1001)
    try:
        spans = beat_media.beat_cuts(starts, keys, end, fps)
    except beat_media.NoKeyframe as error:
        raise ValueError(f"slide {entry['number']} ({entry['slug']}): {error}; render it again "
                         "with --force") from None
    copies = deck_dir is not None and deck_height is not None
    # With the deck's copies each poster is the last frame their decoding saw.
    posters = [None] * len(spans) if copies else beat_media.beat_end_frames(video, spans)

    def one(index: int, span: beat_media.BeatCut, poster: Image.Image | None) -> None:
        name = f"{entry['stem']}-{index:02d}"
        beat_media.cut(video, target / f"{name}.mp4", span)
        if copies:
            poster = beat_media.transcode_cut(video, deck_dir / f"{name}.mp4.tmp", span,
                                              deck_height, min(fps, Fraction(30)), DECK_H264)
            os.replace(deck_dir / f"{name}.mp4.tmp", deck_dir / f"{name}.mp4")
        assert poster is not None
        _save_poster(poster, target / f"{name}.jpg")

    # PyAV lets go of the GIL while it decodes, scales and encodes: beats in threads use
    # every core (the deck's 720p copies scale on one core each otherwise).
    with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
        list(pool.map(one, range(1, len(spans) + 1), spans, posters))
    return [float(s.end - s.start) for s in spans]


def _has_audio(video: Path) -> bool:
    import av

    with av.open(str(video)) as container:
        return bool(container.streams.audio)


# The palette's fields the page is drawn in (presenter.css names them --ground, ...).
_PAGE_COLOURS = {"ground": "background", "panel": "panel", "edge": "panel_edge",
                 "text": "text", "muted": "muted", "strong": "emphasis", "accent": "param",
                 "alert": "loss"}  # the recording page's stale takes and recording clock


def page_theme(theme: str) -> dict[str, str]:
    """The presenter page's colours: the slides' own ground around the video, so the
    letterbox and the page are one surface, and their text colours for what it writes."""
    palette = THEMES[theme]
    return {"name": theme, **{css: getattr(palette, field) for css, field in _PAGE_COLOURS.items()}}


def _theme_of(entries: Sequence[dict[str, Any]]) -> str:
    return str(entries[0].get("theme") or "dark")


def _language_of(entries: Sequence[dict[str, Any]]) -> str:
    return str(entries[0].get("language") or "en")


def page_texts(catalog: Catalog) -> dict[str, str]:
    """The texts the pages' JavaScript writes (each page's under its context,
    lecture.catalogs.page_context), by their English, where the language says them otherwise
    (presenter.js and record.js look each up in deck.text)."""
    texts: dict[str, str] = {}
    contexts = {page_context(path.name) for path in _FILES.iterdir()}
    for context, english in sorted(template_keys()):
        if context in contexts:
            said = catalog.text(english, context)
            if said != english:
                texts[english] = said
    return texts


def write_page(source: Path, target: Path, catalog: Catalog) -> None:
    """An HTML page of files/ in the catalog's language: `{{ _("...") }}` is its text."""
    import jinja2

    context = page_context(source.name)
    environment = jinja2.Environment(autoescape=True, keep_trailing_newline=True,
                                     undefined=jinja2.StrictUndefined)
    template = environment.from_string(source.read_text(encoding="utf-8"))
    target.write_text(template.render(_=lambda english: catalog.text(english, context),
                                      lang=catalog.language.tag), encoding="utf-8")


def _deck_data(beats: list[_Beat], entries: Sequence[dict[str, Any]],
               folder: Path) -> dict[str, Any]:
    first = entries[0]
    catalog = catalog_for(_language_of(entries))
    return {
        "title": catalog.text(LECTURE_TITLE), "subtitle": catalog.text(LECTURE_SUBTITLE),
        "language": catalog.language.tag, "text": page_texts(catalog),
        "theme": page_theme(_theme_of(entries)),
        # With narration the first beat waits for a key rather than start without sound.
        "audio": any(_has_audio(folder / e["files"]["mp4"]) for e in entries),
        "width": first["video"]["width"], "height": first["video"]["height"],
        "slides": [{"number": e["number"], "title": e["title"], "stem": e["stem"]}
                   for e in entries],
        # A beat's id (lecture/slides.py) is what a recorded voice or a translation keys on.
        "beats": [{"slide": b.slide["number"], "beat": b.index + 1,
                   "id": beat_id(b.slide["slug"], b.name) if b.name else None, "name": b.name,
                   "text": b.text, "speech": b.speech, "checkpoint": _on_page(b.checkpoint),
                   # the speaker window's notes, where they say more than the sentence
                   "notes": _notes(b) if b.checkpoint else None,
                   "video": f"beats/{b.file}.mp4",
                   "poster": f"beats/{b.file}.jpg", "duration": round(b.duration, 3)}
                  for b in beats],
        # The recording page (record.html) names each take by its beat's id and writes
        # beside it the record narration/takes.py reads.
        "take_record": {"format": takes.RECORD_FORMAT, "version": takes.RECORD_VERSION},
        # What the page says at a checkpoint, from the question bank's words.
        "checkpoint_words": _checkpoint_words(catalog) if any(b.checkpoint for b in beats)
        else None,
    }


def _on_page(asked: dict[str, Any] | None) -> dict[str, Any] | None:
    """A checkpoint as the page shows it: its question, choices and solution never broken
    next to an operator (the page breaks the lines; the card on the video does the same)."""
    if asked is None:
        return None
    return {**asked, "question": keep_together(asked["question"]),
            "solution": keep_together(asked["solution"]),
            "choices": [{**c, "text": keep_together(c["text"])} for c in asked["choices"]]}


def _checkpoint_words(catalog: Catalog) -> dict[str, str]:
    from lecture.questions import PRESENTER_WORDS, checkpoint_words

    words = checkpoint_words(catalog)
    return {name: getattr(words, name) for name in PRESENTER_WORDS}


def build(out: OutputFolder, entries: Sequence[dict[str, Any]]) -> PresentResult:
    """Make present/, lecture.pptx and handout.pdf from the slides of `entries` (facts
    entries in deck order, all published in `out`), reusing what has not changed."""
    result = PresentResult()
    if not entries:
        return result
    folder = out.path
    old = folder / PRESENT_DIR
    record = _read_record(old)
    deck_height = _deck_height(entries)
    deck_dir = folder / DECK_CACHE if deck_height is not None else None
    keys = {e["stem"]: _slide_key(folder, e, deck_height) for e in entries}
    whole = all((folder / name).exists() for name in OUTPUTS)
    # the page is drawn in the slides' theme and written in their language
    page = f"{_page_version()}-{_theme_of(entries)}-{_language_of(entries)}"
    if whole and record.get("page") == page and record.get("order") == list(keys) and all(
            record["slides"].get(stem, {}).get("key") == key
            and _beat_files_exist(old, stem, record["slides"][stem].get("durations") or [])
            for stem, key in keys.items()):
        result.beats = sum(len(record["slides"][s]["durations"]) for s in keys)
        return result  # nothing changed: nothing is touched

    staged = out.staging / PRESENT_DIR
    shutil.rmtree(staged, ignore_errors=True)
    (staged / "beats").mkdir(parents=True)
    if deck_dir is not None:
        deck_dir.mkdir(parents=True, exist_ok=True)
    slides_record: dict[str, Any] = {}
    beats: list[_Beat] = []
    for entry in entries:
        stem, kept = entry["stem"], record["slides"].get(entry["stem"], {})
        durations = kept.get("durations") if kept.get("key") == keys[stem] else None
        names = [f"{stem}-{i:02d}" for i in range(1, len(durations or []) + 1)]
        if durations and all((old / "beats" / f"{n}.{x}").is_file() and (
                deck_dir is None or (deck_dir / f"{n}.mp4").is_file())
                for n in names for x in ("mp4", "jpg")):
            for name in names:
                for ext in ("mp4", "jpg"):
                    os.link(old / "beats" / f"{name}.{ext}", staged / "beats" / f"{name}.{ext}")
        else:
            durations = _take_prepared(folder / PREPARED / f"{stem}-{keys[stem]}",
                                       staged / "beats", deck_dir)
            if durations is None:
                durations = _cut_slide(folder, entry, staged / "beats", deck_dir, deck_height)
            result.slides_cut.append(stem)
        slides_record[stem] = {"key": keys[stem], "durations": durations}
        narration = _beats_of(entry)
        start = 0.0  # the beat's start on the slide's video: its cuts follow one another
        for index, duration in enumerate(durations):
            said = narration[index] if index < len(narration) else {}
            beats.append(_Beat(entry, index, str(said.get("beat", "")),
                               str(said.get("text", "")), f"{stem}-{index + 1:02d}", duration,
                               _speech(said, start), said.get("checkpoint")))
            start += duration

    catalog = catalog_for(_language_of(entries))
    for source in sorted(_FILES.iterdir()):
        if source.suffix == ".html":
            write_page(source, staged / source.name, catalog)
        elif source.is_file():
            shutil.copyfile(source, staged / source.name)
    deck = _deck_data(beats, entries, folder)
    (staged / "deck.js").write_text(
        "// Written by the render: the lecture's beats, in order.\nwindow.DECK = "
        + json.dumps(deck, indent=1, ensure_ascii=False) + ";\n", encoding="utf-8")
    (staged / RECORD_FILE).write_text(json.dumps(
        {"about": "What each slide's beat files were cut from; the next render keeps a "
                  "slide's beats while its key is unchanged.",
         "page": page, "order": list(keys), "slides": slides_record}, indent=1) + "\n",
        encoding="utf-8")

    from backprop_render.present import (
        deck as deck_module,  # python-pptx loads in a quarter of a second
    )

    pptx = out.staging / DECK_FILE
    movies = deck_dir if deck_dir is not None else staged / "beats"
    deck_module.write_pptx(pptx, beats_for_deck(beats, staged / "beats", movies),
                           lecture_title(catalog.language.tag))
    handout = out.staging / HANDOUT_FILE
    write_handout(handout, folder, entries, catalog)

    # Everything is whole: swap the folder, then the two files.
    retired = out.staging / f"{PRESENT_DIR}-old"
    if old.exists():
        os.replace(old, retired)
    os.replace(staged, old)
    out.commit({DECK_FILE: pptx, HANDOUT_FILE: handout})
    shutil.rmtree(retired, ignore_errors=True)
    shutil.rmtree(folder / PREPARED, ignore_errors=True)  # taken, or cut for another key
    result.beats, result.rebuilt = len(beats), True
    return result


def _take_prepared(prepared: Path, beats: Path, deck_dir: Path | None) -> list[float] | None:
    """The beats `prepare` cut for this slide and key, moved into place; None if there are
    none (or they were cut without the deck's copies this build needs)."""
    try:
        durations = json.loads((prepared / "durations.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    copies = sorted((prepared / "deck").glob("*.mp4"))
    if (deck_dir is not None) != bool(copies):
        return None
    for path in sorted(prepared.iterdir()):
        if path.suffix in (".mp4", ".jpg"):
            os.replace(path, beats / path.name)
    for path in copies:
        os.replace(path, deck_dir / path.name)  # type: ignore[operator]
    return [float(d) for d in durations]


def prepare(folder: Path, entry: dict[str, Any]) -> None:
    """Cut one published slide's beats, posters and deck copies into PREPARED, as build
    would; build moves them into place if the slide and its key are unchanged then."""
    deck_height = _deck_height([entry])
    done = folder / PREPARED / f"{entry['stem']}-{_slide_key(folder, entry, deck_height)}"
    if done.is_dir():
        return
    work = done.with_name(f".{done.name}.tmp")
    shutil.rmtree(work, ignore_errors=True)
    (work / "deck").mkdir(parents=True)
    durations = _cut_slide(folder, entry, work, work / "deck" if deck_height else None,
                           deck_height)
    (work / "durations.json").write_text(json.dumps(durations), encoding="utf-8")
    os.replace(work, done)


class Preparer:
    """Cuts each slide's beats as soon as it is published, in a thread, while the render's
    processes draw the others: their pool leaves cores idle in its tail, and build then
    only moves files. Best effort: whatever fails here, build cuts again (and reports)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.slides: queue.Queue[dict[str, Any] | None] = queue.Queue()
        # A daemon: an interrupted render does not wait for a cut (its folder is .tmp).
        self.thread = threading.Thread(target=self._run, name="present-prepare", daemon=True)
        self.thread.start()

    def add(self, entry: dict[str, Any]) -> None:
        self.slides.put(entry)

    def _run(self) -> None:
        # python-pptx and WeasyPrint loaded here, not on build's way
        from backprop_render.present import (
            deck,  # noqa: F401
            handout,
        )

        handout.import_layout()
        while (entry := self.slides.get()) is not None:
            try:
                prepare(self.folder, entry)
            except Exception:  # build cuts this slide itself, and says why
                pass

    def finish(self, wait: bool = True) -> None:
        self.slides.put(None)
        if wait:
            self.thread.join()


def _beat_files_exist(present: Path, stem: str, durations: list[float]) -> bool:
    return bool(durations) and all((present / "beats" / f"{stem}-{i:02d}.{ext}").is_file()
                                   for i in range(1, len(durations) + 1) for ext in ("mp4", "jpg"))


def _page_version() -> str:
    """Changes with the presenter's own files and with how the deck and handout are made,
    so a new version of them reaches a folder whose slides did not change."""
    digest = hashlib.sha256(str(_VERSION).encode())
    for path in [*sorted(_FILES.iterdir()), Path(__file__), *(Path(__file__).with_name(name)
                 for name in ("deck.py", "handout.py", "handout.css"))]:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _read_record(present: Path) -> dict[str, Any]:
    try:
        record = json.loads((present / RECORD_FILE).read_text(encoding="utf-8"))
        if isinstance(record, dict) and isinstance(record.get("slides"), dict):
            return record
    except (OSError, ValueError):
        pass
    return {"order": [], "slides": {}}


def _notes(beat: _Beat) -> str:
    """The speaker notes of a beat: its sentence; a checkpoint's choices, answer and worked
    solution below it, for the lecturer's eyes only."""
    asked = beat.checkpoint
    if not asked:
        return beat.text
    return "\n".join(filter(None, (beat.text, choices_line(asked), answer_line(asked),
                                    asked["solution"])))


def beats_for_deck(beats: list[_Beat], posters: Path, movies: Path) -> list[dict[str, Any]]:
    counts: dict[int, int] = {}
    for beat in beats:
        counts[beat.slide["number"]] = counts.get(beat.slide["number"], 0) + 1
    slides = []
    for b in beats:
        number = b.slide["number"]
        title = f"{number}. {b.slide['title']} ({b.index + 1}/{counts[number]})"
        slides.append({"title": title, "notes": _notes(b), "description": b.text or title,
                       "video": movies / f"{b.file}.mp4", "poster": posters / f"{b.file}.jpg",
                       "duration": b.duration})
    return slides
