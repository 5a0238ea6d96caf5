"""The exercise sheets and the LMS quizzes as text, from posed questions (lecture/questions.py).

One context per paper (a lesson's questions) feeds every format; the templates in
templates/ hold the words around the questions (headings, instructions), so they are
data too. Each format writes the question's numbers its own way: LaTeX as math
(`$-7.98$`), HTML as on screen (−7.98), and answer keys as plain ASCII decimals that an
LMS and a spreadsheet read. Keys and bounds are computed in decimal arithmetic from the
core's key (`formatting.answer_key`), so no float noise reaches a grader.

- `sheet_tex(kind, sheets)`: exercises.tex / answers.tex (jinja2 with LaTeX-safe
  delimiters; every word escaped, every number from the core).
- `moodle_xml(paper, ...)`: a Moodle XML quiz: numerical questions with their tolerance,
  multiple choice for verdict questions (jinja2, XML autoescaped).
- `qti_files(paper, ...)`: the files of a QTI 1.2 package as Canvas imports it
  (imsmanifest.xml, the assessment, Canvas's assessment_meta.xml).
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable, Literal, Sequence

from backprop_core import Params, Shown
from backprop_core.formatting import NumberFormat, format_given, localize, number_format
from lecture.i18n import catalog_for
from lecture.questions import Paper, bounds, describe, plain_decimal
from lecture.slides import LECTURE_SUBTITLE, LECTURE_TITLE
from lecture.templates import PLACEHOLDER

__all__ = ["Sheet", "SheetKind", "SHEET_KINDS", "sheet_tex", "moodle_xml", "qti_files",
           "plain_decimal", "bounds", "latex_escape", "LATEX_UNICODE", "TEMPLATES"]

TEMPLATES = Path(__file__).with_name("templates")
SheetKind = Literal["exercises", "answers"]
SHEET_KINDS: tuple[SheetKind, ...] = ("exercises", "answers")
# Non-ASCII characters the bank may use and how pdflatex writes them (the preamble
# declares each; tests/backprop_render/exercises checks the bank uses no other).
LATEX_UNICODE = {
    "\u0177": r"\ensuremath{\hat{y}}", "\u2202": r"\ensuremath{\partial}",
    "\u2212": r"\ensuremath{-}", "\u00b7": r"\ensuremath{\cdot}", "\u00b2": r"\ensuremath{^2}",
    "\u2248": r"\ensuremath{\approx}", "\u2032": r"\ensuremath{'}", "\u2082": r"\ensuremath{_2}",
    "\u03a3": r"\ensuremath{\Sigma}", "\u0394": r"\ensuremath{\Delta}",
    "\u2264": r"\ensuremath{\le}", "\u00d7": r"\ensuremath{\times}",
    "\u2014": "---", "\u2013": "--", "\u2019": "'",
}
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIAL))


def latex_escape(text: str) -> str:
    """Words as LaTeX typesets them literally (the preamble maps the bank's Unicode)."""
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m[0]], text)


def _latex_number(shown: Shown) -> str:
    return f"${shown.tex}$"


def _html_number(shown: Shown) -> str:
    return html.escape(shown.text)


@dataclass(frozen=True)
class Sheet:
    """One student's (or one render's) paper and the parameters it was posed with."""

    paper: Paper
    params: Params
    name: str = ""  # the student's name in a sweep; empty for a single render
    language: str = "en"  # the paper's (lecture/language.py): its words and numbers


# ----- one context for every format ----------------------------------------------------

Words = Callable[[str], str]  # how a format writes the words around the numbers
Number = Callable[[Shown], str]  # and how it writes a number


