"""The lecturer's own voice as takes: one audio file per beat, and a record of what it says.

A take is named by its beat's id (`lecture.slides.beat_id`), not by its text: rewording a
sentence or changing a parameter leaves the take where it is, and this module says whether it
still fits. Beside each take lies its record, `<beat id>.json` (`TakeRecord`): the sentence it
was spoken for, written as the render showed it, with that render's numbers, and the facts
of the audio file (its name, size, hash, length, rate).

`survey` compares a takes folder with a render's narration (facts.json) and says, beat by
beat, whether its take is fresh (its record names the beat's sentence as it is now), stale
(the sentence changed: old and new are given), new (a file without a record: made
elsewhere, for the sentence as it is now, until `adopt` records that), missing or bad (a
file that cannot be read, or holds no sound, named with its beat). Files for no beat of the
lecture are listed, never dropped silently; a take far longer than its sentence warrants,
cut short, or near-silent is warned about.

The takes come from the recording page (present/record.html), which writes the same
records, or from elsewhere: files named by beat id, or one long recording split by an
Audacity label file (narration/take_labels.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection, Mapping, Sequence

from lecture.slides import SLIDES, beat_id
from narration.speech import write_whole
from narration.take_audio import AUDIO_SUFFIXES, TakeAudioError, analyse

if TYPE_CHECKING:
    from narration.take_audio import Speech

__all__ = ["BeatLine", "lecture_beats", "TakeRecord", "RecordError", "read_record",
           "write_record", "record_for", "FRESH", "STALE", "NEW", "MISSING", "BAD", "BeatTake",
           "TakesReport", "TakesFolder", "survey", "spoken_report", "take_warnings", "adopt",
           "same_sentence", "file_digest", "RECORD_SUFFIX"]

RECORD_SUFFIX = ".json"
RECORD_FORMAT = "backprop-lecture take"  # what a record says it is, so no other JSON passes
RECORD_VERSION = 1

# A lecturer speaks 2 to 3 words a second. A take whose speech lasts longer than its words at
# SLOWEST_PACE, plus SLACK, holds more than its sentence (a second attempt, a recorder left
# on); one quicker than FASTEST_PACE was cut off.
SLOWEST_PACE = 1.0  # words per second
FASTEST_PACE = 6.0
SLACK = 2.0  # seconds

@dataclass(frozen=True)
class BeatLine:
    """One beat of a render's narration."""

    id: str
    slide: int
    name: str  # within its slide
    text: str  # the sentence as written on the render's subtitles, with its numbers
    spoken: str  # as the synthetic voice reads it

    @property
    def words(self) -> int:
        return len((self.spoken or self.text).split())

    @classmethod
    def said(cls, slug: str, slide: int, beat: Mapping[str, Any]) -> BeatLine:
        """The beat as a slide's manifest records it (its narration entry)."""
        return cls(beat_id(slug, str(beat["beat"])), slide, str(beat["beat"]),
                   str(beat.get("text", "")), str(beat.get("spoken", "")))


def lecture_beats(facts: Mapping[str, Any]) -> list[BeatLine]:
    """Every narrated beat of a render, in lecture order, from its facts.json document."""
    return [line for line, _ in _narrated(facts)]


def _narrated(facts: Mapping[str, Any]) -> list[tuple[BeatLine, Mapping[str, Any]]]:
    """Every narrated beat of a render, in lecture order, and its entry in the manifest."""
    found = []
    for entry in sorted(facts.get("slides") or [], key=lambda e: int(e["number"])):
        number = int(entry["number"])
        slug = str(entry.get("slug") or SLIDES[number - 1].slug)
        for beat in (entry.get("manifest") or {}).get("narration") or []:
            found.append((BeatLine.said(slug, number, beat), beat))
    return found


def same_sentence(a: str, b: str) -> bool:
    """The same words and numbers, however the lines were broken."""
    return a.split() == b.split()


# ----- records ---------------------------------------------------------------------------


class RecordError(ValueError):
    """A take's record that cannot be read or is not one."""


