"""Formula parts are found by name, and a wrong name is an error (scenes/kit/formula.py)."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN

from backprop_core import build_lesson
from lecture.facts import FactRecorder, TrackedLesson
from scenes.kit import notation
from scenes.kit.formula import FormulaPartError, operand, part_index
from scenes.kit.typeset import Typesetter, value_tag

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


# ----- Fly: a paused frame mid-flight reads as one text (issue 17) ----------------------------

class _Stage:
    """What a flight asks of its scene: the mobjects on screen (and removing its source)."""

    def __init__(self, *mobjects) -> None:
        self.mobjects = list(mobjects)

    def get_mobject_family_members(self) -> list:
        return [m for mob in self.mobjects for m in mob.get_family()]

    def remove(self, *mobjects) -> None:
        self.mobjects = [m for m in self.mobjects if m not in mobjects]


def _flight(source, target, *on_screen, **kwargs):
    from scenes.kit.formula import Fly

    fly = Fly(source, target, **kwargs)
    fly._setup_scene(_Stage(source, target, *on_screen))
    fly.begin()
    return fly


def _boxes_meet(a, b) -> bool:
    return (min(a.get_right()[0], b.get_right()[0]) > max(a.get_left()[0], b.get_left()[0])
            and min(a.get_top()[1], b.get_top()[1]) > max(a.get_bottom()[1], b.get_bottom()[1]))


def test_a_flight_goes_round_a_text_in_its_way_and_never_shows_two_numbers_at_once():
    from manim import LEFT, RIGHT, MathTex

    source = MathTex(r"\times 2.1").move_to(4 * LEFT)
    formula = MathTex("a", "=", "2.1").move_to(4 * RIGHT)
    target = formula[2].set_opacity(0)
    wall = MathTex("3.61")  # straight between them
    fly = _flight(source, target, formula, wall)
    for alpha in np.linspace(0, 1, 41):
        fly.interpolate(alpha)
        shown = fly.traveller.get_fill_opacity() > 0.01
        assert not (shown and _boxes_meet(fly.traveller, wall)), alpha
        # '×2.1' is not '2.1': it fades out before the target part fades in
        assert min(fly.traveller.get_fill_opacity(), fly.arrival.get_fill_opacity()) < 0.01
        if shown and _boxes_meet(fly.traveller, source):  # no double image at the start
            assert fly.traveller.get_fill_opacity() < 1
    assert np.allclose(fly.arrival.get_center(), target.get_center())
    assert fly.arrival.get_fill_opacity() == pytest.approx(1)


def test_a_copy_that_looks_like_its_target_becomes_it_without_fading():
    from manim import LEFT, MathTex

    source = MathTex("2.1").move_to(3 * LEFT)
    formula = MathTex("x", "=", "2.1").shift(2 * DOWN)
    fly = _flight(source, formula[2].set_opacity(0), formula)
    fly.interpolate(1.0)
    assert fly.traveller.get_fill_opacity() == pytest.approx(1)
    assert np.allclose(fly.traveller.get_center(), formula[2].get_center())
