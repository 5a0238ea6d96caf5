"""The narration's AAC encoding: FFmpeg's coders by CPU, size and SNR, on a rendered lecture.

media.concat_videos encodes the whole lecture's narration again at every join (after any
change), so its coder is on the path of every re-render. This re-encodes the audio of a
lecture.mp4 with each coder at the project's bit rate and prints CPU seconds, bytes and the
signal-to-noise ratio of the decoded audio against the samples it was given.

    .venv/bin/python bench/aac.py out/lecture.mp4
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_render.media import video as media  # noqa: E402


def encode(track: media.AudioTrack, options: dict[str, str]) -> tuple[float, bytes]:
    buffer = io.BytesIO()
    started = time.process_time()
    with av.open(buffer, "w", format="mp4") as target:
        stream = target.add_stream("aac", rate=track.rate, layout="mono", options=options)
        stream.bit_rate = media._AAC_BIT_RATE
        for packet in media._aac_packets(track, stream):
            target.mux(packet)
    return time.process_time() - started, buffer.getvalue()


def snr(reference: np.ndarray, encoded: bytes) -> float:
    with av.open(io.BytesIO(encoded)) as source:
        decoded = np.concatenate([f.to_ndarray().reshape(-1) for f in source.decode(audio=0)])
    decoded = decoded[:reference.size]
    reference = reference[:decoded.size]
    return float(10 * np.log10((reference ** 2).mean() / ((decoded - reference) ** 2).mean()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lecture", type=Path, help="a narrated lecture.mp4 (or slide MP4)")
    args = parser.parse_args()
    track = media.read_audio(args.lecture)
    print(f"{track.samples.size / track.rate:.1f} s of audio at {track.rate} Hz, "
          f"{media._AAC_BIT_RATE // 1000} kb/s")
    for name in ("twoloop", "fast"):
        seconds, encoded = encode(track, {"aac_coder": name})
        print(f"  {name:8s} {seconds:6.2f} CPU s  {len(encoded) / 1e6:6.2f} MB  "
              f"SNR {snr(track.samples, encoded):5.1f} dB"
              + ("  (used)" if media._AAC_OPTIONS.get("aac_coder") == name else ""))


if __name__ == "__main__":
    main()
