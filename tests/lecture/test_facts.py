"""A slide that reads a verdict has it in its reuse key: a new verdict renders it anew."""

from __future__ import annotations

import dataclasses

import pytest

from backprop_core import build_lesson
from backprop_core.params import params_from_mapping
from backprop_render.build.reuse import changed_reads
from lecture.facts import TrackedLesson, value_at


@pytest.fixture(scope="module")
def lessons():
    return build_lesson(), build_lesson(params_from_mapping({"lr": 0.3}))


def test_reading_a_verdict_records_it(lessons):
    calm, _ = lessons
    tracked = TrackedLesson(calm)
    assert tracked.verdicts.descent == "converges"
    assert tracked.lookup("verdicts.w_direction") == "increase"
    assert tracked.reads == {"verdicts.descent": "converges", "verdicts.w_direction": "increase"}
    for name, value in tracked.reads.items():
        assert value_at(calm, name) == value


def test_a_changed_verdict_is_a_changed_read(lessons):
    calm, wild = lessons
    tracked = TrackedLesson(calm)
    for field in dataclasses.fields(tracked.raw.verdicts):
        getattr(tracked.verdicts, field.name)
    assert changed_reads(tracked.reads, calm) == []
    # lr = 0.3 overshoots: same signs at the start, another regime and another step trend.
    assert changed_reads(tracked.reads, wild) == ["verdicts.descent", "verdicts.step_trend"]
