"""The languages the lecture can be written and spoken in, each named once.

Every output that says which language it is in takes it from the render's language: the
MP4s' audio and subtitle tracks (ISO 639-2, what MP4 stores), the WebVTT files, the
presenter page, the handout and the deck (BCP 47). A language's words come from its
catalog (lecture/i18n.py, lecture/locale/TAG.po); its numbers' symbols and its plural
rule from the CLDR locale Babel knows it by.

`qps` is a pseudo-language for tests: every translated string in «…», numbers written
with French symbols, so a text that escaped the catalogs, or a number written the English
way, shows at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Language", "LANGUAGES", "ENGLISH", "GERMAN", "PSEUDO", "DEFAULT_LANGUAGE",
           "LECTURE_LANGUAGE", "find_language", "language_names"]


@dataclass(frozen=True)
class Language:
    tag: str  # BCP 47 (HTML lang, PDF /Lang, WebVTT, Office) and the catalog's name: "de"
    iso639_2: str  # ISO 639-2/T, the code an MP4 track's language is stored as: "deu"
    name: str  # in the language itself, as a caption track's label: "Deutsch"
    locale: str  # the CLDR locale of its numbers and plurals (Babel): "de"
    pseudo: bool = False  # made from the template, not translated (tests)


ENGLISH = Language("en", "eng", "English", "en")
GERMAN = Language("de", "deu", "Deutsch", "de")
# ISO 639-2 reserves qaa-qtz for local use; "qps" is the usual pseudo-locale's code.
PSEUDO = Language("qps", "qps", "Pseudo", "fr", pseudo=True)
LANGUAGES: dict[str, Language] = {lang.tag: lang for lang in (ENGLISH, GERMAN, PSEUDO)}
DEFAULT_LANGUAGE = ENGLISH
LECTURE_LANGUAGE = DEFAULT_LANGUAGE  # the source language: the catalogs' msgids are English


def language_names() -> list[str]:
    return list(LANGUAGES)


def find_language(tag: str | None) -> Language:
    """The language of `tag` ("de"; None: the default); KeyError naming the known ones."""
    if not tag:
        return DEFAULT_LANGUAGE
    key = tag.strip().lower().replace("_", "-")
    for language in LANGUAGES.values():
        if key in (language.tag, language.iso639_2):
            return language
    raise KeyError(f"unknown language '{tag}'; the lecture speaks: "
                   + ", ".join(f"{lang.tag} ({lang.name})" for lang in LANGUAGES.values()))
