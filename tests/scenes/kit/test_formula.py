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


def _every_frame(fly, *on_screen):
    """Pause the flight at 41 moments: no frame piles two texts up, by the paused-frame
    check's measure (the copy and the target part among the texts); the copy's opacities."""
    from scenes.checks.paused_frames import overlapping_texts

    shown = []
    for alpha in np.linspace(0, 1, 41):
        fly.interpolate(alpha)
        assert overlapping_texts([*on_screen, fly.mobject], exempt=set()) == [], alpha
        shown.append(fly.traveller.get_fill_opacity())
    return shown


def test_a_flight_goes_round_a_text_in_its_way_carrying_only_what_the_target_shows():
    from manim import LEFT, RIGHT, MathTex

    source = MathTex(r"\times", "2.1").move_to(4 * LEFT)
    formula = MathTex("a", "=", "2.1").move_to(4 * RIGHT)
    target = formula[2].set_opacity(0)
    wall = MathTex("3.61")  # straight between them
    fly = _flight(source, target, formula, wall)
    assert len(fly.traveller.family_members_with_points()) == 3  # '2.1': the '×' stays
    shown = _every_frame(fly, source, formula, wall)
    assert shown[0] == 0 and max(shown) == pytest.approx(1)  # hidden over its source only
    assert np.allclose(fly.traveller.get_center(), target.get_center())
    assert fly.traveller.get_fill_opacity() == pytest.approx(1)


def test_a_copy_lands_inside_the_brackets_of_its_target_which_fade_in_around_it():
    from manim import LEFT, MathTex

    source = MathTex("-2").move_to(3 * LEFT + DOWN)
    formula = MathTex("y", "=", "3", r"\times", "(-2)").shift(2 * DOWN)
    fly = _flight(source, formula[4].set_opacity(0), formula, source)
    _every_frame(fly, source, formula)
    inside = formula[4].family_members_with_points()[1:-1]
    assert np.allclose(fly.traveller.get_center(), _group(inside).get_center())
    assert len(fly.arrival.family_members_with_points()) == 2  # the brackets
    assert fly.arrival.get_fill_opacity() == pytest.approx(1)


def test_a_copy_unlike_its_target_and_hemmed_in_by_texts_never_lies_on_one():
    from manim import DOWN, LEFT, RIGHT, UP, MathTex

    source = MathTex("3.61")
    walls = [MathTex("1.5").next_to(source, side, buff=0.05) for side in (UP, DOWN, LEFT, RIGHT)]
    formula = MathTex("x", "=", "y").shift(3 * DOWN + 4 * RIGHT)
    fly = _flight(source, formula[2].set_opacity(0), formula, *walls)
    shown = _every_frame(fly, source, formula, *walls)
    assert max(shown) == pytest.approx(1)  # clear of the walls, it shows
    for alpha in np.linspace(0, 1, 41):  # '3.61' fades out before the 'y' fades in
        fly.interpolate(alpha)
        assert min(fly.traveller.get_fill_opacity(), fly.arrival.get_fill_opacity()) < 0.01


def _group(mobjects):
    from manim import VGroup

    return VGroup(*(m.copy() for m in mobjects))


def test_a_copy_that_looks_like_its_target_becomes_it_without_fading():
    from manim import LEFT, MathTex

    source = MathTex("2.1").move_to(3 * LEFT)
    formula = MathTex("x", "=", "2.1").shift(2 * DOWN)
    fly = _flight(source, formula[2].set_opacity(0), formula)
    fly.interpolate(1.0)
    assert fly.traveller.get_fill_opacity() == pytest.approx(1)
    assert np.allclose(fly.traveller.get_center(), formula[2].get_center())
