"""Construct slides without encoding video, and share the constructions between tests.

A construction is a pure function of the lesson values the slide reads, so tests ask
for scenes through `dry_run`, which memoises by parameters and, where allowed, by
equivalent reads: slide 7 reads no worked-neuron value, so one construction serves
every parameter set that differs only in x, w, b, y or lr. Tests that check exactly
that assumption ask for a `fresh` construction.

Animations are skipped to their end state (as `manim -s` does): every layout check
still runs after every play, on the same end-of-animation frames, without drawing
the frames in between. Each construction also draws two frames, as the preview
render would show them: after the beat where the slide's story turns, and the last
one; the visual regression tests compare them with control frames.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable
from unittest import mock

import pytest
from manim import config, tempconfig

from backprop_core import build_lesson
from backprop_core.params import params_from_mapping
from lecture import contract
from lecture.facts import value_at
from lecture.slides import SLIDES, Slide
from tests import slide_cache

# Parameter sets that stress the wording and the layout: the defaults, a negative
# input, a learning rate that overshoots, a prediction already on target, x = 0
# (no gradient for w), long numbers, and the largest values validation allows
# (losses around 1e8 and 1e16, written in scientific notation).
UNUSUAL_PARAMS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "negative_x": {"x": -1.5, "w": 0.5, "b": 0.25, "y": 1.0},
    "large_lr": {"lr": 0.3},
    "on_target": {"x": 2.0, "w": 2.0, "b": 0.0, "y": 4.0},
    "zero_x": {"x": 0.0, "w": 1.5, "b": -0.5, "y": 2.0},
    "long_numbers": {"x": -12.3456, "w": 7.891, "b": -45.678, "y": 99.99, "lr": 0.0005},
    "extremes": {"x": -100.0, "w": 100.0, "b": -100.0, "y": 100.0, "lr": 1.0},
}

# One folder per test process: Manim's LaTeX and text caches are shared by every
# construction in it (compiling a formula once instead of once per test), and
# parallel test processes never write into each other's caches.
_WORKDIR = Path(tempfile.mkdtemp(prefix="slide-tests-"))
atexit.register(shutil.rmtree, _WORKDIR, ignore_errors=True)
# Texts and formulas made outside a construction (unit tests of drawings) too.
config.media_dir = str(_WORKDIR)
config.tex_dir = str(_WORKDIR / "Tex")
config.text_dir = str(_WORKDIR / "texts")
# And a user cache, as every render has (lecture/user_cache.py), one for the whole run
# (tests/slide_cache.py): the LaTeX format is built once, not in each construction's media
# folder, and a text or formula another construction parsed is taken from it
# (scenes/speedups/svg_cache.py) rather than parsed again: a quarter of a construction's CPU.
_USER_CACHE = slide_cache.folder()
_MEMO: dict[tuple[str, str], Any] = {}
_THEMED: dict[tuple[str, str, str, str], Any] = {}  # in a named theme or language

# The beat after which each slide's middle frame is drawn: where its story turns.
MIDDLE_BEAT = {1: "show_network", 2: "emit_prediction", 3: "square_the_error", 4: "take_one_step",
               5: "local_gradient", 6: "backward_to_parameters", 7: "show_activations",
               8: "backward_pass"}


def existing_slides() -> list[Slide]:
    return [s for s in SLIDES if s.path.exists()]


def scene_class(slide: Slide) -> type:
    module = importlib.import_module(f"scenes.{slide.module}")
    return getattr(module, slide.scene)


# Scene modules that read no colour: they stay loaded when another theme is imported.
# scenes.speedups patches Manim once per process: imported again, a patch module would take
# the patch it made for Manim's own code and leave the module the other tests see uninstalled.
_THEME_FREE = {"scenes", "scenes.kit.runtime", "lecture.slides", "lecture.facts"}


def _theme_free(module: str) -> bool:
    return module in _THEME_FREE or module.startswith("scenes.speedups")


@contextmanager
def _theme(name: str | None):
    """Import the scenes afresh in theme `name` (None: as loaded), as a Manim process started
    with $BACKPROP_THEME=name would; afterwards the modules as they were are back."""
    if name is None:
        yield
        return
    import scenes

    saved = {k: m for k, m in sys.modules.items()
             if k.startswith("scenes.") and not _theme_free(k)}
    attributes = dict(vars(scenes))
    previous = os.environ.get(contract.THEME)
    for key in saved:
        del sys.modules[key]
        # `from scenes.kit import theme` reads the package attribute `kit` before sys.modules
        vars(scenes).pop(key.split(".")[1], None)
    os.environ[contract.THEME] = name
    try:
        yield
    finally:
        for key in [k for k in sys.modules if k.startswith("scenes.") and not _theme_free(k)]:
            del sys.modules[key]
        sys.modules.update(saved)
        vars(scenes).clear()
        vars(scenes).update(attributes)
        if previous is None:
            os.environ.pop(contract.THEME, None)
        else:
            os.environ[contract.THEME] = previous


def _construct(slide: Slide, params: dict[str, Any], theme: str | None = None,
               language: str | None = None) -> Any:
    with _theme(theme), _language(language):
        return _construct_here(slide, params)


@contextmanager
def _language(tag: str | None):
    """Construct in language `tag` (None: English), as a Manim process started with
    $BACKPROP_LANG=tag would: a slide reads its language when it is set up."""
    previous = os.environ.get(contract.LANG)
    if tag is not None:
        os.environ[contract.LANG] = tag
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(contract.LANG, None)
        else:
            os.environ[contract.LANG] = previous


def _construct_here(slide: Slide, params: dict[str, Any]) -> Any:
    folder = Path(tempfile.mkdtemp(prefix=f"{slide.slug}-", dir=_WORKDIR))
    params_file = folder / "params.json"
    params_file.write_text(json.dumps(params))
    with mock.patch.dict(os.environ, {contract.PARAMS: str(params_file),
                                      contract.CACHE: _USER_CACHE}), \
            tempconfig({"dry_run": True, "quality": "low_quality", "media_dir": str(folder),
                        "tex_dir": str(_WORKDIR / "Tex"), "text_dir": str(_WORKDIR / "texts"),
                        "progress_bar": "none", "verbosity": "WARNING",
                        "disable_caching": True}):
        scene = scene_class(slide)(skip_animations=True)
        _draw_only_when_asked(scene.renderer)
        # Frames inside animations are checked where the control frames are drawn: the
        # defaults in each theme (paused_frames.py; other parameters skip the cost). A
        # construction in another language draws none (it has no control frames).
        english = not os.environ.get(contract.LANG)
        scene.check_paused_frames = not params and english
        scene.frames = {}
        if english:
            _draw_after(scene, MIDDLE_BEAT[slide.number], "middle")
        scene.render()
        if english:
            scene.frames["last"] = scene.draw_frame()
    return scene


def _draw_only_when_asked(renderer: Any) -> None:
    """Manim draws every play's still mobjects and its end state even when it skips the
    animation, for frames a dry run never writes: a tenth of a construction's CPU. Here
    only a frame asked for explicitly (`SlideScene.draw_frame`) is drawn; the checks read
    the mobjects, not pixels."""
    draw = renderer.update_frame

    def update_frame(scene: Any, mobjects: Any = None, include_submobjects: bool = True,
                     ignore_skipping: bool = False, **kwargs: Any) -> None:
        if ignore_skipping:
            draw(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    renderer.update_frame = update_frame


def _draw_after(scene: Any, beat: str, name: str) -> None:
    """Make the scene keep the frame after its beat method `beat` as `scene.frames[name]`."""
    step = getattr(scene, beat)  # a renamed beat fails here, by name

    def step_then_draw() -> None:
        step()
        scene.frames[name] = scene.draw_frame()

    setattr(scene, beat, step_then_draw)


def dry_run(slide: Slide, params: dict[str, Any] | None = None, *, fresh: bool = False,
            reuse_equivalent: bool = False, theme: str | None = None,
            language: str | None = None) -> Any:
    """The slide constructed with `params` (defaults if None), in `theme` (None: the
    theme this process imported, the default dark one unless $BACKPROP_THEME says) and
    `language` (a tag; None: English).

    `fresh`: construct anew, bypassing and not filling the memo.
    `reuse_equivalent`: accept an earlier construction whose every lesson read has the
    same value under `params` (the construction would be identical).
    """
    params = dict(params or {})
    if theme is not None or language is not None:  # one construction each; none shared
        key = (slide.stem, json.dumps(params, sort_keys=True), theme or "", language or "")
        if fresh or key not in _THEMED:
            _THEMED[key] = _construct(slide, params, theme, language)
        return _THEMED[key]
    if fresh:
        return _construct(slide, params)
    key = (slide.stem, json.dumps(params, sort_keys=True))
    if key in _MEMO:
        return _MEMO[key]
    if reuse_equivalent:
        lesson = build_lesson(params_from_mapping(params))
        for (stem, _), scene in _MEMO.items():
            if stem == slide.stem and all(value_at(lesson, k) == v
                                          for k, v in scene.lesson.reads.items()):
                _MEMO[key] = scene
                return scene
    _MEMO[key] = _construct(slide, params)
    return _MEMO[key]


@pytest.fixture
def construct() -> Callable[..., Any]:
    """`construct(slide, **params)`: a fresh dry run of the slide."""

    def run(slide: Slide, **params: Any) -> Any:
        return dry_run(slide, params, fresh=True)

    return run
