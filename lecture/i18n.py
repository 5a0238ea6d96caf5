"""The lecture's words in another language, or in the lecturer's own English: gettext catalogs.

Every string a viewer reads or hears is a catalog entry: its English text (the msgid,
written where it is used, so a slide's `construct()` still reads as its narration), a
context naming where it is said (a beat's id, `gradient-descent.take_one_step`, for a
narration sentence; the slide's slug for its on-screen texts; a verdict table's name
and the verdict for a sentence chosen by how the lesson turned out; `presenter`,
`handout`, ... for the other outputs) and, for a number, a placeholder `@name` that the
code binds to a lesson value. `catalogs.py` extracts them all into the template
`lecture/locale/lecture.pot`; `./render.sh catalogs update` merges it into every
language's `TAG.po` (Poedit, Weblate and Crowdin edit those).

A catalog is read with Babel. Its translations are checked before anything renders: an
entry that drops, adds or renames a placeholder, or writes a number where the English
has none (a typed number is no lesson fact), is refused with the entry named
(`CatalogError`). Untranslated and fuzzy entries fall back to English, and the render says
which, once (`Catalog.fallbacks`). `en.po` holds the lecturer's own English: an entry
translated there replaces the built-in sentence, with the same checks.

Plural forms follow the language's CLDR rule ("1 epoch", "3 epochs"): a message with a
plural (`N_(..., plural=...)`) is chosen by a count.

Reading a catalog with Babel takes about 0.4 s (its import and the parse): a render reads
it once and keeps the checked result as JSON where $BACKPROP_CATALOGS says (in the user's
private cache folder, lecture/user_cache.py), with the digests of the .po files it came
from; every slide process, and the next render, takes it from there while they match.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from lecture import contract
from lecture.language import ENGLISH, Language, find_language

__all__ = ["Message", "N_", "Catalog", "TrackedCatalog", "CatalogError", "LOCALE_DIR", "TEMPLATE",
           "catalog_for", "catalog_file", "placeholder_problem", "words_of", "pseudo",
           "fill_words", "MARKUP", "catalog_sources"]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
TEMPLATE = LOCALE_DIR / "lecture.pot"
_PLACEHOLDER = re.compile(r"@([A-Za-z_]\w*)", re.ASCII)  # as lecture.facts.PLACEHOLDER
_DIGITS = re.compile(r"\d+")
# Markup a message may carry (scenes/kit/slide.py draws it): **bold**, `monospace`.
MARKUP = re.compile(r"\*\*|`")
_LETTER = re.compile(r"[^\W\d_]")


class Message(str):
    """An English string to be translated, with where it is said (its context) and,
    optionally, its plural. Behaves as the English string everywhere else."""

    context: str | None
    plural: str | None

    def __new__(cls, text: str, context: str | None = None,
                plural: str | None = None) -> Message:
        message = super().__new__(cls, text)
        message.context, message.plural = context, plural
        return message

    def __reduce__(self):  # type: ignore[override]
        return (Message, (str(self), self.context, self.plural))


def N_(text: str, context: str | None = None, plural: str | None = None) -> Message:  # noqa: N802
    """Mark `text` as a catalog entry (gettext's name for a string translated later, where
    it is used). `context`: where it is said; in a slide's module, the slide by default."""
    return Message(text, context, plural)


class CatalogError(ValueError):
    """A catalog that cannot be used: unreadable, or with translations that break a
    placeholder (each named)."""


def words_of(text: str) -> bool:
    """Whether `text` has words to translate (not only placeholders, numbers and symbols)."""
    return bool(_LETTER.search(_PLACEHOLDER.sub("", text)))


def _names(text: str) -> Counter[str]:
    return Counter(_PLACEHOLDER.findall(text))


def placeholder_problem(source: str, translation: str) -> str | None:
    """Why `translation` may not stand for `source`, or None: it must keep every
    placeholder, add none, type no number the English does not have and keep its markup."""
    have, want = _names(translation), _names(source)
    if have != want:
        lost = sorted((want - have).elements())
        extra = sorted((have - want).elements())
        parts = ([f"drops @{', @'.join(lost)}"] if lost else []) + (
            [f"adds @{', @'.join(extra)}"] if extra else [])
        return " and ".join(parts) + " (placeholders must be kept as they are)"
    digits = Counter(_DIGITS.findall(_PLACEHOLDER.sub(" ", translation)))
    allowed = Counter(_DIGITS.findall(_PLACEHOLDER.sub(" ", source)))
    typed = sorted((digits - allowed).elements())
    if typed:
        return (f"types the number {', '.join(typed)} (a number is a placeholder, bound to a "
                "lesson value)")
    if Counter(MARKUP.findall(translation)) != Counter(MARKUP.findall(source)):
        return "changes the markup (** for bold, ` for monospace)"
    return None


