"""A picture of one slide's narration: its waveform, the beats and where speech was placed.

No one can listen on the build machine, so look: every beat's speech (shaded) must lie
inside its beat (between the white lines), start a little after it, and leave a pause
before the next.

    .venv/bin/python bench/waveform.py out/04-gradient-descent.mp4 waveform.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from backprop_render.media import video as media

WIDTH, HEIGHT, MARGIN = 1600, 360, 30


def draw(video: Path, target: Path) -> None:
    facts = json.loads(video.with_suffix(".facts.json").read_text(encoding="utf-8"))
    beats = facts["manifest"]["narration"]
    sound = media.read_audio(video)
    seconds = sound.samples.size / sound.rate
    image = Image.new("RGB", (WIDTH, HEIGHT), (15, 18, 24))
    pen = ImageDraw.Draw(image)

    def x(t: float) -> float:
        return MARGIN + (WIDTH - 2 * MARGIN) * t / seconds

    middle, half = HEIGHT / 2, HEIGHT / 2 - MARGIN
    for beat in beats:
        if "speech_start" in beat:
            pen.rectangle([x(beat["speech_start"]), MARGIN, x(beat["speech_end"]),
                           HEIGHT - MARGIN], fill=(40, 60, 90))
    columns = np.array_split(sound.samples, WIDTH - 2 * MARGIN)
    for index, column in enumerate(columns):
        if column.size:
            low, high = float(column.min()), float(column.max())
            pen.line([MARGIN + index, middle - high * half, MARGIN + index, middle - low * half],
                     fill=(120, 200, 255))
    for beat in beats:
        pen.line([x(beat["start"]), 0, x(beat["start"]), HEIGHT], fill=(255, 255, 255))
        pen.text((x(beat["start"]) + 3, 4), beat["beat"], fill=(255, 255, 255))
    pen.line([x(beats[-1]["end"]) - 1, 0, x(beats[-1]["end"]) - 1, HEIGHT], fill=(255, 255, 255))
    audio = facts["manifest"].get("audio", {})
    pen.text((MARGIN, HEIGHT - MARGIN + 8),
             f"{video.name}: {seconds:.1f} s, {audio.get('lufs', '?')} LUFS, "
             f"{audio.get('words_per_second', '?')} words/s", fill=(200, 200, 200))
    image.save(target)


if __name__ == "__main__":
    draw(Path(sys.argv[1]), Path(sys.argv[2]))
