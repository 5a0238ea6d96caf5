"""How long does a fresh clone take to get ready for `./render.sh test`, with uv and with pip?

What CI does before pytest starts: clone, then render.sh checks the Debian packages, creates
.venv and installs the project with its dev and sweep extras. Timed as `./render.sh test
--version` (the set-up, then pytest printing its version), wall clock, in a fresh clone of
this repository's HEAD each time:

- pip: `BACKPROP_INSTALLER=pip` (pip's own caches; with PYTHONDONTWRITEBYTECODE set, as
  render.sh installed before uv);
- uv, cold: uv installed from PyPI and every package downloaded (empty caches of its own);
- uv, warm: uv and its cache as this user has them (run once first to warm them).

It prints the median seconds of each, the ratios against pip, and the load average (run it
on an otherwise idle machine; once with PYTHONDONTWRITEBYTECODE=1 and once without, since
uv then compiles every module at install). It leaves the user's caches as they are, apart
from what uv adds to its own.

    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python bench/setup.py --repeat 3
    PYTHONDONTWRITEBYTECODE=1 .venv/bin/python bench/setup.py --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def set_up_seconds(scratch: Path, env: dict[str, str]) -> float:
    clone = scratch / "clone"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    start = time.perf_counter()
    subprocess.run([str(clone / "render.sh"), "test", "--version"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    shutil.rmtree(clone)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    # This shell's environment, PYTHONDONTWRITEBYTECODE included, as CI would have it.
    base = dict(os.environ)
    results: dict[str, list[float]] = {"pip": [], "uv, cold": [], "uv, warm": []}
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as folder:
        scratch = Path(folder)
        set_up_seconds(scratch, base)  # warms uv and its cache
        for _ in range(repeat):
            results["pip"].append(set_up_seconds(scratch, {**base, "BACKPROP_INSTALLER": "pip"}))
            cold = scratch / "cold-cache"
            shutil.rmtree(cold, ignore_errors=True)
            results["uv, cold"].append(set_up_seconds(
                scratch, {**base, "UV_CACHE_DIR": str(cold / "uv"), "XDG_CACHE_HOME": str(cold)}))
            results["uv, warm"].append(set_up_seconds(scratch, base))
    pip = statistics.median(results["pip"])
    for name, seconds in results.items():
        median = statistics.median(seconds)
        print(f"{name:<9} {median:6.1f} s  (runs: {', '.join(f'{s:.1f}' for s in seconds)})"
              f"  pip/this = {pip / median:.1f}x")
    # With it set, uv compiles every module at install (render.sh says why).
    print(f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}; "
          f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