def pseudo(text: str) -> str:
    """`text` in the pseudo-language: marked «…», its placeholders and markup intact."""
    return f"\u00ab{text}\u00bb" if text else text


def fill_words(template: str, values: Mapping[str, str]) -> str:
    """`template` with each `@name` replaced by `values[name]` (words, not lesson numbers)."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def _context(message: str, context: str | None) -> str | None:
    """The context `message` is looked up in: a Message's own first, else `context`."""
    return message.context if isinstance(message, Message) and message.context else context


def catalog_file(language: Language) -> Path:
    return LOCALE_DIR / f"{language.tag}.po"


Key = tuple[str, str]  # (context, msgid)


@dataclass
class Catalog:
    """The translations of one language, checked, with the English they replace."""

    language: Language
    # (context, msgid) -> the translated forms (one, or one per plural form)
    entries: dict[Key, tuple[str, ...]] = field(default_factory=dict)
    # entries known to the template but shown in English: untranslated or fuzzy
    fallbacks: list[str] = field(default_factory=list)
    english: Catalog | None = None  # the lecturer's own English (en.po), for fallbacks
    known: frozenset[Key] = frozenset()  # the template's entries (the pseudo-language marks them)

    def text(self, message: str, context: str | None = None, count: int | None = None) -> str:
        """`message` in this language: its translation in `context` (a Message's own
        context first), or its English; a plural's form chosen by `count`."""
        ctx = _context(message, context)
        plural = message.plural if isinstance(message, Message) else None
        key = (ctx or "", str(message))
        forms = self.entries.get(key)
        if forms is None and self.language.pseudo and key in self.known:
            english = self.english.text(message, ctx, count) if self.english is not None \
                else (plural if plural is not None and count not in (None, 1) else str(message))
            return pseudo(english)
        if forms is None:
            if self.english is not None:
                return self.english.text(message, ctx, count)
            return plural if plural is not None and count is not None and count != 1 \
                else str(message)
        if len(forms) == 1 or count is None:
            return forms[0]
        return forms[min(self._plural_index(count), len(forms) - 1)]

    def to_json(self) -> dict:
        return {"language": self.language.tag, "fallbacks": self.fallbacks,
                "entries": [[c, i, list(f)] for (c, i), f in self.entries.items()],
                "known": sorted(self.known),
                "english": self.english.to_json() if self.english is not None else None}

    @classmethod
    def from_json(cls, data: dict) -> Catalog:
        english = data.get("english")
        return cls(find_language(data["language"]),
                   {(c, i): tuple(f) for c, i, f in data["entries"]}, list(data["fallbacks"]),
                   cls.from_json(english) if english else None,
                   frozenset((c, i) for c, i in data["known"]))

    def _plural_index(self, count: int) -> int:
        # gettext's index for the two-form languages the lecture has: CLDR's "one" first.
        return 0 if _plural_category(self.language.locale, count) == "one" else 1


@dataclass
class TrackedCatalog(Catalog):
    """A catalog that records each text it gives, as a scene takes its words: keyed by
    what was asked (context, message, count), in the order first asked. Manim's cache
    keys each animation on the words taken before it (scenes/speedups/play_key.py)."""

    given: dict[tuple[str, str, int | None], str] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog: Catalog) -> TrackedCatalog:
        return cls(catalog.language, catalog.entries, catalog.fallbacks, catalog.english,
                   catalog.known)

    def text(self, message: str, context: str | None = None, count: int | None = None) -> str:
        found = super().text(message, context, count)
        self.given.setdefault((_context(message, context) or "", str(message), count), found)
        return found


@lru_cache(maxsize=None)
def _plural_category(locale: str, count: int) -> str:
    from babel import Locale

    return Locale.parse(locale).plural_form(count)


