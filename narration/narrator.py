"""Who speaks each beat: the lecturer's take where one fits the sentence, else the voice.

The one place a beat's voice is chosen. A render may name a takes folder
($BACKPROP_TAKES, the lecturer's recordings: narration/takes.py) and names a voice
($BACKPROP_VOICE: the synthetic narrator of narration/speech.py, or none). For each beat
the scene asks `speak(line)`, with the beat's sentence as this render writes it:

- a take that fits the sentence (its record names the sentence as it is now, numbers
  and all, or it has no record: made elsewhere, for the lecture as it stands) is spoken:
  decoded, cut to its speech and brought to the voice's loudness target
  (narration/take_audio.py), kept in the user's cache under the file's hash and the
  processing's version, so a take is processed once, whatever renders it;
- otherwise the voice speaks the sentence (with `none`, the beat is silent and lasts its
  reading time): a stale take (recorded for another sentence: a new `lr`, a rewording),
  no take, or one that cannot be used (unreadable, empty, no speech to be found). Which,
  and why, goes in the beat's record (`Said.take`), from which the render's summary,
  `takes-todo.md` and the recording page's `takes.js` are written.

Staleness is judged here, in the scene, as the sentence with this render's numbers is
known only here. A language (issue 29) chooses among the same sources: the lecturer's
takes where they exist, then a voice for that language, else silence.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from lecture import contract
from lecture.user_cache import UserCache
from narration import take_audio
from narration.loudness import TARGET_LUFS
from narration.speech import Narrator, wav_bytes, wav_seconds, write_whole
from narration.takes import BAD, MISSING, BeatLine, BeatTake, TakesFolder, take_warnings

if TYPE_CHECKING:
    from narration.take_audio import ProcessedTake

__all__ = ["TAKE", "VOICE", "SILENT", "TAKES_FOLDER", "Said", "BeatNarrator", "take_key"]

TAKE, VOICE, SILENT = "take", "voice", "silent"  # who spoke a beat
TAKES_FOLDER = "takes"  # in the speech folder, beside the voice's: the processed takes


@dataclass(frozen=True)
class Said:
    """How a beat's sentence is spoken: by whom, and the clip the slide's track places."""

    source: str  # TAKE, VOICE or SILENT
    key: str  # the clip's name in its folder of the speech folder; "" when silent
    folder: str  # that folder: TAKES_FOLDER or the voice's name
    seconds: float  # the clip's length
    speech_start: float  # where the speech starts and ends in the clip, in seconds
    speech_end: float
    synthesized: bool = False  # the voice made it for this render
    # With a takes folder, what it held for the beat (the manifest's "take"): "found",
    # the take as its record judges it (BeatTake.identity), "state", as it was used
    # (a take found fit but unreadable is BAD), and "problem" and "warnings".
    take: dict[str, Any] | None = None


def take_key(sha256: str) -> str:
    """A processed take's name: the file's hash and everything that processes it."""
    record = {"sha256": sha256, "processing": take_audio.PROCESSING,
              "rate": take_audio.NARRATION_RATE, "target": TARGET_LUFS}
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode("utf-8")).hexdigest()


class BeatNarrator:
    """Speaks each beat with its take, if one fits, else with the synthetic voice."""

    def __init__(self, voice: Narrator, takes: Path | None, speech_dir: Path,
                 cache: UserCache | None = None) -> None:
        self.synthetic = voice
        self.takes = takes
        self.speech_dir = speech_dir  # where each clip spoken is left, for the mix
        self.cache = cache
        self._listing: TakesFolder | None = None
        self._listing_problem = ""

    @classmethod
    def from_environment(cls, fallback_dir: Path) -> BeatNarrator:
        """The voice and the takes folder the pipeline gave ($BACKPROP_VOICE,
        $BACKPROP_TAKES), speaking into $BACKPROP_SPEECH_CACHE (unset: `fallback_dir`)."""
        voice = Narrator.from_environment(fallback_dir)
        folder = os.environ.get(contract.TAKES)
        cache = voice.cache or (UserCache.from_environment() if folder else None)
        return cls(voice, Path(folder) if folder else None, voice.cache_dir or fallback_dir,
                   cache)

    @property
    def voice(self) -> str:
        """The synthetic voice's name (`none`: silent), which speaks what no take does."""
        return self.synthetic.voice

    def speak_ahead(self, lines: Sequence[BeatLine]) -> None:
        """Let the voice synthesize, while the scene goes on, the sentences no take will
        speak (Narrator.speak_ahead), in the order the scene will say them."""
        self.synthetic.speak_ahead([line.spoken for line in lines
                                    if not self._found(line).usable])

    def speak(self, line: BeatLine) -> Said:
        """The beat's speech: its take's, if one fits, else the voice's."""
        if self.takes is None:
            return self._voice(line, None)
        take = self._found(line)
        found = take.identity()
        if take.usable:
            assert take.file is not None and found["sha256"] is not None
            try:
                clip = self._processed(take.file, found["sha256"])
            except take_audio.TakeAudioError as error:
                take = dataclasses.replace(take, state=BAD,
                                           problem=f"{error} (the take of beat {line.id})")
            else:
                warnings = take_warnings(line, take.file, clip.speech)
                if clip.speech.found:
                    return Said(TAKE, clip.key, TAKES_FOLDER, clip.seconds, clip.speech_start,
                                clip.speech_end, take=_record(found, take.state, "", warnings))
                take = dataclasses.replace(take, state=BAD, warnings=tuple(warnings),
                                           problem=f"{take.file.name} holds no speech that "
                                                   "stands out from its noise (the take of "
                                                   f"beat {line.id})")
        return self._voice(line, _record(found, take.state, take.problem, take.warnings))

    def _voice(self, line: BeatLine, take: dict[str, Any] | None) -> Said:
        speech = self.synthetic.speak(line.spoken)
        if speech.path is None:
            return Said(SILENT, "", "", 0.0, 0.0, 0.0, take=take)
        return Said(VOICE, speech.key, self.voice, speech.seconds, 0.0, speech.seconds,
                    speech.synthesized, take)

    def _found(self, line: BeatLine) -> BeatTake:
        """The beat's take as the folder holds it, judged against the beat's sentence."""
        if self.takes is None:
            return BeatTake(line, MISSING)
        if self._listing is None and not self._listing_problem:
            try:
                self._listing = TakesFolder.scan(self.takes)
            except OSError as error:  # gone since the render started
                self._listing_problem = str(error)
        if self._listing is None:
            return BeatTake(line, MISSING, problem=self._listing_problem)
        return self._listing.take(line)[0]

    def _processed(self, file: Path, sha256: str) -> _Clip:
        """The take cut and levelled, from the user's cache or processed now, and left in
        the speech folder for the mix."""
        key = take_key(sha256)
        path = self.speech_dir / TAKES_FOLDER / f"{key}.wav"
        data = self.cache.get("take", key) if self.cache is not None else None
        clip = _Clip.from_bytes(key, data) if data is not None else None
        if clip is None:
            processed = take_audio.process(file)
            clip, data = _Clip.made(key, processed)
            if self.cache is not None:
                self.cache.put("take", key, data)
        if not path.is_file():
            write_whole(path, clip.wav)
        return clip


