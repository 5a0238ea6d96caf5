"""Two slides through `render.sh` at preview quality, rendered once and checked file by file.

Every slide is constructed and checked by tests/scenes (layout after every animation, every
number, control frames); what only a real render shows is the pipeline: Manim's video, the
GIF, the still, the subtitles, the facts, and the joins into lecture.mp4 and lecture.srt. Two
slides (quick ones) exercise all of it, joins included, for a fraction of the cost of all
eight. Checks go over `deck.slides`, never a fixed count.
Deselect with `-m "not e2e"` while iterating; `./render.sh test` runs it.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

import av
import numpy as np
import pytest
from PIL import Image

from backprop_core import build_lesson, load_params
from backprop_core.params import DECLARED
from backprop_render import REPO
from backprop_render.build.pipeline import CACHE_DIR
from backprop_render.media import video as media
from backprop_render.media.subtitles import read_srt
from lecture.slides import SLIDE_COUNT, SLIDES, Slide, find_slide

pytestmark = pytest.mark.e2e

KINDS = ("mp4", "gif", "png", "srt", "vtt")
# The slides the deck renders: two, so that the lecture joins more than one. Slides 1, 2 and 3
# took 64, 105 and 80 s at preview, one after another on a loaded machine.
DECK_SLIDES = (1, 3)


@dataclass(frozen=True)
class Deck:
    out: Path
    slides: list[Slide]
    stderr: str
    cache: Path  # the user cache it was rendered with (lecture/user_cache.py)

    def file(self, slide: Slide, kind: str) -> Path:
        return self.out / f"{slide.stem}.{kind}"


@pytest.fixture(scope="session")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Deck:
    slides = [SLIDES[n - 1] for n in DECK_SLIDES]
    out = tmp_path_factory.mktemp("deck") / "out"
    result = subprocess.run(render_command(out), capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"render.sh failed:\n{result.stderr[-4000:]}"
    return Deck(out, slides, result.stderr, deck_cache(out))


def deck_cache(out: Path) -> Path:
    return out.parent / "cache"


def render_command(out: Path, slides: tuple[int, ...] = DECK_SLIDES,
                   cache: Path | None = None) -> list[str]:
    """render.sh at preview into `out`, with the deck's user cache unless told another."""
    return [str(REPO / "render.sh"), "--quality", "preview",
            "--slides", ",".join(map(str, slides)), "--out", str(out),
            "--cache-dir", str(cache or deck_cache(out))]


@pytest.fixture(scope="session")
def videos(deck: Deck) -> dict[str, media.VideoInfo]:
    return {s.stem: media.probe_video(deck.file(s, "mp4")) for s in deck.slides}


@pytest.fixture(scope="session")
def facts(deck: Deck) -> dict:
    return json.loads((deck.out / "facts.json").read_text(encoding="utf-8"))


def test_every_slide_has_its_scene() -> None:
    # The deck renders two of them; tests/scenes constructs and checks all eight.
    assert len(SLIDES) == SLIDE_COUNT == 8
    assert [s.stem for s in SLIDES if not s.path.exists()] == []


def test_every_slide_has_all_its_files_and_nothing_else_is_left(deck: Deck) -> None:
    expected = {f"{s.stem}.{k}" for s in deck.slides for k in (*KINDS, "facts.json")}
    expected |= {"lecture.mp4", "lecture.srt", "lecture.vtt", "facts.json", ".render-state.json",
                 CACHE_DIR,
                 "lecture-script.md"}
    expected |= {"present", "lecture.pptx", "handout.pdf"}  # issue 16
    assert {p.name for p in deck.out.iterdir()} == expected  # no staging, no logs, no temp files


def test_slide_videos_are_browser_h264_at_preview_size(deck: Deck, videos, facts) -> None:
    reported = {e["stem"]: e["manifest"]["duration"] for e in facts["slides"]}
    for slide in deck.slides:
        info = videos[slide.stem]
        assert (info.codec, info.pixel_format, info.width, info.height, info.fps) == \
            ("h264", "yuv420p", 854, 480, 15), slide.stem
        assert info.duration == Fraction(info.frames, 15)
        # A frame the slide holds is stored once (scenes/speedups/held_frames.py); slides hold
        # still for about half their length.
        assert info.encoded < 0.8 * info.frames, slide.stem
        assert info.duration > 5, f"{slide.stem} lasts only {float(info.duration):.1f} s"
        # The video lasts as long as the scene says it ran, to a frame or two.
        assert abs(float(info.duration) - reported[slide.stem]) <= 2 / 15, slide.stem


def test_gifs_loop_at_15_fps_frame_for_frame(deck: Deck, videos) -> None:
    for slide in deck.slides:
        gif = media.probe_gif(deck.file(slide, "gif"))
        assert (gif.width, gif.height, gif.loop) == (768, 432, 0), slide.stem
        assert gif.frames == videos[slide.stem].frames  # preview is drawn at 15 fps already
        assert abs(gif.duration_ms - gif.frames * 1000 / 15) <= 10


def test_stills_are_each_slides_last_frame(deck: Deck) -> None:
    for slide in deck.slides:
        with Image.open(deck.file(slide, "png")) as image:
            assert (image.format, image.size, image.mode) == ("PNG", (854, 480), "RGB")
            still = np.asarray(image).astype(int)
        with av.open(str(deck.file(slide, "mp4"))) as container:
            *_, last = container.decode(video=0)
            final = last.to_ndarray(format="rgb24").astype(int)
        assert still.std() > 5, f"{slide.stem}: the still is blank"
        assert np.abs(still - final).mean() < 3, f"{slide.stem}: the still is not the last frame"


def test_slide_subtitles_parse_and_fit_their_video(deck: Deck, videos) -> None:
    for slide in deck.slides:
        cues = read_srt(deck.file(slide, "srt"))
        assert cues, f"{slide.stem} has no subtitles: its scene narrates nothing"
        assert [c.start for c in cues] == sorted(c.start for c in cues)
        assert all(c.start < c.end <= videos[slide.stem].duration + Fraction(1, 1000)
                   for c in cues), slide.stem


def test_the_lecture_joins_the_slides_with_one_chapter_each(deck: Deck, videos) -> None:
    lecture = media.probe_video(deck.out / "lecture.mp4")
    assert (lecture.codec, lecture.width, lecture.height, lecture.fps) == ("h264", 854, 480, 15)
    assert lecture.frames == sum(v.frames for v in videos.values())
    with av.open(str(deck.out / "lecture.mp4")) as container:
        chapters = container.chapters()
    assert [c["metadata"]["title"] for c in chapters] == \
        [f"{s.number}. {s.title}" for s in deck.slides]
    start = Fraction(0)
    for chapter, slide in zip(chapters, deck.slides, strict=True):
        end = start + videos[slide.stem].duration
        assert chapter["start"] * chapter["time_base"] == Fraction(round(start * 1000), 1000)
        assert chapter["end"] * chapter["time_base"] == Fraction(round(end * 1000), 1000)
        start = end


def test_lecture_subtitles_are_the_slides_moved_to_their_chapter(deck: Deck, videos) -> None:
    lecture = read_srt(deck.out / "lecture.srt")
    expected, start = [], Fraction(0)
    for slide in deck.slides:
        expected += [(c.start + start, c.text) for c in read_srt(deck.file(slide, "srt"))]
        start += videos[slide.stem].duration
    assert [c.text for c in lecture] == [text for _, text in expected]
    assert all(abs(c.start - when) <= Fraction(1, 1000)
               for c, (when, _) in zip(lecture, expected, strict=True))


