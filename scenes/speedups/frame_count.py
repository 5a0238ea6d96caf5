"""How many frames Manim writes for an animation, counted before it writes them.

A slide places each beat's speech, subtitle and cut on the frame where the beat starts
(scenes/kit/slide.py), so it needs the frames of every animation before it: also of
those Manim takes from its cache or skips (a dry run), which write none. Manim 0.22
writes a static wait as its frame held `int(d / dt)` times (`freeze_current_frame`)
and any other animation as one frame per started `dt` (`get_time_progression`,
`np.arange(0, d, dt)`). `frames_of_play` says the same; it replaces nothing, so it is
the one reach into Manim that stays with any Manim.

Whenever Manim does write the frames, `FrameCounter` counts what its file writer
receives and the slide compares the two: a difference is an error naming the slide and
beat, never a narration drifting off its picture. tests/scenes/speedups/test_read_against.py
fails when the Manim code it mirrors is not the code read.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import config

from scenes.speedups.guard import Patch

__all__ = ["frames_of_play", "FrameCounter", "PATCH"]


def frames_of_play(scene: Any) -> int:
    """The frames Manim writes for the animation `scene` has just played."""
    rate = config.frame_rate
    if scene.is_current_animation_frozen_frame():
        return int(scene.duration / (1 / rate))
    return len(np.arange(0, scene.duration, 1 / rate))


class FrameCounter:
    """The frames a scene's file writer has received so far, repeats counted."""

    def __init__(self, writer: Any) -> None:
        self.frames = 0
        write = writer.write_frame

        def counted(pixels: Any, *, repeat: int = 1) -> None:
            self.frames += repeat
            write(pixels, repeat=repeat)

        writer.write_frame = counted  # on this writer only: Manim's class stays as it is


# Where Manim decides between a held frame and drawn ones, and how many of each: the
# renderer's play, freeze and add_frame, the scene's time progression and the writer's
# write_frame (whose calls the counter counts).
PATCH = Patch("frame count", {
    "manim.renderer.cairo_renderer:CairoRenderer.play": "5affbe0f311d6099",
    "manim.renderer.cairo_renderer:CairoRenderer.freeze_current_frame": "a95825fff9f7570d",
    "manim.renderer.cairo_renderer:CairoRenderer.add_frame": "eadf486029f08f4e",
    "manim.scene.scene:Scene.is_current_animation_frozen_frame": "8cf611b8cec5a1ce",
    "manim.scene.scene:Scene.play_internal": "c83eff575fd77321",
    "manim.scene.scene:Scene._get_animation_time_progression": "7b029606dafa4c43",
    "manim.scene.scene:Scene.get_time_progression": "9bc9c9d98d6b45b8",
    "manim.scene.scene:Scene.wait": "ad58a05bca6469e9",
    "manim.scene.scene_file_writer:SceneFileWriter.write_frame": "e1234e03b0a8f934",
})
