"""Stopping a real render by a signal to its main process alone: it stops as Ctrl-C stops it.

A real `python -m backprop_render` renders two real slides in two job processes; once their
Manim processes run, one signal goes to the main process only (`kill -INT PID`, as an IDE's
stop button or a supervisor sends it). It must exit 130 within seconds, leave no process
behind and no staging folder. The process starts with SIGINT ignored, as a shell starts a
background job (`./render.sh &`): Python then keeps ignoring SIGINT unless told otherwise.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backprop_render import REPO
from backprop_render.build.outputs import STAGING_PREFIX
from backprop_render.errors import EXIT_INTERRUPTED


def children(pid: int) -> dict[int, str]:
    """Every live descendant of `pid`: its command line by process id."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":  # a zombie has finished already
            parents[int(entry.name)] = int(fields[1])
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                try:
                    found[child] = (Path("/proc") / str(child) / "cmdline").read_bytes() \
                        .replace(b"\0", b" ").decode(errors="replace")
                    # A job process's Manim is a fork of it (manim_host.py), named manim.
                    found[child] += f" [{(Path('/proc') / str(child) / 'comm').read_text()}]"
                except OSError:
                    continue
                frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_to_the_main_process_alone_stops_the_render_like_ctrl_c(tmp_path, signum):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "backprop_render", "--quality", "preview", "--slides", "1,3",
         "--jobs", "2", "--out", str(out)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=ignore_sigint)
    try:
        deadline = time.monotonic() + 120
        while sum("manim" in c for c in children(process.pid).values()) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the two Manim processes never started"
            time.sleep(0.2)
        started = children(process.pid)
        os.kill(process.pid, signum)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "interrupted: files in the output folder were left as they were" in err
    time.sleep(0.5)  # a stopped child may take a moment to be reaped
    assert {pid: cmd for pid, cmd in started.items() if alive(pid)} == {}
    assert list(out.glob(STAGING_PREFIX + "*")) == []
    assert not any(out.glob("*.mp4"))  # nothing half-made was published
