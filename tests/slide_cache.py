"""The user cache of the slide constructions (tests/scenes/conftest.py), one for every test
process of a run: the LaTeX format, and a formula one process typeset and parsed, serve all.

`make_for_run` runs in the process that starts xdist's workers (tests/conftest.py), before
it starts them: they inherit the folder through the environment; the process that made it
removes it when it exits."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_VARIABLE = "SLIDE_TESTS_USER_CACHE"


def make_for_run() -> None:
    if _VARIABLE in os.environ:  # a worker: the folder its starter made
        return
    from lecture.user_cache import UserCache

    folder = UserCache.open(Path(tempfile.mkdtemp(prefix="slide-tests-cache-"))).root
    atexit.register(shutil.rmtree, folder, True)
    os.environ[_VARIABLE] = str(folder)


def folder() -> str:
    return os.environ[_VARIABLE]
