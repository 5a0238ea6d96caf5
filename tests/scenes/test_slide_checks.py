"""The shared slide checks draw every declared parameter: a new one is drawn without a word."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_core.params import DECLARED
from tests.scenes.slide_checks import RANDOM_PARAMS, random_params

# A parameter the lecture does not have, declared like the learning rate.
WITH_ONE_MORE = {**DECLARED, "momentum": dataclasses.replace(DECLARED["lr"], name="momentum")}


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_random_lessons_draw_every_declared_parameter_within_its_range(data):
    for strategy, declared in ((RANDOM_PARAMS, DECLARED), (random_params(WITH_ONE_MORE),
                                                           WITH_ONE_MORE)):
        drawn = data.draw(strategy)
        assert set(drawn) == set(declared)
        for name, value in drawn.items():
            low, high = declared[name].low, declared[name].high
            assert (low < value if declared[name].exclusive_low else low <= value) and \
                value <= high, (name, value)


def test_a_narrowed_parameter_that_is_not_declared_fails_at_once():
    with pytest.raises(ValueError, match="momentum"):
        random_params(shorter={"momentum": st.just(0.9)})
