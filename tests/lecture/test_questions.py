"""The question bank: well formed, every beat it names exists, every answer is the core's."""

from __future__ import annotations

import dataclasses
import math
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backprop_core import ParamError, build_lesson
from backprop_core.formatting import answer_key, shown_value
from lecture.questions import BankError, LeftOut, load_bank, pose, verdict_values, work_out
from lecture.slides import SLIDES, declared_beats
from tests.backprop_core.core_strategies import params_strategy

QUESTIONS, NOTES = load_bank()
# The network's training is most of a lesson's cost: its epochs drawn below 300.
EXAMPLES = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def lesson_or_none(params):
    try:
        return build_lesson(params)
    except ParamError:  # a diverging network or an overflowing descent: refused up front
        return None


def beat_names(slide) -> set[str]:
    return set(declared_beats(slide))


def test_the_bank_asks_at_least_twelve_questions_over_every_slide():
    assert len(QUESTIONS) >= 12
    assert {q.slide for q in QUESTIONS} == {s.number for s in SLIDES}
    assert {q.kind for q in QUESTIONS} == {"number", "choice"}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_each_question_comes_before_a_beat_of_its_slide(question):
    slide = SLIDES[question.slide - 1]
    assert question.before in beat_names(slide), (
        f"{question.id}: slide {slide.number} has no beat '{question.before}'")


def test_the_default_lesson_asks_every_question():
    paper = pose(build_lesson())
    assert not paper.left_out
    assert [p.question.number for p in paper.posed] == list(range(1, len(QUESTIONS) + 1))


def test_a_diverging_descent_is_asked_and_a_flat_one_left_out_with_its_note():
    explode = pose(build_lesson(dataclasses.replace(build_lesson().params, lr=0.25)))
    descent = next(p for p in explode.posed if p.id == "descent")
    assert descent.correct.value == "diverges"
    assert "−1.71" in descent.plain(descent.solution)
    flat = pose(build_lesson(dataclasses.replace(build_lesson().params, x=0.0)))
    (left,) = [e for e in flat.left_out if e.question.id == "descent"]
    assert left.note == dict(left.question.leave_out)["flat"]


def test_brackets_around_a_number_only_when_it_is_negative():
    paper = pose(build_lesson())
    w_next = next(p for p in paper.posed if p.id == "w_next")
    assert w_next.plain(w_next.solution) == "w := w − lr · ∂loss/∂w = 1 − 0.01 · (−7.98) = 1.0798."
    loss = next(p for p in paper.posed if p.id == "loss")
    assert "= 1.9² =" in loss.plain(loss.solution)
    relu = next(p for p in paper.posed if p.id == "relu_gradient")
    assert "· ReLU′(2.06) =" in relu.plain(relu.solution)  # a function keeps its brackets


def test_a_question_whose_number_is_not_finite_is_left_out_with_the_note():
    lesson = build_lesson()
    broken = dataclasses.replace(lesson, worked_step=dataclasses.replace(
        lesson.worked_step, dloss_dw=math.inf))
    paper = pose(broken)
    asked_with_it = {q.id for q in QUESTIONS
                     if "worked_step.dloss_dw" in (q.answer, *dict(q.bind).values())}
    assert {e.question.id for e in paper.left_out} == asked_with_it
    assert all(e.note == NOTES["not_finite"] for e in paper.left_out)


@given(params_strategy(epochs=st.integers(1, 300)))
@EXAMPLES
def test_every_answer_is_the_cores_under_the_questions_rounding(params):
    lesson = lesson_or_none(params)
    assume(lesson is not None)
    paper = pose(lesson)
    for entry in paper.entries:
        q = entry.question
        if isinstance(entry, LeftOut):
            assert lesson.lookup(f"verdicts.{q.verdict}") in dict(q.leave_out)
            continue
        text = " ".join([entry.plain(q.text), entry.plain(entry.solution),
                         *(entry.plain(c.text) for c in entry.choices)])
        assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE), text
        assert "@" not in text
        if q.kind == "number":
            core = answer_key(q.answer, lesson.lookup(q.answer), q.tolerance_units)
            assert (entry.key.key, entry.key.value) == (core.key, core.value)
            assert entry.key.tolerance >= core.tolerance
            assert entry.key.low <= Decimal(entry.key.value) <= entry.key.high
            if q.from_shown:
                check_worked_out(q, entry, lesson)
            else:
                assert entry.key == core
        else:
            assert [c.value for c in entry.choices if c.correct] == \
                [lesson.lookup(f"verdicts.{q.verdict}")]


