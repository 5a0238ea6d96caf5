"""A segment's frames converted to the video's pixel format row band by row band: only the
rows that changed since the picture before are converted again. No picture changes.

Every picture Manim draws goes from RGBA to yuv420p (libx264rgb's masters: rgb24) before
x264 sees it, and at 1080p swscale took 4-5 ms CPU a frame for it, with two threads of its
own (its default): about as much as x264's encoding of the frame. Yet an animation mostly
moves one thing: in slide 4 at 1080p the rows that differ from the picture before span a
median 40% of the height. So the segment keeps its last converted picture and, for a new
one, finds the rows that differ (one comparison of the two pictures), converts that band
with a few rows of margin, and writes the band's rows into the kept picture. The margin
is what makes the pixels the same: yuv420p's chroma rows are filtered from the luma rows
around them, and a band's edge rows are filtered against the band's edge, not the rows
beyond it; 2 rows are enough (tests/scenes/speedups/test_changed_rows.py: none differ), 8
are taken. A picture with no changed row is the picture before, converted for nothing.

Only for x264 (libx264, libx264rgb): the kept picture is written into after it has been
encoded, which is safe because x264 copies a picture into its own frame when it is given
one (x264_encoder_encode), and libavcodec has given it by the time PyAV's `encode`
returns. Another encoder might keep a reference to the picture: every picture is then
converted whole, into a new frame.
"""

from __future__ import annotations

import av
import numpy as np
from av.video.reformatter import VideoReformatter

__all__ = ["RowConverter", "REACH", "MARGIN", "WRITES_IN_PLACE"]

# A changed row changes the chroma rows filtered from it: those of the rows around it, this
# far (swscale's vertical chroma filter reaches 1 row; 2 rows are a chroma row).
REACH = 4
MARGIN = 8  # rows converted beyond those written, on either side (2 are needed)
# Encoders known to copy a picture when given it (see the module's notes).
WRITES_IN_PLACE = frozenset({"libx264", "libx264rgb"})
# Each plane's rows per picture row: (numerator, denominator).
_PLANE_ROWS: dict[str, tuple[tuple[int, int], ...]] = {
    "yuv420p": ((1, 1), (1, 2), (1, 2)),
    "rgb24": ((1, 1),),
}
# A band taller than this share of the picture is converted whole, into a new frame: a
# choice, not measured (the band's margins and copying save little there).
_WHOLE_FROM = 0.8


def _wrap(pixels: np.ndarray) -> av.VideoFrame:
    """An RGBA frame reading `pixels` (C-contiguous rows) where they are: no copy."""
    return av.VideoFrame.from_numpy_buffer(pixels, format="rgba")


def _rows(plane: av.video.plane.VideoPlane, height: int) -> np.ndarray:
    """The plane's bytes as (height, line size): a view, padding at each row's end."""
    return np.frombuffer(plane, np.uint8).reshape(height, plane.line_size)


class RowConverter:
    """Converts one segment's pictures, in the order they are shown, to `pixel_format`."""

    def __init__(self, pixel_format: str, codec: str) -> None:
        self._format = pixel_format
        self._scaler = VideoReformatter()
        geometry = _PLANE_ROWS.get(pixel_format)
        self._bands = geometry is not None and codec in WRITES_IN_PLACE
        self._geometry = geometry or ()
        self._last: np.ndarray | None = None  # the RGBA picture converted last
        self._picture: av.VideoFrame | None = None  # its conversion, written into by bands
        self._differs: np.ndarray | None = None  # the comparison's buffer, kept

    def convert(self, pixels: np.ndarray) -> av.VideoFrame:
        """The frame showing `pixels` (height x width x 4 RGBA, uint8) in the pixel format.

        The frame may be the one returned for the picture before, changed in place: encode
        it before converting the next picture."""
        pixels = np.ascontiguousarray(pixels)
        band = self._changed_band(pixels) if self._bands else None
        if band is None:
            self._picture = self._converted(pixels)
        elif band[0] < band[1]:  # an empty band: the same picture as before
            self._paste(pixels, *band)
        self._last = pixels if self._bands else None
        assert self._picture is not None
        return self._picture

    def _converted(self, pixels: np.ndarray) -> av.VideoFrame:
        """`pixels` (whole, or a band of rows) converted into a new frame."""
        # One thread: swscale's default (a thread per core) costs more CPU for the same
        # pixels (4.9 against 4.2 ms a 1080p frame), and the cores are busy drawing.
        return self._scaler.reformat(_wrap(pixels), format=self._format, threads=1)

    def _changed_band(self, pixels: np.ndarray) -> tuple[int, int] | None:
        """The rows [first, end) to write again (their conversion differs from the kept
        picture's), None to convert the whole picture."""
        last = self._last
        height, width = pixels.shape[:2]
        # An odd height has a chroma row of one picture row: converted whole.
        if last is None or last.shape != pixels.shape or self._picture is None or height % 2:
            return None
        if self._differs is None or self._differs.shape != (height, width):
            self._differs = np.empty((height, width), bool)
        np.not_equal(pixels.view(np.uint32).reshape(height, width),
                     last.view(np.uint32).reshape(height, width), out=self._differs)
        # Each row's flags read 8 at a time (a row whose width is a multiple of 8).
        flags = self._differs.view(np.uint64) if width % 8 == 0 else self._differs
        changed = np.flatnonzero(flags.any(axis=1))
        if not len(changed):
            return (0, 0)
        first = max(0, (int(changed[0]) - REACH) // 2 * 2)
        end = min(height, -(-(int(changed[-1]) + 1 + REACH) // 2) * 2)
        if end - first > _WHOLE_FROM * height:
            return None
        return (first, end)

    def _paste(self, pixels: np.ndarray, first: int, end: int) -> None:
        """Writes the conversion of rows [first, end) into the kept picture: converted with
        MARGIN rows more on either side (at least 8-row aligned), so that no row written was
        filtered against the band's edge unless that edge is the picture's."""
        assert self._picture is not None
        height = pixels.shape[0]
        top = max(0, (first - MARGIN) // 8 * 8)
        bottom = min(height, -(-(end + MARGIN) // 8) * 8)
        band = self._converted(pixels[top:bottom])
        for (num, den), ours, theirs in zip(self._geometry, self._picture.planes,
                                            band.planes, strict=True):
            rows = _rows(ours, height * num // den)
            band_rows = _rows(theirs, (bottom - top) * num // den)
            # The same width gives the same line size; the padding goes along.
            used = min(rows.shape[1], band_rows.shape[1])
            a, b, shift = first * num // den, end * num // den, top * num // den
            rows[a:b, :used] = band_rows[a - shift:b - shift, :used]
