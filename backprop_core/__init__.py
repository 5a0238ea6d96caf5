"""The numeric core of the lecture: parameters in, one immutable lesson out.

Pure Python and numpy; it never imports manim, so every number can be checked
without drawing anything.
"""

from typing import TYPE_CHECKING, Any

from .params import ParamError, Params, load_params, parse_overrides

if TYPE_CHECKING:
    from .formatting import Shown, format_fact
    from .lesson import Lesson, build_lesson

# The lesson's modules (numpy, the network) load on first use, so that reading parameters
# (a render that changes nothing) does not pay for them.
_LAZY = {"Lesson": "lesson", "build_lesson": "lesson", "Shown": "formatting",
         "format_fact": "formatting"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Lesson", "Params", "ParamError", "Shown", "build_lesson", "format_fact",
           "load_params", "parse_overrides"]
