"""Progress of a render or a sweep: what is under way, how far, how long is left.

On a terminal it is a live display drawn by rich (installed with Manim), redrawn in place,
with the lines that stay (slide done, variant done, warnings) printed above it: for a deck
a line per slide under way and one for the deck; for a sweep one line of variants, slides,
workers and time left. In a CI log (stderr not a terminal) it is plain text: two lines per
slide, started and done, plus a line a minute on a slide that takes long; a sweep's line
when it changes, at most every `every` seconds and whenever a slide or variant finishes.
So a log stays readable and a watchdog still sees output. `quiet` prints only notes.

A deck's time left comes from how long each slide took last time at this quality (kept in
the output folder) and, for slides never timed, from the slides done so far; a sweep's
from its own slide renders (sweep/run.py).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from lecture.slides import Slide

__all__ = ["Progress", "SweepStatus", "clock", "MODES"]

MODES = ("bar", "lines", "quiet")
_PHASES = {"starting": "starting", "video": "drawing", "master": "drawing the GIF master",
           "finishing": "finishing"}


def clock(seconds: float) -> str:
    """65.2 -> '1:05'."""
    total = max(0, int(round(seconds)))
    return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}" if total >= 3600 \
        else f"{total // 60}:{total % 60:02d}"


@dataclass(frozen=True)
class SweepStatus:
    """Where a sweep is, as its line shows it."""

    variants_done: int
    variants: int
    done: int  # slide renders
    running: int
    queued: int
    retried: int
    failed: int
    workers: int
    left: float | None  # seconds; None while there is nothing to estimate from

    def text(self) -> str:
        return (f"variants {self.variants_done}/{self.variants} | slides {self.done} done, "
                f"{self.running} running, {self.queued} queued, {self.retried} retried"
                + (f", {self.failed} failed" if self.failed else "")
                + f" | {self.workers} worker{'s' if self.workers != 1 else ''} | "
                + (f"about {clock(self.left)} left" if self.left is not None
                   else "time left: estimating"))


class Progress:
    def __init__(self, stream: TextIO, mode: str, now: Callable[[], float] = time.monotonic,
                 heartbeat: float = 60.0, every: float = 15.0) -> None:
        if mode not in MODES:
            raise ValueError(f"progress mode must be one of {MODES}")
        self.stream, self.mode, self.now, self.heartbeat = stream, mode, now, heartbeat
        self.every = every  # lines mode: a sweep's line at most this often, but for events
        self._lock = threading.Lock()
        self._slides: list[Slide] = []
        self._history: dict[str, tuple[float, int] | None] = {}
        self._took: dict[str, float] = {}  # finished slides: seconds
        # running slides: start time, animations done, phase, time of the last line printed
        self._running: dict[str, tuple[float, int, str, float]] = {}
        self._sweep: SweepStatus | None = None
        self._sweep_line, self._sweep_time = "", float("-inf")  # lines mode: the last printed
        # The bar is chosen only for a terminal; rich redraws it and keeps lines above it.
        self._console = Console(file=stream, force_terminal=True, highlight=False) \
            if mode == "bar" else None
        self._live: Live | None = None

    # ----- events ------------------------------------------------------------------

    def start(self, slides: list[Slide], history: dict[str, tuple[float, int] | None]) -> None:
        self._slides, self._history = list(slides), dict(history)

    def kept(self, slides: list[Slide]) -> None:
        """Slides left as they were: nothing they show changed."""
        self._not_drawn("unchanged, kept as they were", slides)

    def taken(self, slides: list[Slide]) -> None:
        """Slides taken from the user cache: drawn before, elsewhere, as they would be now."""
        self._not_drawn("drawn before with these settings and values, taken from the shared "
                        "cache", slides)

    def _not_drawn(self, why: str, slides: list[Slide]) -> None:
        with self._lock:
            if self.mode != "quiet" and slides:
                numbers = ", ".join(str(s.number) for s in slides)
                self._line(f"{why}: slide{'s' if len(slides) > 1 else ''} {numbers}")
            self._draw()

    def slide_started(self, slide: Slide) -> None:
        with self._lock:
            now = self.now()
            self._running[slide.stem] = (now, 0, "starting", now)
            if self.mode == "lines":
                self._line(f"{self._label(slide)}: rendering")
            self._draw()

    def update(self, slide: Slide, animations: int, phase: str) -> None:
        with self._lock:
            if slide.stem not in self._running:
                return
            started, _, _, last = self._running[slide.stem]
            now = self.now()
            if self.mode == "lines" and now - last >= self.heartbeat:
                last = now
                self._line(f"{self._label(slide)}: {self._how_far(slide, animations, phase)}, "
                           f"{clock(now - started)} so far")
            self._running[slide.stem] = (started, animations, phase, last)
            self._draw()

    def slide_finished(self, slide: Slide, detail: str = "") -> None:
        with self._lock:
            started = self._running.pop(slide.stem)[0]
            self._took[slide.stem] = self.now() - started
            if self.mode != "quiet":
                extra = f" ({detail})" if detail else ""
                self._line(f"{self._label(slide)}: done in {clock(self._took[slide.stem])}"
                           f"{extra} · {self._left_text()}")
            self._draw()

    def slide_failed(self, slide: Slide) -> None:
        with self._lock:
            self._running.pop(slide.stem, None)
            self._clear()

    def sweep(self, status: SweepStatus, event: bool = False) -> None:
        """A sweep's state; `event`: a slide or a variant finished (printed in a log at once)."""
        with self._lock:
            self._sweep = status
            text, now = status.text(), self.now()
            if self.mode == "lines" and text != self._sweep_line \
                    and (event or now - self._sweep_time >= self.every):
                self._line(text)
                self._sweep_line, self._sweep_time = text, now
            self._draw()

    def note(self, text: str) -> None:
        """A message that must stay visible (a warning), whatever the mode."""
        with self._lock:
            self._line(text, always=True)
            self._draw()

    def finish(self) -> None:
        with self._lock:
            self._sweep = None
            self._clear()

    # ----- estimates -----------------------------------------------------------------

    def seconds_left(self) -> float | None:
        """Estimated seconds until the last slide is done; None while nothing is known."""
        known = [h[0] for h in self._history.values() if h] + list(self._took.values())
        fallback = sum(known) / len(known) if known else None
        left = 0.0
        now = self.now()
        for slide in self._slides:
            if slide.stem in self._took:
                continue
            history = self._history.get(slide.stem)
            expected = history[0] if history else fallback
            if expected is None:
                return None
            if slide.stem in self._running:
                expected = max(expected - (now - self._running[slide.stem][0]), 0.0)
            left += expected
        return left

    def _left_text(self) -> str:
        left = self.seconds_left()
        if not any(s.stem not in self._took for s in self._slides):
            return "deck done"
        return "time left: estimating" if left is None else f"~{clock(left)} left"

    # ----- drawing -------------------------------------------------------------------

    def _label(self, slide: Slide) -> str:
        index = next((i for i, s in enumerate(self._slides, 1) if s.stem == slide.stem), 0)
        return f"[{index}/{len(self._slides)}] {slide.stem}"

    def _how_far(self, slide: Slide, animations: int, phase: str) -> str:
        text = _PHASES.get(phase, phase)
        if phase in ("starting", "video"):
            history = self._history.get(slide.stem)
            of = f"/{history[1]}" if history and history[1] >= animations else ""
            text += f", animation {animations}{of}" if animations else ""
        return text

    def _line(self, text: str, always: bool = False) -> None:
        if self.mode == "quiet" and not always:
            return
        if self._console is not None:
            self._console.print(Text(text))  # above the live display, if one is shown
            return
        self.stream.write(text + "\n")
        self.stream.flush()

    def _clear(self) -> None:
        if self._live is not None:
            self._live.stop()  # transient: the display goes, the lines printed above stay
            self._live = None

    def status(self) -> list[str]:
        """What the live display shows: a sweep's line; or a line per slide under way, then
        the deck's."""
        if self._sweep is not None:
            return [self._sweep.text()]
        now = self.now()
        lines = [f"{self._label(s)} · {self._how_far(s, a, p)} · {clock(now - t)}"
                 for s in self._slides if s.stem in self._running
                 for t, a, p, _ in [self._running[s.stem]]]
        return lines + [f"deck: {len(self._took)}/{len(self._slides)} done · {self._left_text()}"]

    def _draw(self) -> None:
        if self._console is None:
            return
        if not self._running and self._sweep is None:
            self._clear()
            return
        shown = Group(*(Text(line, no_wrap=True, overflow="ellipsis") for line in self.status()))
        if self._live is None:
            self._live = Live(shown, console=self._console, auto_refresh=False, transient=True,
                              redirect_stdout=False, redirect_stderr=False)
            self._live.start(refresh=True)
        else:
            self._live.update(shown, refresh=True)