def test_facts_json_holds_the_parameters_the_lesson_and_each_slides_facts(deck: Deck,
                                                                          facts) -> None:
    defaults = load_params(None)
    assert facts["params"] == dataclasses.asdict(defaults)
    assert facts["lesson"] == json.loads(json.dumps(build_lesson(defaults).to_dict()))
    assert [e["stem"] for e in facts["slides"]] == [s.stem for s in deck.slides]
    for entry in facts["slides"]:
        assert entry["quality"] == "preview" and entry["params"] == facts["params"]
        assert set(entry["files"]) == set(KINDS)
        assert entry["manifest"]["facts"], f"{entry['stem']} reported no facts"
        assert isinstance(entry["manifest"]["reads"], dict)
    assert len(facts["lecture_video"]["chapters"]) == len(deck.slides)


def test_each_video_has_its_facts_beside_it_and_its_scene_kept_its_layout(deck: Deck,
                                                                          facts) -> None:
    for entry in facts["slides"]:
        beside = json.loads((deck.out / f"{entry['stem']}.facts.json").read_text(encoding="utf-8"))
        assert {k: v for k, v in beside.items() if k not in ("lecture", "about")} == entry
        assert entry["manifest"]["layout_problems"] == [], entry["stem"]


def test_rendering_again_unchanged_renders_nothing_and_touches_no_file(deck: Deck, facts) -> None:
    def stamps() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in deck.out.iterdir() if p.is_file()}

    before = stamps()
    again = subprocess.run(render_command(deck.out), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-4000:]
    assert again.stdout.startswith(f"Rendered 0 slides into {deck.out}\n")
    assert f"kept {len(deck.slides)} unchanged slides" in again.stdout
    assert stamps() == before


def test_progress_in_a_ci_log_is_a_few_plain_lines_per_slide(deck: Deck) -> None:
    assert "\r" not in deck.stderr and "\x1b" not in deck.stderr
    lines = deck.stderr.strip().splitlines()
    # Started and done per slide, a note or two; plus a line a minute on a long slide.
    assert len([line for line in lines if not line.endswith(" so far")]) <= 2 * len(deck.slides) + 3
    for index, slide in enumerate(deck.slides, start=1):
        assert any(line.startswith(f"[{index}/{len(deck.slides)}] {slide.stem}: done in ")
                   for line in lines)


def test_a_slide_drawn_from_manims_cache_still_gets_its_exact_last_frame(deck: Deck) -> None:
    # A lost still makes the slide render again; every animation comes from Manim's
    # cache, so nothing is drawn, yet the scene must save the same last frame.
    slide = deck.slides[0]  # the quicker one

    def segments() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in (deck.out / CACHE_DIR / slide.stem).glob(
            "media/videos/*/480p15/partial_movie_files/*/*.mp4")}

    cached = segments()
    # Keyed on what the scene was handed (scenes/speedups/play_key.py), not by Manim
    from scenes.speedups.play_key import PREFIX

    assert cached and all(name.startswith(PREFIX) for name in cached)
    with Image.open(deck.file(slide, "png")) as image:
        before = np.asarray(image).copy()
    deck.file(slide, "png").unlink()
    # The user cache would give the finished slide back whole (finished.py): it forgets
    # which values the slides read, so it finds none (the render stores it again).
    from lecture.user_cache import UserCache

    entries = UserCache(deck.cache)._entries()
    for name in [n for n in entries.iterkeys() if n.startswith("slide-reads/")]:
        entries.delete(name)
    entries.close()
    again = subprocess.run(render_command(deck.out, (slide.number,)), capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-4000:]
    assert again.stdout.startswith(f"Rendered 1 slide into {deck.out}: {slide.stem}\n")
    assert cached and segments() == cached  # no animation was drawn again
    with Image.open(deck.file(slide, "png")) as image:
        assert np.array_equal(np.asarray(image), before)


# ----- issue 30: one user cache for every output folder ---------------------------------

