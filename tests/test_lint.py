"""The repository passes ruff, configured in pyproject.toml (about a second)."""

from __future__ import annotations

import subprocess
import sys

from backprop_render import REPO

CHECKED = ("backprop_core", "lecture", "narration", "scenes", "backprop_render", "tests", "bench")


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                             "--output-format", "concise", *CHECKED],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, \
        f"ruff check {' '.join(CHECKED)}:\n{result.stdout}{result.stderr}"