@dataclass(frozen=True)
class TakeRecord:
    """What a take was spoken for, and which audio file it describes (`<beat id>.json`)."""

    beat: str  # the beat id
    sentence: str  # the beat's written sentence, with the numbers of the render it was made for
    audio: str  # the take's file name, in the same folder
    sha256: str  # of that file: a record describes one recording, not whatever has its name
    size: int  # bytes
    seconds: float | None = None  # the file's length, as its maker measured it
    rate: int | None = None  # samples a second, channels and type of the file, if known
    channels: int | None = None
    media_type: str = ""  # its media type ("audio/webm;codecs=opus") or codec
    made: str = ""  # by what: "recording page", "Audacity labels", "adopted"
    when: str = ""  # ISO 8601
    source: dict[str, Any] = field(default_factory=dict)  # where it was cut from, if it was

    def to_json(self) -> dict[str, Any]:
        data = {"format": RECORD_FORMAT, "version": RECORD_VERSION, "beat": self.beat,
                "sentence": self.sentence,
                "audio": {"file": self.audio, "sha256": self.sha256, "bytes": self.size,
                          "seconds": self.seconds, "rate": self.rate,
                          "channels": self.channels, "type": self.media_type},
                "made": self.made, "when": self.when}
        if self.source:
            data["source"] = self.source
        return data

    @classmethod
    def from_json(cls, data: Any) -> TakeRecord:
        if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
            raise RecordError(f"not a take's record (its format is not {RECORD_FORMAT!r})")
        if data.get("version") != RECORD_VERSION:
            raise RecordError(f"a take's record of version {data.get('version')!r}; this "
                              f"version reads {RECORD_VERSION}")
        try:
            beat, sentence, audio = _text(data["beat"]), _text(data["sentence"]), data["audio"]
            if not isinstance(audio, dict):
                raise TypeError(f"{audio!r} is not the audio's facts")
            return cls(beat=beat, sentence=sentence, audio=_text(audio["file"]),
                       sha256=_text(audio["sha256"]).lower(), size=int(audio["bytes"]),
                       seconds=_optional(audio.get("seconds"), float),
                       rate=_optional(audio.get("rate"), int),
                       channels=_optional(audio.get("channels"), int),
                       media_type=str(audio.get("type") or ""), made=str(data.get("made") or ""),
                       when=str(data.get("when") or ""),
                       source=dict(data.get("source") or {}))
        except KeyError as error:
            raise RecordError(f"a take's record without its {error.args[0]!r}") from None
        except (TypeError, ValueError) as error:
            raise RecordError(f"a take's record with a malformed field ({error})") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _optional(value: Any, kind: type) -> Any:
    return None if value is None else kind(value)


def read_record(path: Path) -> TakeRecord:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise RecordError(f"{path.name} cannot be read ({error})") from None
    try:
        return TakeRecord.from_json(data)
    except RecordError as error:
        raise RecordError(f"{path.name} is {error}") from None


def write_record(folder: Path, record: TakeRecord) -> Path:
    path = folder / f"{record.beat}{RECORD_SUFFIX}"
    write_whole(path, (json.dumps(record.to_json(), indent=1, ensure_ascii=False)
                             + "\n").encode("utf-8"))
    return path


def file_digest(path: Path) -> tuple[str, int]:
    """The SHA-256 of a file's bytes and their count."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def record_for(beat: BeatLine, audio: Path, made: str, seconds: float | None = None,
               rate: int | None = None, channels: int | None = None, media_type: str = "",
               source: Mapping[str, Any] | None = None) -> TakeRecord:
    """The record of `audio`, a take spoken for `beat`'s sentence as it is now."""
    sha, size = file_digest(audio)
    return TakeRecord(beat=beat.id, sentence=beat.text, audio=audio.name, sha256=sha,
                      size=size, seconds=seconds, rate=rate, channels=channels,
                      media_type=media_type,
                      made=made, when=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      source=dict(source or {}))


# ----- the survey ------------------------------------------------------------------------

FRESH = "fresh"  # its record names the beat's sentence as it is now
STALE = "stale"  # its record names another sentence: to record again
NEW = "new"  # a file without a record (or whose record describes another file)
MISSING = "missing"  # no take
BAD = "bad"  # a file that cannot be used: unreadable, empty, ambiguous


@dataclass(frozen=True)
class BeatTake:
    """One beat and its take, as the survey found them."""

    beat: BeatLine
    state: str  # FRESH, STALE, NEW, MISSING or BAD
    file: Path | None = None  # the take's audio
    record: TakeRecord | None = None  # its record, when it describes the file
    problem: str = ""  # BAD: why; NEW, MISSING: what was found instead, if anything
    warnings: tuple[str, ...] = ()
    seconds: float | None = None  # the file's length, when it was read
    speech_seconds: float | None = None  # from its first to its last word, as found
    sha256: str | None = None  # of `file`, when it was hashed
    old_sentence: str | None = None  # STALE: the sentence its record says it was spoken for

    @property
    def usable(self) -> bool:
        """Its audio may be spoken for the beat as it is now."""
        return self.state in (FRESH, NEW)

    def identity(self) -> dict[str, Any]:
        """What decides whether and how the take is spoken for its beat's sentence: its
        file's name and hash, its state (FRESH and NEW alike: writing a record for a NEW
        take, `adopt`, changes nothing spoken) and the sentence it was spoken for if
        stale. A slide whose beats' identities are unchanged speaks as it did
        (backprop_render/build/reuse.py)."""
        digest = self.sha256
        if digest is None and self.file is not None and self.file.is_file():
            digest = file_digest(self.file)[0]
        return {"file": self.file.name if self.file is not None else None, "sha256": digest,
                "state": FRESH if self.usable else self.state, "old": self.old_sentence}


