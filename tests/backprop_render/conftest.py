"""Fixtures of the render-pipeline tests."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from tests.backprop_render.synthetic_media import write_video


@pytest.fixture
def make_video(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(10**6))

    def make(frames: int, **kwargs) -> Path:
        return write_video(tmp_path / f"synthetic-{next(counter)}.mp4", frames, **kwargs)

    return make
