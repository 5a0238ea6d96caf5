"""Three places where Manim 0.22 works harder than the slides need; no picture changes.

- **Held frames.** A slide mostly holds still: every `wait` and narrated pause is one
  frame that Manim hands its encoder with a repeat count (120 for two seconds at 60
  fps), and `VideoSegmentEncoder.write_frame` converts it from RGBA to the video's
  pixel format and encodes it once per repeat. At 1080p60 encoding is most of a
  render, and half of a slide's frames repeat the one before. MP4 gives every frame
  its own duration, so a held frame is encoded once, at its first timestamp, and
  lasts until the next frame (a variable frame rate: the same picture at every
  timestamp). A segment that ends holding encodes it once more at its last
  timestamp, so the segment is as long as Manim counted. Only for an encoder that
  does not reorder frames (`bf=0`, or x264's ultrafast preset, which has no
  B-frames): with B-frames x264's decode timestamps lag the pictures' by its reorder
  delay, and MP4 sample durations come from them, so the last frames of a segment
  got the durations of earlier ones and the segment came out short (40 of 58 frames
  long in a probe). With B-frames a held frame is converted once and encoded
  `repeat` times, as before.
- **Cache keys.** With the per-animation cache on, Manim hashes every mobject on
  screen before each animation by walking its attributes. A formula's glyphs keep the
  parsed SVG path they were made from (`path_obj`, thousands of svgelements objects
  per slide), which the walk visits although the glyph's points, hashed too, already
  say everything it draws. The key leaves `path_obj` out.
- **Glyph copies.** The same parsed path is deep-copied with every copy of a glyph
  (Manim's SVG cache hands out copies; every Transform copies its mobjects). Manim
  reads `path_obj` only to make the glyph's points, so the glyph lets go of it then.

Measured by bench/manim_speedups.py (it renders with and without them and checks the
videos show the same pictures at the same timestamps). Importing `scenes.kit.slide`
installs them, so `./render.sh` and a hand `manim` render of a slide both get them.
They install only into the Manim release they were read against; with any other
Manim's own code stays (the videos show the same, only slower and bigger).
`BACKPROP_STOCK_MANIM=1` keeps Manim's own code too, for the benchmark or to rule
these out when something looks wrong.
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Any, Mapping

import av
import manim
import numpy as np
from manim.mobject.svg import svg_mobject
from manim.scene import video_segment_encoder
from manim.utils import hashing

from lecture import contract

__all__ = ["write_frame_converting_once", "finish_holding_to_the_end", "holds_once", "install",
           "installed", "PATCHED_RELEASE"]

PATCHED_RELEASE = "0.22."  # the release whose internals these were read against
_Encoder = video_segment_encoder.VideoSegmentEncoder
_Glyph = svg_mobject.VMobjectFromSVGPath
_original_write_frame = _Encoder.write_frame
_original_finish = _Encoder.finish
_original_generate_points = _Glyph.generate_points


def holds_once(options: Mapping[str, str]) -> bool:
    """Whether x264 with these options may be given a held frame once: it keeps frames in
    order (no B-frames)."""
    return options.get("bf") == "0" or options.get("preset") == "ultrafast"


def write_frame_converting_once(self: video_segment_encoder.VideoSegmentEncoder,
                                pixels: np.ndarray, *, repeat: int = 1) -> None:
    """Show `pixels` for the next `repeat` timestamps, converted to the stream's format once:
    encoded once if the encoder keeps frames in order (see the module's notes), else at
    each timestamp."""
    self._validate_frame(pixels, repeat)
    time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
    try:
        frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
        if repeat > 1:  # one frame: let the encoder convert it, as Manim does
            frame = frame.reformat(format=self.spec.pixel_format)
        once = holds_once(dict(self.spec.options))
        self._backprop_held = None  # a new picture ends the hold before it
        for _ in range(1 if once else repeat):
            # The encoder keeps its own reference to the frame's pixels and copies
            # them into its picture buffer, so the frame can go in again with a new pts.
            frame.pts = self._next_pts
            frame.time_base = time_base
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
            self._next_pts += 1
        if once and repeat > 1:
            self._backprop_held = (frame, self._next_pts + repeat - 2)
            self._next_pts += repeat - 1
    except BaseException as error:
        raise self._operation_error("encode", error) from error


def finish_holding_to_the_end(self: video_segment_encoder.VideoSegmentEncoder) -> None:
    """Manim's finish, after the held frame, if the segment ends on one, is encoded again at
    its last timestamp: without it the segment would end where the hold starts."""
    held = getattr(self, "_backprop_held", None)
    self._backprop_held = None
    if held is not None and not self._closed:
        frame, pts = held
        frame.pts = pts
        try:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except BaseException as error:
            self.abort()  # as Manim does with a segment it could not finish
            raise self._operation_error("finish", error) from error
    _original_finish(self)


def generate_points_then_drop_the_path(self: svg_mobject.VMobjectFromSVGPath) -> Any:
    result = _original_generate_points(self)
    self.path_obj = None
    return result


def _applies() -> bool:
    return (not os.environ.get(contract.STOCK_MANIM)
            and manim.__version__.startswith(PATCHED_RELEASE)
            and all(hasattr(_Encoder, name) for name in ("_validate_frame", "_operation_error"))
            and isinstance(getattr(hashing, "KEYS_TO_FILTER_OUT", None), set)
            and _Glyph.init_points is not _Glyph.generate_points)  # init_points calls it


def install() -> bool:
    """Install the three if this Manim is the release they were written for; say if they are in."""
    if _applies():
        _Encoder.write_frame = write_frame_converting_once
        _Encoder.finish = finish_holding_to_the_end
        hashing.KEYS_TO_FILTER_OUT.add("path_obj")
        _Glyph.generate_points = generate_points_then_drop_the_path
    return installed()


def installed() -> bool:
    return (_Encoder.write_frame is write_frame_converting_once
            and _Encoder.finish is finish_holding_to_the_end
            and "path_obj" in hashing.KEYS_TO_FILTER_OUT
            and _Glyph.generate_points is generate_points_then_drop_the_path)
