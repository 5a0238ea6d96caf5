"""Manim's start paid once per job process: each `python -m manim` run a fork of it.

A `manim render` process spends about 1.1 CPU s importing Manim and its command line
before it draws anything (bench/start_costs.py); a deck renders each slide in its own.
A job process (pipeline.py's spawn workers, one per job, each rendering several slides
in turn) that calls `enable()` imports Manim once, then starts each `python -m manim ...`
command as a fork of itself that runs Manim's `__main__` as `python -m` would. The child
is a new process as far as the slide is concerned: its own configuration, parsed from the
same command line and the same folder-wide manim.cfg; its own scene modules, imported
after the fork; its own environment, working folder, log (stdout and stderr) and exit
status; killed when the job process dies, as `die_with_parent` makes a command. Nothing
it does reaches the job process or the next slide's child.

Forking needs a process with one thread: a job process is one (ProcessPoolExecutor's
worker loop reads its queue in its main thread); the lecturer's own process is not
(progress threads), so only a process that enabled the host forks; any other command,
or any other process, gets a `subprocess.Popen`.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import multiprocessing
import multiprocessing.process
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

__all__ = ["enable", "enabled", "start", "Child", "CHILD_NAME"]

CHILD_NAME = "manim"  # the child's name in /proc/PID/comm, as ps shows it
_PR_SET_NAME, _PR_SET_PDEATHSIG = 15, 1
_enabled: Path | None = None  # the folder Manim was imported in (its manim.cfg is read then)
_preloaded: set[str] = set()


def enable(cwd: Path) -> None:
    """Let this process fork its `python -m` commands (Linux only; elsewhere a no-op).
    `cwd`: the folder the commands run in, whose manim.cfg Manim reads when imported."""
    global _enabled
    if sys.platform.startswith("linux"):
        _enabled = Path(cwd)


def enabled() -> bool:
    return _enabled is not None


def _module_of(command: list[str]) -> str | None:
    if len(command) >= 3 and command[0] == sys.executable and command[1] == "-m":
        return command[2]
    return None


def _preload(module: str) -> None:
    """Import `module` here once, where the child's fresh interpreter would (in the command's
    folder: Manim reads ./manim.cfg when imported), if it is a package: importing a package
    runs its __init__, which is what the children share; a plain module (or a __main__) is
    the command itself, which only the child runs."""
    if module in _preloaded or _enabled is None:
        return
    _preloaded.add(module)
    here = os.getcwd()
    os.chdir(_enabled)
    try:
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.submodule_search_locations is not None:
            importlib.import_module(module)
    except Exception:  # noqa: BLE001  (the child imports it again and says why)
        pass
    finally:
        os.chdir(here)


class Child:
    """A forked command (a fork-context multiprocessing.Process, which does what a fork
    needs: the job process's finalizers dropped, its locks made anew, the child's own
    finalizers run at its end), as much of `subprocess.Popen` as slide_render needs."""

    def __init__(self, process: multiprocessing.process.BaseProcess, args: list[str]) -> None:
        self.process, self.args = process, args

    @property
    def pid(self) -> int | None:
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.exitcode

    def poll(self) -> int | None:
        return self.process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self.process.join(timeout)
        if self.process.exitcode is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.process.exitcode

    def terminate(self) -> None:
        if self.process.exitcode is None:
            self.process.terminate()

    def kill(self) -> None:
        if self.process.exitcode is None:
            self.process.kill()


def start(command: list[str], cwd: Path, env: dict[str, str], log: IO[bytes],
          popen: Any = None) -> Child | subprocess.Popen:
    """Start `command` in `cwd` with `env`, stdout and stderr to `log`, stdin empty: a fork
    when this process enabled the host and the command is `sys.executable -m MODULE ...`,
    else `popen(command)` (default: the command as given)."""
    module = _module_of(command)
    if _enabled is None or module is None or threading.active_count() > 1:
        return (popen or subprocess.Popen)(command, cwd=cwd, env=env, stdout=log,
                                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    _preload(module)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    # A PyAV object an earlier slide left as garbage (an encoder's filter graph) owns FFmpeg
    # threads that a fork does not have: freed there by the garbage collector, it waits for
    # them for ever (seen: a job's fork hung in avfilter_graph_free). Collected here, where
    # its threads are; the fork freezes what it inherits (_child).
    gc.collect()
    process = multiprocessing.get_context("fork").Process(
        target=_child, args=(module, command, cwd, env, log.fileno(), os.getpid()),
        name=CHILD_NAME)
    process.start()
    return Child(process, command)


def _child(module: str, command: list[str], cwd: Path, env: dict[str, str], log: int,
           parent: int) -> None:
    """In the fork: look, to the command, like a process started for it; then run it as
    `python -m` does. Its exit status is multiprocessing's: SystemExit's code, 1 for an
    exception (its traceback in the log), minus the signal that killed it."""
    import ctypes
    import runpy

    gc.freeze()  # the job process's objects are never the fork's garbage to free
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the job process died before the line above
        os._exit(1)
    libc.prctl(_PR_SET_NAME, CHILD_NAME.encode())
    # What the job process set up for itself (pipeline's _worker_started): the child
    # stops on SIGTERM as a new process does; SIGINT stays as the parent had it, as an
    # ignored signal stays ignored across exec.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = [command[2], *command[3:]]
    sys.path[0:0] = [str(cwd)]  # `python -m` puts its working folder first
    runpy.run_module(module, run_name="__main__", alter_sys=True)
