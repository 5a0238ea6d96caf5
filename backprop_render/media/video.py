"""Video post-processing with PyAV: probe, transcode, remux, GIF, concatenation, audio,
captions.

There is no ffmpeg binary on a lecturer's machine; PyAV's wheels carry the libraries.
Every function writes only its `dst` and reads only its sources, so a caller can
aim it at a temporary path and move the result into place once it is whole.

Captions travel inside the MP4 as a soft subtitle track (mov_text, the one MP4 players
and browsers' media stacks read), so a video copied or uploaded alone keeps them: a
slide's are encoded from its cues, the lecture's copied from its slides' tracks.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Collection, Iterator, Mapping, Sequence

import av
import av.error
import numpy as np
from av.video.frame import PictureType
from av.video.reformatter import ColorRange
from PIL import Image

from backprop_render.media.subtitles import Cue

__all__ = ["VideoInfo", "GifInfo", "AudioTrack", "probe_video", "nominal_rate", "frames_by_time",
           "probe_gif", "transcode_h264", "remux", "concat_videos", "make_gif", "Chapter",
           "add_audio", "read_audio", "has_audio", "read_captions", "track_languages"]

_PALETTE_FPS = 5  # frames a second the GIF palette is computed from (see make_gif)
# Web players start an MP4 before it has fully downloaded only if the index comes first.
_MP4_OPTIONS = {"movflags": "+faststart"}
_AAC_BIT_RATE = 96_000  # mono speech: transparent at this rate
# FFmpeg's AAC coder "fast" rather than its default "twoloop": 7 minutes of the lecture's
# narration at 96 kb/s in 0.49x the CPU (1.22 s against 2.49 s; lecture.mp4 is joined again
# after every change), 1.1x the bytes, 46.8 dB SNR against 44.2 (bench/aac.py).
_AAC_OPTIONS = {"aac_coder": "fast"}
_AAC_FRAME = 1024  # samples per AAC frame
_CAPTION_CODEC = "mov_text"  # MP4's own text track (3GPP timed text)
_CAPTION_TIME_BASE = Fraction(1, 1000)  # the cues' milliseconds, as in their SRT


@dataclass(frozen=True)
class AudioTrack:
    samples: np.ndarray  # mono float32 in [-1, 1]
    rate: int


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    pixel_format: str
    width: int
    height: int
    fps: Fraction
    frames: int  # frames a player shows at `fps`: a held frame counts for every one it lasts
    duration: Fraction  # seconds, from the first frame's start to the last frame's end
    encoded: int  # frames stored: a held frame is stored once (a variable frame rate)


@dataclass(frozen=True)
class GifInfo:
    width: int
    height: int
    frames: int
    duration_ms: int
    loop: int | None  # 0 = for ever; None = plays once


@dataclass(frozen=True)
class Chapter:
    title: str
    start: Fraction  # seconds
    end: Fraction


def probe_video(path: Path) -> VideoInfo:
    """Frame count and duration from the packets themselves, not the container's header.

    Our videos store a frame the slide holds once, lasting until the next one, so the
    frames shown are counted by time (`frames`), the frames stored by packet (`encoded`).
    """
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise ValueError(f"{path} has no video stream")
        stream = container.streams.video[0]
        frames, first, end = 0, None, 0
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            frames += 1
            first = packet.pts if first is None else min(first, packet.pts)
            end = max(end, packet.pts + (packet.duration or 0))
        if not frames:
            raise ValueError(f"{path} has no video frames")
        context = stream.codec_context
        fps, duration = nominal_rate(stream), (end - first) * stream.time_base
        return VideoInfo(
            codec=context.name,
            pixel_format=context.pix_fmt or "",
            width=context.width,
            height=context.height,
            fps=fps,
            frames=round(duration * fps),
            duration=duration,
            encoded=frames,
        )


def nominal_rate(stream: av.video.stream.VideoStream) -> Fraction:
    """The frame rate the stream was made at (30, 60), not its average: Manim's own MP4s
    can end on a packet a few ticks short, and their average rate is then e.g.
    7992320/266409 (29.9999...), which would make two slides of one quality differ.
    The H.264 header's rate comes first: with held frames stored once, the rates guessed
    from the timestamps are not the encoder's (60/119 for a segment holding one frame)."""
    for rate in (stream.codec_context.framerate, stream.base_rate, stream.guessed_rate,
                 stream.average_rate):
        if rate:
            return Fraction(rate)
    raise ValueError("the video stream has no frame rate")


