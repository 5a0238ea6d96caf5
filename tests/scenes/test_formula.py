"""Formula parts are found by name, and a wrong name is an error (scenes/formula.py)."""

from __future__ import annotations

import pytest

from backprop_core import build_lesson
from scenes import notation
from scenes.facts import FactRecorder, TrackedLesson
from scenes.formula import FormulaPartError, operand, part_index
from scenes.typeset import Typesetter, value_tag

NAMES = ("w", "=", "@w", r"\times", "(@x)", "gives", "@wx")
SOURCES = ("w", "=", "@w", r"\times", "(@x)", "=", "@wx")


def test_a_part_is_found_by_its_name_or_the_placeholder_it_holds():
    assert part_index(NAMES, SOURCES, "@w") == 2
    assert part_index(NAMES, SOURCES, "(@x)") == 4
    assert part_index(NAMES, SOURCES, "@x") == 4  # "(@x)": the placeholder inside
    assert part_index(NAMES, SOURCES, "gives") == 5  # named with Part("gives", "=")
    assert part_index(NAMES, SOURCES, "=") == 1  # the other "=" has a name of its own


def test_a_name_that_matches_no_part_is_an_error_naming_the_parts():
    with pytest.raises(FormulaPartError, match=r"no part '@b' in the formula \['w', '=', '@w'"):
        part_index(NAMES, SOURCES, "@b")
    with pytest.raises(FormulaPartError):  # "@w" holds @w, not @w1: no prefix matches
        part_index(("@w1",), ("@w1",), "@w")


def test_a_name_that_matches_several_parts_is_an_error():
    with pytest.raises(FormulaPartError, match=r"'=' names parts \[1, 3\].*Part\(name, tex\)"):
        part_index(("y", "=", "@v", "="), ("y", "=", "@v", "="), "=")
    with pytest.raises(FormulaPartError, match="names parts"):
        part_index(("(@a)", "@a + @b"), ("(@a)", "@a + @b"), "@a")


@pytest.fixture(scope="module")
def typeset() -> Typesetter:
    return Typesetter(FactRecorder(TrackedLesson(build_lesson())))


def test_parts_follow_their_names_when_a_symbol_is_added(typeset):
    keys = {"w": "worked_step.w", "x": "worked_step.x"}
    short = typeset.tex("@w", r"\times", "@x", **keys)
    longer = typeset.tex(notation.W, notation.X, "=", "@w", r"\times", "@x", **keys)
    for formula in (short, longer):
        assert formula.part("@w").tex_string == "1"
        assert formula.part("@x").tex_string == "2.1"
        formula.color_parts({"@x": "#63e6be"})
        assert formula.part("@x").get_color().to_hex().lower() == "#63e6be"
    assert longer.parts_before("@w") == longer.submobjects[:3]
    assert longer.parts_except("@w", "@x") == [longer.submobjects[i] for i in (0, 1, 2, 4)]
    with pytest.raises(FormulaPartError):
        longer.part("@b")
    with pytest.raises(FormulaPartError):
        longer.part(notation.B)


def test_an_operand_in_parentheses_is_still_its_placeholder(typeset):
    formula = typeset.tex("@w", r"\times", operand(-1.0, "x"), w="worked_step.w", x="worked_step.x")
    assert formula.part("@x").tex_string == "(2.1)"


def test_a_value_tag_names_its_three_parts(typeset):
    tag = value_tag(typeset, notation.Y_HAT, "worked_step.y_hat", "#b197fc")
    assert [m.tex_string for m in tag.parts("symbol", "=", "@v")] == [notation.Y_HAT, "=", "2.1"]
    assert tag.part("@v").get_color().to_hex().lower() == "#b197fc"
