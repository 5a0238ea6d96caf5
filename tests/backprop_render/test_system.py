from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from backprop_render import system
from backprop_render.errors import SetupError


def fake_tool(folder: Path, name: str, script: str = "exit 0") -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def bare_path(tmp_path: Path) -> str:
    """A PATH with the basics a shell script needs, but no TeX and no dvisvgm."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("sh", "cat"):
        os.symlink(shutil.which(tool), folder / tool)
    return str(folder)


def test_the_package_list_names_a_package_for_every_piece():
    roles = {"compiler", "venv", "cairo", "pango", "latex", "dvisvgm"}
    assert {r for r in roles if system.debian_packages(r)} == roles
    assert "texlive-latex-extra" in system.debian_packages("latex")
    packages = system.debian_packages()
    assert len(set(packages)) == len(packages)


def test_missing_latex_and_dvisvgm_are_named_with_the_command_that_installs_them(bare_path):
    with pytest.raises(SetupError) as caught:
        system.check_system(path=bare_path)
    message = str(caught.value)
    assert "LaTeX, dvisvgm missing" in message
    install = message.split("Install with:\n", 1)[1].split("\n")[0].strip()
    assert install.endswith(" ".join(system.debian_packages("latex") + ["dvisvgm"]))
    assert "apt-get install -y --no-install-recommends" in install
    assert ("sudo " in install) == (os.geteuid() != 0)


def test_latex_without_the_extra_packages_is_caught(bare_path):
    folder = Path(bare_path)
    fake_tool(folder, "latex")
    fake_tool(folder, "dvisvgm")
    # kpsewhich finds only the base files: standalone.cls and preview.sty are in -extra.
    fake_tool(folder, "kpsewhich", 'for f in "$@"; do case $f in amsmath.sty|amssymb.sty|babel.sty)'
                                   ' echo /usr/share/texmf/$f;; esac; done')
    missing = system.missing_pieces(path=bare_path)
    assert [m.piece for m in missing] == ["LaTeX packages"]
    assert "standalone.cls, preview.sty" in missing[0].detail


def test_a_python_binding_that_cannot_load_is_named(monkeypatch):
    real = system.importlib.import_module

    def failing(name: str):
        if name == "manimpango":
            raise ImportError("libpango-1.0.so.0: cannot open shared object file")
        return real(name)

    monkeypatch.setattr(system.importlib, "import_module", failing)
    pieces = {m.piece: m for m in system.missing_pieces()}
    assert "pango" in pieces and "libpango-1.0.so.0" in pieces["pango"].detail
    with pytest.raises(SetupError, match="libpango1.0-dev"):
        system.check_system()


def test_this_machine_after_set_up_has_every_piece():
    assert system.missing_pieces() == []