def _record(found: dict[str, Any], state: str, problem: str,
            warnings: Sequence[str]) -> dict[str, Any]:
    return {"found": found, "state": state, "problem": problem, "warnings": list(warnings)}


@dataclass(frozen=True)
class _Clip:
    """A processed take as the cache keeps it: a line of JSON (where its speech is, and
    what was found of it), then the WAV."""

    key: str
    wav: bytes
    seconds: float
    speech_start: float
    speech_end: float
    speech: take_audio.Speech  # as found in the file

    @classmethod
    def made(cls, key: str, take: ProcessedTake) -> tuple[_Clip, bytes]:
        wav = wav_bytes(take.samples, take.rate)
        header = {"seconds": take.samples.size / take.rate, "speech_start": take.speech_start,
                  "speech_end": take.speech_end, "found": dataclasses.asdict(take.speech)}
        clip = cls(key, wav, header["seconds"], take.speech_start, take.speech_end, take.speech)
        return clip, json.dumps(header).encode("utf-8") + b"\n" + wav

    @classmethod
    def from_bytes(cls, key: str, data: bytes) -> _Clip | None:
        """None if `data` is not what `made` stores (then the take is processed again)."""
        header, _, wav = data.partition(b"\n")
        try:
            facts = json.loads(header)
            if wav_seconds(wav) is None:
                return None
            return cls(key, wav, float(facts["seconds"]), float(facts["speech_start"]),
                       float(facts["speech_end"]), take_audio.Speech(**facts["found"]))
        except (ValueError, TypeError, KeyError):
            return None
