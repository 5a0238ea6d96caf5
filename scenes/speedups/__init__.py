"""Every reach into Manim, in one place, put in by one function: `install()`.

Where Manim 0.22 works harder than the slides need, a patch that changes no picture:
held_frames (a held frame encoded once), glyph_paths (a glyph lets go of its parsed SVG
path), cache_key (the per-animation cache key computed faster), play_key (that key made
from what the scene was handed, when the render gives a scene key), whole_segments (a
cached animation taken only if its file reads back whole), latex_format (formulas
compiled with their preamble loaded once), typeset_cache (formulas and texts typeset once
per machine, in the user's cache), svg_cache (parsed SVGs kept in the user's cache),
prefetch (a slide's formulas compiled together). And frame_count, which
replaces nothing but mirrors how many frames Manim writes for an animation: the
narration is placed by it.

Each records the Manim code it was read against (guard.py); `install` puts in only the
patches whose Manim code is that code, and warns once about the others, which leave
Manim's own code running: the videos are the same, only slower. The suite fails on any
difference (tests/scenes/speedups/test_read_against.py). `BACKPROP_STOCK_MANIM=1` keeps
Manim's own code throughout, for a benchmark or to rule the patches out when something
looks wrong. With `$BACKPROP_PROFILE` set, the profiler's timers go in last
(bench/profiling.py), so they time the functions the render really calls.

Importing `scenes.kit.slide` calls `install()`, so `./render.sh` and a hand `manim`
render of a slide both get them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from manim import logger

from lecture import contract
from scenes.speedups import (
    cache_key,
    frame_count,
    glyph_paths,
    held_frames,
    latex_format,
    play_key,
    prefetch,
    svg_cache,
    typeset_cache,
    whole_segments,
)
from scenes.speedups.guard import Patch

__all__ = ["PATCHES", "every_patch", "install"]

# In the order they go in: a patch after those it needs.
PATCHES: tuple[Patch, ...] = (held_frames.PATCH, glyph_paths.PATCH, cache_key.PATCH,
                              play_key.PATCH, latex_format.PATCH, typeset_cache.PATCH,
                              svg_cache.PATCH, prefetch.PATCH, whole_segments.PATCH,
                              frame_count.PATCH)
_found: dict[Patch, list[str]] = {}  # patch -> its differences, looked for once a process
_warned = False


def every_patch() -> tuple[Patch, ...]:
    """The patches and the profiler's timers (put in only with $BACKPROP_PROFILE)."""
    from bench import profiling

    return (*PATCHES, profiling.PATCH)


def install(patches: Sequence[Patch] | None = None) -> list[str]:
    """Put in every patch whose Manim code is the code it was read against (none with
    $BACKPROP_STOCK_MANIM, the profiler's only with $BACKPROP_PROFILE), warn once about
    any left out; the names of those in. `patches`: these instead (for the tests)."""
    global _warned
    if patches is None:
        patches = [] if os.environ.get(contract.STOCK_MANIM) else list(PATCHES)
        if os.environ.get(contract.PROFILE):
            from bench import profiling

            patches.append(profiling.PATCH)
    done: list[str] = []
    left_out: list[str] = []  # patches, and (below) mirrors, whose Manim code differs
    mirrors: list[str] = []
    for patch in patches:
        if any(os.environ.get(switch) for switch in patch.off_with):
            continue
        if patch not in _found:
            _found[patch] = patch.differences()
        missing = [name for name in patch.needs if name not in done]
        if _found[patch] or missing:
            why = f"{patch.name} ({'; '.join(_found[patch] or [f'needs {missing[0]}'])})"
            (left_out if patch.apply is not None else mirrors).append(why)
            continue
        if patch.apply is not None and not patch.installed():
            patch.apply()
        done.append(patch.name)
    if (left_out or mirrors) and not _warned:
        _warned = True
        logger.warning(" ".join([
            "This Manim is not the code scenes/speedups was read against.",
            *([f"Left out, so Manim's own code runs (the same videos, only slower): "
               f"{', '.join(left_out)}."] if left_out else []),
            *([f"Mirrored code that changed: {', '.join(mirrors)}; each animation's frames "
               "are checked against those Manim writes, and a render stops on a "
               "difference."] if mirrors else []),
            "tests/scenes/speedups/test_read_against.py says what to read again."]))
    return done
