"""A checkpoint is a beat of its own, asked before the beat the bank names (scenes/kit/slide.py):
its card covers the content while the question is said, the next beat brings the content back,
and $BACKPROP_CHECKPOINTS=none asks nothing."""

from __future__ import annotations

import pytest
from manim import Dot, FadeIn

from lecture import contract, questions
from scenes.checks.audit import missing_facts, numeral_audit
from scenes.checks.layout import visible_box
from scenes.kit import slide as slide_module
from scenes.kit.slide import SlideScene, beat
from tests.scenes.kit.test_slide_beats import run


class _Neuron(SlideScene):
    """Slide 2's beats around its checkpoint (the bank asks y_hat before `multiply`)."""

    slide_number = 2

    def construct(self) -> None:
        self.feed_values()
        self.multiply()

    @beat
    def feed_values(self) -> None:
        with self.narrate("Our input is @x.", x="worked_step.x"):
            self.dot = Dot()
            self.label = self.text("x = @x", x="worked_step.x").next_to(self.dot)
            self.play(FadeIn(self.dot, self.label), run_time=0.3)

    @beat
    def multiply(self) -> None:
        self.during = [m for m in self.mobjects if m is not self.chrome]
        with self.narrate("First the multiply."):
            self.after = list(self.mobjects)
            self.wait(0.2)


def _beats(scene: SlideScene) -> list[str]:
    return [b["beat"] for b in scene.narration]


def _in(mobject, mobjects: list) -> bool:
    return any(mobject in m.get_family() for m in mobjects)


def _shown(mobjects: list) -> list[str]:
    return [type(m).__name__ for m in mobjects if visible_box(m) is not None]


def test_the_bank_asks_before_its_beat_and_the_next_beat_shows_the_content_again(tmp_path):
    scene = run(_Neuron, tmp_path)
    assert _beats(scene) == ["feed_values", "checkpoint_y_hat", "multiply"]
    card = scene.narration[1]
    assert card["text"] == ("Pause and predict: A neuron computes ŷ = w·x + b. With x = 2.1, "
                            "w = 1 and b = 0, what is its prediction ŷ?")
    assert card["checkpoint"]["answer"] == "Answer: 2.1"
    assert card["checkpoint"]["accepted"] == "(any answer from 2.095 to 2.105 is right)"
    assert card["checkpoint"]["solution"] == "ŷ = w·x + b = 1 · 2.1 + 0 = 2.1."
    # Said, then the card stays up while the bar empties, then the beat's pause.
    words = questions.checkpoint_words()
    assert card["end"] - card["start"] >= slide_module.reading_time(card["text"]) \
        + words.think_seconds
    # While the card is up the content is off the screen; the answer's beat brings it back.
    assert _shown(scene.during) == ["CheckpointCard"]
    assert _in(scene.dot, scene.after) and _in(scene.label, scene.after)
    assert scene.dot.get_fill_opacity() == 1  # as it was before the card
    assert scene.layout_problems == [] and numeral_audit(scene) == []
    assert missing_facts(scene) == []  # the answer's numbers are in the checkpoint's entry
    asked = [f for f in scene.facts.facts if f.where == "checkpoint"]
    assert {f.key for f in asked} == {"worked_step.x", "worked_step.w", "worked_step.b",
                                      "worked_step.y_hat"}


def test_checkpoints_none_asks_nothing_and_a_strange_value_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(contract.CHECKPOINTS, "none")
    assert _beats(run(_Neuron, tmp_path / "none")) == ["feed_values", "multiply"]
    monkeypatch.setenv(contract.CHECKPOINTS, "some")
    with pytest.raises(ValueError, match="BACKPROP_CHECKPOINTS='some'"):
        run(_Neuron, tmp_path / "some")


BANK = '''
[notes]
not_finite = "not finite"

[checkpoint]
badge = "Think"
prompt = "Predict:"
answer = "It is @answer"
accepted = "(@low to @high)"
think_seconds = 0.5
answers_heading = "Answers"
reveal = "Show"
reveal_hint = "Press A."

[[question]]
id = "first"
slide = 2
before = "multiply"
checkpoint = true
kind = "number"
text = "What is ŷ for x = @x?"
bind = { x = "worked_step.x" }
answer = "worked_step.y_hat"
solution = "ŷ = @answer."

[[question]]
id = "second"
slide = 2
before = "multiply"
checkpoint = true
kind = "choice"
text = "Is it on target?"
bind = { y = "worked_step.y" }
verdict = "prediction"
choices = { on_target = "Yes, at @y." }
leave_out = { too_low = "low", too_high = "high" }
solution = "It is."
'''


def test_two_checkpoints_at_one_beat_swap_cards_and_one_left_out_is_not_asked(tmp_path,
                                                                            monkeypatch):
    path = tmp_path / "questions.toml"
    path.write_text(BANK, encoding="utf-8")
    loaded = questions.load_bank(path)
    monkeypatch.setattr(questions, "bank", lambda: loaded)
    words = questions.load_checkpoint_words(path)
    monkeypatch.setattr(questions, "checkpoint_words", lambda catalog=None: words)
    scene = run(_Neuron, tmp_path / "one")  # the defaults are too low: "second" is left out
    assert _beats(scene) == ["feed_values", "checkpoint_first", "multiply"]
    first = scene.narration[1]
    assert first["text"] == "Predict: What is ŷ for x = 2.1?"
    assert (first["checkpoint"]["answer"], first["checkpoint"]["accepted"]) == \
        ("It is 2.1", "(2.095 to 2.105)")

    class OnTarget(_Neuron):
        def construct(self) -> None:
            self.lesson = type(self.lesson)(_on_target(self.lesson.raw))
            self.facts.lesson = self.typeset.facts.lesson = self.lesson
            super().construct()

    scene = run(OnTarget, tmp_path / "two")  # on target: both asked, one card after the other
    assert _beats(scene) == ["feed_values", "checkpoint_first", "checkpoint_second", "multiply"]
    second = scene.narration[2]["checkpoint"]
    assert [c["text"] for c in second["choices"]] == ["Yes, at 2.5."]
    assert (second["answer"], second["accepted"]) == ("It is a) Yes, at 2.5.", None)
    assert _shown(scene.during) == ["CheckpointCard"]
    assert _in(scene.dot, scene.after) and scene.layout_problems == []


def _on_target(lesson):
    from backprop_core import build_lesson
    from backprop_core.params import params_from_mapping

    return build_lesson(params_from_mapping({"x": 2.0, "w": 1.0, "b": 0.5, "y": 2.5}))
