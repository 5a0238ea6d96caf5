"""Manim's per-animation cache key, computed faster: the very same key, character for character.

Before each animation Manim 0.22 serialises the camera, the animations and every mobject on
screen to JSON (`manim.utils.hashing`) and hashes it. On slide 6 at preview that was a
sixth of the slide's CPU (4.7 of 27.9 s): some 56,000 mobjects and 330,000 arrays over 46
animations, almost all of it Python overhead per value (the bytes hashed are few). This
module replaces three pieces of that code with equivalents that give the same strings, in
about 0.69x the CPU (bench/scene_cpu.py):

- `hash_ndarray`: an array already C-contiguous and little-endian is hashed in place
  (Manim's `astype`/`ascontiguousarray` give back the same array for it), and the
  JSON of its dtype is made once per dtype, not once per array.
- `FastMemoizer`: the "already processed" check for every value of every attribute
  dict, with the type tests Manim makes per value (an ABC `isinstance` among them)
  made once per type.
- `FastEncoder`: the walk over attribute dicts and lists, and the dispatch of arrays
  and plain objects, with type tests by exact type first.

Each keeps Manim's behaviour in its quirks too (a repeated object becomes the
placeholder "AP", so does a second `None`; a filtered-out attribute's value still counts
as seen), so keys equal Manim's own: tests/scenes/speedups/test_cache_key.py compares them on
the slides' scenes. What Manim leaves out of the key is unchanged (`KEYS_TO_FILTER_OUT`,
with the `path_obj` that scenes/speedups/glyph_paths.py adds).

A render of the pipeline keys animations on what the scene was handed instead
(scenes/speedups/play_key.py); this key serves the rest: a slide spoken with takes, a
`manim` run by hand, the tests.

Installed by `scenes.speedups.install`, like every patch of Manim.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zlib
from collections.abc import Hashable
from types import FunctionType, MappingProxyType, MethodType, ModuleType
from typing import Any

import numpy as np
from manim._config import config, logger
from manim.utils import hashing

from scenes.speedups.guard import Patch

__all__ = ["hash_ndarray", "FastMemoizer", "FastEncoder", "PATCH", "installed", "stock"]

_STOCK = {"_hash_ndarray": hashing._hash_ndarray, "_Memoizer": hashing._Memoizer,
          "_CustomEncoder": hashing._CustomEncoder}
_LITTLE_ENDIAN = sys.byteorder == "little"
# A plain little-endian dtype -> the JSON of its descriptor (Manim makes it for every array)
_DESCRIPTORS: dict[np.dtype, str] = {}
_PLACEHOLDER = hashing._Memoizer.ALREADY_PROCESSED_PLACEHOLDER
# Exact types Manim's memoizer passes through untouched (subclasses of int, float, str
# and complex: not numpy's float32 or int64, which it memoizes); a str equal to the
# placeholder is not, so str is tested on its own.
_PRIMITIVES = frozenset({int, float, complex, bool, np.float64})
_HASHABLE: dict[type, bool] = {}  # isinstance(obj, Hashable) by type: an ABC check, slow
_CONTAINERS = (dict, list, tuple)


def hash_ndarray(array: np.ndarray) -> str:
    """`manim.utils.hashing._hash_ndarray`, without copies or JSON per array."""
    descriptor = _DESCRIPTORS.get(array.dtype)
    if descriptor is None:
        dtype = array.dtype
        if (dtype.names is not None or dtype.subdtype is not None
                or not (dtype.byteorder in "<|" or (dtype.byteorder == "=" and _LITTLE_ENDIAN))):
            return _STOCK["_hash_ndarray"](array)
        descriptor = _DESCRIPTORS[dtype] = json.dumps(
            hashing._canonical_dtype_descriptor(dtype), separators=(",", ":"))
    if not array.flags.c_contiguous:
        return _STOCK["_hash_ndarray"](array)
    # Already in the canonical dtype (little-endian, plain) and contiguous: Manim's
    # astype and ascontiguousarray give back this same array, so these are its bytes.
    return f"NDARRAY:{descriptor}:{array.shape}:{hashlib.sha256(array).hexdigest()}"


class FastMemoizer(hashing._Memoizer):
    def check_already_processed(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _PRIMITIVES or (kind is str and obj != _PLACEHOLDER):
            return obj
        hashable = _HASHABLE.get(kind)
        if hashable is None:
            if isinstance(obj, (int, float, str, complex)):  # a subclass: Manim's own path
                return super().check_already_processed(obj)
            hashable = _HASHABLE[kind] = isinstance(obj, Hashable)
        signature: tuple[str, int] | None = None
        if hashable:
            try:
                signature = ("h", hash(obj))
            except TypeError:  # e.g. a tuple holding a list: Manim falls back to id too
                pass
        if signature is None:
            signature = ("i", id(obj))
        seen = self._already_processed
        if signature in seen:
            return _PLACEHOLDER
        if len(seen) == self.THRESHOLD_WARNING and not config.disable_caching_warning:
            self._warn_large()
        seen.add(signature)
        self._keep_alive.setdefault(id(obj), obj)
        return obj

    @staticmethod
    def _warn_large() -> None:
        logger.warning(
            "It looks like the scene contains a lot of sub-mobjects. Caching "
            "is sometimes not suited to handle such large scenes, you might "
            "consider disabling caching with --disable_caching to potentially "
            "speed up the rendering process.",
        )
        logger.warning(
            "You can disable this warning by setting disable_caching_warning "
            "to True in your config file.",
        )


class FastEncoder(hashing._CustomEncoder):
    def default(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is np.ndarray:
            if not obj.dtype.hasobject:
                return hash_ndarray(obj)
        elif not isinstance(obj, (ModuleType, MethodType, FunctionType, np.ndarray)):
            try:
                attributes = obj.__dict__
            except AttributeError:
                pass
            else:
                if isinstance(attributes, MappingProxyType):
                    return "MappingProxy"
                return self._cleaned_iterable(attributes)
        return super().default(obj)

    def _cleaned_iterable(self, iterable: Any) -> Any:
        check = self._memoizer.check_already_processed
        filtered = hashing.KEYS_TO_FILTER_OUT
        keep_pixels = self.include_pixel_array
        primitives = _PRIMITIVES

        def element(el: Any) -> Any:  # Manim tests lists before dicts in a list
            if isinstance(el, (list, tuple)):
                return clean_list(el)
            return clean_dict(el) if isinstance(el, dict) else el

        def clean_list(items: Any) -> list[Any]:
            return [element(check(el)) for el in items]

        def clean_dict(items: dict[Any, Any]) -> dict[Any, Any]:
            cleaned = {}
            for k, v in items.items():
                kind = type(v)
                # The memoizer lets these through: skip the call (it is per value).
                if not (kind in primitives or (kind is str and v != _PLACEHOLDER)):
                    v = check(v)  # before the filter, as Manim: a filtered value counts as seen
                    kind = type(v)
                if k in filtered and not (keep_pixels and k == "pixel_array"):
                    continue
                if type(k) is not str and not isinstance(k, (str, int, float, bool)) \
                        and k is not None:
                    k = self._key_hash(k)
                if kind is dict:
                    v = clean_dict(v)
                elif kind is list or kind is tuple:
                    v = clean_list(v)
                elif kind in primitives or kind is str or not isinstance(v, _CONTAINERS):
                    pass
                elif isinstance(v, dict):  # Manim tests dicts first here
                    v = clean_dict(v)
                else:
                    v = clean_list(v)
                cleaned[k] = v
            return cleaned

        if isinstance(iterable, (list, tuple)):
            return clean_list(iterable)
        if isinstance(iterable, dict):
            return clean_dict(iterable)
        raise TypeError("'iterable' is neither an iterable nor a dictionary.")

    def _key_hash(self, key: Any) -> int:
        return zlib.crc32(hashing._get_json(key, self._memoizer).encode())


_FAST = {"_hash_ndarray": hash_ndarray, "_Memoizer": FastMemoizer, "_CustomEncoder": FastEncoder}


def _apply() -> None:
    for name, piece in _FAST.items():
        setattr(hashing, name, piece)


def installed() -> bool:
    return all(getattr(hashing, name) is piece for name, piece in _FAST.items())


# The three pieces replaced, and what they call that stays Manim's.
PATCH = Patch("cache key", {
    "manim.utils.hashing:_hash_ndarray": "2473d3e9bdc56b47",
    "manim.utils.hashing:_canonical_dtype_descriptor": "21fc65dba1d3ff87",
    "manim.utils.hashing:_Memoizer": "a9e22f62699f72f1",
    "manim.utils.hashing:_CustomEncoder": "40ed27b7a54cc87e",
    "manim.utils.hashing:_get_json": "d12c41ebf4ac797d",
}, apply=_apply, installed=installed)


class stock:  # noqa: N801 - used as a context manager, like contextlib's
    """Manim's own hashing code inside the `with` block (for comparing keys)."""

    def __enter__(self) -> None:
        self._saved = {name: getattr(hashing, name) for name in _STOCK}
        for name, piece in _STOCK.items():
            setattr(hashing, name, piece)

    def __exit__(self, *exc: object) -> None:
        for name, piece in self._saved.items():
            setattr(hashing, name, piece)
