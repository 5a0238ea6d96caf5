"""The numeric core of the lecture: parameters in, one immutable lesson out.

Pure Python and numpy; it never imports manim, so every number can be checked
without drawing anything.
"""

from .formatting import Shown, format_fact
from .lesson import Lesson, build_lesson
from .params import ParamError, Params, load_params, parse_overrides

__all__ = ["Lesson", "Params", "ParamError", "Shown", "build_lesson", "format_fact",
           "load_params", "parse_overrides"]
