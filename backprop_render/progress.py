"""Progress of a whole deck: which slide, how far, how long is left.

On a terminal it is one line, redrawn in place. In a CI log (stderr not a
terminal) it is two lines per slide, started and done, plus a line a minute on a
slide that takes long, so a log stays readable and a watchdog still sees output.

Time left comes from how long each slide took last time at this quality (kept in
the output folder) and, for slides never timed, from the slides done so far.
"""

from __future__ import annotations

import shutil
import threading
import time
from typing import Callable, TextIO

from scenes.slides import Slide

__all__ = ["Progress", "clock", "MODES"]

MODES = ("bar", "lines", "quiet")
_PHASES = {"starting": "starting", "video": "drawing", "master": "drawing the GIF master",
           "finishing": "finishing"}


def clock(seconds: float) -> str:
    """65.2 -> '1:05'."""
    total = max(0, int(round(seconds)))
    return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}" if total >= 3600 \
        else f"{total // 60}:{total % 60:02d}"


class Progress:
    def __init__(self, stream: TextIO, mode: str, now: Callable[[], float] = time.monotonic,
                 heartbeat: float = 60.0) -> None:
        if mode not in MODES:
            raise ValueError(f"progress mode must be one of {MODES}")
        self.stream, self.mode, self.now, self.heartbeat = stream, mode, now, heartbeat
        self._lock = threading.Lock()
        self._slides: list[Slide] = []
        self._history: dict[str, tuple[float, int] | None] = {}
        self._took: dict[str, float] = {}  # finished slides: seconds
        # running slides: start time, animations done, phase, time of the last line printed
        self._running: dict[str, tuple[float, int, str, float]] = {}
        self._bar_shown = False

    # ----- events ------------------------------------------------------------------

    def start(self, slides: list[Slide], history: dict[str, tuple[float, int] | None]) -> None:
        self._slides, self._history = list(slides), dict(history)

    def kept(self, slides: list[Slide]) -> None:
        """Slides left as they were: nothing they show changed."""
        with self._lock:
            if self.mode != "quiet" and slides:
                numbers = ", ".join(str(s.number) for s in slides)
                self._line(f"unchanged, kept as they were: slide{'s' if len(slides) > 1 else ''} "
                           f"{numbers}")
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

    def note(self, text: str) -> None:
        """A message that must stay visible (a warning), whatever the mode."""
        with self._lock:
            self._line(text, always=True)
            self._draw()

    def finish(self) -> None:
        with self._lock:
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
        self._clear()
        self.stream.write(text + "\n")
        self.stream.flush()

    def _clear(self) -> None:
        if self._bar_shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._bar_shown = False

    def _draw(self) -> None:
        if self.mode != "bar" or not self._running:
            return
        now = self.now()
        parts = [f"{self._label(s)} · {self._how_far(s, a, p)} · {clock(now - t)}"
                 for s in self._slides if s.stem in self._running
                 for t, a, p, _ in [self._running[s.stem]]]
        text = " | ".join(parts) + f" · {self._left_text()}"
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write("\r" + text[:width] + "\x1b[K")
        self.stream.flush()
        self._bar_shown = True
