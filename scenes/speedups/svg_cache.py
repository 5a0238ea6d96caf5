"""Parsed formula and text SVGs kept on disk, so a re-render does not parse them again.

Every MathTex, Tex, Text and MarkupText is an SVGMobject: its SVG file is parsed
(svgelements) and turned into glyph paths, about 17 ms of CPU a formula. Manim keeps
the result in `SVG_HASH_TO_MOB_MAP`, but only in memory for one process (and Text not at
all), so a re-render after a parameter change parses every formula and text of the slide
again although most of them did not change: on slides 4 and 6 at preview about 1 CPU s
each of an `lr` re-render.

This keeps the parse's result in the user's cache (lecture/user_cache.py, kind "parse":
private, shared by every output folder and run) and takes it from there when the same SVG
is parsed again:

- **Key.** Manim's own key (`hash_obj(hash_seed)`) uses Python's `hash` of strings, which
  differs from one process to the next, and names the SVG file, not what is in it. The
  key here is a SHA-256 of the SVG's bytes and of everything else the parse reads: the
  class, `svg_default`, `path_string_config`, the renderer, and the versions of Manim,
  numpy, Python and of this module (`FORMAT`). A class that overrides a step of the
  parse is not cached at all.
- **What is kept.** What the parse leaves on the mobject: its submobjects, its
  `id_to_vgroup_dict`, and whatever else of its own state the parse changed (the flip it
  ends with turns the parent's `sheen_direction`), pickled together so objects they share
  stay shared. Unpickled, they are the objects the parse would have made: the same
  points, styles and attributes in the same order, hence the same frames and the same
  per-animation cache keys (tests/scenes/speedups/test_svg_cache.py). What comes after the parse
  (MathTex's break-up into parts, colours, sizes) runs as before.
- **No code from writable places.** A pickle can run code, so one is loaded only from the
  user's own cache folder (mode 0700, checked), and only when its HMAC under the key kept
  there matches: nothing is unpickled from the output folder or from a folder others can
  write, and a planted or altered entry is dropped unread.
- **Manim's memory cache** is untouched: a formula parsed before in this process is
  still a copy from it, and one taken from disk goes into it as a parsed one would, so
  the process sees the same objects with or without this cache.
- **Failing safe.** An entry whose MAC does not match (cut short, altered), or that does
  not unpickle to what is expected, is a miss (parsed again and stored again), never an
  error. The user cache bounds its size, evicting the least recently used entries.
- **Only in the process that opened it.** The prefetch's dry pass (a fork of the scene
  process, scenes/speedups/prefetch.py) reads the cache but does not write it: its formulas are
  stand-ins.

Installed by `scenes.speedups.install`, like every patch of Manim, only with
scenes/speedups/glyph_paths.py in (a glyph keeps no parsed svgelements path), not with
`BACKPROP_NO_SVG_CACHE=1`; without `$BACKPROP_CACHE` (a plain `manim render` of a scene)
it does nothing.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import time
from typing import Any

import manim
import numpy as np
from manim import config, logger
from manim.mobject.svg import svg_mobject
from manim.mobject.types.vectorized_mobject import VGroup, VMobject
from manim.utils.iterables import hash_obj

from lecture import contract
from lecture.user_cache import UserCache
from scenes.speedups.guard import Patch

__all__ = ["FORMAT", "KIND", "SvgCache", "entry_key", "active", "report",
           "init_svg_mobject_cached", "PATCH", "installed"]

FORMAT = 3  # raise it when what is stored, or how it is keyed, changes
KIND = "parse"  # its entries in the user cache
_SVGMobject = svg_mobject.SVGMobject
_stock_init = _SVGMobject.init_svg_mobject
# The steps of the parse: a class overriding any of them parses differently from what
# its name and settings say, so it is not cached.
_PARSE_STEPS = ("generate_mobject", "get_file_path", "modify_xml_tree",
                "generate_config_style_dict", "get_mobjects_from", "get_mob_from_shape_element",
                "handle_transform", "apply_style_to_mobject", "path_to_mobject",
                "line_to_mobject", "rect_to_mobject", "ellipse_to_mobject",
                "polygon_to_mobject", "polyline_to_mobject", "text_to_mobject",
                "get_mobject_type_class", "init_svg_mobject")
_PARSED = ("submobjects", "id_to_vgroup_dict")  # what the parse sets; stored on their own
Parsed = tuple[list[VMobject], dict[str, VGroup], dict[str, Any]]


class SvgCache:
    """Parsed SVGs in the user cache, counted for this process."""

    def __init__(self, store: UserCache) -> None:
        self.store = store
        self.owner = os.getpid()  # a fork (the prefetch's dry pass) reads but never writes
        self.hits = self.misses = 0
        self.cpu = 0.0  # thread CPU s spent reading and writing entries (bench/svg_cache.py)

    def load(self, key: str) -> Parsed | None:
        """The stored parse of `key`, or None if there is none or it cannot be trusted."""
        started = time.thread_time()
        try:
            return self._load(key)
        finally:
            self.cpu += time.thread_time() - started

    def _load(self, key: str) -> Parsed | None:
        payload = self.store.get(KIND, key)  # None unless its MAC matches: see the notes
        if payload is None:
            return None
        # Unpickling makes thousands of small objects, each a step towards a garbage
        # collection that would walk the whole scene; none of them can be garbage yet.
        collecting = gc.isenabled()
        gc.disable()
        try:
            parsed = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - anything unpicklable is a miss, not an error
            return None
        finally:
            if collecting:
                gc.enable()
        return parsed if _well_formed(parsed) else None

    def save(self, key: str, parsed: Parsed) -> None:
        """Store `parsed` under `key`, whole or not at all; a failure only costs the entry."""
        if os.getpid() != self.owner:
            return
        started = time.thread_time()
        try:
            # Protocol 4: reads faster than 5 here (0.47 against 0.55 ms an entry). Either
            # way a large array comes back writable, over the pickle's bytes rather than
            # owning its memory; Manim never resizes one in place (nor does a slide).
            self.store.put(KIND, key, pickle.dumps(parsed, protocol=4))
        except Exception as error:  # noqa: BLE001 - something unpicklable: just not cached
            logger.debug(f"svg cache: not storing {key}: {error}")
        finally:
            self.cpu += time.thread_time() - started


def _well_formed(parsed: Any) -> bool:
    if not (isinstance(parsed, tuple) and len(parsed) == 3):
        return False
    submobjects, groups, changed = parsed
    return (isinstance(submobjects, list) and all(isinstance(m, VMobject) for m in submobjects)
            and isinstance(groups, dict) and all(isinstance(g, VGroup) for g in groups.values())
            and isinstance(changed, dict) and not set(changed) & set(_PARSED))


def entry_key(mobject: svg_mobject.SVGMobject) -> str | None:
    """The cache key of `mobject`'s parse (see the module's notes), or None if it is not
    to be cached: a class with its own parse, no readable file, or a setting whose text
    names an object's address (it would differ every run)."""
    kind = type(mobject)
    if any(getattr(kind, step, None) is not getattr(_SVGMobject, step) for step in _PARSE_STEPS):
        return None
    try:
        svg = mobject.get_file_path().read_bytes()
    except (OSError, ValueError):
        return None
    settings = repr((FORMAT, manim.__version__, np.__version__, sys.version_info[:2],
                     f"{kind.__module__}.{kind.__qualname__}",
                     sorted((str(k), repr(v)) for k, v in mobject.svg_default.items()),
                     sorted((str(k), repr(v)) for k, v in mobject.path_string_config.items()),
                     str(config.renderer)))
    if " at 0x" in settings:
        return None
    digest = hashlib.sha256(settings.encode())
    digest.update(b"\0")
    digest.update(svg)
    return digest.hexdigest()[:40]


