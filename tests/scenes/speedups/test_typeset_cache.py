"""Typeset formulas and texts from the user cache (scenes/speedups/typeset_cache.py): a new
media folder (another output folder, a sweep's worker) typesets nothing the machine typeset
before, gets the very same SVG, and a damaged entry is typeset again."""

from __future__ import annotations

from pathlib import Path

import pytest
from manim import MathTex, Text, tempconfig
from manim.utils import tex_file_writing

import scenes.kit.slide  # noqa: F401 - importing the slides installs it
from lecture import contract, user_cache
from lecture.user_cache import UserCache
from scenes.speedups import latex_format, prefetch, typeset_cache

FORMULA = r"\frac{\partial L}{\partial w} = -7.98"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> UserCache:
    cache = UserCache.open(tmp_path / "cache")
    monkeypatch.setenv(contract.CACHE, str(cache.root))
    monkeypatch.setattr(user_cache, "_process_cache", None)
    monkeypatch.setattr(latex_format, "_formats", {})
    return user_cache.UserCache.from_environment()


def media(folder: Path):
    """A media folder of its own, as a slide job in another output folder has."""
    return tempconfig({"media_dir": str(folder), "tex_dir": str(folder / "Tex"),
                       "text_dir": str(folder / "texts")})


def typeset() -> list[bytes]:
    made = [MathTex(FORMULA), Text("loss 1.23", font_size=24)]
    return [Path(m.file_name).read_bytes() for m in made]


def test_it_is_installed_with_the_slides():
    assert typeset_cache.installed()


def test_a_new_media_folder_typesets_nothing_the_machine_typeset(store, tmp_path, monkeypatch):
    with media(tmp_path / "first"):
        first = typeset()
    assert store.stored["tex"] == 1 and store.stored["text"] == 1
    assert latex_format.format_for(tex_file_writing.generate_tex_file(
        FORMULA, "align*", scenes.kit.slide.config["tex_template"]).read_text()).parent \
        == store.formats  # the LaTeX format lives in the user cache too

    def no_typesetting(*args, **kwargs):
        raise AssertionError("typeset again")

    with media(tmp_path / "second"), monkeypatch.context() as patch:
        patch.setattr(tex_file_writing, "compile_tex", no_typesetting)
        patch.setattr(tex_file_writing, "convert_to_svg", no_typesetting)
        import manimpango

        patch.setattr(manimpango, "text2svg", no_typesetting)
        second = typeset()
    assert second == first
    assert store.taken["tex"] == 1 and store.taken["text"] == 1


def test_the_batch_of_a_slide_takes_what_the_cache_has(store, tmp_path, monkeypatch):
    with media(tmp_path / "first"):
        tex_to_svg = tex_file_writing.tex_to_svg_file(FORMULA, environment="align*")
    with media(tmp_path / "second"):
        tex_dir = tmp_path / "second" / "Tex"
        tex_dir.mkdir(parents=True)
        tex_file = tex_dir / tex_to_svg.with_suffix(".tex").name
        tex_file.write_bytes(tex_to_svg.with_suffix(".tex").read_bytes())
        assert prefetch.compile_batch([tex_file]) == 0  # nothing compiled
        assert tex_file.with_suffix(".svg").read_bytes() == tex_to_svg.read_bytes()


def test_a_damaged_entry_is_typeset_again(store, tmp_path):
    with media(tmp_path / "first"):
        first = typeset()
    entries = store._entries()
    for key in list(entries.iterkeys()):
        if key.startswith(("tex/", "text/")):
            value, tag = entries.get(key, tag=True)
            entries.set(key, value[: len(value) // 2], tag=tag)  # cut short on disk
    with media(tmp_path / "second"):
        again = typeset()
    # The same formula; dvisvgm may list the glyphs' definitions in another order (seen in
    # CI), so the formula compares line by line. The text drawn again by Pango names its
    # glyphs by a count of the process (the same picture, other names): only its end is checked.
    assert sorted(again[0].splitlines()) == sorted(first[0].splitlines())
    assert again[1].rstrip().endswith(b"</svg>")
    assert store.repaired["tex"] == 1 and store.repaired["text"] == 1
    assert store.stored["tex"] == 2 and store.stored["text"] == 2  # stored whole again


def test_a_scene_run_by_hand_uses_no_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(contract.CACHE, raising=False)
    with media(tmp_path):
        assert not typeset_cache.take("tex", tmp_path / "Tex" / "x.svg")
        typeset()
    assert not (tmp_path / "cache").exists()
