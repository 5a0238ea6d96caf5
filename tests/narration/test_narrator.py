"""Who speaks each beat: its take where it fits the sentence, else the voice (or silence)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from lecture import contract
from lecture.user_cache import UserCache
from narration import takes
from narration.loudness import TARGET_LUFS, loudness
from narration.narrator import SILENT, TAKE, TAKES_FOLDER, VOICE, BeatNarrator
from narration.speech import NO_VOICE, Narrator, Speech, read_wav
from narration.takes import BAD, FRESH, MISSING, NEW, STALE
from tests.narration.take_media import speechlike, write_audio

STEP = takes.BeatLine("gradient-descent.take_one_step", 4, "take_one_step",
                      "We step by −(0.01)(−7.98) = 0.0798.",
                      "We step by minus 0.01 times minus 7.98 equals 0.0798.")
SLOPE = takes.BeatLine("gradient-descent.slope", 4, "slope", "The slope is −7.98.",
                       "The slope is minus 7.98.")


def take_of(folder: Path, beat: takes.BeatLine, seconds: float = 3.0, sentence: str | None = None,
            suffix: str = ".webm", seed: int = 1, **sound) -> tuple[Path, tuple[float, float]]:
    """A take of `beat` with its record (spoken for `sentence`, else the beat's), and where its
    speech starts and ends in the file."""
    samples, spoken = speechlike(seconds, 48000, seed=seed, lead=0.4, tail=0.6, **sound)
    path = write_audio(folder / f"{beat.id}{suffix}", samples, 48000, channels=2)
    record = takes.record_for(beat, path, "test")
    takes.write_record(folder, dataclasses.replace(record, sentence=sentence or beat.text))
    return path, spoken


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, UserCache]:
    (tmp_path / "takes").mkdir()
    return tmp_path / "takes", tmp_path / "speech", UserCache.open(tmp_path / "cache")


def narrator(takes_dir: Path | None, speech: Path, cache: UserCache | None) -> BeatNarrator:
    return BeatNarrator(Narrator(NO_VOICE, None), takes_dir, speech, cache)


def test_a_fitting_take_is_spoken_cut_to_its_speech_at_the_voices_loudness(folders) -> None:
    takes_dir, speech, cache = folders
    _, (first, last) = take_of(takes_dir, STEP, seconds=4.0)
    said = narrator(takes_dir, speech, cache).speak(STEP)
    assert said.source == TAKE and said.folder == TAKES_FOLDER
    samples, rate = read_wav(speech / TAKES_FOLDER / f"{said.key}.wav")
    assert said.seconds == pytest.approx(samples.size / rate, abs=1e-3)
    # The speech as found, a few hundredths of a second of room before and after it.
    assert said.speech_end - said.speech_start == pytest.approx(last - first, abs=0.05)
    assert 0 < said.speech_start <= 0.07 and said.seconds - said.speech_end <= 0.07
    assert loudness(samples, rate) == pytest.approx(TARGET_LUFS, abs=0.5)
    found = said.take["found"]
    assert (said.take["state"], found["file"], found["state"], said.take["problem"]) == \
        (FRESH, f"{STEP.id}.webm", FRESH, "")
    assert found["sha256"] == takes.file_digest(takes_dir / found["file"])[0]
    # Processed once: another slide's process takes it from the user cache.
    again = narrator(takes_dir, speech.with_name("other"), UserCache(cache.root)).speak(STEP)
    assert again == said and again.synthesized is False
    assert (speech.with_name("other") / TAKES_FOLDER / f"{said.key}.wav").read_bytes() == \
        (speech / TAKES_FOLDER / f"{said.key}.wav").read_bytes()


def test_a_take_made_elsewhere_is_spoken_a_stale_one_is_not(folders) -> None:
    takes_dir, speech, cache = folders
    take_of(takes_dir, STEP, sentence="We step by −(0.02)(−7.98) = 0.1596.")
    path = write_audio(takes_dir / f"{SLOPE.id}.flac", speechlike(2.0, 44100)[0], 44100)
    voice = narrator(takes_dir, speech, cache)
    stale, new = voice.speak(STEP), voice.speak(SLOPE)
    # The voice is `none` here: the stale beat is silent (with a voice, the voice says it).
    assert (stale.source, stale.key, stale.take["state"]) == (SILENT, "", STALE)
    assert stale.take["found"]["old"] == "We step by −(0.02)(−7.98) = 0.1596."
    assert (new.source, new.take["state"], new.take["found"]["file"]) == (TAKE, NEW, path.name)


def test_unusable_takes_name_file_and_beat_and_the_voice_speaks(folders, monkeypatch) -> None:
    takes_dir, speech, cache = folders
    spoken = []

    def speak(self, sentence: str) -> Speech:
        spoken.append(sentence)
        return Speech(sentence, "k", speech / "joe" / "k.wav", 2.5, True)

    monkeypatch.setattr(Narrator, "speak", speak)
    (takes_dir / f"{STEP.id}.ogg").write_bytes(b"OggS, but not really" * 30)
    quiet = (1e-4 * np.random.default_rng(1).standard_normal(2 * 48000)).astype(np.float32)
    write_audio(takes_dir / f"{SLOPE.id}.wav", quiet, 48000)
    voice = narrator(takes_dir, speech, cache)
    unreadable, silent = voice.speak(STEP), voice.speak(SLOPE)
    assert spoken == [STEP.spoken, SLOPE.spoken]
    assert (unreadable.source, unreadable.seconds, unreadable.synthesized) == (VOICE, 2.5, True)
    assert unreadable.take["state"] == BAD and unreadable.take["problem"] == (
        f"{STEP.id}.ogg cannot be read as audio (End of file) (the take of beat {STEP.id})")
    assert silent.take["state"] == BAD and f"{SLOPE.id}.wav holds no speech" in \
        silent.take["problem"] and "near-silent" in silent.take["warnings"][0]
    missing = narrator(takes_dir / "gone", speech, cache).speak(STEP)
    assert missing.take["state"] == MISSING and "does not exist" in missing.take["problem"]


def test_the_voice_synthesizes_ahead_only_what_no_take_speaks(folders, monkeypatch) -> None:
    takes_dir, speech, cache = folders
    take_of(takes_dir, STEP)
    ahead = []
    monkeypatch.setattr(Narrator, "speak_ahead", lambda self, sentences: ahead.append(sentences))
    narrator(takes_dir, speech, cache).speak_ahead([STEP, SLOPE])
    narrator(None, speech, None).speak_ahead([STEP, SLOPE])
    assert ahead == [[SLOPE.spoken], [STEP.spoken, SLOPE.spoken]]


def test_the_pipelines_takes_folder_reaches_the_scene(folders, monkeypatch) -> None:
    takes_dir, speech, cache = folders
    monkeypatch.setenv(contract.TAKES, str(takes_dir))
    monkeypatch.setenv(contract.CACHE, str(cache.root))
    monkeypatch.setenv(contract.SPEECH_CACHE, str(speech))
    monkeypatch.delenv(contract.VOICE, raising=False)
    chosen = BeatNarrator.from_environment(speech.with_name("fallback"))
    assert (chosen.takes, chosen.speech_dir, chosen.voice) == (takes_dir, speech, NO_VOICE)
    assert chosen.cache is not None and chosen.cache.root == cache.root
    monkeypatch.delenv(contract.TAKES)
    assert BeatNarrator.from_environment(speech).takes is None
