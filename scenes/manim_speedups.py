"""Three places where Manim 0.22 works harder than the slides need; not one pixel changes.

- **Held frames.** A slide mostly holds still: every `wait` and narrated pause is one
  frame that Manim hands its encoder with a repeat count (120 for two seconds at 60
  fps), and `VideoSegmentEncoder.write_frame` converts it from RGBA to the video's
  pixel format once per repeat. Converted once and encoded `repeat` times, the
  encoder gets the same pictures and writes the same bytes.
- **Cache keys.** With the per-animation cache on, Manim hashes every mobject on
  screen before each animation by walking its attributes. A formula's glyphs keep the
  parsed SVG path they were made from (`path_obj`, thousands of svgelements objects
  per slide), which the walk visits although the glyph's points, hashed too, already
  say everything it draws. The key leaves `path_obj` out.
- **Glyph copies.** The same parsed path is deep-copied with every copy of a glyph
  (Manim's SVG cache hands out copies; every Transform copies its mobjects). Manim
  reads `path_obj` only to make the glyph's points, so the glyph lets go of it then.

Measured by bench/manim_speedups.py (it renders with and without them and checks the
videos are the same bytes). Importing `scenes.slide` installs them, so `./render.sh`
and a hand `manim` render of a slide both get them. They install only into the Manim
release they were read against; with any other Manim's own code stays (the videos
are the same, only slower). `BACKPROP_STOCK_MANIM=1` keeps Manim's own code too, for
the benchmark or to rule these out when something looks wrong.
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Any

import av
import manim
import numpy as np
from manim.mobject.svg import svg_mobject
from manim.scene import video_segment_encoder
from manim.utils import hashing

__all__ = ["write_frame_converting_once", "install", "installed", "STOCK_ENV", "PATCHED_RELEASE"]

PATCHED_RELEASE = "0.22."  # the release whose internals these were read against
STOCK_ENV = "BACKPROP_STOCK_MANIM"
_Encoder = video_segment_encoder.VideoSegmentEncoder
_Glyph = svg_mobject.VMobjectFromSVGPath
_original_write_frame = _Encoder.write_frame
_original_generate_points = _Glyph.generate_points


def write_frame_converting_once(self: video_segment_encoder.VideoSegmentEncoder,
                                pixels: np.ndarray, *, repeat: int = 1) -> None:
    """Encode `pixels` at the next `repeat` timestamps, converted to the stream's format once."""
    self._validate_frame(pixels, repeat)
    time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
    try:
        frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
        if repeat > 1:  # one frame: let the encoder convert it, as Manim does
            frame = frame.reformat(format=self.spec.pixel_format)
        for _ in range(repeat):
            # The encoder keeps its own reference to the frame's pixels and copies
            # them into its picture buffer, so the frame can go in again with a new pts.
            frame.pts = self._next_pts
            frame.time_base = time_base
            self._next_pts += 1
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
    except BaseException as error:
        raise self._operation_error("encode", error) from error


def generate_points_then_drop_the_path(self: svg_mobject.VMobjectFromSVGPath) -> Any:
    result = _original_generate_points(self)
    self.path_obj = None
    return result


def _applies() -> bool:
    return (not os.environ.get(STOCK_ENV)
            and manim.__version__.startswith(PATCHED_RELEASE)
            and all(hasattr(_Encoder, name) for name in ("_validate_frame", "_operation_error"))
            and isinstance(getattr(hashing, "KEYS_TO_FILTER_OUT", None), set)
            and _Glyph.init_points is not _Glyph.generate_points)  # init_points calls it


def install() -> bool:
    """Install the three if this Manim is the release they were written for; say if they are in."""
    if _applies():
        _Encoder.write_frame = write_frame_converting_once
        hashing.KEYS_TO_FILTER_OUT.add("path_obj")
        _Glyph.generate_points = generate_points_then_drop_the_path
    return installed()


def installed() -> bool:
    return (_Encoder.write_frame is write_frame_converting_once
            and "path_obj" in hashing.KEYS_TO_FILTER_OUT
            and _Glyph.generate_points is generate_points_then_drop_the_path)
