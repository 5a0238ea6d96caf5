"""Issue 17: a light-theme GIF sits on a white slide with no visible box.

The GIF's palette is computed from the slide's own frames (media.make_gif), so nothing in
it assumes a dark background; this checks that the light theme's white survives the
256-colour palette and the dither exactly, even with near-white antialiasing around
the content, which a median-cut palette could otherwise merge with the background.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from backprop_render.media import video as media
from scenes.kit.theme import DARK, LIGHT


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _slide_video(path: Path, background: str, frames: int = 12, size=(160, 90)) -> Path:
    """A lossless video like a slide: a background, a disc with soft (antialiased) edges
    growing frame by frame, and a band of many colours that crowds the 256-colour palette
    with near-background shades, as a real slide's antialiasing does."""
    width, height = size
    back = np.array(_rgb(background), dtype=float)
    ink = np.array(_rgb(LIGHT.loss if background == LIGHT.background else DARK.loss), dtype=float)
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264rgb", rate=15, options={"crf": "0"})
        stream.width, stream.height, stream.pix_fmt = width, height, "rgb24"
        ys, xs = np.mgrid[0:height, 0:width]
        band = np.stack([xs / width * 255, ys / height * 255, (xs + ys) % 256], -1)
        for index in range(frames):
            cover = np.clip(10 + index * 2 + 0.5 - np.hypot(xs - width / 2, ys - height / 2), 0, 1)
            image = back * (1 - cover[..., None]) + ink * cover[..., None]
            soft = np.clip(np.abs(xs - width / 2) / 40, 0, 1)[..., None]  # near-background shades
            rows = slice(height - 20, height - 10)
            image[rows] = (back * soft + band * (1 - soft))[rows]
            frame = av.VideoFrame.from_ndarray(np.round(image).astype(np.uint8), format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 15)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def _frames_with_a_box(gif: Path, background: tuple[int, int, int]) -> int:
    """GIF frames whose border (always background here) is not exactly the background."""
    found = 0
    with Image.open(gif) as image:
        for index in range(image.n_frames):
            image.seek(index)
            pixels = np.asarray(image.convert("RGB"))
            border = np.concatenate([pixels[:4].reshape(-1, 3), pixels[:, :4].reshape(-1, 3),
                                     pixels[:, -4:].reshape(-1, 3)])
            found += bool((border != background).any())
    return found


def test_a_light_gif_keeps_its_background_pure_white(tmp_path, monkeypatch):
    master = _slide_video(tmp_path / "light.mp4", LIGHT.background)
    gif = media.make_gif(master, tmp_path / "light.gif", 160)
    assert gif.frames == 12 and _frames_with_a_box(tmp_path / "light.gif", (255, 255, 255)) == 0
    # Without pinning the background into the palette, the dither speckles it: a box.
    monkeypatch.setattr(media, "_pin_colour", lambda palette, colour: palette)
    media.make_gif(master, tmp_path / "unpinned.gif", 160)
    assert _frames_with_a_box(tmp_path / "unpinned.gif", (255, 255, 255)) > 0


def test_a_dark_gif_keeps_its_background_exact_too(tmp_path):
    master = _slide_video(tmp_path / "dark.mp4", DARK.background)
    media.make_gif(master, tmp_path / "dark.gif", 160)
    assert _frames_with_a_box(tmp_path / "dark.gif", _rgb(DARK.background)) == 0
