"""A recorded take's sound: decoded from any common file, its speech found, made ready to mix.

A take comes from a browser (WebM or OGG with Opus), from Audacity or a phone (WAV, FLAC,
MP3, OGG, at any rate and channel count). PyAV (FFmpeg) decodes all of them, and its
resampler brings each to one channel at the narration's rate, the rate of the synthetic
voice's sentences, so that a slide's track can hold takes and synthetic sentences alike
(media.audio.speech_track places clips of one rate).

A person's recording starts and ends with room noise, a breath or the click of a key, and
its level depends on the microphone, so speech is found relative to the take's own levels:
the level of its loud parts and of its quiet ones, measured over short frames. The take is
then cut to its speech (with a short margin, as a threshold misses a soft first consonant),
its ends faded, and brought to the synthetic voice's loudness target (EBU R128, by
narration/loudness.py). Where the speech starts and ends in the processed take is kept: the
subtitles follow the speech, not the file.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and PyAV load where a take is decoded, not to read a record
    import numpy as np

__all__ = ["NARRATION_RATE", "PROCESSING", "AUDIO_SUFFIXES", "TakeAudioError", "Speech",
           "ProcessedTake", "decode", "find_speech", "analyse", "process", "write_flac"]

# The synthetic voice's rate (Piper's joe speaks at 22.05 kHz): every take is brought to it.
NARRATION_RATE = 22050
# Bump when `process` would make other audio of the same file: a cache of processed takes
# keys on it with the file's hash.
PROCESSING = 1
# What a take may be stored as; anything else in a takes folder is not a take.
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".webm", ".m4a")

FRAME = 0.02  # seconds per level measurement: shorter than a syllable, longer than a click
LOUD_PERCENTILE = 98  # the take's loud level: its loudest frames, less a stray peak
QUIET_PERCENTILE = 10  # its noise floor: the quietest frames, between words
BELOW_LOUD_DB = 30.0  # speech is what comes within this of the loud level...
ABOVE_FLOOR_DB = 10.0  # ...and this far above the noise floor
SPEECH_RANGE_DB = 15.0  # a take whose loud and quiet differ less holds no speech
NEAR_SILENT_DBFS = -50.0  # a take whose loud level is under this was hardly recorded
MIN_RUN = 3  # frames in a row (60 ms) that count as sound: a lone click does not
MARGIN = 0.06  # seconds kept before the first and after the last speech frame
EDGE_FADE = 0.005  # seconds faded in and out at the cut ends: no click


class TakeAudioError(ValueError):
    """A file that is no usable take: unreadable, not audio, or empty."""


@dataclass(frozen=True)
class Speech:
    """Where the speech is in a take, and how loud the take is."""

    start: float  # seconds from the take's start
    end: float
    loud_dbfs: float  # the level of the take's loud parts (frame RMS, dB full scale)
    floor_dbfs: float  # the level of its quiet parts
    found: bool  # False: nothing stood out from the noise; start and end span the take

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def near_silent(self) -> bool:
        return not self.found or self.loud_dbfs < NEAR_SILENT_DBFS


@dataclass(frozen=True)
class ProcessedTake:
    samples: np.ndarray  # mono float32 at `rate`, cut to the speech and normalised
    rate: int
    speech_start: float  # seconds in `samples` where the speech starts and ends
    speech_end: float
    source_seconds: float  # the file's length before the cut
    speech: Speech  # as found in the file


def decode(path: Path, rate: int | None = NARRATION_RATE) -> tuple[np.ndarray, int]:
    """The file's first audio stream as mono float32 samples at `rate` (None: the file's
    own), and that rate.

    Raises TakeAudioError, naming the file, when it cannot be read or holds no sound."""
    import av
    import numpy as np

    chunks: list[np.ndarray] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise TakeAudioError(f"{path.name} holds no audio stream")
            stream = container.streams.audio[0]
            rate = rate or stream.rate
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in container.decode(stream):
                chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    except TakeAudioError:
        raise
    except (av.FFmpegError, OSError, ValueError) as error:  # missing, damaged, not audio
        reason = getattr(error, "strerror", None) or str(error)
        raise TakeAudioError(f"{path.name} cannot be read as audio ({reason})") from None
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if samples.size == 0 or not rate:
        raise TakeAudioError(f"{path.name} is empty: it holds no sound")
    return samples.astype(np.float32, copy=False), rate


def _frame_levels(samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """Each FRAME's RMS level in dBFS (a sine at full scale: -3), and the frame length."""
    import numpy as np

    hop = max(1, round(FRAME * rate))
    count = max(1, samples.size // hop)
    frames = np.zeros(count * hop, np.float64)
    frames[:min(samples.size, frames.size)] = samples[:frames.size]
    power = np.mean(frames.reshape(count, hop) ** 2, axis=1)
    return 10 * np.log10(power + 1e-12), hop


def find_speech(samples: np.ndarray, rate: int) -> Speech:
    """Where the speech in `samples` starts and ends, by the take's own levels.

    A frame is loud enough when it comes within BELOW_LOUD_DB of the take's loud level and
    ABOVE_FLOOR_DB over its noise floor; speech runs from the first to the last MIN_RUN such
    frames in a row (so a key's click before the first word is not the first word)."""
    import numpy as np

    levels, hop = _frame_levels(samples, rate)
    loud = float(np.percentile(levels, LOUD_PERCENTILE))
    floor = float(np.percentile(levels, QUIET_PERCENTILE))
    whole = Speech(0.0, samples.size / rate, loud, floor, False)
    if loud - floor < SPEECH_RANGE_DB:
        return whole
    active = levels >= max(loud - BELOW_LOUD_DB, floor + ABOVE_FLOOR_DB)
    # Frames that end a run of MIN_RUN active frames; the run began MIN_RUN - 1 before.
    runs = np.flatnonzero(np.convolve(active, np.ones(MIN_RUN), mode="valid") == MIN_RUN)
    if runs.size == 0:
        return whole
    first, last = int(runs[0]), int(runs[-1]) + MIN_RUN  # frame indices, `last` exclusive
    return Speech(first * hop / rate, min(last * hop, samples.size) / rate, loud, floor, True)


def analyse(path: Path) -> tuple[float, Speech]:
    """The take's length in seconds and where its speech is (no processing)."""
    samples, rate = decode(path)
    return samples.size / rate, find_speech(samples, rate)


def process(path: Path) -> ProcessedTake:
    """The take ready to mix: mono at NARRATION_RATE, cut to its speech and a MARGIN each
    side, its ends faded, at the synthetic voice's loudness target.

    Raises TakeAudioError when the file cannot be read or is empty."""
    import numpy as np

    from narration.loudness import normalise

    samples, rate = decode(path)
    speech = find_speech(samples, rate)
    start = max(0, round((speech.start - MARGIN) * rate))
    end = min(samples.size, round((speech.end + MARGIN) * rate))
    cut = samples[start:end].copy()
    fade = min(round(EDGE_FADE * rate), cut.size // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        cut[:fade] *= ramp
        cut[-fade:] *= ramp[::-1]
    # The loudness meter needs a second of sound (loudness.loudness); a short take
    # ("Yes.") is measured repeated, which is as loud as it is once.
    repeats = -(-rate // max(cut.size, 1)) + 1 if cut.size < rate else 1
    level = normalise(np.tile(cut, repeats), rate)[:cut.size] if cut.size else cut
    return ProcessedTake(level.astype(np.float32), rate, speech.start - start / rate,
                         speech.end - start / rate, samples.size / rate, speech)


def write_flac(path: Path, samples: np.ndarray, rate: int) -> None:
    """Mono float samples as a 16-bit FLAC file (lossless, half a WAV's size), written
    whole or not at all: a take in a folder is never half a file."""
    import av
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.",
                                         suffix=".flac.part")
    os.close(handle)
    try:
        with av.open(temporary, "w", format="flac") as container:
            stream = container.add_stream("flac", rate=rate, layout="mono")
            pcm = (np.clip(samples, -1, 1) * 32767).round().astype("<i2")
            for at in range(0, pcm.size, 4096):
                frame = av.AudioFrame.from_ndarray(pcm[None, at:at + 4096], format="s16",
                                                   layout="mono")
                frame.sample_rate, frame.pts = rate, at
                container.mux(stream.encode(frame))
            container.mux(stream.encode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
