"""Subtitles: read a slide's SRT, write it again as SRT or WebVTT, and join the slides'
SRTs onto the lecture's timeline.

Manim writes `<Scene>.srt` from the scene's subcaptions, timed from the slide's own
start; in `lecture.mp4` slide k starts where slides 1..k-1 end, so its cues move by
that much. The same cues go beside each video as WebVTT (what browsers' <track> reads)
and into it as a subtitle track (media/video.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import srt

__all__ = ["Cue", "read_srt", "parse_srt", "compose_srt", "compose_vtt", "join_srt"]


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


def _vtt_time(seconds: Fraction) -> str:
    return srt.timedelta_to_srt_timestamp(_delta(seconds)).replace(",", ".")


def _vtt_text(text: str) -> str:
    """A cue's text as WebVTT cue text: markup characters escaped (a sentence may compare
    with < or >), and no blank line inside, which would end the cue."""
    lines = (line.strip() for line in text.replace("&", "&amp;").replace("<", "&lt;")
             .replace(">", "&gt;").splitlines())
    return "\n".join(line for line in lines if line)


def compose_vtt(cues: list[Cue], language: str | None = None) -> str:
    """The cues as a WebVTT file; `language` (BCP 47) goes in its header, as browsers and
    caption editors read it."""
    header = "WEBVTT" + (f"\nLanguage: {language}" if language else "")
    blocks = [header] + [
        f"{index}\n{_vtt_time(c.start)} --> {_vtt_time(c.end)}\n{_vtt_text(c.text)}"
        for index, c in enumerate(cues, start=1)]
    return "\n\n".join(blocks) + "\n"


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
