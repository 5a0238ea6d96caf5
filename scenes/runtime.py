"""How a scene learns its parameters and where it reports what it showed.

The render pipeline runs each slide as a separate `manim` process and talks to it
through environment variables; run by hand (`manim -qm scenes/...`), a scene
uses the default parameters from `assets/default_params.toml`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from backprop_core import Lesson, Params, build_lesson, load_params
from backprop_core.params import params_from_mapping

__all__ = ["PARAMS_ENV", "FACTS_ENV", "STILL_ENV", "THEME_ENV", "DEFAULT_PARAMS_FILE",
           "current_params", "current_lesson"]

PARAMS_ENV = "BACKPROP_PARAMS"  # a .toml or .json file of parameters
FACTS_ENV = "BACKPROP_FACTS_OUT"  # the scene writes its facts manifest (JSON) here
STILL_ENV = "BACKPROP_STILL_OUT"  # the scene saves its last frame (PNG) here
THEME_ENV = "BACKPROP_THEME"  # dark or light: read by scenes/theme.py when imported
DEFAULT_PARAMS_FILE = Path(__file__).resolve().parent.parent / "assets" / "default_params.toml"


def current_params() -> Params:
    path = Path(os.environ.get(PARAMS_ENV) or DEFAULT_PARAMS_FILE)
    if path.suffix == ".json":
        return params_from_mapping(json.loads(path.read_text(encoding="utf-8")))
    return load_params(path)


def current_lesson() -> Lesson:
    return build_lesson(current_params())