def frames_by_time(path: Path) -> Iterator[np.ndarray]:
    """Every frame a player shows at the video's nominal rate, as RGB arrays: a frame
    stored once and held is yielded for each frame time it lasts. For comparing videos
    by what they show, whatever they store."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate, origin = nominal_rate(stream), stream.start_time or 0
        end = round(probe_video(path).duration * rate)
        shown, slot = None, 0
        for frame in _decode(container):
            index = round((frame.pts - origin) * stream.time_base * rate)
            while shown is not None and slot < index:
                yield shown
                slot += 1
            shown, slot = frame.to_ndarray(format="rgb24"), max(slot, index)
        while shown is not None and slot < end:
            yield shown
            slot += 1


def probe_gif(path: Path) -> GifInfo:
    with Image.open(path) as image:
        if image.format != "GIF":
            raise ValueError(f"{path} is not a GIF")
        total, frames = 0, 0
        for index in range(image.n_frames):
            image.seek(index)
            total += image.info.get("duration", 0)
            frames += 1
        return GifInfo(image.width, image.height, frames, total, image.info.get("loop"))


def _decode(container: av.container.InputContainer) -> Iterator[av.VideoFrame]:
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    yield from container.decode(stream)


def transcode_h264(src: Path, dst: Path, options: Mapping[str, str],
                   metadata: Mapping[str, str] | None = None,
                   keyframes: Collection[int] = ()) -> None:
    """A browser-playable MP4 (H.264, yuv420p) of `src`, frame for frame, each at its time.

    `keyframes`: frame indices (at the nominal rate) that must start a closed group of
    pictures, so the video can be cut there by stream copy (the beats of a slide).

    `src` may hold a frame for many frame times, stored once (our masters do): it is
    encoded once too, at its own timestamp, and lasts as long. So the copy has no
    B-frames, whatever `options` say (see scenes/speedups/held_frames.py). A keyframe index
    that falls inside a hold gets the held picture encoded again there, as a keyframe.
    """
    with av.open(str(src)) as source, \
            av.open(str(dst), "w", format="mp4", options=_MP4_OPTIONS) as target:
        video = source.streams.video[0]
        rate = nominal_rate(video)
        stream = target.add_stream("libx264", rate=rate, options={**options, "bf": "0"})
        stream.width = video.codec_context.width
        stream.height = video.codec_context.height
        stream.pix_fmt = "yuv420p"
        target.metadata.update(metadata or {})
        origin = video.start_time or 0
        pending = sorted(keyframes, reverse=True)  # popped from the end, earliest first
        shown = None  # the last frame encoded, and its index

        def encode(frame: av.VideoFrame, index: int, key: bool) -> None:
            frame.pts, frame.time_base = index, 1 / rate
            frame.pict_type = PictureType.I if key else PictureType.NONE
            target.mux(stream.encode(frame))

        for frame in _decode(source):
            index = round((frame.pts - origin) * video.time_base * rate)
            while pending and pending[-1] < index:
                if shown is not None and pending[-1] > shown[1]:
                    encode(shown[0], pending[-1], True)  # the key is inside a hold
                pending.pop()
            # A lossless RGB master decodes as full range; left so, the swscale output
            # keeps full-range luma that players read as limited range (too dark).
            frame = frame.reformat(format="yuv420p", dst_color_range=ColorRange.MPEG)
            # x264 makes a forced I frame an IDR frame
            encode(frame, index, bool(pending) and pending[-1] == index)
            shown = (frame, index)
        target.mux(stream.encode())


def _stream_signature(stream: av.video.stream.VideoStream) -> tuple:
    context = stream.codec_context
    return (context.name, context.pix_fmt, context.width, context.height,
            nominal_rate(stream), bytes(context.extradata or b""))


def has_audio(path: Path) -> bool:
    with av.open(str(path)) as container:
        return bool(container.streams.audio)


def read_audio(path: Path) -> AudioTrack:
    """The first audio stream, decoded to mono float32 (the encoder's priming removed)."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            raise ValueError(f"{path} has no audio stream")
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        # Mono (the narration) needs no mixing down: a lecture's join reads 9,000 frames.
        chunks = [frame.to_ndarray().reshape(-1) if stream.codec_context.channels == 1
                  else frame.to_ndarray().reshape(-1, frame.samples).mean(axis=0)
                  for frame in container.decode(stream)]
        # The decoder keeps the padding of the last AAC frame; the stream knows its length.
        length = None if stream.duration is None else round(stream.duration * stream.time_base
                                                            * rate)
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return AudioTrack(samples[:length], rate)


def _fit(samples: np.ndarray, length: int) -> np.ndarray:
    """Exactly `length` samples: cut, or padded with silence."""
    if samples.size >= length:
        return samples[:length]
    return np.concatenate([samples, np.zeros(length - samples.size, dtype=np.float32)])


def _aac_packets(track: AudioTrack, stream: av.audio.stream.AudioStream) -> list[av.Packet]:
    encoder = _AacEncoder(stream)
    encoder.add(track.samples, track.rate)
    return encoder.flush()


class _AacEncoder:
    """Samples to AAC packets as they come, in frames of 1024 counted from the first
    sample, whatever the pieces: the packets are the same as for all of it at once."""

    def __init__(self, stream: av.audio.stream.AudioStream) -> None:
        self.stream = stream
        self.packets: list[av.Packet] = []
        self.carry = np.zeros(0, np.float32)  # the samples of a frame not yet full
        self.position = 0  # the first sample of `carry`
        self.rate = 0

    def add(self, samples: np.ndarray, rate: int) -> None:
        self.rate = rate
        samples = np.concatenate([self.carry, samples.astype(np.float32)])
        full = samples.size - samples.size % _AAC_FRAME
        self._encode(samples[:full])
        self.carry = samples[full:]

    def flush(self) -> list[av.Packet]:
        self._encode(self.carry)  # the last frame may be short
        self.carry = np.zeros(0, np.float32)
        self.packets.extend(self.stream.encode(None))
        return self.packets

    def _encode(self, samples: np.ndarray) -> None:
        for start in range(0, samples.size, _AAC_FRAME):
            chunk = samples[start:start + _AAC_FRAME]
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="fltp",
                                               layout="mono")
            frame.sample_rate, frame.time_base = self.rate, Fraction(1, self.rate)
            frame.pts = self.position
            self.position += chunk.size
            self.packets.extend(self.stream.encode(frame))


