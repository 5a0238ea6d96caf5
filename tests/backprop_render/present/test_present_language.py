"""The presenter, the recording page, the script and the handout in the render's language.

In the pseudo-language every word they show is marked «…» (nothing escaped the catalogs),
made from synthetic entries: no render needed.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from backprop_render.present import build
from backprop_render.present.handout import _still_alt
from backprop_render.present.script import lecture_script
from lecture.i18n import catalog_for, template_keys, words_of
from lecture.slides import lecture_title

MARK = "\u00ab"


class _Words(HTMLParser):
    """The words a page shows or reads out: its text and its labels."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        self.words += [v for k, v in attrs if k in ("aria-label", "title", "alt") and v]

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.words.append(data.strip())


@pytest.mark.parametrize("page", ["index.html", "record.html"])
def test_every_word_of_the_pages_is_the_catalog_s(page: str, tmp_path: Path) -> None:
    target = tmp_path / page
    build.write_page(build._FILES / page, target, catalog_for("qps"))
    reader = _Words()
    reader.feed(target.read_text(encoding="utf-8"))
    shown = [w for w in reader.words if words_of(w) and len(w) > 1]  # a key is a letter
    assert shown and [w for w in shown if MARK not in w] == []
    assert '<html lang="qps">' in target.read_text(encoding="utf-8")


def test_the_scripts_texts_come_translated_in_deck_js() -> None:
    texts = build.page_texts(catalog_for("qps"))
    expected = {msgid for context, msgid in template_keys() if context in ("presenter", "record")}
    assert set(texts) == expected and all(v.startswith(MARK) for v in texts.values())
    assert build.page_texts(catalog_for("en")) == {}  # English: the pages' own words
    assert build.page_texts(catalog_for("de"))["Captions on"] == "Untertitel an"


def test_the_script_and_the_handout_speak_the_language() -> None:
    entry = {"number": 4, "title": "«Which Way is Down?»", "stem": "04-gradient-descent",
             "manifest": {"voice": "none", "narration": [
                 {"beat": "show_slope", "text": "«slope»", "start": 1.0}]}}
    lecture = {"duration": 40.0, "chapters": [{"slide": entry["stem"], "start": 12.0}]}
    script = lecture_script(lecture_title("qps"), [entry], lecture, catalog_for("qps"))
    assert [line for line in script.splitlines() if words_of(line) and MARK not in line] == []
    german = lecture_script(lecture_title("de"), [entry], lecture, catalog_for("de"))
    assert german.startswith("# Backpropagation entzaubert: Wie neuronale Netze lernen")
    assert "(ab 0:12.0)" in german
    assert _still_alt(entry, ["«slope»"], catalog_for("de")).startswith("Folie 4, ")


def test_takes_todo_speaks_the_language() -> None:
    from backprop_render.present.recording import takes_todo
    from narration.takes import BAD, FRESH, MISSING, STALE, BeatLine, BeatTake, TakesReport

    def take(n: int, state: str, **more) -> BeatTake:
        beat = BeatLine(f"gradient-descent.beat_{n}", 4, f"beat_{n}", "«now»", "«now»")
        return BeatTake(beat, state, **more)

    report = TakesReport(Path("/takes"), (
        take(1, STALE, file=Path("/takes/a.ogg"), old_sentence="«then»"),
        take(2, BAD, problem="unreadable"), take(3, MISSING),
        take(4, FRESH, warnings=("quiet",))), ((Path("/takes/x.ogg"), "no beat"),))
    text = takes_todo(report, "none", catalog_for("qps"))
    # Each line's own words are marked; a take's problems and warnings are diagnostics.
    diagnostics = ("unreadable", "quiet", "no beat")
    unmarked = [line for line in text.splitlines() if words_of(line) and MARK not in line
                and not line.endswith(diagnostics)]
    assert unmarked == [] and text.count(MARK) >= 10
    german = takes_todo(report, "none", catalog_for("de"))
    assert german.startswith("# Aufzunehmende Aufnahmen") and "stumm gelassen" in german
    assert "- **gradient-descent.beat_1** (Folie 4), Aufnahme `a.ogg`" in german
