"""The language the lecture is written and spoken in, named once.

Every output that says which language it is in takes it from here: the MP4s' audio and
subtitle tracks (ISO 639-2, what MP4 stores), the WebVTT files, the presenter page, the
handout and the deck (BCP 47). The wording is English for now; a render option will
choose among languages once there is more than one.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Language", "ENGLISH", "LECTURE_LANGUAGE"]


@dataclass(frozen=True)
class Language:
    tag: str  # BCP 47 (HTML lang, PDF /Lang, WebVTT, Office): "en"
    iso639_2: str  # ISO 639-2/T, the code an MP4 track's language is stored as: "eng"
    name: str  # in the language itself, as a caption track's label: "English"


ENGLISH = Language("en", "eng", "English")
LECTURE_LANGUAGE = ENGLISH
