"""Render qualities by the names lecturers type, mapped onto Manim's quality flags."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Quality", "QUALITIES", "DEFAULT_QUALITY", "GIF_FPS", "DEFAULT_GIF_WIDTH",
           "find_quality"]

GIF_FPS = 15  # GIF delays are whole 1/100 s; at 15 fps they alternate 7-7-6 and stay in step
DEFAULT_GIF_WIDTH = 768  # 768x432: sharp on a projected slide, a few MB per minute


@dataclass(frozen=True)
class Quality:
    name: str
    manim_flag: str  # the letter after `manim -q`
    width: int
    height: int
    fps: int
    summary: str
    # x264 options for the lecturer's MP4s (Manim's own default, stated so it is deliberate).
    h264_options: dict[str, str] = field(default_factory=lambda: {"crf": "23"})

    @property
    def manim_folder(self) -> str:
        """The folder Manim names after the quality: '480p15', '1080p60'."""
        return f"{self.height}p{self.fps}"

    @property
    def renders_gif_master(self) -> bool:
        """Whether the slide's own render can be the GIF's lossless master.

        At the GIF's frame rate the main render is drawn once, losslessly, and the
        MP4 is transcoded from it. At higher rates a second, small lossless render at
        GIF size is cheaper than encoding full-size lossless frames and transcoding
        them (bench/master_vs_twice.py measures both).
        """
        return self.fps == GIF_FPS


QUALITIES: dict[str, Quality] = {
    q.name: q
    for q in (
        Quality("preview", "l", 854, 480, 15, "854x480, 15 fps: the fastest that still reads"),
        Quality("720p", "m", 1280, 720, 30, "1280x720, 30 fps"),
        Quality("1080p", "h", 1920, 1080, 60, "1920x1080, 60 fps: lecture quality (default)"),
        Quality("4k", "k", 3840, 2160, 60, "3840x2160, 60 fps"),
    )
}
DEFAULT_QUALITY = "1080p"


def find_quality(name: str) -> Quality:
    from .errors import UsageError

    try:
        return QUALITIES[name.strip().lower()]
    except KeyError:
        raise UsageError(
            f"unknown quality '{name}'. Qualities are: {', '.join(QUALITIES)}."
        ) from None
