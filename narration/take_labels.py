"""One long recording split into takes by an Audacity label file.

A lecturer records the whole lecture in one go and marks each sentence in Audacity with a
label named by its beat (`04-gradient-descent.step`, or shorter, `4.step`, `4 step`), then
exports the labels (File > Export > Export Labels): a text file, one label a line, its start
and end in seconds and its text, separated by tabs. A region label is its take; a point
label (start = end, as Ctrl+M makes while recording) runs to the next label or to the end.

Each take is written as `<beat id>.flac` (mono, at the recording's rate, lossless) with its
record: spoken for the beat's sentence as the given render shows it, cut from where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from narration.take_audio import decode, write_flac
from narration.takes import BeatLine, record_for, write_record

__all__ = ["Label", "LabelError", "read_labels", "find_beat", "Imported", "split_recording"]


class LabelError(ValueError):
    """A label file that cannot be read, or a recording its labels do not fit."""


@dataclass(frozen=True)
class Label:
    line: int  # in the label file, from 1
    start: float  # seconds
    end: float  # seconds; equal to start for a point label
    text: str


def read_labels(path: Path) -> list[Label]:
    """The labels of an Audacity label file, in the file's order. A line of a spectral
    selection (starting with a backslash) belongs to the label before it and is skipped."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise LabelError(f"the label file {path.name} cannot be read ({error})") from None
    labels = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("\\"):
            continue
        fields = line.split("\t") if "\t" in line else line.split(None, 2)
        try:
            start, end = (float(f.strip().replace(",", ".")) for f in fields[:2])
        except ValueError:
            raise LabelError(f"{path.name}, line {number}: {line!r} is not a label (start, "
                             "end and text, separated by tabs)") from None
        if end < start or start < 0:
            raise LabelError(f"{path.name}, line {number}: the label ends ({end} s) before it "
                             f"starts ({start} s)")
        labels.append(Label(number, start, end, fields[2].strip() if len(fields) > 2 else ""))
    if not labels:
        raise LabelError(f"the label file {path.name} holds no label")
    return labels


_SHORT = re.compile(r"0*(\d+)\s*[.:/ ]\s*(\S+)\Z")


def find_beat(text: str, beats: Sequence[BeatLine]) -> BeatLine | None:
    """The beat a label names: by its id, or by its slide's number and its name (`4.step`)."""
    for beat in beats:
        if text == beat.id:
            return beat
    short = _SHORT.match(text.strip())
    if short:
        for beat in beats:
            if beat.slide == int(short.group(1)) and beat.name == short.group(2):
                return beat
    return None


@dataclass(frozen=True)
class Imported:
    written: list[tuple[BeatLine, Path]]  # each take written, in the recording's order
    unknown: list[tuple[Label, str]]  # labels that name no beat, or were replaced, and why


def split_recording(recording: Path, label_file: Path, beats: Sequence[BeatLine],
                    folder: Path) -> Imported:
    """Write the takes the labels mark in `recording` into `folder`, one per beat, each with
    its record. A beat labelled twice takes the later label (a sentence said again)."""
    labels = read_labels(label_file)
    samples, rate = decode(recording, None)
    length = samples.size / rate
    ordered = sorted(labels, key=lambda label: (label.start, label.line))
    ends = {label.line: label.end if label.end > label.start else
            next((later.start for later in ordered[i + 1:] if later.start > label.start), length)
            for i, label in enumerate(ordered)}
    chosen: dict[str, tuple[BeatLine, Label]] = {}
    unknown: list[tuple[Label, str]] = []
    for label in labels:
        beat = find_beat(label.text, beats)
        if beat is None:
            unknown.append((label, f"names no beat of the lecture ({label.text!r})"))
        elif label.start >= length:
            unknown.append((label, f"starts at {label.start:.2f} s, after the recording's "
                                   f"end ({length:.2f} s)"))
        else:
            if beat.id in chosen:
                earlier = chosen[beat.id][1]
                unknown.append((earlier, f"replaced by line {label.line}, for the same beat"))
            chosen[beat.id] = (beat, label)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for beat, label in sorted(chosen.values(), key=lambda pair: pair[1].start):
        end = min(ends[label.line], length)
        part = samples[round(label.start * rate):round(end * rate)]
        path = folder / f"{beat.id}.flac"
        write_flac(path, part, rate)
        write_record(folder, record_for(
            beat, path, "Audacity labels", seconds=part.size / rate, rate=rate, channels=1,
            media_type="audio/flac", source={"recording": recording.name, "labels":
                                             label_file.name, "line": label.line,
                                             "start": label.start, "end": round(end, 6)}))
        written.append((beat, path))
    return Imported(written, unknown)
