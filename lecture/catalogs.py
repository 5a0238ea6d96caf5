"""The template catalog: every string a viewer reads or hears, found in the code and data.

`extract()` finds them (no Manim is imported: the slides are read, not run):

- in a slide's module (scenes/sNN_*.py): the sentence written in `self.narrate("...")`,
  under its beat's id (`lecture.slides.beat_id`: the slide's slug and the method's
  name), and the text written in `self.text`, `self.label`, `self.headline` or
  `self.tr`, under the slide's slug;
- anywhere in scenes/, lecture/, narration/ and backprop_render/ (SOURCES):
  `N_("...", "context")` (the context a literal or a string the module assigns; in a
  slide's module it defaults to the slide's slug), and a verdict table,
  `verdicts("table", {verdict: sentence})` (scenes/wording.py), one entry per verdict;
- the words the voice says for symbols (backprop_core/spoken.py `WORDS`, `spoken.NAME`);
- the pages' texts (backprop_render/present/files: the presenter, the recording page,
  any page added there): `_("...")` in their JavaScript, and `{{ _("...") }}` in their
  HTML (Jinja), under the page's name (`page_context`: `presenter`, `record`);
- the question bank (lecture/questions.toml): each question's fields people read
  (`lecture.questions.TEXT_FIELDS`) under `question.ID.FIELD[.VERDICT]`, its notes and
  its checkpoints' words;
  the exercise sheets' and quizzes' own words (`_("...")` in
  backprop_render/exercises/templates), under `exercises`.

A string written in a narrate, text or label call must be a literal, with its numbers as
`@name` placeholders: an f-string would put a value in the English, where no catalog can
find it (`ExtractionError` names the line). `update()` writes the template and merges it
into every language's catalog: new entries added, entries whose English changed kept
with their old translation marked fuzzy (shown in English until someone checks them),
nothing translated lost (an entry whose English is gone is kept, obsolete, at the end).
"""

from __future__ import annotations

import ast
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from lecture.i18n import LOCALE_DIR, TEMPLATE, CatalogError, entry_name, load_catalog, words_of
from lecture.language import LANGUAGES, find_language
from lecture.slides import SLIDES, Slide, beat_id

__all__ = ["ExtractionError", "Entry", "extract", "python_entries", "template_catalog",
           "update", "ROOT", "UpdateReport", "SOURCES", "PAGE_FILES", "page_context"]

ROOT = Path(__file__).resolve().parent.parent
# Where N_ and verdict tables are looked for: every module a viewer's text can come from.
SOURCES = ("scenes", "lecture", "narration", "backprop_render")
_SLIDE_CALLS = {"text", "label", "headline", "tr"}  # a literal first argument: the slide's
PAGE_FILES = ROOT / "backprop_render" / "present" / "files"  # the pages' HTML, JS and CSS
# A page's words are entries under its file's stem ("record"), but the presenter's page is
# index.html (a browser opens it by default): its two files share "presenter".
_PAGE_CONTEXTS = {"index.html": "presenter"}


class ExtractionError(ValueError):
    """A viewer-facing string no catalog could find (e.g. an f-string in a narrate call)."""


