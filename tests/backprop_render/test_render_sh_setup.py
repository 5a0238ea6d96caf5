"""render.sh's install of .venv (uv, offline first; pip as the fallback), on a copy of the
script in a scratch repository whose python3, uv and dpkg-query are fakes that log their calls:
nothing is installed for real, each test takes a fraction of a second."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from backprop_render import REPO

# The interpreter's fake: `-m venv DIR` makes DIR/bin/python (itself), `-m pip install uv`
# puts the uv fake beside it, `-m backprop_render ARGS` stands for the CLI.
FAKE_PYTHON = r"""#!/bin/sh
echo "python $*" >> "$LOG"
case "$1 $2" in
  "-c "*"sys.version)"*) echo "3.11.fake" ;;
  "-c "*) ;;
  "-m venv") for a; do d=$a; done; mkdir -p "$d/bin" && cp "$FAKE_PYTHON" "$d/bin/python" ;;
  "-m pip")
    case " $* " in
      *" --version "*) ;;
      *" uv>="*) [ -z "$NO_UV" ] || exit 1; cp "$FAKE_UV" "$(dirname "$0")/uv" ;;
      *) [ -z "$FAIL_INSTALL" ] || exit 1 ;;
    esac ;;
  "-m backprop_render") shift 2; echo "ran $*" ;;
esac
"""

FAKE_UV = r"""#!/bin/sh
echo "uv $*" >> "$LOG"
case "$1" in
  venv) for a; do d=$a; done; mkdir -p "$d/bin" && cp "$FAKE_PYTHON" "$d/bin/python" ;;
  pip)
    case " $* " in *" --offline "*) [ -n "$UV_WARM" ] || exit 2 ;; esac
    [ -z "$FAIL_INSTALL" ] || exit 1
    sleep "${INSTALL_SECONDS:-0}" ;;