def _read(path: Path, language: Language) -> tuple[dict[Key, tuple[str, ...]], list[str],
                                                    list[str]]:
    """The usable translations of the .po file at `path`, the entries it leaves in English
    (untranslated or fuzzy) and the problems of those it refuses."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language.locale, abort_invalid=True)
    except (OSError, PoFileError, ValueError, UnicodeDecodeError) as error:
        raise CatalogError(f"the catalog {path} cannot be read: {error}") from None
    entries: dict[Key, tuple[str, ...]] = {}
    fallbacks: list[str] = []
    problems: list[str] = []
    for message in catalog:
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) \
            else (message.string,)
        name = entry_name(message.context, ids[0])
        if message.fuzzy or not all(strings):
            fallbacks.append(name)
            continue
        for index, text in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            problem = placeholder_problem(source, text)
            if problem:
                problems.append(f"{name}: the translation {text!r} {problem}")
        entries[(message.context or "", ids[0])] = tuple(strings)
    return entries, fallbacks, problems


def entry_name(context: str | None, msgid: str) -> str:
    """An entry as a message names it: its context and the start of its English."""
    short = msgid if len(msgid) <= 48 else msgid[:45] + "..."
    return f"[{context}] {short!r}" if context else repr(short)


def template_keys(path: Path = TEMPLATE) -> frozenset[Key]:
    from babel.messages.pofile import read_po

    try:
        with path.open("rb") as handle:
            template = read_po(handle)
    except OSError:
        return frozenset()
    return frozenset((m.context or "", m.id[0] if isinstance(m.id, (tuple, list)) else m.id)
                     for m in template if m.id)


def load_catalog(language: Language, path: Path | None = None,
                 english: Catalog | None = None, known: Iterable[Key] = ()) -> Catalog:
    """The checked catalog of `language` from `path` (default lecture/locale/TAG.po; a
    language without one speaks English). CatalogError names every refused entry."""
    known_keys = frozenset(known)
    if language.pseudo:
        return Catalog(language, english=english, known=known_keys or template_keys())
    path = path or catalog_file(language)
    if not path.is_file():
        return Catalog(language, english=english, known=known_keys)
    entries, fallbacks, problems = _read(path, language)
    if problems:
        raise CatalogError(f"{path.name}: {len(problems)} translation(s) refused:\n  "
                           + "\n  ".join(problems))
    if language == ENGLISH:  # the lecturer's own English: untranslated means "as built in"
        fallbacks = []
    return Catalog(language, entries, fallbacks, english, known_keys)


def catalog_sources(tag: str, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """The files a language's catalog is read from, those that exist: its own, the
    lecturer's English under it, and the template (which the pseudo-language marks)."""
    names = dict.fromkeys([f"{tag}.po", "en.po", TEMPLATE.name])
    return [locale_dir / name for name in names if (locale_dir / name).is_file()]


def _digests(tag: str) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in catalog_sources(tag)}


def _kept_file() -> Path | None:
    """$BACKPROP_CATALOGS, if it names a file in a folder only this user can write (what is
    there was checked when it was written: nobody else may put translations there)."""
    from lecture.user_cache import private_problem

    path = os.environ.get(contract.CATALOGS)
    if not path or private_problem(Path(path).parent) is not None:
        return None
    return Path(path)


def _kept(tag: str) -> dict:
    """The checked catalogs kept in $BACKPROP_CATALOGS, if any: tag -> {digests, catalog}."""
    path = _kept_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=None)
def catalog_for(tag: str | None) -> Catalog:
    """The catalog of the language `tag` (None: the default), with the lecturer's English
    under it; read once per process, from $BACKPROP_CATALOGS when it holds it as the .po
    files are now. CatalogError if a translation is refused."""
    language = find_language(tag)
    digests = _digests(language.tag)
    kept = _kept(language.tag).get(language.tag)
    if isinstance(kept, dict) and kept.get("digests") == digests:
        try:
            return Catalog.from_json(kept["catalog"])
        except (KeyError, TypeError, ValueError):
            pass  # not as this code writes it: read the catalogs again
    english = load_catalog(ENGLISH)
    catalog = english if language == ENGLISH else load_catalog(language, english=english)
    _keep(language.tag, digests, catalog)
    return catalog


def _keep(tag: str, digests: dict[str, str], catalog: Catalog) -> None:
    """Keep the checked catalog where $BACKPROP_CATALOGS says (best effort: a folder that
    cannot take it only means the next process reads the .po files itself)."""
    target = _kept_file()
    if target is None:
        return
    data = _kept(tag)
    data[tag] = {"digests": digests, "catalog": catalog.to_json()}
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        staged.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(staged, target)
    except OSError:
        staged.unlink(missing_ok=True)