@dataclass(frozen=True)
class TakesFolder:
    """A takes folder as listed once: its audio files and records, by the stem they are
    named by, and its other files."""

    path: Path
    audio: dict[str, list[Path]]
    records: dict[str, Path]
    others: tuple[Path, ...]  # neither audio nor a record

    @classmethod
    def scan(cls, folder: Path) -> TakesFolder:
        """Raises FileNotFoundError if `folder` is not a folder."""
        if not folder.is_dir():
            raise FileNotFoundError(f"the takes folder {folder} does not exist")
        audio: dict[str, list[Path]] = {}
        records: dict[str, Path] = {}
        others = []
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            stem, suffix = path.stem, path.suffix.lower()
            if suffix in AUDIO_SUFFIXES:
                audio.setdefault(stem, []).append(path)
            elif suffix == RECORD_SUFFIX:
                records[stem] = path
            else:
                others.append(path)
        return cls(folder, audio, records, tuple(others))

    def take(self, beat: BeatLine) -> tuple[BeatTake, list[tuple[Path, str]]]:
        """The beat's take, judged by its record against the beat's sentence (without
        listening to it), and the files of the beat that are not its take, and why."""
        return _take_of(beat, self.audio.get(beat.id, []), self.records.get(beat.id))

    def strays(self, known: Collection[str]) -> list[tuple[Path, str]]:
        """Files that are no take of a beat in `known` (beat ids), and why."""
        found = [(path, "not an audio file a take can be "
                        f"({', '.join(AUDIO_SUFFIXES)})") for path in self.others]
        for stem in sorted((self.audio.keys() | self.records.keys()) - set(known)):
            hint = _near_miss(stem, known)
            for path in [*self.audio.get(stem, []),
                         *([self.records[stem]] if stem in self.records else [])]:
                found.append((path, f"no beat of the lecture is called {stem!r}{hint}"))
        return found


@dataclass(frozen=True)
class TakesReport:
    folder: Path
    beats: tuple[BeatTake, ...]
    unknown: tuple[tuple[Path, str], ...]  # files for no beat, or not used, and why

    def having(self, state: str) -> list[BeatTake]:
        return [b for b in self.beats if b.state == state]

    @property
    def warnings(self) -> list[str]:
        return [w for b in self.beats for w in b.warnings]


def survey(beats: Sequence[BeatLine], folder: Path, listen: bool = True,
           known: Collection[str] = ()) -> TakesReport:
    """Each beat's take in `folder`, and the files that are no take of these beats or of
    the beats in `known` (ids: the rest of the lecture).

    With `listen`, every take is decoded: one that cannot be read or holds no sound is BAD,
    and one far longer or shorter than its sentence warrants, or near-silent, is warned
    about. Raises FileNotFoundError if `folder` is not a folder."""
    listed = TakesFolder.scan(folder)
    unknown = listed.strays({*known, *(b.id for b in beats)})
    found = []
    for beat in beats:
        take, extra = listed.take(beat)
        unknown += extra
        if listen and take.file is not None and take.state != BAD:
            take = _listened(take)
        found.append(take)
    return TakesReport(folder, tuple(found), tuple(unknown))


def spoken_report(facts: Mapping[str, Any], folder: Path,
                  known: Collection[str] = ()) -> TakesReport:
    """Each beat's take as a render spoke it, from its facts.json document (each beat's
    "take", narration/narrator.py), and the files in `folder` that are no take of a beat
    in `known` or in `facts`, or not the one its record names."""
    found = []
    narrated = _narrated(facts)
    for line, said in narrated:
        take = said.get("take")
        if not isinstance(take, dict):
            continue  # spoken without takes
        what = take.get("found") or {}
        found.append(BeatTake(line, str(take.get("state")),
                              folder / what["file"] if what.get("file") else None,
                              problem=str(take.get("problem") or ""),
                              warnings=tuple(take.get("warnings") or ()),
                              sha256=what.get("sha256"), old_sentence=what.get("old")))
    try:
        listing = TakesFolder.scan(folder)
    except FileNotFoundError as error:
        return TakesReport(folder, tuple(found), ((folder, str(error)),))
    strays = listing.strays({*known, *(line.id for line, _ in narrated)})
    for take in found:  # a beat's other files, beside the one its record names
        strays += listing.take(take.beat)[1]
    return TakesReport(folder, tuple(found), tuple(strays))


