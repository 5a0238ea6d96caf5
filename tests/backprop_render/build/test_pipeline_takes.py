"""A deck spoken with the lecturer's takes, through the pipeline with a stand-in Manim whose
beats are spoken by the real narrator (narration/narrator.py): which slides render again when
a parameter or a take changes, and what the render says about the takes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from backprop_core import load_params
from backprop_render.build import pipeline
from backprop_render.build.result import SlideResult
from backprop_render.build.slide_render import speech_dir_for
from backprop_render.present import build as present_build
from backprop_render.present.recording import TAKES_DATA, TODO_FILE
from backprop_render.progress import Progress
from backprop_render.quality import Quality
from lecture.slides import SLIDES, Slide, beat_id
from narration import takes
from narration.narrator import TAKE, BeatNarrator
from narration.takes import FRESH, MISSING, NEW, STALE
from tests.backprop_render.build.test_pipeline import PREVIEW, FakeRenderer
from tests.narration.take_media import speechlike, write_audio


def sentences(slide: Slide, params: dict) -> dict[str, str]:
    """The beats of the stand-in scene and their sentences: slide 4's second says lr."""
    said = {"opening": f"Slide {slide.number} opens."}
    if slide.number == 4:
        said["take_one_step"] = f"We step by lr = {params['lr']}."
    return said


class SpeakingRenderer(FakeRenderer):
    """The stand-in Manim, its beats spoken as a scene speaks them (voice none, so the beats
    without a take are silent), into the slide's speech folder; slide 4 reads lr."""

    def __init__(self) -> None:
        super().__init__(reads={4: ["params.lr"]})

    def __call__(self, slide: Slide, params_file: Path, quality: Quality, workdir: Path,
                 gif_width: int | None, cache_dir: Path | None = None,
                 theme: str = "dark", voice: str | None = None,
                 language: str = "en", checkpoints: str = "all") -> SlideResult:
        result = super().__call__(slide, params_file, quality, workdir, gif_width, cache_dir,
                                  theme, voice, language, checkpoints)
        narrator = BeatNarrator.from_environment(speech_dir_for(workdir))
        narration = []
        for name, text in sentences(slide, json.loads(params_file.read_text())).items():
            said = narrator.speak(takes.BeatLine(beat_id(slide.slug, name), slide.number, name,
                                                 text, text))
            narration.append({"beat": name, "text": text, "spoken": text, "start": 0.0,
                              "source": said.source, "speech": said.key, "take": said.take})
        result.manifest.update(narration=narration, voice=narrator.voice)
        return result


def render(out: Path, folder: Path, renderer: FakeRenderer, numbers=(2, 4),
           **params) -> pipeline.RenderSummary:
    request = pipeline.RenderRequest(tuple(SLIDES[n - 1] for n in numbers),
                                     load_params(None, params), PREVIEW, out, None,
                                     present=True, cache_dir=out.parent / "cache", takes=folder)
    return pipeline.run(request, Progress(io.StringIO(), "quiet"), renderer)


def record(folder: Path, slide: int, name: str, sentence: str, seed: int = 1) -> Path:
    """A take of the beat, spoken for `sentence`, with its record."""
    beat = takes.BeatLine(beat_id(SLIDES[slide - 1].slug, name), slide, name, sentence, sentence)
    path = write_audio(folder / f"{beat.id}.ogg", speechlike(2.0, 48000, seed=seed)[0], 48000)
    takes.write_record(folder, takes.record_for(beat, path, "test"))
    return path


