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


@pytest.fixture(autouse=True)
def _own_user_cache(tmp_path_factory: pytest.TempPathFactory,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own user cache: a slide a stand-in renderer drew in one test would be
    taken from the cache, finished, by the next test that renders it (finished.py)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
