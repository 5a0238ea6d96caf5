"""The template catalog and the update that merges it into each language's catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lecture.catalogs import Entry, ExtractionError, extract, python_entries, update
from lecture.i18n import TEMPLATE, template_keys
from lecture.slides import find_slide


def test_the_committed_template_holds_every_string_the_code_says() -> None:
    found = {(e.context, e.msgid) for e in extract()}
    assert found == set(template_keys(TEMPLATE)), (
        "lecture/locale/lecture.pot is out of date: run ./render.sh catalogs update")
    contexts = {context for context, _ in found}
    # a narration sentence under its beat, a text under its slide, a verdict's under it
    assert {"gradient-descent.show_loss_curve", "gradient-descent",
            "verdict.descent-outcome.diverges", "presenter", "record", "spoken.power",
            "chrome", "question.y_hat.text"} <= contexts


def test_a_value_written_into_the_english_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "s99_made_up.py"
    source.write_text("class S:\n    @beat\n    def step(self):\n"
                      "        with self.narrate(f'w is {self.w}'):\n            pass\n")
    with pytest.raises(ExtractionError, match="s99_made_up.py:4: an f-string in narrate"):
        list(python_entries(source, find_slide("gradient-descent")))
    source.write_text("class S:\n    @beat\n    def step(self):\n"
                      "        with self.narrate('w is @w', w='worked_step.w'):\n"
                      "            self.label('at @b', b='worked_step.b')\n")
    entries = list(python_entries(source, find_slide("gradient-descent")))
    assert [(e.context, e.msgid) for e in entries] == [
        ("gradient-descent.step", "w is @w"), ("gradient-descent", "at @b")]


def _entries(*pairs: tuple[str, str]) -> list[Entry]:
    return [Entry(context, msgid, None, "x.py:1") for context, msgid in pairs]


def _strings(path: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {(m.context, m.id): (m.string, m.fuzzy) for m in catalog if m.id}


def test_update_keeps_translations_marks_changed_english_fuzzy_and_adds_new(tmp_path):
    first = _entries(("s.a", "The loss falls from @a to @b."), ("s", "step @k of @n"))
    update(tmp_path, first)
    path = tmp_path / "de.po"
    text = path.read_text(encoding="utf-8")
    text = text.replace('msgid "The loss falls from @a to @b."\nmsgstr ""',
                        'msgid "The loss falls from @a to @b."\n'
                        'msgstr "Der Loss fällt von @a auf @b."')
    text = text.replace('msgid "step @k of @n"\nmsgstr ""',
                        'msgid "step @k of @n"\nmsgstr "Schritt @k von @n"')
    path.write_text(text, encoding="utf-8")
    report = update(tmp_path, _entries(("s.a", "The loss drops from @a to @b."),
                                       ("s", "step @k of @n"), ("s", "repeat")))
    strings = _strings(path)
    assert strings[("s", "step @k of @n")] == ("Schritt @k von @n", False)  # kept
    assert strings[("s.a", "The loss drops from @a to @b.")] == (
        "Der Loss fällt von @a auf @b.", True)  # the old translation, marked fuzzy
    assert strings[("s", "repeat")] == ("", False)  # new
    assert report.languages["de"]["fuzzy"] == 1 and report.problems == []


def test_update_reports_a_broken_placeholder_and_loses_nothing(tmp_path: Path) -> None:
    update(tmp_path, _entries(("s", "at @w")))
    path = tmp_path / "de.po"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'msgid "at @w"\nmsgstr ""', 'msgid "at @w"\nmsgstr "bei w"'), encoding="utf-8")
    report = update(tmp_path, _entries(("s", "at @w")))
    assert len(report.problems) == 1 and "[s] 'at @w'" in report.problems[0]
    assert _strings(path)[("s", "at @w")] == ("bei w", False)  # kept for the translator to fix