@pytest.fixture
def deck(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """Takes of the three beats, slide 4's for lr = 0.01, a second file for a beat and one for
    no beat; the recording page's build stood in for (tests/backprop_render/present cover
    it)."""
    def present(folder, entries) -> present_build.PresentResult:
        (folder.path / "present").mkdir(exist_ok=True)
        return present_build.PresentResult()

    monkeypatch.setattr(present_build, "build", present)
    folder = tmp_path / "takes"
    folder.mkdir()
    record(folder, 2, "opening", "Slide 2 opens.")
    record(folder, 4, "opening", "Slide 4 opens.")
    record(folder, 4, "take_one_step", "We step by lr = 0.01.")
    for name in ("gradient-descent.take_one_stpe", "forward-propagation.opening"):
        write_audio(folder / f"{name}.wav", speechlike(2.0, 8000)[0], 8000)
    return tmp_path / "out", folder


def states(summary: pipeline.RenderSummary) -> dict[str, str]:
    return {take.beat.id: take.state for take in summary.takes.beats}


def test_a_new_lr_makes_exactly_the_beats_whose_sentences_changed_stale(deck) -> None:
    out, folder = deck
    renderer = SpeakingRenderer()
    summary = render(out, folder, renderer)
    assert [n for n, _ in renderer.calls] == [2, 4]
    assert set(states(summary).values()) == {FRESH}
    facts = json.loads((out / "facts.json").read_text())
    assert all(b["source"] == TAKE for e in facts["slides"] for b in e["manifest"]["narration"])
    assert [(p.name, why) for p, why in summary.takes.unknown] == [
        ("gradient-descent.take_one_stpe.wav",
         "no beat of the lecture is called 'gradient-descent.take_one_stpe'"),
        ("forward-propagation.opening.wav", "not used: the record of beat "
         "forward-propagation.opening names forward-propagation.opening.ogg")]
    assert "gradient-descent.take_one_stpe.wav" in (out / TODO_FILE).read_text()

    renderer = SpeakingRenderer()
    summary = render(out, folder, renderer, lr=0.02)
    assert [n for n, _ in renderer.calls] == [4]  # slide 2 says nothing of lr: kept
    assert states(summary) == {"forward-propagation.opening": FRESH,
                               "gradient-descent.opening": FRESH,
                               "gradient-descent.take_one_step": STALE}
    stale, = summary.takes.having(STALE)
    assert (stale.old_sentence, stale.beat.text) == ("We step by lr = 0.01.",
                                                     "We step by lr = 0.02.")
    todo = (out / TODO_FILE).read_text()
    assert "## Stale: the sentence changed since the take was recorded (1)" in todo
    assert "  - was: We step by lr = 0.01.\n  - now: We step by lr = 0.02." in todo
    page = (out / "present" / TAKES_DATA).read_text()
    assert '"state": "stale"' in page and '"old": "We step by lr = 0.01."' in page

    def stamps() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in [*out.iterdir(), *folder.iterdir(),
                                                       *(out / "present").iterdir()]}

    before, renderer = stamps(), SpeakingRenderer()
    assert states(render(out, folder, renderer, lr=0.02)) == states(summary)
    assert renderer.calls == []  # a stale take stays stale, and its slide as it was
    assert stamps() == before  # nothing written, in the output folder or the takes'


def test_a_take_recorded_again_renders_only_its_slide(deck) -> None:
    out, folder = deck
    render(out, folder, SpeakingRenderer())
    record(folder, 2, "opening", "Slide 2 opens.", seed=7)
    renderer = SpeakingRenderer()
    render(out, folder, renderer)
    assert [n for n, _ in renderer.calls] == [2]
    (folder / "gradient-descent.take_one_step.ogg").unlink()
    renderer = SpeakingRenderer()
    summary = render(out, folder, renderer)
    assert [n for n, _ in renderer.calls] == [4]
    assert states(summary)["gradient-descent.take_one_step"] == MISSING
    # Rendered without takes: nothing is left to say what they were.
    request = pipeline.RenderRequest((SLIDES[1],), load_params(None, {}), PREVIEW, out, None,
                                     present=True, cache_dir=out.parent / "cache")
    summary = pipeline.run(request, Progress(io.StringIO(), "quiet"), FakeRenderer())
    assert summary.takes is None
    assert not (out / TODO_FILE).exists() and not (out / "present" / TAKES_DATA).exists()


def test_a_new_folder_takes_a_finished_slide_only_while_its_takes_are_the_same(deck) -> None:
    out, folder = deck
    render(out, folder, SpeakingRenderer())
    renderer = SpeakingRenderer()
    summary = render(out.parent / "copy", folder, renderer)
    assert renderer.calls == [] and [s.number for s in summary.taken] == [2, 4]
    assert set(states(summary).values()) == {FRESH}
    record(folder, 2, "opening", "Slide 2 opens.", seed=7)  # slide 2's take recorded again
    renderer = SpeakingRenderer()
    summary = render(out.parent / "another", folder, renderer)
    assert [n for n, _ in renderer.calls] == [2] and [s.number for s in summary.taken] == [4]


def test_a_take_made_elsewhere_gets_its_record_and_is_not_rendered_for_it(deck) -> None:
    out, folder = deck
    (folder / "forward-propagation.opening.json").unlink()  # a file from Audacity, say
    (folder / "forward-propagation.opening.wav").unlink()  # else: which one is the take?
    summary = render(out, folder, SpeakingRenderer())
    assert states(summary)["forward-propagation.opening"] == NEW
    assert summary.adopted == ["forward-propagation.opening"]
    written = takes.read_record(folder / "forward-propagation.opening.json")
    assert (written.sentence, written.made) == ("Slide 2 opens.", "adopted")
    renderer = SpeakingRenderer()
    summary = render(out, folder, renderer)
    assert renderer.calls == [] and summary.adopted == []


def test_a_missing_takes_folder_is_said_before_anything_renders(tmp_path) -> None:
    from backprop_render.errors import UsageError

    with pytest.raises(UsageError, match="the takes folder .*nowhere does not exist"):
        render(tmp_path / "out", tmp_path / "nowhere", SpeakingRenderer())
    assert not (tmp_path / "out" / "facts.json").exists()
