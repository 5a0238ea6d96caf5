"""The numeral audit catches typed numbers and lets lesson facts and notation through."""

from __future__ import annotations

from types import SimpleNamespace

from manim import DecimalNumber, MathTex, Text

from lecture.facts import Fact
from scenes.checks.audit import missing_facts, numeral_audit, unexplained_numerals


def tagged(mob, *facts):
    mob.fact_texts = facts
    return mob


def test_a_typed_number_is_caught():
    assert unexplained_numerals(Text("loss = 3.61")) == ["3", "61"]


def test_a_recorded_fact_is_explained():
    assert unexplained_numerals(tagged(Text("loss = 3.61"), "3.61")) == []


def test_a_fact_explains_only_itself():
    # 3.61 recorded once cannot cover a second, typed 3.61
    assert unexplained_numerals(tagged(Text("3.61 and 3.61"), "3.61")) == ["3", "61"]


def test_notation_is_allowed_but_only_notation():
    square = tagged(MathTex(r"\mathrm{loss} = (y - \hat{y})^2 = 3.61"), "3.61")
    derivative = MathTex(r"\frac{\partial\,\mathrm{loss}}{\partial \hat{y}} = -2(y - \hat{y})")
    assert unexplained_numerals(square) == []
    assert unexplained_numerals(derivative) == []
    assert unexplained_numerals(MathTex(r"(y - \hat{y})^3")) == ["3"]


def test_counters_are_not_facts_but_marked_ticks_are():
    counter = DecimalNumber(2.5)
    assert unexplained_numerals(counter) == ["2.5"]
    counter.axis_tick = True
    assert unexplained_numerals(counter) == []


def test_scene_level_audits():
    shown = tagged(Text("ŷ = 2.1"), "2.1")
    typed = Text("10 steps")
    scene = SimpleNamespace(
        seen_texts={id(shown): shown, id(typed): typed},
        narration=[{"text": "The loss is 3.61."}],
        facts=SimpleNamespace(facts=[
            Fact("worked_step.y_hat", 2.1, "2.1", "2.1", "screen"),
            Fact("worked_step.loss", 3.61, "3.61", "3.61", "narration"),
            Fact("worked_step.dloss_dw", -7.98, "\u22127.98", "-7.98", "screen"),
        ]),
    )
    assert numeral_audit(scene) == ["'10 steps' shows typed numerals ['10']"]
    assert missing_facts(scene) == [
        "worked_step.dloss_dw = '\u22127.98' was recorded but never shown (screen)"]
