"""Options every test directory shares, and the order files are handed to the test processes."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

from tests import slide_cache

# Renders the tests start (in this process or through render.sh) keep their user cache
# (lecture/user_cache.py) in a folder of this test process, not in the tester's own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="backprop-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)
os.environ.pop("BACKPROP_CACHE", None)

slide_cache.make_for_run()  # before xdist starts the workers: they share it


def pytest_addoption(parser) -> None:
    parser.addoption("--set_test", action="store_true", default=False,
                     help="write what tests compare with instead of comparing: the slides' control "
                          "frames (test_frames), and the parameters' tables in "
                          "assets/default_params.toml and README.md")


def _cost_rank(item: pytest.Item) -> int:
    if item.get_closest_marker("e2e"):
        return 0  # minutes of wall time, mostly Manim processes of its own
    if "tests/scenes/" in item.nodeid:
        return 1  # tens of seconds a file: slide constructions
    return 2  # seconds


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The costliest files first. `--dist loadfile` hands whole files to the test processes in
    this order (pyproject turns off xdist's own order, by number of tests), so the long ones
    start at once and the last file to finish is a short one."""
    items.sort(key=_cost_rank)  # stable: the order within a file stays
