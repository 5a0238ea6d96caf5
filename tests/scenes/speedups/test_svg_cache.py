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
from lecture import contract, user_cache
from lecture.user_cache import UserCache
from narration.takes import BeatLine
from scenes.speedups import prefetch, svg_cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> UserCache:
    """A private user cache, as the pipeline opens it for a slide's Manim process."""
    store = UserCache.open(tmp_path / "cache")
    monkeypatch.setenv(contract.CACHE, str(store.root))
    monkeypatch.delenv(contract.NO_SVG_CACHE, raising=False)
    fresh_process()
    return store


def fresh_process() -> None:
    """As a new Manim process finds it: nothing parsed in memory, no cache opened."""
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    svg_cache._cache = None
    user_cache._process_cache = None


def parses(store: UserCache) -> list[str]:
    """The keys of the parsed SVGs in the cache."""
    return sorted(k.removeprefix("parse/") for k in store._entries().iterkeys()
                  if k.startswith("parse/"))


def spoil(store: UserCache, key: str, damage) -> None:
    """Change an entry's bytes on disk, its MAC left as it was (damage, not a new entry)."""
    entries = store._entries()
    value, tag = entries.get(f"parse/{key}", tag=True)
    entries.set(f"parse/{key}", damage(value), tag=tag)


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


def test_without_a_private_user_cache_or_switched_off_nothing_is_cached(cache, monkeypatch):
    monkeypatch.setenv(contract.NO_SVG_CACHE, "1")
    assert svg_cache.active() is None
    monkeypatch.delenv(contract.NO_SVG_CACHE)
    monkeypatch.delenv(contract.CACHE)
    fresh_process()
    assert svg_cache.active() is None
    build()
    assert parses(cache) == []


def test_warm_is_what_a_parse_makes(cache, monkeypatch):
    cold = build()  # parsed, and stored
    assert len(parses(cache)) == 5 and svg_cache.active().misses == 5
    fresh_process()
    warm = build()  # the next render, in any output folder: every parse from the cache
    assert svg_cache.active().hits == 5 and svg_cache.active().misses == 0
    assert_same(cold, warm)
    monkeypatch.setenv(contract.NO_SVG_CACHE, "1")
    fresh_process()
    assert_same(build(), warm)  # and what Manim alone makes


def test_a_damaged_entry_is_parsed_again_and_stored_again(cache):
    cold = build()
    keys = parses(cache)
    whole = {key: cache.get("parse", key) for key in keys}
    damage = [lambda b: b[: len(b) // 2],  # cut short
              lambda b: b[:-9] + bytes([b[-9] ^ 1]) + b[-8:],  # one bit of a point
              lambda b: b"not a cache entry",
              lambda b: b""]
    for key, spoiled in zip(keys, damage, strict=False):
        spoil(cache, key, spoiled)
    fresh_process()
    warm = build()
    assert svg_cache.active().misses == len(damage)
    assert svg_cache.active().store.repaired["parse"] == len(damage)
    assert_same(cold, warm)
    assert {key: cache.get("parse", key) for key in keys} == whole  # stored whole again


def test_an_entry_that_unpickles_to_something_else_is_a_miss(cache):
    build()
    fresh_process()
    key = parses(cache)[0]
    stored = svg_cache.active()
    stored.save(key, ([], {}, {"submobjects": []}))  # written whole, but not a parse
    assert stored.load(key) is None


def test_nothing_is_loaded_from_the_output_folder(cache, tmp_path):
    # Where the parses used to be kept (the output folder's .render-cache/<slide>/svg/,
    # guarded by a SHA-256 anyone can compute): a pickle planted there, under every key
    # this render looks up and in the old format, is never read.
    import hashlib

    from tests.planted import planted

    marker = tmp_path / "ran"
    build()
    folder = tmp_path / "out" / ".render-cache" / "01-what-is-backpropagation" / "svg"
    folder.mkdir(parents=True)
    payload = planted(marker)
    for key in parses(cache):
        (folder / f"{key}.svgpickle").write_bytes(
            b"BPSVG1\n" + hashlib.sha256(payload).digest() + payload)
    cache._entries().clear()
    fresh_process()
    build()
    assert svg_cache.active().misses == 5 and not marker.exists()


def test_a_fork_reads_but_never_writes(cache):
    build()
    fresh_process()
    reader = svg_cache.active()
    reader.owner = os.getpid() + 1  # as the prefetch's dry pass, a fork, sees it
    cache._entries().clear()
    build()
    assert reader.misses == 5 and parses(cache) == []


class TextScene:
    """A dry pass's view of a slide that reads a text's SVG and rewrites it, as Manim
    does with every text it makes (manimpango's remove_last_M)."""

    def __init__(self) -> None:
        self.narrator = SimpleNamespace()

    def construct(self) -> None:
        made = Path(config.text_dir) / "made.svg"
        said = made.read_text(encoding="utf-8") if made.exists() else "none"
        self.narrator.speak(BeatLine("slide.made", 1, "made", said, said))
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
