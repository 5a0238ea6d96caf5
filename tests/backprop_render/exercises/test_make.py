"""`./render.sh exercises` end to end, and the PDFs it typesets: real, searchable text whose
every answer is the core's. LaTeX runs cost about a second: a few in the whole file."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from backprop_core import build_lesson, load_params
from backprop_render.build.outputs import OutputFolder
from backprop_render.cli import main
from backprop_render.errors import RenderError, SetupError
from backprop_render.exercises import latex, make
from backprop_render.exercises.documents import bounds
from backprop_render.exercises.make import FILES, write_class_sheets
from lecture.questions import pose
from tests.backprop_render.exercises.test_documents import ungrouped

MINUS = "\u2212"


def pdf_text(path: Path) -> str:
    """The PDF's text as a reader's search finds it, true minus signs as '-'."""
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace(MINUS, "-"))


def check_answers_pdf(path: Path, paper) -> None:
    text = ungrouped(pdf_text(path))
    assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE)
    for entry in paper.posed:
        if entry.key is not None:
            low, high = bounds(entry.key)
            # A number in scientific notation is also written as the lecture writes it.
            pattern = (rf"Answer: {re.escape(entry.key.key)} (= [^A-Za-z]+ )?accepted from "
                       rf"{re.escape(low)} to {re.escape(high)}")
            assert re.search(pattern, text), entry.id
        else:
            letter = "abcdefgh"[entry.choices.index(entry.correct)]
            assert f"Answer: ({letter})" in text, entry.id
    for left in paper.left_out:
        assert left.note.split(":")[0] in text


@pytest.fixture(scope="module")
def diverging(tmp_path_factory) -> Path:
    """One run of the command with a diverging descent and x = 0 (a question left out)."""
    out = tmp_path_factory.mktemp("exercises")
    assert main(["exercises", "--set", "lr=0.25", "--set", "x=0", "--set", "w=-1.5",
                 "--set", "y=-90", "--set", "b=95", "--out", str(out)]) == 0
    return out


def test_the_command_writes_every_file(diverging, capsys):
    assert sorted(p.name for p in diverging.iterdir()) == sorted(FILES)
    with zipfile.ZipFile(diverging / make.QTI_FILE) as package:
        assert "imsmanifest.xml" in package.namelist() and len(package.namelist()) == 3
    record = json.loads((diverging / make.QUESTIONS_FILE).read_text(encoding="utf-8"))
    assert {q["id"]: q.get("left_out", "") for q in record["questions"]}["descent"]
    assert record["facts"] and record["reads"]


def test_the_answer_sheet_holds_the_cores_answers_as_text(diverging):
    params = load_params(None, {"lr": "0.25", "x": "0", "w": "-1.5", "y": "-90", "b": "95"})
    paper = pose(build_lesson(params))
    assert paper.left_out  # x = 0: the descent question is left out with its note
    check_answers_pdf(diverging / "answers.pdf", paper)
    exercises = ungrouped(pdf_text(diverging / "exercises.pdf"))
    for entry in paper.posed:
        for name in re.findall(r"@(\w+)", entry.question.text):
            assert entry.numbers[name].text.replace(MINUS, "-") in exercises, (entry.id, name)
        if entry.key is not None:
            assert entry.key.key not in re.findall(r"Answer: (\S+)", exercises)


def test_a_latex_failure_is_a_message_and_changes_nothing(tmp_path, monkeypatch, diverging):
    before = {p.name: p.read_bytes() for p in diverging.iterdir()}
    monkeypatch.setattr(make, "sheet_tex",
                        lambda kind, sheets: "\\documentclass{article}\\begin{document}"
                                             "\\nosuchcommand\\end{document}\n")
    with OutputFolder(diverging) as folder, pytest.raises(RenderError) as error:
        make.write_exercises(folder, load_params())
    message = str(error.value)
    assert "LaTeX could not typeset" in message and "Undefined control sequence" in message
    log = Path(re.search(r"LaTeX's log: (\S+)", message)[1].rstrip("."))
    assert log.is_file()
    log.unlink()
    assert {p.name: p.read_bytes() for p in diverging.iterdir()} == before


def test_no_pdflatex_is_a_setup_error(tmp_path, monkeypatch):
    monkeypatch.setattr(latex, "LATEX", "no-such-pdflatex")
    with pytest.raises(SetupError, match="texlive-latex-base"):
        latex.typeset([tmp_path / "x.tex"])


def test_bad_parameters_are_refused_before_anything_is_written(tmp_path, capsys):
    assert main(["exercises", "--set", "lr=2", "--out", str(tmp_path / "out")]) == 2
    assert "parameter 'lr'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_class_is_typeset_once_and_cut_into_each_students_sheets(tmp_path):
    # ann's loss is 1.23×10⁷: a key in scientific notation, on her sheet as the lecture writes it
    students = [("ann", load_params(None, {"x": "-37.5", "w": "88.2", "b": "-99", "y": "100",
                                          "lr": "0.0003"})),
                ("bob", load_params(None, {"lr": "0.25"})),
                ("cy", load_params(None, {"x": "0", "y": "-3"}))]
    with OutputFolder(tmp_path) as top:
        write_class_sheets(top, students)
    rows = (tmp_path / "answers.csv").read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[0] for r in rows] == ["name", "ann", "bob", "cy"]
    for name, params in students:
        paper = pose(build_lesson(params))
        assert name != "ann" or any(e.key and e.key.significant for e in paper.posed)
        folder = tmp_path / name
        assert sorted(p.name for p in folder.iterdir()) == [
            "answers.pdf", "answers.tex", "exercises.pdf", "exercises.tex"]
        check_answers_pdf(folder / "answers.pdf", paper)
        assert pdf_text(folder / "answers.pdf").count("Answers and worked solutions") == 1
        assert f"{name} " in pdf_text(folder / "exercises.pdf")  # the page header names them