def _fit_to_video(path: Path, track: AudioTrack) -> np.ndarray:
    return _fit(track.samples, round(probe_video(path).duration * track.rate))


class LectureWriter:
    """An MP4 joined from parts in two steps: their narration first, encoded as each
    part comes (`add_audio`, in order, so a lecture's can be encoded while its last
    slides still render), then their video, copied and interleaved with it (`finish`).
    `concat_videos` is both steps at once; the file is the same either way."""

    def __init__(self, dst: Path, metadata: Mapping[str, str] | None = None,
                 chapters: bool = True, language: str | None = None) -> None:
        self.target = av.open(str(dst), "w", format="mp4", options=_MP4_OPTIONS)
        self.target.metadata.update(metadata or {})
        self.chapters = chapters
        self.language = language  # ISO 639-2 of the audio and caption tracks; None: "und"
        self.audio: _AacEncoder | None = None
        self.added: list[Path] = []  # the parts whose audio is in, in order
        self.silent: Path | None = None  # the first part without audio

    def close(self) -> None:
        self.target.close()

    def add_audio(self, path: Path) -> None:
        """The next part's audio, cut or padded to its video's length, so the narration
        never drifts from the pictures across parts. A silent part beside narrated ones,
        or another sample rate, is an error."""
        voiced = has_audio(path)
        silent = self.silent if voiced else path
        if silent is not None and (voiced or self.audio is not None):
            raise ValueError(f"cannot join {silent.name}, which is silent, to narrated "
                             f"videos: render every slide with the same --voice")
        if voiced:
            track = read_audio(path)
            self.add_track(_fit_to_video(path, track), track.rate, path.name)
        else:
            self.silent = self.silent or path
        self.added.append(path)

    def add_track(self, samples: np.ndarray, rate: int, name: str = "the audio") -> None:
        """Samples after those added so far (mono float32 at `rate`)."""
        if self.audio is None:
            stream = self.target.add_stream("aac", rate=rate, layout="mono",
                                            options=_AAC_OPTIONS)
            stream.bit_rate = _AAC_BIT_RATE
            self._tag(stream)
            self.audio = _AacEncoder(stream)
        elif self.audio.rate != rate:
            raise ValueError(f"{name} has audio at {rate} Hz, the others at "
                             f"{self.audio.rate} Hz")
        self.audio.add(samples, rate)

    def _tag(self, stream: av.stream.Stream) -> None:
        if self.language:
            stream.metadata["language"] = self.language

    def finish(self, parts: list[tuple[Path, str]],
               captions: Sequence[Cue] | None = None) -> list[Chapter]:
        """The parts' video, each after its audio (added before, or now); the chapters.
        `captions`: the cues of the subtitle track, on the joined timeline; None: the
        parts' own subtitle tracks, copied (each cut at its part's end). The file is
        closed, whole or not."""
        with self.target as target:
            if [path for path, _ in parts[:len(self.added)]] != self.added:
                raise ValueError("the parts to join are not those whose audio was added")
            for path, _ in parts[len(self.added):]:
                self.add_audio(path)
            return self._join_video(target, parts, captions)

    def _caption_stream(self, target: av.container.OutputContainer,
                        parts: list[tuple[Path, str]],
                        captions: Sequence[Cue] | None) -> av.stream.Stream | None:
        """The output's subtitle track, added before anything is written: made for
        `captions`, else like the first part's own; None if there are no captions."""
        if captions is not None:
            if not captions:
                return None
            stream = target.add_stream(_CAPTION_CODEC)
            stream.codec_context.subtitle_header = _caption_header()
            stream.codec_context.time_base = _CAPTION_TIME_BASE
        else:
            for path, _ in parts:
                with av.open(str(path)) as source:
                    if source.streams.subtitles:
                        stream = target.add_stream_from_template(source.streams.subtitles[0])
                        break
            else:
                return None
        self._tag(stream)
        return stream

    def _join_video(self, target: av.container.OutputContainer,
                    parts: list[tuple[Path, str]],
                    captions: Sequence[Cue] | None) -> list[Chapter]:
        written: list[Chapter] = []
        out_stream = None
        signature = None
        caption_stream = self._caption_stream(target, parts, captions)
        pending: list[av.Packet] = []
        if self.audio is not None:
            pending += self.audio.flush()
        if captions and caption_stream is not None:
            pending += _caption_packets(caption_stream, captions)
        # Seconds as floats, once: Fractions per packet were a tenth of a lecture's join.
        timed = sorted(((float("-inf") if p.pts is None else float(p.pts * p.time_base), n, p)
                        for n, p in enumerate(pending)), reverse=True)  # earliest last
        pending_at = [at for at, _, _ in timed]
        pending = [p for _, _, p in timed]

        def mux_pending_until(seconds: float | None) -> None:
            while pending and (seconds is None or pending_at[-1] <= seconds):
                pending_at.pop()
                target.mux(pending.pop())

        offset = Fraction(0)  # seconds: where the current part starts
        for path, title in parts:
            with av.open(str(path)) as source:
                stream = source.streams.video[0]
                if signature is None:
                    signature = _stream_signature(stream)
                    out_stream = target.add_stream_from_template(stream)
                elif _stream_signature(stream) != signature:
                    first = parts[0][0].name
                    raise ValueError(
                        f"cannot join {path.name} to {first}: different video settings "
                        f"(codec, size, frame rate or encoder parameters)"
                    )
                copied = [] if captions is not None or caption_stream is None \
                    else source.streams.subtitles[:1]
                start = stream.start_time or 0
                shift = round(offset / stream.time_base) - start
                frames, end = 0, start
                held: list[av.Packet] = []  # the part's subtitle packets, cut at its end
                for packet in source.demux(stream, *copied):
                    if packet.dts is None:  # the demuxer's flush packet
                        continue
                    if packet.stream.type == "subtitle":
                        held.append(packet)
                        continue
                    frames += 1
                    end = max(end, packet.pts + (packet.duration or 0))
                    packet.pts += shift
                    packet.dts += shift
                    packet.stream = out_stream
                    mux_pending_until(float(packet.dts * stream.time_base))
                    target.mux(packet)
                if not frames:
                    raise ValueError(f"{path} has no video frames")
                length = (end - start) * stream.time_base
                for packet in _cut(held, start * stream.time_base, length, offset):
                    packet.stream = caption_stream
                    target.mux(packet)
            written.append(Chapter(title, offset, offset + length))
            offset += length
        mux_pending_until(None)
        if self.chapters:
            target.set_chapters([
                {"id": index, "start": round(c.start * 1000), "end": round(c.end * 1000),
                 "time_base": Fraction(1, 1000), "metadata": {"title": c.title}}
                for index, c in enumerate(written, start=1)
            ])
        return written


