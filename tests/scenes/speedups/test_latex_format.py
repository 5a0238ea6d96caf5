"""Formulas compiled with the preamble's precompiled format (scenes/speedups/latex_format.py): the
same SVG as Manim's own compile, and Manim's own compile whenever the format is not had."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from manim import tempconfig
from manim.utils import tex_file_writing

import scenes.kit.slide  # noqa: F401 - importing the slides installs it
from lecture import contract
from scenes.speedups import latex_format

FORMULA = r"\frac{\partial L}{\partial w} = -7.98 \times \hat{y}"


@pytest.fixture
def folders(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(contract.TEX_FORMATS, str(tmp_path / "formats"))
    monkeypatch.setattr(latex_format, "_formats", {})
    with tempconfig({"media_dir": str(tmp_path), "tex_dir": str(tmp_path / "Tex")}):
        yield tmp_path


def svg_of(compile_tex, tex_dir: Path, monkeypatch) -> bytes:
    """The SVG of FORMULA compiled by `compile_tex`, in an emptied `tex_dir` (dvisvgm's
    output depends on its paths, so both compiles use the same ones)."""
    for old in tex_dir.glob("*"):
        old.unlink()
    with monkeypatch.context() as patch:
        patch.setattr(tex_file_writing, "compile_tex", compile_tex)
        return tex_file_writing.tex_to_svg_file(FORMULA, environment="align*").read_bytes()


def test_the_render_pipeline_shares_one_format_among_the_slides():
    assert contract.TEX_FORMATS == contract.TEX_FORMATS


def test_a_formula_gets_the_same_svg_as_manims_own_compile(folders, monkeypatch):
    manims = svg_of(latex_format._stock_compile_tex, folders / "Tex", monkeypatch)
    commands = []
    run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda command, **kw: (commands.append(command),
                                                                  run(command, **kw))[1])
    ours = svg_of(latex_format.compile_tex, folders / "Tex", monkeypatch)
    assert [c[:2] for c in commands if c[0] == "latex"] == [
        ["latex", f"-fmt={next((folders / 'formats').glob('*.fmt')).with_suffix('')}"]]
    assert [f.suffix for f in (folders / "formats").glob("*.fmt")] == [".fmt"]
    assert ours == manims and b"<path" in ours


def test_without_mylatexformat_manim_compiles_it(folders, monkeypatch):
    monkeypatch.setattr(latex_format, "_installation", "")  # as when kpsewhich finds none
    svg = svg_of(latex_format.compile_tex, folders / "Tex", monkeypatch)
    assert b"<path" in svg and not (folders / "formats").exists()


def test_a_broken_format_falls_back_to_manims_compile(folders, monkeypatch):
    def broken(preamble: str, target: Path) -> bool:
        target.write_bytes(b"not a format")
        return True

    monkeypatch.setattr(latex_format, "_build", broken)
    svg = svg_of(latex_format.compile_tex, folders / "Tex", monkeypatch)
    assert b"<path" in svg and list((folders / "formats").glob("*.fmt"))


def test_each_preamble_has_a_format_of_its_own_built_once(folders, monkeypatch):
    built = []

    def build(preamble: str, target: Path) -> bool:
        built.append(preamble)
        target.write_bytes(b"")
        return True

    monkeypatch.setattr(latex_format, "_build", build)
    one = r"\documentclass{standalone}" "\n"
    other = r"\documentclass{standalone}\usepackage{amsmath}" "\n"
    body = r"\begin{document}x\end{document}"
    assert latex_format.format_for(one + body) == latex_format.format_for(one + body)
    assert latex_format.format_for(other + body) != latex_format.format_for(one + body)
    monkeypatch.setattr(latex_format, "_formats", {})  # another process: finds it built
    latex_format.format_for(one + body)
    assert built == [one, other]
    latex_format.format_for(other + body).unlink()  # its folder emptied: made again
    assert latex_format.format_for(other + body).is_file() and built == [one, other, other]
    assert latex_format.format_for("no document environment") is None
