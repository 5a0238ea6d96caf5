"""Parameters: defaults, TOML loading, overrides, and a clear error for every bad input."""

from __future__ import annotations

import dataclasses
import inspect
import math
import os
import tomllib

import pytest
from core_strategies import FEW, exclusive_low, params_strategy, value_of
from hypothesis import given
from hypothesis import strategies as st

from backprop_core import params as params_module
from backprop_core.params import (
    DECLARED,
    ParamError,
    Params,
    load_params,
    params_from_mapping,
    params_to_dict,
    parse_overrides,
)
from backprop_render import REPO

DEFAULT_TOML = REPO / "assets" / "default_params.toml"
FIELDS = [f.name for f in dataclasses.fields(Params)]
WHOLE = [name for name in FIELDS if DECLARED[name].whole]
REAL = [name for name in FIELDS if not DECLARED[name].whole]


def bound_text(name: str, bound: float) -> str:
    """A bound as a reader would write it: 2147483647, not 2.14748e+09."""
    return str(int(bound)) if DECLARED[name].whole or float(bound).is_integer() else repr(bound)


def assert_names_problem(error: ParamError, name: str, given: object) -> None:
    """The message names the parameter, what was given, and the allowed range."""
    message = str(error)
    low, high = DECLARED[name].low, DECLARED[name].high
    assert f"'{name}'" in message
    assert repr(given) in message
    relation = ">" if exclusive_low(name) else ">="
    assert f"{relation} {bound_text(name, low)}" in message, message
    assert f"<= {bound_text(name, high)}" in message, message


# --- the dataclass and its defaults -------------------------------------------------------

def test_defaults_are_the_outlines_worked_example():
    p = Params()
    assert (p.x, p.w, p.b, p.y, p.lr, p.steps) == (2.1, 1.0, 0.0, 4.0, 0.01, 10)


def test_params_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Params().lr = 0.5  # type: ignore[misc]


def test_every_field_is_declared_once_typed_and_valid():
    hints = inspect.get_annotations(Params, eval_str=True)
    assert list(DECLARED) == FIELDS  # the order of facts.json's params
    for name, declared in DECLARED.items():
        whole = declared.whole
        assert hints[name] is (int if whole else float), name
        assert type(declared.default) is type(declared.example) is hints[name], name
        assert declared.meaning.strip() and declared.slides, name
        assert declared.example != declared.default, name
        assert params_from_mapping({name: declared.example}) != Params()
    aliases = [alias for declared in DECLARED.values() for alias in declared.aliases]
    assert len(aliases) == len(set(aliases)) and not set(aliases) & set(FIELDS)
    assert all(alias == alias.lower() for alias in aliases)  # matched against a lowered key


def test_a_declaration_gives_one_bound_below():
    with pytest.raises(TypeError, match="low= or above="):
        params_module.param(1.0, "a test", low=0.0, above=0.0, high=1.0, slides=(1,), example=0.5)
    with pytest.raises(TypeError, match="low= or above="):
        params_module.param(1.0, "a test", high=1.0, slides=(1,), example=0.5)


@pytest.mark.parametrize("name", FIELDS)
def test_defaults_lie_in_their_ranges(name):
    declared = DECLARED[name]
    value = getattr(Params(), name)
    assert declared.low <= value <= declared.high
    assert params_from_mapping({name: value}) == Params()


def toml_lines() -> list[str]:
    """The [params] table of the defaults file, as the declarations write it (the comments in
    one column, unless a line is longer: a new parameter adds a line, it moves none)."""
    return [f"{f'{p.name} = {p.shown_default}':<14} # {p.summary}" for p in DECLARED.values()]


def test_default_toml_file_is_the_declarations(request):
    """The file's [params] table is written from the declarations (`--set_test` writes it),
    under its own header: the words around it are data, not code."""
    header, table, _ = DEFAULT_TOML.read_text(encoding="utf-8").partition("[params]\n")
    if request.config.getoption("--set_test"):
        DEFAULT_TOML.write_text(header + table + "\n".join(toml_lines()) + "\n", encoding="utf-8")
    text = DEFAULT_TOML.read_text(encoding="utf-8")
    assert text.partition("[params]\n")[2].splitlines() == toml_lines(), \
        "write it with: ./render.sh test tests/backprop_core/test_params.py --set_test"
    raw = tomllib.loads(text)
    assert set(raw) == {"params"}
    assert raw["params"] == params_to_dict(Params())
    for name, value in raw["params"].items():  # 1.0, not 1: the same types as the dataclass
        assert type(value) is type(getattr(Params(), name)), name
    assert load_params(DEFAULT_TOML) == Params()


@given(params=params_strategy(steps=3))
@FEW
def test_the_strategies_draw_every_declared_parameter(params):
    assert params.steps == 3 and params_from_mapping(params_to_dict(params)) == params


def test_a_strategy_narrowing_an_undeclared_parameter_fails_at_once():
    with pytest.raises(ValueError, match="momentum"):
        params_strategy(momentum=0.9)


# --- loading and overriding ---------------------------------------------------------------

