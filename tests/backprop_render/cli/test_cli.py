"""The command line: parsing, and every kind of bad input stopping before a frame is drawn."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_render import REPO, cli, system
from backprop_render.build import pipeline
from backprop_render.cli.options import parse_slides
from backprop_render.system import Missing
from lecture.slides import SLIDES, Slide


@pytest.fixture
def no_render(monkeypatch):
    """Fail the test if anything reaches the renderer."""

    def refuse(*args, **kwargs):
        raise AssertionError("the render started despite bad input")

    monkeypatch.setattr(pipeline, "render_slide", refuse)


@pytest.fixture
def all_scenes_exist(monkeypatch):
    monkeypatch.setattr(Slide, "path", property(lambda self: Path(__file__)))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def numbers(slides) -> list[int]:
    return [s.number for s in slides]


def test_slides_by_number_range_slug_and_stem_in_deck_order_once_each():
    assert numbers(parse_slides(["6,2"])) == [2, 6]
    assert numbers(parse_slides(["3-5", "4"])) == [3, 4, 5]
    chosen = parse_slides(["backward-propagation", "01-what-is-backpropagation"])
    assert numbers(chosen) == [1, 6]
    assert numbers(parse_slides([" 7 , chain-rule "])) == [5, 7]


@pytest.mark.parametrize("value, message", [
    ("9", "unknown slide '9'. Slides are: 1 (what-is-backpropagation)"),
    ("2,backprop", "unknown slide 'backprop'"),
    ("5-3", "slide range '5-3' runs backwards; write 3-5."),
    (",", "--slides names no slide."),
])
def test_bad_slides_are_one_message_and_status_2(capsys, no_render, value, message):
    status, out, err = run(capsys, "--quality", "preview", "--slides", value)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and message in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, message", [
    (["--set", "learning_rate=0.1"], "unknown parameter 'learning_rate'. Did you mean 'lr'?"),
    (["--set", "lr=-1"], "parameter 'lr' (the learning rate) got '-1'"),
    (["--set", "lr"], "--set expects KEY=VALUE"),
    (["--set", "steps=2.5"], "parameter 'steps'"),
    (["--params", "/nonexistent/params.toml"],
     "parameter file '/nonexistent/params.toml' does not exist"),
    (["--gif-width", "10"], "--gif-width must be between 64 and 1920 pixels, got 10."),
])
def test_bad_parameters_are_one_message_and_status_2(capsys, no_render, argv, message):
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err == f"error: {err[7:]}" and message in err
    assert len(err.strip().splitlines()) == 1


def test_an_unreadable_toml_file_is_named(capsys, no_render, tmp_path):
    bad = tmp_path / "my.toml"
    bad.write_text("[params]\nlr = = 0.1\n")
    status, _, err = run(capsys, "--params", str(bad))
    assert status == 2 and f"parameter file '{bad}' is not valid TOML" in err


def test_an_unusable_output_folder_stops_before_rendering(capsys, no_render, tmp_path):
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("")
    status, out, err = run(capsys, "--quality", "preview", "--slides", "2",
                           "--out", str(in_the_way / "out"))
    assert status == 2 and out == ""
    assert f"cannot use the output folder '{in_the_way / 'out'}': " \
        "a file of that name is in the way" \
        in err


def test_missing_system_pieces_stop_before_rendering_with_the_install_command(
        capsys, no_render, monkeypatch, tmp_path):
    monkeypatch.setattr(system, "missing_pieces", lambda path=None: [
        Missing("dvisvgm", "dvisvgm", "the 'dvisvgm' command is not on PATH")])
    status, _, err = run(capsys, "--slides", "2", "--out", str(tmp_path / "out"))
    assert status == 3
    assert "dvisvgm missing" in err and "apt-get install -y --no-install-recommends dvisvgm" in err
    assert not (tmp_path / "out").exists()  # checked before the output folder is touched


def test_an_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["--qualty", "preview"])
    assert caught.value.code == 2
    assert "unrecognized arguments: --qualty" in capsys.readouterr().err


def test_a_slide_without_its_scene_is_refused_by_name(capsys, no_render, monkeypatch):
    monkeypatch.setattr(Slide, "path",
                        property(lambda self: Path("/nowhere") / f"{self.module}.py"))
    status, _, err = run(capsys, "--slides", "5")
    assert status == 2 and "no scene yet for slide 5" in err
    status, _, err = run(capsys)
    assert status == 2 and "no slide has a scene yet" in err


def test_help_documents_every_option_quality_parameter_and_output(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for option in ("--quality", "--slides", "--set", "--params", "--out", "--no-gif",
                   "--gif-width", "--quiet"):
        assert option in text
    for word in ("preview", "720p", "1080p", "4k", "test", "facts", "lecture.mp4", "lecture.srt",
                 "facts.json", "06-backward-propagation.mp4", ".gif", ".png", ".srt"):
        assert word in text
    for name, default in (("x", "2.1"), ("lr", "0.01"), ("hidden", "4"), ("seed", "4")):
        assert any(line.split()[:2] == [name, default]
                   for line in text.splitlines() if line.strip())
    assert cli.main(["help"]) == 0


def test_facts_prints_the_lesson_as_json(capsys):
    status, out, _ = run(capsys, "facts", "--set", "lr=0.1")
    assert status == 0 and json.loads(out)["params"]["lr"] == 0.1


def test_list_names_every_slide(capsys):
    status, out, _ = run(capsys, "list")
    assert status == 0
    assert [line.split()[:2] for line in out.splitlines()] == \
        [[str(s.number), s.slug] for s in SLIDES]


def test_the_request_carries_what_was_asked(capsys, monkeypatch, tmp_path, all_scenes_exist):
    seen = {}

    def fake_run(request, progress, renderer=None):
        seen["request"], seen["mode"] = request, progress.mode
        return pipeline.RenderSummary(request.out, lecture_problem="nothing rendered in this test")

    monkeypatch.setattr(pipeline, "run", fake_run)
    status, out, _ = run(capsys, "--quality", "720p", "--slides", "2,6", "--set", "lr=0.1",
                         "--set", "x=3", "--out", str(tmp_path), "--no-gif", "--quiet")
    request = seen["request"]
    assert status == 0 and seen["mode"] == "quiet"
    assert (request.quality.name, numbers(request.slides), request.out) == \
        ("720p", [2, 6], tmp_path)
    assert (request.params.lr, request.params.x, request.gif_width) == (0.1, 3.0, None)
    assert "lecture.mp4 not rebuilt: nothing rendered in this test" in out
    assert (request.theme, request.checkpoints) == ("dark", "all")  # the defaults


def test_defaults_render_every_slide_at_1080p_with_gifs_into_out(capsys, monkeypatch,
                                                                 all_scenes_exist):
    seen = {}
    monkeypatch.setattr(pipeline, "run", lambda request, progress, renderer=None: (
        seen.setdefault("request", request), pipeline.RenderSummary(request.out))[1])
    assert run(capsys)[0] == 0
    request = seen["request"]
    assert (request.quality.name, numbers(request.slides), request.gif_width) == \
        ("1080p", list(range(1, 9)), 768)
    assert request.out == REPO / "out"
    assert request.params == __import__("backprop_core").load_params(None)


# ----- issue 17: themes; issue 27: checkpoints ----------------------------------------------

@pytest.mark.parametrize("option, good, bad", [("--theme", "light", "sepia"),
                                               ("--checkpoints", "none", "some")])
def test_a_choice_option_reaches_the_request_and_another_value_is_refused(
        option, good, bad, capsys, monkeypatch, tmp_path, all_scenes_exist):
    seen = {}
    monkeypatch.setattr(pipeline, "run", lambda request, progress, renderer=None: (
        seen.setdefault("request", request), pipeline.RenderSummary(request.out))[1])
    assert run(capsys, option, good, "--out", str(tmp_path), "--quiet")[0] == 0
    assert getattr(seen["request"], option.removeprefix("--")) == good
    with pytest.raises(SystemExit) as exit_info:
        cli.main([option, bad, "--out", str(tmp_path)])
    assert exit_info.value.code == 2 and bad in capsys.readouterr().err


# ----- issue 25: one parser, a subparser per command, shared options declared once ---------

def test_help_of_a_command_and_the_default_help(capsys):
    assert cli.main(["help", "sweep"]) == 0
    assert capsys.readouterr().out.startswith("usage: ./render.sh sweep (--set KEY=V1,V2,...")
    assert cli.main(["help"]) == 0
    assert "commands:\n  (none), render" in capsys.readouterr().out


def test_render_and_sweep_share_their_options_and_their_checks(capsys, no_render, tmp_path):
    def options(command: str) -> dict[str, tuple]:
        return {a.option_strings[-1]: (a.default, a.choices, a.help)
                for a in cli.command_parser(command)._actions if a.option_strings}

    render, sweep = options("render"), options("sweep")
    shared = {"--quality", "--slides", "--theme", "--voice", "--no-gif", "--gif-width",
              "--params", "--force", "--quiet"}
    assert shared <= render.keys() & sweep.keys()
    assert all(render[o] == sweep[o] for o in shared)  # declared once: the same in both
    assert render["--set"][2] != sweep["--set"][2]  # a value vs lists of values: not shared
    for command in ([], ["sweep", "--set", "lr=0.1,0.2", "--out", str(tmp_path)]):
        status, _, err = run(capsys, *command, "--voice", "bob")
        assert (status, err) == (2, "error: unknown voice 'bob'; the voices are: joe, "
                                    "espeak-draft, none.\n")


def test_an_unknown_option_of_a_command_is_refused_by_that_command(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["sweep", "--out", "x", "--qualty", "preview"])
    assert caught.value.code == 2
    assert "render.sh sweep: error: unrecognized arguments: --qualty preview" in \
        capsys.readouterr().err


def test_test_hands_every_argument_to_pytest_as_given(monkeypatch):
    import os

    started = {}
    monkeypatch.setattr(os, "chdir", lambda path: started.setdefault("cwd", path))
    monkeypatch.setattr(os, "execv", lambda exe, argv: started.setdefault("argv", argv))
    cli.main(["test", "-m", "not e2e", "-h", "--", "tests/x.py"])
    assert started["argv"][1:] == ["-m", "pytest", "-m", "not e2e", "-h", "--", "tests/x.py"]
    assert started["cwd"] == REPO


def test_facts_refuses_a_bad_parameter_as_a_render_does(capsys):
    status, out, err = run(capsys, "facts", "--set", "lr=-1")
    assert (status, out) == (2, "") and err.startswith("error: parameter 'lr'")


def test_a_reader_that_goes_away_ends_the_command_without_a_traceback():
    # `./render.sh facts | head -c 10`: the pipe closes while the lesson is printed.
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL)
    command = subprocess.run([sys.executable, "-m", "backprop_render", "facts"],
                             stdout=reader.stdin, stderr=subprocess.PIPE, cwd=REPO,
                             text=True, timeout=60)
    reader.stdin.close()
    reader.wait(timeout=10)
    assert "Traceback" not in command.stderr
    assert command.returncode == 141
