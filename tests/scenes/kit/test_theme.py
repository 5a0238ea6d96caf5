"""Both palettes, measured from their own values with coloraide: text reads against what it
is written on (WCAG 2.1 contrast), and the colours that carry meaning stay apart (CIEDE2000)
for normal vision and for the three dichromacies as Machado, Oliveira and Fernandes (2009)
simulate them. Each checker is shown failing on a palette made bad on purpose."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from coloraide import Color

from lecture import contract
from scenes.kit import theme
from scenes.kit.theme import DARK, LIGHT, THEMES, Palette

# WCAG 2.1 AA: 4.5:1 for text, 3:1 for large text (24 pt and up, or 18.66 pt bold). Every
# colour of a palette is used for small text somewhere (captions, axis labels, legends
# written in a meaning's colour), so every one must reach 4.5:1.
MIN_CONTRAST = 4.5
MIN_CONTRAST_LARGE = 3.0
# CIEDE2000 of about 10 reads as "another colour" at a glance; 2.3 is a just-noticeable
# difference. The issue asks for about 10 under every vision below.
MIN_DELTA_E = 10.0
VISIONS = ("normal", "protan", "deutan", "tritan")


def seen_as(colour: str, vision: str) -> Color:
    """How a viewer with `vision` sees `colour` (full dichromacy, Machado 2009)."""
    seen = Color(colour).convert("srgb")
    if vision == "normal":
        return seen
    return seen.filter(vision, 1.0, method="machado", out_space="srgb").clip()


def contrast(text: str, ground: str) -> float:
    return Color(text).contrast(ground, method="wcag21")


def contrast_problems(palette: Palette, large: bool = False) -> list[str]:
    """Every text colour that does not read on the background or a panel."""
    least = MIN_CONTRAST_LARGE if large else MIN_CONTRAST
    return [f"{name} {text} on {ground_name} {ground}: {contrast(text, ground):.2f}:1 < {least}:1"
            for name, text in palette.text_colours.items()
            for ground_name, ground in palette.grounds.items()
            if contrast(text, ground) < least]


def confusable_pairs(palette: Palette, visions: tuple[str, ...] = VISIONS) -> list[str]:
    """Every two meaning colours closer than MIN_DELTA_E for some vision."""
    found = []
    for vision in visions:
        seen = {name: seen_as(colour, vision) for name, colour in palette.meaning_colours.items()}
        for a, b in itertools.combinations(seen, 2):
            difference = seen[a].delta_e(seen[b], method="2000")
            if difference < MIN_DELTA_E:
                found.append(f"{vision}: {a} and {b} differ by {difference:.1f} < {MIN_DELTA_E}")
    return found


# ----- the palettes ------------------------------------------------------------------------

@pytest.mark.parametrize("name", THEMES)
def test_every_text_colour_reads_on_the_background_and_the_panels(name):
    assert contrast_problems(THEMES[name]) == []


@pytest.mark.parametrize("name", THEMES)
def test_meaning_colours_stay_apart_for_every_vision(name):
    assert confusable_pairs(THEMES[name]) == []


def test_the_palettes_have_one_shape_and_light_is_white():
    names = [f.name for f in dataclasses.fields(DARK)]
    assert names == [f.name for f in dataclasses.fields(LIGHT)]
    assert list(THEMES) == ["dark", "light"] and theme.DEFAULT_THEME == "dark"
    # A light GIF on a white slide shows no box only on pure white.
    assert Color(LIGHT.background).to_string(hex=True) == "#ffffff"
    assert Color(DARK.background).luminance() < 0.02
    for palette in THEMES.values():
        for value in dataclasses.astuple(palette)[1:]:
            assert Color(value).in_gamut("srgb"), value


def test_learning_rate_and_activation_no_longer_share_a_hue():
    for palette in THEMES.values():
        pair = (palette.learning_rate, palette.activation)
        hues = [Color(c).convert("oklch")["hue"] for c in pair]
        assert abs((hues[0] - hues[1] + 180) % 360 - 180) > 20


def test_the_theme_is_chosen_by_the_environment(monkeypatch):
    monkeypatch.delenv(contract.THEME, raising=False)
    assert theme.theme_from_env() is DARK
    monkeypatch.setenv(contract.THEME, "light")
    assert theme.theme_from_env() is LIGHT
    monkeypatch.setenv(contract.THEME, "sepia")
    with pytest.raises(ValueError, match="sepia.*dark, light"):
        theme.theme_from_env()


# ----- the checkers fail on bad palettes ---------------------------------------------------

def test_contrast_check_fails_on_grey_text_on_a_dark_background():
    bad = dataclasses.replace(DARK, muted="#4a4f58")
    problems = contrast_problems(bad)
    assert problems and all(p.startswith("muted #4a4f58 on ") for p in problems)
    # The large-text threshold is lower, but not low enough for it either.
    assert contrast_problems(dataclasses.replace(DARK, muted="#333840"), large=True)
    # Dark-theme yellow on the light theme's white: the reason light needs its own colours.
    assert any(p.startswith("learning_rate") for p in
               contrast_problems(dataclasses.replace(LIGHT, learning_rate=DARK.learning_rate)))


def test_distinctness_check_fails_on_one_hue_twice():
    # The palette before issue 17: learning rate and activation were both #ffd43b.
    bad = dataclasses.replace(DARK, learning_rate="#ffd43b", activation="#ffd43b")
    assert "normal: learning_rate and activation differ by 0.0 < 10.0" in confusable_pairs(bad)


def test_distinctness_check_fails_on_red_and_green_for_red_green_blindness():
    # A classic pair: plainly different for most viewers, one colour for a deuteranope.
    bad = dataclasses.replace(LIGHT, loss="#b03a2e", target="#3d7a1f")
    assert not any("target and loss" in p for p in confusable_pairs(bad, ("normal",)))
    assert any(p.startswith("deutan: target and loss") for p in confusable_pairs(bad, ("deutan",)))


def test_simulation_is_machados_full_dichromacy():
    # Pure red and pure green look alike to a protanope (both dark yellow-olive);
    # blue and green keep apart for a deuteranope less than for normal vision.
    red, green = seen_as("#ff0000", "protan"), seen_as("#00ff00", "protan")
    normal = Color("#ff0000").delta_e("#00ff00", method="2000")
    assert red.delta_e(green, method="2000") < normal / 2
    assert seen_as("#808080", "tritan").delta_e("#808080", method="2000") < 1  # greys stay
