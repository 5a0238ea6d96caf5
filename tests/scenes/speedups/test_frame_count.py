"""Each animation's frames, as a slide counts them before Manim writes them
(scenes/speedups/frame_count.py), are the frames Manim writes; a render in which they are
not stops, naming the slide and the beat."""

from __future__ import annotations

import pytest
from manim import Dot, FadeIn, tempconfig

from lecture import contract
from scenes.kit.slide import FrameCountError, SlideScene, beat
from scenes.speedups import frame_count


class _Drawn(SlideScene):
    slide_number = 4

    def construct(self) -> None:
        self.show_dot()

    @beat
    def show_dot(self) -> None:
        with self.narrate("A dot."):
            self.play(FadeIn(Dot()), run_time=0.3)
            self.wait(0.5)


def render(folder) -> SlideScene:
    with tempconfig({"media_dir": str(folder), "verbosity": "WARNING", "progress_bar": "none",
                     "disable_caching": True, "quality": "low_quality"}):
        scene = _Drawn()
        scene.render()
    return scene


def test_the_frames_counted_are_the_frames_manim_writes(tmp_path, monkeypatch):
    monkeypatch.setenv(contract.NO_PREFETCH, "1")
    scene = render(tmp_path)
    # 0.3 s drawn at 15 fps: 5 frames; then 0.5 s and the beat's pause held, int(d * 15).
    assert scene.frames_written.frames == round(scene.video_time * 15) > 5 + 7
    counted = frame_count.frames_of_play
    monkeypatch.setattr(frame_count, "frames_of_play", lambda s: counted(s) + 1)
    with pytest.raises(FrameCountError, match="gradient-descent.show_dot: Manim wrote 5 "
                                              "frames for animation 0, the slide counted 6"):
        render(tmp_path / "off")
