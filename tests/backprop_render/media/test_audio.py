"""The narration track: speech placed on its beats, loudness normalised, muxed without drift."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from backprop_render.media import audio
from backprop_render.media import video as media
from tests.backprop_render.synthetic_media import write_video

RATE = 22050


def tone(seconds: float, level: float = 0.3, hz: float = 220.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    # speech-like: a tone that swells and fades four times a second
    return (level * np.sin(2 * np.pi * hz * t) * np.abs(np.sin(2 * np.pi * 2 * t))
            ).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def test_each_clip_lands_at_its_start_on_a_track_as_long_as_the_video(tmp_path: Path) -> None:
    one = write_wav(tmp_path / "one.wav", tone(0.5))
    two = write_wav(tmp_path / "two.wav", tone(0.25))
    track, rate = audio.speech_track([(one, 0.1), (two, 1.0)], seconds=2.0)
    assert rate == RATE and track.size == 2 * RATE
    loud = np.flatnonzero(np.abs(track) > 1e-3) / RATE
    assert loud[0] == pytest.approx(0.1, abs=0.01)
    assert loud[-1] == pytest.approx(1.25, abs=0.01)
    assert not np.any(np.abs(track[round(0.61 * RATE):round(0.99 * RATE)]) > 1e-3)


def test_speech_that_overruns_the_video_is_an_error(tmp_path: Path) -> None:
    clip = write_wav(tmp_path / "c.wav", tone(1.0))
    with pytest.raises(ValueError, match="does not fit"):
        audio.speech_track([(clip, 1.5)], seconds=2.0)


@pytest.mark.parametrize("level", [0.05, 0.3, 0.95])
def test_every_track_comes_out_at_the_target_loudness_under_the_ceiling(level: float) -> None:
    track = np.concatenate([tone(3.0, level), np.zeros(RATE, np.float32), tone(2.0, level)])
    normalised = audio.normalise(track, RATE)
    assert audio.loudness(normalised, RATE) == pytest.approx(audio.TARGET_LUFS, abs=0.6)
    assert np.abs(normalised).max() <= audio.PEAK_CEILING


def test_silence_stays_silent() -> None:
    silence = np.zeros(3 * RATE, np.float32)
    assert np.array_equal(audio.normalise(silence, RATE), silence)


def test_a_slide_and_a_lecture_carry_aac_exactly_as_long_as_their_video(tmp_path: Path) -> None:
    parts = []
    for index, frames in enumerate((23, 31)):  # lengths that are no whole AAC frame
        video = write_video(tmp_path / f"v{index}.mp4", frames)
        seconds = frames / 15
        speech = np.zeros(round(seconds * RATE), np.float32)
        speech[RATE // 10: RATE // 10 + RATE // 2] = tone(0.5)
        narrated = tmp_path / f"n{index}.mp4"
        # one sample short of the video: padded to it, never drifting
        media.add_audio(video, media.AudioTrack(speech[:-1], RATE), narrated)
        got = media.read_audio(narrated)
        # MP4 keeps the length of an edit list in milliseconds: equal to a millisecond
        assert got.rate == RATE and abs(got.samples.size - seconds * RATE) <= RATE / 1000 + 1
        assert media.probe_video(narrated).frames == frames  # video copied, frame for frame
        parts.append((narrated, f"part {index}"))
    lecture = tmp_path / "lecture.mp4"
    chapters = media.concat_videos(parts, lecture)
    joined = media.read_audio(lecture)
    assert abs(joined.samples.size - float(chapters[-1].end) * RATE) <= RATE / 1000 + 1
    # the second part's speech starts where its chapter does, plus its own 0.1 s
    second = joined.samples[round(float(chapters[1].start) * RATE):]
    assert np.flatnonzero(np.abs(second) > 0.05)[0] / RATE == pytest.approx(0.1, abs=0.02)


def test_silent_and_narrated_slides_do_not_join(tmp_path: Path) -> None:
    silent = write_video(tmp_path / "s.mp4", 15)
    narrated = tmp_path / "n.mp4"
    media.add_audio(write_video(tmp_path / "v.mp4", 15), media.AudioTrack(tone(1.0), RATE),
                    narrated)
    with pytest.raises(ValueError, match="same --voice"):
        media.concat_videos([(narrated, "a"), (silent, "b")], tmp_path / "l.mp4")


def narrated_parts(tmp_path: Path, frames: tuple[int, ...]) -> list[tuple[Path, str]]:
    parts = []
    for index, count in enumerate(frames):
        speech = tone(count / 15, hz=220.0 + 40 * index)
        narrated = tmp_path / f"n{index}.mp4"
        media.add_audio(write_video(tmp_path / f"v{index}.mp4", count),
                        media.AudioTrack(speech, RATE), narrated)
        parts.append((narrated, f"part {index}"))
    return parts


def test_a_lecture_whose_audio_comes_part_by_part_is_the_same_file(tmp_path: Path) -> None:
    # Lengths that are no whole AAC frame: the frames run on across the parts.
    parts = narrated_parts(tmp_path, (23, 31, 17))
    whole = tmp_path / "whole.mp4"
    chapters = media.concat_videos(parts, whole, {"title": "T"})
    streamed = tmp_path / "streamed.mp4"
    writer = media.LectureWriter(streamed, {"title": "T"})
    writer.add_audio(parts[0][0])
    writer.add_audio(parts[1][0])
    assert writer.finish(parts) == chapters  # the third part's audio added by finish
    assert streamed.read_bytes() == whole.read_bytes()


def test_a_lecture_writer_refuses_parts_other_than_those_whose_audio_it_has(
        tmp_path: Path) -> None:
    parts = narrated_parts(tmp_path, (23, 31))
    writer = media.LectureWriter(tmp_path / "l.mp4")
    writer.add_audio(parts[1][0])
    with pytest.raises(ValueError, match="not those whose audio was added"):
        writer.finish(parts)
    silent = write_video(tmp_path / "s.mp4", 15)
    writer = media.LectureWriter(tmp_path / "l2.mp4")
    writer.add_audio(silent)
    with pytest.raises(ValueError, match="s.mp4, which is silent"):
        writer.add_audio(parts[0][0])
    writer.close()
