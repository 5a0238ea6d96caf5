"""A slide's formulas compiled together (scenes/speedups/prefetch.py): the same SVGs, byte for byte,
as compiling each alone; found by a dry pass that leaves the scene as it was; and
whatever the dry pass missed still compiles on its own."""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from manim import MathTex, TexTemplate, tempconfig
from manim.utils import tex_file_writing

import scenes.kit.slide  # noqa: F401 - importing the slides installs latex_format
from lecture import contract
from scenes.speedups import latex_format, prefetch

# Different fonts first used in different orders, sizes, and MathTex's groups.
FORMULAS = [r"\frac{\partial L}{\partial w} = -7.98 \times \hat{y}",
            r"2.1^{2} + \mathbf{w}_{1} \cdot x",
            r"\special{dvisvgm:raw <g id='unique000'>}\sigma(z) \special{dvisvgm:raw </g>}"
            r"\special{dvisvgm:raw <g id='unique001'>}= 0.73\special{dvisvgm:raw </g>}",
            r"0.5"]


@pytest.fixture(scope="module")
def formats(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("formats")  # built once for the module's tests


@pytest.fixture
def tex_dir(tmp_path, formats, monkeypatch) -> Path:
    monkeypatch.setenv(contract.TEX_FORMATS, str(formats))
    monkeypatch.setattr(latex_format, "_formats", {})
    with tempconfig({"media_dir": str(tmp_path), "tex_dir": str(tmp_path / "Tex")}):
        yield tmp_path / "Tex"


def test_formulas_compiled_together_get_the_svgs_each_gets_alone(tex_dir):
    alone = {}
    for formula in FORMULAS:  # as the real construct compiles them today
        svg = tex_file_writing.tex_to_svg_file(formula, environment="align*")
        alone[svg.name] = svg.read_text(encoding="utf-8")
    tex_files = sorted(tex_dir.glob("*.tex"))
    for svg in tex_dir.glob("*.svg"):
        svg.unlink()
    assert prefetch.compile_batch(tex_files) == len(FORMULAS)
    batched = {svg.name: svg.read_text(encoding="utf-8") for svg in tex_dir.glob("*.svg")}
    assert batched.keys() == alone.keys()
    for name, svg in batched.items():  # dvisvgm may order <defs> by its memory's layout
        assert prefetch.same_formula(svg, alone[name])
    assert [p.name for p in tex_dir.parent.iterdir()] == ["Tex"]  # no batch files left


def test_only_the_order_of_the_glyph_definitions_may_differ():
    svg = "<svg>\n<defs>\n<path id='g0-1' d='M1'/>\n<path id='g1-2' d='M2'/>\n</defs>\n<use/>"
    swapped = svg.replace("g0-1' d='M1", "g1-x").replace("g1-2' d='M2", "g0-1' d='M1").replace(
        "g1-x", "g1-2' d='M2")
    assert swapped != svg and prefetch.same_formula(swapped, svg)
    assert not prefetch.same_formula(svg.replace("M2", "M3"), svg)
    assert not prefetch.same_formula(svg.replace("<use/>", "<use x='1'/>"), svg)


def test_pages_are_renamed_as_alone():
    page = ("<defs>\n<path id='g3-50' d='M1'/>\n<path id='g5-40' d='M2'/>\n</defs>\n"
            "<g id='page7'>\n<use x='1' y='2' xlink:href='#g5-40'/>\n"
            "<use x='3' y='2' xlink:href='#g3-50'/>\n</g>")
    assert prefetch.as_if_alone(page) == page.replace("g3-", "g0-").replace(
        "g5-", "g1-").replace("page7", "page1")


def test_a_failing_batch_leaves_every_formula_to_compile_alone(tex_dir):
    good = tex_file_writing.generate_tex_file("x + 1", "align*")
    bad = tex_file_writing.generate_tex_file(r"\undefinedcommand", "align*")
    assert prefetch.compile_batch([good, bad]) == 0
    assert not list(tex_dir.glob("*.svg"))


class DryScene:
    """What the dry pass uses of a slide: a narrator, and a construct whose second
    formula comes after an error, so only the first can be found."""

    def __init__(self) -> None:
        self.narrator = SimpleNamespace()
        self.played = 0

    def play(self, *animations) -> None:
        self.played += 1

    def construct(self) -> None:
        self.play(MathTex("a + b = 3"))
        raise RuntimeError("a slide the dry pass cannot run to its end")


def test_a_failing_dry_pass_keeps_what_it_found_and_the_rest_compiles_alone(tex_dir):
    scene = DryScene()
    state = random.getstate()
    assert prefetch.prefetch(scene) == 0  # one formula found: nothing to batch
    found = prefetch.collect(scene).formulas
    assert [p.read_text(encoding="utf-8").count("a + b = 3") for p in found] == [1]
    assert random.getstate() == state and scene.played == 0  # the fork changed nothing here
    assert prefetch.compile_batch(found + [tex_file_writing.generate_tex_file(
        "c = 4", "align*")]) == 2
    assert MathTex("d = 5").width > 0  # not found by the dry pass: compiles on its own
    assert len(list(tex_dir.glob("*.svg"))) == 3


def test_formulas_of_another_preamble_are_compiled_in_a_batch_of_their_own(tex_dir):
    template = TexTemplate()
    template.add_to_preamble(r"\usepackage{amsfonts}")
    files = [tex_file_writing.generate_tex_file(f, "align*") for f in ("x = 1", "y = 2")]
    files += [tex_file_writing.generate_tex_file(f, "align*", template) for f in ("z", "w")]
    assert prefetch.compile_batch(files + files[:1]) == 4
    assert all(f.with_suffix(".svg").is_file() for f in files)


class StuckScene(DryScene):
    """Finds one formula, then hangs as a fork stuck on a lock would."""

    def construct(self) -> None:
        self.play(MathTex("e = 6"))
        import time

        time.sleep(60)


def test_a_dry_pass_that_falls_silent_is_stopped_with_what_it_found(tex_dir):
    import time

    started = time.monotonic()
    found = prefetch.collect(StuckScene(), quiet=0.5).formulas
    assert time.monotonic() - started < 5  # not the whole DRY_PASS_SECONDS
    assert [p.read_text(encoding="utf-8").count("e = 6") for p in found] == [1]
