"""Numbers the local way: the same digits as the core writes them, each language's symbols."""

from __future__ import annotations

import pytest

from backprop_core.formatting import (
    CANONICAL,
    format_fact,
    format_given,
    format_number,
    localize,
    number_format,
)
from backprop_core.spoken import Spoken

NNBSP = "\u202f"  # French groups with a narrow no-break space


@pytest.mark.parametrize(("locale", "value", "text", "tex"), [
    ("en", -7.98, "\u22127.98", "-7.98"),
    ("en", 12345.6, "12,345.6", "12{,}345.6"),
    ("de", -7.98, "\u22127,98", "-7{,}98"),
    ("de", 2.1, "2,1", "2{,}1"),
    ("de", -1234.5, "\u22121.234,5", "-1.234{,}5"),
    ("de", 4.0, "4", "4"),
    ("fr", 12345.6, f"12{NNBSP}345,6", "12\\,345{,}6"),
    ("fr", 0.038, "0,04", "0{,}04"),
    ("es", -12345.6, "\u221212.345,6", "-12.345{,}6"),
    ("es", 3.61, "3,61", "3{,}61"),
])
def test_each_language_writes_the_same_digits_with_its_symbols(locale, value, text, tex):
    shown = localize(format_number(value, 2), number_format(locale))
    assert (shown.text, shown.tex) == (text, tex)


@pytest.mark.parametrize("locale", ["en", "de", "fr", "es"])
def test_scientific_notation_keeps_its_power_and_takes_the_decimal_separator(locale):
    shown = localize(format_number(-1.23e-7, 2), number_format(locale))
    point = "." if locale == "en" else ","
    assert shown.text == f"\u22121{point}23\u00d710\u207b\u2077"
    assert shown.tex == ("-1.23" if locale == "en" else "-1{,}23") + r" \times 10^{-7}"


def test_the_canonical_form_is_the_core_s_own_and_untouched():
    shown = format_fact("worked_step.w_next", 1.0798)
    assert localize(shown, CANONICAL) is shown
    assert number_format(None) is CANONICAL


def test_given_values_and_table_columns_keep_their_digits_in_every_language():
    de = number_format("de")
    assert localize(format_given(0.0005), de).text == "0,0005"
    padded = format_fact("network.initial.W1.0", -0.247, decimals=4)
    assert localize(padded, de).text == "\u22120,2470"


def test_a_number_not_written_by_the_core_is_refused():
    from backprop_core.formatting import Shown

    with pytest.raises(ValueError, match="not a number"):
        localize(Shown("two", "two"), number_format("de"))


@pytest.mark.parametrize(("locale", "written", "said"), [
    ("de", "\u22127,98", "minus 7,98"),
    ("de", "\u22121.234,5", "minus 1234,5"),  # the voice reads no grouping dots
    ("en", "12,345.6", "12345.6"),
    ("fr", f"12{NNBSP}345,6", "12345,6"),
])
def test_numbers_are_spoken_digit_for_digit_in_the_language(locale, written, said):
    spoken = Spoken(numbers=number_format(locale))
    assert spoken.number(written) == said
    assert spoken.numbers_in(spoken.sentence(f"loss = {written}.")) == [said]


def test_german_words_for_the_symbols():
    words = {"d_by_d": "d @top nach d @bottom", "loss": "Loss", "equals": "gleich",
             "times": "mal", "minus": "minus", "power": "@m mal 10 hoch @e", "y_hat": "y Dach",
             "becomes": "wird zu", "param.lr": "die Lernrate"}
    spoken = Spoken(words, number_format("de"))
    assert spoken.sentence("\u2202loss/\u2202w = \u22127,98") == "d Loss nach d w gleich minus 7,98"
    assert spoken.sentence("\u0177 := 2,1 \u00d7 lr") == "y Dach wird zu 2,1 mal die Lernrate"
    assert spoken.number("1,2\u00d710\u207b\u2075") == "1,2 mal 10 hoch minus 5"
    assert spoken.numbers_in("1,2 mal 10 hoch minus 5 und minus 3") == [
        "1,2 mal 10 hoch minus 5", "minus 3"]