_cache: SvgCache | None = None


def active() -> SvgCache | None:
    """The parse cache of this process: None when there is no private user cache
    ($BACKPROP_CACHE) or it is switched off."""
    global _cache
    if os.environ.get(contract.NO_SVG_CACHE):
        return None
    store = UserCache.from_environment()
    if store is None:
        return None
    if _cache is None or _cache.store is not store:
        _cache = SvgCache(store)
    return _cache


def report() -> None:
    """At the end of a render: what the cache did (the debug log, bench/svg_cache.py)."""
    cache = active() if installed() else None
    if cache is not None:
        logger.debug(f"svg cache: {cache.hits} parses read, {cache.misses} made and stored, "
                     f"{cache.cpu:.3f} CPU s reading and writing")


def _state_of(mobject: Any) -> dict[str, Any]:
    """A shallow picture of `mobject`'s own attributes, arrays by value, to see what the
    parse changes."""
    return {k: (v, v.tobytes() if isinstance(v, np.ndarray) else None)
            for k, v in mobject.__dict__.items() if k not in _PARSED}


def _changed(before: dict[str, Any], mobject: Any) -> dict[str, Any]:
    changed = {}
    for k, v in mobject.__dict__.items():
        if k in _PARSED:
            continue
        old = before.get(k)
        if old is None or old[0] is not v or (
                isinstance(v, np.ndarray) and v.tobytes() != old[1]):  # changed in place
            changed[k] = v
    return changed


