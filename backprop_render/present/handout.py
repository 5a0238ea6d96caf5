"""handout.pdf: a tagged PDF (PDF/UA-1) of the lecture, one page per slide.

Each page has the slide's title (a heading), its last frame with a text alternative,
and every beat's sentence as real text in reading order (a numbered list), so the
handout can be searched, copied, read aloud and reflowed; the document says its title
and its language. A checkpoint's question stands in the list with its choices; its
answer and worked solution are on the last page, for students to try first. WeasyPrint
lays it out from HTML (handout.css) with pango, which the scenes need anyway, and writes
the structure tree that PDF/UA asks for.
"""

from __future__ import annotations

import math
import tempfile
from html import escape
from pathlib import Path
from typing import Any, Sequence

from backprop_render.present.script import answer_line, choices_line
from lecture.i18n import N_, Catalog, fill_words
from lecture.questions import checkpoint_words
from lecture.slides import lecture_title

__all__ = ["write_handout", "import_layout", "STYLE"]

STYLE = Path(__file__).with_name("handout.css")
# Millimetres of an A4 landscape page (handout.css) and what its text takes: the still
# gets what the narration leaves, between these bounds.
_TEXT_HEIGHT = 210 - 12 - 14 - 8 - 12  # page less margins, the first page's line, the title
_LINE = 5.0  # 10.5 pt at 1.35
_GAP = 1.2  # between two sentences
_CHARACTERS = 125  # in a line of the list, about, in DejaVu Sans at 10.5 pt
_STILL = (60.0, 120.0)
_DPI = 150  # the stills are embedded this sharp, as printed (a 1080p still is 1.5x this)
_JPEG_QUALITY = 90


def import_layout() -> None:
    """Load WeasyPrint now (a second of imports): the presentation's preparing thread
    calls it while the slides render, so the handout does not wait for it."""
    import weasyprint  # noqa: F401


def _checkpoints(entry: dict[str, Any]) -> list[dict[str, Any]]:
    return [b["checkpoint"] for b in entry.get("manifest", {}).get("narration") or []
            if b.get("checkpoint")]


def _still_height(sentences: Sequence[str]) -> float:
    lines = sum(max(1, math.ceil(len(text) / _CHARACTERS)) for text in sentences)
    room = _TEXT_HEIGHT - lines * _LINE - len(sentences) * _GAP
    return max(_STILL[0], min(_STILL[1], room))


STILL_ALT = N_("Slide @number, @title, as it ends", "handout")
STILL_ALT_SAID = N_("Slide @number, @title, as it ends: @said", "handout")
HANDOUT = N_("@title (handout)", "handout")


def _still_alt(entry: dict[str, Any], sentences: Sequence[str], catalog: Catalog) -> str:
    """What the still shows: the slide as its last beat leaves it, which that beat's
    sentence describes."""
    said = next((text for text in reversed(sentences) if text), "")
    return fill_words(catalog.text(STILL_ALT_SAID if said else STILL_ALT),
                      {"number": str(entry["number"]), "title": entry["title"], "said": said})


def _printed(still: Path, height: float, dst: Path) -> None:
    """The still as a JPEG of the pixels it is printed with: WeasyPrint embeds a JPEG as it
    is, where it would scale a PNG and encode it twice (twice the handout's time at 1080p)."""
    from PIL import Image

    with Image.open(still) as image:
        rows = min(image.height, round(height / 25.4 * _DPI))
        size = (max(1, round(rows * image.width / image.height)), rows)
        image.convert("RGB").resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0).save(
            dst, "JPEG", quality=_JPEG_QUALITY)


def _item(beat: dict[str, Any]) -> str:
    """A beat's sentence as a list item; a checkpoint's with its choices."""
    asked = beat.get("checkpoint")
    choices = "".join(f"<li>{escape(c['letter'])}) {escape(c['text'])}</li>"
                      for c in (asked or {}).get("choices") or [])
    return (f'<li{" class=checkpoint" if asked else ""}>{escape(str(beat.get("text", "")))}'
            + (f"<ul>{choices}</ul>" if choices else "") + "</li>")


def _page(entry: dict[str, Any], folder: Path, work: Path, catalog: Catalog) -> str:
    beats = [b for b in entry.get("manifest", {}).get("narration") or [] if b.get("text")]
    items = "".join(_item(b) for b in beats)
    sentences = [str(b["text"]) for b in beats] + [
        choices_line(c) for c in _checkpoints(entry) if c.get("choices")]
    height = _still_height(sentences)
    still = work / f"{entry['stem']}.jpg"
    _printed(folder / entry["files"]["png"], height, still)
    return (f'<section><h2>{entry["number"]}. {escape(entry["title"])}</h2>'
            f'<img src="{escape(still.as_uri())}" '
            f'alt="{escape(_still_alt(entry, sentences, catalog))}" '
            f'style="height: {height:.0f}mm">'
            + (f"<ol>{items}</ol>" if items else "") + "</section>")


def _answers(entries: Sequence[dict[str, Any]], catalog: Catalog) -> str:
    """The last page: each checkpoint's answer and worked solution, by slide."""
    found = [(e, asked) for e in entries for asked in _checkpoints(e)]
    if not found:
        return ""
    items = "".join(f"<li><p><strong>{e['number']}. {escape(e['title'])}</strong></p>"
                    f"<p>{escape(asked['question'])}</p><p><strong>"
                    f"{escape(answer_line(asked))}</strong></p><p>{escape(asked['solution'])}</p>"
                    "</li>" for e, asked in found)
    heading = checkpoint_words(catalog).answers_heading
    return f'<section class="answers"><h2>{escape(heading)}</h2><ul>{items}</ul></section>'


def write_handout(dst: Path, folder: Path, entries: Sequence[dict[str, Any]],
                  catalog: Catalog) -> None:
    """The handout of the slides of `entries` (facts entries, in order, published in
    `folder`) as a PDF/UA-1 file at `dst`, in the catalog's language."""
    import weasyprint

    title = lecture_title(catalog.language.tag)
    heading = fill_words(catalog.text(HANDOUT), {"title": title})
    with tempfile.TemporaryDirectory(prefix="handout-") as work:
        pages = "".join(_page(e, folder, Path(work), catalog) for e in entries) \
            + _answers(entries, catalog)
        document = (f'<!DOCTYPE html><html lang="{catalog.language.tag}"><head>'
                    f'<meta charset="utf-8"><title>{escape(heading)}</title></head>'
                    f"<body><h1>{escape(title)}</h1>{pages}</body></html>")
        weasyprint.HTML(string=document, base_url=str(folder)).write_pdf(
            str(dst), stylesheets=[weasyprint.CSS(filename=str(STYLE))],
            pdf_variant="pdf/ua-1")
