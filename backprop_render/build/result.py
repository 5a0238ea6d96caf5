"""What rendering one slide gives back (slide_render.render_slide, or a sweep's worker): its
finished files in the job's work folder and what the scene reported. A module of its own so
that the records and the pipeline can name it without importing the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backprop_render.media import video as media
from backprop_render.quality import Quality
from lecture.slides import Slide

__all__ = ["SlideResult"]


@dataclass(frozen=True)
class SlideResult:
    slide: Slide
    quality: Quality
    files: dict[str, Path]  # kind ("mp4", "gif", ...: slide_render.KINDS) -> file in workdir
    video: media.VideoInfo
    gif: media.GifInfo | None
    cues: int  # subtitles in the slide's SRT
    manifest: dict[str, Any]  # what the scene reported: facts, reads, narration, ...
    seconds: float  # wall-clock time of the whole slide
    animations: int
    warnings: list[str] = field(default_factory=list)
    # What the video run took from the user cache and stored in it, by kind (UserCache.use)
    cache_use: dict[str, dict[str, int]] = field(default_factory=dict)
