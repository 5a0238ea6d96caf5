"""Checks across the deck: every slide runs the shared slide checks, and parameters whose
numbers could not be laid out are refused before anything is drawn."""

from __future__ import annotations

import importlib

import pytest

from backprop_core import ParamError, load_params
from backprop_core.params import DECLARED
from lecture.slides import SLIDES

SHARED_CHECKS = ("test_unusual_parameters", "test_random_parameters", "test_length_with_defaults",
                 "test_frames")


@pytest.mark.parametrize("slide", SLIDES, ids=lambda s: s.stem)
def test_every_slide_runs_the_shared_checks(slide):
    tests = importlib.import_module(f"tests.scenes.test_{slide.module}")
    assert [name for name in SHARED_CHECKS if not hasattr(tests, name)] == []


@pytest.mark.parametrize("key, value", [("x", "-123.456"), ("w", "1000"), ("y", "1e6"),
                                        ("lr", "0"), ("lr", "2"), ("steps", "1000")])
def test_parameters_too_long_to_lay_out_are_refused_up_front(key, value):
    with pytest.raises(ParamError, match=rf"'{key}'.*{value}.*allowed"):
        load_params(None, {key: value})


def test_every_parameter_names_slides_that_exist_and_they_depend_on_it():
    numbers = {slide.number for slide in SLIDES}
    for name, declared in DECLARED.items():
        assert declared.slides and set(declared.slides) <= numbers, name
        assert [s.number for s in SLIDES if name in s.depends_on] == sorted(declared.slides), name
