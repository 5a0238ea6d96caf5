"""Takes as data: beat ids, records, and the survey of a takes folder against a render."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lecture.slides import SLIDES
from narration import takes
from narration.takes import BAD, FRESH, MISSING, NEW, STALE, RecordError
from tests.narration.take_media import speechlike, write_audio


def facts(lr: str = "0.01", step: str = "0.0798") -> dict:
    """A render's facts.json as far as takes read it: each slide's narration (slide 6
    before slide 4, as a document may list them)."""
    def beat(name: str, text: str) -> dict:
        return {"beat": name, "text": text, "spoken": text.replace("−", "minus "),
                "start": 0.0, "end": 1.0}

    return {"slides": [
        {"number": 6, "manifest": {"narration": [
            beat("forward", "Forward pass: with x 2.1, w 1 and b 0, y-hat is 2.1.")]}},
        {"number": 4, "manifest": {"narration": [
            beat("slope", "The tangent's slope is ∂loss/∂w = −7.98: negative, so the loss "
                          "goes down as w goes up."),
            beat("step", f"We step by minus lr times the slope, −({lr})(−7.98) = {step}.")]}},
    ]}


def record_take(folder: Path, beat: takes.BeatLine, seconds: float = 5.0, seed: int = 1,
                suffix: str = ".wav", level: float = 0.3) -> Path:
    """A take of `beat` as the recording page leaves it: its audio and its record."""
    samples, _ = speechlike(seconds, 48000, seed=seed, lead=0.3, tail=0.3, level=level)
    path = write_audio(folder / f"{beat.id}{suffix}", samples, 48000)
    takes.write_record(folder, takes.record_for(beat, path, "test", seconds=seconds))
    return path


@pytest.fixture
def beats() -> dict[str, takes.BeatLine]:
    return {b.name: b for b in takes.lecture_beats(facts())}


def test_a_beat_is_named_by_its_slide_and_its_name_never_its_text() -> None:
    assert takes.beat_id(SLIDES[3], "step") == "04-gradient-descent.step"
    assert takes.beat_id(SLIDES[6], "no_line") == "07-activation-functions.no_line"
    for name in ("Step", "a step", "../step", "", "step.wav"):
        with pytest.raises(ValueError, match="cannot name a file"):
            takes.beat_id(SLIDES[3], name)


def test_the_renders_beats_come_in_lecture_order_with_their_sentences(beats) -> None:
    lines = takes.lecture_beats(facts())
    assert [b.id for b in lines] == ["04-gradient-descent.slope", "04-gradient-descent.step",
                                     "06-backward-propagation.forward"]
    assert beats["step"].text == "We step by minus lr times the slope, −(0.01)(−7.98) = 0.0798."
    assert beats["step"].words == 13  # as spoken: "minus (0.01)(minus 7.98)"


def test_a_record_says_what_was_spoken_and_which_file_it_describes(tmp_path, beats) -> None:
    path = record_take(tmp_path, beats["step"])
    record = takes.read_record(tmp_path / "04-gradient-descent.step.json")
    assert (record.beat, record.sentence, record.audio) == \
        (beats["step"].id, beats["step"].text, path.name)
    assert (record.sha256, record.size) == takes.file_digest(path)
    assert takes.TakeRecord.from_json(record.to_json()) == record
    data = json.loads((tmp_path / "04-gradient-descent.step.json").read_text())
    assert data["format"] == takes.RECORD_FORMAT and data["audio"]["file"] == path.name


@pytest.mark.parametrize("content, said", [
    ("{", "cannot be read"), ('{"format": "something else"}', "not a take's record"),
    (json.dumps({"format": takes.RECORD_FORMAT, "version": 99}), "version 99"),
    (json.dumps({"format": takes.RECORD_FORMAT, "version": 1, "beat": "x"}),
     "without its 'sentence'"),
    (json.dumps({"format": takes.RECORD_FORMAT, "version": 1, "beat": "x", "sentence": 3,
                 "audio": {"file": "x.wav", "sha256": "", "bytes": 1}}), "malformed")])
def test_a_broken_record_is_named(tmp_path: Path, content: str, said: str) -> None:
    (tmp_path / "x.json").write_text(content)
    with pytest.raises(RecordError, match=rf"^x\.json .*{said}"):
        takes.read_record(tmp_path / "x.json")


def test_a_new_learning_rate_makes_exactly_the_changed_sentence_stale(tmp_path, beats) -> None:
    for beat in beats.values():
        record_take(tmp_path, beat)
    assert [t.state for t in takes.survey(list(beats.values()), tmp_path).beats] == [FRESH] * 3
    changed = takes.lecture_beats(facts(lr="0.02", step="0.1596"))
    report = takes.survey(changed, tmp_path)
    assert {t.beat.name: t.state for t in report.beats} == \
        {"slope": FRESH, "step": STALE, "forward": FRESH}
    stale, = report.having(STALE)
    assert stale.old_sentence == "We step by minus lr times the slope, −(0.01)(−7.98) = 0.0798."
    assert stale.beat.text == "We step by minus lr times the slope, −(0.02)(−7.98) = 0.1596."
    assert not stale.usable and all(t.usable for t in report.having(FRESH))
    assert report.unknown == () and report.warnings == []


def test_only_the_words_count_not_how_the_lines_were_broken(tmp_path, beats) -> None:
    record_take(tmp_path, beats["slope"])
    rewrapped = takes.BeatLine(beats["slope"].id, 4, "slope",
                               beats["slope"].text.replace(" so ", "\n so  "), "")
    assert takes.survey([rewrapped], tmp_path).beats[0].state == FRESH


def test_a_take_made_elsewhere_is_new_until_adopted_for_the_sentence_as_it_is(
        tmp_path, beats) -> None:
    samples, _ = speechlike(3.0, 44100)
    write_audio(tmp_path / "04-gradient-descent.step.mp3", samples, 44100, 2)
    report = takes.survey(list(beats.values()), tmp_path)
    assert [t.state for t in report.beats] == [MISSING, NEW, MISSING]
    assert report.beats[1].usable and report.beats[1].seconds == pytest.approx(3.0, abs=0.05)
    written, = takes.adopt(report)
    assert (written.beat, written.sentence, written.made) == \
        (beats["step"].id, beats["step"].text, "adopted")
    assert takes.survey(list(beats.values()), tmp_path).beats[1].state == FRESH
    # Recorded again over the same name: the record describes the old recording.
    write_audio(tmp_path / "04-gradient-descent.step.mp3", speechlike(3.0, 44100, seed=5)[0],
                44100)
    again = takes.survey(list(beats.values()), tmp_path).beats[1]
    assert again.state == NEW and "changed since its record" in again.problem


def test_unreadable_empty_or_ambiguous_takes_are_bad_naming_file_and_beat(tmp_path,
                                                                          beats) -> None:
    (tmp_path / "04-gradient-descent.slope.ogg").write_bytes(b"OggS but not really" * 20)
    (tmp_path / "04-gradient-descent.step.wav").write_bytes(b"")
    for suffix in (".wav", ".flac"):
        write_audio(tmp_path / f"06-backward-propagation.forward{suffix}",
                    speechlike(3.0, 48000)[0], 48000)
    report = takes.survey(list(beats.values()), tmp_path)
    assert [t.state for t in report.beats] == [BAD, BAD, BAD]
    slope, step, forward = (t.problem for t in report.beats)
    assert "04-gradient-descent.slope.ogg cannot be read as audio" in slope
    assert "(the take of beat 04-gradient-descent.slope)" in slope
    assert "04-gradient-descent.step.wav" in step and "04-gradient-descent.step)" in step
    assert "2 takes (06-backward-propagation.forward.flac, 06-backward-propagation.forward.wav)"\
        in forward


def test_the_record_chooses_among_two_files_and_the_other_is_listed(tmp_path, beats) -> None:
    kept = record_take(tmp_path, beats["forward"], suffix=".webm")
    write_audio(tmp_path / "06-backward-propagation.forward.wav", speechlike(3.0, 48000)[0],
                48000)
    report = takes.survey(list(beats.values()), tmp_path)
    assert report.beats[2].state == FRESH and report.beats[2].file == kept
    assert [(p.name, why) for p, why in report.unknown] == [
        ("06-backward-propagation.forward.wav",
         "not used: the record of beat 06-backward-propagation.forward names "
         "06-backward-propagation.forward.webm")]


def test_files_for_no_beat_are_listed_never_dropped(tmp_path, beats) -> None:
    record_take(tmp_path, beats["step"])
    samples = speechlike(2.0, 48000)[0]
    write_audio(tmp_path / "04-gradient-descent.step (1).wav", samples, 48000)
    write_audio(tmp_path / "04-gradient-descent.stepp.wav", samples, 48000)
    (tmp_path / "04-gradient-descent.stepp.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("re-record slide 4")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    report = takes.survey(list(beats.values()), tmp_path)
    assert report.beats[1].state == FRESH
    unknown = {p.name: why for p, why in report.unknown}
    assert set(unknown) == {"04-gradient-descent.step (1).wav", "04-gradient-descent.stepp.wav",
                            "04-gradient-descent.stepp.json", "notes.txt"}
    assert "a second copy of '04-gradient-descent.step'" in \
        unknown["04-gradient-descent.step (1).wav"]
    assert unknown["04-gradient-descent.stepp.wav"] == \
        "no beat of the lecture is called '04-gradient-descent.stepp'"
    assert "not an audio file" in unknown["notes.txt"]


def test_a_record_without_its_audio_or_of_another_beat_is_said(tmp_path, beats) -> None:
    path = record_take(tmp_path, beats["step"])
    path.unlink()
    record_take(tmp_path, beats["slope"])
    (tmp_path / "04-gradient-descent.slope.json").write_text(
        (tmp_path / "04-gradient-descent.step.json").read_text())
    report = takes.survey(list(beats.values()), tmp_path)
    slope, step, _ = report.beats
    assert step.state == MISSING and "names 04-gradient-descent.step.wav, which is not in " \
        "the folder" in step.problem
    assert slope.state == NEW and "is the record of beat '04-gradient-descent.step'" in \
        slope.problem


def test_takes_too_long_cut_short_or_near_silent_are_warned_about(tmp_path, beats) -> None:
    record_take(tmp_path, beats["slope"], seconds=30.0)  # 18 words: two attempts?
    record_take(tmp_path, beats["step"], seconds=1.2)  # 13 words in 0.6 s of speech
    quiet = (1e-4 * np.random.default_rng(1).standard_normal(3 * 48000)).astype(np.float32)
    write_audio(tmp_path / "06-backward-propagation.forward.wav", quiet, 48000)
    report = takes.survey(list(beats.values()), tmp_path)
    slope, step, forward = report.beats
    assert slope.state == FRESH and "far longer than its 18 words take" in slope.warnings[0]
    assert step.state == FRESH and "too short for its 13 words" in step.warnings[0]
    assert forward.state == NEW and "is near-silent" in forward.warnings[0]
    assert all(t.beat.id in t.warnings[0] for t in report.beats)
    assert len(report.warnings) == 3
    assert [t.warnings for t in takes.survey(list(beats.values()), tmp_path,
                                             listen=False).beats] == [(), (), ()]


def test_a_missing_folder_is_said(tmp_path, beats) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        takes.survey(list(beats.values()), tmp_path / "nowhere")
