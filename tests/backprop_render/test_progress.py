from __future__ import annotations

import io

from backprop_render.progress import Progress, clock
from lecture.slides import SLIDES


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def make(mode: str, history=None) -> tuple[Progress, io.StringIO, Clock]:
    stream, now = io.StringIO(), Clock()
    progress = Progress(stream, mode, now=now, heartbeat=60)
    slides = list(SLIDES[:3])
    progress.start(slides, history or {s.stem: None for s in slides})
    return progress, stream, now


def test_clock_reads_like_a_duration():
    assert (clock(0), clock(65.4), clock(3725)) == ("0:00", "1:05", "1:02:05")


def test_lines_mode_prints_start_and_done_per_slide_and_no_carriage_returns():
    progress, stream, now = make("lines")
    first, second = SLIDES[0], SLIDES[1]
    progress.slide_started(first)
    now.t += 30
    progress.update(first, 5, "video")  # within a minute: silent
    now.t += 10
    progress.slide_finished(first, "20.0 s of video")
    progress.slide_started(second)
    lines = stream.getvalue().splitlines()
    assert lines == [
        "[1/3] 01-what-is-backpropagation: rendering",
        "[1/3] 01-what-is-backpropagation: done in 0:40 (20.0 s of video) · ~1:20 left",
        "[2/3] 02-forward-propagation: rendering",
    ]
    assert "\r" not in stream.getvalue()


def test_lines_mode_says_something_once_a_minute_on_a_long_slide():
    progress, stream, now = make("lines")
    progress.slide_started(SLIDES[0])
    for _ in range(5):
        now.t += 30
        progress.update(SLIDES[0], 12, "video")
    heartbeats = [line for line in stream.getvalue().splitlines() if "so far" in line]
    assert heartbeats == ["[1/3] 01-what-is-backpropagation: drawing, animation 12, 1:00 so far",
                          "[1/3] 01-what-is-backpropagation: drawing, animation 12, 2:00 so far"]


def test_time_left_uses_last_renders_timing_and_the_animation_count():
    history = {SLIDES[0].stem: (100.0, 40), SLIDES[1].stem: (50.0, 20), SLIDES[2].stem: None}
    progress, stream, now = make("bar", history)
    assert progress.seconds_left() == 100 + 50 + 75  # the unknown slide: the known average
    progress.slide_started(SLIDES[0])
    now.t += 30
    progress.update(SLIDES[0], 12, "video")
    assert progress.seconds_left() == 70 + 50 + 75
    shown = ["[1/3] 01-what-is-backpropagation · drawing, animation 12/40 · 0:30",
             "deck: 0/3 done · ~3:15 left"]
    assert progress.status() == shown
    # rich drew it last, in place of the display before it.
    assert stream.getvalue().rsplit("\x1b[2K", 1)[1] == "\n".join(shown)


def test_time_left_is_unknown_until_one_slide_is_timed():
    progress, _, now = make("bar")
    assert progress.seconds_left() is None
    progress.slide_started(SLIDES[0])
    now.t += 20
    progress.slide_finished(SLIDES[0])
    assert progress.seconds_left() == 40  # two more slides like the first


def test_quiet_mode_prints_only_notes_and_the_bar_is_cleared_for_them():
    progress, stream, _ = make("quiet")
    progress.slide_started(SLIDES[0])
    progress.slide_finished(SLIDES[0])
    progress.note("warning: slide 1 has no narration subtitles")
    assert stream.getvalue() == "warning: slide 1 has no narration subtitles\n"

    progress, stream, _ = make("bar")
    progress.slide_started(SLIDES[0])
    progress.note("warning: careful")
    # The live display is erased, the note printed on a line of its own, the display drawn below.
    assert "\x1b[2Kwarning: careful\n[1/3] 01-what-is-backpropagation · starting" \
        in stream.getvalue()
    progress.finish()
    # Both lines of the display are erased; the note stays; the cursor shows again.
    assert stream.getvalue().endswith("\x1b[?25h\r\x1b[1A\x1b[2K\x1b[1A\x1b[2K")