esac
"""


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


class Clone:
    """A scratch repository with render.sh, and the environment its fakes need."""

    def __init__(self, root: Path):
        self.repo = root / "repo"
        (self.repo / "backprop_render").mkdir(parents=True)
        shutil.copy2(REPO / "render.sh", self.repo / "render.sh")
        shutil.copy2(REPO / "pyproject.toml", self.repo / "pyproject.toml")
        for name in ("debian-packages.txt", "debian-test-packages.txt"):
            shutil.copy2(REPO / "backprop_render" / name, self.repo / "backprop_render" / name)
        bin_ = root / "fakebin"
        executable(bin_ / "dpkg-query",
                   'for a; do case "$a" in -*) ;; *) echo "ii $a";; esac; done')
        python = executable(root / "fake-python", FAKE_PYTHON)
        executable(bin_ / "python3", FAKE_PYTHON)
        uv = executable(root / "fake-uv", FAKE_UV)
        self.log = root / "log"
        self.cache = root / "cache"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env = {**env, "PATH": f"{bin_}:{os.environ['PATH']}", "LOG": str(self.log),
                    "FAKE_PYTHON": str(python), "FAKE_UV": str(uv),
                    "XDG_CACHE_HOME": str(self.cache), "TMPDIR": str(root)}

    def give_uv(self) -> None:
        shutil.copy2(self.env["FAKE_UV"], self.cache / "backprop-lecture-uv" / "bin" / "uv")

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen([str(self.repo / "render.sh"), *args], text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**self.env, **env})

    def run(self, *args: str, **env: str) -> tuple[int, str, str]:
        process = self.start(*args, **env)
        out, err = process.communicate(timeout=60)
        return process.returncode, out, err

    def installs(self) -> list[str]:
        """The install commands run so far (not the checks and the fingerprint)."""
        calls = self.log.read_text().splitlines() if self.log.exists() else []
        return [c for c in calls if " install " in c or c.startswith("uv venv")
                or " -m venv " in c]


@pytest.fixture
def clone(tmp_path: Path) -> Clone:
    made = Clone(tmp_path)
    (made.cache / "backprop-lecture-uv" / "bin").mkdir(parents=True)
    return made


def test_a_fresh_clone_with_uv_s_cache_warm_installs_offline_once(clone):
    clone.give_uv()
    status, out, err = clone.run("list", UV_WARM="1")
    assert status == 0 and out == "ran list\n", err
    venv = clone.repo / ".venv"
    assert [c.split(" --python ")[0] for c in clone.installs()] == [
        "uv venv -q --seed", "uv pip install -q --offline"]
    assert clone.installs()[-1].endswith(f"-e {clone.repo}[dev,sweep]")
    assert (venv / ".backprop-setup").is_file() and "set-up done" in err
    # Ready: the next command installs nothing and says nothing.
    assert clone.run("list", UV_WARM="1") == (0, "ran list\n", "")
    assert len(clone.installs()) == 2
    # A changed pyproject.toml installs again, into the same .venv.
    with (clone.repo / "pyproject.toml").open("a") as pyproject:
        pyproject.write("# changed\n")
    assert clone.run("list", UV_WARM="1")[0] == 0
    assert [c.split(" --python ")[0] for c in clone.installs()[2:]] == [
        "uv pip install -q --offline"]


def test_what_uv_s_cache_lacks_comes_from_pypi(clone):
    clone.give_uv()
    status, _, err = clone.run("list")
    assert status == 0, err
    assert [c.split(" --python ")[0] for c in clone.installs()[1:]] == [
        "uv pip install -q --offline", "uv pip install -q"]
    assert "with uv (first run" in err


def test_uv_is_installed_once_per_user_with_pip(clone):
    status, _, err = clone.run("list", UV_WARM="1")
    assert status == 0 and "installing uv" in err, err
    uv_home = clone.cache / "backprop-lecture-uv"
    assert f"python -m venv {uv_home}" in clone.installs()[0]
    assert "-m pip install" in clone.installs()[1] and " uv>=" in clone.installs()[1]
    assert (uv_home / "bin" / "uv").is_file()
    assert clone.installs()[2].startswith("uv venv")


def test_without_uv_it_says_so_and_installs_with_pip(clone):
    status, out, err = clone.run("list", NO_UV="1")
    assert status == 0 and out == "ran list\n", err
    assert "uv could not be installed from PyPI" in err and "with pip" in err
    pip = clone.installs()[-1]
    assert f"-m pip install --disable-pip-version-check -q --no-compile -e {clone.repo}" in pip


def test_a_failing_install_says_so_and_tries_again_next_time(clone):
    clone.give_uv()
    status, out, err = clone.run("list", FAIL_INSTALL="1")
    assert status == 1 and out == ""
    assert "uv could not install the project" in err and "BACKPROP_INSTALLER=pip" in err
    assert not (clone.repo / ".venv" / ".backprop-setup").exists()
    assert clone.run("list", UV_WARM="1")[0] == 0


def test_pip_on_request_compiles_all_when_python_may_not_write_bytecode(clone):
    status, _, err = clone.run("list", BACKPROP_INSTALLER="pip", PYTHONDONTWRITEBYTECODE="1")
    assert status == 0, err
    assert not any(c.startswith("uv") for c in clone.installs())
    assert "--no-compile" not in clone.installs()[-1]


def test_uv_compiles_all_only_when_python_may_not_write_bytecode(clone):
    clone.give_uv()
    assert clone.run("list", UV_WARM="1")[0] == 0
    assert "--compile-bytecode" not in clone.installs()[-1]
    shutil.rmtree(clone.repo / ".venv")
    assert clone.run("list", UV_WARM="1", PYTHONDONTWRITEBYTECODE="1")[0] == 0
    assert "--compile-bytecode" in clone.installs()[-1]


def test_two_commands_started_at_once_install_once(clone):
    clone.give_uv()
    both = [clone.start("list", UV_WARM="1", INSTALL_SECONDS="1") for _ in range(2)]
    assert [p.communicate(timeout=60)[0] for p in both] == ["ran list\n"] * 2
    assert [c.split(" --python ")[0] for c in clone.installs()] == [
        "uv venv -q --seed", "uv pip install -q --offline"]
