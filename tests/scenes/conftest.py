"""Construct slides without encoding video: a dry run takes about a second per slide."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any, Callable

import pytest
from manim import tempconfig

from scenes.runtime import PARAMS_ENV
from scenes.slides import SLIDES, Slide

# Parameter sets that stress the wording and the layout: the defaults, a negative
# input, a learning rate that overshoots, a prediction already on target, x = 0
# (no gradient for w), and large values with long numbers.
UNUSUAL_PARAMS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "negative_x": {"x": -1.5, "w": 0.5, "b": 0.25, "y": 1.0},
    "large_lr": {"lr": 0.3},
    "on_target": {"x": 2.0, "w": 2.0, "b": 0.0, "y": 4.0},
    "zero_x": {"x": 0.0, "w": 1.5, "b": -0.5, "y": 2.0},
    "long_numbers": {"x": -12.3456, "w": 7.891, "b": -45.678, "y": 99.99, "lr": 0.0005},
}


def existing_slides() -> list[Slide]:
    return [s for s in SLIDES if s.path.exists()]


def scene_class(slide: Slide) -> type:
    module = importlib.import_module(f"scenes.{slide.module}")
    return getattr(module, slide.scene)


@pytest.fixture
def construct(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """`construct(slide, **params)` runs the slide's construct() in a dry run and returns the scene."""

    def run(slide: Slide, **params: Any) -> Any:
        params_file = tmp_path / "params.json"
        params_file.write_text(json.dumps(params))
        monkeypatch.setenv(PARAMS_ENV, str(params_file))
        with tempconfig({"dry_run": True, "quality": "low_quality", "media_dir": str(tmp_path / "media"),
                         "progress_bar": "none", "verbosity": "WARNING", "disable_caching": True}):
            scene = scene_class(slide)()
            scene.render()
        return scene

    return run
