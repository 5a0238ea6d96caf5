"""Loudness: EBU R128 integrated loudness (pyloudnorm's ITU-R BS.1770-4 meter), one target
for all speech, and a soft peak limiter.

The narration's one level: the synthetic voice's sentences on a slide's track
(backprop_render/media/audio.py) and each of the lecturer's takes (take_audio.py) are
brought to TARGET_LUFS, so the level does not jump between slides, nor between a take and
the voice on one slide. numpy, pyloudnorm and scipy load when something is measured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["TARGET_LUFS", "PEAK_CEILING", "import_meter", "loudness", "normalise"]

TARGET_LUFS = -16.0  # spoken word on the web and in podcasts (EBU R128 / AES TD1004)
PEAK_CEILING = 10 ** (-1 / 20)  # -1 dBFS: room for the AAC encoder's overshoot
_LIMITER_WINDOW = 0.01  # seconds the limiter's gain is held and smoothed over


def import_meter() -> None:
    """Load the loudness meter's modules now. A slide job process calls it while its Manim
    draws (after the fork: a job forks its Manim with one thread, and an import starts
    none): pyloudnorm loads scipy.signal, 0.6 CPU s that would otherwise come after the
    drawing, on the way to the slide's publication."""
    import pyloudnorm  # noqa: F401


def loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS (gated, so the pauses between beats do not count)."""
    import numpy as np
    import pyloudnorm

    if samples.size < rate:  # the meter needs at least one 400 ms block; be generous
        return float("-inf")
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def _limit(samples: np.ndarray, rate: int) -> np.ndarray:
    """A look-ahead peak limiter: below PEAK_CEILING everywhere, its gain smooth.

    The gain each sample needs is held over a window (a running minimum) and then
    averaged over the same window: every average is over gains at most the one the
    sample needs, so no peak passes, and the gain never jumps (a sample-by-sample
    clipper would add distortion on every plosive).
    """
    import numpy as np
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    magnitude = np.abs(samples)
    if magnitude.max(initial=0.0) <= PEAK_CEILING:
        return samples
    needed = np.minimum(1.0, PEAK_CEILING / np.maximum(magnitude, 1e-9))
    window = max(3, int(_LIMITER_WINDOW * rate) | 1)  # odd: centred
    gain = uniform_filter1d(minimum_filter1d(needed, window, mode="nearest"), window,
                            mode="nearest")
    return (samples * np.minimum(gain, needed)).astype(np.float32)


def normalise(samples: np.ndarray, rate: int, target: float = TARGET_LUFS) -> np.ndarray:
    """At `target` integrated loudness (to 0.1 LU), peaks limited to PEAK_CEILING."""
    import numpy as np

    for _ in range(3):  # limiting lowers the loudness a little; measure again
        measured = loudness(samples, rate)
        if not np.isfinite(measured) or abs(measured - target) < 0.1:
            break
        samples = _limit(samples * np.float32(10 ** ((target - measured) / 20)), rate)
    return samples.astype(np.float32)
