"""Manim's per-animation cache key, from what the scene was handed instead of what it built.

Before each animation Manim serialises the camera, the animations and every mobject on
screen and hashes that (`manim.utils.hashing.get_hash_from_play_call`): about 11% of a cold
preview render's CPU even computed faster (cache_key.py), paid by every animation of every
render so that a later render of the same folder can take the unchanged ones back.

A slide's scene is a deterministic function of its code and settings and of what it is
handed while it runs: the lesson values it reads (`TrackedLesson`), the catalog's words it
takes (`TrackedCatalog`) and the speech of its beats (the clip and its timings). The render
pipeline hashes the first into the scene key (backprop_render/build/reuse.py's
`scene_key`: every source file the scene imports, the assets, manim.cfg, the quality, the
theme, the language, the voice and the libraries) and hands it over as $BACKPROP_SCENE_KEY.
So everything on screen at the start of animation N, and the animation itself, follows
from that key and from what the scene had been handed by then; this key hashes exactly
that (with the camera's frame and Manim's encoder fingerprint, which Manim's key holds
too). It is the same argument by which a render keeps a whole slide whose reads did not
change (reuse.py), applied animation by animation: a changed value draws again what comes
after the scene read it, as Manim's key draws again what comes after it is first shown.

Not used (Manim's own key instead) when the scene has no scene key: a `manim` run by
hand, a test, or a slide spoken with the lecturer's takes. A take changes how long its
beat's pause lasts and nothing else, which Manim's key, built from the pictures, sees: it
draws only the pauses again, where this key would draw everything after the first take.

Installed by `scenes.speedups.install`, like every patch of Manim.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from manim.renderer import cairo_renderer
from manim.utils import hashing

from scenes.speedups.guard import Patch

__all__ = ["key_from_inputs", "PATCH", "installed", "PREFIX"]

PREFIX = "given_"  # Manim's keys are bare SHA-256 hex: never the same name as one of these


def _camera(camera: Any) -> dict[str, Any]:
    """The camera's frame: what the scene's code does not decide (the command line does)."""
    return {"kind": type(camera).__qualname__,
            "pixels": [camera.pixel_width, camera.pixel_height],
            "frame": [camera.frame_width, camera.frame_height],
            "frame_rate": camera.frame_rate,
            "background": [str(camera.background_color), camera.background_opacity]}


def key_from_inputs(scene_object: Any, camera_object: Any, animations_list: Any,
                    current_mobjects_list: Any, *, backend: str, encoder_fingerprint: str,
                    renderer_state: Any) -> str:
    """`get_hash_from_play_call`'s replacement: the hash of the scene key and of what the
    scene was handed so far, if the scene gives them (`play_inputs`); Manim's key if not."""
    given = getattr(scene_object, "play_inputs", None)
    inputs = given() if callable(given) else None
    if inputs is None:
        return hashing.get_hash_from_play_call(
            scene_object, camera_object, animations_list, current_mobjects_list,
            backend=backend, encoder_fingerprint=encoder_fingerprint,
            renderer_state=renderer_state)
    if not encoder_fingerprint:
        raise ValueError("An encoder fingerprint is required for cache identity.")
    record = {"inputs": inputs, "camera": _camera(camera_object), "backend": backend,
              "encoder": encoder_fingerprint, "renderer": renderer_state,
              "scene": f"{type(scene_object).__module__}.{type(scene_object).__qualname__}"}
    # `repr` for anything JSON has no form for: at worst a name that never comes again
    # (an address), so a miss, never another animation's file.
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=repr)
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _apply() -> None:
    cairo_renderer.get_hash_from_play_call = key_from_inputs


def installed() -> bool:
    return cairo_renderer.get_hash_from_play_call is key_from_inputs


# CairoRenderer.play calls the key by its module's name, with these arguments, and takes
# a hit when a segment of that name is in the folder; Manim's own key is the fallback.
PATCH = Patch("play key", {
    "manim.renderer.cairo_renderer:CairoRenderer.play": "5affbe0f311d6099",
    "manim.utils.hashing:get_hash_from_play_call": "ac69107783b6cf4d",
}, apply=_apply, installed=installed)
