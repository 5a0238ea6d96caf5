"""The question bank (questions.toml) and the questions it poses for one lesson.

A question is a template bound to lesson values the way a beat is: `@name` placeholders
bound to lesson paths, formatted by the core's rules (`FactRecorder.show`), so the
numbers on an exercise sheet are the numbers of the video rendered with the same
parameters. Its answer is a lesson path (a number, keyed by `formatting.answer_key`:
the lecture's rounding and a tolerance) or a verdict of the core (a choice). A question
that the verdicts make meaningless for these parameters is left out with the bank's
note, never asked with a number it cannot have.

Each question names the beat it is asked before (`slide`, `before`); those marked
`checkpoint = true` are where the lecture stops on it: the slide shows a card with the
question, says it, and only then plays that beat (scenes/kit/slide.py), and the presenter
waits there for the answer to be revealed. The bank's [checkpoint] table holds the card's
words, so a lecturer changes which questions stop the lecture, and what the card says,
without code.

No manim import: the exercise sheets and quizzes are made without it.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import math
import operator
import re
import tomllib
import typing
from dataclasses import dataclass, fields
from decimal import Decimal, localcontext
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping

from backprop_core.formatting import (
    CANONICAL,
    MINUS,
    AnswerKey,
    NumberFormat,
    also_accepting,
    answer_key,
    localize,
    shown_value,
)
from lecture.contract import CHECKPOINT_MODES, DEFAULT_CHECKPOINTS
from lecture.slides import SLIDES, is_beat_name
from lecture.templates import PLACEHOLDER, fill

if TYPE_CHECKING:  # the lesson (numpy) loads where a question is posed, not to read the bank
    from backprop_core import Lesson, Shown
    from lecture.facts import FactRecorder
    from lecture.i18n import Catalog

__all__ = ["BANK_FILE", "Question", "Choice", "Posed", "LeftOut", "Paper", "BankError",
           "CheckpointWords", "PRESENTER_WORDS", "CHECKPOINT_MODES", "DEFAULT_CHECKPOINTS",
           "load_bank", "bank",
           "load_checkpoint_words", "checkpoint_words", "checkpoints_at", "checkpoint_record",
           "checkpoint_beat", "checkpoint_entry", "check_bank", "pose", "pose_one", "describe",
           "plain_decimal", "bounds", "verdict_values", "work_out", "TEXT_FIELDS",
           "NOTES_CONTEXT", "CHECKPOINT_CONTEXT", "text_context", "translated"]

BANK_FILE = Path(__file__).with_name("questions.toml")
Kind = Literal["number", "choice"]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"  # a choice is named by its letter, in order
# `(@name)`: a number that a template brackets in case it is negative ("1 − 0.01 · (@g)");
# a number that is not keeps no brackets ("(@e)²" reads 1.9², and (−1.9)² when negative).
# Not a function's brackets: "ReLU′(@z)" and "max(0, @z)" keep theirs.
_BRACKETED = re.compile(rf"(?<![\w\u2032)])\(({PLACEHOLDER.pattern})\)", PLACEHOLDER.flags)


class BankError(ValueError):
    """The question bank is malformed; the message names the question and the field."""


@dataclass(frozen=True)
class Question:
    id: str
    number: int  # its place in the bank, the same on every student's sheet
    slide: int
    before: str  # the beat of `slide` whose reveal it asks ahead of
    kind: Kind
    text: str
    bind: tuple[tuple[str, str], ...]  # placeholder -> lesson path
    solution: str | tuple[tuple[str, str], ...]  # one template, or one per verdict value
    answer: str | None = None  # kind "number": a lesson path
    tolerance_units: float = 0.5
    from_shown: str | None = None  # the answer as worked out from the printed numbers
    verdict: str | None = None  # a field of Verdicts
    choices: tuple[tuple[str, str], ...] = ()  # kind "choice": verdict value -> wording
    leave_out: tuple[tuple[str, str], ...] = ()  # verdict value -> why it is not asked
    checkpoint: bool = False  # the lecture stops on it before `before`

    @property
    def beat(self) -> tuple[int, str]:
        """Where the lecture can stop on it: (slide number, beat name)."""
        return self.slide, self.before


def checkpoint_beat(question: Question) -> str:
    """The name of the beat that asks `question` in its slide (a checkpoint's card)."""
    return f"checkpoint_{question.id}"


@dataclass(frozen=True)
class CheckpointWords:
    """The bank's [checkpoint] table: what a checkpoint's card, voice and answer say."""

    badge: str  # the card's heading ("Pause and think")
    prompt: str  # said before the question ("Pause and predict:"), its subtitle too
    answer: str  # "Answer: @answer": the key, or the right choice
    accepted: str  # after a number's answer: "(any answer from @low to @high is right)"
    think_seconds: float  # how long the card stays after the question is said
    answers_heading: str  # the handout's last page, the checkpoints' answers
    reveal: str  # the presenter's button that shows the answer
    reveal_hint: str  # what a screen reader hears while the answer is hidden ("Press A ...")


# Words only the presenter page shows (from the deck's data): not in a slide's render key.
PRESENTER_WORDS = ("reveal", "reveal_hint")


@dataclass(frozen=True)
class Choice:
    value: str  # the verdict value it stands for
    text: str  # a template (choices may carry numbers too)
    correct: bool


@dataclass(frozen=True)
class Posed:
    """A question asked with one lesson's numbers."""

    question: Question
    numbers: Mapping[str, Shown]  # placeholder -> the bound number, as the lecture writes it
    solution: str  # the template of the worked solution that applies
    key: AnswerKey | None  # kind "number"
    choices: tuple[Choice, ...]  # kind "choice"

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def kind(self) -> Kind:
        return self.question.kind

    @property
    def correct(self) -> Choice | None:
        return next((c for c in self.choices if c.correct), None)

    def resolved(self, template: str) -> str:
        """`template` with its optional brackets kept where the number is negative, dropped
        elsewhere: still a template, for a slide to typeset with its own lesson paths."""
        return _BRACKETED.sub(
            lambda m: m[0] if self.numbers[m[2]].tex.startswith("-") else m[1], template)

    def render(self, template: str, number: Callable[[Shown], str],
               literal: Callable[[str], str] = str) -> str:
        """`template` (the text, the solution or a choice) with its numbers written by
        `number` and the words around them by `literal`."""
        return fill(self.resolved(template), lambda name: number(self.numbers[name]), literal)

    def plain(self, template: str) -> str:
        """As on screen: true minus signs, ×10⁵ for scientific notation."""
        return self.render(template, lambda shown: shown.text)


@dataclass(frozen=True)
class LeftOut:
    question: Question
    note: str  # why, from the bank


@dataclass(frozen=True)
class Paper:
    """One lesson's questions, in bank order: each asked, or left out with a note."""

    entries: tuple[Posed | LeftOut, ...]
    manifest: dict[str, Any]  # every number shown and every lesson value read (facts.json's form)

    @property
    def posed(self) -> tuple[Posed, ...]:
        return tuple(e for e in self.entries if isinstance(e, Posed))

    @property
    def left_out(self) -> tuple[LeftOut, ...]:
        return tuple(e for e in self.entries if isinstance(e, LeftOut))


# ----- the bank ------------------------------------------------------------------------

def _verdict_names() -> list[str]:
    from backprop_core.verdicts import Verdicts

    return [f.name for f in fields(Verdicts)]


def verdict_values(verdict: str) -> tuple[str, ...]:
    """The values a verdict can take (its Literal), in declaration order."""
    from backprop_core.verdicts import Verdicts

    hints = typing.get_type_hints(Verdicts)
    if verdict not in hints:
        raise KeyError(verdict)
    return typing.get_args(hints[verdict])


def _pairs(table: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise BankError(f"{where} must be a table of texts")
    return tuple(table.items())


def _question(raw: dict[str, Any], number: int) -> Question:
    qid = raw.get("id")
    where = f"question {number} ({qid or 'no id'})"
    known = {f.name for f in fields(Question)} - {"number"}
    unknown = set(raw) - known
    if unknown:
        raise BankError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in ("id", "slide", "before", "kind", "text", "bind", "solution"):
        if name not in raw:
            raise BankError(f"{where}: the field '{name}' is missing")
    if not isinstance(qid, str) or not qid.isidentifier():
        raise BankError(f"{where}: id must be a name (letters, digits, _)")
    if raw["kind"] not in typing.get_args(Kind):
        raise BankError(f"{where}: kind must be 'number' or 'choice', not {raw['kind']!r}")
    if raw["slide"] not in {s.number for s in SLIDES}:
        raise BankError(f"{where}: there is no slide {raw['slide']!r}")
    bind = _pairs(raw["bind"], f"{where}: bind")
    solution = raw["solution"]
    solution = solution if isinstance(solution, str) else _pairs(solution, f"{where}: solution")
    question = Question(
        id=qid, number=number, slide=raw["slide"], before=raw["before"], kind=raw["kind"],
        text=raw["text"], bind=bind, solution=solution, answer=raw.get("answer"),
        tolerance_units=float(raw.get("tolerance_units", 0.5)), verdict=raw.get("verdict"),
        from_shown=raw.get("from_shown"),
        choices=_pairs(raw.get("choices", {}), f"{where}: choices"),
        leave_out=_pairs(raw.get("leave_out", {}), f"{where}: leave_out"),
        checkpoint=raw.get("checkpoint", False))
    _check(question, where)
    return question


def _check(q: Question, where: str) -> None:
    names = {name for name, _ in q.bind}
    templates = [q.text, *(t for _, t in q.choices)]
    solutions = [q.solution] if isinstance(q.solution, str) else [t for _, t in q.solution]
    for template in templates + solutions:
        allowed = names | ({"answer"} if template in solutions and q.answer else set())
        missing = set(PLACEHOLDER.findall(template)) - allowed
        if missing:
            raise BankError(f"{where}: @{', @'.join(sorted(missing))} in {template!r} is not "
                            "bound (add it to bind)")
    if q.kind == "number" and not isinstance(q.answer, str):
        raise BankError(f"{where}: a number question needs answer = a lesson path")
    if q.kind == "choice" and (q.answer is not None or not q.choices or not q.verdict):
        raise BankError(f"{where}: a choice question needs verdict and choices, and no answer")
    if not q.tolerance_units > 0:
        raise BankError(f"{where}: tolerance_units must be positive")
    if not isinstance(q.checkpoint, bool):
        raise BankError(f"{where}: checkpoint must be true or false")
    if q.checkpoint and not is_beat_name(checkpoint_beat(q)):
        raise BankError(f"{where}: a checkpoint's id names its beat, so it is snake_case")
    if q.from_shown is not None:
        try:
            names_used = _names(ast.parse(q.from_shown, mode="eval"))
        except (SyntaxError, ValueError) as error:
            raise BankError(f"{where}: from_shown {q.from_shown!r}: {error}") from None
        if names_used - names:
            raise BankError(f"{where}: from_shown uses {', '.join(sorted(names_used - names))}, "
                            "which bind does not name")
    per_verdict = [dict(q.choices), dict(q.leave_out)]
    if not isinstance(q.solution, str):
        per_verdict.append(dict(q.solution))
    if q.verdict is None:
        if any(per_verdict[1:]):
            raise BankError(f"{where}: leave_out and a solution per verdict need a verdict")
        return
    try:
        values = set(verdict_values(q.verdict))
    except KeyError:
        raise BankError(f"{where}: there is no verdict '{q.verdict}'; the verdicts are "
                        f"{', '.join(_verdict_names())}") from None
    for table in per_verdict:
        strange = set(table) - values
        if strange:
            raise BankError(f"{where}: {', '.join(sorted(strange))} is not a value of the "
                            f"verdict '{q.verdict}' ({', '.join(sorted(values))})")
    asked = values - set(dict(q.leave_out))
    unchosen = sorted(asked - set(dict(q.choices)))
    if q.kind == "choice" and unchosen:
        raise BankError(f"{where}: no choice for {', '.join(unchosen)}; add one, or a "
                        "leave_out note")
    unsolved = sorted(asked - set(dict(q.solution))) if not isinstance(q.solution, str) else []
    if unsolved:
        raise BankError(f"{where}: no solution for {', '.join(unsolved)}")


def _read(path: Path, parse: Callable[[str], dict[str, Any]] = tomllib.loads) -> dict[str, Any]:
    try:
        return parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BankError(f"cannot read the question bank {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise BankError(f"the question bank {path} is not valid TOML: {error}") from None


def load_bank(path: Path = BANK_FILE) -> tuple[tuple[Question, ...], dict[str, str]]:
    """The questions of the bank file in order, and its notes; BankError names any problem."""
    data = _read(path)
    notes = data.get("notes", {})
    questions = tuple(_question(raw, n) for n, raw in
                      enumerate(data.get("question", []), start=1))
    if not questions:
        raise BankError(f"the question bank {path} has no [[question]]")
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise BankError(f"question {q.number}: the id '{q.id}' is used twice")
        seen.add(q.id)
    if "not_finite" not in notes:
        raise BankError(f"the question bank {path} needs [notes] not_finite")
    if any(q.checkpoint for q in questions):
        _checkpoint_words(data, path)
    return questions, notes


def _checkpoint_words(data: dict[str, Any], path: Path) -> CheckpointWords:
    table = data.get("checkpoint")
    where = f"the question bank {path}: [checkpoint]"
    if not isinstance(table, dict):
        raise BankError(f"{where} is missing: a checkpoint's card needs its words")
    names = {f.name for f in fields(CheckpointWords)}
    if set(table) != names:
        missing, unknown = sorted(names - set(table)), sorted(set(table) - names)
        raise BankError(f"{where}: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else [])
            + ([f"unknown {', '.join(unknown)}"] if unknown else [])))
    seconds = table["think_seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
            or not 0 <= seconds <= 30:
        raise BankError(f"{where}: think_seconds must be a number of seconds, 0 to 30")
    texts = {k: v for k, v in table.items() if k != "think_seconds"}
    if not all(isinstance(v, str) and v.strip() for v in texts.values()):
        raise BankError(f"{where}: {', '.join(sorted(texts))} must be texts")
    for name, allowed in (("answer", {"answer"}), ("accepted", {"low", "high"})):
        used = set(PLACEHOLDER.findall(texts[name]))
        if used != allowed:
            raise BankError(f"{where}: {name} says {', '.join('@' + a for a in sorted(allowed))}"
                            f", not {', '.join('@' + u for u in sorted(used)) or 'nothing'}")
    return CheckpointWords(**texts, think_seconds=float(seconds))


def load_checkpoint_words(path: Path = BANK_FILE) -> CheckpointWords:
    """The bank file's [checkpoint] table; BankError names any problem."""
    return _checkpoint_words(_read(path), path)


@cache
def bank() -> tuple[tuple[Question, ...], dict[str, str]]:
    """The project's question bank, read once."""
    return load_bank()


def check_bank(checkpoints: str) -> None:
    """Under `--checkpoints all` the slides ask the bank's checkpoints: the bank and its
    words must read, or BankError says what is wrong. (It loads the lesson's code: a render
    checks it only once it knows a slide will be drawn.)"""
    if checkpoints != "none" and any(q.checkpoint for q in bank()[0]):
        checkpoint_words()


@cache
def _english_checkpoint_words() -> CheckpointWords:
    return load_checkpoint_words()


def checkpoint_words(catalog: Catalog | None = None) -> CheckpointWords:
    """The project's checkpoint words (read once), each text in the language of `catalog`
    (None: the bank's English), a catalog entry `checkpoint.NAME` (lecture/catalogs.py)."""
    words = _english_checkpoint_words()
    if catalog is None:
        return words
    return dataclasses.replace(words, **{
        f.name: catalog.text(getattr(words, f.name), f"{CHECKPOINT_CONTEXT}.{f.name}")
        for f in fields(words) if isinstance(getattr(words, f.name), str)})


def checkpoints_at(slide: int, beat: str,
                   questions: tuple[Question, ...] | None = None) -> tuple[Question, ...]:
    """The checkpoints the lecture stops on before beat `beat` of slide `slide`, in bank
    order."""
    return tuple(q for q in (bank()[0] if questions is None else questions)
                 if q.checkpoint and q.beat == (slide, beat))


@functools.lru_cache(maxsize=2)
def _parsed_bank(text: str) -> dict[str, Any]:
    """The bank's TOML, parsed once for every slide's key (read only: it is shared)."""
    return tomllib.loads(text)


def checkpoint_record(slide: int, mode: str, path: Path = BANK_FILE) -> dict[str, Any] | None:
    """What of the bank file draws slide `slide` under `--checkpoints mode`, as written, for
    its render key (backprop_render/build/reuse.py): its checkpoints and their words, or
    None when it stops on none, so a slide without a checkpoint keeps its key whatever the
    mode. Read, not checked: a render checks the bank (`check_bank`) before a slide draws
    it, and a run that renders nothing need not load the lesson's code to check it; a bank
    that does not read is a record of its own, so the check runs and names the problem."""
    if mode not in CHECKPOINT_MODES:
        raise ValueError(f"--checkpoints is one of {', '.join(CHECKPOINT_MODES)}, not {mode!r}")
    if mode == "none":
        return None
    try:
        data = _read(path, _parsed_bank)
    except BankError as error:
        return {"unreadable": str(error)}
    asked = [raw for raw in data.get("question", []) if isinstance(raw, dict)
             and raw.get("checkpoint") is True and raw.get("slide") == slide]
    words = data.get("checkpoint")
    if isinstance(words, dict):
        words = {k: v for k, v in words.items() if k not in PRESENTER_WORDS}
    return {"words": words, "questions": asked} if asked else None


# ----- what a student works out from the printed numbers -------------------------------------

_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
              ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos,
              ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt,
              ast.LtE: operator.le}
_FUNCTIONS = {"max": max, "min": min}


def _names(tree: ast.AST) -> set[str]:
    """The placeholders an arithmetic expression uses; ValueError for anything but
    numbers, names, + - * **, comparisons (1 or 0), max and min."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in _FUNCTIONS:
                found.add(node.id)
        elif isinstance(node, (ast.BinOp, ast.UnaryOp)):
            if type(node.op) not in _OPERATORS:
                raise ValueError(f"the operator {type(node.op).__name__} is not allowed")
        elif isinstance(node, ast.Compare):
            if len(node.ops) != 1 or type(node.ops[0]) not in _OPERATORS:
                raise ValueError("only one comparison (<, <=, >, >=) at a time")
        elif isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS) \
                    or node.keywords:
                raise ValueError("the only functions are max and min")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float)) or isinstance(node.value, bool):
                raise ValueError(f"{node.value!r} is not a number")
        elif not isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop,
                                   ast.cmpop)):
            raise ValueError(f"{type(node).__name__} is not allowed")
    return found


def work_out(expression: str, values: Mapping[str, Decimal]) -> Decimal:
    """`expression` (checked by `_names` when the bank loaded) in exact decimal arithmetic."""
    def value(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return value(node.body)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.UnaryOp):
            return _OPERATORS[type(node.op)](value(node.operand))
        if isinstance(node, ast.BinOp):
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.Compare):
            return Decimal(int(_OPERATORS[type(node.ops[0])](value(node.left),
                                                             value(node.comparators[0]))))
        if isinstance(node, ast.Call):
            return _FUNCTIONS[node.func.id](value(a) for a in node.args)
        raise ValueError(f"{type(node).__name__} is not allowed")

    with localcontext() as context:
        context.prec = 60
        return +value(ast.parse(expression, mode="eval"))


# ----- posing --------------------------------------------------------------------------

def pose_one(q: Question, facts: FactRecorder, notes: Mapping[str, str],
             where: str | None = None) -> Posed | LeftOut:
    """`q` asked with the lesson `facts` reads, each number it shows recorded there (as
    shown `where`: by default the question's own name); or left out with a note."""
    where = where or f"question:{q.id}"
    verdict = facts.lesson.lookup(f"verdicts.{q.verdict}") if q.verdict else None
    if verdict in dict(q.leave_out):
        return LeftOut(q, dict(q.leave_out)[verdict])
    paths = dict(q.bind) | ({"answer": q.answer} if q.answer else {})
    if not all(math.isfinite(facts.lesson.lookup(p)) for p in paths.values()):
        return LeftOut(q, notes["not_finite"])
    numbers = {name: facts.show(path, where) for name, path in paths.items()}
    key = answer_key(q.answer, facts.lesson.lookup(q.answer), q.tolerance_units) \
        if q.answer else None
    if key is not None and q.from_shown is not None:
        # Fair to a student who works from the printed, rounded numbers.
        # As the core writes them (a slide's recorder writes them the language's way).
        from backprop_core import format_fact

        printed = {name: shown_value(format_fact(path, facts.lesson.lookup(path)))
                   for name, path in paths.items()}
        key = also_accepting(key, q.answer, work_out(q.from_shown, printed))
    solution = q.solution if isinstance(q.solution, str) else dict(q.solution)[verdict]
    choices = tuple(Choice(value, text, value == verdict) for value, text in q.choices)
    return Posed(q, numbers, solution, key, choices)
# The fields of a question people read, each a catalog entry (lecture/catalogs.py extracts
# them from the bank): a string, or a table verdict -> string. A new field students read is
# named here, and is translated and extracted with the others.
TEXT_FIELDS = ("text", "choices", "solution", "leave_out")
NOTES_CONTEXT = "question-notes"  # a note's entry: NOTES_CONTEXT.NAME
CHECKPOINT_CONTEXT = "checkpoint"  # a [checkpoint] word's entry: CHECKPOINT_CONTEXT.NAME


def text_context(question_id: str, field: str, key: str | None = None) -> str:
    """The catalog context of a question's field (`question.ID.FIELD[.VERDICT]`)."""
    return f"question.{question_id}.{field}" + (f".{key}" if key is not None else "")


def translated(q: Question, catalog: Catalog) -> Question:
    """`q` in the catalog's language: each of its TEXT_FIELDS a catalog entry."""
    def field_in(field: str, value: Any) -> Any:
        if isinstance(value, str):
            return catalog.text(value, text_context(q.id, field))
        return tuple((key, catalog.text(text, text_context(q.id, field, key)))
                     for key, text in value)

    return dataclasses.replace(q, **{f: field_in(f, getattr(q, f)) for f in TEXT_FIELDS})


def pose(lesson: Lesson, questions: tuple[Question, ...] | None = None,
         notes: Mapping[str, str] | None = None, catalog: Catalog | None = None) -> Paper:
    """Every question of the bank asked with `lesson`'s numbers, or left out with a note;
    in the language of `catalog` (None: the bank's English). The numbers stay as the core
    writes them: each format writes them the language's way (exercises/documents.py)."""
    if questions is None:
        questions, notes = bank()
    assert notes is not None
    from lecture.facts import FactRecorder, TrackedLesson

    if catalog is not None:
        questions = tuple(translated(q, catalog) for q in questions)
        notes = {name: catalog.text(text, f"{NOTES_CONTEXT}.{name}")
                 for name, text in notes.items()}
    facts = FactRecorder(TrackedLesson(lesson))
    entries = tuple(pose_one(q, facts, notes) for q in questions)
    return Paper(entries, facts.manifest())


# ----- a question as its readers see it ----------------------------------------------------

def plain_decimal(value: Decimal | float | str) -> str:
    """A number in plain positional ASCII, never 1e-05: what LMS imports parse."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def bounds(key: AnswerKey) -> tuple[str, str]:
    """The lowest and highest accepted answers, as plain decimals."""
    return plain_decimal(key.low), plain_decimal(key.high)


def _decimal(plain: str) -> Shown:
    """A plain decimal (an answer key) as the core writes a number."""
    from backprop_core import Shown

    return Shown(plain.replace("-", MINUS), plain)


def describe(entry: Posed | LeftOut, words: Callable[[str], str] = str,
             number: Callable[[Shown], str] = lambda shown: shown.text,
             catalog: Catalog | None = None) -> dict[str, Any]:
    """Everything a reader of `entry` is shown, with the numbers written by `number` and
    the words around them by `words` (by default both as on screen), the slide's title in
    the language of `catalog` (None: English): what the exercise sheets, the quizzes and a
    checkpoint of the lecture are made from."""
    q = entry.question
    slide = SLIDES[q.slide - 1]
    title = slide.title if catalog is None else catalog.text(slide.title)
    common = {"number": q.number, "id": q.id, "slide": slide.number,
              "slide_title": words(title), "kind": q.kind, "beat": q.before}
    if isinstance(entry, LeftOut):
        return {**common, "left_out": True, "note": words(entry.note)}

    def render(template: str) -> str:
        return entry.render(template, number, words)

    found: dict[str, Any] = {**common, "left_out": False, "text": render(q.text),
                             "solution": render(entry.solution)}
    if entry.key is not None:
        low, high = bounds(entry.key)
        found.update(key=entry.key.key, tolerance=plain_decimal(entry.key.tolerance), low=low,
                     high=high, decimals=entry.key.decimals,
                     significant=entry.key.significant, shown=number(entry.numbers["answer"]),
                     # the key and its range as the sheet writes numbers (an LMS reads the
                     # plain ones above)
                     key_shown=number(_decimal(entry.key.key)), low_shown=number(_decimal(low)),
                     high_shown=number(_decimal(high)))
    found["choices"] = [{"letter": _LETTERS[i], "value": c.value, "text": render(c.text),
                         "correct": c.correct} for i, c in enumerate(entry.choices)]
    found["correct"] = next((c for c in found["choices"] if c["correct"]), None)
    return found


def checkpoint_entry(posed: Posed, words: CheckpointWords,
                     numbers: NumberFormat = CANONICAL) -> dict[str, Any]:
    """A checkpoint as the presenter, the deck's notes and the handout show it, every text
    as on screen: the question and its choices, then the answer (the key and the range a
    grader accepts, written with the symbols of `numbers`, or the right choice) and the
    worked solution."""
    found = describe(posed)
    if posed.key is not None:
        answer = found["shown"]
        low, high = (localize(_decimal(text), numbers).text
                     for text in (found["low"], found["high"]))
        accepted = fill(words.accepted, {"low": low, "high": high}.__getitem__)
    else:
        answer, accepted = f"{found['correct']['letter']}) {found['correct']['text']}", None
    return {"id": posed.id, "kind": posed.kind, "badge": words.badge,
            "question": found["text"],
            "choices": [{k: c[k] for k in ("letter", "text", "correct")}
                        for c in found["choices"]],
            "answer": fill(words.answer, {"answer": answer}.__getitem__),
            "accepted": accepted, "solution": found["solution"]}
