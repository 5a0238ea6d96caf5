"""Options every test directory shares, and the order files are handed to the test processes."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile

import pytest

from tests import slide_cache

# Before xdist starts the workers (they share it), and before the cache folder below
# stands in for the tester's: the slides' test cache is kept beside the tester's own.
slide_cache.make_for_run()

# Renders the tests start (in this process or through render.sh) keep their user cache
# (lecture/user_cache.py) in a folder of this test process, not in the tester's own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="backprop-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)
os.environ.pop("BACKPROP_CACHE", None)


def pytest_addoption(parser) -> None:
    parser.addoption("--set_test", action="store_true", default=False,
                     help="write what tests compare with instead of comparing: the slides' control "
                          "frames (test_frames), and the parameters' tables in "
                          "assets/default_params.toml and README.md")


# The slides' test files, costliest first: what each took, summed from `--durations=0`
# (tens of seconds on a loaded machine; refresh when a slide's tests change much). Only the
# order depends on it.
SLIDE_FILE_COST = {6: 35, 4: 34, 5: 27, 8: 16, 3: 13, 2: 12, 7: 10, 1: 6}
_SLIDE_FILE = re.compile(r"tests/scenes/test_s(\d\d)_")


def _cost_rank(item: pytest.Item) -> tuple[int, float]:
    if item.get_closest_marker("e2e"):
        return 0, 0.0  # minutes of wall time, mostly Manim processes of its own
    slide = _SLIDE_FILE.match(item.nodeid)
    if slide:  # tens of seconds a file: slide constructions
        return 1, -SLIDE_FILE_COST.get(int(slide[1]), 0)
    if item.nodeid.startswith("tests/scenes/"):
        return 2, 0.0  # a few seconds a file: formulas typeset, parts of scenes
    return 3, 0.0  # seconds


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The costliest files first. `--dist loadfile` hands whole files to the test processes in
    this order (pyproject turns off xdist's own order, by number of tests): the longest start
    at once, and the last files to finish are short ones, so neither process waits for the
    other at the end (longest-first scheduling)."""
    items.sort(key=_cost_rank)  # stable: the order within a file stays
