"""The checks every slide must pass, made for one slide at a time.

Each slide's test file takes them in (`test_unusual_parameters = unusual_parameters_test(SLIDE)`),
so all of a slide's tests live in one file and, run with `--dist loadfile`, in one test
process, where they share its constructions (see conftest.dry_run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image

from backprop_core import ParamError, build_lesson, format_fact
from backprop_core.formatting import localize
from backprop_core.params import DECLARED, Param, params_from_mapping
from lecture.slides import Slide
from narration.speech import speech_audit
from scenes.checks.audit import missing_facts, numeral_audit
from tests.scenes.conftest import UNUSUAL_PARAMS, dry_run

__all__ = ["check_slide", "unusual_parameters_test", "random_parameters_test", "length_test",
           "frames_test", "paused_frames_test", "light_theme_test", "language_test",
           "RANDOM_PARAMS",
           "random_params", "CONTROL_FRAMES"]


def check_slide(scene: Any, params: dict) -> None:
    """Layout held after every animation, every beat narrated, every number shown or said is
    the core's value formatted by the core and is really there (a spoken one on screen by the
    end of its beat), and no numeral was typed."""
    assert scene.layout_problems == []
    assert scene.narration, "a slide without narration writes no subtitles"
    assert all(beat["text"].strip() for beat in scene.narration)
    lesson = build_lesson(params_from_mapping(params))
    for fact in scene.facts.facts:
        expected = localize(format_fact(fact.key, lesson.lookup(fact.key), fact.decimals),
                            scene.facts.numbers)  # the core's digits, the language's symbols
        assert (fact.shown, fact.tex) == (expected.text, expected.tex), fact
    assert numeral_audit(scene) == []
    assert missing_facts(scene) == []
    assert speech_audit(scene) == []  # what the voice says, as the screen shows it


def unusual_parameters_test(slide: Slide) -> Callable[..., None]:
    @pytest.mark.parametrize("name", UNUSUAL_PARAMS)
    def test(name: str) -> None:
        params = UNUSUAL_PARAMS[name]
        check_slide(dry_run(slide, params, reuse_equivalent=True), params)

    return test


def length_test(slide: Slide) -> Callable[[], None]:
    def test() -> None:
        # A checkpoint is a pause in the slide's story: not counted against it.
        scene = dry_run(slide)
        asking = sum(b["end"] - b["start"] for b in scene.narration if "checkpoint" in b)
        story = scene.time - asking
        assert 25 <= story <= 60, f"{slide.stem} runs {story:.1f} s, and {asking:.1f} s asking"

    return test


def _number(low: float, high: float, places: int = 4):
    return st.floats(low, high, allow_nan=False).map(lambda v: round(v, places) + 0.0)


def _typed(declared: Param, places: int = 4) -> st.SearchStrategy:
    """A value a lecturer might type for the parameter: up to `places` decimals, anywhere in
    its declared range."""
    if declared.whole:
        return st.integers(int(declared.low), int(declared.high))
    low = declared.low + 10.0**-places if declared.exclusive_low else declared.low
    return _number(low, declared.high, places)


# Short training runs and descents: a construction of a long one takes too long.
SHORTER = {"steps": st.integers(1, 12), "epochs": st.integers(1, 60)}


def random_params(declared: Mapping[str, Param] = DECLARED,
                  shorter: Mapping[str, st.SearchStrategy] = SHORTER) -> st.SearchStrategy:
    """Random lessons: every declared parameter as a lecturer might type it, or drawn from
    `shorter`; a name there that no parameter declares fails at once."""
    unknown = set(shorter) - set(declared)
    if unknown:
        raise ValueError(f"no parameter is declared as {sorted(unknown)}")
    return st.fixed_dictionaries({name: shorter.get(name) or _typed(each)
                                  for name, each in declared.items()})


RANDOM_PARAMS = random_params()


def _valid(params: dict) -> bool:
    try:
        build_lesson(params_from_mapping(params))
    except ParamError:  # e.g. a descent that overflows is refused up front, with a message
        return False
    return True


def random_parameters_test(slide: Slide, examples: int = 1) -> Callable[..., None]:
    # A construction costs seconds: no shrinking (the failing parameters are printed as
    # found), and a fixed sequence of examples so a CI failure reproduces on any machine.
    # One example a slide: the unusual sets above hold the edge cases; this one is a set
    # nobody chose (more cost the suite's time budget; `examples` raises it locally).
    @settings(max_examples=examples, deadline=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(params=RANDOM_PARAMS.filter(_valid))
    def test(params: dict) -> None:
        check_slide(dry_run(slide, params, reuse_equivalent=True), params)

    return test


# Control frames: made on this machine type (Debian 12, cairo 1.16) at preview size.
CONTROL_FRAMES = Path(__file__).parent / "control_data" / "slides"
# Manim's own frame tests allow this much: a pixel value off by one, and one value in
# 100,000 off by more (antialiasing that differs between builds of the same cairo).
PIXEL_TOLERANCE = 1.01
MISMATCH_RATIO = 1e-5


def frames_test(slide: Slide) -> Callable[..., None]:
    """The slide's middle and last frames (drawn by the defaults' dry run, see conftest)
    against its control frames; `--set_test` writes the control frames instead."""

    @pytest.mark.parametrize("which", ("middle", "last"))
    def test(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        _compare(dry_run(slide).frames[which], CONTROL_FRAMES / f"s{slide.number:02d}_{which}.npz",
                 request, tmp_path, f"s{slide.number:02d}_{which}")

    return test


# ----- issue 17: paused frames and the light theme ------------------------------------------

def paused_frames_test(slide: Slide, known: tuple[str, ...] = ()) -> Callable[[], None]:
    """No paused frame inside an animation piles texts up or morphs one number's glyphs
    into another's (scenes/checks/paused_frames.py), checked by the defaults' dry run. `known`:
    beats whose findings are left to fix (the test fails if one of them is fixed, so the
    list cannot go stale)."""

    def test() -> None:
        problems = dry_run(slide).paused_frame_problems
        left = [p for p in problems if not any(f"beat '{beat}'" in p for beat in known)]
        assert left == []
        for beat in known:
            assert any(f"beat '{beat}'" in p for p in problems), f"beat '{beat}' is clean now"

    return test


def light_theme_test(slide: Slide) -> Callable[..., None]:
    """The slide in the light theme (one construction): the same checks as in the dark one,
    every text in a colour of the light palette, and its last frame against its control."""

    @pytest.mark.parametrize("which", ("checks", "last"))
    def test(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        from scenes.checks.layout import text_units
        from scenes.kit.theme import LIGHT

        scene = dry_run(slide, theme="light")
        if which == "checks":
            check_slide(scene, {})
            allowed = {c.lower() for c in LIGHT.text_colours.values()}
            for mob in scene.seen_texts.values():
                for unit in text_units(mob):
                    colours = {m.get_color().to_hex().lower()
                               for m in unit.family_members_with_points()}
                    assert colours <= allowed, (getattr(unit, "text", unit), colours - allowed)
            return
        _compare(scene.frames["last"], CONTROL_FRAMES / f"s{slide.number:02d}_last_light.npz",
                 request, tmp_path, f"s{slide.number:02d}_last_light")

    return test


def language_test(slide: Slide, unusual: tuple[str, ...] = ()) -> Callable[..., None]:
    """The slide in German, with the defaults and each of `unusual` (UNUSUAL_PARAMS names):
    the same checks as in English (its longer words must fit; its numbers, written with a
    decimal comma, are the core's; what the voice says is what the screen shows); and in the
    pseudo-language, every text and sentence marked «…»: none escaped the catalogs."""

    @pytest.mark.parametrize("case", ("de", *(f"de-{name}" for name in unusual), "qps"))
    def test(case: str) -> None:
        language, _, name = case.partition("-")
        params = UNUSUAL_PARAMS[name or "defaults"]
        scene = dry_run(slide, params, language=language)
        if language == "qps":
            leaks = unmarked(scene)
            assert leaks == [], leaks
            return
        check_slide(scene, params)
        assert scene.facts.numbers.decimal == ","
        assert all(beat["text"] == beat["text"].strip() and "«" not in beat["text"]
                   for beat in scene.narration)

    return test


def unmarked(scene: Any) -> list[str]:
    """What a construction in the pseudo-language shows or says without the marks «…» of a
    translated string: a text with words, a formula's words (\\text{...}), a sentence."""
    import re

    from lecture.i18n import words_of
    from scenes.checks.audit import displayed_string
    from scenes.checks.layout import text_units

    found = [f"said: {beat['text']!r}" for beat in scene.narration
             if "\u00ab" not in beat["text"]]
    paragraphs: dict[int, list[str]] = {}
    for mob in scene.seen_texts.values():
        for unit in text_units(mob):
            shown = displayed_string(unit)
            if hasattr(unit, "paragraph"):  # a line of a paragraph: marked as a whole
                paragraphs.setdefault(id(unit.paragraph), []).append(shown)
            elif re.fullmatch(r"[a-z]\)", shown):
                pass  # a choice's letter (lecture/questions.py), the same in every language
            elif hasattr(unit, "tex_string"):
                found += [f"formula words: {w!r}" for w in re.findall(r"\\text\{([^}]*)\}", shown)
                          if words_of(w) and "\u00ab" not in w]
            elif words_of(shown) and not {"\u00ab", "\u00bb"} & set(shown):
                found.append(f"text: {shown!r}")  # (a long text broken in lines: each a mark)
    found += [f"paragraph: {' '.join(lines)!r}" for lines in paragraphs.values()
              if words_of(" ".join(lines)) and not {"\u00ab", "\u00bb"} <= set(" ".join(lines))]
    return found


def _compare(frame: np.ndarray, control: Path, request: pytest.FixtureRequest, tmp_path: Path,
             name: str) -> None:
    """`frame` against the control frame in `control`; `--set_test` writes it instead."""
    if request.config.getoption("--set_test"):
        control.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(control, frame_data=frame)
        return
    assert control.is_file(), f"no control frame {control}; make it with --set_test"
    with np.load(control) as data:
        expected = data["frame_data"]
    assert frame.shape == expected.shape, f"{frame.shape} frame against {expected.shape} control"
    off = ~np.isclose(frame, expected, atol=PIXEL_TOLERANCE)
    if off.sum() <= MISMATCH_RATIO * frame.size:
        return
    # Keep the evidence: the frame drawn now, the control, and where they differ.
    drawn, was = frame[..., :3], expected[..., :3]
    where = np.where(off.any(axis=2, keepdims=True), 255, was // 4).astype(np.uint8)
    picture = tmp_path / f"{name}_now_control_diff.png"
    Image.fromarray(np.concatenate([drawn, was, where])).save(picture)
    pytest.fail(f"{off.sum()} of {frame.size} pixel values differ from {control.name}; "
                f"now, control and difference: {picture}")
