"""The exercise sheets and quizzes of a render, and the sheets of every student of a sweep.

`write_exercises` puts into an output folder, each file only once whole:
  exercises.tex/.pdf   the questions with this render's numbers, room to work
  answers.tex/.pdf     the keys, accepted ranges and worked solutions
  quiz-moodle.xml      a Moodle XML quiz (numerical with tolerance, multiple choice)
  quiz-canvas-qti.zip  a QTI 1.2 package as Canvas imports it
  questions.json       every question as asked: its beat, text, key and solution
`write_class_sheets` gives each variant of a sweep its own exercises/answers (.tex and
.pdf) in its folder and writes the class key answers.csv; the whole class is typeset in
one pdflatex run per kind and cut into sheets, so a class costs about what one sheet does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from backprop_core import Params, build_lesson
from backprop_render.build.outputs import OutputFolder
from backprop_render.exercises.documents import (
    SHEET_KINDS,
    Sheet,
    moodle_xml,
    plain_decimal,
    qti_files,
    sheet_tex,
)
from backprop_render.exercises.latex import split_sheets, typeset
from lecture.i18n import catalog_for
from lecture.questions import LeftOut, Paper, pose

__all__ = ["write_exercises", "write_class_sheets", "class_key", "paper_record", "FILES",
           "CLASS_KEY", "MOODLE_FILE", "QTI_FILE", "QUESTIONS_FILE"]

MOODLE_FILE = "quiz-moodle.xml"
QTI_FILE = "quiz-canvas-qti.zip"
QUESTIONS_FILE = "questions.json"
CLASS_KEY = "answers.csv"
FILES = tuple(f"{kind}.{ext}" for kind in SHEET_KINDS for ext in ("tex", "pdf")) + (
    MOODLE_FILE, QTI_FILE, QUESTIONS_FILE)
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # the package's bytes depend on its content alone


@dataclass(frozen=True)
class Made:
    files: tuple[str, ...]
    paper: Paper


def _qti_zip(files: dict[str, str], target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))


def paper_record(paper: Paper) -> dict[str, Any]:
    """questions.json: each question as asked (or why not), then every number's trace."""
    questions = []
    for entry in paper.entries:
        q = entry.question
        item: dict[str, Any] = {"id": q.id, "number": q.number, "slide": q.slide,
                                "before": q.before, "kind": q.kind}
        if isinstance(entry, LeftOut):
            item["left_out"] = entry.note
        else:
            item.update(text=entry.plain(q.text), solution=entry.plain(entry.solution))
            if entry.key is not None:
                item.update(key=entry.key.key, tolerance=plain_decimal(entry.key.tolerance),
                            decimals=entry.key.decimals, significant=entry.key.significant)
            else:
                item.update(choices=[{"value": c.value, "text": entry.plain(c.text)}
                                     for c in entry.choices], correct=entry.correct.value)
        questions.append(item)
    return {"questions": questions, **paper.manifest}


def write_exercises(folder: OutputFolder, params: Params, language: str = "en") -> Made:
    """Every file of FILES for `params` into the open `folder`, in `language` (a tag); a
    LaTeX failure is a RenderError and leaves the folder as it was (its log kept beside)."""
    paper = pose(build_lesson(params), catalog=catalog_for(language))
    sheet = Sheet(paper, params, language=language)
    work = folder.staging / "exercises"
    work.mkdir(exist_ok=True)
    sources = []
    for kind in SHEET_KINDS:
        source = work / f"{kind}.tex"
        source.write_text(sheet_tex(kind, [sheet]), encoding="utf-8")
        sources.append(source)
    typeset(sources, keep_logs=folder.path)
    (work / MOODLE_FILE).write_text(moodle_xml(sheet), encoding="utf-8")
    _qti_zip(qti_files(sheet), work / QTI_FILE)
    (work / QUESTIONS_FILE).write_text(
        json.dumps(paper_record(paper), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return Made(tuple(folder.commit({name: work / name for name in FILES})), paper)


def class_key(named: Sequence[tuple[str, Paper]]) -> str:
    """answers.csv: a row per student, a column per question: the key as a grader
    compares it (a plain decimal, or the choice's verdict value); empty where the
    question was not asked of that student."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    ids = [e.question.id for e in named[0][1].entries] if named else []
    out.writerow(["name", *ids])
    for name, paper in named:
        cells = {e.question.id: (e.key.key if e.key else e.correct.value)
                 for e in paper.posed}
        out.writerow([name, *(cells.get(qid, "") for qid in ids)])
    return buffer.getvalue()


def write_class_sheets(top: OutputFolder, students: Sequence[tuple[str, Params]],
                       language: str = "en") -> int:
    """Each student's exercises and answers (.tex, .pdf) into top/NAME/, and the class's
    answers.csv into top, in `language`; the sheets not already there as they would be
    written are typeset together, one run per kind, then cut. Returns how many were
    typeset."""
    catalog = catalog_for(language)
    sheets = [Sheet(pose(build_lesson(params), catalog=catalog), params, name, language)
              for name, params in students]
    if not sheets:
        return 0
    sources = {(s.name, kind): sheet_tex(kind, [s]) for s in sheets for kind in SHEET_KINDS}
    stale = [s for s in sheets if not all(
        _holds(top.path / s.name / f"{kind}.tex", sources[s.name, kind])
        and (top.path / s.name / f"{kind}.pdf").is_file() for kind in SHEET_KINDS)]
    if stale:
        work = top.staging / "class-sheets"
        work.mkdir(exist_ok=True)
        documents = []
        for kind in SHEET_KINDS:
            document = work / f"class-{kind}.tex"
            document.write_text(sheet_tex(kind, stale), encoding="utf-8")
            documents.append(document)
        pdfs = typeset(documents, keep_logs=top.path)
        for kind, pdf in zip(SHEET_KINDS, pdfs, strict=True):
            split_sheets(pdf, len(stale), [work / f"{s.name}.{kind}.pdf" for s in stale])
        for sheet in stale:
            folder = top.path / sheet.name
            folder.mkdir(exist_ok=True)
            for kind in SHEET_KINDS:
                source = work / f"{sheet.name}.{kind}.tex"
                source.write_text(sources[sheet.name, kind], encoding="utf-8")
                os.replace(work / f"{sheet.name}.{kind}.pdf", folder / f"{kind}.pdf")
                os.replace(source, folder / f"{kind}.tex")  # last: it marks the PDF whole
    top.write_text(CLASS_KEY, class_key([(s.name, s.paper) for s in sheets]))
    return len(stale)


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False
