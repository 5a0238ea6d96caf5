"""Frames converted row band by row band (scenes/speedups/changed_rows.py): every picture has
the pixels a whole conversion gives it."""

from __future__ import annotations

import av
import numpy as np
import pytest

from scenes.speedups import changed_rows
from scenes.speedups.changed_rows import RowConverter


def whole(pixels: np.ndarray, pixel_format: str) -> np.ndarray:
    """What Manim's encoder converts `pixels` to (PyAV's conversion, its defaults)."""
    frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
    return frame.reformat(format=pixel_format).to_ndarray()


def pictures(width: int, height: int) -> list[np.ndarray]:
    """An animation's pictures: a smooth background, then changes in bands of rows (one
    row, the first and last rows, two rows far apart, none, everything), each in colours
    whose chroma differs from the rows around them."""
    rng = np.random.default_rng(11)
    ramp = np.linspace(0, 255, width, dtype=np.uint8)
    picture = np.zeros((height, width, 4), np.uint8)
    picture[..., 0], picture[..., 1] = ramp, ramp[::-1]
    picture[..., 2], picture[..., 3] = 90, 255
    shown = [picture]
    for rows in ([height // 2], [0], [height - 1], [0, 1, 2], [height - 3, height - 1],
                 [5, height - 6], [], list(range(height)), [height // 3, height // 3 + 1],
                 [17], [18], list(range(9, 31))):
        picture = picture.copy()
        for row in rows:
            picture[row, :, :3] = rng.integers(0, 256, size=(width, 3), dtype=np.uint8)
        shown.append(picture)
    return shown


@pytest.mark.parametrize("width, height", [(64, 36), (854, 480), (320, 180)])
@pytest.mark.parametrize("pixel_format, codec", [("yuv420p", "libx264"),
                                                 ("rgb24", "libx264rgb")])
def test_every_picture_has_the_pixels_of_a_whole_conversion(width, height, pixel_format,
                                                             codec):
    converter = RowConverter(pixel_format, codec)
    for index, pixels in enumerate(pictures(width, height)):
        made = converter.convert(pixels)
        assert np.array_equal(made.to_ndarray(), whole(pixels, pixel_format)), index


def test_the_check_above_fails_when_the_rows_filtered_from_a_change_are_not_written(
        monkeypatch):
    # A changed row also changes the chroma rows filtered from the rows around it.
    monkeypatch.setattr(changed_rows, "REACH", 0)
    converter = RowConverter("yuv420p", "libx264")
    differs = [not np.array_equal(converter.convert(p).to_ndarray(), whole(p, "yuv420p"))
               for p in pictures(854, 480)]
    assert any(differs)


def test_a_band_is_written_into_the_picture_before_and_an_unchanged_picture_is_it():
    converter = RowConverter("yuv420p", "libx264")
    shown = pictures(320, 180)
    first = converter.convert(shown[0])
    assert converter.convert(shown[1]) is first  # one row changed: written in place
    assert converter.convert(shown[1].copy()) is first  # the same picture
    assert converter.convert(shown[8]) is not first  # every row: converted whole


def test_another_encoder_gets_a_new_frame_for_every_picture():
    # It might keep a reference to a frame given it: none is written into after.
    converter = RowConverter("yuv420p", "libopenh264")
    made = [converter.convert(p) for p in pictures(64, 36)[:3]]
    assert len({id(frame) for frame in made}) == 3
    for frame, pixels in zip(made, pictures(64, 36)[:3], strict=True):
        assert np.array_equal(frame.to_ndarray(), whole(pixels, "yuv420p"))
