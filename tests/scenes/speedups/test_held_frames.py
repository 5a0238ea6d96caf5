"""Held frames encoded once (scenes/speedups/held_frames.py): the same pictures at the same
times as Manim's encoder gives."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from backprop_render.media import video as media
from scenes.speedups import held_frames

SIZE = (64, 36)


def frames() -> list[tuple[np.ndarray, int]]:
    """A short slide: a few moving frames, holds of different lengths, ending on a hold."""
    rng = np.random.default_rng(7)
    shown = []
    for repeat in (1, 1, 30, 1, 2, 1, 17, 1, 12):
        pixels = rng.integers(0, 256, size=(SIZE[1], SIZE[0], 4), dtype=np.uint8)
        pixels[..., 3] = 255
        shown.append((pixels, repeat))
    return shown


def spec(codec: str, pixel_format: str, options: dict[str, str]) -> VideoEncoderSpec:
    return VideoEncoderSpec(container_format="mp4", codec=codec, pixel_format=pixel_format,
                            width=SIZE[0], height=SIZE[1], frame_rate=Fraction(60),
                            options=tuple(options.items()))


def encode(write_frame, target: Path, codec: str, pixel_format: str,
           options: dict[str, str]) -> list[bytes]:
    encoder = VideoSegmentEncoder(target=target, spec=spec(codec, pixel_format, options))
    for pixels, repeat in frames():
        write_frame(encoder, pixels.copy(), repeat=repeat)
    # Each with its own finish, whether or not another test installed the patch.
    ours = write_frame is held_frames.write_frame_converting_once
    (held_frames.finish_holding_to_the_end if ours else held_frames._original_finish)(encoder)
    with av.open(str(target)) as container:
        return [bytes(packet) for packet in container.demux(video=0) if packet.size]


def test_with_b_frames_held_frames_encode_to_the_same_bytes_as_manims_encoder(tmp_path):
    options = {"crf": "23", "preset": "veryfast", "thread_type": "frame"}
    assert not held_frames.holds_once(options)
    manims = encode(held_frames._original_write_frame, tmp_path / "manim.mp4", "libx264",
                    "yuv420p", options)
    ours = encode(held_frames.write_frame_converting_once, tmp_path / "ours.mp4", "libx264",
                  "yuv420p", options)
    assert len(ours) == sum(repeat for _, repeat in frames())
    assert ours == manims


@pytest.mark.parametrize("codec, pixel_format, options", [
    ("libx264", "yuv420p", {"crf": "17", "preset": "veryfast", "thread_type": "frame", "bf": "0"}),
    ("libx264rgb", "rgb24", {"crf": "0", "preset": "ultrafast"}),  # the lossless masters
])
def test_without_b_frames_a_held_frame_is_stored_once_and_shown_for_its_whole_hold(
        tmp_path, codec, pixel_format, options):
    assert held_frames.holds_once(options)
    encode(held_frames._original_write_frame, tmp_path / "manim.mp4", codec, pixel_format,
           options)
    ours = encode(held_frames.write_frame_converting_once, tmp_path / "ours.mp4", codec,
                  pixel_format, options)
    # Once per picture, and the last hold once more at its end, not once per frame time.
    assert len(ours) == len(frames()) + 1
    manims = media.probe_video(tmp_path / "manim.mp4")
    mine = media.probe_video(tmp_path / "ours.mp4")
    assert mine.duration == manims.duration == Fraction(sum(r for _, r in frames()), 60)
    # What a player shows at every frame time: the pictures Manim's own encoder gives
    # (lossless: exactly; else as close as one encoding of them is to another).
    pairs = list(zip(media.frames_by_time(tmp_path / "manim.mp4"),
                     media.frames_by_time(tmp_path / "ours.mp4"), strict=True))
    inputs = [pixels[..., :3] for pixels, repeat in frames() for _ in range(repeat)]
    assert len(pairs) == len(inputs)
    for (theirs, mine_), pixels in zip(pairs, inputs, strict=True):
        if codec == "libx264rgb":
            assert np.array_equal(mine_, pixels) and np.array_equal(theirs, pixels)
        else:
            assert np.abs(mine_.astype(int) - pixels).mean() <= \
                np.abs(theirs.astype(int) - pixels).mean() + 8


def test_a_bad_frame_is_refused_as_manim_refuses_it(tmp_path):
    encoder = VideoSegmentEncoder(target=tmp_path / "bad.mp4",
                                  spec=spec("libx264", "yuv420p", {}))
    with pytest.raises(ValueError, match="repeat"):
        held_frames.write_frame_converting_once(
            encoder, np.zeros((SIZE[1], SIZE[0], 4), np.uint8), repeat=0)
    with pytest.raises(ValueError, match="shape"):
        held_frames.write_frame_converting_once(encoder, np.zeros((4, 4, 4), np.uint8))
    encoder.abort()
