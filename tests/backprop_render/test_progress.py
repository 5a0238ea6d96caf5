from __future__ import annotations

import io

from backprop_render.progress import Progress, SweepStatus, clock
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


# ----- a sweep: the same display, one line of variants, slides and workers ----------------

def sweep_status(done: int = 41, left: float | None = 754.0) -> SweepStatus:
    return SweepStatus(3, 200, done, 8, 120, 2, 1, 8, left)


def test_a_sweeps_line_says_how_far_the_sweep_is():
    assert sweep_status().text() == ("variants 3/200 | slides 41 done, 8 running, 120 queued, "
                                     "2 retried, 1 failed | 8 workers | about 12:34 left")
    quiet = SweepStatus(0, 2, 0, 0, 1, 0, 0, 1, None).text()
    assert quiet.endswith("0 retried | 1 worker | time left: estimating")


def test_in_a_log_a_sweeps_line_is_printed_when_it_changes_at_most_every_interval():
    stream, now = io.StringIO(), Clock()
    progress = Progress(stream, "lines", now=now, every=15)
    progress.sweep(sweep_status(41))
    progress.sweep(sweep_status(41))  # unchanged: not again
    now.t += 5
    progress.sweep(sweep_status(42))  # changed, but 5 s after the last line
    progress.sweep(sweep_status(43), event=True)  # a slide finished: at once
    now.t += 15
    progress.sweep(sweep_status(43, left=700.0))
    progress.note("variant lr-0.01: complete")
    done = [line.split(" | ")[1].split(",")[0] for line in stream.getvalue().splitlines()
            if line.startswith("variants")]
    assert done == ["slides 41 done", "slides 43 done", "slides 43 done"]
    assert stream.getvalue().endswith("about 11:40 left\nvariant lr-0.01: complete\n")


def test_on_a_terminal_a_sweeps_line_is_drawn_live_with_notes_above_it():
    stream, now = io.StringIO(), Clock()
    progress = Progress(stream, "bar", now=now)
    progress.sweep(sweep_status(41))
    progress.note("variant ann: complete")
    progress.sweep(sweep_status(42))
    assert progress.status() == [sweep_status(42).text()]
    # Cut to the terminal's width (rich's 80 columns here), the note printed above it.
    assert "\x1b[2Kvariant ann: complete\nvariants 3/200 | slides 41 done" in stream.getvalue()
    assert stream.getvalue().rsplit("\x1b[2K", 1)[1] == sweep_status(42).text()[:79] + "…"
    progress.finish()
    assert stream.getvalue().endswith("\x1b[?25h\r\x1b[1A\x1b[2K")  # the one line erased

    stream = io.StringIO()
    progress = Progress(stream, "quiet")
    progress.sweep(sweep_status(), event=True)
    progress.note("warning: slide 2 read more than it declares")
    assert stream.getvalue() == "warning: slide 2 read more than it declares\n"
