"""Render qualities by the names lecturers type, mapped onto Manim's quality flags."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Quality", "QUALITIES", "DEFAULT_QUALITY", "GIF_FPS", "DEFAULT_GIF_WIDTH",
           "find_quality"]

GIF_FPS = 15  # GIF delays are whole 1/100 s; at 15 fps they alternate 7-7-6 and stay in step
DEFAULT_GIF_WIDTH = 768  # 768x432: sharp on a projected slide, a few MB per minute


def _h264(crf: int) -> dict[str, str]:
    return {"crf": str(crf), "preset": "veryfast", "thread_type": "frame", "bf": "0"}


@dataclass(frozen=True)
class Quality:
    name: str
    manim_flag: str  # the letter after `manim -q`
    width: int
    height: int
    fps: int
    summary: str
    # x264 options for the lecturer's MP4s: the frames of plain Manim (medium, crf 23) at
    # PSNR no lower, at most 1.5x its size, for the least CPU. Measured by
    # `bench/encoders.py --encode-only` (x264 alone on a lossless render's frames, CPU s):
    # slide 2 at 1080p60 (900 frames): medium crf 23 12.9 s, 0.43 MB, 41.28 dB; veryfast
    # crf 18 0.44x the CPU, 1.12x the size, 41.33 dB; crf 17 (another run, bar 11.4 s)
    # 0.41x, 1.21x, 41.41 dB; veryfast crf 23 (used before) 0.52x,
    # 0.78x, 40.42 dB, below Manim's; superfast crf 20 1.56x the size. At preview veryfast
    # crf 18 was 0.02 dB (slide 2) and 0.00 dB (slide 6) above medium crf 23, crf 17 0.07 dB
    # (slide 6), at 1.1-1.2x the size: crf 17 kept a margin. Frame threads cost no more
    # CPU than one thread (slide 6).
    # Then no B-frames (bf=0), so that Manim's encoder stores a held frame once, lasting
    # until the next (scenes/speedups/held_frames.py; with B-frames x264's reordered timestamps
    # give the MP4 samples wrong durations). Without B-frames a frame costs more bits
    # and is sharper; crf 19 (18 at preview) brings the size back. Slide 4, the Manim
    # render, PSNR against a lossless render by frame time (bench/manim_speedups.py's
    # measure), plain Manim / crf 17 with B-frames / bf=0 crf 17, 18, 19:
    # 1080p 1.66 MB 39.33 dB / 1.22x 39.55 / 1.43x 39.88, 1.33x 39.78, 1.22x 39.68;
    # 720p 0.92 MB 38.58 dB / 1.31x 38.80 / 1.52x 38.98, 1.41x 38.90, 1.32x 38.83;
    # preview 0.54 MB 37.76 dB / 1.36x 37.95 / 1.46x 38.02, 1.37x 37.93, 1.29x 37.86.
    # Slide 6 at preview: plain 1.22 MB 37.43 dB, bf=0 crf 18 1.30x 37.71.
    h264_options: dict[str, str] = field(default_factory=lambda: _h264(19))
    # x264 options for the lossless masters (libx264rgb) the GIFs, and at preview with a
    # GIF the MP4, are made from: crf 0 keeps them lossless whatever the preset,
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
        Quality("preview", "l", 854, 480, 15, "854x480, 15 fps: the fastest that still reads",
                h264_options=_h264(18)),
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
