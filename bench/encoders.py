"""Which x264 settings should each output use? Time, size and picture quality, measured.

For one slide at one quality (default: slide 4 at 1080p60) this renders:

  1. a lossless reference (libx264rgb, crf 0), once;
  2. the slide with Manim once per candidate set of x264 options (caching off, the
     slide's LaTeX already compiled, so the runs differ only in encoding), timing
     each and keeping the video.

It prints, per candidate: wall-clock and CPU seconds of the whole Manim run (drawing
and encoding, as a lecturer waits for it), the file size, and the picture quality
against the lossless reference: PSNR over RGB (dB; what a viewer sees, including the
chroma subsampling every yuv420p video has: the "yuv420p ceiling" row is the
reference converted to yuv420p and back without compression) and SSIM of the luma
(8x8 windows), on every `--every`-th frame. Then, for the lossless masters
(libx264rgb crf 0, which the GIF and the preview MP4 and still are made from), the
same slide at the master's size per preset: time and size (quality is identical).

    .venv/bin/python bench/encoders.py [--slide 4] [--quality 1080p] [--repeat 1]

`--encode-only` leaves Manim out of the candidates: it renders the lossless reference
once and encodes its frames with each candidate in this process, as Manim would (each
animation a closed group of pictures), timing the encoding alone in CPU seconds. It
checks the issue's bar against Manim's default (medium, crf 23): PSNR no lower and a
file at most 1.5x as large; a candidate that passes says "ok".

    .venv/bin/python bench/encoders.py --encode-only --slide 2 --quality preview

Run it on an otherwise idle machine; the load average is printed at start and end.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render.build.slide_render import MANIM_CFG, REPO  # noqa: E402
from backprop_render.quality import GIF_FPS, QUALITIES, Quality  # noqa: E402
from lecture import contract  # noqa: E402
from lecture.slides import Slide, find_slide  # noqa: E402
from scenes.kit.runtime import DEFAULT_PARAMS_FILE

LOSSY = [  # name, x264 options (crf 23 is Manim's default and the pipeline's)
    ("medium (x264 default)", {"crf": "23"}),
    ("medium, frame threads", {"crf": "23", "thread_type": "frame"}),
    ("veryfast", {"crf": "23", "preset": "veryfast"}),
    ("veryfast, frame threads", {"crf": "23", "preset": "veryfast", "thread_type": "frame"}),
    ("superfast, frame threads", {"crf": "23", "preset": "superfast", "thread_type": "frame"}),
    ("ultrafast", {"crf": "23", "preset": "ultrafast"}),
    ("ultrafast, frame threads", {"crf": "23", "preset": "ultrafast", "thread_type": "frame"}),
]
LOSSLESS = [
    ("medium", {"crf": "0"}),
    ("medium, frame threads", {"crf": "0", "thread_type": "frame"}),
    ("veryfast, frame threads", {"crf": "0", "preset": "veryfast", "thread_type": "frame"}),
    ("ultrafast", {"crf": "0", "preset": "ultrafast"}),
    ("ultrafast, frame threads", {"crf": "0", "preset": "ultrafast", "thread_type": "frame"}),
]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def manim(slide: Slide, quality: Quality, media: Path, options: dict[str, str],
          lossless: bool = False, size: tuple[int, int] | None = None,
          fps: int | None = None) -> tuple[float, float, Path]:
    """Render once; (wall s, CPU s, the video). The media folder keeps its LaTeX."""
    for old in media.glob("videos/*/*/*.mp4"):
        old.unlink()
    shutil.rmtree(media / "videos", ignore_errors=True)
    command = [sys.executable, "-m", "manim", "render", "--config_file", str(MANIM_CFG),
               "--media_dir", str(media), "--progress_bar", "none", "-v", "WARNING",
               "--disable_caching", "-q", quality.manim_flag]
    if size:
        command += ["-r", f"{size[0]},{size[1]}"]
    if fps:
        command += ["--fps", str(fps)]
    if lossless:
        command += ["--video-codec", "libx264rgb", "--pixel-format", "rgb24"]
    for key, value in options.items():
        command += ["--encoder-option", f"{key}={value}"]
    command += [f"scenes/{slide.module}.py", slide.scene]
    env = dict(os.environ, **{contract.PARAMS: str(DEFAULT_PARAMS_FILE)})
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    video = next(media.glob(f"videos/*/*/{slide.scene}.mp4"))
    return wall, cpu, video


def segment_frames(media: Path, slide: Slide) -> list[int]:
    """Frames in each animation segment of the last render, in order."""
    listing = next(media.glob(f"videos/*/*/partial_movie_files/{slide.scene}/"
                              "partial_movie_file_list.txt"))
    names = [line[len("file '"):-1].removeprefix("file:")
             for line in listing.read_text(encoding="utf-8").splitlines()
             if line.startswith("file '")]
    counts = []
    for name in names:
        with av.open(str(listing.parent / Path(name).name)) as container:
            counts.append(sum(1 for p in container.demux(video=0) if p.pts is not None))
    return counts


def encode(reference: Path, dst: Path, options: dict[str, str] | None,
           starts: set[int], frames: int | None = None) -> float:
    """Encode the reference's frames to H.264 yuv420p as Manim does (RGB pixels converted
    by swscale; each animation, from a frame in `starts`, opens with a keyframe);
    returns the CPU seconds of this process, all its threads, decoding included
    (options None: decode and convert only, the floor every candidate pays)."""
    started = time.process_time()
    with av.open(str(reference)) as source, av.open(str(dst), "w", format="mp4") as target:
        stream = source.streams.video[0]
        out = target.add_stream("libx264", rate=stream.average_rate, options=dict(options or {}))
        out.width, out.height = stream.codec_context.width, stream.codec_context.height
        out.pix_fmt = "yuv420p"
        for index, decoded in enumerate(source.decode(stream)):
            if frames is not None and index >= frames:
                break
            pixels = decoded.to_ndarray(format="rgb24")
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24").reformat(format="yuv420p")
            if options is None:
                continue
            frame.pts = index
            if index in starts:
                frame.pict_type = av.video.frame.PictureType.I
            target.mux(out.encode(frame))
        if options is not None:
            target.mux(out.encode())
    return time.process_time() - started


ENCODE_ONLY = [  # name, x264 options; the first is the bar (Manim's default)
    ("medium crf 23 (Manim's)", {"crf": "23"}),
    ("veryfast crf 23, frame thr.", {"crf": "23", "preset": "veryfast", "thread_type": "frame"}),
    ("veryfast crf 18", {"crf": "18", "preset": "veryfast"}),
    ("veryfast crf 18, frame thr.", {"crf": "18", "preset": "veryfast", "thread_type": "frame"}),
    ("veryfast crf 18, 1 thread", {"crf": "18", "preset": "veryfast", "threads": "1"}),
    ("veryfast crf 17", {"crf": "17", "preset": "veryfast"}),
    ("superfast crf 19", {"crf": "19", "preset": "superfast"}),
]
# --encode-only --ours: the render's own settings (backprop_render/quality.py) against cheaper
# variants of them, at the same crf: x264's motion search and sub-pixel refinement, adaptive
# quantization, the deblocking filter, and the next preset.
_OURS = {"crf": "19", "preset": "veryfast", "thread_type": "frame", "bf": "0"}
ENCODE_OURS = [
    ("medium crf 23 (Manim's)", {"crf": "23"}),
    ("ours: veryfast crf 19 bf=0", _OURS),
    ("ours, dia search, subq 1", {**_OURS, "me_method": "dia", "subq": "1"}),
    ("ours, no AQ", {**_OURS, "aq-mode": "0"}),
    ("ours, no deblocking", {**_OURS, "x264-params": "no-deblock=1"}),
    ("ours, no AQ, no deblocking", {**_OURS, "aq-mode": "0", "x264-params": "no-deblock=1"}),
    ("superfast crf 19 bf=0", {**_OURS, "preset": "superfast"}),
]


def encode_only(slide: Slide, quality: Quality, work: Path, every: int,
                candidates: list[tuple[str, dict[str, str]]], frames: int | None = None,
                reference: Path | None = None) -> None:
    """The table of --encode-only; `reference`: a lossless render made before (its media
    folder beside it), else one is made; `frames`: the first so many only."""
    if reference is None:
        media = work / "media"
        _, _, made = manim(slide, quality, media, {"crf": "0", "preset": "ultrafast"},
                           lossless=True)
        reference = work / "reference.mp4"
        shutil.move(made, reference)
    bounds = list(itertools.accumulate(segment_frames(reference.parent / "media", slide),
                                       initial=0))[:-1]
    print(f"{len(bounds)} animations; encoding only (CPU s of x264 alone, this process)")
    print(f"{'x264 options':<30} {'CPU s':>7} {'CPU x':>7} {'MB':>7} {'size x':>7} "
          f"{'PSNR dB':>8} {'SSIM':>7}  bar")
    floor = encode(reference, work / "floor.mp4", None, set(), frames)
    print(f"{'(decoding and converting)':<30} {floor:7.1f}   (taken off every row)")
    bar: tuple[float, int, float] | None = None
    for name, options in candidates:
        video = work / "candidate.mp4"
        cpu = encode(reference, video, options, set(bounds), frames) - floor
        size = video.stat().st_size
        psnr, mean_ssim = compare(reference, video, every)
        bar = bar or (cpu, size, psnr)
        verdict = "ok" if psnr >= bar[2] - 0.005 and size <= 1.5 * bar[1] else "fails"
        print(f"{name:<30} {cpu:7.1f} {cpu / bar[0]:7.2f} {size / 1e6:7.2f} "
              f"{size / bar[1]:7.2f} {psnr:8.2f} {mean_ssim:7.4f}  {verdict}", flush=True)


def _frames(path: Path, every: int):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for index, frame in enumerate(container.decode(stream)):
            if index % every == 0:
                yield frame


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def _box(image: np.ndarray, size: int = 8) -> np.ndarray:
    """Mean over non-overlapping size x size windows."""
    h, w = (image.shape[0] // size) * size, (image.shape[1] // size) * size
    return image[:h, :w].reshape(h // size, size, w // size, size).mean(axis=(1, 3))


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = _box(a), _box(b)
    var_a, var_b = _box(a * a) - mu_a ** 2, _box(b * b) - mu_b ** 2
    cov = _box(a * b) - mu_a * mu_b
    return float(np.mean(((2 * mu_a * mu_b + c1) * (2 * cov + c2))
                         / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))))


def compare(reference: Path, video: Path | None, every: int) -> tuple[float, float]:
    """(PSNR over RGB in dB, mean luma SSIM) of `video` against `reference`; with
    video None, of the reference through yuv420p and back (the format's ceiling)."""
    squared, count, ssims = 0.0, 0, []
    candidates = _frames(video, every) if video else None
    for ref_frame in _frames(reference, every):
        ref = ref_frame.to_ndarray(format="rgb24").astype(np.float64)
        if candidates is None:
            other = ref_frame.reformat(format="yuv420p").to_ndarray(format="rgb24")
        else:
            candidate = next(candidates, None)
            if candidate is None:  # a candidate of the first frames only
                break
            other = candidate.to_ndarray(format="rgb24")
        other = other.astype(np.float64)
        squared += float(np.mean((ref - other) ** 2))
        count += 1
        ssims.append(ssim(_luma(ref), _luma(other)))
    mse = squared / count
    return (float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)), statistics.mean(ssims)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slide", default="4")
    parser.add_argument("--quality", default="1080p", choices=list(QUALITIES))
    parser.add_argument("--repeat", type=int, default=1, help="median of N runs per candidate")
    parser.add_argument("--every", type=int, default=10, help="compare every N-th frame")
    parser.add_argument("--only", choices=["lossy", "lossless"], help="one table only")
    parser.add_argument("--encode-only", action="store_true",
                        help="time the encoder alone on a lossless render's frames")
    parser.add_argument("--frames", type=int, help="--encode-only: the first N frames only")
    parser.add_argument("--ours", action="store_true",
                        help="--encode-only: the render's settings against cheaper variants")
    args = parser.parse_args()
    slide, quality = find_slide(args.slide), QUALITIES[args.quality]
    work = Path(tempfile.mkdtemp(prefix="bench-encoders-"))
    try:
        media = work / "media"
        print(f"slide {slide.stem} at {quality.name} ({quality.width}x{quality.height}, "
              f"{quality.fps} fps); median of {args.repeat}; load average {_load()}", flush=True)
        if args.encode_only:
            encode_only(slide, quality, work, args.every, ENCODE_OURS if args.ours else ENCODE_ONLY,
                        args.frames)
            args.only = "none"
        else:
            manim(slide, quality, media, {"crf": "0", "preset": "ultrafast"}, lossless=True)
        if args.only not in ("lossless", "none"):
            _, _, made = manim(slide, quality, media, {"crf": "0", "preset": "ultrafast"},
                               lossless=True)
            reference = work / "reference.mp4"
            shutil.move(made, reference)
            psnr, mean_ssim = compare(reference, None, args.every)
            print(f"\n{'x264 options':<28} {'wall s':>7} {'CPU s':>7} {'wall x':>7} "
                  f"{'MB':>7} {'size x':>7} {'PSNR dB':>8} {'SSIM':>7}")
            print(f"{'yuv420p ceiling':<28} {'':>7} {'':>7} {'':>7} {'':>7} {'':>7} "
                  f"{psnr:8.2f} {mean_ssim:7.4f}", flush=True)
            base = None
            for name, options in LOSSY:
                runs = [manim(slide, quality, media, options) for _ in range(args.repeat)]
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                video = runs[-1][2]
                size = video.stat().st_size
                psnr, mean_ssim = compare(reference, video, args.every)
                base = base or (wall, size)
                print(f"{name:<28} {wall:7.1f} {cpu:7.1f} {wall / base[0]:7.2f} "
                      f"{size / 1e6:7.2f} {size / base[1]:7.2f} {psnr:8.2f} {mean_ssim:7.4f}",
                      flush=True)
        if args.only not in ("lossy", "none"):
            for label, size, fps in (("GIF master", (768, 432), GIF_FPS),
                                     ("preview master", None, None)):
                target = QUALITIES["preview"] if size is None else quality
                print(f"\nlossless {label} (libx264rgb crf 0) of the same slide"
                      f"{'' if size is None else f' at {size[0]}x{size[1]}, {fps} fps'}:")
                print(f"{'x264 options':<28} {'wall s':>7} {'CPU s':>7} {'wall x':>7} {'MB':>7}")
                base = None
                for name, options in LOSSLESS:
                    runs = [manim(slide, target, media, options, lossless=True, size=size, fps=fps)
                            for _ in range(args.repeat)]
                    wall = statistics.median(r[0] for r in runs)
                    cpu = statistics.median(r[1] for r in runs)
                    base = base or wall
                    print(f"{name:<28} {wall:7.1f} {cpu:7.1f} {wall / base:7.2f} "
                          f"{runs[-1][2].stat().st_size / 1e6:7.2f}", flush=True)
        print(f"\nload average at the end {_load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
