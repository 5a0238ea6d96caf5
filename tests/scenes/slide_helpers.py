"""Module-scoped dry runs for the per-slide tests: build a slide once, check it many ways.

A slide test file that asks several questions of the same construction uses `built`;
constructions are memoised across the session by conftest.dry_run.
"""

from __future__ import annotations

from typing import Any

import pytest

from lecture.slides import Slide
from tests.scenes.conftest import dry_run


def built(slide: Slide, tmp_path_factory: pytest.TempPathFactory | None = None,
          **params: Any) -> Any:
    """The slide's scene after a dry run with `params` (the defaults if none), shared by
    every test that asks for the same slide and parameters."""
    del tmp_path_factory  # kept for the callers' signature; constructions share one cache
    return dry_run(slide, params)


def on_screen(scene: Any) -> list[str]:
    """The source of every text and formula that was on screen (a Text's string, a formula's
    TeX)."""
    return [getattr(m, "tex_string", None) or getattr(m, "original_text", None)
            or getattr(m, "text", "")
            for m in scene.seen_texts.values()]


def spoken(scene: Any) -> str:
    return " ".join(beat["text"] for beat in scene.narration)


def sentence(scene: Any, beat: str) -> str:
    """The narration of one beat."""
    return next(b["text"] for b in scene.narration if b["beat"] == beat)
