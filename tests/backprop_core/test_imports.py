"""The numeric core never imports manim: every number can be checked without drawing."""

from __future__ import annotations

import os
import subprocess
import sys

from backprop_render import REPO


def python(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def test_importing_the_core_does_not_import_manim():
    # A fresh interpreter: in this one, another test may have imported manim already.
    done = python("-c", "import backprop_core, sys; "
                        "assert not any(m == 'manim' or m.startswith('manim.') "
                        "for m in sys.modules)")
    assert done.returncode == 0, done.stderr
    every_module = ("import backprop_core, pkgutil, importlib, sys; "
                    "[importlib.import_module('backprop_core.' + m.name) "
                    "for m in pkgutil.iter_modules(backprop_core.__path__)]; "
                    "assert not any(m == 'manim' or m.startswith('manim.') for m in sys.modules)")
    done = python("-c", every_module)
    assert done.returncode == 0, done.stderr


def test_no_core_module_mentions_manim_in_an_import():
    for path in (REPO / "backprop_core").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert "manim" not in stripped, f"{path.name}: {stripped}"
