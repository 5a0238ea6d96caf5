"""The deck pipeline with a stand-in renderer that makes tiny real media in milliseconds."""

from __future__ import annotations

import dataclasses
import io
import json
from fractions import Fraction
from pathlib import Path

import av
import pytest
from PIL import Image

from backprop_core import build_lesson, load_params
from backprop_core.params import DECLARED
from backprop_render.build import pipeline, workload
from backprop_render.build.outputs import STAGING_PREFIX
from backprop_render.build.result import SlideResult
from backprop_render.errors import RenderError, SlideFailed, UsageError
from backprop_render.media import video as media
from backprop_render.media.subtitles import Cue, compose_srt, read_srt
from backprop_render.progress import Progress
from backprop_render.quality import QUALITIES, Quality
from lecture.facts import value_at
from lecture.language import ENGLISH
from lecture.slides import SLIDES, Slide
from tests.backprop_render.synthetic_media import write_video

PREVIEW = QUALITIES["preview"]


class FakeRenderer:
    """Renders slide n as 5*n frames of a tiny video with one subtitle; can fail on cue.

    Its scene reads `worked_step.x`, or the lesson paths `reads` gives for its number.
    """

    def __init__(self, fail_on: int | None = None, interrupt_on: int | None = None,
                 reads: dict[int, list[str]] | None = None) -> None:
        self.fail_on, self.interrupt_on = fail_on, interrupt_on
        self.reads = reads or {}
        self.calls: list[tuple[int, dict]] = []

    def __call__(self, slide: Slide, params_file: Path, quality: Quality, workdir: Path,
                 gif_width: int | None, cache_dir: Path | None = None,
                 theme: str = "dark", voice: str | None = None,
                 language: str = "en", checkpoints: str = "all") -> SlideResult:
        params = json.loads(params_file.read_text())
        self.calls.append((slide.number, params))
        self.themes = [*getattr(self, "themes", []), theme]
        self.asked = [*getattr(self, "asked", []), (slide.number, checkpoints)]
        workdir.mkdir(parents=True)
        files = {kind: workdir / f"{slide.stem}.{kind}" for kind in ("mp4", "png", "srt")}
        write_video(files["mp4"], 5 * slide.number)
        if slide.number == self.interrupt_on:
            raise KeyboardInterrupt
        if slide.number == self.fail_on:
            log = workdir / "manim-video.log"
            log.write_text("Traceback ...\nNameError: name 'lesson' is not defined\n")
            raise SlideFailed(f"slide {slide.number} ({slide.slug}): manim exited with status 1",
                              "NameError", log)
        Image.new("RGB", (64, 36), (slide.number, 0, 0)).save(files["png"])
        cue = Cue(Fraction(0), Fraction(1, 5), f"slide {slide.number}")
        files["srt"].write_text(compose_srt([cue]))
        gif = None
        if gif_width:
            files["gif"] = workdir / f"{slide.stem}.gif"
            gif = media.make_gif(files["mp4"], files["gif"], gif_width)
        lesson = build_lesson(load_params(None, params))
        reads = {path: value_at(lesson, path)
                 for path in self.reads.get(slide.number, ["worked_step.x"])}
        manifest = {"facts": [{"key": "worked_step.x", "value": params["x"], "shown": "2.1",
                               "where": "screen"}], "reads": reads}
        return SlideResult(slide, quality, files, media.probe_video(files["mp4"]), gif, 1, manifest,
                           seconds=0.5, animations=slide.number)


def render(out: Path, numbers: list[int], renderer: FakeRenderer, quality: Quality = PREVIEW,
           gif_width: int | None = 32, jobs: int = 1, force: bool = False, theme: str = "dark",
           checkpoints: str = "all", cache_dir: Path | None = None,
           **params) -> pipeline.RenderSummary:
    request = pipeline.RenderRequest(tuple(SLIDES[n - 1] for n in numbers),
                                     load_params(None, params),
                                     quality, out, gif_width, jobs, force, theme=theme,
                                     checkpoints=checkpoints, cache_dir=cache_dir)
    return pipeline.run(request, Progress(io.StringIO(), "lines"), renderer)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_deck_render_publishes_every_file_and_the_lecture(tmp_path):
    summary = render(tmp_path, [1, 2, 3], FakeRenderer())
    for slide in SLIDES[:3]:
        for kind in ("mp4", "gif", "png", "srt"):
            assert (tmp_path / f"{slide.stem}.{kind}").is_file()
    lecture = media.probe_video(tmp_path / "lecture.mp4")
    assert lecture.frames == 5 + 10 + 15
    with av.open(str(tmp_path / "lecture.mp4")) as container:
        assert [c["metadata"]["title"] for c in container.chapters()] == \
            [f"{s.number}. {s.title}" for s in SLIDES[:3]]
    # Each slide's subtitle moves to where the slide starts in the lecture.
    assert [c.start for c in read_srt(tmp_path / "lecture.srt")] == [0, Fraction(333, 1000), 1]
    assert summary.lecture["chapters"][2]["start"] == 1.0
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_facts_json_traces_every_file_to_its_numbers(tmp_path):
    render(tmp_path, [1, 2], FakeRenderer(), lr=0.1)
    facts = json.loads((tmp_path / "facts.json").read_text())
    params = load_params(None, {"lr": 0.1})
    assert facts["params"]["lr"] == 0.1
    assert facts["lesson"] == json.loads(json.dumps(build_lesson(params).to_dict()))
    assert facts["quality"] == {"name": "preview", "width": 854, "height": 480, "fps": 15}
    first = facts["slides"][0]
    assert first["files"] == {k: f"01-what-is-backpropagation.{k}"
                              for k in ("mp4", "png", "srt", "gif")}
    assert (first["quality"], first["params"]["lr"], first["video"]["frames"]) == \
        ("preview", 0.1, 5)
    assert first["manifest"]["reads"] == {"worked_step.x": 2.1}
    assert facts["lecture_video"]["files"] == {"mp4": "lecture.mp4", "srt": "lecture.srt",
                                               "vtt": "lecture.vtt"}
    for entry in facts["slides"]:  # and beside each video, its own part of the record
        beside = json.loads((tmp_path / f"{entry['stem']}.facts.json").read_text())
        assert {k: v for k, v in beside.items() if k not in ("lecture", "about")} == entry
    state = json.loads((tmp_path / ".render-state.json").read_text())
    assert state["timings"]["preview"]["02-forward-propagation"] == \
        {"seconds": 0.5, "animations": 2}


