"""--voice: the default narrator, `none`, an unknown name, and the phonemizer it needs."""

from __future__ import annotations

import pytest

from backprop_render import cli, system
from backprop_render.build import pipeline
from backprop_render.errors import SetupError
from tests.backprop_render.cli.test_cli import all_scenes_exist, no_render, run  # noqa: F401
from tests.backprop_render.test_system import bare_path  # noqa: F401


def test_an_unknown_voice_is_status_2_listing_the_voices(capsys, no_render):  # noqa: F811
    status, out, err = run(capsys, "--voice", "bob")
    assert (status, out) == (2, "")
    assert err == "error: unknown voice 'bob'; the voices are: joe, espeak-draft, none.\n"


@pytest.mark.parametrize("argv, voice", [([], "joe"), (["--voice", "none"], "none")])
def test_the_request_carries_the_voice(capsys, monkeypatch, all_scenes_exist,  # noqa: F811
                                       argv, voice):
    seen = {}
    monkeypatch.setattr(pipeline, "run", lambda request, progress, renderer=None: (
        seen.setdefault("request", request), pipeline.RenderSummary(request.out))[1])
    assert run(capsys, "--quality", "preview", *argv)[0] == 0
    assert seen["request"].voice == voice


def test_help_names_the_voices_and_the_script(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    assert "--voice" in text and "joe" in text and "lecture-script.md" in text


def test_a_voice_without_espeak_ng_is_named_with_its_install_command(bare_path):  # noqa: F811
    with pytest.raises(SetupError) as caught:
        system.check_system(path=bare_path, voice="joe")
    problem, install = str(caught.value).split("Install with:\n", 1)
    assert "espeak-ng" in problem and "espeak-ng" in install.split()
    assert system.missing_voice(path=bare_path)[0].role == "voice"
    assert "espeak-ng" in system.debian_packages("voice")


def test_this_machine_after_set_up_can_speak():
    assert system.missing_voice() == []


def test_a_slides_key_changes_with_the_voice_so_no_silent_video_passes_for_a_narrated_one():
    from backprop_render.build import reuse
    from backprop_render.quality import find_quality
    from lecture.slides import SLIDES

    slides, quality = SLIDES[:1], find_quality("preview")
    silent = reuse.keys_for(slides, quality, None)
    assert reuse.keys_for(slides, quality, None, voice="none") == silent
    assert reuse.keys_for(slides, quality, None, voice="joe") != silent
    assert "backprop_render/media/audio.py" in reuse.PIPELINE_FILES