def concat_videos(parts: list[tuple[Path, str]], dst: Path,
                  metadata: Mapping[str, str] | None = None,
                  chapters: bool = True, audio: AudioTrack | None = None,
                  captions: Sequence[Cue] | None = None,
                  language: str | None = None) -> list[Chapter]:
    """Join H.264 MP4s end to end without re-encoding; one chapter per part.

    Packets are copied, so every part must come from the same encoder settings
    (the pipeline guarantees it: one quality per lecture); a mismatch is an error,
    not a silently broken file. Returns the chapters as written.

    Audio: `audio` if given (cut or padded to the video's length), else the parts'
    own audio joined (LectureWriter.add_audio), encoded once as AAC and interleaved
    with the video, so there is no encoder priming gap at a join.

    Captions: a subtitle track of `captions` if given (none for no cues), else the
    parts' own subtitle tracks, copied onto the joined timeline. `language` (ISO 639-2)
    tags the audio and subtitle tracks.
    """
    if not parts:
        raise ValueError("nothing to join")
    writer = LectureWriter(dst, metadata, chapters, language)
    try:
        if audio is not None:
            samples = _fit_to_video(parts[0][0], audio) if len(parts) == 1 else audio.samples
            writer.add_track(samples, audio.rate)
            writer.added = [path for path, _ in parts]
        return writer.finish(parts, captions)
    finally:
        writer.close()