def test_the_scenes_get_the_validated_parameters(tmp_path):
    renderer = FakeRenderer()
    render(tmp_path, [4], renderer, x=-3, steps=12)
    assert renderer.calls[0][1] == {**dataclasses.asdict(load_params(None)), "x": -3.0, "steps": 12}


def test_a_failing_slide_keeps_earlier_outputs_whole_and_later_ones_untouched(tmp_path):
    render(tmp_path, [1, 2, 3], FakeRenderer())
    before = snapshot(tmp_path)
    with pytest.raises(SlideFailed) as caught:
        render(tmp_path, [1, 2, 3], FakeRenderer(fail_on=2), x=5)
    after = snapshot(tmp_path)
    # Slide 1 was finished before the failure and is published; 2, 3 and the lecture are not.
    for name in before:
        if not name.startswith("01-") and name not in ("facts.json", ".render-state.json"):
            assert after[name] == before[name], name
    assert json.loads(after["facts.json"])["slides"][0]["params"]["x"] == 5.0
    assert json.loads(after["facts.json"])["slides"][1]["params"]["x"] == 2.1
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))
    # The staging folder is gone, so the whole log is kept where the message says.
    assert caught.value.log == tmp_path / "logs" / "02-forward-propagation-manim-video.log"
    assert "NameError" in caught.value.log.read_text()