def init_svg_mobject_cached(self: svg_mobject.SVGMobject,
                            use_svg_cache: bool) -> svg_mobject.SVGMobject:
    """Manim's `init_svg_mobject`, with the parse taken from the disk cache when it has it."""
    cache = active()
    if cache is None:
        return _stock_init(self, use_svg_cache)
    if use_svg_cache:
        hash_val = hash_obj(self.hash_seed)
        if hash_val in svg_mobject.SVG_HASH_TO_MOB_MAP:  # Manim's own copy, as without us
            return _stock_init(self, use_svg_cache)
    key = entry_key(self)
    if key is None:
        return _stock_init(self, use_svg_cache)
    parsed = cache.load(key)
    if parsed is None:
        cache.misses += 1
        before = _state_of(self)
        _stock_init(self, use_svg_cache)
        cache.save(key, (self.submobjects, self.id_to_vgroup_dict, _changed(before, self)))
        return self
    cache.hits += 1
    submobjects, groups, changed = parsed
    # As generate_mobject leaves it: the parsed glyphs added, the groups, its other changes.
    self.add(*submobjects)
    self.id_to_vgroup_dict = groups
    for k, v in changed.items():
        setattr(self, k, v)
    if use_svg_cache:  # as Manim keeps a parsed one, for the next of this SVG in the process
        svg_mobject.SVG_HASH_TO_MOB_MAP[hash_val] = self.copy()
    return self


def _unwrapped(method: Any) -> Any:
    """What a wrapper made with functools.wraps (bench/profiling.py times the parse so)
    wraps, down to the function itself."""
    while hasattr(method, "__wrapped__"):
        method = method.__wrapped__
    return method


def _apply() -> None:
    _SVGMobject.init_svg_mobject = init_svg_mobject_cached


def installed() -> bool:
    return _unwrapped(_SVGMobject.init_svg_mobject) is init_svg_mobject_cached


# init_svg_mobject replaced; the parse it stores is the class's own (_PARSE_STEPS), its
# memory cache (SVG_HASH_TO_MOB_MAP, hash_obj of hash_seed) kept as Manim keeps it.
PATCH = Patch("svg cache", {
    "manim.mobject.svg.svg_mobject:SVGMobject": "449d441c8c51412e",
}, apply=_apply, installed=installed, needs=("glyph paths",),
    off_with=(contract.NO_SVG_CACHE,))