def add_audio(src: Path, audio: AudioTrack, dst: Path,
              metadata: Mapping[str, str] | None = None,
              captions: Sequence[Cue] | None = None, language: str | None = None) -> None:
    """`src`'s video stream, copied, with `audio` as its AAC track, exactly as long (and
    `captions` as its subtitle track, if given)."""
    concat_videos([(src, "")], dst, metadata, chapters=False, audio=audio, captions=captions,
                  language=language)


def remux(src: Path, dst: Path, metadata: Mapping[str, str] | None = None,
          captions: Sequence[Cue] | None = None, language: str | None = None) -> None:
    """The same frames in a fresh MP4 with its index first and our metadata (and the
    source's audio and subtitles, if it has any, or `captions` as its subtitle track)."""
    concat_videos([(src, "")], dst, metadata, chapters=False, captions=captions,
                  language=language)


def _caption_header() -> bytes:
    """FFmpeg's default styling of text subtitles (an ASS header), which the mov_text
    encoder needs to describe its track: its own decoder's, so nothing is typed here."""
    decoder = av.codec.CodecContext.create(_CAPTION_CODEC, "r")
    decoder.open()
    return decoder.subtitle_header or b""


def _caption_packets(stream: av.stream.Stream, cues: Sequence[Cue]) -> list[av.Packet]:
    """One mov_text sample per cue, at its milliseconds (the muxer fills the gaps
    between cues with empty samples)."""
    packets = []
    for cue in cues:
        start, end = round(cue.start * 1000), round(cue.end * 1000)
        # An ASS dialogue line: ReadOrder, Layer, Style, Name, MarginL, MarginR, MarginV,
        # Effect, Text; the encoder keeps the text, a line break as \N.
        line = "0,0,Default,,0,0,0,," + "\\N".join(cue.text.splitlines())
        subtitle = av.subtitles.subtitle.SubtitleSet.create(line.encode(), 0, end - start, start)
        packet = stream.codec_context.encode_subtitle(subtitle)
        packet.stream, packet.time_base = stream, _CAPTION_TIME_BASE
        packet.pts = packet.dts = start
        packet.duration = end - start
        packets.append(packet)
    return packets


