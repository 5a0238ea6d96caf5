"""`python -m scenes.speedups`: each patch's Manim code and its fingerprint now, marked
where it is not the one the patch was read against (to record after reading it again)."""

from __future__ import annotations

from scenes import speedups
from scenes.speedups.guard import fingerprint, manim_source

for patch in speedups.every_patch():
    print(f"{patch.name}:")
    for name, expected in patch.read_against.items():
        text = manim_source(name)
        now = fingerprint(text) if text is not None else "(gone)"
        print(f"    {name!r}: {now!r},{'' if now == expected else '  # not as read'}")
