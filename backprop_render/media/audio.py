"""A slide's narration as one audio track: speech placed on its beats, loudness-normalised.

The scene reports, per beat, which cached sentence it spoke and where its speech
starts on the video (`speech_start`, in seconds, frame-exact). Here each sentence
is placed at its start on a silent track exactly as long as the video, the track
is brought to the target loudness (EBU R128 integrated loudness, measured with
pyloudnorm's ITU-R BS.1770-4 meter, narration/loudness.py), and peaks above -1 dBFS are
softly limited.
media.py encodes the track as AAC beside the copied video stream.

Every slide gets the same target, so the level does not jump at a chapter join;
the track starts and ends in silence (a beat ends with a pause), so a join has no
click either.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from narration.loudness import PEAK_CEILING, TARGET_LUFS, import_meter, loudness, normalise
from narration.speech import read_wav

__all__ = ["TARGET_LUFS", "PEAK_CEILING", "Narration", "speech_track", "loudness", "normalise",
           "import_meter", "narration_from_manifest", "words_per_second"]

@dataclass(frozen=True)
class Narration:
    """A slide's finished audio: samples, rate, and what was measured on them."""

    samples: np.ndarray  # mono float32
    rate: int
    lufs: float  # integrated loudness after normalising (-inf: silent)
    speech_seconds: float
    words: int

    @property
    def words_per_second(self) -> float:
        return words_per_second(self.words, self.speech_seconds)


def words_per_second(words: int, seconds: float) -> float:
    return words / seconds if seconds > 0 else 0.0


def speech_track(clips: Iterable[tuple[Path, float]], seconds: float) -> tuple[np.ndarray, int]:
    """Silence `seconds` long with each WAV clip placed at its start (seconds)."""
    placed: list[tuple[np.ndarray, float]] = []
    rate = 0
    for path, start in clips:
        samples, clip_rate = read_wav(path)
        if rate and clip_rate != rate:
            raise ValueError(f"{path.name} is at {clip_rate} Hz, the others at {rate} Hz")
        rate = clip_rate
        placed.append((samples, start))
    if not rate:
        raise ValueError("no speech to place")
    track = np.zeros(round(seconds * rate), dtype=np.float32)
    for samples, start in placed:
        at = round(start * rate)
        if at < 0 or at + samples.size > track.size:
            raise ValueError(f"speech at {start:.2f} s for {samples.size / rate:.2f} s does not "
                             f"fit the {seconds:.2f} s video")
        track[at:at + samples.size] += samples
    return track, rate


def narration_from_manifest(manifest: Mapping[str, Any], seconds: float,
                            cache_dir: Path) -> Narration | None:
    """The slide's narration track from its facts manifest; None if nothing was spoken
    (silence if the slide was spoken with takes: see below).

    Each beat's clip is found by who spoke it: the voice's sentences in the voice's folder
    of `cache_dir`, the lecturer's takes in its `takes` folder (narration/narrator.py). The
    voice's sentences are brought to the target together, as one voice; each take is at the
    target already, measured on its own, so a slide that mixes takes and the voice (a stale
    take's beat) keeps one level."""
    beats = [b for b in manifest.get("narration", []) if b.get("speech")]
    if not beats:
        if any("take" in b for b in manifest.get("narration", [])):
            # Spoken with takes, none of which fits, by no voice: silence, so that the slide
            # joins the lecture's others, which speak.
            from narration.take_audio import NARRATION_RATE

            silence = np.zeros(round(seconds * NARRATION_RATE), np.float32)
            return Narration(silence, NARRATION_RATE, float("-inf"), 0.0, 0)
        return None
    voiced = [b for b in beats if b.get("source", "voice") == "voice"]
    taken = [b for b in beats if b.get("source") == "take"]
    voice, rate = _placed(voiced, cache_dir / str(manifest.get("voice")), seconds)
    takes, take_rate = _placed(taken, cache_dir / "takes", seconds)
    if voice is not None and takes is not None and rate != take_rate:
        raise ValueError(f"the takes are at {take_rate} Hz, the voice at {rate} Hz")
    if voice is not None:
        voice = normalise(voice, rate)
    track = voice if takes is None else takes if voice is None else voice + takes
    rate = rate or take_rate
    assert track is not None
    speech_seconds = sum(float(b["speech_end"]) - float(b["speech_start"]) for b in beats)
    return Narration(track, rate, loudness(track, rate), speech_seconds,
                     sum(int(b["words"]) for b in beats))


def _placed(beats: list[Mapping[str, Any]], folder: Path,
            seconds: float) -> tuple[np.ndarray | None, int]:
    """The beats' clips in `folder`, each at its start (where the clip starts, else where
    its speech does), on a track `seconds` long; None if there are none."""
    if not beats:
        return None, 0
    return speech_track([(folder / f"{b['speech']}.wav",
                          float(b.get("clip_start", b["speech_start"]))) for b in beats], seconds)
