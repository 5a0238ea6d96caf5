"""Typeset formulas and texts taken from the user's cache instead of made again.

Manim keeps a formula's SVG (LaTeX, then dvisvgm) in its Tex folder and a text's (Pango) in
its texts folder, each named by a hash of what it typesets, and makes only those it does
not find there. Those folders belong to one slide's media folder, so a new output folder, a
variant or a sweep's worker typesets everything again. Here every SVG Manim looks for and
does not find is first looked up in the user's cache (lecture/user_cache.py, kinds "tex"
and "text", keyed by Manim's name and the typesetting programs' versions), and every SVG
made is stored there: the same formula is typeset once per machine.

- `take(kind, svg)` puts the cached SVG at `svg` (written whole) and says whether it could;
  `give(kind, svg)` stores a made one. prefetch.py takes before it compiles a slide's
  formulas together and gives what it compiled; the wrappers below do the same around
  Manim's `tex_to_svg_file` (a formula the dry pass missed) and `Text`/`MarkupText`'s
  `_text2svg`.
- Entries are checked by the cache (their MAC) and must look like a whole SVG; anything
  else is made again. Only the process that started the render stores (not the dry pass's
  fork, whose formulas are stand-ins).

Installed by `scenes.speedups.install`, like every patch of Manim; without `$BACKPROP_CACHE`
(a scene run by hand) nothing changes.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any, Callable

import manim
from manim.mobject.text import tex_mobject, text_mobject
from manim.utils import tex_file_writing

from lecture.user_cache import UserCache
from scenes.speedups import latex_format
from scenes.speedups.guard import Patch

__all__ = ["take", "give", "PATCH", "installed"]

_OWNER = os.getpid()
_stock_tex_to_svg = tex_file_writing.tex_to_svg_file
_stock_text2svg = {cls: cls._text2svg for cls in (text_mobject.Text, text_mobject.MarkupText)}


@functools.lru_cache(maxsize=None)
def _tools(kind: str) -> str:
    """What besides Manim's name decides the SVG: the TeX installation and dvisvgm, or
    Pango through ManimPango."""
    if kind == "tex":
        import shutil

        dvisvgm = shutil.which("dvisvgm") or ""
        stamp = f"{os.stat(dvisvgm).st_mtime_ns}" if dvisvgm else ""
        return hashlib.sha256(f"{latex_format.installation()}\n{dvisvgm}:{stamp}".encode()
                              ).hexdigest()[:16]
    import manimpango

    return f"{manimpango.__version__}-{manimpango.pango_version()}"


def _key(kind: str, svg: Path) -> str:
    return f"{svg.stem}-{_tools(kind)}"


def take(kind: str, svg: Path) -> bool:
    """Put the cached SVG for `svg`'s name at `svg`; whether there was a whole one."""
    store = UserCache.from_environment()
    if store is None:
        return False
    data = store.get(kind, _key(kind, svg))
    if data is None or not data.rstrip().endswith(b"</svg>"):
        return False
    svg.parent.mkdir(parents=True, exist_ok=True)
    partial = svg.with_name(f".{svg.name}.{os.getpid()}")
    try:
        partial.write_bytes(data)
        os.replace(partial, svg)
    except OSError:
        partial.unlink(missing_ok=True)
        return False
    return True


def give(kind: str, svg: Path) -> None:
    """Store the SVG Manim made at `svg` (not from a fork, not an unreadable one)."""
    store = UserCache.from_environment()
    if store is None or os.getpid() != _OWNER:
        return
    try:
        data = svg.read_bytes()
    except OSError:
        return
    store.put(kind, _key(kind, svg), data)


def tex_to_svg_file(expression: str, environment: str | None = None,
                    tex_template: Any = None) -> Path:
    """Manim's `tex_to_svg_file`, the SVG taken from the user cache when it has it."""
    template = tex_template or manim.config["tex_template"]
    svg = tex_file_writing.generate_tex_file(expression, environment, template) \
        .with_suffix(".svg")
    had = svg.exists() or take("tex", svg)
    result = _stock_tex_to_svg(expression, environment, tex_template)
    if not had:
        give("tex", Path(result))
    return result


def _text2svg_cached(stock: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(stock)
    def text2svg(self: Any, color: Any) -> str:
        folder = Path(manim.config.get_dir("text_dir"))
        svg = folder / f"{self._text2hash(color)}.svg"
        had = svg.exists() or take("text", svg)
        result = stock(self, color)
        if not had:
            give("text", Path(result))
        return result
    text2svg.typeset_cache = True  # type: ignore[attr-defined]
    return text2svg


def _apply() -> None:
    tex_file_writing.tex_to_svg_file = tex_to_svg_file
    tex_mobject.tex_to_svg_file = tex_to_svg_file
    for cls, stock in _stock_text2svg.items():
        cls._text2svg = _text2svg_cached(stock)


def installed() -> bool:
    return tex_mobject.tex_to_svg_file is tex_to_svg_file and all(
        getattr(cls._text2svg, "typeset_cache", False) for cls in _stock_text2svg)


# tex_to_svg_file replaced where Manim's formulas call it (tex_mobject imports it by name),
# Text's and MarkupText's _text2svg wrapped; the SVG's name is Manim's own (_text2hash, and
# the .tex file's name from generate_tex_file).
PATCH = Patch("typeset cache", {
    "manim.utils.tex_file_writing:tex_to_svg_file": "b9bf5e69f268457b",
    "manim.utils.tex_file_writing:generate_tex_file": "1997843c0b9b34d5",
    "manim.mobject.text.tex_mobject:SingleStringMathTex.__init__": "0bfb020f3aef8080",
    "manim.mobject.text.text_mobject:Text._text2svg": "309a6b76ea2e332d",
    "manim.mobject.text.text_mobject:Text._text2hash": "cbb2732304f08708",
    "manim.mobject.text.text_mobject:MarkupText._text2svg": "6efb2b9ae051eec1",
    "manim.mobject.text.text_mobject:MarkupText._text2hash": "340741bbc9fb747d",
}, apply=_apply, installed=installed, needs=("latex format",))
