"""Module-scoped dry runs for the per-slide tests: build a slide once, check it many ways.

The `construct` fixture of conftest.py is function-scoped; a slide test file that asks
several questions of the same construct uses `built` from a module-scoped fixture.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from manim import tempconfig

from scenes.runtime import PARAMS_ENV
from scenes.slides import Slide
from tests.scenes.conftest import scene_class


def built(slide: Slide, tmp_path_factory: pytest.TempPathFactory, **params: Any) -> Any:
    """The slide's scene after a dry run with `params` (the defaults if none)."""
    folder = tmp_path_factory.mktemp(slide.slug)
    params_file = folder / "params.json"
    params_file.write_text(json.dumps(params))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PARAMS_ENV, str(params_file))
        with tempconfig({"dry_run": True, "quality": "low_quality", "media_dir": str(folder / "media"),
                         "progress_bar": "none", "verbosity": "WARNING", "disable_caching": True}):
            scene = scene_class(slide)()
            scene.render()
    return scene


def on_screen(scene: Any) -> list[str]:
    """The source of every text and formula that was on screen (a Text's string, a formula's TeX)."""
    return [getattr(m, "tex_string", None) or getattr(m, "original_text", None) or getattr(m, "text", "")
            for m in scene.seen_texts.values()]


def spoken(scene: Any) -> str:
    return " ".join(beat["text"] for beat in scene.narration)
