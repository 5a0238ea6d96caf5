"""Options every test directory shares."""

from __future__ import annotations


def pytest_addoption(parser) -> None:
    # Manim's frames_comparison reads these two options but, not being a pytest plugin,
    # does not register them.
    parser.addoption("--set_test", action="store_true", default=False,
                     help="write the control frames of tests/scenes/test_frames.py instead of comparing")
    parser.addoption("--show_diff", action="store_true", default=False,
                     help="show a failing frame comparison (needs a display)")
