"""`SlideScene`: what every slide shares — chrome, beats with narration, numbers from the lesson.

A slide subclass sets `slide_number` and writes `construct()` as the narration's
beats, one method each, marked `@beat`: the method's name is the beat's name (in the
facts, the deck, the script), and with the slide its id (`lecture.slides.beat_id`)::

    @beat
    def multiply(self) -> None:
        with self.narrate("We multiply @x by @w.", x="worked_step.x", w="worked_step.w"):
            self.play(...)

Every beat is one `next_section` (a presenter can pause between beats) and one
subcaption (the `.srt` the pipeline ships). Before a beat the question bank marks with a
checkpoint (lecture/questions.toml), the slide asks first: a beat of its own
(`checkpoint_<question>`) covers the content with the question's card, says it, and
leaves it up for a while to think; the next beat takes the card down and shows the
answer. No slide's code names its checkpoints: the bank does, and `@beat` asks them
($BACKPROP_CHECKPOINTS=none: it asks none). With a voice ($BACKPROP_VOICE, see
speech.py) or the lecturer's take of the beat ($BACKPROP_TAKES, narrator.py) the beat's
sentence is spoken: the beat lasts at least its speech plus a pause, and the subcaption
follows the speech; without either (`none`, the default when the scene runs outside the
pipeline, as in the tests) it lasts at least as long as its sentence takes to read.
Numbers only ever come from lesson paths through `say`, `tex`, `text` and `number`, which
format them with the core's rules and record them for the facts manifest.

Every sentence and text is a catalog entry (lecture/i18n.py), shown in the language the
pipeline asked for ($BACKPROP_LANG): a narration sentence written in a beat is found
under the beat's id, a text written in the slide under the slide's slug, a `Message`
(`N_`, e.g. scenes/wording.py's verdict sentences) under its own context. Its numbers
are written with the language's symbols, and spoken with its words.
"""

from __future__ import annotations

import functools
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterator, TypeVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    Mobject,
    Scene,
    Text,
    VGroup,
    config,
    smooth,
    squish_rate_func,
)
from PIL import Image

from backprop_core.formatting import Shown
from backprop_core.spoken import WORDS, Spoken
from lecture import contract, questions
from lecture.facts import CHECKPOINT, FactRecorder, TrackedLesson
from lecture.i18n import N_, Catalog, TrackedCatalog, fill_words, words_of
from lecture.slides import KICKER, SLIDE_COUNT, SLIDES, Slide, beat_id, is_beat_name
from lecture.user_cache import UserCache
from narration.narrator import BeatNarrator
from narration.takes import BeatLine
from scenes import speedups
from scenes.checks import paused_frames
from scenes.checks.layout import layout_problems, text_units, visible_box
from scenes.drawings.checkpoint import CheckpointCard
from scenes.kit import theme
from scenes.kit.formula import Formula, Part
from scenes.kit.placement import fit_width
from scenes.kit.runtime import current_catalog, current_lesson, current_numbers
from scenes.kit.typeset import PLACEHOLDER as _PLACEHOLDER
from scenes.kit.typeset import Typesetter
from scenes.speedups import frame_count, prefetch, svg_cache

__all__ = ["SlideScene", "SlideChrome", "beat", "reading_time", "FrameCountError",
           "TakenWhilePlaying",
           "checkpoints_from_env", "styled_text", "spoken_forms"]

speedups.install()  # every patch of Manim, each only into the Manim code it was read against

_LATEX_SPECIAL = re.compile(r"[#$%&_{}]")  # escaped with a backslash inside \text{}
WORDS_PER_SECOND = 2.6  # a calm lecture pace, so subtitles can be read in time
SPEECH_LEAD = 0.15  # seconds between a beat's start and its first word


def reading_time(sentence: str) -> float:
    return max(2.0, len(sentence.split()) / WORDS_PER_SECOND)


