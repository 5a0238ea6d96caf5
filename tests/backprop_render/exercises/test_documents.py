"""The sheets' LaTeX, the Moodle XML and the Canvas QTI hold the core's answers, read back by
parsers made for those formats (moodle-xml-parser, pyslet's IMS QTI 1.2 model).

No LaTeX runs here (test_make.py typesets a few): these paths take many examples.
"""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from moodle_xml_parser.parser import parse_string
from pyslet.qtiv1 import common as qti_common
from pyslet.qtiv1 import item as qti_item
from pyslet.qtiv1.xml import QTIDocument

from backprop_core import ParamError, build_lesson
from backprop_render.exercises import documents
from backprop_render.exercises.documents import (
    LATEX_UNICODE,
    Sheet,
    bounds,
    latex_escape,
    moodle_xml,
    plain_decimal,
    qti_files,
    sheet_tex,
)
from backprop_render.exercises.make import class_key
from lecture.questions import pose
from tests.backprop_core.core_strategies import params_strategy

EXAMPLES = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)


def sheet_for(params, name: str = "") -> Sheet | None:
    try:
        return Sheet(pose(build_lesson(params)), params, name)
    except ParamError:
        return None


@pytest.fixture(scope="module")
def default_sheet() -> Sheet:
    lesson = build_lesson()
    return Sheet(pose(lesson), lesson.params)


sheets = params_strategy(epochs=st.integers(1, 300)).map(sheet_for)


def ungrouped(text: str) -> str:
    """`text` without an English sheet's thousands separators (1,024; 1{,}024 in LaTeX): the
    core writes numbers, and the keys, ungrouped."""
    return re.sub(r"(?<=\d)(,|\{,\})(?=\d{3})", "", text)


def html_text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


# ----- Moodle XML --------------------------------------------------------------------------

def check_moodle(sheet: Sheet) -> None:
    text = moodle_xml(sheet)
    assert not NOT_A_NUMBER.search(text)
    posed = {p.id: p for p in sheet.paper.posed}
    # moodle-xml-parser reads the multiple-choice questions (it reads no numerical ones).
    parsed = parse_string(text)["multichoice"]
    choices = {p.id: p for p in posed.values() if p.kind == "choice"}
    assert sorted(q.name.split(" ", 1)[1] for q in parsed) == sorted(choices)
    for question in parsed:
        entry = choices[question.name.split(" ", 1)[1]]
        assert question.single
        assert ungrouped(html_text(question.text_pre_parse)) == entry.plain(entry.question.text)
        right = [html_text(o.answer) for o in question.options if o.score_fraction == 100]
        assert right == [entry.plain(entry.correct.text)]
        assert len(question.options) == len(entry.choices)
        assert all(o.score_fraction == 0 for o in question.options
                   if html_text(o.answer) != right[0])
    # The numerical ones by Moodle's documented element names (docs.moodle.org: Moodle XML).
    numerical = ET.fromstring(text).findall("question[@type='numerical']")
    numbers = {p.id: p for p in posed.values() if p.kind == "number"}
    assert len(numerical) == len(numbers)
    for question in numerical:
        entry = numbers[question.findtext("name/text").split(" ", 1)[1]]
        (answer,) = question.findall("answer")
        assert answer.get("fraction") == "100"
        assert answer.findtext("text") == entry.key.key
        tolerance = Decimal(answer.findtext("tolerance"))
        assert tolerance == Decimal(plain_decimal(entry.key.tolerance))
        assert abs(Decimal(entry.key.value) - Decimal(entry.key.key)) <= tolerance
        assert ungrouped(html_text(question.findtext("questiontext/text"))) == entry.plain(
            entry.question.text)


def test_moodle_xml_of_the_default_lesson(default_sheet):
    check_moodle(default_sheet)
    text = moodle_xml(default_sheet)
    assert "<text>-7.98</text>" in text and "<tolerance>0.005</tolerance>" in text


@given(sheets)
@EXAMPLES
def test_moodle_xml_holds_the_cores_answers(sheet):
    assume(sheet is not None)
    check_moodle(sheet)


# ----- Canvas QTI --------------------------------------------------------------------------

def read_qti(files: dict[str, str], tmp_path_factory) -> QTIDocument:
    manifest = ET.fromstring(files["imsmanifest.xml"])
    ns = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
    (qti,) = [r for r in manifest.iterfind("cp:resources/cp:resource", ns)
              if r.get("type") == "imsqti_xmlv1p2"]
    hrefs = [f.get("href") for r in manifest.iterfind("cp:resources/cp:resource", ns)
             for f in r.iterfind("cp:file", ns)]
    assert set(hrefs) == set(files) - {"imsmanifest.xml"}  # every file named, none missing
    path = tmp_path_factory.mktemp("qti") / "assessment.xml"
    path.write_text(files[qti.find("cp:file", ns).get("href")], encoding="utf-8")
    document = QTIDocument(baseURI=str(path))
    document.read()
    return document


