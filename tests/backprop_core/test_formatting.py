"""Number formatting: every rule in formatting.py's docstring, and the outline's strings."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from core_strategies import SETTINGS
from hypothesis import assume, given
from hypothesis import strategies as st

from backprop_core.formatting import (
    DECIMALS,
    MINUS,
    SCIENTIFIC_ABOVE,
    SCIENTIFIC_BELOW,
    Shown,
    format_fact,
    format_given,
    format_number,
    style_for,
)

SCI_TEX = re.compile(r"^(-?\d+(?:\.\d+)?) \\times 10\^\{(-?\d+)\}$")
SCI_TEXT = re.compile("^(\u2212?\\d+(?:\\.\\d+)?)\u00d710"
                      "([\u207b\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+)$")
SUPERSCRIPT = str.maketrans("\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079",
                            "-0123456789")


def value_of(shown: Shown) -> Decimal:
    """Read a shown number back, exactly, from its LaTeX form ('1.8e308' is beyond a float)."""
    match = SCI_TEX.match(shown.tex)
    if match:
        return Decimal(f"{match.group(1)}e{match.group(2)}")
    return Decimal(shown.tex)


def is_scientific(shown: Shown) -> bool:
    return SCI_TEX.match(shown.tex) is not None


def assert_well_formed(shown: Shown) -> None:
    """The same number in both forms: a true minus on screen, '-' in LaTeX, never '-0'."""
    assert "-" not in shown.text and MINUS not in shown.tex
    assert str(shown) == shown.text
    assert not re.fullmatch(r"-0(\.0*)?", shown.tex), shown
    match = SCI_TEX.match(shown.tex)
    if match:
        text = SCI_TEXT.match(shown.text)
        assert text, shown
        assert text.group(1).replace(MINUS, "-") == match.group(1)
        assert text.group(2).translate(SUPERSCRIPT) == match.group(2)
        assert not match.group(1).endswith("0") or "." not in match.group(1)
    else:
        assert shown.text == shown.tex.replace("-", MINUS)
        assert re.fullmatch(r"-?\d+(\.\d*[1-9])?", shown.tex), shown  # trailing zeros dropped


finite = st.floats(allow_nan=False, allow_infinity=False)
nonzero = finite.filter(lambda v: v != 0)
decimals = st.sampled_from(sorted(set(DECIMALS.values())))


# --- the outline's strings ----------------------------------------------------------------

OUTLINE = {
    "worked_step.x": (2.1, "2.1"),
    "worked_step.y": (4.0, "4"),
    "worked_step.loss": (1.9**2, "3.61"),
    "worked_step.dloss_dw": (-2 * 1.9 * 2.1, "\u22127.98"),
    "worked_step.dloss_dyhat": (-2 * 1.9, "\u22123.8"),
    "worked_step.dloss_db": (-2 * 1.9, "\u22123.8"),
    "worked_step.lr": (0.01, "0.01"),
    "worked_step.w_next": (1.0 + 0.01 * 7.98, "1.0798"),
    "worked_step.b_next": (0.0 + 0.01 * 3.8, "0.038"),
    "worked_step.loss_next": (1.69442**2, "2.87"),
    "worked_step.loss_drop": (1.9**2 - 1.69442**2, "0.74"),
}


@pytest.mark.parametrize("path", OUTLINE)
def test_outline_strings(path):
    value, text = OUTLINE[path]
    shown = format_fact(path, value)
    assert shown.text == text
    assert shown.tex == text.replace(MINUS, "-")


# --- given values are written as typed ----------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (2.1, "2.1"), (4.0, "4"), (0.0, "0"), (-0.0, "0"), (-3.25, "\u22123.25"), (0.01, "0.01"),
    (100.0, "100"), (0.1 + 0.2, "0.3"), (12.3456, "12.3456"), (7, "7"), (0.0001, "0.0001"),
    (1.5e-05, "1.5\u00d710\u207b\u2075"), (1.23456e-07, "1.23456\u00d710\u207b\u2077"),
])
def test_given_values_as_typed(value, text):
    assert format_given(value).text == text
    assert_well_formed(format_given(value))


@st.composite
def typed_numbers(draw) -> str:
    """A number as a lecturer would type it: up to 6 significant digits, within +-100."""
    digits = draw(st.integers(1, 999_999))
    exponent = draw(st.integers(-12, 2 - len(str(digits))))
    sign = draw(st.sampled_from(["", "-"]))
    return f"{sign}{Decimal(digits).scaleb(exponent)}"


@given(typed_numbers())
@SETTINGS
def test_any_typed_value_reads_back_exactly(typed):
    value = float(typed)
    shown = format_given(value)
    assert_well_formed(shown)
    assert float(value_of(shown)) == value, (typed, shown)
    assert is_scientific(shown) == (abs(value) < SCIENTIFIC_BELOW)


# --- derived values: 2 decimals; updated parameters: 4 ------------------------------------

@pytest.mark.parametrize("value, decimals, text", [
    (3.14159, 2, "3.14"), (3.14159, 4, "3.1416"), (2.5, 2, "2.5"), (3.0, 2, "3"),
    (-7.9799999999999995, 2, "\u22127.98"), (1234.5678, 2, "1234.57"), (12345.678, 2, "12345.7"),
    (0.001, 2, "0.001"), (0.0012345, 2, "0.0012"), (-0.004, 2, "\u22120.004"),
    (0.00049, 4, "0.0005"), (0.0001, 2, "0.0001"), (99999.4, 2, "99999.4"),
])
def test_number_rules_by_example(value, decimals, text):
    shown = format_number(value, decimals)
    assert shown.text == text
    assert_well_formed(shown)


@given(nonzero, decimals)
@SETTINGS
def test_a_nonzero_value_is_never_written_as_zero(value, places):
    shown = format_number(value, places)
    assert_well_formed(shown)
    assert shown.tex not in ("0", "-0")
    read = value_of(shown)
    assert read != 0 and math.copysign(1.0, read) == math.copysign(1.0, value)


@given(finite, decimals)
@SETTINGS
def test_precision_and_scientific_thresholds(value, places):
    shown = format_number(value, places)
    assert_well_formed(shown)
    magnitude = abs(value)
    if value == 0:
        assert shown == Shown("0", "0")
    elif magnitude >= SCIENTIFIC_ABOVE or magnitude < SCIENTIFIC_BELOW:
        assert is_scientific(shown)
        # 3 significant digits: within half a unit of the third.
        assert abs(value_of(shown) - Decimal(value)) <= Decimal("0.005") * Decimal(magnitude)
    else:
        assert not is_scientific(shown)
        error = abs(float(value_of(shown)) - value)
        if round(magnitude, places) != 0:
            # At most `places` decimals, and at most 6 significant digits.
            assert error <= max(0.5 * 10.0**-places, 5e-6 * magnitude) * (1 + 1e-9)
        else:
            # Too small for `places` decimals: two significant digits instead of '0'.
            assert error <= 0.05 * magnitude


def test_thresholds_exactly():
    assert format_number(SCIENTIFIC_ABOVE, 2).text == "1\u00d710\u2075"
    assert format_number(-123456.0, 2).text == "\u22121.23\u00d710\u2075"
    assert format_number(-123456.0, 2).tex == r"-1.23 \times 10^{5}"
    assert format_number(2.5e-5, 4).text == "2.5\u00d710\u207b\u2075"
    assert format_number(2.5e-5, 4).tex == r"2.5 \times 10^{-5}"
    assert format_number(9.996e8, 2).tex == r"1 \times 10^{9}"  # mantissa rounds up to 10
    assert not is_scientific(format_number(SCIENTIFIC_BELOW, 2))
    assert not is_scientific(format_number(99999.0, 2))


def test_no_negative_zero():
    assert format_number(-0.0, 2) == Shown("0", "0")
    assert format_given(-0.0) == Shown("0", "0")
    assert format_number(-0.0004, 2).text == "\u22120.0004"


def test_true_minus_on_screen_ordinary_minus_in_latex():
    shown = format_fact("worked_step.dloss_dw", -7.98)
    assert shown.text == "\u22127.98" and shown.tex == "-7.98"
    assert format_number(-5, 2) == Shown("\u22125", "-5")


def test_integers_and_refusals():
    assert format_number(10, 2) == Shown("10", "10")
    assert format_fact("params.steps", 10).text == "10"
    with pytest.raises(TypeError):
        format_number(True, 2)
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            format_number(bad, 2)


# --- which rule applies to which lesson field ---------------------------------------------

@pytest.mark.parametrize("path, style", [
    ("params.x", "given"), ("params.lr", "given"), ("params.net_lr", "given"),
    ("params.steps", "given"),  # every parameter as typed; a whole number is written whole
    ("worked_step.w", "given"), ("worked_step.y", "given"), ("worked_step.lr", "given"),
    ("worked_step.w_next", "param"), ("worked_step.b_next", "param"),
    ("worked_step.loss", "value"), ("worked_step.dloss_dw", "value"),
    ("worked_step.y_hat_next", "value"), ("worked_step.dyhat_dw", "value"),
    ("descent.steps.3.w", "param"), ("descent.steps.3.loss", "value"),
    ("descent.steps.3.dloss_db", "value"), ("descent.w_star", "param"),
    ("network.trained.W1.2", "param"), ("network.initial.b2", "param"),
    ("network.snapshots.3.weights.W2.0", "param"), ("network.history.10", "value"),
    ("network.trace.dW1.0", "value"), ("network.trace.a1.1", "value"),
    ("activations.collapse.slope", "param"), ("activations.line_fit.mse", "value"),
    # The same quantities on the autodiff graph follow the same rules as the worked step:
    # the inputs and parameters as typed, every gradient a derived value.
    ("graph.nodes.w.value", "given"), ("graph.nodes.x.value", "given"),
    ("graph.nodes.b.value", "given"), ("graph.nodes.y.value", "given"),
    ("graph.nodes.w.grad", "value"), ("graph.nodes.b.grad", "value"),
    ("graph.nodes.wx.value", "value"), ("graph.nodes.loss.grad", "value"),
    ("graph.edges.w->wx.product", "value"), ("graph.edges.w->wx.local", "value"),
    # Gradients stored as Weights are still gradients; the network's lr is net_lr as typed.
    ("network.first_grads.W1.0", "value"), ("network.first_grads.b2", "value"),
    ("network.lr", "given"),
])
def test_style_for(path, style):
    assert style_for(path) == style


def test_same_quantity_reads_the_same_on_every_slide():
    """dloss/dw from the closed form and from the engine must not differ on screen."""
    grad = -5.786492799999999  # x = 2.15, w = 1.23456: a gradient with many digits
    assert (format_fact("worked_step.dloss_dw", grad)
            == format_fact("graph.nodes.w.grad", grad)
            == format_fact("graph.edges.w->wx.product", grad)
            == format_fact("descent.steps.0.dloss_dw", grad))
    assert format_fact("graph.nodes.w.value", 1.23456) == format_fact("worked_step.w", 1.23456)
    assert format_fact("network.lr", 0.0125) == format_fact("params.net_lr", 0.0125)


@given(finite)
@SETTINGS
def test_format_fact_dispatches_on_the_style(value):
    assume(value != 0 or math.copysign(1.0, value) == 1.0)
    assert format_fact("params.x", value) == format_given(value)
    assert format_fact("worked_step.w_next", value) == format_number(value, DECIMALS["param"])
    assert format_fact("worked_step.loss", value) == format_number(value, DECIMALS["value"])


# ----- issue 17: a table column shares its decimals ---------------------------------------

def test_a_column_shares_its_decimals_and_aligns_on_the_point():
    from backprop_core.formatting import column_decimals, decimals_of, pad_decimals

    cells = [("activations.collapse.W1.0", -0.2471), ("activations.collapse.W1.1", -0.247),
             ("activations.collapse.W1.2", 1.5)]
    places = column_decimals(cells)
    assert places == 4
    shown = [format_fact(path, value, places) for path, value in cells]
    assert [s.text for s in shown] == ["\u22120.2471", "\u22120.2470", "1.5000"]
    assert [s.tex for s in shown] == ["-0.2471", "-0.2470", "1.5000"]
    assert {len(s.text.partition(".")[2]) for s in shown} == {4}
    # Alone, each keeps the rule's own form; scientific notation is never padded.
    assert format_fact(*cells[1]).text == "\u22120.247"
    tiny = format_fact("activations.collapse.W1.3", 2e-7)
    assert decimals_of(tiny) is None and pad_decimals(tiny, 4) == tiny
    assert pad_decimals(format_fact("worked_step.loss", 3), 2).text == "3.00"


# --- answer keys: the lecture's rounding, a grader's tolerance ---------------------------

KEYED_PATHS = ("worked_step.dloss_dw", "worked_step.w_next", "network.trace.dz1.0",
               "network.final_loss")


@given(st.sampled_from(KEYED_PATHS), finite, st.sampled_from([0.5, 1.0]))
@SETTINGS
def test_answer_key_rounds_as_the_lecture_writes(path, value, units):
    from backprop_core.formatting import answer_key

    key = answer_key(path, value, units)
    shown = format_fact(path, value)
    assert re.fullmatch(r"-?\d+(\.\d+)?", key.key), key  # ASCII, positional, no exponent
    assert Decimal(key.key) == value_of(shown) or is_scientific(shown)
    if is_scientific(shown):
        assert key.significant == 3 and key.decimals is None
        assert Decimal(key.key) == value_of(shown)  # the same 3 significant digits
    else:
        assert key.decimals is not None and key.decimals >= (decimals_of_text(shown.tex))
        assert key.tolerance == Decimal(str(units)).scaleb(-key.decimals)
    # The core's value is an answer the key accepts: it rounds to the key.
    assert abs(Decimal(value) - Decimal(key.key)) <= key.tolerance


def decimals_of_text(tex: str) -> int:
    return len(tex.partition(".")[2])


@pytest.mark.parametrize("path, value, key, tolerance", [
    ("worked_step.dloss_dw", -7.9799999999999995, "-7.98", "0.005"),
    ("worked_step.w_next", 1.0798, "1.0798", "0.00005"),
    ("worked_step.loss", 0.0, "0", "0.005"),  # a zero keeps the rule's decimals
    ("worked_step.loss", 123456.7, "123000", "500"),  # scientific: 3 significant digits
    ("worked_step.loss", 3.2e-6, "0.00000320", "5e-9"),
    ("nudge.dw", 0.001, "0.001", "0.00005"),  # never written as 0: its decimals, its tolerance
    ("worked_step.b_next", 1e-323, "0." + "0" * 323 + "988", "5e-327"),  # no float underflow
])
def test_answer_keys_by_example(path, value, key, tolerance):
    from backprop_core.formatting import answer_key

    found = answer_key(path, value)
    assert (found.key, found.tolerance) == (key, Decimal(tolerance))


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, True])
def test_no_answer_key_for_what_is_not_a_finite_number(value):
    from backprop_core.formatting import answer_key

    with pytest.raises((ValueError, TypeError)):
        answer_key("worked_step.loss", value)