class FrameCountError(RuntimeError):
    """Manim wrote another number of frames for an animation than the slide counted."""


class TakenWhilePlaying(RuntimeError):
    """An animation took a lesson value, a word or a number while it played: after Manim's
    cache keyed it on what the scene had taken before it (scenes/speedups/play_key.py)."""


Method = TypeVar("Method", bound=Callable[..., None])


def beat(method: Method) -> Method:
    """Mark a slide's method as one beat of its narration, named by the method.

    The method says its sentence with `self.narrate(...)`, once; the beat is the
    animations inside. A beat's name is snake_case and unique within its slide."""
    name = method.__name__
    if not is_beat_name(name):
        raise ValueError(f"a beat is named in snake_case: {name!r}")

    @functools.wraps(method)
    def run(self: SlideScene, *args: Any, **kwargs: Any) -> None:
        self.ask_checkpoints(name)
        with self.running_beat(name):
            method(self, *args, **kwargs)

    return run  # type: ignore[return-value]


def checkpoints_from_env() -> str:
    """$BACKPROP_CHECKPOINTS: whether slides stop on the bank's checkpoints (default all)."""
    mode = os.environ.get(contract.CHECKPOINTS) or contract.DEFAULT_CHECKPOINTS
    if mode not in contract.CHECKPOINT_MODES:
        raise ValueError(f"${contract.CHECKPOINTS}={mode!r}: choose one of "
                         f"{', '.join(contract.CHECKPOINT_MODES)}")
    return mode
PROGRESS = N_("Slide @number of @count", "chrome")


def spoken_forms(catalog: Catalog, numbers: Any) -> Spoken:
    """How the catalog's language says symbols and numbers (backprop_core/spoken.py)."""
    return Spoken({name: catalog.text(word, f"spoken.{name}") for name, word in WORDS.items()},
                  numbers)


def styled_text(message: str, font_size: float, color: str, bold_color: str,
                mono_color: str) -> Text:
    """A Text from a message with markup: **bold** in `bold_color`, `code` in the monospace
    font and `mono_color` (a translation keeps the markup, lecture/i18n.py)."""
    plain, bold, mono = "", [], []
    for piece in re.split(r"(\*\*[^*]+\*\*|`[^`]+`)", message):
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            bold.append(piece[2:-2])
            piece = piece[2:-2]
        elif piece.startswith("`") and piece.endswith("`") and len(piece) > 2:
            mono.append(piece[1:-1])
            piece = piece[1:-1]
        plain += piece
    return Text(plain, font=theme.FONT, font_size=font_size, color=color,
                t2c={**{b: bold_color for b in bold}, **{m: mono_color for m in mono}},
                t2w={b: "BOLD" for b in bold}, t2f={m: theme.MONO for m in mono})


class SlideChrome(VGroup):
    """Kicker, title and subtitle at the top; a quiet `Slide k of n` at the bottom right."""

    def __init__(self, slide: Slide, catalog: Catalog | None = None) -> None:
        catalog = catalog or current_catalog()
        kicker = Text(catalog.text(KICKER), font=theme.FONT, font_size=theme.KICKER_SIZE,
                      color=theme.PARAM)
        title = Text(catalog.text(slide.title), font=theme.FONT, font_size=theme.TITLE_SIZE,
                     color=theme.EMPHASIS, weight="BOLD")
        # A long title ("Why Backpropagation Makes Learning Possible") shrinks to the frame's width.
        fit_width(title, theme.FRAME_WIDTH - 2 * theme.MARGIN)
        subtitle = Text(catalog.text(slide.subtitle) if slide.subtitle else "", font=theme.FONT,
                        font_size=theme.SUBTITLE_SIZE, color=theme.MUTED)
        # A slide without a subtitle (the title slide, whose card says it) shows none.
        header = VGroup(kicker, title, *([subtitle] if slide.subtitle else []))
        header.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        header.to_corner(UP + LEFT, buff=theme.MARGIN)
        rule = Line(LEFT, RIGHT, stroke_width=1.5, color=theme.PANEL_EDGE)
        rule.width = theme.FRAME_WIDTH - 2 * theme.MARGIN
        rule.next_to(header, DOWN, buff=0.12).set_x(0)
        counter = fill_words(catalog.text(PROGRESS), {"number": str(slide.number),
                                                      "count": str(SLIDE_COUNT)})
        progress = Text(counter, font=theme.FONT, font_size=theme.TINY_SIZE, color=theme.MUTED)
        progress.to_corner(DOWN + RIGHT, buff=theme.MARGIN)
        progress.numerals_ok = "slide counter"
        super().__init__(header, rule, progress)
        self.kicker, self.title, self.subtitle = kicker, title, subtitle
        self.rule, self.progress = rule, progress
        if rule.get_bottom()[1] < theme.HEADER_BOTTOM:
            raise ValueError(f"the title block of slide {slide.number} does not fit its band")