@dataclass(frozen=True)
class Entry:
    context: str
    msgid: str
    plural: str | None
    where: str  # file:line, for the translator


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def python_entries(path: Path, slide: Slide | None = None) -> Iterator[Entry]:
    """The entries of one Python file; `slide`: the slide whose module it is (default: the
    slide whose scene file it is, if any)."""
    relative = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    slide = slide or next((s for s in SLIDES if s.path.resolve() == path.resolve()), None)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    done: set[int] = set()  # N_ calls found as a narrate call's sentence

    def visit(node: ast.AST, function: str | None) -> Iterator[Entry]:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef,
                                                     ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call) and id(child) not in done:
                yield from _call(child, function)
            yield from visit(child, inner)

    def _call(call: ast.Call, function: str | None) -> Iterator[Entry]:
        where = f"{relative}:{call.lineno}"
        func = call.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else None)
        first = call.args[0] if call.args else None
        if name == "N_":
            text = _literal(first)
            context = _string(call.args[1] if len(call.args) > 1 else _keyword(call, "context"))
            if text is None:
                raise ExtractionError(f"{where}: N_ marks a literal string")
            if context is None:
                if slide is None:
                    raise ExtractionError(f"{where}: N_ outside a slide's module names its "
                                          "context: N_(text, 'context')")
                context = slide.slug
            yield Entry(context, text, _literal(_keyword(call, "plural")), where)
        elif name == "verdicts" and len(call.args) == 2 and isinstance(call.args[1], ast.Dict):
            table = _literal(first)
            for key, value in zip(call.args[1].keys, call.args[1].values, strict=True):
                verdict = _literal(key)
                forms = [_literal(e) for e in value.elts] if isinstance(value, ast.Tuple) \
                    else [_literal(value) if not isinstance(value, ast.Name) else
                          _constant(value.id)]
                if table is None or verdict is None or None in forms:
                    raise ExtractionError(f"{where}: a verdict table is literal strings")
                yield Entry(f"verdict.{table}.{verdict}", forms[0],  # type: ignore[arg-type]
                            forms[1] if len(forms) > 1 else None, where)
        elif slide is not None and isinstance(func, ast.Attribute) and first is not None:
            marked = isinstance(first, ast.Call) and isinstance(first.func, ast.Name) \
                and first.func.id == "N_" and len(first.args) == 1
            if name == "narrate" and marked:  # a sentence with a plural: the beat's too
                assert isinstance(first, ast.Call)
                done.add(id(first))
                text = _literal(first.args[0])
                if text is None or function is None:
                    raise ExtractionError(f"{where}: narrate(N_(...)) marks a literal, in a beat")
                yield Entry(beat_id(slide.slug, function), text,
                            _literal(_keyword(first, "plural")), where)
            elif name == "narrate" or name in _SLIDE_CALLS:
                if isinstance(first, ast.JoinedStr):
                    raise ExtractionError(f"{where}: an f-string in {name}() puts a value "
                                          "in the English; write a placeholder @name")
                text = _literal(first)
                if text is not None and words_of(text):
                    if name == "narrate":
                        if function is None:
                            raise ExtractionError(f"{where}: narrate() outside a beat")
                        yield Entry(beat_id(slide.slug, function), text, None, where)
                    else:
                        yield Entry(slide.slug, text, None, where)

    constants = {t.id: _literal(n.value) for n in tree.body if isinstance(n, ast.Assign)
                 for t in n.targets if isinstance(t, ast.Name) and _literal(n.value)}

    def _constant(name: str) -> str | None:
        return constants.get(name)

    def _string(node: ast.AST | None) -> str | None:
        """A literal, or the name of a string the module assigns (a context used often)."""
        return _constant(node.id) if isinstance(node, ast.Name) else _literal(node)

    yield from visit(tree, None)


def _spoken_entries() -> Iterator[Entry]:
    from backprop_core.spoken import WORDS

    for name, word in WORDS.items():
        yield Entry(f"spoken.{name}", word, None, "backprop_core/spoken.py")


def page_context(name: str) -> str:
    """The context of the words of PAGE_FILES' file `name` ("record.js": "record")."""
    return _PAGE_CONTEXTS.get(name, Path(name).stem)


def _page_entries() -> Iterator[Entry]:
    """`_("...")` in every page's JavaScript, `{{ _("...") }}` in its HTML (Jinja)."""
    from babel.messages.extract import extract_javascript
    from jinja2.ext import babel_extract

    # By page, its script's words first (the order translators have had them in).
    for path in sorted(PAGE_FILES.iterdir(), key=lambda p: (page_context(p.name),
                                                            p.suffix != ".js", p.name)):
        where, context = f"{PAGE_FILES.name}/{path.name}", page_context(path.name)
        with path.open("rb") as handle:
            if path.suffix == ".js":
                for line, _, found, _ in extract_javascript(handle, {"_": None}, [], {}):
                    text = found[0] if isinstance(found, tuple) else found  # _(english, values)
                    if not isinstance(text, str):
                        raise ExtractionError(f"{where}:{line}: _() takes a literal string")
                    yield Entry(context, text, None, f"{where}:{line}")
            elif path.suffix == ".html":
                for line, _, text, _ in babel_extract(handle, ("_",), [], {}):
                    yield Entry(context, text, None, f"{where}:{line}")


_EXERCISES = ROOT / "backprop_render" / "exercises" / "templates"
# The LaTeX templates' delimiters (exercises/documents.py): LaTeX is all braces.
_LATEX_DELIMITERS = {"block_start_string": "((*", "block_end_string": "*))",
                     "variable_start_string": "(((", "variable_end_string": ")))",
                     "comment_start_string": "((=", "comment_end_string": "=))"}


def _exercise_entries() -> Iterator[Entry]:
    from jinja2.ext import babel_extract

    for path in sorted(_EXERCISES.rglob("*")):
        if path.suffix not in (".tex", ".xml"):
            continue
        options = _LATEX_DELIMITERS if path.suffix == ".tex" else {}
        with path.open("rb") as handle:
            for line, _, found, _ in babel_extract(handle, ("_",), [], options):
                text = found[0] if isinstance(found, tuple) else found
                yield Entry("exercises", text, None,
                            f"{path.relative_to(ROOT).as_posix()}:{line}")


