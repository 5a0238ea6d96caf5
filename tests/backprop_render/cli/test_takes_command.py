"""--takes, and `./render.sh takes check|import`: takes checked or cut against a render."""

from __future__ import annotations

import json

from backprop_render.build import pipeline
from narration import takes
from tests.backprop_render.cli.test_cli import all_scenes_exist, no_render, run  # noqa: F401
from tests.narration.take_media import speechlike, write_audio
from tests.narration.test_takes import facts, record_take


def test_the_request_carries_the_takes_folder(capsys, monkeypatch, tmp_path,
                                              all_scenes_exist) -> None:  # noqa: F811
    seen = {}
    monkeypatch.setattr(pipeline, "run", lambda request, progress, renderer=None: (
        seen.setdefault("request", request), pipeline.RenderSummary(request.out))[1])
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "--quality", "preview", "--voice", "none", "--takes", "mine")[0] == 0
    assert (seen["request"].takes, seen["request"].voice) == (tmp_path / "mine", "none")


def test_check_says_beat_by_beat_what_a_folder_holds(capsys, tmp_path) -> None:
    (tmp_path / "facts.json").write_text(json.dumps(facts(lr="0.02", step="0.1596")))
    folder = tmp_path / "takes"
    folder.mkdir()
    old = {b.name: b for b in takes.lecture_beats(facts())}  # spoken for lr = 0.01
    record_take(folder, old["slope"])
    record_take(folder, old["step"])
    write_audio(folder / "backward-propagation.forward.wav", speechlike(4.0, 48000)[0], 48000)
    # Slide 1's: a beat of the lecture, though not of this render; and one of no beat.
    for name in ("what-is-backpropagation.title_card", "backward-propagation.forwrad"):
        write_audio(folder / f"{name}.wav", speechlike(2.0, 48000)[0], 48000)
    status, out, err = run(capsys, "takes", "check", str(folder), "--out", str(tmp_path),
                           "--adopt")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"Takes in {folder} for the render in {tmp_path}:",
        "  2 of 3 beats speak with your takes; 1 stale, 0 unusable, 0 not recorded yet",
        "    stale: gradient-descent.step",
        "      was: We step by minus lr times the slope, −(0.01)(−7.98) = 0.0798.",
        "      now: We step by minus lr times the slope, −(0.02)(−7.98) = 0.1596.",
        "    not a take: backward-propagation.forwrad.wav: no beat of the lecture is called "
        "'backward-propagation.forwrad'",
        "  recorded the sentence of 1 take(s) made elsewhere: backward-propagation.forward"]


def test_import_cuts_takes_by_their_labels_and_a_missing_render_is_said(capsys,
                                                                         tmp_path) -> None:
    (tmp_path / "facts.json").write_text(json.dumps(facts()))
    recording = write_audio(tmp_path / "all.wav", speechlike(6.0, 48000)[0], 48000)
    labels = tmp_path / "labels.txt"
    labels.write_text("0.5\t2.5\t4.slope\n3.0\t5.5\tgradient-descent.step\n5.6\t5.9\tcough\n")
    status, out, _ = run(capsys, "takes", "import", str(recording), str(labels), "--into",
                         str(tmp_path / "takes"), "--out", str(tmp_path))
    assert status == 0
    assert out.splitlines() == [
        f"Wrote 2 takes into {tmp_path / 'takes'}: gradient-descent.slope, "
        "gradient-descent.step",
        "  labels.txt, line 3 ('cough'), not used: names no beat of the lecture ('cough')"]
    status, out, err = run(capsys, "takes", "check", str(tmp_path / "takes"), "--out",
                           str(tmp_path / "none"))
    assert (status, out) == (2, "")
    assert err.startswith(f"error: {tmp_path / 'none'} holds no render (no facts.json)")