def test_an_interrupted_render_leaves_the_folder_as_it_was(tmp_path):
    render(tmp_path, [1, 2], FakeRenderer())
    before = snapshot(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        render(tmp_path, [1, 2], FakeRenderer(interrupt_on=1), x=7)
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_one_slide_rerendered_alike_rebuilds_the_lecture_from_all(tmp_path):
    render(tmp_path, [1, 2, 3], FakeRenderer())
    summary = render(tmp_path, [2], FakeRenderer())
    assert [c["slide"] for c in summary.lecture["chapters"]] == [s.stem for s in SLIDES[:3]]
    assert media.probe_video(tmp_path / "lecture.mp4").frames == 30


def test_mixed_settings_keep_the_old_lecture_and_say_why(tmp_path):
    render(tmp_path, [1, 2, 3], FakeRenderer())
    lecture = (tmp_path / "lecture.mp4").read_bytes()
    summary = render(tmp_path, [2], FakeRenderer(), lr=0.5)
    assert summary.lecture is None
    assert summary.lecture_problem.startswith(
        "slides 2 were rendered with other settings than slide 1")
    assert (tmp_path / "lecture.mp4").read_bytes() == lecture
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert [s["params"]["lr"] for s in facts["slides"]] == [0.01, 0.5, 0.01]
    assert facts["lecture_video"]["params"]["lr"] == 0.01  # still describes lecture.mp4


def test_a_lecture_that_cannot_be_joined_is_an_error_after_the_slides_are_published(tmp_path):
    render(tmp_path, [1, 2], FakeRenderer())
    (tmp_path / "01-what-is-backpropagation.mp4").write_bytes(b"damaged")
    lecture = (tmp_path / "lecture.mp4").read_bytes()
    with pytest.raises(RenderError, match="lecture.mp4 could not be built"):
        render(tmp_path, [2], FakeRenderer(), force=True)
    assert (tmp_path / "lecture.mp4").read_bytes() == lecture
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert [s["number"] for s in facts["slides"]] == [1, 2]
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_no_gif_removes_the_stale_gif_of_a_rerendered_slide(tmp_path):
    render(tmp_path, [1, 2], FakeRenderer())
    render(tmp_path, [2], FakeRenderer(), gif_width=None, lr=0.2)
    assert (tmp_path / "01-what-is-backpropagation.gif").exists()
    assert not (tmp_path / "02-forward-propagation.gif").exists()
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert "gif" not in facts["slides"][1]["files"] and facts["slides"][1]["gif"] is None


def test_entries_of_deleted_files_are_dropped_from_the_record(tmp_path):
    render(tmp_path, [1, 2], FakeRenderer())
    (tmp_path / "01-what-is-backpropagation.mp4").unlink()
    render(tmp_path, [2], FakeRenderer())
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert [s["number"] for s in facts["slides"]] == [2]
    assert [c["slide"] for c in facts["lecture_video"]["chapters"]] == ["02-forward-propagation"]


# ----- rendering only what changed ----------------------------------------------------------

def stamps(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()
            if p.is_file()}


def test_rendering_again_unchanged_renders_and_rewrites_nothing(tmp_path):
    render(tmp_path, [1, 2, 3], FakeRenderer())
    before = stamps(tmp_path)
    renderer = FakeRenderer()
    summary = render(tmp_path, [1, 2, 3], renderer)
    assert renderer.calls == [] and summary.rendered == []
    assert [s.number for s in summary.kept] == [1, 2, 3]
    assert summary.lecture is not None and not summary.lecture_rebuilt
    assert stamps(tmp_path) == before  # not even facts.json is written again


def test_a_changed_parameter_renders_only_the_slides_that_read_what_it_changes(tmp_path):
    reads = {1: ["network.final_loss"], 2: ["worked_step.x"], 3: ["descent.steps.3.w"]}
    render(tmp_path, [1, 2, 3], FakeRenderer(reads=reads))
    before = stamps(tmp_path)
    renderer = FakeRenderer(reads=reads)
    summary = render(tmp_path, [1, 2, 3], renderer, lr=0.1)
    assert [n for n, _ in renderer.calls] == [3]
    assert [s.number for s in summary.kept] == [1, 2]
    after = stamps(tmp_path)
    for name in before:
        if name.startswith(("01-", "02-")) and not name.endswith(".facts.json"):
            assert after[name] == before[name], name  # kept files are not touched
    assert summary.lecture_rebuilt  # slide 3 changed, so the lecture is joined again
    facts = json.loads((tmp_path / "facts.json").read_text())
    # The kept slides' files are exactly what lr=0.1 draws: their record says so.
    assert [e["params"]["lr"] for e in facts["slides"]] == [0.1, 0.1, 0.1]
    assert facts["lecture_video"]["params"]["lr"] == 0.1
    beside = json.loads((tmp_path / "01-what-is-backpropagation.facts.json").read_text())
    assert beside["params"]["lr"] == 0.1 and beside["manifest"] == facts["slides"][0]["manifest"]

    renderer = FakeRenderer(reads=reads)
    render(tmp_path, [1, 2, 3], renderer, lr=0.1, x=3)
    assert [n for n, _ in renderer.calls] == [2, 3]


def test_force_renders_every_slide_and_empties_their_caches(tmp_path):
    render(tmp_path, [1, 2], FakeRenderer())
    stale = tmp_path / pipeline.CACHE_DIR / SLIDES[0].stem / "media" / "old-segment.mp4"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"")
    renderer = FakeRenderer()
    summary = render(tmp_path, [1, 2], renderer, force=True)
    assert [n for n, _ in renderer.calls] == [1, 2] and summary.kept == []
    assert not stale.exists()


def test_a_slide_whose_files_were_changed_or_removed_is_rendered_again(tmp_path):
    render(tmp_path, [1, 2, 3], FakeRenderer())
    (tmp_path / "02-forward-propagation.png").unlink()
    (tmp_path / "03-loss-function.srt").write_text("edited by hand")
    renderer = FakeRenderer()
    summary = render(tmp_path, [1, 2, 3], renderer, cache_dir=tmp_path.parent / "empty-cache")
    assert [n for n, _ in renderer.calls] == [2, 3] and [s.number for s in summary.kept] == [1]


def test_a_slide_whose_files_were_changed_is_taken_whole_from_the_user_cache(tmp_path):
    drawn = render(tmp_path, [1, 2, 3], FakeRenderer())
    originals = snapshot(tmp_path)
    (tmp_path / "02-forward-propagation.png").unlink()
    (tmp_path / "03-loss-function.srt").write_text("edited by hand")
    renderer = FakeRenderer()
    summary = render(tmp_path, [1, 2, 3], renderer)
    assert renderer.calls == [] and [s.number for s in summary.taken] == [2, 3]
    assert summary.cache.taken["slide"] == 2 and drawn.cache.stored["slide"] == 3
    now = snapshot(tmp_path)
    for name in ("02-forward-propagation.png", "03-loss-function.srt",
                 "02-forward-propagation.facts.json", "03-loss-function.facts.json"):
        assert now[name] == originals[name], name


