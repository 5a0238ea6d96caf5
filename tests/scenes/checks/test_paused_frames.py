"""The paused-frame check (scenes/checks/paused_frames.py) fails where it should: two texts piled
up mid-animation, one number's glyphs morphed into another's; and passes a cross-fade."""

from __future__ import annotations

from manim import DOWN, FadeIn, ReplacementTransform, Text, tempconfig

from scenes.checks import paused_frames
from scenes.kit.slide import SlideScene


def texts(*words: str) -> list[Text]:
    return [Text(w, font_size=40) for w in words]


def test_two_texts_on_top_of_each_other_are_found_unless_one_fades_out():
    old, new = texts("1.0798", "1.151")
    problems = paused_frames.overlapping_texts([old, new], exempt=set())
    assert len(problems) == 1 and "'1.0798' and '1.151' cover" in problems[0]
    fading = paused_frames.fading_out([paused_frames.cross_fade(old, new)])
    assert id(old) in fading and id(new) not in fading
    assert paused_frames.overlapping_texts([old, new], exempt=fading) == []
    # Side by side, or merely touching, is not a pile-up.
    assert paused_frames.overlapping_texts([old, new.next_to(old, DOWN, buff=0)], set()) == []


def test_a_transform_between_two_numbers_is_a_glyph_morph():
    old, new = texts("2.87", "2.28")
    assert paused_frames.glyph_morphs([ReplacementTransform(old, new)]) == \
        ["a Transform morphs '2.87' into '2.28'; cross-fade instead"]
    moved = old.copy().shift(DOWN)
    assert paused_frames.glyph_morphs([ReplacementTransform(old, moved)]) == []  # same text


def test_the_cross_fade_never_shows_both_numbers_at_once():
    old, new = texts("3.61", "2.87")
    fade = paused_frames.cross_fade(old, new)
    fade.begin()
    for alpha in (0.0, 0.25, 0.45, 0.5, 0.55, 0.75, 1.0):
        fade.interpolate(alpha)
        assert min(old[0].get_fill_opacity(), new[0].get_fill_opacity()) < 0.01, alpha


class _PileUp(SlideScene):
    """A new number fades in over an old one that stays: the frame mid-way reads neither."""

    slide_number = 1

    def construct(self) -> None:
        old, new, newer = texts("−7.98", "−7.12", "−6.35")
        self.add(old)
        self.play(FadeIn(new))
        self.remove(old)
        self.play(paused_frames.cross_fade(new, newer))


def test_a_dry_run_finds_the_pile_up_inside_the_animation(tmp_path):
    with tempconfig({"dry_run": True, "media_dir": str(tmp_path), "verbosity": "WARNING",
                     "progress_bar": "none", "disable_caching": True}):
        scene = _PileUp(skip_animations=True)
        scene.check_paused_frames = True
        scene.render()
    # Only the first animation shows two readable numbers at once; the cross-fade never does.
    problems = scene.paused_frame_problems
    assert problems and len({p.split(" beat")[0] for p in problems}) == 1
    assert all("'−7.98' and '−7.12' cover" in p for p in problems)
    assert any(p.split(": ", 1)[1].startswith("at 30%") for p in problems)


def test_a_flying_copy_of_a_formula_part_over_a_text_is_a_pile_up():
    from manim import LEFT, RIGHT, MathTex

    from scenes.kit.formula import Fly

    source = MathTex("a", "=", "3.61").move_to(4 * LEFT)
    formula = MathTex("b", "=", "3.61").move_to(4 * RIGHT)
    fly = Fly(source[2], formula[2].set_opacity(0))  # no scene: the straight line
    fly.begin()
    fly.interpolate(0.5)
    word = Text("loss", font_size=40).move_to(fly.traveller)
    assert paused_frames.moves_text([fly])
    problems = paused_frames.overlapping_texts([source, formula, fly.mobject, word], set())
    assert len(problems) == 1 and "'3.61' and 'loss' cover" in problems[0], problems
