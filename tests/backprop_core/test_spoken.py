"""Spoken forms: every number style and symbol the slides use, as a lecturer says them."""

from __future__ import annotations

import pytest

from backprop_core import format_fact
from backprop_core.formatting import format_given, format_number
from backprop_core.spoken import spoken_number, spoken_numbers, spoken_sentence


@pytest.mark.parametrize(("shown", "spoken"), [
    (format_number(-7.98, 2).text, "minus 7.98"),  # negative, true minus sign
    (format_number(0.038, 4).text, "0.038"),  # a leading zero and a zero after the point
    (format_number(0.0031, 2).text, "0.0031"),  # small: two significant digits kept
    (format_number(0.0, 2).text, "0"),  # zero
    (format_number(-0.0, 2).text, "0"),  # negative zero is no "minus 0"
    (format_number(4.0, 2).text, "4"),  # integer-valued float
    (format_number(12, 2).text, "12"),  # an int (a count of steps)
    (format_given(2.1).text, "2.1"),  # a given value, as typed
    (format_fact("worked_step.w_next", 1.0798).text, "1.0798"),  # a parameter, 4 decimals
    (format_number(1.23e16, 2).text, "1.23 times 10 to the 16"),  # scientific, large
    (format_number(-2.5e-5, 2).text, "minus 2.5 times 10 to the minus 5"),  # scientific, small
    (format_number(123456.0, 2).text, "1.23 times 10 to the 5"),
])
def test_numbers_are_spoken_digit_for_digit_as_the_core_writes_them(shown: str,
                                                                     spoken: str) -> None:
    assert spoken_number(shown) == spoken


def test_a_hyphen_minus_is_a_minus_too() -> None:
    assert spoken_number("-3.8") == "minus 3.8"


def test_only_numbers_as_the_core_writes_them_are_accepted() -> None:
    for text in ("seven", "1e5", "3.", "--2", "2,5"):
        with pytest.raises(ValueError, match="not a number"):
            spoken_number(text)


@pytest.mark.parametrize(("written", "spoken"), [
    ("So the neuron predicts \u0177 = 2.1.", "So the neuron predicts y-hat equals 2.1."),
    ("Our neuron predicted y\u0302 = 2.1.", "Our neuron predicted y-hat equals 2.1."),
    ("The error y \u2212 \u0177 = 1.9 is the gap.",
     "The error y minus y-hat equals 1.9 is the gap."),
    ("The slope \u2202loss/\u2202w = \u22127.98.", "The slope d loss by d w equals minus 7.98."),
    ("x times \u2202loss/\u2202\u0177, always zero.", "x times d loss by d y-hat, always zero."),
    ("to find dloss/dw, multiply", "to find d loss by d w, multiply"),
    ("\u2202\u0177/\u2202w is the input", "d y-hat by d w is the input"),
    ("w := w \u2212 lr \u00b7 dloss/dw",
     "w becomes w minus the learning rate times d loss by d w"),
    ("We step by minus lr times the slope, \u2212(0.01)(\u22127.98), which increases w.",
     "We step by minus the learning rate times the slope, minus, 0.01 times minus 7.98, "
     "which increases w."),
    ("With lr = 0.3 every step overshoots.",
     "With the learning rate equals 0.3 every step overshoots."),
    ("New loss = 2.1 \u2193 (was 3.61) \u2014 saved 1.51 in one step!",
     "New loss equals 2.1, was 3.61, saved 1.51 in one step!"),
    ("Negative gradient = loss drops \u2192 so we increase it.",
     "Negative gradient equals loss drops, so we increase it."),
    ("\u0394loss \u2248 \u22127.98 \u00d7 0.1 = \u22120.798",
     "the change in loss is about minus 7.98 times 0.1 equals minus 0.798"),
    ("Then a ReLU keeps this positive value.", "Then a rel-you keeps this positive value."),
    ("the loss (y \u2212 \u0177)\u00b2", "the loss, y minus y-hat, squared"),
    ("The slope is 0: we are at the bottom.", "The slope is 0: we are at the bottom."),
    ("the loss exploded to 1.23\u00d710\u00b9\u2076.",
     "the loss exploded to 1.23 times 10 to the 16."),
])
def test_symbols_are_read_as_a_lecturer_says_them(written: str, spoken: str) -> None:
    assert spoken_sentence(written) == spoken


def test_words_that_contain_symbol_letters_stay_words() -> None:
    sentence = "Backpropagation is how a network like this one learns, in four steps that repeat."
    assert spoken_sentence(sentence) == sentence
    assert spoken_sentence("the slower learners") == "the slower learners"  # 'lr' only alone


def test_spoken_numbers_finds_each_number_as_spoken() -> None:
    spoken = spoken_sentence("\u2212(0.01)(\u22127.98) moves w from 4 to 4.0798; loss "
                             "1.2\u00d710\u207b\u2075.")
    assert spoken_numbers(spoken) == ["0.01", "minus 7.98", "4", "4.0798",
                                      "1.2 times 10 to the minus 5"]
    assert spoken_numbers("no numbers, only words") == []
