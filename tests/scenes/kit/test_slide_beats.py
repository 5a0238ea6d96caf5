"""A beat has one name, its method's (scenes/kit/slide.py `@beat`), and says one sentence."""

from __future__ import annotations

import pytest
from manim import Dot, FadeIn, tempconfig

from scenes.kit.slide import SlideScene, beat


class _Two(SlideScene):
    slide_number = 4

    def construct(self) -> None:
        self.show_dot()
        self.hold_it()

    @beat
    def show_dot(self) -> None:
        with self.narrate("A dot."):
            self.play(FadeIn(Dot()), run_time=0.3)

    @beat
    def hold_it(self) -> None:
        with self.narrate("Still there."):
            self.wait(0.5)


def run(scene_class: type, tmp_path, dry: bool = True) -> SlideScene:
    settings = {"media_dir": str(tmp_path), "verbosity": "WARNING", "progress_bar": "none",
                "disable_caching": True, "dry_run": dry, "quality": "low_quality"}
    with tempconfig(settings):
        scene = scene_class(skip_animations=dry)
        scene.render()
    return scene


def test_a_beat_is_named_by_its_method(tmp_path):
    scene = run(_Two, tmp_path)
    assert [b["beat"] for b in scene.narration] == ["show_dot", "hold_it"]


def test_a_sentence_outside_a_beat_twice_in_one_or_none_at_all_is_an_error(tmp_path):
    class Outside(_Two):
        def construct(self) -> None:
            with self.narrate("Who says this?"):
                pass

    class Twice(_Two):
        def construct(self) -> None:
            self.twice()

        @beat
        def twice(self) -> None:
            with self.narrate("Once."):
                pass
            with self.narrate("Twice."):
                pass

    class Silent(_Two):
        def construct(self) -> None:
            self.silent()

        @beat
        def silent(self) -> None:
            self.wait(0.2)

    class Again(_Two):
        def construct(self) -> None:
            self.show_dot()
            self.show_dot()

    for kind, message in ((Outside, "in a method marked @beat"), (Twice, "said once"),
                          (Silent, "'silent' narrated nothing"),
                          (Again, "'show_dot' played twice")):
        with pytest.raises(RuntimeError, match=message):
            run(kind, tmp_path / kind.__name__)
