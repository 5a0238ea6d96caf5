"""A take's sound: decoded from the files lecturers bring, its speech found, made ready to mix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narration import take_audio
from narration.loudness import TARGET_LUFS, loudness
from narration.take_audio import NARRATION_RATE, TakeAudioError
from tests.narration.take_media import speechlike, write_audio


@pytest.mark.parametrize("suffix, rate, channels", [
    (".wav", 44100, 2), (".flac", 96000, 1), (".mp3", 44100, 2), (".ogg", 48000, 1),
    (".webm", 48000, 2)])
def test_any_common_file_decodes_to_mono_at_the_narrations_rate(tmp_path: Path, suffix: str,
                                                                rate: int, channels: int) -> None:
    samples, (start, end) = speechlike(3.0, rate, lead=0.7, tail=0.6)
    path = write_audio(tmp_path / f"take{suffix}", samples, rate, channels)
    decoded, got = take_audio.decode(path)
    assert got == NARRATION_RATE and decoded.ndim == 1 and decoded.dtype == np.float32
    assert decoded.size / got == pytest.approx(3.0, abs=0.03)
    speech = take_audio.find_speech(decoded, got)
    assert speech.found and not speech.near_silent
    assert speech.start == pytest.approx(start, abs=0.04)
    assert speech.end == pytest.approx(end, abs=0.04)


def test_speech_is_found_by_the_takes_own_levels_not_a_fixed_threshold(tmp_path: Path) -> None:
    rate = 48000
    # A quiet microphone in a noisy room (speech at about -40 dBFS over noise at -64), and
    # a loud close one: the speech is found in both.
    for level, noise in ((0.02, 0.0006), (0.6, 0.003)):
        samples, (start, end) = speechlike(4.0, rate, lead=1.0, tail=1.3, level=level,
                                           noise=noise)
        speech = take_audio.find_speech(samples, rate)
        assert speech.found, (level, speech)
        assert (speech.start, speech.end) == pytest.approx((start, end), abs=0.04)


def test_a_click_before_the_first_word_is_not_the_first_word() -> None:
    rate = 48000
    samples, (start, end) = speechlike(3.0, rate, lead=1.0, tail=0.5)
    samples[int(0.3 * rate):int(0.3 * rate) + 200] = 0.8  # 4 ms: a key pressed
    speech = take_audio.find_speech(samples, rate)
    assert speech.start == pytest.approx(start, abs=0.04)


def test_noise_alone_or_silence_is_no_speech() -> None:
    rate = 22050
    noise = (0.01 * np.random.default_rng(2).standard_normal(2 * rate)).astype(np.float32)
    for samples in (noise, np.zeros(2 * rate, np.float32)):
        speech = take_audio.find_speech(samples, rate)
        assert not speech.found and speech.near_silent
        assert (speech.start, speech.end) == (0.0, 2.0)


def test_a_processed_take_is_cut_to_its_speech_at_the_voices_loudness(tmp_path: Path) -> None:
    samples, (start, end) = speechlike(5.0, 44100, lead=1.2, tail=1.5, level=0.05)
    path = write_audio(tmp_path / "take.wav", samples, 44100, 2)
    take = take_audio.process(path)
    assert take.rate == NARRATION_RATE and take.source_seconds == pytest.approx(5.0, abs=0.01)
    margin = take_audio.MARGIN
    assert take.speech_start == pytest.approx(margin, abs=0.01)
    assert take.speech_end - take.speech_start == pytest.approx(end - start, abs=0.05)
    assert take.samples.size / take.rate == pytest.approx(end - start + 2 * margin, abs=0.05)
    assert loudness(take.samples, take.rate) == pytest.approx(TARGET_LUFS, abs=0.2)
    assert np.abs(take.samples).max() <= 10 ** (-1 / 20) + 1e-4
    assert take.samples[0] == 0 and take.samples[-1] == 0  # faded: no click at a join


def test_a_take_shorter_than_the_loudness_meters_second_still_reaches_the_target(
        tmp_path: Path) -> None:
    samples, _ = speechlike(1.0, 48000, lead=0.2, tail=0.3, level=0.05)  # "Yes."
    take = take_audio.process(write_audio(tmp_path / "yes.flac", samples, 48000))
    assert take.samples.size < take.rate
    repeated = np.tile(take.samples, 4)
    assert loudness(repeated, take.rate) == pytest.approx(TARGET_LUFS, abs=0.5)


def test_a_damaged_empty_or_missing_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "garbled.mp3").write_bytes(b"ID3 not really" * 50)
    (tmp_path / "empty.wav").write_bytes(b"")
    write_audio(tmp_path / "silent.flac", np.zeros(0, np.float32), 48000)
    for name, said in (("garbled.mp3", "cannot be read as audio"),
                       ("empty.wav", "cannot be read as audio"),
                       ("silent.flac", "holds no sound"),
                       ("absent.ogg", "cannot be read as audio")):
        with pytest.raises(TakeAudioError, match=rf"^{name} .*{said}"):
            take_audio.decode(tmp_path / name)


def test_flac_is_written_whole_and_lossless_at_16_bits(tmp_path: Path) -> None:
    samples, _ = speechlike(1.5, 48000)
    path = tmp_path / "take.flac"
    take_audio.write_flac(path, samples, 48000)
    decoded, rate = take_audio.decode(path, None)
    assert rate == 48000 and np.abs(decoded - samples).max() < 2 / 32767
    assert [p.name for p in tmp_path.iterdir()] == ["take.flac"]
