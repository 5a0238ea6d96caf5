"""Subtitles: read a slide's SRT, and join the slides' SRTs onto the lecture's timeline.

Manim writes `<Scene>.srt` from the scene's subcaptions, timed from the slide's own
start; in `lecture.mp4` slide k starts where slides 1..k-1 end, so its cues move by
that much.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import srt

__all__ = ["Cue", "read_srt", "parse_srt", "compose_srt", "join_srt"]


@dataclass(frozen=True)
class Cue:
    start: Fraction  # seconds
    end: Fraction
    text: str


def _seconds(delta: timedelta) -> Fraction:
    return Fraction(delta.days * 86400 + delta.seconds) + Fraction(delta.microseconds, 10**6)


def _delta(seconds: Fraction) -> timedelta:
    # SRT counts milliseconds; round once here rather than accumulate float error.
    return timedelta(milliseconds=round(seconds * 1000))


def parse_srt(text: str, source: str = "subtitles") -> list[Cue]:
    """The cues of an SRT text; a malformed file raises ValueError naming `source`."""
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as error:
        raise ValueError(f"{source} is not valid SRT: {error}") from None
    return [Cue(_seconds(s.start), _seconds(s.end), s.content) for s in subtitles]


def read_srt(path: Path) -> list[Cue]:
    return parse_srt(path.read_text(encoding="utf-8-sig"), str(path))


def compose_srt(cues: list[Cue]) -> str:
    subtitles = [srt.Subtitle(i, _delta(c.start), _delta(c.end), c.text)
                 for i, c in enumerate(cues, start=1)]
    return srt.compose(subtitles, reindex=False)


def join_srt(parts: list[tuple[list[Cue], Fraction, Fraction]]) -> list[Cue]:
    """Cues of consecutive clips on one timeline.

    Each part is (cues, clip start, clip duration). A cue is cut at its clip's end,
    so a subtitle never spills into the next slide; a cue starting after it is dropped.
    """
    joined: list[Cue] = []
    for cues, start, duration in parts:
        for cue in cues:
            if cue.start >= duration:
                continue
            joined.append(Cue(start + cue.start, start + min(cue.end, duration), cue.text))
    return joined