def _cut(packets: list[av.Packet], start: Fraction, length: Fraction,
         offset: Fraction) -> Iterator[av.Packet]:
    """A part's subtitle packets moved to `offset` on the joined timeline: none starts
    after the part's `length`, none lasts past it (as join_srt cuts the cues)."""
    for packet in packets:
        base = packet.time_base
        begin = packet.pts * base - start
        if begin >= length:
            continue
        limit = round((length - begin) / base)
        if packet.duration and packet.duration > limit:
            packet.duration = limit
        packet.pts = packet.dts = round((offset + begin) / base)
        yield packet


def read_captions(path: Path) -> list[Cue]:
    """The cues of the video's first subtitle track, decoded as a player would (the
    empty samples between cues left out)."""
    cues = []
    with av.open(str(path)) as container:
        if not container.streams.subtitles:
            raise ValueError(f"{path} has no subtitle track")
        stream = container.streams.subtitles[0]
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            text = "\n".join(rect.dialogue.decode() for rect in stream.codec_context.decode(packet)
                             if getattr(rect, "dialogue", b""))
            if text:
                start = packet.pts * packet.time_base
                cues.append(Cue(start, start + (packet.duration or 0) * packet.time_base, text))
    return cues


def track_languages(path: Path) -> dict[str, list[str]]:
    """Each kind of track (video, audio, subtitle) and the languages its tracks say."""
    with av.open(str(path)) as container:
        found: dict[str, list[str]] = {}
        for stream in container.streams:
            found.setdefault(stream.type, []).append(stream.metadata.get("language", "und"))
        return found


def _pull_all(sink: av.filter.context.FilterContext) -> Iterator[av.VideoFrame]:
    while True:
        try:
            yield sink.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return


def _scaled(graph: av.filter.Graph, source: av.filter.context.FilterContext,
            width: int, height: int, fps: int) -> av.filter.context.FilterContext:
    rate = graph.add("fps", str(fps))
    scale = graph.add("scale", f"{width}:{height}:flags=lanczos")
    source.link_to(rate)
    rate.link_to(scale)
    return scale


_PIN_REACH = 4  # palette entries this close to the background (per channel) become it


