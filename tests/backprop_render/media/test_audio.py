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


def test_a_slide_mixing_takes_and_the_voice_keeps_one_level(tmp_path: Path) -> None:
    # A quiet voice and a take levelled on its own (narration/narrator.py): the voice's
    # sentences are brought to the target together, the take stays where it is.
    for folder in ("joe", "takes"):
        (tmp_path / folder).mkdir()
    write_wav(tmp_path / "joe" / "a.wav", tone(2.0, level=0.05))
    write_wav(tmp_path / "joe" / "b.wav", tone(1.5, level=0.05))
    write_wav(tmp_path / "takes" / "t.wav", audio.normalise(tone(2.5, level=0.6, hz=150), RATE))
    voiced = {"speech_start": 0.2, "speech_end": 2.2, "speech": "a", "source": "voice",
              "words": 5}
    take = {"speech_start": 3.0, "speech_end": 5.4, "clip_start": 2.95, "speech": "t",
            "source": "take", "words": 6, "take": {"state": "fresh"}}
    old = {"speech_start": 6.0, "speech_end": 7.5, "speech": "b", "words": 4}  # before takes
    narration = audio.narration_from_manifest(
        {"voice": "joe", "narration": [voiced, take, old]}, 8.0, tmp_path)
    samples = narration.samples
    # Each part measured alone (gated blocks at its edges lie on silence no more): within a
    # loudness unit of the target, as the voice's sentences are of each other.
    for start, end in ((0.2, 2.2), (2.95, 5.45), (6.0, 7.5)):
        part = samples[round(start * RATE):round(end * RATE)]
        assert audio.loudness(part, RATE) == pytest.approx(audio.TARGET_LUFS, abs=1.0)
    # The take lies where its clip starts, not where its speech does.
    assert np.flatnonzero(np.abs(samples[round(2.5 * RATE):]) > 1e-3)[0] / RATE + 2.5 == \
        pytest.approx(2.95, abs=0.01)
    assert (narration.words, narration.speech_seconds) == (15, pytest.approx(5.9))


def test_a_slide_spoken_with_takes_of_which_none_fits_is_silent_not_mute() -> None:
    # By `--voice none`: it joins the lecture's other slides, which speak.
    manifest = {"voice": "none", "narration": [{"beat": "a", "take": {"state": "stale"}}]}
    silent = audio.narration_from_manifest(manifest, 2.0, Path("nowhere"))
    assert silent.samples.size == 2 * silent.rate and not silent.samples.any()
    assert audio.narration_from_manifest({"narration": [{"beat": "a"}]}, 2.0, Path(".")) is None