class SlideScene(Scene):
    slide_number: ClassVar[int]
    # Check frames inside animations too (paused_frames.py); the tests turn it on for the
    # dry runs that draw control frames, so it costs the suite a few constructions' worth.
    check_paused_frames: bool = False

    def setup(self) -> None:
        self.slide: Slide = SLIDES[self.slide_number - 1]
        self.lesson = TrackedLesson(current_lesson())
        # the language's words (lecture/i18n.py), each recorded as the scene takes it
        self.catalog = TrackedCatalog.of(current_catalog())
        numbers = current_numbers()  # and how it writes numbers
        self.spoken = spoken_forms(self.catalog, numbers)
        self.facts = FactRecorder(self.lesson, numbers)
        # the slide's FactMaker, handed to drawings: its texts are the slide's entries
        self.typeset = Typesetter(self.facts, self.catalog, self.slide.slug)
        self.narration: list[dict[str, Any]] = []
        self.layout_problems: list[str] = []
        self.paused_frame_problems: list[str] = []  # found inside animations (dry runs only)
        self.seen_texts: dict[int, Mobject] = {}  # every text or formula that was ever on screen
        self._allowed_overlaps: set[frozenset[int]] = set()
        self._beat_name = "start"
        self._beat_method: str | None = None  # the @beat method running, which names it
        self.checkpoints = checkpoints_from_env()
        self._asking = False  # a checkpoint's beat runs (its card replaces another's)
        self._card: CheckpointCard | None = None  # a checkpoint's card, up until the next beat
        self._covered: list[Mobject] = []  # what it hides, shown again when it goes
        # The slide's length as its plays and waits ask for it. Manim's `time` counts
        # whole frames of the animations it draws but exact seconds of those it takes
        # from its cache, so a pause measured with it would differ between a cold and a
        # cached render, and so would the pause's cache key: nothing after it would hit.
        self.asked_time = 0.0
        # The slide's length in whole frames, counted as Manim writes them
        # (scenes/speedups/frame_count.py), so each beat's speech is placed on the
        # frame where the beat really starts.
        self.video_time = 0.0
        # What Manim's file writer really received: each count checked against it.
        self.frames_written = frame_count.FrameCounter(self.renderer.file_writer)
        self.narrator = BeatNarrator.from_environment(Path(config.media_dir) / "speech")
        self._said: list[tuple[str, Shown]] = []  # (key, number) said since the last beat
        self.facts_by_beat: dict[str, int] = {}  # beat -> facts recorded by its end
        self.camera.background_color = theme.BACKGROUND
        self.chrome = SlideChrome(self.slide, self.catalog)
        # What decides the frames besides what the scene is handed (reuse.scene_key), and
        # each beat's speech as handed: Manim's cache keys each animation on both and on
        # the reads and words so far (play_inputs). Unset: Manim keys them itself.
        self.scene_key = os.environ.get(contract.SCENE_KEY) or None
        self._speeches: list[list[Any]] = []
        self._keyed: tuple[int, ...] | None = None  # how much was taken when Manim keyed
        if not config.dry_run:  # the slide's formulas compiled together (prefetch.py)
            prefetch.prefetch(self)

    # ----- beats and narration -------------------------------------------------

    @contextmanager
    def running_beat(self, name: str) -> Iterator[None]:
        """The beat `name` runs inside: it must narrate, once, and its name be new."""
        if name in self.facts_by_beat:
            raise RuntimeError(f"beat '{name}' played twice: a beat's name must be unique")
        self._beat_method = name
        try:
            yield
        finally:
            self._beat_method = None
        if name not in self.facts_by_beat:
            raise RuntimeError(f"beat '{name}' narrated nothing: call self.narrate() in it")

    def show_chrome(self) -> None:
        """Bring in the title block; call inside the first beat."""
        self.play(FadeIn(self.chrome, shift=0.2 * DOWN), run_time=0.8)

    @contextmanager
    def narrate(self, sentence: str, count: int | None = None,
                **keys: str) -> Iterator[float]:
        """The sentence of the beat whose method this is (`@beat`), and its animations
        inside the `with`: a section, a subcaption, its speech or a pause to read it.
        `count` chooses a plural sentence's form (`N_(..., plural=...)`). Gives the seconds
        the sentence takes (spoken, or read)."""
        name = self._beat_method
        if name is None or name == self._beat_name:
            raise RuntimeError("narrate() is said once, in a method marked @beat, which "
                               "names the beat")
        text = self.say(self.catalog.text(sentence, beat_id(self.slide.slug, name), count),
                        **keys)
        said, self._said = self._said, []
        spoken = self.spoken.sentence(text)
        speech = self.narrator.speak(BeatLine(beat_id(self.slide.slug, name), self.slide.number,
                                              name, text, spoken))
        # What the beat's timing follows (not whether it was made now: the same clip either way)
        self._speeches.append([speech.source, speech.folder, speech.key, speech.seconds,
                               speech.speech_start, speech.speech_end])
        self.next_section(name)
        self._beat_name = name
        start, asked = self.video_time, self.asked_time
        # The beat's first animation: the render checks the beat's frame against the
        # animations' segment files Manim wrote (backprop_render/build/slide_render.py).
        play = self.renderer.num_plays
        # The clip starts so that its speech starts SPEECH_LEAD into the beat (a take keeps
        # a little room before its first word); the beat lasts until the clip ends.
        clip_start = start + max(SPEECH_LEAD - speech.speech_start, 0.0)
        needed = clip_start - start + speech.seconds if speech.key else reading_time(text)
        if self._card is not None and not self._asking:
            self._uncover()  # the answer's beat begins: the checkpoint's card goes
        yield needed
        self.wait(max(needed - (self.asked_time - asked), 0.0) + theme.BEAT_PAUSE)
        self.facts_by_beat[name] = len(self.facts.facts)
        # `said`: the lesson numbers the sentence says, in order, as written and spoken.
        # `frame`: where the beat starts on the video, the one count that places its speech,
        # its subtitle and (present.py) its cut, which the encoder makes a keyframe.
        entry: dict[str, Any] = {"beat": name, "text": text, "start": start,
                                 "end": self.video_time, "play": play,
                                 "frame": round(start * config.frame_rate),
                                 "spoken": spoken,
                                 "said": [[key, shown.text] for key, shown in said]}
        if not speech.key:
            cue_start, cue_end = start, self.video_time
        else:
            # The subtitle runs from the first word to the last, as found in a take.
            cue_start = clip_start + speech.speech_start
            cue_end = clip_start + speech.speech_end
            entry.update(speech_start=cue_start, speech_end=cue_end, speech=speech.key,
                         source=speech.source, clip_start=clip_start,
                         synthesized=speech.synthesized, words=len(spoken.split()))
        if speech.take is not None:
            entry["take"] = speech.take
        # Manim places a subcaption at its own clock plus `offset`; ours counts frames.
        self.add_subcaption(text, duration=cue_end - cue_start,
                            offset=cue_start - self.renderer.time)
        self.narration.append(entry)

    # ----- checkpoints ------------------------------------------------------------

    def ask_checkpoints(self, beat_name: str) -> None:
        """Stop on each checkpoint the bank sets before the beat `beat_name`."""
        if self.checkpoints == "none":
            return
        for question in questions.checkpoints_at(self.slide.number, beat_name):
            self.ask(question)

    def ask(self, question: questions.Question) -> None:
        """The checkpoint beat of `question`: its card over the content while the question
        is said, then the card stays while a bar empties (the bank's think_seconds). Its
        narration entry carries the question as the presenter shows it, with the answer.
        A question left out for these parameters is not asked."""
        question = questions.translated(question, self.catalog)
        posed = questions.pose_one(question, self.facts, questions.bank()[1], CHECKPOINT)
        if isinstance(posed, questions.LeftOut):
            return
        words = questions.checkpoint_words(self.catalog)
        entry = questions.checkpoint_entry(posed, words, self.facts.numbers)
        keys = dict(question.bind)
        text = posed.resolved(question.text)
        choices = [(shown["letter"], posed.resolved(choice.text))
                   for shown, choice in zip(entry["choices"], posed.choices, strict=True)]
        self._asking = True
        try:
            with self.running_beat(questions.checkpoint_beat(question)):
                card = CheckpointCard(self.typeset, words.badge, text, choices, **keys)
                with self.narrate(f"{words.prompt} {text}", **keys) as needed:
                    start = self.asked_time
                    self._cover(card)
                    said = needed - (self.asked_time - start)
                    if said > 0:
                        self.wait(said)
                    if words.think_seconds > 0:
                        self.play(card.countdown(), run_time=words.think_seconds)
                self.narration[-1]["checkpoint"] = entry
        finally:
            self._asking = False

    def _cover(self, card: CheckpointCard) -> None:
        """Fade the content (or the card of the checkpoint before) out, then `card` in."""
        if self._card is None:
            chrome = {id(self.chrome)}
            self._covered = [m for m in self.mobjects
                             if id(m) not in chrome and visible_box(m) is not None]
            leaving = self._covered
        else:
            leaving = [self._card]
        self.play(*(FadeOut(m, rate_func=squish_rate_func(smooth, 0, 0.5)) for m in leaving),
                  FadeIn(card, rate_func=squish_rate_func(smooth, 0.5, 1)), run_time=0.8)
        self._card = card

    def _uncover(self) -> None:
        assert self._card is not None
        self.play(FadeOut(self._card, rate_func=squish_rate_func(smooth, 0, 0.5)),
                  *(FadeIn(m, rate_func=squish_rate_func(smooth, 0.5, 1))
                    for m in self._covered), run_time=0.8)
        self._card, self._covered = None, []
    def tr(self, message: str, count: int | None = None) -> str:
        """`message` in the slide's language: a text written in the slide is found under
        the slide's slug, a `Message` under its own context."""
        return self.catalog.text(message, self.slide.slug, count) if words_of(message) \
            else message

    def words(self, message: str) -> str:
        """`message` in the slide's language as words inside a formula: `\\text{...}`."""
        return r"\text{" + _LATEX_SPECIAL.sub(lambda m: "\\" + m.group(0), self.tr(message)) + "}"

    def say(self, sentence: str, **keys: str) -> str:
        """A narration sentence (already in the slide's language) with `@name` replaced by
        the lesson field `keys[name]`."""
        def fill(match: re.Match[str]) -> str:
            shown = self.facts.show(keys[match.group(1)], "narration")
            self._said.append((keys[match.group(1)], shown))
            return shown.text

        return _PLACEHOLDER.sub(fill, sentence)

    # ----- numbers on screen ----------------------------------------------------

    def number(self, key: str, color: str = theme.TEXT,
               font_size: float = theme.TEX_SIZE) -> MathTex:
        """One lesson field as a formula-set number."""
        return self.typeset.number(key, color=color, font_size=font_size)

    def tex(self, *parts: str | Part, font_size: float = theme.TEX_SIZE, color: str = theme.TEXT,
            colors: dict[str, str] | None = None, **keys: str) -> Formula:
        """A formula whose `@name` placeholders are lesson fields, its parts found by name
        (`Formula.part`); parts equal to a symbol of `notation.SYMBOL_COLORS` (or of
        `colors`) take its colour."""
        return self.typeset.tex(*parts, font_size=font_size, color=color, colors=colors, **keys)

    def text(self, sentence: str, font_size: float = theme.BODY_SIZE, color: str = theme.TEXT,
             mono: bool = False, decimals: int | None = None, count: int | None = None,
             **keys: str) -> Text:
        """Plain on-screen text in the slide's language; `@name` placeholders are lesson
        fields (true minus sign), with `decimals` decimals at least when the text is a cell
        of a table column; `count` chooses a plural's form."""
        return self.typeset.text(sentence, font_size=font_size, color=color, mono=mono,
                                 decimals=decimals, count=count, **keys)

    def label(self, sentence: str, font_size: float = theme.SMALL_SIZE, color: str = theme.MUTED,
              count: int | None = None, **keys: str) -> Text:
        return self.text(sentence, font_size=font_size, color=color, count=count, **keys)

    # ----- layout -------------------------------------------------------------

    def allow_overlap(self, a: Mobject, b: Mobject) -> None:
        """Declare that two texts may overlap on purpose (e.g. a value ticking over another)."""
        self._allowed_overlaps.add(frozenset((id(a), id(b))))

    def play_inputs(self) -> dict[str, Any] | None:
        """What the scene was handed up to the animation Manim is about to key
        (scenes/speedups/play_key.py): with the scene key, it decides everything on screen
        and the animation itself. None without a scene key: Manim's own key."""
        if self.scene_key is None:
            return None
        self._keyed = self._taken()
        return {"scene_key": self.scene_key, "play": self.renderer.num_plays,
                "reads": self.lesson.reads,
                "words": [[*asked, text] for asked, text in self.catalog.given.items()],
                # the numbers as written: the language's symbols come from Babel's data
                "shown": [[f.key, f.shown, f.tex] for f in self.facts.facts],
                "speech": self._speeches}

    def _taken(self) -> tuple[int, ...]:
        """How many values, words, numbers and sentences the scene has taken (each only grows)."""
        return (len(self.lesson.reads), len(self.catalog.given), len(self.facts.facts),
                len(self._speeches))

    def _check_taken_before_play(self) -> None:
        """The key of the animation just played covers all it took: nothing was taken while
        it played (in an updater, say), which its key, made before, could not hold."""
        keyed, self._keyed = self._keyed, None
        if keyed is None or self._taken() == keyed:
            return
        reads = list(self.lesson.reads)[keyed[0]:]
        raise TakenWhilePlaying(
            f"{beat_id(self.slide.slug, self._beat_name)}: animation "
            f"{self.renderer.num_plays - 1} took {', '.join(reads) or 'words or numbers'} "
            "while it played, after Manim's cache had keyed it on what the scene took before "
            "(scenes/speedups/play_key.py): take every value, word and number before play()")

    def play(self, *args: Any, **kwargs: Any) -> None:
        written = self.frames_written.frames
        self._keyed = None
        super().play(*args, **kwargs)
        self._check_taken_before_play()
        self.asked_time += self.duration
        frames = frame_count.frames_of_play(self)
        # Taken from Manim's cache, skipped or dry: none written, the count stands alone
        # (and the render checks it against the cached segments, slide_render.py).
        if not self.renderer.skip_animations and self.frames_written.frames - written != frames:
            raise FrameCountError(
                f"{beat_id(self.slide.slug, self._beat_name)}: Manim wrote "
                f"{self.frames_written.frames - written} frames for animation "
                f"{self.renderer.num_plays - 1}, the slide counted {frames}: its narration "
                "would be off the picture. This Manim does not count frames as "
                "scenes/speedups/frame_count.py mirrors it.")
        self.video_time += frames / config.frame_rate
        for unit in (u for m in self.mobjects for u in text_units(m)):
            self.seen_texts.setdefault(id(unit), unit)
        chrome = {id(m) for m in (self.chrome, *self.chrome.submobjects)}
        for problem in layout_problems(self.mobjects, chrome, self._allowed_overlaps):
            self.layout_problems.append(f"t={self.time:.1f}s beat '{self._beat_name}': {problem}")

    def play_internal(self, skip_rendering: bool = False) -> None:
        if config.dry_run and self.check_paused_frames:
            self._check_paused_frames()
        super().play_internal(skip_rendering)

    def _check_paused_frames(self) -> None:
        """Evaluate the animations under way at a few points and check those frames
        (paused_frames.py). Dry runs only: a render draws the same frames unchecked."""
        animations = self.animations or []
        duration = self.get_run_time(animations)
        if duration <= 0 or not paused_frames.moves_text(animations):
            return  # texts that stand still are where the end-of-animation check sees them
        found = paused_frames.glyph_morphs(animations)
        exempt = paused_frames.fading_out(animations)
        for alpha in paused_frames.PAUSE_ALPHAS:
            self.update_to_time(alpha * duration)
            found += [f"at {alpha:.0%}: {p}" for p in paused_frames.overlapping_texts(
                self.mobjects, exempt, self._allowed_overlaps)]
        for problem in dict.fromkeys(found):
            self.paused_frame_problems.append(
                f"t={self.time:.1f}s beat '{self._beat_name}': {problem}")

    # ----- the record -----------------------------------------------------------

    def tear_down(self) -> None:
        self.save_still()
        self.write_facts()
        if not config.dry_run:  # the cache keeps what this render used, no more
            svg_cache.report()

    def save_still(self) -> None:
        """Save the slide's last frame where $BACKPROP_STILL_OUT says, as `manim -s` would.

        Drawn from the scene's end state, which animations taken from Manim's cache
        reach too, so the video run gives the still without a second Manim run.
        """
        target = os.environ.get(contract.STILL_OUT)
        if not target or config.dry_run:
            return
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(self.draw_frame()).convert("RGB").save(target, format="PNG")

    def draw_frame(self) -> np.ndarray:
        """The frame as the scene stands, every mobject drawn afresh (as `-s` does), RGBA."""
        self.renderer.static_image = None
        self.renderer.update_frame(self, ignore_skipping=True)
        return self.renderer.get_frame().copy()

    def write_facts(self) -> None:
        target = os.environ.get(contract.FACTS_OUT)
        if not target and config.dry_run:
            return
        default = Path(config.media_dir) / "facts" / f"{type(self).__name__}.facts.json"
        path = Path(target) if target else default
        path.parent.mkdir(parents=True, exist_ok=True)
        self.facts.write(path, slide=self.slide.number, slug=self.slide.slug,
                         scene=type(self).__name__, duration=self.video_time,
                         narration=self.narration, voice=self.narrator.voice,
                         language=self.catalog.language.tag,
                         layout_problems=self.layout_problems, **_cache_use())


def _cache_use() -> dict[str, Any]:
    """What this process took from the user cache and stored in it, for the render's
    summary (the pipeline takes it out of the manifest: facts.json does not keep it)."""
    store = UserCache.from_environment()
    return {"cache_use": store.use()} if store is not None else {}
