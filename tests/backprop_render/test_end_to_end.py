"""The whole deck through `render.sh` at preview quality, rendered once and checked file by file.

Until every scene exists this renders the slides that do, and the completeness
test says which are missing; once all eight exist, all eight are required.
Deselect with `-m "not e2e"` while iterating; `./render.sh test` runs it.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from backprop_core import build_lesson, load_params
from backprop_render import media
from backprop_render.cli import REPO
from backprop_render.pipeline import CACHE_DIR
from backprop_render.subtitles import read_srt
from scenes.slides import SLIDE_COUNT, SLIDES, Slide

pytestmark = pytest.mark.e2e

KINDS = ("mp4", "gif", "png", "srt")


@dataclass(frozen=True)
class Deck:
    out: Path
    slides: list[Slide]
    stderr: str

    def file(self, slide: Slide, kind: str) -> Path:
        return self.out / f"{slide.stem}.{kind}"


@pytest.fixture(scope="session")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Deck:
    slides = [s for s in SLIDES if s.path.exists()]
    if not slides:
        pytest.skip("no slide has a scene yet (scenes/s01_*.py ... s08_*.py)")
    out = tmp_path_factory.mktemp("deck") / "out"
    result = subprocess.run([str(REPO / "render.sh"), "--quality", "preview", "--out", str(out)],
                            capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, f"render.sh failed:\n{result.stderr[-4000:]}"
    return Deck(out, slides, result.stderr)


@pytest.fixture(scope="session")
def videos(deck: Deck) -> dict[str, media.VideoInfo]:
    return {s.stem: media.probe_video(deck.file(s, "mp4")) for s in deck.slides}


@pytest.fixture(scope="session")
def facts(deck: Deck) -> dict:
    return json.loads((deck.out / "facts.json").read_text(encoding="utf-8"))


def test_the_deck_is_complete(deck: Deck) -> None:
    missing = [s for s in SLIDES if s not in deck.slides]
    if missing:
        pytest.skip("no scene yet for slides " + ", ".join(str(s.number) for s in missing)
                    + "; rendered the others")
    assert len(deck.slides) == SLIDE_COUNT == 8


def test_every_slide_has_all_its_files_and_nothing_else_is_left(deck: Deck) -> None:
    expected = {f"{s.stem}.{k}" for s in deck.slides for k in (*KINDS, "facts.json")}
    expected |= {"lecture.mp4", "lecture.srt", "facts.json", ".render-state.json", CACHE_DIR,
                 "lecture-script.md"}
    assert {p.name for p in deck.out.iterdir()} == expected  # no staging, no logs, no temp files


def test_slide_videos_are_browser_h264_at_preview_size(deck: Deck, videos, facts) -> None:
    reported = {e["stem"]: e["manifest"]["duration"] for e in facts["slides"]}
    for slide in deck.slides:
        info = videos[slide.stem]
        assert (info.codec, info.pixel_format, info.width, info.height, info.fps) == \
            ("h264", "yuv420p", 854, 480, 15), slide.stem
        assert info.duration == Fraction(info.frames, 15)
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
    for chapter, slide in zip(chapters, deck.slides):
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
    assert all(abs(c.start - when) <= Fraction(1, 1000) for c, (when, _) in zip(lecture, expected))


def test_facts_json_holds_the_parameters_the_lesson_and_each_slides_facts(deck: Deck, facts) -> None:
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


def test_each_video_has_its_facts_beside_it_and_its_scene_kept_its_layout(deck: Deck, facts) -> None:
    for entry in facts["slides"]:
        beside = json.loads((deck.out / f"{entry['stem']}.facts.json").read_text(encoding="utf-8"))
        assert {k: v for k, v in beside.items() if k not in ("lecture", "about")} == entry
        assert entry["manifest"]["layout_problems"] == [], entry["stem"]


def test_rendering_again_unchanged_renders_nothing_and_touches_no_file(deck: Deck, facts) -> None:
    def stamps() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in deck.out.iterdir() if p.is_file()}

    before = stamps()
    again = subprocess.run([str(REPO / "render.sh"), "--quality", "preview", "--out", str(deck.out)],
                           capture_output=True, text=True, timeout=600)
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
    slide = deck.slides[-1]

    def segments() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in (deck.out / CACHE_DIR / slide.stem).glob(
            "media/videos/*/480p15/partial_movie_files/*/*.mp4")}

    cached = segments()
    with Image.open(deck.file(slide, "png")) as image:
        before = np.asarray(image).copy()
    deck.file(slide, "png").unlink()
    again = subprocess.run([str(REPO / "render.sh"), "--quality", "preview", "--slides",
                            str(slide.number), "--out", str(deck.out)],
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-4000:]
    assert again.stdout.startswith(f"Rendered 1 slide into {deck.out}: {slide.stem}\n")
    assert cached and segments() == cached  # no animation was drawn again
    with Image.open(deck.file(slide, "png")) as image:
        assert np.array_equal(np.asarray(image), before)


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
    from backprop_render import audio

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
    from backprop_render.script import clock

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
    from scenes.speech import DEFAULT_VOICE, Narrator

    lesson = build_lesson(params_from_mapping({"lr": 0.02}))
    cache = shutil.copytree(deck.out / CACHE_DIR / "speech", tmp_path / "speech")
    narrator = Narrator(DEFAULT_VOICE, cache)
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
