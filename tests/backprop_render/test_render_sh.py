"""render.sh's set-up logic, with dpkg-query, id and apt-get replaced by fakes on PATH."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from backprop_render import REPO
from backprop_render.system import debian_packages
from lecture.slides import SLIDES

RENDER_SH = REPO / "render.sh"


def fake(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fakes(tmp_path: Path) -> Path:
    folder = tmp_path / "fakebin"
    folder.mkdir()
    # dpkg-query that knows every package but those listed in $MISSING.
    fake(folder, "dpkg-query",
         'for a in "$@"; do case "$a" in -*) ;; *)\n'
         '  case " $MISSING " in *" $a "*) ;; *) echo "ii  $a";; esac;; esac; done')
    return folder


def run(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RENDER_SH), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": f"{folder}:{os.environ['PATH']}", **env})


def test_as_a_user_missing_packages_print_the_sudo_line_and_stop(fakes):
    fake(fakes, "id", "echo 1000")
    result = run(fakes, "list", MISSING="dvisvgm texlive-latex-extra")
    assert result.returncode == 1 and result.stdout == ""
    wanted = [p for p in debian_packages() if p in ("dvisvgm", "texlive-latex-extra")]
    assert ("sudo apt-get update && sudo apt-get install -y --no-install-recommends "
            + " ".join(wanted)) in result.stderr


def test_as_root_missing_packages_are_installed_with_apt_get(fakes, tmp_path):
    calls = tmp_path / "apt-calls"
    fake(fakes, "id", "echo 0")
    fake(fakes, "apt-get", f'echo "$@" >> {calls}')
    result = run(fakes, "list", MISSING="dvisvgm")
    # The fake apt-get installs nothing, so the check after it must say so.
    assert result.returncode == 1
    assert "still missing after apt-get install: dvisvgm" in result.stderr
    assert calls.read_text().splitlines() == ["update -q",
                                              "install -y -q --no-install-recommends dvisvgm"]


@pytest.mark.parametrize("args, shown", [(["--help"], "--quality"),
                                         (["sweep", "--help"], "--variants FILE.csv"),
                                         (["help", "worker"], "tcp://HOST:8786"),
                                         (["--quality", "preview", "-h"], "--gif-width")])
def test_help_needs_no_set_up(fakes, args, shown):
    fake(fakes, "id", "echo 1000")
    result = run(fakes, *args, MISSING=" ".join(debian_packages()))
    assert result.returncode == 0 and shown in result.stdout


def test_on_a_ready_machine_set_up_is_silent_and_stdout_is_the_commands_alone(fakes):
    listing = run(fakes, "list")
    assert listing.returncode == 0 and listing.stderr == ""
    assert [line.split()[1] for line in listing.stdout.splitlines()] == [s.slug for s in SLIDES]
    facts = run(fakes, "facts", "--set", "lr=0.1")
    assert facts.returncode == 0 and json.loads(facts.stdout)["params"]["lr"] == 0.1


def test_bad_input_through_render_sh_is_one_line_and_status_2(fakes):
    result = run(fakes, "--slides", "42")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: unknown slide '42'")


# ----- issue 16: test-only system packages -------------------------------------------------

TEST_PACKAGES = REPO / "backprop_render" / "debian-test-packages.txt"


def _test_packages() -> list[str]:
    return [line.split()[0] for line in TEST_PACKAGES.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def test_the_test_command_installs_the_browser_and_office_suite(fakes, tmp_path: Path):
    assert _test_packages() == ["chromium", "chromium-driver", "libreoffice-impress",
                               "firefox-esr", "libavcodec59"]
    calls = tmp_path / "apt-calls"
    fake(fakes, "id", "echo 0")
    fake(fakes, "apt-get", f'echo "$@" >> {calls}')
    result = run(fakes, "test", "--version", MISSING="chromium libreoffice-impress")
    assert result.returncode == 1  # the fake apt-get installed nothing; render.sh says so
    assert calls.read_text().splitlines()[-1] == \
        "install -y -q --no-install-recommends chromium libreoffice-impress"


def test_a_render_does_not_ask_for_the_test_packages(fakes, tmp_path: Path):
    calls = tmp_path / "apt-calls"
    fake(fakes, "id", "echo 0")
    fake(fakes, "apt-get", f'echo "$@" >> {calls}')
    result = run(fakes, "list", MISSING="chromium libreoffice-impress")
    assert result.returncode == 0 and not calls.exists()
