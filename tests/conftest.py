"""Options every test directory shares."""

from __future__ import annotations


def pytest_addoption(parser) -> None:
    parser.addoption("--set_test", action="store_true", default=False,
                     help="write the slides' control frames (test_frames) instead of comparing")
