"""The lecturer's own voice as takes: one audio file per beat, and a record of what it says.

A take is named by its beat's id (`beat_id`), not by its text: rewording a sentence or
changing a parameter leaves the take where it is, and this module says whether it still
fits. Beside each take lies its record, `<beat id>.json` (`TakeRecord`): the sentence it
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

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

from lecture.slides import SLIDES, Slide
from narration.take_audio import AUDIO_SUFFIXES, TakeAudioError, analyse

__all__ = ["beat_id", "BeatLine", "lecture_beats", "TakeRecord", "RecordError", "read_record",
           "write_record", "record_for", "FRESH", "STALE", "NEW", "MISSING", "BAD", "BeatTake",
           "TakesReport", "survey", "adopt", "same_sentence", "file_digest", "RECORD_SUFFIX"]

RECORD_SUFFIX = ".json"
RECORD_FORMAT = "backprop-lecture take"  # what a record says it is, so no other JSON passes
RECORD_VERSION = 1

# A lecturer speaks 2 to 3 words a second. A take whose speech lasts longer than its words at
# SLOWEST_PACE, plus SLACK, holds more than its sentence (a second attempt, a recorder left
# on); one quicker than FASTEST_PACE was cut off.
SLOWEST_PACE = 1.0  # words per second
FASTEST_PACE = 6.0
SLACK = 2.0  # seconds

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


def beat_id(slide: Slide, beat: str) -> str:
    """A beat's name across the lecture and as a file name: `04-gradient-descent.step`.

    The slide's stem sorts a takes folder in lecture order. To be replaced by the lecture's
    own beat id once beats are named once (lecture/); nothing else here builds ids."""
    if not _NAME.match(beat):
        raise ValueError(f"slide {slide.number}'s beat {beat!r} cannot name a file")
    return f"{slide.stem}.{beat}"


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


def lecture_beats(facts: Mapping[str, Any]) -> list[BeatLine]:
    """Every narrated beat of a render, in lecture order, from its facts.json document."""
    found: list[BeatLine] = []
    for entry in sorted(facts.get("slides") or [], key=lambda e: int(e["number"])):
        slide = SLIDES[int(entry["number"]) - 1]
        for beat in (entry.get("manifest") or {}).get("narration") or []:
            found.append(BeatLine(beat_id(slide, str(beat["beat"])), slide.number,
                                  str(beat["beat"]), str(beat.get("text", "")),
                                  str(beat.get("spoken", ""))))
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


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_record(folder: Path, record: TakeRecord) -> Path:
    path = folder / f"{record.beat}{RECORD_SUFFIX}"
    _write_atomically(path, (json.dumps(record.to_json(), indent=1, ensure_ascii=False)
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

    @property
    def usable(self) -> bool:
        """Its audio may be spoken for the beat as it is now."""
        return self.state in (FRESH, NEW)

    @property
    def old_sentence(self) -> str | None:
        return self.record.sentence if self.record is not None else None


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


def survey(beats: Sequence[BeatLine], folder: Path, listen: bool = True) -> TakesReport:
    """Each beat's take in `folder`, and the files that are no beat's take.

    With `listen`, every take is decoded: one that cannot be read or holds no sound is BAD,
    and one far longer or shorter than its sentence warrants, or near-silent, is warned
    about. Raises FileNotFoundError if `folder` is not a folder."""
    if not folder.is_dir():
        raise FileNotFoundError(f"the takes folder {folder} does not exist")
    known = {b.id: b for b in beats}
    audio: dict[str, list[Path]] = {}
    records: dict[str, Path] = {}
    unknown: list[tuple[Path, str]] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        stem, suffix = path.stem, path.suffix.lower()
        if suffix in AUDIO_SUFFIXES:
            audio.setdefault(stem, []).append(path)
        elif suffix == RECORD_SUFFIX:
            records[stem] = path
        else:
            unknown.append((path, "not an audio file a take can be "
                                  f"({', '.join(AUDIO_SUFFIXES)})"))
    for stem in sorted((audio.keys() | records.keys()) - known.keys()):
        hint = _near_miss(stem, known)
        for path in [*audio.get(stem, []), *([records[stem]] if stem in records else [])]:
            unknown.append((path, f"no beat of the lecture is called {stem!r}{hint}"))
    found = []
    for beat in beats:
        take, extra = _take_of(beat, audio.get(beat.id, []), records.get(beat.id))
        unknown += extra
        if listen and take.file is not None and take.state != BAD:
            take = _listened(take)
        found.append(take)
    return TakesReport(folder, tuple(found), tuple(unknown))


def _near_miss(stem: str, known: Mapping[str, BeatLine]) -> str:
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
                                                 "written"), unused
    state = FRESH if same_sentence(record.sentence, beat.text) else STALE
    return BeatTake(beat, state, take, record), unused


def _listened(take: BeatTake) -> BeatTake:
    """The take with its sound checked: BAD if unreadable or empty, else its warnings."""
    assert take.file is not None
    try:
        seconds, speech = analyse(take.file)
    except TakeAudioError as error:
        return BeatTake(take.beat, BAD, take.file, take.record,
                        problem=f"{error} (the take of beat {take.beat.id})")
    warnings = []
    where = f"{take.file.name} (beat {take.beat.id})"
    words = take.beat.words
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
    return BeatTake(take.beat, take.state, take.file, take.record, take.problem,
                    tuple(warnings), seconds, speech.seconds)


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
