"""A formula's glyphs let go of the parsed SVG path they were made from. No picture changes.

- **Cache keys.** With the per-animation cache on, Manim hashes every mobject on
  screen before each animation by walking its attributes. A glyph keeps the parsed
  SVG path it was made from (`path_obj`, thousands of svgelements objects per slide),
  which the walk visits although the glyph's points, hashed too, already say
  everything it draws. The key leaves `path_obj` out.
- **Glyph copies.** The same parsed path is deep-copied with every copy of a glyph
  (Manim's SVG cache hands out copies; every Transform copies its mobjects). Manim
  reads `path_obj` only to make the glyph's points, so the glyph lets go of it then.

Measured by bench/manim_speedups.py with scenes/speedups/held_frames.py. Installed by
`scenes.speedups.install`, like every patch of Manim.
"""

from __future__ import annotations

from typing import Any

from manim.mobject.svg import svg_mobject
from manim.utils import hashing

from scenes.speedups.guard import Patch

__all__ = ["generate_points_then_drop_the_path", "PATCH", "installed"]

_Glyph = svg_mobject.VMobjectFromSVGPath
_original_generate_points = _Glyph.generate_points


def generate_points_then_drop_the_path(self: svg_mobject.VMobjectFromSVGPath) -> Any:
    result = _original_generate_points(self)
    self.path_obj = None
    return result


def _apply() -> None:
    hashing.KEYS_TO_FILTER_OUT.add("path_obj")
    _Glyph.generate_points = generate_points_then_drop_the_path


def installed() -> bool:
    return ("path_obj" in hashing.KEYS_TO_FILTER_OUT
            and _Glyph.generate_points is generate_points_then_drop_the_path)


# The glyph's class: where path_obj is read (generate_points, which init_points calls).
# The key's walk: the encoder leaves KEYS_TO_FILTER_OUT out (scenes/speedups/cache_key.py
# mirrors it and reads the same set).
PATCH = Patch("glyph paths", {
    "manim.mobject.svg.svg_mobject:VMobjectFromSVGPath": "eebed1a78508cd4d",
    "manim.utils.hashing:_CustomEncoder": "40ed27b7a54cc87e",
}, apply=_apply, installed=installed)
