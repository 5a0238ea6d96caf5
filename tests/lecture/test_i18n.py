"""Catalogs: translations checked before use, English where a language has none, plurals."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import write_po

from lecture.i18n import (
    N_,
    CatalogError,
    TrackedCatalog,
    catalog_for,
    load_catalog,
    placeholder_problem,
    pseudo,
    words_of,
)
from lecture.language import ENGLISH, GERMAN, PSEUDO, find_language


@pytest.mark.parametrize(("source", "translation", "problem"), [
    ("loss @loss", "Loss @loss", None),
    ("from @a to @b", "von @b ab @a", None),  # reordered: fine
    ("from @a to @b", "von @a", "drops @b"),
    ("at @w", "bei @w und @x", "adds @x"),
    ("at @w", "bei @weight", "drops @w and adds @weight"),
    ("@e times @e", "@e mal e", "drops @e"),  # counted, not only named
    ("the loss is @loss", "der Loss ist @loss, etwa 3,6", "types the number 3, 6"),
    ("go to slide 3", "zu Folie 3", None),  # a digit the English has
    ("a **bold** word", "ein fettes Wort", "changes the markup"),
])
def test_a_translation_keeps_every_placeholder_and_types_no_number(source, translation, problem):
    found = placeholder_problem(source, translation)
    assert (found is None) if problem is None else (problem in found)


def _po(path: Path, entries: list[tuple[str, str | tuple, str | tuple, bool]]) -> Path:
    catalog = PoCatalog(locale="de")
    for context, msgid, msgstr, fuzzy in entries:
        catalog.add(msgid, msgstr, context=context, flags=["fuzzy"] if fuzzy else [])
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def test_a_broken_translation_is_refused_with_the_entry_named(tmp_path: Path) -> None:
    path = _po(tmp_path / "de.po", [
        ("gradient-descent.show_slope", "slope @g", "Steigung -7,98", False),
        ("chrome", "Slide @number of @count", "Folie @number von @count", False)])
    with pytest.raises(CatalogError) as refused:
        load_catalog(GERMAN, path)
    message = str(refused.value)
    assert "[gradient-descent.show_slope] 'slope @g'" in message and "drops @g" in message
    assert "chrome" not in message


def test_untranslated_and_fuzzy_entries_fall_back_to_english_and_are_named(tmp_path):
    path = _po(tmp_path / "de.po", [
        ("s", "loss @l", "Loss @l", False), ("s", "step", "Schritt", True),
        ("s", "update", "", False)])
    catalog = load_catalog(GERMAN, path)
    assert catalog.text("loss @l", "s") == "Loss @l"
    assert catalog.text("step", "s") == "step" and catalog.text("update", "s") == "update"
    assert catalog.fallbacks == ["[s] 'step'", "[s] 'update'"]
    assert catalog.text("loss @l", "another context") == "loss @l"  # the context is the key


def test_plural_forms_follow_the_count(tmp_path: Path) -> None:
    path = _po(tmp_path / "de.po", [
        ("s", ("@n epoch", "@n epochs"), ("@n Epoche", "@n Epochen"), False)])
    catalog = load_catalog(GERMAN, path)
    message = N_("@n epoch", "s", plural="@n epochs")
    assert [catalog.text(message, count=n) for n in (1, 2, 10)] == [
        "@n Epoche", "@n Epochen", "@n Epochen"]
    assert [catalog_for("en").text(message, count=n) for n in (1, 3)] == ["@n epoch",
                                                                          "@n epochs"]


def test_the_lecturer_s_english_replaces_a_sentence_and_is_checked_too(tmp_path: Path) -> None:
    mine = load_catalog(ENGLISH, _po(tmp_path / "en.po", [
        ("s", "loss @l", "the cost is @l", False), ("s", "step", "", False)]))
    assert mine.text("loss @l", "s") == "the cost is @l" and mine.fallbacks == []
    german = load_catalog(GERMAN, tmp_path / "none.po", english=mine)
    assert german.text("loss @l", "s") == "the cost is @l"  # untranslated: the lecturer's
    with pytest.raises(CatalogError, match="drops @l"):
        load_catalog(ENGLISH, _po(tmp_path / "bad.po", [("s", "loss @l", "the cost", False)]))


def test_a_tracked_catalog_gives_the_same_texts_and_records_each_as_asked(tmp_path) -> None:
    # What a scene took, for Manim's cache key (scenes/speedups/play_key.py).
    mine = load_catalog(ENGLISH, _po(tmp_path / "en.po", [("s", "loss @l", "the cost is @l",
                                                          False)]))
    german = load_catalog(GERMAN, _po(tmp_path / "de.po", [
        ("s", ("@n epoch", "@n epochs"), ("@n Epoche", "@n Epochen"), False)]), english=mine)
    tracked = TrackedCatalog.of(german)
    epochs = N_("@n epoch", "s", plural="@n epochs")
    asked = [("loss @l", "s", None), (epochs, None, 1), (epochs, None, 2), ("step", "t", None)]
    assert [tracked.text(*a) for a in asked] == [german.text(*a) for a in asked]
    assert tracked.language == german.language and tracked.fallbacks == german.fallbacks
    tracked.text("loss @l", "s")  # asked again: recorded once
    assert list(tracked.given.items()) == [
        (("s", "loss @l", None), "the cost is @l"),  # the lecturer's English, under German
        (("s", "@n epoch", 1), "@n Epoche"), (("s", "@n epoch", 2), "@n Epochen"),
        (("t", "step", None), "step")]


def test_the_pseudo_language_marks_only_what_the_template_knows() -> None:
    catalog = load_catalog(PSEUDO, known={("s", "loss @l")})
    assert catalog.text("loss @l", "s") == "\u00abloss @l\u00bb" == pseudo("loss @l")
    assert catalog.text("not extracted", "s") == "not extracted"  # shows as a leak


def test_a_text_of_placeholders_and_symbols_is_no_message():
    assert not words_of("@v") and not words_of("\u2212(@lr)(@g) = 1") and words_of("w = @v")


def test_languages_are_found_by_tag_or_code_and_unknown_ones_named():
    assert find_language("DE") is GERMAN and find_language("deu") is GERMAN
    assert find_language(None) is ENGLISH
    with pytest.raises(KeyError, match="de \\(Deutsch\\)"):
        find_language("xx")


def test_the_shipped_catalogs_are_whole_and_safe():
    german = catalog_for("de")  # every translation checked as a render checks it
    assert len(german.entries) > 300
    slide_words = [f for f in german.fallbacks if not f.startswith("[question")]
    assert slide_words == []  # the slides, presenter, script and handout: all German