def _question_entries() -> Iterator[Entry]:
    from lecture.questions import (
        BANK_FILE,
        CHECKPOINT_CONTEXT,
        NOTES_CONTEXT,
        TEXT_FIELDS,
        text_context,
    )

    data = tomllib.loads(BANK_FILE.read_text(encoding="utf-8"))
    where = BANK_FILE.relative_to(ROOT).as_posix()
    for name, text in data.get("notes", {}).items():
        yield Entry(f"{NOTES_CONTEXT}.{name}", text, None, where)
    for name, text in data.get("checkpoint", {}).items():
        if isinstance(text, str):
            yield Entry(f"{CHECKPOINT_CONTEXT}.{name}", text, None, where)
    for question in data.get("question", []):
        for field in TEXT_FIELDS:
            value = question.get(field)
            if isinstance(value, str):
                yield Entry(text_context(question["id"], field), value, None, where)
            elif isinstance(value, dict):
                for key, text in value.items():
                    yield Entry(text_context(question["id"], field, key), text, None, where)


def extract(root: Path = ROOT) -> list[Entry]:
    """Every catalog entry, each (context, msgid) once, in the order found."""
    files = sorted(p for folder in SOURCES for p in (root / folder).rglob("*.py"))
    found: dict[tuple[str, str], Entry] = {}
    for entry in (*(e for path in files for e in python_entries(path)), *_spoken_entries(),
                  *_page_entries(), *_exercise_entries(), *_question_entries()):
        key = (entry.context, entry.msgid)
        known = found.get(key)
        if known is not None and known.plural != entry.plural:
            raise ExtractionError(f"{entry.where}: {entry_name(*key)} has another plural at "
                                  f"{known.where}")
        found.setdefault(key, entry)
    return list(found.values())


def template_catalog(entries: list[Entry] | None = None):  # -> babel Catalog
    from babel.messages.catalog import Catalog

    template = Catalog(project="Backpropagation Demystified", version="1",
                       charset="utf-8", fuzzy=False)
    for entry in entries if entries is not None else extract():
        template.add((entry.msgid, entry.plural) if entry.plural else entry.msgid,
                     locations=[_location(entry.where)],
                     context=entry.context,
                     auto_comments=["@name: a value filled in (a number of the lesson, a "
                                    "slide number, a name): keep it as it is"]
                     if "@" in entry.msgid else [])
    return template


def _location(where: str) -> tuple[str, int | None]:
    path, _, line = where.rpartition(":")
    return (path, int(line)) if line.isdigit() else (where, None)


def _pot_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False,
             include_previous=True)
    return buffer.getvalue()


@dataclass
class UpdateReport:
    template: Path
    languages: dict[str, dict[str, int]]  # tag -> {"new", "fuzzy", "obsolete", "untranslated"}
    problems: list[str]


def update(locale_dir: Path = LOCALE_DIR, entries: list[Entry] | None = None) -> UpdateReport:
    """Write the template and merge it into each language's catalog in `locale_dir` (a new
    language's catalog is made from the template). Broken placeholders are reported, not
    written away: the catalog keeps the translation, the render refuses it."""
    from babel.messages.pofile import read_po, write_po

    template = template_catalog(entries)
    locale_dir.mkdir(parents=True, exist_ok=True)
    pot = locale_dir / TEMPLATE.name
    pot.write_bytes(_pot_bytes(template))
    report = UpdateReport(pot, {}, [])
    for language in LANGUAGES.values():
        if language.pseudo:
            continue
        path = locale_dir / f"{language.tag}.po"
        if path.is_file():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language.locale)
        else:
            from babel.messages.catalog import Catalog

            catalog = Catalog(locale=language.locale, project=template.project,
                              version=template.version, fuzzy=False)
        before = {(m.context, _id(m)): m.string for m in catalog if m.id}
        catalog.update(template, update_header_comment=False)
        counts = {"new": 0, "fuzzy": 0, "obsolete": len(catalog.obsolete), "untranslated": 0}
        for message in catalog:
            if not message.id:
                continue
            key = (message.context, _id(message))
            if key not in before:
                counts["fuzzy" if message.fuzzy else "new"] += 1
            if not _translated(message.string):
                counts["untranslated"] += 1
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=100, sort_output=False, include_previous=True)
        path.write_bytes(buffer.getvalue())
        report.languages[language.tag] = counts
        try:
            load_catalog(find_language(language.tag), path)
        except CatalogError as error:
            report.problems.append(str(error))
    return report


def _id(message) -> str:
    return message.id[0] if isinstance(message.id, (tuple, list)) else message.id


def _translated(string) -> bool:
    return all(string) if isinstance(string, (tuple, list)) else bool(string)
