"""Parsed SVGs kept on disk (scenes/speedups/svg_cache.py): formulas and texts taken from it are
the very mobjects a parse makes (points, styles, structure, Manim's cache keys), and a
damaged entry is parsed again, never an error or a wrong picture."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from manim import (
    BLUE,
    RIGHT,
    Circle,
    FadeIn,
    MarkupText,
    MathTex,
    Scene,
    Tex,
    Text,
    Write,
    config,
    tempconfig,
)
from manim.mobject.svg import svg_mobject
from manim.utils import hashing

import scenes.kit.slide  # noqa: F401 - importing the slides installs it
from backprop_render.build import slide_render
from lecture import contract
from scenes.speedups import prefetch, svg_cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "svg"
    monkeypatch.setenv(contract.SVG_CACHE, str(folder))
    monkeypatch.delenv(contract.NO_SVG_CACHE, raising=False)
    fresh_process()
    return folder


def fresh_process() -> None:
    """As a new Manim process finds it: nothing parsed in memory, no cache opened."""
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    svg_cache._cache = svg_cache._cache_folder = None


def build() -> list:
    """What slides show: a formula in parts with colours, a bare one, LaTeX text, plain
    and marked-up text, and the same formula twice (the second from Manim's memory)."""
    return [MathTex(r"\frac{\partial L}{\partial w}", "=", "-7.98",
                    tex_to_color_map={"-7.98": BLUE}, font_size=40),
            MathTex(r"w \leftarrow w - \eta \, g"),
            Tex(r"learning rate $\eta$"),
            Text("w = 0.5, loss 1.23", font_size=24, t2c={"loss": BLUE}),
            MarkupText("<b>forward</b> pass", font_size=20),
            MathTex(r"w \leftarrow w - \eta \, g").shift(RIGHT)]


def key(mobjects: list, animation_of=FadeIn) -> str:
    scene = Scene()
    neighbour = Circle()  # made outside the cache: shares Manim's defaults with the parse
    scene.add(neighbour, *mobjects)
    return hashing.get_hash_from_play_call(
        scene, scene.renderer.camera, [animation_of(mobjects[0])], [neighbour, *mobjects],
        backend="cairo", encoder_fingerprint="test", renderer_state={"frame": 1})


def assert_same(a: list, b: list) -> None:
    for one, other in zip(a, b, strict=True):
        family, others = one.get_family(), other.get_family()
        assert [type(m) for m in family] == [type(m) for m in others]
        for m, n in zip(family, others, strict=True):
            assert list(m.__dict__) == list(n.__dict__)  # same attributes, same order
            assert np.array_equal(m.points, n.points)
            for style in ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas",
                          "sheen_direction"):
                if hasattr(m, style):
                    assert np.array_equal(getattr(m, style), getattr(n, style)), style
            assert getattr(m, "stroke_width", None) == getattr(n, "stroke_width", None)
        assert hashing.get_json(one) == hashing.get_json(other)
        assert ({k: len(g) for k, g in one.id_to_vgroup_dict.items()}
                == {k: len(g) for k, g in other.id_to_vgroup_dict.items()})
    assert key(a) == key(b)
    assert key(a, Write) == key(b, Write)


def test_the_pipeline_names_the_folder_the_scene_reads():
    assert contract.SVG_CACHE == contract.SVG_CACHE
    assert slide_render.svg_cache_dir_for(Path("c")) == Path("c/svg")


def test_without_the_folder_or_switched_off_nothing_is_cached(cache, monkeypatch):
    monkeypatch.setenv(contract.NO_SVG_CACHE, "1")
    assert svg_cache.active() is None
    monkeypatch.delenv(contract.NO_SVG_CACHE)
    monkeypatch.delenv(contract.SVG_CACHE)
    assert svg_cache.active() is None
    build()
    assert not cache.exists()


def test_warm_is_what_a_parse_makes(cache, monkeypatch):
    cold = build()  # parsed, and stored
    stored = sorted(cache.glob(f"*{svg_cache.SUFFIX}"))
    assert len(stored) == 5 and svg_cache.active().misses == 5
    fresh_process()
    warm = build()  # the next render: every parse from the disk
    assert svg_cache.active().hits == 5 and svg_cache.active().misses == 0
    assert_same(cold, warm)
    monkeypatch.setenv(contract.NO_SVG_CACHE, "1")
    fresh_process()
    assert_same(build(), warm)  # and what Manim alone makes


def test_a_damaged_entry_is_parsed_again_and_rewritten(cache):
    cold = build()
    entries = sorted(cache.glob(f"*{svg_cache.SUFFIX}"))
    whole = {path: path.read_bytes() for path in entries}
    damage = [lambda b: b[: len(b) // 2],  # cut short
              lambda b: b[:-9] + bytes([b[-9] ^ 1]) + b[-8:],  # one bit of a point
              lambda b: b"not a cache file",
              lambda b: b""]
    for path, spoil in zip(entries[:len(damage)], damage, strict=True):
        path.write_bytes(spoil(whole[path]))
    fresh_process()
    warm = build()
    assert svg_cache.active().misses == len(damage)
    assert_same(cold, warm)
    assert {path: path.read_bytes() for path in entries} == whole  # rewritten whole


def test_an_entry_that_unpickles_to_something_else_is_a_miss(cache):
    build()
    fresh_process()
    entry = next(cache.glob(f"*{svg_cache.SUFFIX}"))
    stored = svg_cache.SvgCache(cache)
    key = entry.name.removesuffix(svg_cache.SUFFIX)
    stored.save(key, ([], {}, {"submobjects": []}))  # written whole, but not a parse
    assert stored.load(key) is None


def test_only_what_the_last_render_used_stays(cache):
    build()
    stale = cache / f"{'0' * 40}{svg_cache.SUFFIX}"
    stale.write_bytes(b"from an earlier render")
    left_over = cache / f".{'1' * 40}.123.tmp"
    left_over.write_bytes(b"a writer killed mid-way")
    assert svg_cache.prune() == 2
    assert not stale.exists() and not left_over.exists()
    assert len(list(cache.iterdir())) == 5


def test_a_fork_reads_but_never_writes(cache):
    build()
    fresh_process()
    reader = svg_cache.active()
    reader.owner = os.getpid() + 1  # as the prefetch's dry pass, a fork, sees it
    for path in cache.iterdir():
        path.unlink()
    build()
    assert reader.misses == 5 and not any(cache.iterdir())
    assert reader.prune() == 0


class TextScene:
    """A dry pass's view of a slide that reads a text's SVG and rewrites it, as Manim
    does with every text it makes (manimpango's remove_last_M)."""

    def __init__(self) -> None:
        self.narrator = SimpleNamespace()

    def construct(self) -> None:
        made = Path(config.text_dir) / "made.svg"
        self.narrator.speak(made.read_text(encoding="utf-8") if made.exists() else "none")
        made.write_text("rewritten by the dry pass", encoding="utf-8")


def test_the_dry_pass_reads_the_texts_made_already_from_a_copy(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "made.svg").write_text("<svg/>", encoding="utf-8")
    with tempconfig({"media_dir": str(tmp_path), "text_dir": str(texts)}):
        found = prefetch.collect(TextScene())
    assert found.sentences == ["<svg/>"]  # so its parse is the real pass's, cached
    assert (texts / "made.svg").read_text(encoding="utf-8") == "<svg/>"  # the real one intact
    assert [p.name for p in texts.iterdir()] == ["made.svg"]
