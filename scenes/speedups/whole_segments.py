"""An animation's segment is taken from Manim's cache only if it reads back whole.

Manim takes an animation from its cache when a file of the animation's key exists
(`SceneFileWriter.is_already_cached`), and joins the files at the end. A file cut short
(a full disk in an earlier render, a copy that stopped, a damaged disk) then fails the
join, and every render after it the same way, since the file stays. Here a cached segment
counts only if it opens as a video with a stream that has frames (about 3 ms CPU a
segment, only for those taken from the cache); one that does not is deleted and the
animation drawn again, into a whole file. A render killed while writing is handled
before Manim starts (slide_render's marker); this covers what happened to the files after.

Installed by `scenes.speedups.install`, like every patch of Manim.
"""

from __future__ import annotations

from pathlib import Path

import av
from manim import logger
from manim.scene import scene_file_writer

from scenes.speedups.guard import Patch

__all__ = ["whole", "is_already_cached_and_whole", "PATCH", "installed"]

_Writer = scene_file_writer.SceneFileWriter
_original_is_already_cached = _Writer.is_already_cached


def whole(path: Path) -> bool:
    """Whether the segment at `path` opens, with a video stream of at least one frame."""
    try:
        with av.open(str(path)) as container:
            streams = container.streams.video
            return bool(streams) and streams[0].frames > 0
    except (OSError, av.error.FFmpegError, ValueError):
        return False


def is_already_cached_and_whole(self: scene_file_writer.SceneFileWriter,
                                hash_invocation: str) -> bool:
    """Manim's check that the animation's segment exists, and that it reads back whole;
    a damaged one is removed, so that the animation is drawn again in its place."""
    if not _original_is_already_cached(self, hash_invocation):
        return False
    path = Path(self.output_plan.segment_path(hash_invocation))
    if whole(path):
        return True
    logger.warning(f"{path.name}: the cached animation does not read back whole; drawn again")
    path.unlink(missing_ok=True)
    return False


def _apply() -> None:
    _Writer.is_already_cached = is_already_cached_and_whole


def installed() -> bool:
    return _Writer.is_already_cached is is_already_cached_and_whole


PATCH = Patch("whole segments", {
    "manim.scene.scene_file_writer:SceneFileWriter.is_already_cached": "b2bcce277cf46744",
}, apply=_apply, installed=installed)