def test_no_file_no_overrides_gives_defaults():
    assert load_params() == Params()
    assert load_params(None, {}) == Params()


def test_overrides_apply_key_by_key_on_top_of_the_file(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[params]\nlr = 0.2\nx = -3\nsteps = 7\n", encoding="utf-8")
    p = load_params(path, {"lr": "0.1"})
    assert p == dataclasses.replace(Params(), lr=0.1, x=-3.0, steps=7)
    assert type(p.x) is float and type(p.steps) is int


def test_top_level_keys_are_accepted_without_a_params_table(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("w = 2.5\nhidden = 6\n", encoding="utf-8")
    assert load_params(str(path)) == dataclasses.replace(Params(), w=2.5, hidden=6)


@pytest.mark.parametrize("name", FIELDS)
@given(data=st.data())
@FEW
def test_any_valid_value_round_trips_as_typed(name, data):
    value = data.draw(value_of(name))
    typed = str(value) if isinstance(value, int) else repr(value)
    from_text = load_params(None, parse_overrides([f"{name}={typed}"]))
    from_number = params_from_mapping({name: value})
    assert getattr(from_text, name) == value == getattr(from_number, name)
    assert type(getattr(from_text, name)) is type(getattr(Params(), name))


@pytest.mark.parametrize("name", FIELDS)
def test_bounds_are_inclusive_except_a_zero_learning_rate(name):
    declared = DECLARED[name]
    low, high = declared.low, declared.high
    as_given = (lambda v: int(v)) if declared.whole else float
    assert getattr(params_from_mapping({name: as_given(high)}), name) == high
    assert exclusive_low(name) == declared.exclusive_low  # the validator follows the declaration
    if exclusive_low(name):
        with pytest.raises(ParamError) as error:
            params_from_mapping({name: as_given(low)})
        assert_names_problem(error.value, name, as_given(low))
    else:
        assert getattr(params_from_mapping({name: as_given(low)}), name) == low


@pytest.mark.parametrize("name", FIELDS)
def test_just_outside_the_range_is_refused_with_a_clear_message(name):
    low, high, whole = DECLARED[name].low, DECLARED[name].high, DECLARED[name].whole
    outside = [int(low) - 1, int(high) + 1] if whole else [math.nextafter(low, -math.inf),
                                                           math.nextafter(high, math.inf)]
    for value in outside:
        with pytest.raises(ParamError) as error:
            params_from_mapping({name: value})
        assert_names_problem(error.value, name, value)
        with pytest.raises(ParamError) as error:  # the same from the command line
            load_params(None, {name: repr(value)})
        assert_names_problem(error.value, name, repr(value))


def test_seed_range_is_written_exactly():
    with pytest.raises(ParamError) as error:
        load_params(None, {"seed": "2147483648"})
    assert "2147483647" in str(error.value)
    assert load_params(None, {"seed": "2147483647"}).seed == 2**31 - 1


def test_negative_zero_becomes_plain_zero():
    p = load_params(None, {"b": "-0.0", "w": -0.0})
    assert math.copysign(1.0, p.b) == 1.0 and math.copysign(1.0, p.w) == 1.0


def test_whole_numbers_written_as_whole_floats_are_accepted():
    p = load_params(None, {"steps": "1e1", "epochs": 20.0, "hidden": " 3 "})
    assert (p.steps, p.epochs, p.hidden) == (10, 20, 3)
    assert all(type(v) is int for v in (p.steps, p.epochs, p.hidden))


def test_negative_values_are_valid():
    p = load_params(None, {"x": "-2", "w": "-0.5", "b": "-1", "y": "-3"})
    assert (p.x, p.w, p.b, p.y) == (-2.0, -0.5, -1.0, -3.0)


# --- bad values ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", REAL)
@pytest.mark.parametrize("text", ["nan", "NaN", " nan ", "inf", "-inf", "Infinity", "1e400",
                                  "-1e400",
                                  "abc", "1,5", "true", "0x10"])
def test_non_finite_and_non_numeric_strings_are_refused(name, text):
    with pytest.raises(ParamError) as error:
        load_params(None, {name: text})
    assert_names_problem(error.value, name, text)


@pytest.mark.parametrize("name", REAL)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(name, value):
    with pytest.raises(ParamError) as error:
        params_from_mapping({name: value})
    assert_names_problem(error.value, name, value)


@pytest.mark.parametrize("name", FIELDS)
@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_refused(name, value):
    with pytest.raises(ParamError) as error:
        params_from_mapping({name: value})
    assert_names_problem(error.value, name, value)


@pytest.mark.parametrize("name", WHOLE)
@pytest.mark.parametrize("value", ["2.5", 2.5, "1e400", "nan", "inf", "ten", "3.0000001"])
def test_whole_numbers_refuse_fractions_and_non_finite(name, value):
    with pytest.raises(ParamError) as error:
        load_params(None, {name: value})
    assert_names_problem(error.value, name, value)
    assert "whole number" in str(error.value)


@pytest.mark.parametrize("value", [None, [1.0], {"a": 1}, (1,), b"1",
                                   pytest.param(10**400, id="10**400")])
def test_other_types_and_huge_integers_are_refused(value):
    with pytest.raises(ParamError) as error:
        params_from_mapping({"x": value})
    assert "'x'" in str(error.value)


@pytest.mark.parametrize("name", ["lr", "net_lr"])
@pytest.mark.parametrize("text", ["0", "-0.0", "-0.01", "-1"])
def test_learning_rates_must_be_positive(name, text):
    with pytest.raises(ParamError) as error:
        load_params(None, {name: text})
    assert_names_problem(error.value, name, text)
    assert "> 0" in str(error.value)


# --- unknown keys -------------------------------------------------------------------------

@pytest.mark.parametrize("typed, meant", [
    ("learing_rate", "lr"), ("learning_rate", "lr"), ("LR", "lr"), ("wieght", "w"),
    ("weight", "w"), ("bias", "b"), ("stpes", "steps"), ("epoch", "epochs"), ("hiden", "hidden"),
    ("sead", "seed"), ("netlr", "net_lr"), ("X", "x"), ("lrate", "lr"),
])
def test_unknown_key_names_the_closest_valid_one(typed, meant):
    with pytest.raises(ParamError) as error:
        load_params(None, {typed: "1"})
    message = str(error.value)
    assert f"'{typed}'" in message
    assert f"Did you mean '{meant}'?" in message
    assert f"Valid parameters: {', '.join(DECLARED)}." in message
    assert "x, w, b, y, lr, steps" in message  # in the order they are declared


def test_unrelated_unknown_key_lists_the_valid_ones_without_guessing():
    with pytest.raises(ParamError) as error:
        load_params(None, {"momentum": "0.9"})
    assert "Did you mean" not in str(error.value)
    assert "'momentum'" in str(error.value) and "net_lr" in str(error.value)


def test_unknown_key_in_a_file_names_the_file(tmp_path):
    path = tmp_path / "typo.toml"
    path.write_text("[params]\nlearing_rate = 0.1\n", encoding="utf-8")
    with pytest.raises(ParamError) as error:
        load_params(path)
    assert str(path) in str(error.value) and "Did you mean 'lr'?" in str(error.value)


# --- --set parsing ------------------------------------------------------------------------

def test_parse_overrides():
    assert parse_overrides(["lr=0.1", " x = -2 ", "y=4"]) == {"lr": "0.1", "x": " -2 ", "y": "4"}
    assert parse_overrides(["lr=0.1", "lr=0.2"]) == {"lr": "0.2"}  # the last one wins
    assert parse_overrides([]) == {}


@pytest.mark.parametrize("item", ["lr", "lr=", "=0.1", "  =1", "lr=   ", ""])
def test_malformed_set_items_are_refused(item):
    with pytest.raises(ParamError) as error:
        parse_overrides([item])
    assert "KEY=VALUE" in str(error.value) and repr(item) in str(error.value)


def test_value_with_an_equals_sign_is_refused_by_the_parameter():
    with pytest.raises(ParamError) as error:
        load_params(None, parse_overrides(["lr==0.1"]))
    assert_names_problem(error.value, "lr", "=0.1")


# --- unreadable files ---------------------------------------------------------------------

def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ParamError) as error:
        load_params(path)
    assert str(path) in str(error.value) and "does not exist" in str(error.value)


def test_directory_instead_of_a_file(tmp_path):
    with pytest.raises(ParamError) as error:
        load_params(tmp_path)
    assert str(tmp_path) in str(error.value) and "folder" in str(error.value)


def test_bad_toml_syntax(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[params]\nlr = = 0.1\n", encoding="utf-8")
    with pytest.raises(ParamError) as error:
        load_params(path)
    assert str(path) in str(error.value) and "not valid TOML" in str(error.value)
    assert "line 2" in str(error.value)  # tomllib's position survives


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes("[params]\n# caf\u00e9\nlr = 0.1\n".encode("latin-1"))
    with pytest.raises(ParamError) as error:
        load_params(path)
    assert str(path) in str(error.value) and "UTF-8" in str(error.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.toml"
    path.write_text("lr = 0.1\n", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(ParamError) as error:
            load_params(path)
    finally:
        path.chmod(0o600)
    assert "permission" in str(error.value)


@pytest.mark.parametrize("text, fragment", [
    ("steps = true\n", "'steps'"),
    ("x = nan\n", "'x'"),
    ("x = inf\n", "'x'"),
    ("steps = 2.5\n", "'steps'"),
    ("w = \"heavy\"\n", "'w'"),
    ("w = [1, 2]\n", "'w'"),
    ("[params]\nlr = 0.1\n[extra]\nx = 1\n", "outside the [params] table"),
    ("lr = 0.1\n[network]\nhidden = 3\n", "unexpected table [network]"),
    ("params = 3\n", "unknown parameter 'params'"),
])
def test_bad_values_in_a_file_name_the_file_and_the_problem(tmp_path, text, fragment):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParamError) as error:
        load_params(path)
    assert fragment in str(error.value)
    assert str(path) in str(error.value)


def test_param_error_is_a_value_error():
    assert issubclass(ParamError, ValueError)
    assert params_module.__all__  # the module states its interface
