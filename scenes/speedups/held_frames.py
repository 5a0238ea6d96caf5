"""Held frames encoded once: a still picture is not converted and encoded again for
every frame time it lasts. No picture changes.

A slide mostly holds still: every `wait` and narrated pause is one frame that Manim
hands its encoder with a repeat count (120 for two seconds at 60 fps), and
`VideoSegmentEncoder.write_frame` converts it from RGBA to the video's pixel format and
encodes it once per repeat. At 1080p60 encoding is most of a render, and half of a
slide's frames repeat the one before. MP4 gives every frame its own duration, so a held
frame is encoded once, at its first timestamp, and lasts until the next frame (a
variable frame rate: the same picture at every timestamp). A segment that ends holding
encodes it once more at its last timestamp, so the segment is as long as Manim counted.
Only for an encoder that does not reorder frames (`bf=0`, or x264's ultrafast preset,
which has no B-frames): with B-frames x264's decode timestamps lag the pictures' by its
reorder delay, and MP4 sample durations come from them, so the last frames of a segment
got the durations of earlier ones and the segment came out short (40 of 58 frames long
in a probe). With B-frames a held frame is converted once and encoded `repeat` times, as
before.

Measured by bench/manim_speedups.py (it renders with and without the speedups and
checks the videos show the same pictures at the same timestamps). Installed by
`scenes.speedups.install`, like every patch of Manim.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping

import numpy as np
from manim.scene import video_segment_encoder

from scenes.speedups.changed_rows import RowConverter
from scenes.speedups.guard import Patch

__all__ = ["write_frame_converting_once", "finish_holding_to_the_end",
           "holds_once", "PATCH", "installed"]

_Encoder = video_segment_encoder.VideoSegmentEncoder
_original_write_frame = _Encoder.write_frame
_original_finish = _Encoder.finish


def holds_once(options: Mapping[str, str]) -> bool:
    """Whether x264 with these options may be given a held frame once: it keeps frames in
    order (no B-frames)."""
    return options.get("bf") == "0" or options.get("preset") == "ultrafast"


def write_frame_converting_once(self: video_segment_encoder.VideoSegmentEncoder,
                                pixels: np.ndarray, *, repeat: int = 1) -> None:
    """Show `pixels` for the next `repeat` timestamps, converted to the stream's format once
    (only the rows that changed since the picture before: changed_rows.py): encoded once if
    the encoder keeps frames in order (see the module's notes), else at each timestamp.
    Like Manim's queue, it keeps `pixels`, which must not change after."""
    self._validate_frame(pixels, repeat)
    time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
    try:
        converter = getattr(self, "_backprop_rows", None)
        if converter is None:
            converter = self._backprop_rows = RowConverter(self.spec.pixel_format,
                                                           self.spec.codec)
        # The same pixels as the encoder's own conversion; it may be the frame encoded
        # last, changed in place: the encoder has copied that one.
        frame = converter.convert(pixels)
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


def _apply() -> None:
    _Encoder.write_frame = write_frame_converting_once
    _Encoder.finish = finish_holding_to_the_end


def installed() -> bool:
    return (_Encoder.write_frame is write_frame_converting_once
            and _Encoder.finish is finish_holding_to_the_end)


# The encoder's write_frame and finish are replaced; the replacements use its private
# state (_validate_frame, _operation_error, _next_pts, _stream, _container): the class.
# The segment job hands each frame with its repeat count (_listen_and_write).
PATCH = Patch("held frames", {
    "manim.scene.video_segment_encoder:VideoSegmentEncoder": "1785458cb232f0ba",
    "manim.scene.scene_file_writer:_PartialMovieEncodeJob._listen_and_write": "69cf4b2194f08929",
}, apply=_apply, installed=installed)
