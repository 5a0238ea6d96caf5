"""A command for test_manim_host.py, run as `python -m tests.backprop_render.host_probe WHAT`:
it reports where it runs, then does WHAT (exit N, crash, sleep, collect, poison)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import lecture.slides

what = sys.argv[1:]
comm = Path("/proc/self/comm").read_text().strip()
print(f"cwd={os.getcwd()} env={os.environ.get('PROBE')} args={what} comm={comm} "
      f"marked={getattr(lecture.slides, 'PROBE_MARK', None)}", flush=True)
print("to stderr", file=sys.stderr, flush=True)
if what[0] == "exit":
    sys.exit(int(what[1]))
if what[0] == "crash":
    raise RuntimeError("the probe crashed on purpose")
if what[0] == "sleep":
    time.sleep(float(what[1]))
if what[0] == "collect":  # the fork's garbage collector runs: what does it free?
    import gc

    gc.collect()
if what[0] == "poison":  # state a slide's Manim might leave behind in its process
    lecture.slides.PROBE_MARK = "left by the last child"  # type: ignore[attr-defined]
    os.environ["PROBE"] = "changed by the last child"
    os.chdir("/")
