"""Cutting a slide's video into beats by stream copy, on tiny synthetic videos."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from backprop_render.errors import SlideFailed
from backprop_render.media import beats as beat_media
from backprop_render.media import video as media
from tests.backprop_render.synthetic_beats import FPS, write_with_audio
from tests.backprop_render.synthetic_media import frame_colour, state_at, write_held, write_video

OPTIONS = {"crf": "18", "preset": "veryfast"}


def centre(image) -> np.ndarray:
    array = np.asarray(image.convert("RGB")).astype(int)
    return array[array.shape[0] // 2, array.shape[1] // 2]


def packets(path: Path, kind: str) -> list[bytes]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0] if kind == "video" else container.streams.audio[0]
        return [bytes(p) for p in container.demux(stream) if p.size]


def test_the_preview_transcode_puts_a_keyframe_at_every_beat_start(tmp_path):
    master = write_video(tmp_path / "master.mp4", 45, codec="libx264rgb", pix_fmt="rgb24",
                         gop=250)
    media.transcode_h264(master, tmp_path / "slide.mp4", OPTIONS, keyframes={7, 20, 33})
    keys, end = beat_media.keyframe_times(tmp_path / "slide.mp4")
    assert {Fraction(7, FPS), Fraction(20, FPS), Fraction(33, FPS)} <= set(keys)
    assert end == 3
    media.transcode_h264(master, tmp_path / "plain.mp4", OPTIONS)
    assert beat_media.keyframe_times(tmp_path / "plain.mp4")[0] == [0]  # what it fixes


def test_beats_snap_to_a_keyframe_within_a_frame_and_a_half_and_no_further():
    keys = [Fraction(0), Fraction(7, 15), Fraction(20, 15)]
    cuts = beat_media.beat_cuts([0.02, 0.5, 20 / 15], keys, Fraction(3), Fraction(15))
    assert [(c.start, c.end) for c in cuts] == [
        (0, Fraction(7, 15)), (Fraction(7, 15), Fraction(20, 15)), (Fraction(20, 15), 3)]
    with pytest.raises(beat_media.NoKeyframe, match="beat 2 starts at 1.000 s"):
        beat_media.beat_cuts([0, 1.0], keys, Fraction(3), Fraction(15))


def test_a_cut_copies_every_streams_packets_unchanged_and_starts_at_zero(tmp_path):
    slide = write_with_audio(tmp_path / "slide.mp4", 45, keyframes={0, 20})
    keys, end = beat_media.keyframe_times(slide)
    cuts = beat_media.beat_cuts([0, 20 / FPS], keys, end, Fraction(FPS))
    parts = [tmp_path / "beat1.mp4", tmp_path / "beat2.mp4"]
    for span, part in zip(cuts, parts, strict=True):
        beat_media.cut(slide, part, span)
    # Stream copy: the beats' video packets are the slide's, byte for byte, in order.
    assert packets(parts[0], "video") + packets(parts[1], "video") == packets(slide, "video")
    assert len(packets(parts[0], "audio")) + len(packets(parts[1], "audio")) == \
        len(packets(slide, "audio"))
    for part, frames, first in ((parts[0], 20, 0), (parts[1], 25, 20)):
        with av.open(str(part)) as container:
            assert [s.type for s in container.streams] == ["video", "audio"]
            decoded = list(container.decode(video=0))
        assert len(decoded) == frames
        assert decoded[0].pts * decoded[0].time_base == 0
        assert np.abs(centre(decoded[0].to_image()) - frame_colour(first)).max() <= 12
        assert media.probe_video(part).duration == Fraction(frames, FPS)


def test_each_beats_poster_is_its_last_frame(tmp_path):
    slide = write_with_audio(tmp_path / "slide.mp4", 45, keyframes={0, 20})
    spans = [beat_media.BeatCut(Fraction(0), Fraction(20, FPS)),
             beat_media.BeatCut(Fraction(20, FPS), Fraction(3))]
    first, last = beat_media.beat_end_frames(slide, spans)
    assert np.abs(centre(first) - frame_colour(19)).max() <= 12
    assert np.abs(centre(last) - frame_colour(44)).max() <= 12


def test_a_smaller_copy_for_the_deck_keeps_the_span_at_the_new_size_and_rate(tmp_path):
    slide = write_video(tmp_path / "slide.mp4", 60, fps=30, size=(128, 72), gop=250)
    span = beat_media.BeatCut(Fraction(0), Fraction(1))
    beat_media.transcode_cut(slide, tmp_path / "small.mp4", span, 36, Fraction(15), OPTIONS)
    info = media.probe_video(tmp_path / "small.mp4")
    assert (info.width, info.height, info.fps, info.frames) == (64, 36, 15, 15)


def test_the_smaller_copy_encodes_a_held_frame_once_and_keeps_the_spans_length(tmp_path):
    # Three states held for 10 frames each, as a slide holds a state between animations.
    slide = write_video(tmp_path / "slide.mp4", 30, fps=30, size=(128, 72), gop=250, hold=10)
    span = beat_media.BeatCut(Fraction(0), Fraction(1))
    beat_media.transcode_cut(slide, tmp_path / "small.mp4", span, 36, Fraction(15), OPTIONS)
    info = media.probe_video(tmp_path / "small.mp4")
    assert (info.width, info.height, info.fps, info.duration) == (64, 36, 15, 1)
    assert info.encoded < 15  # what a held frame would have cost: an encoded frame each
    with av.open(str(tmp_path / "small.mp4")) as container:
        shown = [(frame.pts * frame.time_base, centre(frame.to_image()))
                 for frame in container.decode(video=0)]
    # Each state starts where it did on the slide; the last one lasts to the span's end.
    for at, colour in shown:
        assert np.abs(colour - frame_colour(int(at * 30) // 10)).max() <= 16, float(at)
    assert {int(at * 30) // 10 for at, _ in shown} == {0, 1, 2}
    assert shown[-1][0] == Fraction(14, 15)


HOLDS = [1, 1, 9, 1, 14, 4]  # frame times each state shows: a slide's moves and holds


def shown_by_time(path: Path, fps: int) -> list[int]:
    """The state (index of frame_colour) the video shows at each of its frame times."""
    states = range(len(HOLDS))
    return [min(states, key=lambda s: np.abs(frame[18, 32] - frame_colour(s)).max())
            for frame in media.frames_by_time(path)]


@pytest.mark.parametrize("start, end", [(0, 30), (11, 26), (3, 12)])  # 3: inside a hold
def test_the_smaller_copy_of_a_held_slide_shows_each_state_at_its_time(tmp_path, start, end):
    # The slide stores each state once (manim_speedups.py): the frame after a hold must
    # not move back into it, and a beat ending on a hold lasts to its end.
    slide = write_held(tmp_path / "slide.mp4", HOLDS, fps=30, size=(128, 72))
    span = beat_media.BeatCut(Fraction(start, 30), Fraction(end, 30))
    beat_media.transcode_cut(slide, tmp_path / "small.mp4", span, 36, Fraction(15), OPTIONS)
    info = media.probe_video(tmp_path / "small.mp4")
    assert info.duration == Fraction(math.ceil((end - start) / 2), 15) and info.fps == 15
    # Copy frame time j shows what the slide showed at j/15 s into the span.
    want = [state_at(HOLDS, start + 2 * j) for j in range(info.frames)]
    assert shown_by_time(tmp_path / "small.mp4", 15) == want
    assert info.encoded <= len(set(want)) + 1


def test_cuts_of_a_held_slide_last_to_the_next_beat_and_show_it_at_its_times(tmp_path):
    slide = write_held(tmp_path / "slide.mp4", HOLDS, keyframes=frozenset({0, 2, 4}))
    keys, end = beat_media.keyframe_times(slide)
    assert end == Fraction(sum(HOLDS), FPS) and keys == [0, Fraction(2, FPS), Fraction(12, FPS)]
    cuts = beat_media.beat_cuts([0, 2 / FPS, 12 / FPS], keys, end, Fraction(FPS))
    shown = []
    for number, span in enumerate(cuts):
        beat_media.cut(slide, tmp_path / f"{number}.mp4", span)
        assert media.probe_video(tmp_path / f"{number}.mp4").duration == span.end - span.start
        shown += shown_by_time(tmp_path / f"{number}.mp4", FPS)
    assert shown == [state_at(HOLDS, t) for t in range(sum(HOLDS))]
    posters = beat_media.beat_end_frames(slide, cuts)
    assert [np.abs(centre(p) - frame_colour(s)).max() <= 12 for p, s in
            zip(posters, (1, 3, 5), strict=True)] == [True] * 3


def test_the_smaller_copy_is_encoded_with_the_options_it_is_given(tmp_path):
    # They once went to the decoder instead, and x264 ran its slow default preset.
    slide = write_video(tmp_path / "slide.mp4", 30, fps=30, size=(128, 72), gop=250)
    span = beat_media.BeatCut(Fraction(0), Fraction(1))
    sizes = []
    for crf in ("0", "40"):
        beat_media.transcode_cut(slide, tmp_path / f"{crf}.mp4", span, 72, Fraction(30),
                                 {"crf": crf, "preset": "ultrafast"})
        sizes.append((tmp_path / f"{crf}.mp4").stat().st_size)
    assert sizes[0] > 1.5 * sizes[1]  # lossless against lossy: equal if ignored


def test_the_smaller_copy_of_a_later_beat_keeps_its_narration(tmp_path):
    slide = write_with_audio(tmp_path / "slide.mp4", 45, keyframes={0, 20})
    span = beat_media.BeatCut(Fraction(20, FPS), Fraction(3))
    beat_media.transcode_cut(slide, tmp_path / "small.mp4", span, 18, Fraction(FPS), OPTIONS)
    with av.open(str(tmp_path / "small.mp4")) as container:
        assert [s.type for s in container.streams] == ["video", "audio"]
        first = next(container.decode(video=0))
    assert np.abs(centre(first.to_image()) - frame_colour(20)).max() <= 16
    assert media.probe_video(tmp_path / "small.mp4").frames == 25
    assert abs(len(packets(tmp_path / "small.mp4", "audio")) - 25 / FPS * 24000 / 1024) <= 2


def test_beat_frames_are_the_scenes_count_checked_against_the_segment_files(tmp_path):
    from backprop_render.build import slide_render
    from backprop_render.quality import QUALITIES
    from lecture.slides import SLIDES

    slide, quality = SLIDES[3], QUALITIES["preview"]
    folder = tmp_path / "videos" / slide.module / quality.manim_folder / "partial_movie_files" \
        / slide.scene
    folder.mkdir(parents=True)
    segments = [write_video(folder / f"{n}.mp4", frames) for n, frames in enumerate([12, 7, 30, 5])]
    (folder / "partial_movie_file_list.txt").write_text(
        "# This file records the segment order used by Manim.\n"
        + "".join(f"file 'file:{path}'\n" for path in segments))
    facts = tmp_path / "facts.json"
    # The scene's frame count is the beats' start; the segment files check it.
    facts.write_text('{"narration": [{"beat": "a", "frame": 0, "play": 0},'
                     ' {"beat": "b", "frame": 19, "play": 2},'
                     ' {"beat": "c", "frame": 49, "play": 3}]}')
    frames = slide_render._beat_frames(tmp_path, slide, quality, facts)
    assert frames == {0: 0, 1: 19, 2: 49}
    manifest = {"narration": [{"start": 0}, {"start": 1.27}, {"start": 3.31}]}
    slide_render._record_beat_frames(manifest, frames, quality)
    assert [(b["frame"], b["video_start"]) for b in manifest["narration"]] == \
        [(0, 0), (19, 19 / 15), (49, 49 / 15)]
    # A count a frame off (speech would be off the cut) fails the slide, naming the beat.
    facts.write_text('{"narration": [{"beat": "a", "frame": 0, "play": 0},'
                     ' {"beat": "b", "frame": 20, "play": 2}]}')
    with pytest.raises(SlideFailed, match="gradient-descent.b starts at frame 20, its "
                                          "segments say 19"):
        slide_render._beat_frames(tmp_path, slide, quality, facts)
    facts.write_text('{"narration": [{"start": 0}]}')  # a scene from before "frame": no guess
    assert slide_render._beat_frames(tmp_path, slide, quality, facts) == {}
    # Segments that store a held frame once are counted by their time, not their frames.
    for path, holds in zip(segments, ([2, 10], [7], [1, 1, 28], [5]), strict=True):
        write_held(path, holds)
    facts.write_text('{"narration": [{"beat": "a", "frame": 0, "play": 0},'
                     ' {"beat": "b", "frame": 19, "play": 2},'
                     ' {"beat": "c", "frame": 49, "play": 3}]}')
    assert slide_render._beat_frames(tmp_path, slide, quality, facts) == {0: 0, 1: 19, 2: 49}