def test_30_new_folders_at_once_typeset_and_synthesize_nothing_the_cache_has(
        deck: Deck, tmp_path: Path) -> None:
    # Two renders at once into two new folders, sharing the deck's user cache: one as the
    # deck, drawn again (--force: not taken finished; nothing to synthesize or typeset: the
    # same files), one in the light theme (its texts are other colours: typeset and stored
    # meanwhile, the sentences taken).
    import os

    from lecture.user_cache import UserCache

    slide = deck.slides[0]  # the quicker one
    quick = ["--no-present", "--jobs", "1"]  # the GIF as the deck's: its MP4 is made so too
    same = subprocess.Popen(render_command(tmp_path / "same", (slide.number,), deck.cache)
                            + [*quick, "--force"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    light = subprocess.Popen(render_command(tmp_path / "light", (slide.number,), deck.cache)
                             + [*quick, "--no-gif", "--theme", "light"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=600) for process in (same, light)]
    assert [same.returncode, light.returncode] == [0, 0], [e[-3000:] for _, e in outputs]
    same_out, light_out = outputs[0][0], outputs[1][0]
    assert "narration: 0 sentences synthesized" in same_out, same_out
    assert re.search(r"shared cache .*\): \d+ sentences, \d+ formulas and texts taken from "
                     r"it, 0 sentences, 0 formulas and texts added", same_out), same_out
    assert (tmp_path / "same" / f"{slide.stem}.mp4").read_bytes() == \
        deck.file(slide, "mp4").read_bytes()
    assert "narration: 0 sentences synthesized" in light_out, light_out
    assert os.stat(deck.cache).st_mode & 0o777 == 0o700
    cache = UserCache(deck.cache)
    assert cache._entries().check() == []  # its database and files agree: no damage
    assert cache.volume() < 2 * 1024**3

    # A variant in a new folder takes the finished slide: it shows nothing lr changes.
    variant = subprocess.run(render_command(tmp_path / "lr", (slide.number,), deck.cache)
                             + [*quick, "--set", "lr=0.1"], capture_output=True, text=True,
                             timeout=600)
    assert variant.returncode == 0, variant.stderr[-3000:]
    assert variant.stdout.startswith(f"Rendered 0 slides into {tmp_path / 'lr'}\n"), variant.stdout
    assert f"took 1 slide from the shared cache, drawn before with these settings and values: " \
        f"{slide.stem}" in variant.stdout
    assert re.search(r"\): 1 finished slide, 0 sentences, 0 formulas and texts taken",
                     variant.stdout), variant.stdout
    assert (tmp_path / "lr" / f"{slide.stem}.mp4").read_bytes() == \
        deck.file(slide, "mp4").read_bytes()
    beside = json.loads((tmp_path / "lr" / f"{slide.stem}.facts.json").read_text())
    assert beside["params"]["lr"] == 0.1


# ----- issue 18: what a sweep may share ---------------------------------------------------
# A sweep renders a slide once for every variant that agrees on the parameters the slide
# declares (Slide.depends_on). The proof: every lesson value the slide read keeps its value
# whatever another parameter is set to.

# Besides the value each parameter declares as its example.
MORE_VALUES = {"x": (-1.5, 0.0, 7.25), "w": (-3.0,), "b": (-45.0,), "y": (1.0, 99.0),
               "lr": (0.3, 0.0005, 1.0), "steps": (3,), "hidden": (2, 8),
               "epochs": (1, 1000), "net_lr": (0.01, 0.1), "seed": (0,)}


def undeclared_reads(slide: Slide, reads: dict) -> list[str]:
    """Reads whose value a parameter the slide does not declare changes."""
    from backprop_core import Params
    from backprop_render.build.reuse import changed_reads

    assert set(MORE_VALUES) <= set(DECLARED)
    found = []
    for name, declared in DECLARED.items():
        if name not in slide.depends_on:
            for value in (declared.example, *MORE_VALUES.get(name, ())):
                lesson = build_lesson(Params(**{name: value}))
                found += [f"{name}={value} changes {path}" for path in changed_reads(reads, lesson)]
    return found


def test_18_each_slide_reads_only_what_its_declared_parameters_decide(deck: Deck, facts) -> None:
    for entry in facts["slides"]:
        slide = find_slide(entry["stem"])
        assert undeclared_reads(slide, entry["manifest"]["reads"]) == [], slide.stem


def test_18_the_check_finds_a_declaration_that_is_too_narrow(deck: Deck, facts) -> None:
    entry = facts["slides"][0]
    narrow = dataclasses.replace(find_slide(entry["stem"]), depends_on=())
    assert undeclared_reads(narrow, entry["manifest"]["reads"])


def test_18_a_sweep_of_real_renders_gives_folders_a_normal_render_keeps(deck: Deck, facts,
                                                                          tmp_path) -> None:
    # The deck's own renders stand in for the workers' (no second deck render): variants that
    # differ only in lr share every slide that does not show lr, each with its own facts.
    from backprop_core import Params
    from backprop_render.progress import Progress
    from backprop_render.quality import QUALITIES
    from backprop_render.sweep.plan import variants_from_sets
    from backprop_render.sweep.run import SweepRequest, run_sweep
    from lecture.voices import DEFAULT_VOICE
    from tests.backprop_render.sweep_standin import DeckCopy

    slides = tuple(s for s in deck.slides if "lr" not in s.depends_on)
    variants, _ = variants_from_sets(["lr=0.01,0.02"], "grid", Params())
    # Voiced as the deck is (render.sh's default voice), so the render below keeps them.
    request = SweepRequest(tuple(variants), slides, QUALITIES["preview"], tmp_path / "sweep",
                           768, workers=2, renderer=DeckCopy(deck.out), voice=DEFAULT_VOICE)
    summary = run_sweep(request, Progress(io.StringIO(), "lines"))
    assert len(summary.rendered) == len(slides) and summary.shared == len(slides)
    assert all(o.complete for o in summary.outcomes.values()) and not summary.warnings
    folder = tmp_path / "sweep" / "lr-0.02"
    for slide in slides:
        for kind in KINDS:
            assert (folder / f"{slide.stem}.{kind}").read_bytes() == deck.file(slide, kind) \
                .read_bytes()
    assert media.probe_video(folder / "lecture.mp4").frames == \
        sum(media.probe_video(deck.file(s, "mp4")).frames for s in slides)
    again = subprocess.run([str(REPO / "render.sh"), "--quality", "preview", "--set", "lr=0.02",
                            "--slides", ",".join(str(s.number) for s in slides), "--out",
                            str(folder)], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-4000:]
    assert again.stdout.startswith(f"Rendered 0 slides into {folder}\n")  # all kept as swept
    assert "lecture.mp4" in again.stdout and ": unchanged" in again.stdout


# ----- issue 16: the presentation (present/, lecture.pptx, handout.pdf) ----------------------

def _beats_of(facts: dict, deck: Deck) -> list[tuple[dict, dict]]:
    """(slide entry, narration beat) of every beat of the deck's slides, in order."""
    entries = {e["stem"]: e for e in facts["slides"]}
    return [(entries[s.stem], beat) for s in deck.slides
            for beat in entries[s.stem]["manifest"]["narration"]]


def test_every_beat_is_cut_at_a_keyframe_by_stream_copy(deck: Deck, facts) -> None:
    from backprop_render.media import beats as beat_media

    for slide in deck.slides:
        beats = sorted((deck.out / "present" / "beats").glob(f"{slide.stem}-*.mp4"))
        narration = next(e for e in facts["slides"] if e["stem"] == slide.stem)[
            "manifest"]["narration"]
        assert len(beats) == len(narration), slide.stem
        keys, _ = beat_media.keyframe_times(deck.file(slide, "mp4"))
        for beat in narration[1:]:
            assert min(abs(float(k) - beat["video_start"]) for k in keys) < 0.5 / 15, \
                f"{slide.stem}: no keyframe where beat '{beat['beat']}' starts"
            assert abs(beat["video_start"] - beat["start"]) < 0.5  # the scene's clock agrees
        with av.open(str(deck.file(slide, "mp4"))) as container:
            whole = [bytes(p) for p in container.demux(video=0) if p.size]
        cut = []
        for path in beats:
            with av.open(str(path)) as container:
                cut += [bytes(p) for p in container.demux(video=0) if p.size]
        assert cut == whole, f"{slide.stem}: the beats are not the slide's packets"
        # Each beat lasts to the next one's start, though most end on a held frame.
        assert sum(media.probe_video(path).duration for path in beats) == \
            media.probe_video(deck.file(slide, "mp4")).duration, slide.stem


def test_the_recording_page_names_the_beats_as_the_takes_survey_does(deck: Deck, facts) -> None:
    """present/deck.js (the recording page's data) and facts.json (the takes survey's) give
    every beat of the real deck the same id, each id once, with the same sentence."""
    from narration.takes import lecture_beats

    text = (deck.out / "present" / "deck.js").read_text(encoding="utf-8")
    page = json.loads(text.split("window.DECK = ", 1)[1].rstrip().rstrip(";"))
    survey = lecture_beats(facts)
    assert [(b["id"], b["text"]) for b in page["beats"]] == [(b.id, b.text) for b in survey]
    assert len({b.id for b in survey}) == len(survey) == len(_beats_of(facts, deck))
    assert (deck.out / "present" / "record.html").is_file()


def _content(screenshot: Image.Image, width: int, height: int) -> np.ndarray:
    """The letterboxed picture inside a screenshot of the presenter, resized to width x height."""
    scale = min(screenshot.width / width, screenshot.height / height)
    w, h = round(width * scale), round(height * scale)
    left, top = (screenshot.width - w) // 2, (screenshot.height - h) // 2
    box = screenshot.convert("RGB").crop((left, top, left + w, top + h))
    return np.asarray(box.resize((width // 2, height // 2), Image.Resampling.BILINEAR)).astype(int)


def _looks_like(screenshot: Image.Image, picture: Path) -> float:
    """Mean difference (0-255) between what the page shows and `picture`."""
    with Image.open(picture) as image:
        expected = np.asarray(image.convert("RGB").resize(
            (image.width // 2, image.height // 2), Image.Resampling.BILINEAR)).astype(int)
        shown = _content(screenshot, image.width, image.height)
    return float(np.abs(shown - expected).mean())


def _beat_files(facts: dict, deck: Deck) -> tuple[list[str], dict[int, int]]:
    """Each beat's file stem in deck order, and the index of each slide's first beat."""
    beats = _beats_of(facts, deck)
    files = [f"{e['stem']}-{i:02d}" for e in {e["stem"]: e for e, _ in beats}.values()
             for i in range(1, len(e["manifest"]["narration"]) + 1)]
    first_of: dict[int, int] = {}
    for index, (entry, _) in enumerate(beats):
        first_of.setdefault(entry["number"], index)
    return files, first_of


def _checkpoint(facts: dict, deck: Deck) -> tuple[int, dict]:
    """The first checkpoint of the deck (slide 3 asks the loss): its index among the beats,
    and its narration entry."""
    asked = [(i, beat) for i, (_, beat) in enumerate(_beats_of(facts, deck))
             if beat.get("checkpoint")]
    assert asked, "the deck's slides ask no checkpoint: put one on them (lecture/questions.toml)"
    return asked[0]


def _asking(state: Callable[[], dict], checkpoint: dict, answered: bool) -> dict:
    """The presenter's state once it stops on `checkpoint`'s question (its answer shown or
    not)."""
    from tests.backprop_render.present_browser import wait_for

    return wait_for(lambda: (lambda s: s if s["asking"] == checkpoint["id"]
                             and s["answered"] == answered else None)(state()),
                    what=f"the checkpoint {checkpoint['id']}" + (" answered" if answered else ""))


def _wait_playing(state: Callable[[], dict], index: int, beat_file: list[str]) -> dict:
    """The presenter's state once beat `index`'s own video plays in front."""
    from tests.backprop_render.present_browser import wait_for

    return wait_for(lambda: (lambda s: s if s["index"] == index and s["front"] == "video"
                             and not s["paused"] and s["time"] > 0
                             and s["src"].endswith(f"/beats/{beat_file[index]}.mp4") else None)(
        state()), what=f"beat {index + 1} playing")


def test_the_presenter_follows_the_keys_from_file_and_loads_nothing_else(deck: Deck, facts) -> None:
    import io

    from tests.backprop_render import present_browser as browser

    problem = browser.available()
    assert problem is None, problem
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    folder = deck.out / "present"
    beats = _beats_of(facts, deck)
    beat_file, first_of = _beat_files(facts, deck)

    with browser.chromium() as driver:
        driver.get("about:blank")
        browser.requested_urls(driver)  # the browser's own start-up pages
        driver.get((folder / "index.html").as_uri())

        def state() -> dict:
            return driver.execute_script("return presenter.state()")

        def press(*keys: str) -> None:
            ActionChains(driver).send_keys(*keys).perform()

        def playing(index: int) -> dict:
            return _wait_playing(state, index, beat_file)

        def screenshot() -> Image.Image:
            return Image.open(io.BytesIO(driver.get_screenshot_as_png()))

        # It starts with the first beat; with narration, the browser wants a key first.
        first = browser.wait_for(lambda: (lambda s: s if s["waiting"] or not s["paused"]
                                          else None)(state()), what="the first beat")
        if first["waiting"]:
            press(Keys.ARROW_RIGHT)
        playing(0)
        # On every painted frame, what is in front must have a picture: a video with its
        # current frame decoded, or a loaded image. A video whose source was just swapped
        # is the black (or last-frame) flash manim-slides users report.
        driver.execute_script("""
            window.blankFrames = 0;
            (function watch() {
              const shown = document.querySelector('.beat.front');
              const ready = shown && (shown.tagName === 'VIDEO' ? shown.readyState >= 2
                                      : shown.complete && shown.naturalWidth > 0);
              window.blankFrames += ready ? 0 : 1;
              requestAnimationFrame(watch);
            })();""")

        def never_blank() -> None:
            assert driver.execute_script("return window.blankFrames") == 0, "a blank frame"

        press(Keys.ARROW_RIGHT)
        playing(1)
        press(Keys.SPACE)
        playing(2)
        press(Keys.ARROW_LEFT)  # back: beat 2's end state at once, no replay
        shown = browser.wait_for(lambda: (lambda s: s if s["index"] == 1 and s["front"] == "still"
                                          else None)(state()), what="beat 2's end state")
        assert shown["src"].endswith(f"/beats/{beat_file[1]}.jpg") and shown["mode"] == "end"
        assert _looks_like(screenshot(), folder / "beats" / f"{beat_file[1]}.jpg") < 3

        # A slide number, then Enter: its first beat plays to its end frame.
        last = deck.slides[-1].number
        press(*str(last), Keys.ENTER)
        target = first_of[last]
        playing(target)
        driver.execute_script("document.querySelector('video.front').playbackRate = 4")
        browser.wait_for(lambda: driver.execute_script(
            "return document.querySelector('video.front').ended"), timeout=20,
            what="the jumped-to beat to end")
        picture = screenshot()
        poster = folder / "beats" / f"{beat_file[target]}.jpg"
        assert _looks_like(picture, poster) < 3
        other = folder / "beats" / f"{beat_file[target - 1]}.jpg"  # the checker can fail
        assert _looks_like(picture, other) > 3 * _looks_like(picture, poster) + 1

        press(Keys.END)  # the last beat's end state is the slide's still
        browser.wait_for(lambda: state()["index"] == len(beats) - 1 and
                         state()["front"] == "still", what="the last beat")
        assert _looks_like(screenshot(), deck.file(deck.slides[-1], "png")) < 4  # PNG vs H.264
        press(Keys.HOME)
        playing(0)
        press(Keys.PAGE_DOWN)
        playing(1)
        press(Keys.PAGE_UP)
        browser.wait_for(lambda: state()["index"] == 0 and state()["front"] == "still",
                         what="PageUp")

        press("b")
        assert state()["black"] and np.asarray(screenshot().convert("L")).max() < 10
        press("b")
        assert not state()["black"]
        press("m")
        assert state()["muted"] and driver.execute_script(
            "return [...document.querySelectorAll('video')].every(v => v.muted)")

        # The speaker window: the beat's narration, the next beat's poster, the times.
        press(Keys.ARROW_RIGHT)
        playing(1)
        press("s")
        browser.wait_for(lambda: len(driver.window_handles) == 2, what="the speaker window")
        main = driver.current_window_handle
        driver.switch_to.window([h for h in driver.window_handles if h != main][0])
        text = browser.wait_for(lambda: driver.execute_script(
            "return document.getElementById('notes') && "
            "document.getElementById('notes').textContent"), what="the notes")
        assert text == beats[1][1]["text"]
        assert driver.execute_script("return document.getElementById('next').src").endswith(
            f"/beats/{beat_file[2]}.jpg")
        assert re.fullmatch(r"\d+:\d\d", driver.execute_script(
            "return document.getElementById('elapsed').textContent"))
        press(Keys.ARROW_RIGHT)  # keys work in the speaker window too
        browser.wait_for(lambda: driver.execute_script(
            "return document.getElementById('notes').textContent") == beats[2][1]["text"],
            what="the notes to follow")
        driver.switch_to.window(main)
        playing(2)
        never_blank()

        # Issue 27: a checkpoint. Its beat plays (the card, the question said); at its end
        # the page stops on the question; A reveals the answer; Right goes on.
        asked, said = _checkpoint(facts, deck)
        driver.get((folder / "index.html").as_uri() + f"#{asked}")  # the beat before, its end
        browser.wait_for(lambda: state()["index"] == asked - 1, what="the beat before")
        assert state()["asking"] is None
        press(Keys.ARROW_RIGHT)
        playing(asked)
        assert state()["asking"] is None  # not while the card is said
        driver.execute_script("document.querySelector('video.front').playbackRate = 8")
        now = _asking(state, said["checkpoint"], answered=False)
        region = driver.find_element("id", "checkpoint")
        assert region.get_attribute("aria-labelledby") == "checkpoint-badge"
        assert said["checkpoint"]["question"] in region.text
        words = _deck_js(folder)["checkpoint_words"]  # the bank's, for the page
        assert "Answer" not in region.text and now["narration"].endswith(words["reveal_hint"])
        assert driver.find_element("id", "reveal").text == words["reveal"]
        press("a")
        now = _asking(state, said["checkpoint"], answered=True)
        answer = said["checkpoint"]["answer"]
        assert answer in region.text and said["checkpoint"]["solution"] in region.text
        assert now["narration"].startswith(answer)
        press(Keys.ARROW_RIGHT)
        playing(asked + 1)
        assert state()["asking"] is None and not region.is_displayed()
        press(Keys.ARROW_LEFT)  # back to it: its end state, the question asked again, answered
        _asking(state, said["checkpoint"], answered=True)

        outside = [url for url in browser.requested_urls(driver)
                   if not url.startswith(folder.as_uri() + "/") and url != "about:blank"]
        assert outside == [], f"the presenter loaded files outside its folder: {outside}"
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []


def test_the_presenter_follows_the_keys_in_firefox_too(deck: Deck, facts) -> None:
    """Firefox ESR from Debian, driven over WebDriver BiDi (no geckodriver): the same page
    from file://, the keys, a video playing, the end state, nothing loaded from outside."""
    import io

    from tests.backprop_render import present_browser as browser

    problem = browser.firefox_available()
    assert problem is None, problem
    folder = deck.out / "present"
    beats = _beats_of(facts, deck)
    beat_file, first_of = _beat_files(facts, deck)

    with browser.firefox() as firefox:
        firefox.navigate((folder / "index.html").as_uri())

        def state() -> dict:
            return firefox.evaluate("presenter.state()")

        def playing(index: int) -> dict:
            return _wait_playing(state, index, beat_file)

        first = browser.wait_for(lambda: (lambda s: s if s["waiting"] or not s["paused"]
                                          else None)(state()), what="the first beat")
        if first["waiting"]:
            firefox.press("ArrowRight")
        playing(0)
        firefox.press("ArrowRight")
        playing(1)
        firefox.press("ArrowLeft")  # back: the first beat's end state, at once
        shown = browser.wait_for(lambda: (lambda s: s if s["index"] == 0 and s["front"] == "still"
                                          else None)(state()), what="beat 1's end state")
        assert shown["src"].endswith(f"/beats/{beat_file[0]}.jpg") and shown["mode"] == "end"
        last = deck.slides[-1].number
        firefox.press(*str(last), "Enter")  # a slide number, then Enter
        playing(first_of[last])
        firefox.press("End")
        browser.wait_for(lambda: state()["index"] == len(beats) - 1 and
                         state()["front"] == "still", what="the last beat")
        picture = Image.open(io.BytesIO(firefox.screenshot()))
        assert _looks_like(picture, deck.file(deck.slides[-1], "png")) < 4  # PNG vs H.264

        # Issue 26: the caption and the live region say the beat's sentence while it is
        # spoken; C turns captions off and on; with reduced motion a beat shows its end.
        speech = [b["speech"] for b in firefox.evaluate("DECK.beats")]
        firefox.press("Home")
        now = _speaking(state, 0, speech[0])
        assert now["caption"] == now["narration"] == beats[0][1]["text"]
        firefox.press("c")
        browser.wait_for(lambda: not state()["captions"] and state()["caption"] == "",
                         what="captions off")
        firefox.press("c")
        firefox.set_pref("ui.prefersReducedMotion", 1)
        firefox.press("ArrowRight")
        _showing_its_end_while_it_plays(state, 1, beat_file)
        assert _speaking(state, 1, speech[1])["caption"] == beats[1][1]["text"]
        firefox.set_pref("ui.prefersReducedMotion", 0)
        # Issue 27: the checkpoint's question at its end state, A reveals, Right goes on.
        asked, said = _checkpoint(facts, deck)
        firefox.navigate((folder / "index.html").as_uri() + f"#{asked + 1}")
        _asking(state, said["checkpoint"], answered=False)
        firefox.press("a")
        _asking(state, said["checkpoint"], answered=True)
        assert said["checkpoint"]["answer"] in firefox.evaluate(
            "document.getElementById('checkpoint').innerText")
        firefox.press("ArrowRight")
        playing(asked + 1)
        assert state()["asking"] is None
        # BiDi reports every request that leaves the machine or the folder (an http(s)
        # load from this file:// page is seen; checked by hand), not the file:// ones.
        outside = [url for url in firefox.urls if not url.startswith(folder.as_uri() + "/")]
        assert outside == [], f"the presenter loaded files outside its folder: {outside}"


def test_the_pptx_has_a_slide_per_beat_and_libreoffice_opens_it(deck: Deck, facts,
                                                                  tmp_path: Path) -> None:
    import shutil

    from pptx import Presentation
    from pypdf import PdfReader

    beats = _beats_of(facts, deck)
    presentation = Presentation(str(deck.out / "lecture.pptx"))
    assert len(presentation.slides) == len(beats)
    for slide, (entry, beat) in zip(presentation.slides, beats, strict=True):
        assert slide.shapes.title.text.startswith(f"{entry['number']}. {entry['title']} (")
        notes = slide.notes_slide.notes_text_frame.text
        asked = beat.get("checkpoint")  # its answer in the notes, for the lecturer alone
        assert notes == beat["text"] if not asked else (
            notes.startswith(beat["text"]) and asked["answer"] in notes
            and asked["solution"] in notes)
        kinds = sorted(r.target_part.content_type for r in slide.part.rels.values()
                       if r.reltype.endswith(("/media", "/image")))
        assert kinds == ["image/jpeg", "video/mp4"], kinds  # the movie and its poster
    # a page a slide, and the checkpoints' answers on the last
    assert len(PdfReader(deck.out / "handout.pdf").pages) == len(deck.slides) + 1

    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: ./render.sh test installs libreoffice-impress"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck.out / "lecture.pptx")],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(tmp_path / "lecture.pdf").pages) == len(beats)


# ----- issue 15: the narrated lecture -----------------------------------------------------
# The deck is rendered with the default voice: every beat is spoken.

def _narration(facts: dict, slide: Slide) -> list[dict]:
    entry = next(e for e in facts["slides"] if e["stem"] == slide.stem)
    return entry["manifest"]["narration"]


def test_every_video_carries_aac_speech_exactly_as_long_as_its_pictures(deck: Deck,
                                                                         videos) -> None:
    for path in [deck.file(s, "mp4") for s in deck.slides] + [deck.out / "lecture.mp4"]:
        with av.open(str(path)) as container:
            assert [a.codec_context.name for a in container.streams.audio] == ["aac"], path.name
        video = media.probe_video(path)
        sound = media.read_audio(path)
        # equal within one frame (the MP4 edit list keeps milliseconds)
        assert abs(sound.samples.size / sound.rate - float(video.duration)) <= 1 / 15, path.name
    for slide in deck.slides:  # a join between slides is silence meeting silence: no click
        sound = media.read_audio(deck.file(slide, "mp4"))
        edge = sound.rate // 20
        assert np.abs(sound.samples[:edge]).max() < 0.01, slide.stem
        assert np.abs(sound.samples[-edge:]).max() < 0.01, slide.stem
    assert not any(Image.open(deck.file(s, "gif")).info.get("audio") for s in deck.slides)


def test_each_beats_speech_is_inside_its_beat_and_its_subtitle_follows_it(deck: Deck,
                                                                          facts) -> None:
    for slide in deck.slides:
        beats = _narration(facts, slide)
        sound = media.read_audio(deck.file(slide, "mp4"))
        rate, samples = sound.rate, sound.samples
        cues = read_srt(deck.file(slide, "srt"))
        assert len(cues) == len(beats), slide.stem
        for beat, cue in zip(beats, cues, strict=True):
            assert beat["start"] < beat["speech_start"] < beat["speech_end"] < beat["end"], beat
            # the cue is the speech, to a frame
            assert abs(float(cue.start) - beat["speech_start"]) <= 1 / 15, beat["beat"]
            assert abs(float(cue.end) - beat["speech_end"]) <= 1 / 15, beat["beat"]
            spoken = samples[round(beat["speech_start"] * rate):round(beat["speech_end"] * rate)]
            assert np.sqrt(np.mean(spoken ** 2)) > 0.02, f"{slide.stem} {beat['beat']} is mute"
            # nothing sounds between the end of its speech and the end of its beat
            after = samples[round(beat["speech_end"] * rate) + rate // 50:round(beat["end"] * rate)]
            assert after.size == 0 or np.abs(after).max() < 0.01, f"{slide.stem} {beat['beat']}"


def test_every_slide_speaks_at_the_same_loudness_and_a_lecturers_pace(deck: Deck, facts) -> None:
    from backprop_render.media import audio

    for slide in deck.slides:
        entry = next(e for e in facts["slides"] if e["stem"] == slide.stem)
        measured = entry["manifest"]["audio"]
        sound = media.read_audio(deck.file(slide, "mp4"))
        # measured again on the decoded AAC: the same level on every slide
        assert audio.loudness(sound.samples, sound.rate) == pytest.approx(audio.TARGET_LUFS,
                                                                          abs=1.0), slide.stem
        assert 1.8 <= measured["words_per_second"] <= 3.6, (slide.stem, measured)


def test_the_lecture_script_has_every_beat_at_its_time_on_the_lecture(deck: Deck,
                                                                      facts) -> None:
    from backprop_render.present.script import clock

    text = (deck.out / "lecture-script.md").read_text(encoding="utf-8")
    chapters = {c["slide"]: c for c in facts["lecture_video"]["chapters"]}
    for slide in deck.slides:
        for beat in _narration(facts, slide):
            when = clock(chapters[slide.stem]["start"] + beat["speech_start"])
            assert f"- **{when}** `{beat['beat']}`: {beat['text']}" in text, beat


def test_a_new_learning_rate_voices_again_only_the_sentences_whose_numbers_changed(
        deck: Deck, facts, tmp_path: Path) -> None:
    # The sentences of lr=0.02, from the deck's own: each number a beat said, formatted
    # anew (the words around them are the same for this small change), then spoken
    # through a copy of the deck's speech cache (the deck stays as it was rendered).
    import shutil

    from backprop_core import format_fact
    from backprop_core.params import params_from_mapping
    from backprop_core.spoken import spoken_sentence
    from lecture.user_cache import UserCache
    from narration.speech import DEFAULT_VOICE, Narrator

    lesson = build_lesson(params_from_mapping({"lr": 0.02}))
    cache = UserCache(shutil.copytree(deck.cache, tmp_path / "cache"))
    narrator = Narrator(DEFAULT_VOICE, tmp_path / "speech", cache)
    changed = total = made = 0
    for slide in deck.slides:
        for beat in _narration(facts, slide):
            text, cursor = beat["text"], 0
            for key, shown in beat["said"]:
                now = format_fact(key, lesson.lookup(key)).text
                at = text.index(shown, cursor)
                text = text[:at] + now + text[at + len(shown):]
                cursor = at + len(now)
            spoken = spoken_sentence(text)
            assert spoken_sentence(beat["text"]) == beat["spoken"]
            changed += spoken != beat["spoken"]
            total += 1
            made += narrator.speak(spoken).synthesized
    assert made == changed, f"{made} synthesized for {changed} changed sentences of {total}"
    if any(s.slug == "gradient-descent" for s in deck.slides):
        assert 0 < changed < total


# ----- issue 28: the lecturer's own voice ------------------------------------------------
# The deck's quicker slide again, in a copy of the deck's folder, spoken with takes (made of
# generated speech-like sound). With takes, Manim keys the animations itself (not on what the
# scene was handed, as the deck's render did: scenes/speedups/play_key.py), so this first
# render with takes draws the slide again; a later change of takes draws only their pauses.

# What the takes change is the slide's video, sound and subtitles: neither its GIF nor the
# presentation is made (a GIF is one more encode of the whole video).
NO_EXTRAS = ("--no-present", "--no-gif")


def test_28_a_slide_spoken_with_takes_follows_them(deck: Deck, facts, tmp_path: Path) -> None:
    import shutil

    from backprop_render.media import audio
    from backprop_render.present.recording import TODO_FILE
    from narration import takes
    from narration.take_audio import find_speech
    from scenes.kit.slide import SPEECH_LEAD
    from scenes.kit.theme import BEAT_PAUSE
    from tests.narration.take_media import speechlike, write_audio

    slide = deck.slides[0]  # the quicker one
    out = shutil.copytree(deck.out, tmp_path / "out", symlinks=True)
    folder = tmp_path / "takes"
    folder.mkdir()
    beats = [b for b in takes.lecture_beats(facts) if b.slide == slide.number]
    said = {}  # beat -> how long its take speaks
    for index, beat in enumerate(beats[:-2]):
        # Beat 2 speaks far longer than its animations and the voice took; the formats vary.
        seconds = 14.0 if index == 1 else 2.5 + 0.5 * index
        samples, (first, last) = speechlike(seconds, 48000, seed=index, lead=0.4, tail=0.6)
        path = write_audio(folder / f"{beat.id}{('.wav', '.ogg', '.mp3', '.flac')[index % 4]}",
                           samples, 48000, channels=1 + index % 2)
        takes.write_record(folder, takes.record_for(beat, path, "test"))
        said[beat.name] = last - first
    stale = beats[-2]  # spoken for a sentence the lecture no longer says
    path = write_audio(folder / f"{stale.id}.wav", speechlike(3.0, 44100)[0], 44100)
    record = takes.record_for(stale, path, "test")
    takes.write_record(folder, dataclasses.replace(record, sentence="What it said before."))
    done = subprocess.run(render_command(out, (slide.number,), deck.cache)
                          + [*NO_EXTRAS, "--takes", str(folder)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.startswith(f"Rendered 1 slide into {out}: {slide.stem}\n"), done.stdout
    assert f"takes from {folder}: {len(said)} of {len(beats)} beats speak with your takes; " \
        "1 stale, 0 unusable, 1 not recorded yet (spoken by the voice joe)" in done.stdout
    assert f"    stale: {stale.id}\n      was: What it said before.\n      now: {stale.text}" \
        in done.stdout
    assert f"- **{stale.id}** (slide {slide.number})" in (out / TODO_FILE).read_text()

    entry = next(e for e in json.loads((out / "facts.json").read_text())["slides"]
                 if e["stem"] == slide.stem)
    narration = entry["manifest"]["narration"]
    sound = media.read_audio(out / f"{slide.stem}.mp4")
    rate, samples = sound.rate, sound.samples
    cues = read_srt(out / f"{slide.stem}.srt")
    assert audio.loudness(samples, rate) == pytest.approx(audio.TARGET_LUFS, abs=1.0)
    for beat, cue in zip(narration, cues, strict=True):
        name = beat["beat"]
        assert beat["source"] == ("take" if name in said else "voice"), name
        # The subtitle runs over the speech as heard on the slide, to a frame and a syllable.
        heard = find_speech(samples[round(beat["start"] * rate):round(beat["end"] * rate)], rate)
        assert abs(float(cue.start) - (beat["start"] + heard.start)) <= 0.1, name
        assert abs(float(cue.end) - (beat["start"] + heard.end)) <= 0.1, name
        spoken = samples[round(beat["speech_start"] * rate):round(beat["speech_end"] * rate)]
        assert audio.loudness(spoken, rate) == pytest.approx(audio.TARGET_LUFS, abs=1.5), name
        if name in said:
            # The take's speech, found in it, starts as the voice's would (a sliver of a
            # syllable at its end, shorter than a word, is no speech).
            assert beat["speech_start"] - beat["start"] == pytest.approx(SPEECH_LEAD, abs=1e-6)
            assert beat["speech_end"] - beat["speech_start"] == pytest.approx(said[name], abs=0.15)
    long = narration[1]  # lasts as long as its take, and the pause after it
    assert long["end"] - long["speech_end"] == pytest.approx(BEAT_PAUSE + 0.06, abs=0.08)
    before = next(b for b in _narration(facts, slide) if b["beat"] == long["beat"])
    assert long["end"] - long["start"] > before["end"] - before["start"] + 3

    # Another lr: the slide says nothing of it, its takes stay in use, nothing renders.
    again = subprocess.run(render_command(out, (slide.number,), deck.cache) + [
        *NO_EXTRAS, "--takes", str(folder), "--set", "lr=0.02"], capture_output=True,
        text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-4000:]
    assert again.stdout.startswith(f"Rendered 0 slides into {out}\n"), again.stdout


# ----- issue 26: every student can follow ----------------------------------------------
# Captions inside every video and beside it, the presenter's captions and what it tells a
# screen reader, axe-core on its pages in both themes, a tagged handout, a described deck.

def _vtt_cues(path: Path) -> list:
    """The cues of a WebVTT file as compose_vtt writes it (header, then numbered cues)."""
    import html

    from backprop_render.media.subtitles import Cue

    def seconds(stamp: str) -> Fraction:
        hours, minutes, rest = stamp.split(":")
        return (int(hours) * 3600 + int(minutes) * 60) + Fraction(rest)

    header, *blocks = path.read_text(encoding="utf-8").strip().split("\n\n")
    assert header == "WEBVTT\nLanguage: en", header
    cues = []
    for block in blocks:
        _, times, *lines = block.split("\n")
        start, end = times.split(" --> ")
        cues.append(Cue(seconds(start), seconds(end), html.unescape("\n".join(lines))))
    return cues


def test_26_every_video_carries_its_subtitles_and_says_their_language(deck: Deck) -> None:
    for name in [s.stem for s in deck.slides] + ["lecture"]:
        mp4 = deck.out / f"{name}.mp4"
        expected = read_srt(deck.out / f"{name}.srt")
        inside = media.read_captions(mp4)  # decoded as a player decodes them
        frame = 1 / media.probe_video(mp4).fps
        assert [c.text for c in inside] == [c.text for c in expected], name
        assert all(abs(a.start - b.start) <= frame and abs(a.end - b.end) <= frame
                   for a, b in zip(inside, expected, strict=True)), name
        languages = media.track_languages(mp4)
        assert (languages["audio"], languages["subtitle"]) == (["eng"], ["eng"]), name
        assert _vtt_cues(deck.out / f"{name}.vtt") == expected, name


def _deck_js(folder: Path) -> dict:
    text = (folder / "deck.js").read_text(encoding="utf-8")
    return json.loads(text.split("window.DECK = ", 1)[1].rstrip().removesuffix(";"))


def _light_copy(folder: Path, tmp_path: Path) -> Path:
    """The presenter as a render in the light theme writes it: the same files and beats,
    deck.js's theme the light palette's page colours (present.build's page_theme)."""
    from backprop_render.present.build import page_theme

    copy = tmp_path / "present-light"
    copy.mkdir()
    for path in folder.iterdir():
        if path.name != "deck.js":
            (copy / path.name).symlink_to(path)
    data = _deck_js(folder)
    data["theme"] = page_theme("light")
    (copy / "deck.js").write_text(f"window.DECK = {json.dumps(data)};\n", encoding="utf-8")
    return copy


def _speaking(state: Callable[[], dict], index: int, speech: list[float]) -> dict:
    """The presenter's state once beat `index`'s sentence is being spoken, well inside it."""
    from tests.backprop_render.present_browser import wait_for

    return wait_for(lambda: (lambda s: s if s["index"] == index and s["mode"] == "play" and
                             speech[0] + 0.1 < s["beatTime"] < speech[1] - 0.1 else None)(
        state()), what=f"beat {index + 1}'s sentence being spoken")


def _showing_its_end_while_it_plays(state: Callable[[], dict], index: int,
                                    beat_file: list[str]) -> dict:
    """With reduced motion: the beat's end frame in front at once, its video playing on
    behind it (its narration, its captions)."""
    from tests.backprop_render.present_browser import wait_for

    return wait_for(lambda: (lambda s: s if s["index"] == index and s["front"] == "still"
                             and s["src"].endswith(f"/beats/{beat_file[index]}.jpg")
                             and s["mode"] == "play" and not s["beatPaused"]
                             and s["beatTime"] > 0 else None)(state()),
                    what=f"beat {index + 1}'s end frame, its video playing behind it")


def test_26_the_presenter_captions_announces_and_passes_axe_in_chromium(deck: Deck, facts,
                                                                        tmp_path: Path) -> None:
    import io

    from tests.backprop_render import axe
    from tests.backprop_render import present_browser as browser

    problem = browser.available()
    assert problem is None, problem
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    folder = deck.out / "present"
    beats = _beats_of(facts, deck)
    beat_file, _ = _beat_files(facts, deck)
    speech = [b["speech"] for b in _deck_js(folder)["beats"]]
    asked, said = _checkpoint(facts, deck)
    for (_, spoken), (start, end) in zip(beats, speech, strict=True):  # on each beat's video
        assert abs(spoken["video_start"] + start - spoken["speech_start"]) <= 1 / 15, \
            spoken["beat"]
        assert abs(spoken["video_start"] + end - spoken["speech_end"]) <= 1 / 15, spoken["beat"]

    with browser.chromium() as driver:
        def state() -> dict:
            return driver.execute_script("return presenter.state()")

        def press(*keys: str) -> None:
            ActionChains(driver).send_keys(*keys).perform()

        def started() -> dict:
            return browser.wait_for(lambda: (lambda s: s if s["waiting"] or s["front"] != "none"
                                             else None)(state()), what="the first beat")

        main = None
        for theme, page in (("dark", folder), ("light", _light_copy(folder, tmp_path))):
            driver.get((page / "index.html").as_uri())
            main = driver.current_window_handle
            first = started()
            assert driver.execute_script("return document.documentElement.lang") == "en"
            axe.assert_no_violations(driver, f"the presenter as it opens ({theme} theme)")
            if first["waiting"]:
                press(Keys.ARROW_RIGHT)
            now = _speaking(state, 0, speech[0])
            assert now["captions"] and now["caption"] == now["narration"] == beats[0][1]["text"]
            axe.assert_no_violations(driver, f"the presenter while a beat plays, its caption on "
                                             f"({theme} theme)")
            press(Keys.TAB, "?")  # the buttons shown (hidden, axe skips them) and the help
            axe.assert_no_violations(driver, f"the presenter's buttons and help ({theme} theme)")
            press("?")
            driver.execute_script("document.activeElement.blur()")
            press("s")
            browser.wait_for(lambda: len(driver.window_handles) == 2, what="the speaker window")
            driver.switch_to.window([h for h in driver.window_handles if h != main][0])
            browser.wait_for(lambda: driver.execute_script(
                "return document.getElementById('notes').textContent"), what="the notes")
            assert driver.execute_script("return document.documentElement.lang") == "en"
            axe.assert_no_violations(driver, f"the speaker window ({theme} theme)")
            driver.close()
            driver.switch_to.window(main)
            # Issue 27: a checkpoint's question, then its answer, over the picture.
            driver.get((page / "index.html").as_uri() + f"#{asked + 1}")
            _asking(state, said["checkpoint"], answered=False)
            axe.assert_no_violations(driver, f"a checkpoint's question ({theme} theme)")
            press("a")
            _asking(state, said["checkpoint"], answered=True)
            axe.assert_no_violations(driver, f"a checkpoint's answer ({theme} theme)")
            press(Keys.ARROW_RIGHT)  # on: the page's address is a beat without a question

        # C turns the captions off; the choice outlives a reload (which opens the beat the
        # address names at its end state).
        press("c")
        browser.wait_for(lambda: not state()["captions"] and state()["caption"] == "",
                         what="captions off")
        driver.refresh()
        assert not started()["captions"]
        press("c")
        assert state()["captions"]

        # Every control by keyboard: Tab brings the buttons, each with a visible focus ring;
        # Enter presses the focused one (it does not step the talk).
        press(Keys.TAB)
        focused = driver.switch_to.active_element
        assert (focused.tag_name, focused.text) == ("button", "Back")
        ring = driver.execute_script("const s = getComputedStyle(arguments[0]); "
                                     "return [s.outlineStyle, parseFloat(s.outlineWidth)]", focused)
        assert ring[0] != "none" and ring[1] >= 2, ring
        assert driver.execute_script(
            "return getComputedStyle(document.getElementById('controls')).opacity") == "1"
        at = state()["index"]
        press(Keys.TAB, Keys.TAB, Keys.ENTER)  # Back, Next, Captions
        assert driver.switch_to.active_element.text == "Captions"
        assert not state()["captions"] and state()["index"] == at
        press(Keys.ENTER)
        assert state()["captions"]

        # Reduced motion: the next beat's end state at once, its narration and caption on.
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
            {"name": "prefers-reduced-motion", "value": "reduce"}]})
        press(Keys.ARROW_RIGHT)
        index = at + 1
        _showing_its_end_while_it_plays(state, index, beat_file)
        assert _speaking(state, index, speech[index])["caption"] == beats[index][1]["text"]
        press("c")  # the picture alone, to compare with the beat's end frame
        driver.execute_script("document.activeElement.blur()")  # the buttons hide again
        browser.wait_for(lambda: driver.execute_script(
            "return !document.getElementById('status').classList.contains('shown') && "
            "document.getElementById('caption').hidden && "
            "getComputedStyle(document.getElementById('controls')).opacity === '0'"),
            what="the picture alone")
        picture = Image.open(io.BytesIO(driver.get_screenshot_as_png()))
        assert _looks_like(picture, folder / "beats" / f"{beat_file[index]}.jpg") < 3
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []


def test_26_the_handout_is_tagged_text_and_the_deck_describes_each_video(deck: Deck,
                                                                         facts) -> None:
    from pptx import Presentation

    from tests.backprop_render.handout_check import handout_problems

    beats = _beats_of(facts, deck)
    sentences = [beat["text"] for _, beat in beats]
    assert handout_problems(deck.out / "handout.pdf", sentences, len(deck.slides)) == []
    presentation = Presentation(str(deck.out / "lecture.pptx"))
    for slide, sentence in zip(presentation.slides, sentences, strict=True):
        movie = next(s for s in slide.shapes if s.shape_type == 16)  # MSO_SHAPE_TYPE.MEDIA
        assert movie._element.xpath("./p:nvPicPr/p:cNvPr/@descr") == [sentence]


# ----- issue 27: checkpoints -----------------------------------------------------------------

def _panel_share(frame: np.ndarray, colour: str) -> float:
    """The share of the content band (under the title, above the footer) in `colour`, give or
    take the encoder's noise: the checkpoint's card is the one panel that fills it."""
    height, width, _ = frame.shape
    band = frame[round(0.3 * height):round(0.9 * height), round(0.05 * width):round(0.95 * width)]
    target = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(band.astype(int) - target).max(axis=2) <= 5).mean())


def test_27_the_lecture_shows_and_subtitles_the_checkpoints_card_before_the_answer(
        deck: Deck, facts) -> None:
    from lecture.palettes import THEMES

    asked, said = _checkpoint(facts, deck)
    entry, before = _beats_of(facts, deck)[asked - 1]
    after = _beats_of(facts, deck)[asked + 1][1]
    start = next(c["start"] for c in facts["lecture_video"]["chapters"]
                 if c["slide"] == entry["stem"])
    # On lecture.mp4: the end of the beat before, the question being said, the end of the
    # checkpoint (the slide's content hidden), the end of the beat that answers it.
    moments = {"before": before["end"], "saying": said["speech_end"], "asking": said["end"],
               "answered": after["end"]}
    wanted = {round((start + t) * 15) - 2: name for name, t in moments.items()}
    shares = {}
    for index, frame in enumerate(media.frames_by_time(deck.out / "lecture.mp4")):
        if index in wanted:
            shares[wanted[index]] = _panel_share(frame, THEMES["dark"].panel)
            if len(shares) == len(wanted):
                break  # decoding the rest of the lecture would cost the suite a second
    assert shares["saying"] > 0.5 and shares["asking"] > 0.5, shares
    assert shares["before"] < 0.1 and shares["answered"] < 0.1, shares  # the checker can fail
    cue = next(c for c in read_srt(deck.out / "lecture.srt") if c.text == said["text"])
    assert said["text"].startswith("Pause and predict: ") and \
        said["checkpoint"]["question"] in said["text"]
    assert abs(float(cue.start) - (start + said["speech_start"])) <= 1 / 15
    script = (deck.out / "lecture-script.md").read_text(encoding="utf-8")
    assert f"`{said['beat']}`: {said['text']}\n  - {said['checkpoint']['answer']}" in script
