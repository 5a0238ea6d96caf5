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
    # x264 options for the lecturer's MP4s. Measured by bench/encoders.py (slide 3, 1080p60,
    # idle machine): against Manim's default (medium, crf 23) veryfast with frame threads
    # renders in 0.66x the time, 0.81x the size, at 39.2 instead of 40.1 dB PSNR and SSIM
    # 0.9936 instead of 0.9939 (no visible difference on flat slides). ultrafast was no
    # faster but 3x larger; superfast 0.62x the time but 1.3x larger.
    h264_options: dict[str, str] = field(default_factory=lambda: {
        "crf": "23", "preset": "veryfast", "thread_type": "frame"})
    # x264 options for the lossless masters (libx264rgb) the GIFs, and at preview the
    # MP4, are made from: crf 0 keeps them lossless whatever the preset,
    # and they are temporary, so the fastest preset wins (0.44-0.52x the time of medium
    # for the 768x432 GIF master, at twice the size nobody keeps).
    lossless_options: dict[str, str] = field(default_factory=lambda: {
        "crf": "0", "preset": "ultrafast"})

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
