"""One long recording split into takes by an Audacity label file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narration import take_labels, takes
from narration.take_audio import decode
from narration.take_labels import LabelError
from tests.narration.take_media import speechlike, write_audio
from tests.narration.test_takes import facts

RATE = 48000
# Three sentences said in one go, each at its own pitch so that a take shows which it holds:
# (start, seconds, pitch).
SAID = {"slope": (1.0, 2.0, 150.0), "step": (4.0, 2.5, 250.0), "forward": (7.5, 1.5, 400.0)}


def pitch(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.argmax(spectrum) * rate / samples.size)


@pytest.fixture
def recording(tmp_path: Path) -> tuple[Path, dict[str, float]]:
    """The recording, and how long each sentence's speech lasts in it."""
    whole = (0.001 * np.random.default_rng(4).standard_normal(10 * RATE)).astype(np.float32)
    speech = {}
    for seed, (name, (start, seconds, hz)) in enumerate(SAID.items()):
        sentence, (first, last) = speechlike(seconds, RATE, seed=seed, lead=0.0, tail=0.0,
                                             noise=0.0, pitch=hz)
        whole[round(start * RATE):round(start * RATE) + sentence.size] += sentence
        speech[name] = last - first
    return write_audio(tmp_path / "lecture take.wav", whole, RATE, channels=2), speech


def test_labels_split_one_recording_into_a_take_per_beat(tmp_path, recording) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text(  # as Audacity exports them: region, short names, a point label
        "0.200000\t0.600000\t4.step\n"  # a false start, said again below
        "0.900000\t3.200000\t04-gradient-descent.slope\n"
        "\\\t200.000000\t3000.000000\n"  # a spectral selection's line
        "3.800000\t6.800000\t4.step\n"
        "7.300000\t7.300000\t6 forward\n"  # a point label: runs to the next label
        "9.500000\t9.800000\tcough\n", encoding="utf-8")
    beats = takes.lecture_beats(facts())
    folder = tmp_path / "takes"
    done = take_labels.split_recording(recording[0], labels, beats, folder)

    assert [(beat.name, path.name) for beat, path in done.written] == [
        ("slope", "04-gradient-descent.slope.flac"), ("step", "04-gradient-descent.step.flac"),
        ("forward", "06-backward-propagation.forward.flac")]
    assert [(label.line, why) for label, why in done.unknown] == [
        (1, "replaced by line 4, for the same beat"),
        (6, "names no beat of the lecture ('cough')")]
    spans = {"slope": (0.9, 3.2), "step": (3.8, 6.8), "forward": (7.3, 9.5)}
    for beat, path in done.written:
        samples, rate = decode(path, None)
        start, end = spans[beat.name]
        assert rate == RATE and samples.size / rate == pytest.approx(end - start, abs=1e-3)
        assert pitch(samples, rate) == pytest.approx(SAID[beat.name][2], abs=3)
        record = takes.read_record(folder / f"{beat.id}.json")
        assert (record.beat, record.sentence, record.audio) == (beat.id, beat.text, path.name)
        assert record.source["recording"] == "lecture take.wav"
        assert (record.source["start"], record.source["end"]) == pytest.approx((start, end))
    report = takes.survey(beats, folder)
    assert [t.state for t in report.beats] == [takes.FRESH] * 3 and not report.unknown
    assert [t.speech_seconds for t in report.beats] == \
        pytest.approx(list(recording[1].values()), abs=0.04)


def test_short_labels_name_a_beat_by_slide_number_and_name() -> None:
    beats = takes.lecture_beats(facts())
    for text in ("04-gradient-descent.step", "4.step", "04 step", "4:step", "4/step"):
        assert take_labels.find_beat(text, beats).id == "04-gradient-descent.step", text
    for text in ("step", "5.step", "4.steps", "gradient-descent.step"):
        assert take_labels.find_beat(text, beats) is None, text


@pytest.mark.parametrize("content, said", [
    ("", "holds no label"),
    ("1.0\t2.0\t4.step\nnonsense\n", "labels.txt, line 2: 'nonsense' is not a label"),
    ("3.0\t2.0\t4.step\n", "labels.txt, line 1: the label ends \\(2.0 s\\) before it starts"),
])
def test_a_broken_label_file_is_named_with_its_line(tmp_path: Path, content: str,
                                                    said: str) -> None:
    (tmp_path / "labels.txt").write_text(content, encoding="utf-8")
    with pytest.raises(LabelError, match=said):
        take_labels.read_labels(tmp_path / "labels.txt")


def test_a_label_past_the_recordings_end_is_listed_not_cut(tmp_path, recording) -> None:
    (tmp_path / "labels.txt").write_text("\ufeff12.0\t13.0\t4.step\n", encoding="utf-8")
    done = take_labels.split_recording(recording[0], tmp_path / "labels.txt",
                                       takes.lecture_beats(facts()), tmp_path / "takes")
    assert done.written == []
    assert done.unknown[0][1] == "starts at 12.00 s, after the recording's end (10.00 s)"
