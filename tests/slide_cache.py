"""The user cache of the slide constructions (tests/scenes/conftest.py), one for every test
process of a run and kept between runs: the LaTeX format, and a formula or text a process
typeset and parsed (in this run or an earlier one) serve all, as a render's user cache
serves every output folder (lecture/user_cache.py: entries checked when read, bounded in
size). It lies beside the user's render cache, as `backprop-lecture-tests`; with
$BACKPROP_TESTS_FRESH_CACHE=1 a run starts from an empty one of its own, as on a new
machine (the end-to-end render has a fresh cache of its own either way).

`make_for_run` runs in the process that starts xdist's workers (tests/conftest.py), before
it starts them: they inherit the folder through the environment."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_VARIABLE = "SLIDE_TESTS_USER_CACHE"
_FRESH = "BACKPROP_TESTS_FRESH_CACHE"
_LIMIT = "1G"  # the slides' formulas under every parameter set of the suite: about 100 MB


def make_for_run() -> None:
    if _VARIABLE in os.environ:  # a worker: the folder its starter made
        return
    from lecture.user_cache import UserCache, default_root, parse_size

    if os.environ.get(_FRESH):
        root = Path(tempfile.mkdtemp(prefix="slide-tests-cache-"))
        atexit.register(shutil.rmtree, root, True)
    else:
        root = default_root().with_name(default_root().name + "-tests")
    os.environ[_VARIABLE] = str(UserCache.open(root, limit=parse_size(_LIMIT)).root)


def folder() -> str:
    return os.environ[_VARIABLE]
