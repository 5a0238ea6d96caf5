"""A slide's video cut into its narration beats, by stream copy, with PyAV.

A presenter pauses between beats, so each beat becomes its own short video. The cuts
copy packets (no second encoding, so no second loss): that needs a keyframe exactly
where each beat starts. Manim joins its per-animation segment files by stream copy,
so every animation, and so every beat, starts on a keyframe of Manim's own MP4; at
preview, where the MP4 is transcoded from a lossless master, the transcode forces a
keyframe at each beat start (media.transcode_h264's `keyframes`). `beat_cuts` checks
it rather than trusting it.

Every stream of the slide's video is carried over (a narration track too), each
packet shifted so the beat starts at zero. The slide's video stores a held frame once
and gives it the duration of its hold (scenes/speedups/held_frames.py), so the packet
before a beat's end lasts to it: a copied beat is exactly as long as its span.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import av
from av.video.reformatter import VideoReformatter
from PIL import Image

__all__ = ["keyframe_times", "beat_cuts", "cut", "beat_end_frames", "transcode_cut",
           "BeatCut", "NoKeyframe"]

_MP4_OPTIONS = {"movflags": "+faststart"}


class NoKeyframe(ValueError):
    """A beat starts where the video has no keyframe: it cannot be cut without re-encoding."""


@dataclass(frozen=True)
class BeatCut:
    start: Fraction  # seconds on the slide's video, a keyframe
    end: Fraction  # the next beat's start, or the video's end


def _video_stream(container: av.container.InputContainer, path: Path):
    if not container.streams.video:
        raise ValueError(f"{path} has no video stream")
    return container.streams.video[0]


def keyframe_times(path: Path) -> tuple[list[Fraction], Fraction]:
    """The keyframes of the video stream (seconds from its first frame) and its end."""
    with av.open(str(path)) as container:
        stream = _video_stream(container, path)
        first = stream.start_time or 0
        keys: list[Fraction] = []
        end = 0
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            end = max(end, packet.pts + (packet.duration or 0))
            if packet.is_keyframe:
                keys.append((packet.pts - first) * stream.time_base)
        return sorted(keys), (end - first) * stream.time_base


def beat_cuts(starts: Sequence[float], keyframes: Sequence[Fraction], end: Fraction,
              fps: Fraction) -> list[BeatCut]:
    """Each beat's span on the video, its start moved to the keyframe within a frame and a
    half of it (the scene counts exact seconds where Manim counts whole frames).

    Raises NoKeyframe naming the first beat that starts where there is none.
    """
    tolerance = Fraction(3, 2) / fps
    snapped: list[Fraction] = []
    for index, start in enumerate(starts):
        at = Fraction(start).limit_denominator(100000)
        if index == 0:
            at = Fraction(0)  # the first beat holds everything before it too (the title fade)
        place = bisect_left(keyframes, at - tolerance)
        near = [k for k in keyframes[place:place + 3] if abs(k - at) <= tolerance]
        if not near:
            raise NoKeyframe(f"beat {index + 1} starts at {float(at):.3f} s, where the video "
                             "has no keyframe")
        snapped.append(min(near, key=lambda k: abs(k - at)))
    if snapped != sorted(set(snapped)):
        raise ValueError("two beats start on the same frame")
    return [BeatCut(s, e) for s, e in zip(snapped, [*snapped[1:], end], strict=True)]


def cut(src: Path, dst: Path, span: BeatCut) -> None:
    """The packets of every stream of `src` within `span`, moved to start at zero."""
    with av.open(str(src)) as source, \
            av.open(str(dst), "w", format="mp4", options=_MP4_OPTIONS) as target:
        video = _video_stream(source, src)
        streams = [s for s in source.streams if s.type in ("video", "audio")]
        outputs = {s.index: target.add_stream_from_template(s) for s in streams}
        origin = (video.start_time or 0) * video.time_base
        frames = 0
        for packet in source.demux(streams):
            if packet.dts is None or packet.pts is None:  # a demuxer's flush packet
                continue
            base = packet.stream.time_base
            at = packet.pts * base - origin
            # A packet belongs to the beat it starts in; the first beat also takes the
            # audio encoder's priming packet, which starts before zero.
            if not (span.start <= at or span.start == 0) or at >= span.end:
                continue
            frames += packet.stream.type == "video"
            shift = round(span.start / base) + round(origin / base)
            packet.pts -= shift
            packet.dts -= shift
            packet.stream = outputs[packet.stream.index]
            target.mux(packet)
        if not frames:
            raise ValueError(f"{src}: no video frame between {float(span.start):.3f} s and "
                             f"{float(span.end):.3f} s")


def beat_end_frames(src: Path, spans: Sequence[BeatCut]) -> list[Image.Image]:
    """The last frame of each span: what the screen shows when the beat is over.

    Each is decoded from the keyframe before it (a beat ends with a held pause, one
    segment of its own), not from the start: at 1080p60 decoding the whole slide took
    longer than everything else the presentation does. Every frame is decoded: the
    slide's video has no B-frames, so no frame goes unreferenced and none could be
    skipped (skip_frame=noref once skipped half of them); it stores a held frame once,
    so the held pause that ends every beat is one frame to decode.
    """
    found: list[Image.Image] = []
    with av.open(str(src)) as container:
        stream = _video_stream(container, src)
        stream.thread_type = "AUTO"
        origin = (stream.start_time or 0) * stream.time_base
        for number, span in enumerate(spans, start=1):
            container.seek(max(0, round((span.end + origin) / stream.time_base) - 1),
                           stream=stream, backward=True, any_frame=False)
            last = None
            for frame in container.decode(stream):
                at = frame.pts * stream.time_base - origin
                if at >= span.end:
                    break
                if at >= span.start:
                    last = frame
            if last is None:
                raise ValueError(f"{src}: no frame for beat {number}")
            found.append(last.to_image())
    return found


def transcode_cut(src: Path, dst: Path, span: BeatCut, height: int, fps: Fraction,
                  options: dict[str, str]) -> Image.Image:
    """`span` of `src` with its video encoded again at `height` (even width, same shape) and
    at most `fps`, its audio copied.

    For a copy that must be smaller than the slide's video (the PowerPoint deck above
    720p); the presenter's beats are cut by stream copy. The copy has a variable frame
    rate: a frame the slide holds is not encoded again, the one before it lasts longer
    (MP4 gives every frame its own duration; phones record such files, and PowerPoint,
    Impress and Keynote play them). A slide holds still for about half its length. The
    slide's video already stores a held frame once (scenes/speedups/held_frames.py), so its
    frames are placed by their timestamps: the copy's frame time t shows the last frame
    that started at or before t, and a span that ends holding still lasts to its end.

    Returns the last frame of the span it decoded, at full size: the beat's poster, so
    that it costs no second decoding (without the deblocking filter, which changes the
    picture by less than an eye sees: the posters differ from beat_end_frames' by a
    mean of 0.3 levels of 255 on slides 4 and 6 at 1080p, JPEG included).
    """
    import numpy as np

    with av.open(str(src)) as source, \
            av.open(str(dst), "w", format="mp4", options=_MP4_OPTIONS) as target:
        stream = _video_stream(source, src)
        # One thread: the beats are cut in parallel (and while the other slides render), so
        # the decoder's own threads only add their overhead (0.90x the decoding CPU of
        # "AUTO" on slide 6 at 1080p60).
        stream.thread_count = 1
        # Decoding the slide is most of this function's time. Skipping the deblocking
        # filter halves it at 1080p; after scaling down to 720p the picture differs by
        # 54-56 dB PSNR (slide 4), which no eye sees. Frames no other frame refers to were
        # skipped too (skip_frame=noref) while the slides had B-frames; without them every
        # frame is a reference, but a held frame is stored once: slide 4 at 1080p60 is
        # 1018 frames to decode for 2559 frame times (1183 with B-frames skipped).
        stream.codec_context.options = {"skip_loop_filter": "all"}
        audio = list(source.streams.audio)
        context = stream.codec_context
        width = max(2, round(context.width * height / context.height / 2) * 2)
        # No B-frames: with frames of different durations, x264's reordered timestamps
        # give MP4 samples durations that are not the frames' (a beat measured 0.5 s long).
        out = target.add_stream("libx264", rate=fps, options={**options, "bf": "0"})
        out.width, out.height, out.pix_fmt = width, height, "yuv420p"
        audio_out = {s.index: target.add_stream_from_template(s) for s in audio}
        origin = (stream.start_time or 0) * stream.time_base
        # The copy's frame times ("slots", at `fps` from the span's start) each show the
        # last frame that started at or before them. The source may hold a frame for many
        # of its frame times, stored once (manim_speedups.py): frames are placed by their
        # timestamps, never counted.
        slots = max(1, math.ceil((span.end - span.start) * fps - Fraction(1, 10**6)))
        encoded, video_done, last_slot = 0, False, -1  # last_slot: where the copy's last frame is
        shown: list = []  # the planes of the picture last encoded (held frames compare equal)
        picture = None  # the scaled picture last encoded
        # One scaler for the copy: VideoFrame.reformat makes a new one per frame, and its
        # filter set-up was a third of the scaling (3.0 against 1.9 ms a frame at 1080p to
        # 720p, the same pictures).
        scaler = VideoReformatter()
        candidate: tuple | None = None  # (first slot it would show in, frame): not yet placed
        last = None  # the span's last frame decoded

        def encode(slot: int) -> None:
            nonlocal encoded, last_slot
            picture.pts, picture.time_base = slot, 1 / fps
            target.mux(out.encode(picture))
            encoded, last_slot = encoded + 1, slot

        def place(slot: int, frame) -> None:
            """`frame` is what the copy shows from `slot` on."""
            nonlocal shown, picture
            # A held frame decodes to the same bytes: compared in place (numpy reads the
            # decoder's buffers), neither scaled nor encoded again.
            planes = [np.frombuffer(plane, np.uint8) for plane in frame.planes]
            if picture is not None and all(
                    np.array_equal(a, b) for a, b in zip(planes, shown, strict=True)):
                return
            shown = planes
            picture = scaler.reformat(frame, width=width, height=height, format="yuv420p",
                                      interpolation="AREA")
            encode(slot)

        # Seek to the keyframe at the span's start rather than decode from the beginning.
        source.seek(round((span.start + origin) / stream.time_base), stream=stream,
                    backward=True, any_frame=False)
        for packet in source.demux(stream, *audio):
            if packet.stream.type == "audio":
                if packet.pts is None:
                    continue
                at = packet.pts * packet.stream.time_base - origin
                if at >= span.end and video_done:
                    break
                if (span.start <= at or span.start == 0) and at < span.end:
                    shift = round((span.start + origin) / packet.stream.time_base)
                    packet.pts -= shift
                    packet.dts -= shift
                    packet.stream = audio_out[packet.stream.index]
                    target.mux(packet)
                continue
            if video_done:
                continue
            for frame in packet.decode():
                at = frame.pts * stream.time_base - origin
                if at >= span.end:
                    video_done = True
                    break
                last = frame  # before the span: what it opens with, if it starts in a hold
                slot = max(0, math.ceil((at - span.start) * fps - Fraction(1, 10**6)))
                # The frame before shows in the slots before this one's first, if any: a
                # frame with none is dropped to the lower rate.
                if candidate is not None and candidate[0] < slot:
                    place(*candidate)
                candidate = (slot, frame)
        if candidate is not None and candidate[0] < slots:
            place(*candidate)
        if picture is not None and last_slot < slots - 1:
            encode(slots - 1)  # the span ends holding: its last slot ends the copy
        target.mux(out.encode())
        if not encoded or last is None:
            raise ValueError(f"{src}: no video frame in the beat at {float(span.start):.3f} s")
        return last.to_image()
