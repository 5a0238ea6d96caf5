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
from backprop_core.formatting import NumberFormat, number_format
from backprop_core.params import params_from_mapping
from lecture import contract
from lecture.i18n import Catalog, catalog_for
from lecture.language import Language, find_language

__all__ = ["DEFAULT_PARAMS_FILE",
           "current_params", "current_lesson", "current_language", "current_catalog",
           "current_numbers", "tr"]

DEFAULT_PARAMS_FILE = Path(__file__).resolve().parents[2] / "assets" / "default_params.toml"


def current_params() -> Params:
    path = Path(os.environ.get(contract.PARAMS) or DEFAULT_PARAMS_FILE)
    if path.suffix == ".json":
        return params_from_mapping(json.loads(path.read_text(encoding="utf-8")))
    return load_params(path)


def current_lesson() -> Lesson:
    return build_lesson(current_params())


def current_language() -> Language:
    """The language the pipeline asked for ($BACKPROP_LANG; unset: English). Read when a
    slide is set up, not when it is imported: one process may construct several."""
    return find_language(os.environ.get(contract.LANG))


def current_catalog() -> Catalog:
    return catalog_for(current_language().tag)


def current_numbers() -> NumberFormat:
    """How the current language writes a number's symbols."""
    return number_format(current_language().locale)


def tr(message: str, context: str | None = None, count: int | None = None) -> str:
    """`message` in the current language (see lecture/i18n.py)."""
    return current_catalog().text(message, context, count)
