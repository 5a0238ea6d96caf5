"""present/, lecture.pptx and handout.pdf from synthetic slides (no Manim, no browser)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from backprop_render.build.outputs import OutputFolder
from backprop_render.present import build as present
from lecture.slides import LECTURE_SUBTITLE, LECTURE_TITLE
from narration import takes
from tests.backprop_render.handout_check import handout_problems, structure
from tests.backprop_render.synthetic_beats import slide_entry


@pytest.fixture
def slides(tmp_path: Path) -> tuple[Path, list[dict]]:
    out = tmp_path / "out"
    out.mkdir()
    return out, [slide_entry(out, 1, [0, 10], 25), slide_entry(out, 2, [0, 8, 20], 30)]


def build(out: Path, entries: list[dict]) -> present.PresentResult:
    with OutputFolder(out) as folder:
        return present.build(folder, entries)


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file()}


def test_the_presenter_folder_holds_everything_it_loads(slides):
    out, entries = slides
    result = build(out, entries)
    assert (result.beats, result.rebuilt, result.slides_cut) == \
        (5, True, ["01-slide-1", "02-slide-2"])
    folder = out / "present"
    assert {p.name for p in folder.iterdir()} == {
        "index.html", "presenter.js", "presenter.css", "deck.js", "beats.json", "beats",
        "record.html", "record.js", "record.css"}
    deck = json.loads((folder / "deck.js").read_text().split("window.DECK = ", 1)[1][:-2])
    assert [(b["slide"], b["beat"]) for b in deck["beats"]] == \
        [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3)]
    # The recording page names takes by beat id and writes the records takes.py reads.
    assert [b["id"] for b in deck["beats"]][1:3] == ["slide-1.beat_2", "slide-2.beat_1"]
    assert deck["take_record"] == {"format": takes.RECORD_FORMAT,
                                   "version": takes.RECORD_VERSION}
    assert deck["beats"][3]["text"] == "Slide 2 says thing 2."
    assert deck["beats"][3]["id"] == "slide-2.beat_2"  # lecture.slides.beat_id
    assert deck["audio"] is True  # the synthetic slides have a narration track
    for beat in deck["beats"]:
        assert (folder / beat["video"]).is_file() and (folder / beat["poster"]).is_file()
    assert [b["duration"] for b in deck["beats"]] == \
        pytest.approx([10 / 15, 15 / 15, 8 / 15, 12 / 15, 10 / 15], abs=1e-3)
    # Our own page: nothing it names lives outside the folder.
    page = "".join((folder / name).read_text() for name in (
        "index.html", "presenter.js", "record.html", "record.js"))
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    assert not (out / ".staging").exists() and not list(out.glob(".staging-*"))


def test_the_deck_has_a_slide_per_beat_with_its_movie_poster_title_notes_and_autoplay(slides):
    out, entries = slides
    build(out, entries)
    deck = Presentation(str(out / "lecture.pptx"))
    assert len(deck.slides) == 5
    for slide, (number, beat, count) in zip(
            deck.slides, [(1, 1, 2), (1, 2, 2), (2, 1, 3), (2, 2, 3), (2, 3, 3)], strict=True):
        assert slide.shapes.title.text == f"{number}. Slide {number} ({beat}/{count})"
        assert slide.notes_slide.notes_text_frame.text == f"Slide {number} says thing {beat}."
        movies = [s for s in slide.shapes if s.shape_type == 16]  # MSO_SHAPE_TYPE.MEDIA
        assert len(movies) == 1
        parts = {r.reltype.rsplit("/", 1)[-1]: r.target_part for r in slide.part.rels.values()}
        assert parts["media"].content_type == "video/mp4"
        assert parts["image"].content_type == "image/jpeg"  # the poster: the beat's end frame
        call = slide._element.xpath(".//p:cTn[@presetClass='mediacall']")
        assert call and call[0].get("nodeType") == "afterEffect"  # plays by itself
        target = slide._element.xpath(".//p:cmd[@cmd='playFrom(0.0)']//p:spTgt/@spid")
        assert target == [str(movies[0].shape_id)]
    # Videos and posters are compressed already: stored, not deflated again; the XML is.
    import zipfile

    with zipfile.ZipFile(out / "lecture.pptx") as archive:
        kinds = {info.filename.rsplit(".", 1)[-1]: info.compress_type
                 for info in archive.infolist()}
    assert kinds["mp4"] == kinds["jpg"] == zipfile.ZIP_STORED
    assert kinds["xml"] == zipfile.ZIP_DEFLATED


def test_the_handout_has_a_page_per_slide(slides):
    out, entries = slides
    build(out, entries)
    assert len(PdfReader(out / "handout.pdf").pages) == 2


def test_nothing_changed_touches_nothing_and_one_changed_slide_recuts_only_its_beats(slides):
    out, entries = slides
    build(out, entries)
    before = stamps(out)
    again = build(out, entries)
    assert (again.rebuilt, again.beats) == (False, 5)
    assert stamps(out) == before
    # Slide 2 rendered again with other numbers: its video is new, slide 1's is not.
    entries[1] = slide_entry(out, 2, [0, 8, 20], 30, offset=50)
    third = build(out, entries)
    assert third.rebuilt and third.slides_cut == ["02-slide-2"]
    after = stamps(out)
    for name in ("01-slide-1-01.mp4", "01-slide-1-02.jpg"):
        assert after[f"present/beats/{name}"] == before[f"present/beats/{name}"]  # not rewritten
    assert after["present/beats/02-slide-2-01.mp4"] != before["present/beats/02-slide-2-01.mp4"]


def test_an_interrupted_build_leaves_the_old_presentation_whole(slides, monkeypatch):
    out, entries = slides
    build(out, entries)
    entries[0] = slide_entry(out, 1, [0, 10], 25, offset=30)
    before = {k: v for k, v in stamps(out).items() if not k.startswith("01-slide-1.")}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(present, "write_handout", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(out, entries)
    after = {k: v for k, v in stamps(out).items() if not k.startswith("01-slide-1.")}
    assert after == before
    monkeypatch.undo()
    assert build(out, entries).slides_cut == ["01-slide-1"]  # and the next render finishes it


def test_the_pipeline_builds_the_presentation_after_the_lecture_only_when_asked(tmp_path,
                                                                               monkeypatch):
    import io

    from backprop_core import load_params
    from backprop_render.build import pipeline
    from backprop_render.progress import Progress
    from backprop_render.quality import QUALITIES
    from lecture.slides import SLIDES
    from tests.backprop_render.build.test_pipeline import FakeRenderer

    def render(out: Path, wanted: bool) -> pipeline.RenderSummary:
        request = pipeline.RenderRequest(tuple(SLIDES[:2]), load_params(None, {}),
                                         QUALITIES["preview"], out, None, present=wanted)
        return pipeline.run(request, Progress(io.StringIO(), "quiet"), FakeRenderer())

    taken, take = [], present._take_prepared
    monkeypatch.setattr(present, "_take_prepared", lambda *a: taken.append(take(*a)) or taken[-1])
    summary = render(tmp_path / "with", True)
    assert summary.presentation.beats == 2  # the fake slides narrate nothing: a beat each
    assert all((tmp_path / "with" / name).exists() for name in present.OUTPUTS)
    # Each slide's beats were cut as it was published (present.Preparer) and taken.
    assert len(taken) == 2 and None not in taken
    assert not (tmp_path / "with" / present.PREPARED).exists()
    assert render(tmp_path / "without", False).presentation is None
    assert not any((tmp_path / "without" / name).exists() for name in present.OUTPUTS)


def test_a_new_version_of_the_page_reaches_an_unchanged_folder_without_cutting_again(
        slides, monkeypatch):
    out, entries = slides
    build(out, entries)
    beats = {k: v for k, v in stamps(out).items() if k.startswith("present/beats/")}
    monkeypatch.setattr(present, "_page_version", lambda: "a newer presenter")
    again = build(out, entries)
    assert again.rebuilt and again.slides_cut == []
    assert {k: v for k, v in stamps(out).items() if k.startswith("present/beats/")} == beats


def test_a_lost_beat_file_is_cut_again(slides):
    out, entries = slides
    build(out, entries)
    (out / "present" / "beats" / "02-slide-2-03.jpg").unlink()
    again = build(out, entries)
    assert again.rebuilt and again.slides_cut == ["02-slide-2"]
    assert (out / "present" / "beats" / "02-slide-2-03.jpg").is_file()


def test_the_page_takes_the_colours_of_the_slides_theme(slides):
    from lecture.palettes import THEMES

    out, entries = slides
    build(out, entries)
    deck = json.loads((out / "present" / "deck.js").read_text().split("window.DECK = ", 1)[1][:-2])
    assert deck["theme"]["name"] == "dark" and deck["theme"]["ground"] == THEMES["dark"].background
    # The same slides drawn in light: the page follows without cutting a beat again.
    light = [{**entry, "theme": "light"} for entry in entries]
    again = build(out, light)
    assert again.rebuilt and again.slides_cut == []
    deck = json.loads((out / "present" / "deck.js").read_text().split("window.DECK = ", 1)[1][:-2])
    assert deck["theme"] == {"name": "light", **{
        css: getattr(THEMES["light"], field) for css, field in present._PAGE_COLOURS.items()}}


def test_above_the_deck_height_the_deck_gets_smaller_copies_whose_last_frames_are_the_posters(
        slides, monkeypatch):
    import numpy as np
    from PIL import Image

    from backprop_render.media import beats as beat_media
    from backprop_render.media import video as media

    out, entries = slides
    monkeypatch.setattr(present, "DECK_HEIGHT", 18)  # the synthetic slides are 64x36
    build(out, entries)
    copies = sorted((out / present.DECK_CACHE).glob("*.mp4"))
    assert [p.stem for p in copies] == [f"01-slide-1-0{i}" for i in (1, 2)] + \
        [f"02-slide-2-0{i}" for i in (1, 2, 3)]
    assert {(i.width, i.height) for i in map(media.probe_video, copies)} == {(32, 18)}
    # Each poster came from its copy's decoding: the beat's end frame all the same.
    keys, end = beat_media.keyframe_times(out / entries[1]["files"]["mp4"])
    spans = beat_media.beat_cuts([0, 8 / 15, 20 / 15], keys, end, 15)
    for index, frame in enumerate(beat_media.beat_end_frames(
            out / entries[1]["files"]["mp4"], spans), start=1):
        with Image.open(out / "present" / "beats" / f"02-slide-2-0{index}.jpg") as poster:
            difference = np.abs(np.asarray(poster.convert("RGB")).astype(int)
                                - np.asarray(frame.convert("RGB")).astype(int))
        assert difference.mean() < 4, index


def test_beats_prepared_while_other_slides_render_are_taken_not_cut_again(slides, monkeypatch):
    out, entries = slides
    monkeypatch.setattr(present, "DECK_HEIGHT", 18)  # with the deck's copies too
    preparer = present.Preparer(out)
    for entry in entries:  # as the pipeline hands over each slide it publishes
        preparer.add(entry)
    preparer.finish()
    assert sorted(p.name.rsplit("-", 1)[0] for p in (out / present.PREPARED).iterdir()) == \
        ["01-slide-1", "02-slide-2"]

    def no_cutting(*args, **kwargs):
        raise AssertionError("cut again")

    cut = present._cut_slide
    monkeypatch.setattr(present, "_cut_slide", no_cutting)
    result = build(out, entries)
    assert result.rebuilt and result.beats == 5
    assert not (out / present.PREPARED).exists()
    assert len(list((out / "present" / "beats").glob("*.mp4"))) == 5
    assert len(list((out / "present" / "beats").glob("*.jpg"))) == 5
    assert len(list((out / present.DECK_CACHE).glob("*.mp4"))) == 5
    # A slide changed after it was prepared (rendered again) is cut for its new key.
    monkeypatch.setattr(present, "_cut_slide", cut)
    present.prepare(out, entries[0])
    monkeypatch.setattr(present, "_cut_slide", no_cutting)
    os.utime(out / entries[0]["files"]["mp4"], ns=(1, 1))
    with pytest.raises(AssertionError, match="cut again"):
        build(out, entries)


# ----- issue 26: a handout and a deck every student can use ------------------------------

def test_the_handout_is_a_tagged_pdf_with_every_sentence_as_text_in_order(slides):
    out, entries = slides
    build(out, entries)
    sentences = [b["text"] for e in entries for b in e["manifest"]["narration"]]
    assert handout_problems(out / "handout.pdf", sentences, figures=len(entries)) == []
    reader = PdfReader(out / "handout.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == f"{LECTURE_TITLE}: {LECTURE_SUBTITLE} (handout)"
    alts = [str(n["/Alt"]) for n in structure(reader.trailer["/Root"]["/StructTreeRoot"])
            if n["/S"] == "/Figure"]
    assert alts == ["Slide 1, Slide 1, as it ends: Slide 1 says thing 2.",
                    "Slide 2, Slide 2, as it ends: Slide 2 says thing 3."]


def test_the_handout_check_finds_an_image_only_pdf(slides, tmp_path):
    # What handout.pdf was before issue 26: pictures of text.
    from PIL import Image, ImageDraw

    out, entries = slides
    page = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(page).text((20, 20), "Slide 1 says thing 1.", fill="black")
    page.save(tmp_path / "raster.pdf", "PDF", title="handout")
    problems = handout_problems(tmp_path / "raster.pdf", ["Slide 1 says thing 1."], 1)
    assert problems == ["a viewer shows the file name, not the title",
                        "no document language (/Lang)", "not a tagged PDF: no structure tree",
                        "0 figures tagged, not 1",
                        "not found as text (after the sentences before it): "
                        "'Slide 1 says thing 1.'"]
    build(out, entries)  # in order: the second sentence before the first is not found
    assert handout_problems(out / "handout.pdf", ["Slide 1 says thing 2.",
                                                  "Slide 1 says thing 1."], 2) == [
        "not found as text (after the sentences before it): 'Slide 1 says thing 1.'"]


def test_each_beats_video_in_the_deck_is_described_by_its_sentence(slides):
    out, entries = slides
    build(out, entries)
    deck = Presentation(str(out / "lecture.pptx"))
    sentences = [b["text"] for e in entries for b in e["manifest"]["narration"]]
    for slide, sentence in zip(deck.slides, sentences, strict=True):
        movie = next(s for s in slide.shapes if s.shape_type == 16)  # MSO_SHAPE_TYPE.MEDIA
        assert movie._element.xpath("./p:nvPicPr/p:cNvPr/@descr") == [sentence]
        assert slide.shapes.title.text  # the outline's entry


def test_the_presenter_knows_when_each_sentence_is_spoken_on_its_beats_video(slides):
    out, entries = slides
    build(out, entries)
    deck = json.loads((out / "present" / "deck.js").read_text().split("window.DECK = ", 1)[1][:-2])
    assert deck["language"] == "en"
    starts = [0, 10 / 15, 0, 8 / 15, 20 / 15]  # each beat's start on its slide's video
    said = [b for e in entries for b in e["manifest"]["narration"]]
    for beat, start, spoken in zip(deck["beats"], starts, said, strict=True):
        assert beat["speech"] == pytest.approx([spoken["speech_start"] - start,
                                                spoken["speech_end"] - start], abs=1e-3)


# ----- checkpoints: the presenter stops, the deck's notes and the handout hold the answer -----

ASKED = {"id": "loss", "kind": "choice", "badge": "Pause and think",
         "question": "How does ŷ = 2.1 compare with y = 4?",
         "choices": [{"letter": "a", "text": "Too low.", "correct": True},
                     {"letter": "b", "text": "Too high.", "correct": False}],
         "answer": "Answer: a) Too low.", "accepted": None,
         "solution": "The error y − ŷ = 1.9 is positive."}


def test_a_checkpoint_reaches_the_presenter_the_notes_the_handout_and_the_script(slides):
    from backprop_render.present.script import lecture_script
    from lecture.questions import checkpoint_words

    out, entries = slides
    said = entries[1]["manifest"]["narration"][1]
    said.update(text="Pause and predict: How does ŷ = 2.1 compare with y = 4?",
                checkpoint=ASKED)
    build(out, entries)
    deck = json.loads((out / "present" / "deck.js").read_text().split("window.DECK = ", 1)[1][:-2])
    asked = [b for b in deck["beats"] if b["checkpoint"]]
    # on the page, never a line break next to an operator
    page = {**ASKED, "question": "How does ŷ\u00a0=\u00a02.1 compare with y\u00a0=\u00a04?",
            "solution": "The error y\u00a0−\u00a0ŷ\u00a0=\u00a01.9 is positive."}
    assert [(b["slide"], b["beat"], b["checkpoint"]) for b in asked] == [(2, 2, page)]
    assert deck["checkpoint_words"] == {"reveal": checkpoint_words().reveal,
                                        "reveal_hint": checkpoint_words().reveal_hint}
    notes = ("Pause and predict: How does ŷ = 2.1 compare with y = 4?\n"
             "a) Too low.  b) Too high.\nAnswer: a) Too low.\n"
             "The error y − ŷ = 1.9 is positive.")
    assert asked[0]["notes"] == notes  # the speaker window's
    assert all(b["notes"] is None for b in deck["beats"] if not b["checkpoint"])
    presentation = Presentation(str(out / "lecture.pptx"))
    assert presentation.slides[3].notes_slide.notes_text_frame.text == notes
    # The handout asks on the slide's page and answers on its last page.
    reader = PdfReader(out / "handout.pdf")
    assert len(reader.pages) == 3
    asking, answers = reader.pages[1].extract_text(), reader.pages[2].extract_text()
    assert "compare with y = 4?" in asking and "Too high." in asking
    assert "Answer:" not in asking
    assert checkpoint_words().answers_heading in answers
    assert "Answer: a) Too low." in answers and "1.9 is positive" in answers
    assert handout_problems(out / "handout.pdf", [said["text"], ASKED["solution"]], 2) == []
    lecture = {"duration": 55 / 15, "chapters": [
        {"slide": e["stem"], "start": s} for e, s in zip(entries, (0, 25 / 15), strict=True)]}
    script = lecture_script("Title", entries, lecture)
    assert (f"`beat_2`: {said['text']}\n  - a) Too low.  b) Too high.\n"
            "  - Answer: a) Too low.\n  - The error y − ŷ = 1.9 is positive.\n") in script
