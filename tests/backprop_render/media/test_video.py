from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from backprop_render.media import video as media
from backprop_render.media.subtitles import Cue
from tests.backprop_render.synthetic_media import (
    BACKGROUND,
    frame_colour,
    shorten_last_packet,
    state_at,
    write_held,
)


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def centre(image: np.ndarray) -> np.ndarray:
    return image[image.shape[0] // 2, image.shape[1] // 2].astype(int)


def test_probe_counts_frames_and_duration(make_video):
    info = media.probe_video(make_video(45, fps=15, size=(64, 36)))
    assert (info.codec, info.pixel_format) == ("h264", "yuv420p")
    assert (info.width, info.height, info.fps, info.frames) == (64, 36, 15, 45)
    assert info.duration == Fraction(3)


def test_probe_rejects_a_file_that_is_not_a_video(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all")
    with pytest.raises(av.error.FFmpegError):
        media.probe_video(junk)


def test_transcode_makes_browser_h264_frame_for_frame(make_video, tmp_path):
    master = make_video(20, codec="libx264rgb", pix_fmt="rgb24")
    out = tmp_path / "slide.mp4"
    media.transcode_h264(master, out, {"crf": "18"}, {"title": "6. Backward Propagation"})
    info = media.probe_video(out)
    assert (info.codec, info.pixel_format, info.frames, info.duration) == ("h264", "yuv420p", 20,
                                                                           Fraction(20, 15))
    for index, image in enumerate(decoded(out)):
        assert np.abs(centre(image) - frame_colour(index)).max() <= 6
    with av.open(str(out)) as container:
        assert container.metadata["title"] == "6. Backward Propagation"


def test_remux_puts_the_index_first_and_keeps_every_frame(make_video, tmp_path):
    source = make_video(30)
    out = tmp_path / "remuxed.mp4"
    media.remux(source, out, {"title": "slide"})
    data = out.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # playable while downloading
    assert media.probe_video(out) == media.probe_video(source)
    assert [centre(f).tolist() for f in decoded(out)] == \
        [centre(f).tolist() for f in decoded(source)]


def test_gif_has_15_fps_the_requested_width_loops_and_keeps_its_colours(make_video, tmp_path):
    master = make_video(60, fps=30, size=(320, 180), codec="libx264rgb", pix_fmt="rgb24", hold=10)
    info = media.make_gif(master, tmp_path / "slide.gif", width=160, fps=15)
    assert (info.width, info.height) == (160, 90)
    assert info.frames == 30  # 2 s at 15 fps
    assert abs(info.duration_ms - 2000) <= 10  # 1/100 s delays, rounded in step
    assert info.loop == 0  # for ever
    with Image.open(tmp_path / "slide.gif") as gif:
        for index in range(30):
            gif.seek(index)
            rgb = np.asarray(gif.convert("RGB")).astype(int)
            # A palette made for these frames keeps the dark background exact-ish; the
            # 3-3-2 palette of `manim --format gif` would turn it into (0, 36, 0).
            assert np.abs(rgb[2, 2] - BACKGROUND).max() <= 3
            # Frame k of the GIF is frame 2k of the 30 fps master. The last colour only
            # appears in the final state, which a diff-only palette never counts.
            square = rgb[30:60, 55:105].reshape(-1, 3).mean(axis=0)
            assert np.abs(square - frame_colour(2 * index // 10)).max() <= 3


def test_gif_never_upscales(make_video, tmp_path):
    master = make_video(4, size=(64, 36), codec="libx264rgb", pix_fmt="rgb24")
    assert media.make_gif(master, tmp_path / "small.gif", width=768).width == 64


def test_concat_joins_in_order_with_one_chapter_per_part(make_video, tmp_path):
    parts = [(make_video(10), "1. One"), (make_video(25), "2. Two"), (make_video(5), "3. Three")]
    out = tmp_path / "lecture.mp4"
    chapters = media.concat_videos(parts, out, {"title": "Lecture"})
    info = media.probe_video(out)
    assert info.frames == 40 and info.duration == Fraction(40, 15)
    assert [(c.start, c.end) for c in chapters] == [
        (0, Fraction(10, 15)), (Fraction(10, 15), Fraction(35, 15)),
        (Fraction(35, 15), Fraction(40, 15))]
    frames = decoded(out)
    assert len(frames) == 40
    expected = [frame_colour(i) for i in range(10)] + [frame_colour(i) for i in range(25)] + \
        [frame_colour(i) for i in range(5)]
    for image, colour in zip(frames, expected, strict=True):
        assert np.abs(centre(image) - colour).max() <= 6
    with av.open(str(out)) as container:
        read = container.chapters()
    assert [c["metadata"]["title"] for c in read] == ["1. One", "2. Two", "3. Three"]
    assert [round(c["start"] * c["time_base"] * 1000) for c in read] == [0, 667, 2333]
    assert round(read[-1]["end"] * read[-1]["time_base"] * 1000) == 2667


def test_a_part_whose_last_packet_is_short_keeps_its_nominal_rate(make_video, tmp_path):
    # Seen on a 720p slide 8 of Manim's: its average rate was 7992320/266409, not 30, and
    # lecture.mp4 failed with "different video settings" beside slides at exactly 30.
    whole = make_video(30, fps=15)
    short = shorten_last_packet(make_video(20, fps=15), tmp_path / "short.mp4")
    with av.open(str(short)) as container:
        assert container.streams.video[0].average_rate != 15  # the case, really made
    assert media.probe_video(short).fps == 15
    chapters = media.concat_videos([(whole, "1. One"), (short, "2. Two")], tmp_path / "l.mp4")
    assert chapters[1].start == 2 and media.probe_video(tmp_path / "l.mp4").fps == 15
    assert media.probe_video(tmp_path / "l.mp4").frames == 50


def test_concat_refuses_parts_with_different_settings(make_video, tmp_path):
    parts = [(make_video(5, size=(64, 36)), "a"), (make_video(5, size=(96, 54)), "b")]
    with pytest.raises(ValueError, match="different video settings"):
        media.concat_videos(parts, tmp_path / "lecture.mp4")


HOLDS = [1, 2, 11, 1, 1, 9]  # frame times each state shows: a slide's moves and holds


def states_by_time(path: Path) -> list[int]:
    """The state (index of frame_colour) `path` shows at each of its frame times."""
    return [min(range(len(HOLDS)), key=lambda s: np.abs(centre(image) - frame_colour(s)).max())
            for image in media.frames_by_time(path)]


def want() -> list[int]:
    return [state_at(HOLDS, t) for t in range(sum(HOLDS))]


def test_a_held_frame_stored_once_counts_for_every_frame_time_it_lasts(tmp_path):
    video = write_held(tmp_path / "held.mp4", HOLDS)
    info = media.probe_video(video)
    assert (info.fps, info.frames, info.encoded) == (15, 25, len(HOLDS) + 1)
    assert info.duration == Fraction(25, 15) and states_by_time(video) == want()


def test_the_preview_transcode_of_a_held_master_keeps_each_frame_at_its_time(tmp_path):
    master = write_held(tmp_path / "master.mp4", HOLDS, codec="libx264rgb", pix_fmt="rgb24")
    out = tmp_path / "slide.mp4"
    # 3 starts state 2, 8 is inside its hold: the held picture is encoded again, a keyframe.
    media.transcode_h264(master, out, {"crf": "18", "bf": "3"}, keyframes={3, 8})
    info = media.probe_video(out)
    assert (info.frames, info.duration) == (25, Fraction(25, 15))
    assert info.encoded == len(HOLDS) + 2  # encoded once, not at each frame time
    assert states_by_time(out) == want()
    from backprop_render.media import beats as beat_media
    assert {Fraction(3, 15), Fraction(8, 15)} <= set(beat_media.keyframe_times(out)[0])


def test_the_gif_of_a_held_master_shows_each_state_at_its_time(tmp_path):
    holds = [3, 4, 11, 3, 4, 9]  # each state lasts 0.2 s or more, as the palette needs
    master = write_held(tmp_path / "master.mp4", [2 * n for n in holds], fps=30,
                        codec="libx264rgb", pix_fmt="rgb24")
    info = media.make_gif(master, tmp_path / "slide.gif", width=64, fps=15)
    assert info.frames == sum(holds) and abs(info.duration_ms - sum(holds) * 1000 / 15) <= 10
    with Image.open(tmp_path / "slide.gif") as gif:
        shown = []
        for index in range(info.frames):
            gif.seek(index)
            rgb = np.asarray(gif.convert("RGB")).astype(int)
            shown.append(min(range(len(holds)),
                             key=lambda s: np.abs(centre(rgb) - frame_colour(s)).max()))
    assert shown == [state_at(holds, t) for t in range(sum(holds))]


def test_held_parts_join_and_take_their_narration_at_their_lengths(tmp_path):
    held = write_held(tmp_path / "held.mp4", HOLDS)
    plain = write_held(tmp_path / "plain.mp4", [1] * 10)  # the same encoder settings
    parts = [(held, "1. Held"), (plain, "2. Plain"), (held, "3. Held")]
    chapters = media.concat_videos(parts, tmp_path / "lecture.mp4")
    assert [c.end for c in chapters] == [Fraction(25, 15), Fraction(35, 15), Fraction(60, 15)]
    assert media.probe_video(tmp_path / "lecture.mp4").frames == 60
    states = states_by_time(tmp_path / "lecture.mp4")
    assert states[:25] == want() and states[35:] == want()
    track = media.AudioTrack(np.zeros(24000 * 3, np.float32), 24000)
    media.add_audio(held, track, tmp_path / "narrated.mp4")
    assert media.probe_video(tmp_path / "narrated.mp4").duration == Fraction(25, 15)
    samples = media.read_audio(tmp_path / "narrated.mp4").samples.size
    assert abs(samples - 24000 * 25 // 15) < 1024  # to within an AAC frame


# ----- issue 26: captions inside the MP4 ----------------------------------------------

# Milliseconds, as an SRT has them.
CUES = [Cue(Fraction(1, 5), Fraction(9, 10), "We multiply x by w: ŷ − y, a, b."),
        Cue(Fraction(1), Fraction(1267, 1000), "Then we add the bias:\ntwo lines.")]


def test_a_slide_carries_its_cues_as_a_language_tagged_subtitle_track(make_video, tmp_path):
    out = tmp_path / "slide.mp4"
    track = media.AudioTrack(np.zeros(24000, np.float32), 24000)
    media.add_audio(make_video(20), track, out, {"title": "1. One"}, captions=CUES,
                    language="eng")
    assert media.read_captions(out) == CUES  # the SRT's milliseconds, exactly
    assert media.track_languages(out) == {"video": ["und"], "audio": ["eng"],
                                          "subtitle": ["eng"]}
    with av.open(str(out)) as container:
        assert container.streams.subtitles[0].codec_context.name == "mov_text"
    assert media.probe_video(out).frames == 20  # the pictures untouched
    plain = tmp_path / "plain.mp4"
    media.remux(make_video(5), plain)
    assert media.track_languages(plain) == {"video": ["und"]}  # no cues, no track
    with pytest.raises(ValueError, match="no subtitle track"):
        media.read_captions(plain)


def test_a_lecture_copies_each_parts_captions_to_its_chapter_cut_at_its_end(make_video,
                                                                             tmp_path):
    first, second = tmp_path / "1.mp4", tmp_path / "2.mp4"
    media.remux(make_video(15), first, captions=CUES[:1], language="eng")  # 1 s
    # A cue running past its video's end (at 2/3 s) is cut there, as join_srt cuts it.
    media.remux(make_video(10), second, language="eng",
                captions=[Cue(Fraction(1, 10), Fraction(1, 2), "second"),
                          Cue(Fraction(3, 5), Fraction(2), "cut")])
    lecture = tmp_path / "lecture.mp4"
    media.concat_videos([(first, "1"), (second, "2")], lecture, language="eng")
    assert media.read_captions(lecture) == [
        CUES[0], Cue(Fraction(11, 10), Fraction(3, 2), "second"),
        Cue(Fraction(8, 5), Fraction(1667, 1000), "cut")]  # 1 + 2/3 s, in milliseconds
    assert media.track_languages(lecture)["subtitle"] == ["eng"]
    assert media.probe_video(lecture).frames == 25