def _pin_colour(palette: av.VideoFrame, colour) -> av.VideoFrame:
    """The palette with `colour` exactly in it, and no entry barely different from it.

    The ordered dither nudges every pixel by a little before it looks up its palette
    entry, so a white background next to a 254,254,254 entry (the antialiased edges
    make one) came out speckled with 254: on a white slide the GIF showed its box.
    """
    entries = palette.to_ndarray(format="rgba").reshape(-1, 4).astype(int)
    distance = np.abs(entries[:, :3] - np.asarray(colour, dtype=int)).max(axis=1)
    entries[distance <= _PIN_REACH, :3] = colour
    entries[int(distance.argmin()), :3] = colour
    pinned = av.VideoFrame.from_ndarray(
        entries.reshape(palette.height, palette.width, 4).astype(np.uint8), format="rgba")
    return pinned.reformat(format=palette.format.name)


def make_gif(master: Path, dst: Path, width: int, fps: int = 15) -> GifInfo:
    """A looping GIF of `master` with a palette made for it, in two passes.

    Pass one computes a 256-colour palette from the frames; pass two maps every
    frame onto it with an ordered dither, re-encoding only the rectangle that
    changed. `master` should be lossless: compression noise would spend palette
    entries on artefacts.

    The palette counts whole frames (stats_mode=full), not only what changes
    (stats_mode=diff, Manim's choice): diff never counts the last state of the
    picture, so colours that first appear in a slide's final beat, the frame held
    longest, were missing from the palette (test_media.py shows it). It looks at
    five frames a second: a slide holds every state longer than that, and on a real
    slide the error is the same as from every frame at a third of the cost. The
    background (the first frame's corner) is pinned into the palette exactly, so a
    light-theme GIF is pure white where the slide is (`_pin_colour`).
    """
    with av.open(str(master)) as source:
        stream = source.streams.video[0]
        src_w, src_h = stream.codec_context.width, stream.codec_context.height
    width = min(width, src_w)
    height = max(2, round(width * src_h / src_w / 2) * 2)

    with av.open(str(master)) as source:
        graph = av.filter.Graph()
        buffer = graph.add_buffer(template=source.streams.video[0])
        palettegen = graph.add("palettegen", "stats_mode=full")
        sink = graph.add("buffersink")
        _scaled(graph, buffer, width, height, _PALETTE_FPS).link_to(palettegen)
        palettegen.link_to(sink)
        graph.configure()
        background = None
        for frame in _decode(source):
            if background is None:
                background = frame.to_ndarray(format="rgb24")[0, 0]
            buffer.push(frame)
        buffer.push(None)
        palette = sink.pull()
    if background is not None:
        palette = _pin_colour(palette, background)

    frames = 0
    with av.open(str(master)) as source, \
            av.open(str(dst), "w", format="gif", options={"loop": "0"}) as target:
        graph = av.filter.Graph()
        buffer = graph.add_buffer(template=source.streams.video[0])
        palette_in = graph.add_buffer(width=palette.width, height=palette.height,
                                      format=palette.format, time_base=Fraction(1, fps))
        paletteuse = graph.add("paletteuse", "dither=bayer:bayer_scale=5:diff_mode=rectangle")
        sink = graph.add("buffersink")
        _scaled(graph, buffer, width, height, fps).link_to(paletteuse, 0, 0)
        palette_in.link_to(paletteuse, 0, 1)
        paletteuse.link_to(sink)
        graph.configure()
        palette.pts = 0
        palette_in.push(palette)
        palette_in.push(None)

        out = target.add_stream("gif", rate=fps)
        out.width, out.height, out.pix_fmt = width, height, "pal8"

        def write(pending: Iterator[av.VideoFrame]) -> None:
            nonlocal frames
            for gif_frame in pending:
                gif_frame.pts, gif_frame.time_base = frames, Fraction(1, fps)
                frames += 1
                target.mux(out.encode(gif_frame))

        for frame in _decode(source):
            buffer.push(frame)
            write(_pull_all(sink))
        buffer.push(None)
        write(_pull_all(sink))
        target.mux(out.encode())
    return probe_gif(dst)

