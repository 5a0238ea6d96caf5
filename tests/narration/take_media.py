"""Synthetic takes: speech-like sound in the audio files lecturers bring, made with PyAV."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

# The encoder and container for each kind of file a take may be.
_CODECS = {".wav": ("pcm_s16le", "wav"), ".flac": ("flac", "flac"),
           ".mp3": ("libmp3lame", "mp3"), ".ogg": ("libopus", "ogg"),
           ".webm": ("libopus", "webm")}


def speechlike(seconds: float, rate: int, seed: int = 1, lead: float = 0.5,
               tail: float = 0.5, level: float = 0.3, noise: float = 0.001,
               pitch: float = 180.0) -> tuple[np.ndarray, tuple[float, float]]:
    """Mono float32 `seconds` long: quiet room noise, then syllables (bursts of a voiced
    tone with harmonics, 80-300 ms, gaps between them) from `lead` to at most
    `seconds - tail`; and where the first syllable starts and the last one ends."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * rate)) / rate
    voice = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in range(1, 6))
    envelope = np.zeros_like(t)
    at = lead
    while at < seconds - tail:
        length = min(rng.uniform(0.08, 0.3), seconds - tail - at)
        piece = (t >= at) & (t < at + length)
        envelope[piece] = rng.uniform(0.5, 1.0) * np.sin(np.pi * (t[piece] - at) / length)
        at += length + rng.uniform(0.03, 0.15)
    spoken = np.flatnonzero(envelope)
    samples = level * envelope * voice / 2.3 + noise * rng.standard_normal(t.size)
    return samples.astype(np.float32), (spoken[0] / rate, (spoken[-1] + 1) / rate)


def write_audio(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> Path:
    """`samples` (mono) into a file of the kind its suffix names, with `channels` equal
    channels."""
    codec, container_format = _CODECS[path.suffix]
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        sample_format = "s16" if codec in ("pcm_s16le", "flac") else \
            stream.codec_context.codec.audio_formats[0].name
        planar = sample_format.endswith("p")
        data = np.clip(np.tile(samples, (channels, 1)), -1, 1)
        if sample_format.startswith("s16"):
            data = (data * 32767).astype(np.int16)
        elif sample_format.startswith("s32"):
            data = (data * 2147483647).astype(np.int32)
        else:
            data = data.astype(np.float32)
        step = stream.codec_context.frame_size or 1024
        for at in range(0, samples.size, step):
            chunk = data[:, at:at + step]
            array = np.ascontiguousarray(chunk if planar else chunk.T.reshape(1, -1))
            frame = av.AudioFrame.from_ndarray(array, format=sample_format, layout=layout)
            frame.sample_rate, frame.pts, frame.time_base = rate, at, Fraction(1, rate)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def envelope(samples: np.ndarray, rate: int, frame: float = 0.02) -> np.ndarray:
    """RMS level per `frame` seconds."""
    hop = round(frame * rate)
    count = samples.size // hop
    return np.sqrt(np.mean(samples[:count * hop].reshape(count, hop) ** 2, axis=1))


def best_correlation(recorded: np.ndarray, source: np.ndarray) -> float:
    """The highest correlation of `recorded`'s envelope with `source`'s played in a loop from
    any point (a fake microphone loops its file, and recording starts where it is)."""
    best = -1.0
    loops = -(-recorded.size // source.size) + 1
    for lag in range(source.size):
        played = np.tile(np.roll(source, -lag), loops)[:recorded.size]
        best = max(best, float(np.corrcoef(recorded, played)[0, 1]))
    return best
