"""Tiny slide-like videos with beats and narration audio, and their facts entries."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from tests.backprop_render.synthetic_media import BACKGROUND, frame_colour

FPS = 15


def write_with_audio(path: Path, frames: int, keyframes: set[int],
                     offset: int = 0) -> Path:
    """A slide-like MP4: H.264 (keyframes where asked, B-frames) and an AAC narration track."""
    with av.open(str(path), "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=FPS, options={"crf": "18", "bf": "2",
                                                                   "g": "250"})
        video.width, video.height, video.pix_fmt = 64, 36, "yuv420p"
        audio = container.add_stream("aac", rate=24000)
        audio.layout = "mono"
        for index in range(frames):
            image = np.full((36, 64, 3), BACKGROUND, dtype=np.uint8)
            image[9:27, 16:48] = frame_colour(index + offset)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            if index in keyframes:
                frame.pict_type = av.video.frame.PictureType.I
            container.mux(video.encode(frame))
        container.mux(video.encode())
        samples = 24000 * frames // FPS
        tone = (0.2 * np.sin(np.arange(samples) * 2 * np.pi * 440 / 24000)).astype(np.float32)
        for start in range(0, samples, 1024):
            chunk = av.AudioFrame.from_ndarray(tone[None, start:start + 1024], format="fltp",
                                               layout="mono")
            chunk.sample_rate, chunk.pts = 24000, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode())
    return path



def slide_entry(folder: Path, number: int, beats: list[int], frames: int,
                offset: int = 0) -> dict[str, Any]:
    """A published synthetic slide: its MP4 (a beat starts at each of `beats`, frame
    indices), its still, and the facts entry the pipeline would hold for it."""
    stem = f"{number:02d}-slide-{number}"
    video = write_with_audio(folder / f"{stem}.mp4", frames, set(beats), offset)
    with av.open(str(video)) as container:
        *_, last = container.decode(video=0)
    last.to_image().save(folder / f"{stem}.png")
    ends = [*beats[1:], frames]
    return {
        "number": number, "slug": f"slide-{number}", "stem": stem, "title": f"Slide {number}",
        "files": {"mp4": f"{stem}.mp4", "png": f"{stem}.png"},
        "video": {"width": 64, "height": 36, "fps": float(FPS), "frames": frames,
                  "duration": frames / FPS},
        "manifest": {"narration": [
            {"beat": f"beat_{i + 1}", "text": f"Slide {number} says thing {i + 1}.",
             "start": start / FPS, "end": end / FPS,
             "speech_start": start / FPS + 0.1, "speech_end": end / FPS - 0.1}
            for i, (start, end) in enumerate(zip(beats, ends, strict=True))]},
    }