def _by_slide(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    slides: list[dict[str, Any]] = []
    for entry in entries:
        if not slides or slides[-1]["number"] != entry["slide"]:
            slides.append({"number": entry["slide"], "title": entry["slide_title"],
                           "questions": []})
        slides[-1]["questions"].append(entry)
    return slides


def _given(params: Params, words: Words, symbols: NumberFormat) -> list[dict[str, str]]:
    return [{"name": words(f.name),
             "value": words(localize(format_given(getattr(params, f.name)), symbols).text)}
            for f in dataclasses.fields(params)]


def context(sheet: Sheet, words: Words = latex_escape,
            number: Number = _latex_number) -> dict[str, Any]:
    """What every template reads: the sheet's parameters and its questions, by slide, in
    the sheet's language (its numbers with the language's symbols), and `_`, the words of
    the template itself in that language (`_("@n decimals", n=2)`)."""
    catalog = catalog_for(sheet.language)
    symbols = number_format(catalog.language.locale)

    def local(shown: Shown) -> str:
        return number(localize(shown, symbols))

    def translate(english: str, **values: Any) -> str:
        said = words(catalog.text(english, "exercises"))
        return PLACEHOLDER.sub(lambda m: str(values[m[1]]), said)

    entries = [describe(e, words, local, catalog) for e in sheet.paper.entries]
    return {"title": words(catalog.text(LECTURE_TITLE)),
            "subtitle": words(catalog.text(LECTURE_SUBTITLE)),
            "name": words(sheet.name), "params": _given(sheet.params, words, symbols),
            "slides": _by_slide(entries), "questions": entries, "_": translate,
            "lang": catalog.language.tag}


# ----- the formats ------------------------------------------------------------------------

@cache
def _latex_env():
    import jinja2

    # LaTeX is all braces and percent signs: delimiters that never occur in it.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
        block_start_string="((*", block_end_string="*))", variable_start_string="(((",
        variable_end_string=")))", comment_start_string="((=", comment_end_string="=))",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


@cache
def _xml_env():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True,
                              autoescape=True)


def sheet_tex(kind: SheetKind, sheets: Sequence[Sheet]) -> str:
    """The LaTeX source of exercises.tex or answers.tex; several sheets make one document
    whose sheets each start a page (numbered from 1) at the named destination
    `sheet-<i>`, so the class's sheets are typeset in one run and split afterwards."""
    unicode = [(f"{ord(c):04X}", tex) for c, tex in LATEX_UNICODE.items()]
    contexts = [context(s) for s in sheets]  # one document, one language: the first's words
    return _latex_env().get_template(f"{kind}.tex").render(
        sheets=contexts, unicode=unicode, several=len(sheets) > 1, _=contexts[0]["_"])


def _html_context(sheet: Sheet) -> dict[str, Any]:
    return context(sheet, words=html.escape, number=_html_number)


def moodle_xml(sheet: Sheet) -> str:
    """A Moodle XML quiz of the sheet's questions (left-out ones are not in it)."""
    ctx = _html_context(sheet)
    ctx["questions"] = [q for q in ctx["questions"] if not q["left_out"]]
    return _xml_env().get_template("moodle.xml").render(**ctx)


def _ident(*parts: str) -> str:
    return "backprop_" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def qti_files(sheet: Sheet) -> dict[str, str]:
    """The files of a Canvas QTI 1.2 package (path inside the zip -> text): the
    assessment, Canvas's assessment_meta.xml and imsmanifest.xml naming both."""
    ctx = _html_context(sheet)
    questions = [q for q in ctx["questions"] if not q["left_out"]]
    assessment = _ident("assessment", repr(sheet.params), sheet.name,
                        *(f"{q['id']}={q.get('key') or q['correct']['value']}" for q in questions))
    for q in questions:
        q["ident"] = _ident(assessment, q["id"])
    env = _xml_env()
    values = {**ctx, "questions": questions, "assessment": assessment,
              "meta": _ident(assessment, "meta")}
    folder = assessment
    return {
        "imsmanifest.xml": env.get_template("qti/imsmanifest.xml").render(**values),
        f"{folder}/{assessment}.xml": env.get_template("qti/assessment.xml").render(**values),
        f"{folder}/assessment_meta.xml":
            env.get_template("qti/assessment_meta.xml").render(**values),
    }
