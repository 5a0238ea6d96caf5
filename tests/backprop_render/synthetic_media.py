"""Tiny synthetic videos, made with PyAV, so media tests run in milliseconds."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

BACKGROUND = (0x0F, 0x12, 0x18)  # the slides' background colour


def frame_colour(index: int) -> tuple[int, int, int]:
    """A colour that tells frame `index` apart from its neighbours after lossy coding."""
    return ((index * 37) % 200 + 40, (index * 91) % 200 + 40, (index * 53) % 200 + 40)


def write_video(path: Path, frames: int, fps: int = 15, size: tuple[int, int] = (64, 36),
                codec: str = "libx264", pix_fmt: str = "yuv420p", gop: int = 12,
                hold: int = 1) -> Path:
    """A video whose frame i shows a square of frame_colour(i // hold) on the slide background.

    With hold > 1 a colour stays for several frames, as a slide holds a state.
    """
    width, height = size
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream(codec, rate=fps, options={"crf": "0" if codec ==
                                                                "libx264rgb" else "18"})
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        stream.codec_context.gop_size = gop
        for index in range(frames):
            image = np.empty((height, width, 3), dtype=np.uint8)
            image[:] = BACKGROUND
            image[height // 4: 3 * height // 4, width // 4: 3 * width // 4] = \
                frame_colour(index // hold)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def shorten_last_packet(src: Path, dst: Path, ticks: int = 7) -> Path:
    """`src` remuxed with its last packet `ticks` of the stream's time base short, as Manim's
    own MP4s sometimes end: the stream's average frame rate is then not its nominal one."""
    with av.open(str(src)) as source, av.open(str(dst), "w", format="mp4") as target:
        stream = target.add_stream_from_template(source.streams.video[0])
        packets = [p for p in source.demux(video=0) if p.dts is not None]
        for packet in packets:
            packet.stream = stream
        packets[-1].duration -= ticks
        for packet in packets:
            target.mux(packet)
    return dst


def write_held(path: Path, holds: list[int], fps: int = 15, size: tuple[int, int] = (64, 36),
               codec: str = "libx264", pix_fmt: str = "yuv420p",
               keyframes: frozenset[int] = frozenset()) -> Path:
    """A video as our Manim encoder writes a slide (scenes/speedups/held_frames.py): state i
    (frame_colour(i)) shows for holds[i] frame times but is stored once, at its first
    one, and the last state once more at its last frame time (a variable frame rate,
    no B-frames). `keyframes`: states that start a closed group of pictures.

    Frame time t shows frame_colour(state_at(holds, t)).
    """
    width, height = size
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream(codec, rate=fps, options={
            "crf": "0" if codec == "libx264rgb" else "18", "bf": "0", "g": "250"})
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        at, frame = 0, None
        for state, hold in enumerate(holds):
            image = np.empty((height, width, 3), dtype=np.uint8)
            image[:] = BACKGROUND
            image[height // 4: 3 * height // 4, width // 4: 3 * width // 4] = \
                frame_colour(state)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = at, Fraction(1, fps)
            if state in keyframes:
                frame.pict_type = av.video.frame.PictureType.I
            container.mux(stream.encode(frame))
            at += hold
        if holds[-1] > 1:
            frame.pts, frame.pict_type = at - 1, av.video.frame.PictureType.NONE
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def state_at(holds: list[int], time: int) -> int:
    """The state a write_held video shows at frame time `time`."""
    for state, end in enumerate(itertools.accumulate(holds)):
        if time < end:
            return state
    raise ValueError(f"frame time {time} is after the video's end")