def check_worked_out(q, entry, lesson) -> None:
    """from_shown is the core's computation: on the unrounded values it gives the core's
    answer; on the printed ones, an answer the key accepts (rounded as the key is)."""
    exact = {name: Decimal(lesson.lookup(path)) for name, path in q.bind}
    truth = Decimal(lesson.lookup(q.answer))
    worked = work_out(q.from_shown, exact)
    scale = max([abs(v) for v in exact.values()] + [abs(truth), Decimal(1)])
    assert abs(worked - truth) <= Decimal("1e-12") * scale ** 2, (q.id, worked, truth)
    printed = work_out(q.from_shown, {n: shown_value(s) for n, s in entry.numbers.items()})
    rounded = Decimal(answer_key(q.answer, float(printed), 0.0).key)
    assert entry.key.low <= rounded <= entry.key.high, (q.id, printed, entry.key)


def test_an_answer_worked_out_from_the_printed_numbers_is_accepted_too():
    lesson = build_lesson(dataclasses.replace(build_lesson().params, x=-37.5, w=88.2, b=-99.0,
                                              y=100.0, lr=0.0003))
    w_next = next(p for p in pose(lesson).posed if p.id == "w_next")
    # ∂loss/∂w = 262987.5 is printed 2.63×10⁵: 88.2 − 0.0003 · 263000 = 9.3, not 9.3038.
    assert w_next.key.key == "9.3038" and w_next.key.low <= Decimal("9.3") <= w_next.key.high


# ----- the bank's own checks, each shown failing ------------------------------------------

GOOD = '''
[notes]
not_finite = "not finite"

[[question]]
id = "y_hat"
slide = 2
before = "multiply"
kind = "number"
text = "x = @x: what is ŷ?"
bind = { x = "worked_step.x" }
answer = "worked_step.y_hat"
solution = "ŷ = @answer."
'''


def bank_from(tmp_path: Path, text: str):
    path = tmp_path / "questions.toml"
    path.write_text(text, encoding="utf-8")
    return load_bank(path)


def test_a_small_bank_loads(tmp_path):
    (question,), notes = bank_from(tmp_path, GOOD)
    assert question.beat == (2, "multiply") and notes["not_finite"] == "not finite"


@pytest.mark.parametrize("change, message", [
    (('text = "x = @x: what is ŷ?"', 'text = "x = @z: what is ŷ?"'), "@z"),
    (('kind = "number"', 'kind = "essay"'), "kind must be"),
    (('slide = 2', 'slide = 9'), "no slide 9"),
    (('answer = "worked_step.y_hat"\nsolution = "ŷ = @answer."', 'solution = "ŷ."'),
     "needs answer"),
    (('solution = "ŷ = @answer."', 'solution = "ŷ = @answer."\nverdict = "mood"'), "no verdict"),
    (('before = "multiply"\n', ''), "'before' is missing"),
    (('id = "y_hat"', 'id = "y hat"'), "id must be a name"),
    (('bind =', 'colour = "red"\nbind ='), "unknown field"),
    (('not_finite = "not finite"', 'other = "x"'), "not_finite"),
    (('answer = "worked_step.y_hat"', 'answer = "worked_step.y_hat"\nfrom_shown = "x / 2"'),
     "Div is not allowed"),
    (('answer = "worked_step.y_hat"', 'answer = "worked_step.y_hat"\nfrom_shown = "w * x"'),
     "uses w, which bind does not name"),
    (('answer = "worked_step.y_hat"',
      'answer = "worked_step.y_hat"\nfrom_shown = "__import__(\'os\')"'), "max and min"),
])
def test_a_malformed_bank_is_refused_with_a_message(tmp_path, change, message):
    with pytest.raises(BankError, match=re.escape(message)):
        bank_from(tmp_path, GOOD.replace(*change))


CHOICE = GOOD + '''
[[question]]
id = "step"
slide = 6
before = "new_forward_pass"
kind = "choice"
text = "Does the loss fall?"
bind = {}
verdict = "step_trend"
choices = { falls = "It falls.", rises = "It rises." }
solution = "See the slide."
'''


def test_a_choice_must_cover_every_verdict_or_leave_it_out(tmp_path):
    with pytest.raises(BankError, match="no choice for stays"):
        bank_from(tmp_path, CHOICE)
    questions, _ = bank_from(tmp_path, CHOICE.replace(
        'solution = "See the slide."', 'solution = "See the slide."\nleave_out = { stays = "-" }'))
    assert questions[1].leave_out == (("stays", "-"),)
    with pytest.raises(BankError, match="used twice"):
        bank_from(tmp_path, CHOICE.replace('id = "step"', 'id = "y_hat"').replace(
            'rises = "It rises."', 'rises = "It rises.", stays = "It stays."'))
    with pytest.raises(BankError, match="not a value of the verdict"):
        bank_from(tmp_path, CHOICE.replace('rises = "It rises."', 'rises = "r", soars = "s"'))


def test_verdict_values_are_the_cores_literals():
    assert verdict_values("step_trend") == ("falls", "rises", "stays")
    with pytest.raises(KeyError):
        verdict_values("mood")


def test_the_beat_check_reads_the_scenes_beats():
    backward = beat_names(SLIDES[5])
    assert {"read_gradients", "backward_to_prediction", "new_forward_pass"} <= backward
    assert "no_such_beat" not in backward