def test_a_finished_slide_whose_file_is_damaged_in_the_cache_is_drawn_and_not_counted(
        tmp_path):
    from lecture.user_cache import UserCache

    cache_dir = tmp_path / "cache"
    render(tmp_path / "first", [1, 2], FakeRenderer(), cache_dir=cache_dir)
    cache = UserCache(cache_dir)
    entries = cache._entries()
    mp4 = (tmp_path / "first" / "01-what-is-backpropagation.mp4").read_bytes()
    name = next(k for k in entries.iterkeys() if k.startswith("slide-file/")
                and cache.get("slide-file", k.split("/")[1]) == mp4)
    value, tag = entries.get(name, tag=True)
    entries.set(name, value[:-1], tag=tag)  # cut short: its MAC no longer matches
    cache.close()
    renderer = FakeRenderer()
    summary = render(tmp_path / "second", [1, 2], renderer, cache_dir=cache_dir)
    assert [n for n, _ in renderer.calls] == [1] and [s.number for s in summary.taken] == [2]
    assert summary.cache.taken["slide"] == 1 and summary.cache.repaired["slide-file"] == 1
    assert (tmp_path / "second" / "01-what-is-backpropagation.mp4").read_bytes() == mp4


def test_a_new_folder_takes_the_slides_another_folder_drew_with_the_same_values(tmp_path):
    reads = {1: ["network.final_loss"], 2: ["worked_step.x"], 3: ["descent.steps.3.w"]}
    render(tmp_path / "first", [1, 2, 3], FakeRenderer(reads=reads))
    renderer = FakeRenderer(reads=reads)
    summary = render(tmp_path / "lr-0.1", [1, 2, 3], renderer, lr=0.1)
    assert [n for n, _ in renderer.calls] == [3]  # the only one that shows what lr changes
    assert [s.number for s in summary.taken] == [1, 2] and summary.kept == []
    for name in ("01-what-is-backpropagation.mp4", "02-forward-propagation.png"):
        assert (tmp_path / "lr-0.1" / name).read_bytes() == (tmp_path / "first" / name).read_bytes()
    facts = json.loads((tmp_path / "lr-0.1" / "facts.json").read_text())
    assert [e["params"]["lr"] for e in facts["slides"]] == [0.1, 0.1, 0.1]
    assert summary.lecture_rebuilt and facts["lecture_video"]["params"]["lr"] == 0.1
    # The next render of that folder keeps them: they are its own now.
    again = render(tmp_path / "lr-0.1", [1, 2, 3], FakeRenderer(reads=reads), lr=0.1)
    assert [s.number for s in again.kept] == [1, 2, 3]
    # --force draws every slide; another theme finds none.
    renderer = FakeRenderer(reads=reads)
    render(tmp_path / "forced", [1, 2], renderer, force=True)
    assert [n for n, _ in renderer.calls] == [1, 2]
    renderer = FakeRenderer(reads=reads)
    render(tmp_path / "light", [1, 2], renderer, theme="light")
    assert [n for n, _ in renderer.calls] == [1, 2]


def test_a_slide_whose_code_changed_is_rendered_again(tmp_path, monkeypatch):
    render(tmp_path, [1, 2], FakeRenderer())
    keys = pipeline.reuse.keys_for

    def edited(slides, quality, gif_width, **options):
        found = keys(slides, quality, gif_width, **options)
        return {stem: key + "-edited" if stem.startswith("02-") else key
                for stem, key in found.items()}

    monkeypatch.setattr(pipeline.reuse, "keys_for", edited)
    renderer = FakeRenderer()
    render(tmp_path, [1, 2], renderer)
    assert [n for n, _ in renderer.calls] == [2]


def test_each_slide_job_gets_its_own_cache_folder_in_the_output_folder(tmp_path):
    seen = []

    class Recording(FakeRenderer):
        def __call__(self, slide, params_file, quality, workdir, gif_width, cache_dir=None,
                     theme="dark", voice=None, language="en", checkpoints="all"):
            seen.append(cache_dir)
            return super().__call__(slide, params_file, quality, workdir, gif_width, cache_dir,
                                    theme, voice, checkpoints)

    render(tmp_path, [1, 2], Recording())
    assert seen == [tmp_path / ".render-cache" / s.stem for s in SLIDES[:2]]


def test_an_interrupted_publication_is_not_trusted_next_time(tmp_path, monkeypatch):
    render(tmp_path, [1, 2], FakeRenderer())
    state = json.loads((tmp_path / ".render-state.json").read_text())
    del state["slides"]["02-forward-propagation"]  # as if killed while publishing slide 2
    (tmp_path / ".render-state.json").write_text(json.dumps(state))
    renderer = FakeRenderer()
    summary = render(tmp_path, [1, 2], renderer)
    # Published again: from the user cache, where its own render stored it whole.
    assert renderer.calls == [] and [s.number for s in summary.taken] == [2]
    assert [s.number for s in summary.kept] == [1]


# ----- several slides at once, each in its own process ------------------------------------------

def test_parallel_jobs_publish_every_slide_and_the_lecture(tmp_path):
    summary = render(tmp_path, [1, 2, 3], FakeRenderer(), jobs=2)
    assert sorted(r.slide.number for r in summary.rendered) == [1, 2, 3]
    assert media.probe_video(tmp_path / "lecture.mp4").frames == 5 + 10 + 15
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert [e["number"] for e in facts["slides"]] == [1, 2, 3]
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))
    summary = render(tmp_path, [1, 2, 3], FakeRenderer(), jobs=2)
    assert summary.rendered == [] and len(summary.kept) == 3


