"""Which voice speaks a language: the bundled one of that language, never another's."""

from __future__ import annotations

import pytest

from backprop_render.cli.options import check_voice
from backprop_render.errors import UsageError
from lecture.voices import DRAFT_VOICE, NO_VOICE, choose_voice


def test_english_is_spoken_by_its_bundled_voice_and_another_language_is_silent():
    assert choose_voice(None, "en").name == "joe"
    silent = choose_voice(None, "de", "Deutsch")
    assert silent.name == NO_VOICE and "no bundled voice speaks Deutsch" in silent.note


def test_an_english_voice_never_reads_german_but_the_draft_voice_may():
    with pytest.raises(ValueError, match="speaks en only, not Deutsch"):
        choose_voice("joe", "de", "Deutsch")
    assert choose_voice(DRAFT_VOICE, "de").name == DRAFT_VOICE
    assert choose_voice(NO_VOICE, "en").name == NO_VOICE


def test_the_command_line_says_so_in_one_message(capsys):
    with pytest.raises(UsageError, match="--voice espeak-draft"):
        check_voice("joe", "de")
    assert check_voice(None, "de") == NO_VOICE
    assert "silent, with subtitles" in capsys.readouterr().err


def test_an_unknown_language_is_refused_with_the_known_ones():
    from backprop_render.cli.options import check_language

    with pytest.raises(UsageError, match="de \\(Deutsch\\)"):
        check_language("xx")
    assert check_language("DE") == "de"