def conditions(item):
    """(kind, respident, value) of every test in the item's scoring conditions."""
    found = []
    for processing in item.ResProcessing:
        for condition in processing.ConditionMixin:
            scores = [s.get_value() for s in condition.SetVar if s.varName == "SCORE"]
            if scores != ["100"]:
                continue
            stack = [condition.ConditionVar]
            while stack:
                node = stack.pop()
                if isinstance(node, qti_common.VarThing):
                    found.append((type(node).__name__, node.responseIdentifier,
                                  node.get_value()))
                stack.extend(c for c in node.get_children() if not isinstance(c, str))
    return found


def check_qti(sheet: Sheet, tmp_path_factory) -> None:
    files = qti_files(sheet)
    assert not any(NOT_A_NUMBER.search(text) for text in files.values())
    document = read_qti(files, tmp_path_factory)
    assessment = document.root.Assessment
    items = [i for section in assessment.SectionMixin for i in section.SectionItemMixin]
    posed = {p.id: p for p in sheet.paper.posed}
    assert sorted(i.title.split(" ", 1)[1] for i in items) == sorted(posed)
    for item in items:
        entry = posed[item.title.split(" ", 1)[1]]
        metadata = {k: [v[0] for v in vs] for k, vs in item.ItemMetadata.metadata.items()}
        tests = conditions(item)
        if entry.kind == "number":
            assert metadata["question_type"] == ["numerical_question"]
            low, high = bounds(entry.key)
            assert sorted(tests) == sorted([("VarEqual", "response1", entry.key.key),
                                            ("VarGTE", "response1", low),
                                            ("VarLTE", "response1", high)])
            spread = Decimal(high) - Decimal(entry.key.key)
            assert spread == Decimal(entry.key.key) - Decimal(low)
            assert abs(Decimal(entry.key.value) - Decimal(entry.key.key)) <= spread
        else:
            assert metadata["question_type"] == ["multiple_choice_question"]
            (test,) = tests
            labels = {label.ident: html_text(next(label.find_children_depth_first(
                qti_common.MatText)).get_value())
                for label in item.find_children_depth_first(qti_item.ResponseLabel)}
            assert labels[test[2]] == entry.plain(entry.correct.text)
            assert len(labels) == len(entry.choices)


def test_qti_of_the_default_lesson(default_sheet, tmp_path_factory):
    check_qti(default_sheet, tmp_path_factory)


@given(sheets)
@settings(EXAMPLES, max_examples=12)  # pyslet reads a package in about half a second
def test_qti_holds_the_cores_answers(tmp_path_factory, sheet):
    assume(sheet is not None)
    check_qti(sheet, tmp_path_factory)


# ----- the sheets' LaTeX and the class key ---------------------------------------------------

@given(sheets)
@EXAMPLES
def test_the_answer_sheet_writes_every_key_and_no_nan(sheet):
    assume(sheet is not None)
    tex = sheet_tex("answers", [sheet])
    assert not NOT_A_NUMBER.search(tex)
    tex = ungrouped(tex)
    for entry in sheet.paper.posed:
        if entry.key:
            low, high = bounds(entry.key)
            assert f"$({entry.key.key})$ " not in tex
            assert f"\\textbf{{Answer:}} ${entry.key.key}$" in tex
            assert f"accepted from ${low}$ to ${high}$" in tex
    for left in sheet.paper.left_out:
        assert latex_escape(left.note) in tex
        assert latex_escape(left.note) in sheet_tex("exercises", [sheet])


def test_every_character_of_the_bank_is_one_pdflatex_knows():
    """The preamble declares each non-ASCII character the bank may use (LATEX_UNICODE);
    an undeclared one would stop pdflatex."""
    text = documents.TEMPLATES.parent.parent.parent.joinpath(
        "lecture", "questions.toml").read_text(encoding="utf-8")
    assert undeclared(text) == set()
    assert undeclared("a ∞ b") == {"∞"}  # the check finds one


def undeclared(text: str) -> set[str]:
    return {c for c in text if ord(c) > 127} - set(LATEX_UNICODE)


def test_latex_escape_leaves_no_special_character_active():
    assert latex_escape(r"5% of $x_1 & {y} # ~ ^ \ ") == (
        r"5\% of \$x\_1 \& \{y\} \# \textasciitilde{} \textasciicircum{} \textbackslash{} ")


@given(st.lists(sheets, min_size=1, max_size=4))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_class_key_holds_each_students_keys(students):
    assume(all(s is not None for s in students))
    named = [(f"s{i}", s.paper) for i, s in enumerate(students)]
    rows = list(csv.reader(io.StringIO(class_key(named))))
    ids = [e.question.id for e in students[0].paper.entries]
    assert rows[0] == ["name", *ids]
    for row, (name, paper) in zip(rows[1:], named, strict=True):
        cells = dict(zip(ids, row[1:], strict=True))
        assert row[0] == name
        for entry in paper.entries:
            want = "" if entry in paper.left_out else (
                entry.key.key if entry.key else entry.correct.value)
            assert cells[entry.question.id] == want
            assert not NOT_A_NUMBER.search(cells[entry.question.id])


@pytest.mark.parametrize("value, text", [(Decimal("5E-5"), "0.00005"), (0.005, "0.005"),
                                         (500.0, "500"), ("-0.0", "0"), (1e-09, "0.000000001")])
def test_plain_decimals_are_what_an_lms_reads(value, text):
    assert plain_decimal(value) == text