def test_a_failing_parallel_job_names_its_slide_and_leaves_published_files_whole(tmp_path):
    render(tmp_path, [1, 2, 3], FakeRenderer())
    before = snapshot(tmp_path)
    with pytest.raises(SlideFailed) as caught:
        render(tmp_path, [1, 2, 3], FakeRenderer(fail_on=2), jobs=2, x=5)
    assert str(caught.value).startswith("slide 2 (forward-propagation): manim exited")
    assert caught.value.log == tmp_path / "logs" / "02-forward-propagation-manim-video.log"
    assert "NameError" in caught.value.log.read_text()
    after = snapshot(tmp_path)
    assert after["lecture.mp4"] == before["lecture.mp4"]  # not joined from a partial deck
    for kind in ("mp4", "png", "srt", "gif"):
        assert after[f"02-forward-propagation.{kind}"] == before[f"02-forward-propagation.{kind}"]
    facts = json.loads(after["facts.json"])
    assert facts["slides"][1]["params"]["x"] == 2.1  # slide 2 still shows the old numbers
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_an_interrupted_parallel_render_leaves_unfinished_slides_as_they_were(tmp_path):
    render(tmp_path, [1, 2], FakeRenderer())
    before = snapshot(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        render(tmp_path, [1, 2], FakeRenderer(interrupt_on=1), jobs=2, x=7)
    after = snapshot(tmp_path)
    for name in ("01-what-is-backpropagation.mp4", "lecture.mp4", "lecture.srt"):
        assert after[name] == before[name]
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


# ----- issue 17: themes -------------------------------------------------------------------

def test_a_theme_change_renders_again_and_facts_json_says_which_theme(tmp_path):
    renderer = FakeRenderer()
    render(tmp_path, [1, 2], renderer)
    assert render(tmp_path, [1, 2], renderer).kept == list(SLIDES[:2])  # nothing changed
    summary = render(tmp_path, [1, 2], renderer, theme="light")
    assert summary.kept == [] and renderer.themes[-2:] == ["light", "light"]
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert facts["theme"] == "light"
    assert [s["theme"] for s in facts["slides"]] == ["light", "light"]
    assert facts["lecture_video"]["theme"] == "light"
    # A slide re-rendered in the other theme alone: the lecture cannot mix them.
    summary = render(tmp_path, [2], renderer, theme="dark")
    assert "theme" in summary.lecture_problem


# ----- issue 27: checkpoints ----------------------------------------------------------------

def test_checkpoints_none_renders_again_only_the_slides_that_ask_and_a_broken_bank_stops(
        tmp_path, monkeypatch):
    from lecture import questions

    renderer = FakeRenderer()
    render(tmp_path, [1, 3], renderer)  # the bank asks on slide 3, not on slide 1
    summary = render(tmp_path, [1, 3], renderer, checkpoints="none")
    assert summary.kept == [SLIDES[0]] and renderer.asked[-1] == (3, "none")

    def broken():
        raise questions.BankError("the question bank questions.toml is not valid TOML: ...")

    monkeypatch.setattr(questions, "bank", broken)
    with pytest.raises(UsageError, match="not valid TOML"):
        render(tmp_path, [3], renderer)  # asked again: the bank is read first
    assert renderer.asked[-1] == (3, "none")  # nothing drawn


def test_a_facts_json_from_before_themes_still_reads_as_dark(tmp_path):
    render(tmp_path, [1], FakeRenderer())
    facts = json.loads((tmp_path / "facts.json").read_text())
    old = {k: v for k, v in facts["slides"][0].items() if k != "theme"}
    entry = pipeline.records.SlideEntry.from_json(old)
    assert entry is not None and entry.theme == "dark"
    lecture = {k: v for k, v in facts["lecture_video"].items() if k != "theme"}
    assert pipeline.records.LectureEntry.from_json(lecture).theme == "dark"
    assert pipeline.records.SlideEntry.from_json({**old, "files": None}) is None  # not ours


# ----- nothing changed, without building the lesson ---------------------------------------------

def refuse_to_build(monkeypatch) -> None:
    import backprop_core.lesson

    def refuse(params=None):
        raise AssertionError("the lesson was built although nothing changed")

    monkeypatch.setattr(backprop_core.lesson, "build_lesson", refuse)


def every_file(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in folder.rglob("*") if p.is_file()}


def test_nothing_changed_builds_no_lesson_and_touches_no_file(tmp_path, monkeypatch):
    render(tmp_path, [1, 2, 3], FakeRenderer(), lr=0.1)
    facts = (tmp_path / "facts.json").read_bytes()
    before = every_file(tmp_path)  # the cache folder too
    refuse_to_build(monkeypatch)
    renderer = FakeRenderer()
    summary = render(tmp_path, [1, 2, 3], renderer, lr=0.1)
    assert renderer.calls == [] and [s.number for s in summary.kept] == [1, 2, 3]
    assert every_file(tmp_path) == before
    assert (tmp_path / "facts.json").read_bytes() == facts


def test_a_facts_json_lesson_that_does_not_match_its_record_is_built_again(tmp_path):
    render(tmp_path, [1, 2], FakeRenderer())
    facts = json.loads((tmp_path / "facts.json").read_text())
    right = facts["lesson"]
    facts["lesson"] = {**right, "params": {**right["params"], "x": 99.0}}  # edited by hand
    (tmp_path / "facts.json").write_text(json.dumps(facts))
    renderer = FakeRenderer()
    render(tmp_path, [1, 2], renderer)
    assert renderer.calls == []
    assert json.loads((tmp_path / "facts.json").read_text())["lesson"] == right


def test_facts_json_is_the_same_whether_the_lesson_was_built_or_recorded(tmp_path, monkeypatch):
    fresh, kept = tmp_path / "fresh", tmp_path / "kept"
    render(fresh, [1, 2, 3], FakeRenderer(), x=3)
    render(kept, [1, 2, 3], FakeRenderer())
    render(kept, [1, 2, 3], FakeRenderer(), x=3)
    refuse_to_build(monkeypatch)
    render(kept, [1, 2, 3], FakeRenderer(), x=3)

    def without_ids(folder: Path) -> dict:
        facts = json.loads((folder / "facts.json").read_text())
        for entry in facts["slides"]:
            entry.pop("video")  # encoder timing may differ by a tick; not a lesson value
        return facts

    assert (json.loads((fresh / "facts.json").read_text())["lesson"]
            == json.loads((kept / "facts.json").read_text())["lesson"])
    assert without_ids(fresh)["slides"] == without_ids(kept)["slides"]


# One value per parameter, valid and different from the default: the one it declares.
CHANGED = {name: declared.example for name, declared in DECLARED.items()}
# A read per slide of values that different parameters decide.
READS = {1: ["network.final_loss"], 2: ["worked_step.x", "worked_step.b"],
         3: ["descent.steps.3.w", "worked_step.y"], 4: ["params.steps"],
         5: ["nudge"], 6: ["graph.nodes.loss.grad"]}


def test_a_change_of_each_parameter_renders_exactly_the_slides_whose_reads_change(tmp_path):
    from backprop_render.build.reuse import changed_reads

    numbers = sorted(READS)
    render(tmp_path, numbers, FakeRenderer(reads=READS), gif_width=None)
    base = build_lesson(load_params(None, {}))
    for name, value in CHANGED.items():
        lesson = build_lesson(load_params(None, {name: value}))
        expected = [n for n in numbers
                    if changed_reads({p: value_at(base, p) for p in READS[n]}, lesson)]
        assert expected, f"no stand-in slide reads a value {name} decides"
        renderer = FakeRenderer(reads=READS)
        render(tmp_path, numbers, renderer, gif_width=None, **{name: value})
        assert [n for n, _ in renderer.calls] == expected, name
        renderer = FakeRenderer(reads=READS)  # and again: nothing changed, nothing rendered
        render(tmp_path, numbers, renderer, gif_width=None, **{name: value})
        assert renderer.calls == [], name
        tmp_path = tmp_path.parent / f"{tmp_path.name}-{name}"  # next change from the defaults
        render(tmp_path, numbers, FakeRenderer(reads=READS), gif_width=None)


def test_the_nothing_changed_command_loads_no_numpy_pyav_lesson_manim_or_dask(tmp_path):
    import subprocess
    import sys

    from backprop_render import REPO
    from lecture.voices import DEFAULT_VOICE

    request = pipeline.RenderRequest(tuple(SLIDES[:2]), load_params(None, {}), PREVIEW, tmp_path,
                                     None, voice=DEFAULT_VOICE)
    pipeline.run(request, Progress(io.StringIO(), "lines"), FakeRenderer())
    check = ("import runpy, sys\n"
             f"sys.argv = ['backprop_render', '--quality', 'preview', '--slides', '1,2', "
             f"'--no-gif', '--no-present', '--out', {str(tmp_path)!r}]\n"
             "try:\n    runpy.run_module('backprop_render', run_name='__main__')\n"
             "except SystemExit as done:\n    assert not done.code, done.code\n"
             "heavy = ('numpy', 'av', 'PIL', 'manim', 'dask', 'distributed',"
             " 'backprop_core.lesson', 'backprop_render.build.slide_render',"
             " 'backprop_render.media.video')\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy"
             " or m in heavy))\n")
    done = subprocess.run([sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Rendered 0 slides" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


# ----- issue 19: the order of the jobs -----------------------------------------------------

def jobs_for(numbers: list[int], history: dict[str, tuple[float, int] | None]) -> pipeline._Jobs:
    return pipeline._Jobs([SLIDES[n - 1] for n in numbers], None, None, None, None, None, None,
                          history)  # type: ignore[arg-type]


def order(jobs: pipeline._Jobs) -> list[int]:
    return [slide.number for slide in jobs.longest_first()]


def test_a_cold_folder_starts_the_slides_whose_scenes_ask_for_most_animations(monkeypatch):
    guesses = {1: 27, 2: 36, 3: 29, 4: 18, 5: 32, 6: 46}
    monkeypatch.setattr(workload, "expected_animations", lambda slide: guesses[slide.number])
    assert order(jobs_for([1, 2, 3, 4, 5, 6], {})) == [6, 2, 5, 3, 1, 4]


def test_the_seconds_a_slide_took_win_over_the_guess_and_scale_it(monkeypatch):
    guesses = {1: 10, 2: 40, 3: 20}
    monkeypatch.setattr(workload, "expected_animations", lambda slide: guesses[slide.number])
    # Slide 2 asks for most animations but was fast last time; slide 1 slow.
    assert order(jobs_for([1, 2, 3], {"01-what-is-backpropagation": (90.0, 9),
                                      "02-forward-propagation": (20.0, 30),
                                      "03-loss-function": (50.0, 20)})) == [1, 3, 2]
    # Untimed slide 3 is placed by its guess at the timed slides' seconds per animation
    # (median of 9 and 0.5 s): 20 * 4.75 = 95 s, before slide 1's 90 s.
    assert order(jobs_for([1, 2, 3], {"01-what-is-backpropagation": (90.0, 9),
                                      "02-forward-propagation": (20.0, 30),
                                      "03-loss-function": None})) == [3, 1, 2]


def test_the_guess_counts_plays_waits_beats_and_the_methods_and_loops_that_make_them():
    source = '''
class Deck(SlideScene):
    def construct(self):
        self.one()
        for name in ("a", "b", "c"):            # three times
            self.play(name)
        for step in self.lesson.steps:          # a run-time length: counted twice
            self.wait(1)
        self.helper_that_draws_nothing()

    @beat
    def one(self):
        with self.narrate("A sentence."):       # 1, and its end wait is one segment
            self.show_chrome()                  # 1
            self.part()                         # 2 per call
            self.part()

    def part(self):
        self.play(1)
        self.play(2)

    def helper_that_draws_nothing(self):
        return self.text("x")
'''
    assert workload.count_animations(source, "Deck") == 1 + 1 + 2 * 2 + 3 + 2
    assert workload.count_animations(source, "Missing") == 1
    assert workload.count_animations("def (", "Deck") == 1


def test_the_guess_orders_the_deck_as_measured_at_its_ends():
    # Idle CPU seconds at preview: slide 6 is the longest (27.6 s), slides 3 and 4 the
    # shortest (14.3, 15.3): the guess must start 6 before 3 and 4.
    guess = {s.number: workload.expected_animations(s) for s in SLIDES}
    assert guess[6] == max(guess.values())
    assert guess[6] > guess[3] and guess[6] > guess[4]


# ----- issue 19: the lecture joined beside the presentation ------------------------------------

def present_request(out: Path, numbers: list[int], jobs: int,
                    **params: float) -> pipeline.RenderRequest:
    return pipeline.RenderRequest(tuple(SLIDES[n - 1] for n in numbers),
                                  load_params(None, params), PREVIEW, out, None, jobs,
                                  present=True)


def test_with_job_processes_the_presentation_is_built_while_the_lecture_joins(
        tmp_path, monkeypatch):
    seen: list[tuple[bool, bool]] = []

    def present(deck: pipeline._DeckRender) -> None:  # a stand-in: what it could see
        seen.append((deck.folder.exists("lecture.mp4"), deck.state.lecture is None))

    monkeypatch.setattr(pipeline._DeckRender, "present", present)
    summary = pipeline.run(present_request(tmp_path, [1, 2, 3], jobs=2),
                           Progress(io.StringIO(), "lines"), FakeRenderer())
    # The lecture was neither published nor recorded yet: the join was under way elsewhere.
    assert seen == [(False, True)]
    assert summary.lecture_rebuilt
    assert media.probe_video(tmp_path / "lecture.mp4").frames == 5 + 10 + 15
    # In one process, the presentation comes after the lecture, as before.
    seen.clear()
    pipeline.run(present_request(tmp_path / "one", [1, 2], jobs=1),
                 Progress(io.StringIO(), "lines"), FakeRenderer())
    assert seen == [(True, False)]


def test_a_failed_presentation_still_publishes_and_records_the_lecture(tmp_path, monkeypatch):
    def present(deck: pipeline._DeckRender) -> None:
        raise RenderError("the presentation could not be built: disk full")

    monkeypatch.setattr(pipeline._DeckRender, "present", present)
    with pytest.raises(RenderError, match="disk full"):
        pipeline.run(present_request(tmp_path, [1, 2], jobs=2),
                     Progress(io.StringIO(), "lines"), FakeRenderer())
    assert media.probe_video(tmp_path / "lecture.mp4").frames == 5 + 10
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert facts["lecture_video"] is not None
    state = json.loads((tmp_path / ".render-state.json").read_text())
    assert state["lecture"] is not None  # the next render keeps it
    renderer = FakeRenderer()
    monkeypatch.undo()
    monkeypatch.setattr(pipeline._DeckRender, "present", lambda deck: None)
    summary = pipeline.run(present_request(tmp_path, [1, 2], jobs=2),
                           Progress(io.StringIO(), "lines"), renderer)
    assert renderer.calls == [] and not summary.lecture_rebuilt


def test_a_join_here_fails_with_a_plain_error_as_the_joining_process_does(tmp_path):
    import pickle

    broken = tmp_path / "01-what-is-backpropagation.mp4"
    broken.write_bytes(b"not a video")
    with pytest.raises(ValueError, match="01-what-is-backpropagation") as caught:
        pipeline._concat_lecture(ENGLISH, [(broken, "1. What")], tmp_path / "lecture.mp4")
    assert type(caught.value) is ValueError  # not PyAV's InvalidDataError
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)


def test_the_lecture_joins_as_its_slides_become_final_once_a_core_is_spare(
        tmp_path, monkeypatch):
    from backprop_render.media import lecture_join

    reads = {1: ["worked_step.y"], 2: ["worked_step.x"], 3: ["worked_step.y"]}
    render(tmp_path, [1, 2, 3], FakeRenderer(reads=reads))
    events: list[str] = []
    add, publish = lecture_join.LectureJoin.add, pipeline._DeckRender.publish
    monkeypatch.setattr(lecture_join.LectureJoin, "add",
                        lambda self, path: events.append(f"add {path.name[:2]}") or add(self, path))
    monkeypatch.setattr(pipeline._DeckRender, "publish",
                        lambda self, result: events.append(f"publish {result.slide.number:02}")
                        or publish(self, result))
    # Only slide 2 reads x: it renders in its own process, so a core is spare from the start.
    summary = render(tmp_path, [1, 2, 3], FakeRenderer(reads=reads), jobs=2, x=3.0)
    assert [r.slide.number for r in summary.rendered] == [2] and summary.lecture_rebuilt
    # Slide 1 (kept) is encoded while slide 2 renders; slide 3 waits for slide 2.
    assert events == ["add 01", "publish 02", "add 02", "add 03"]
    lecture = media.probe_video(tmp_path / "lecture.mp4")
    assert lecture.frames == 5 + 10 + 15
    # With one job allowed, no process of its own: joined after the slides, as before.
    events.clear()
    render(tmp_path, [1, 2, 3], FakeRenderer(reads=reads), jobs=1, x=4.0)
    assert events == ["publish 02"]


# ----- issue 30: a full disk ---------------------------------------------------------------------

class FullDisk(FakeRenderer):
    """Slide `full_on` finds the disk full: its Manim says so in its log, or (`publish`) the
    disk fills while its files are moved into place."""

    def __init__(self, full_on: int, publish: bool = False) -> None:
        super().__init__()
        self.full_on, self.publish = full_on, publish

    def __call__(self, slide: Slide, params_file: Path, *args, **kwargs) -> SlideResult:
        if slide.number == self.full_on and not self.publish:
            workdir = args[1]
            workdir.mkdir(parents=True)
            log = workdir / "manim-video.log"
            log.write_text("OSError: [Errno 28] No space left on device: 'partial_movie_files'\n")
            raise SlideFailed(f"slide {slide.number} ({slide.slug}): manim exited with status 1",
                              "OSError: [Errno 28] No space left on device", log)
        return super().__call__(slide, params_file, *args, **kwargs)


@pytest.mark.parametrize("publish", [False, True])
def test_a_full_disk_says_where_and_how_much_and_keeps_what_was_rendered(tmp_path, monkeypatch,
                                                                         publish):
    import errno

    render(tmp_path, [1, 2], FakeRenderer())
    before = snapshot(tmp_path)
    if publish:
        def commit(self, files):
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.mp4"))
        monkeypatch.setattr(pipeline.OutputFolder, "commit", commit)
    with pytest.raises(pipeline.DiskFull) as caught:
        render(tmp_path, [1, 2], FullDisk(2, publish), x=3.0)
    message = str(caught.value)
    assert message.startswith(f"no space left on device in {tmp_path}: a render like this one "
                              "needs about ")
    slide_files = sum(len(b) for n, b in before.items() if n[:2] in ("01", "02")
                      and not n.endswith(".json"))
    assert caught.value.needed >= 2 * slide_files  # staged, and Manim's media folder
    # What was published stays whole: the slide that failed keeps its files; when no file
    # could be moved into place, every slide does, and the lecture.
    for name, data in before.items():
        if name.endswith((".mp4", ".png", ".srt")) and (publish or name.startswith("02")):
            assert (tmp_path / name).read_bytes() == data, name
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))
    if not publish:  # the log, where it could be written
        assert caught.value.log == tmp_path / "logs" / "02-forward-propagation-manim-video.log"
        assert "No space left" in caught.value.log.read_text()


def test_a_log_goes_where_it_can_be_written(tmp_path):
    log = tmp_path / "manim.log"
    log.write_text("the whole story")
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way of a folder")
    kept = pipeline.keep_log(log, "01.log", [blocked / "logs", tmp_path / "elsewhere"])
    assert kept == tmp_path / "elsewhere" / "01.log" and kept.read_text() == "the whole story"
    assert pipeline.keep_log(log, "01.log", [blocked / "logs"]) is None


def test_the_caches_an_older_render_kept_in_the_folder_go(tmp_path):
    # Sentences, typeset and parsed SVGs live in the user cache now; the output folder's old
    # copies (the parsed ones pickles) are never read, so a render removes them.
    old = tmp_path / pipeline.CACHE_DIR
    for folder in ("speech/joe", "typeset/Tex", "01-what-is-backpropagation/svg"):
        (old / folder).mkdir(parents=True)
        (old / folder / "entry").write_bytes(b"from before")
    render(tmp_path, [1], FakeRenderer())
    assert not any((old / f).exists() for f in ("speech", "typeset",
                                                "01-what-is-backpropagation/svg"))