def _near_miss(stem: str, known: Collection[str]) -> str:
    """A hint for a file a browser renamed on a second download (`x (1).webm`)."""
    base = re.sub(r"\s*\(\d+\)\Z", "", stem)
    if base != stem and base in known:
        return f" (a second copy of {base!r}? rename it to replace that one)"
    return ""


def _take_of(beat: BeatLine, files: list[Path], record_path: Path | None
             ) -> tuple[BeatTake, list[tuple[Path, str]]]:
    """The beat's take among its files, by its record, and the files not used."""
    record: TakeRecord | None = None
    record_problem = ""
    if record_path is not None:
        try:
            record = read_record(record_path)
            if record.beat != beat.id:
                raise RecordError(f"{record_path.name} is the record of beat {record.beat!r}")
        except RecordError as error:
            record, record_problem = None, str(error)
    if not files:
        why = f"its record names {record.audio}, which is not in the folder" if record else ""
        return BeatTake(beat, MISSING, problem=why or record_problem), []
    named = [f for f in files if record is not None and f.name == record.audio]
    if named:
        take = named[0]
    elif len(files) == 1:
        take = files[0]
    else:
        listed = ", ".join(f.name for f in files)
        return BeatTake(beat, BAD, problem=f"beat {beat.id} has {len(files)} takes ({listed}) "
                                           "and no record saying which one is its take: "
                                           "keep one"), []
    unused = [(f, f"not used: the record of beat {beat.id} names {take.name}")
              for f in files if f != take]
    if record is None or record.audio != take.name:
        why = record_problem or (f"its record names {record.audio}" if record else "")
        return BeatTake(beat, NEW, take, problem=why), unused
    sha, size = file_digest(take)
    if (sha, size) != (record.sha256, record.size):
        return BeatTake(beat, NEW, take, problem=f"{take.name} changed since its record was "
                                                 "written", sha256=sha), unused
    if same_sentence(record.sentence, beat.text):
        return BeatTake(beat, FRESH, take, record, sha256=sha), unused
    return BeatTake(beat, STALE, take, record, sha256=sha, old_sentence=record.sentence), unused


def _listened(take: BeatTake) -> BeatTake:
    """The take with its sound checked: BAD if unreadable or empty, else its warnings."""
    assert take.file is not None
    try:
        seconds, speech = analyse(take.file)
    except TakeAudioError as error:
        return dataclasses.replace(take, state=BAD,
                                   problem=f"{error} (the take of beat {take.beat.id})")
    return dataclasses.replace(take, warnings=tuple(take_warnings(take.beat, take.file, speech)),
                               seconds=seconds, speech_seconds=speech.seconds)


def take_warnings(beat: BeatLine, file: Path, speech: Speech) -> list[str]:
    """What is odd about a take whose speech was found as `speech`: near-silent, far
    longer than its sentence's words take, or too short for them."""
    where = f"{file.name} (beat {beat.id})"
    words = beat.words
    warnings = []
    if speech.near_silent:
        warnings.append(f"{where} is near-silent: its loudest part is at "
                        f"{speech.loud_dbfs:.0f} dBFS, {speech.loud_dbfs - speech.floor_dbfs:.0f}"
                        " dB over its quietest; was the microphone on?")
    elif speech.seconds > words / SLOWEST_PACE + SLACK:
        warnings.append(f"{where} speaks for {speech.seconds:.1f} s, far longer than its "
                        f"{words} words take: does it hold two attempts, or a long pause?")
    elif speech.seconds < words / FASTEST_PACE:
        warnings.append(f"{where} speaks for {speech.seconds:.1f} s, too short for its {words}"
                        " words: was it cut off?")
    return warnings


def adopt(report: TakesReport) -> list[TakeRecord]:
    """Write a record for each NEW take: spoken for its beat's sentence as it is now (a
    take made elsewhere is made for the lecture as it stands). Returns the records."""
    written = []
    for take in report.having(NEW):
        assert take.file is not None
        record = record_for(take.beat, take.file, "adopted", seconds=take.seconds)
        write_record(report.folder, record)
        written.append(record)
    return written
