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
from lecture import contract

__all__ = ["DEFAULT_PARAMS_FILE",
           "current_params", "current_lesson"]

DEFAULT_PARAMS_FILE = Path(__file__).resolve().parents[2] / "assets" / "default_params.toml"


def current_params() -> Params:
    path = Path(os.environ.get(contract.PARAMS) or DEFAULT_PARAMS_FILE)
    if path.suffix == ".json":
        return params_from_mapping(json.loads(path.read_text(encoding="utf-8")))
    return load_params(path)


def current_lesson() -> Lesson:
    return build_lesson(current_params())
