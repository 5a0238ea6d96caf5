"""The command line behind `render.sh` (also installed as `backprop-render`).

Only the standard library is imported at module level, so `render.sh --help`
answers before anything is installed. Every check of the input happens before the
first frame is drawn; a problem ends the command with one message and a non-zero
status, and nothing in the output folder changes.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from backprop_render import REPO
from backprop_render.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    RenderError,
    SlideFailed,
    UsageError,
    interrupt,
)
from backprop_render.quality import DEFAULT_GIF_WIDTH, DEFAULT_QUALITY, QUALITIES
from lecture.palettes import DEFAULT_THEME, THEMES
from lecture.voices import DEFAULT_VOICE, voice_names

VOICE_NAMES = tuple(voice_names())

__all__ = ["main", "build_parser", "parse_slides", "default_jobs", "DEFAULT_OUT"]

DEFAULT_OUT = REPO / "out"
DEFAULT_PARAMS = REPO / "assets" / "default_params.toml"
COMMANDS = ("render", "test", "facts", "list", "setup", "help", "sweep", "worker",
            "scheduler", "exercises")

_DESCRIPTION = """\
Render the lecture "Backpropagation Demystified: How Neural Networks Learn" as
videos whose every number is computed from the parameters.

commands:
  (none), render   render the slides (all of them unless --slides) into the output folder
  test [ARGS]      run the test suite; ARGS go to pytest (e.g. ./render.sh test -m "not e2e")
  facts            print the lesson (every number the lecture shows) as JSON;
                   takes --set and --params
  list             list the slides and whether their scene exists yet
  setup            install what is missing, check the machine, and stop
  exercises        exercise sheets, answers and Moodle/Canvas quizzes alone, no video:
                   ./render.sh exercises --help
  sweep            many variants at once, on Dask: ./render.sh sweep --help
  worker ADDRESS   a Dask worker for sweeps run on a cluster: ./render.sh worker --help
  scheduler        a Dask scheduler for those workers (tcp://HOST:8786)
"""


def _params_table() -> str:
    """The parameters and their defaults, read from the defaults file itself."""
    rows = []
    try:
        lines = DEFAULT_PARAMS.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    for line in lines:
        match = re.match(r"\s*(\w+)\s*=\s*([^#\s]+)\s*(?:#\s*(.*))?$", line)
        if match:
            rows.append(f"  {match[1]:<8} {match[2]:<6} {match[3] or ''}".rstrip())
    return "parameters (--set KEY=VALUE, or a TOML file like assets/default_params.toml):\n" \
        "  name     default\n" + "\n".join(rows)


def _epilog() -> str:
    qualities = "\n".join(f"  {q.name:<8} {q.summary}" for q in QUALITIES.values())
    return f"""\
qualities:
{qualities}

{_params_table()}

what a render writes into the output folder (default: {DEFAULT_OUT}):
  NN-slug.mp4      one video per slide (H.264, plays in browsers, spoken narration in AAC
                   unless --voice none), e.g. 06-backward-propagation.mp4
  NN-slug.gif      the slide as a looping GIF, 15 fps, for slide decks (unless --no-gif)
  NN-slug.png      the slide's last frame, for thumbnails and handouts
  NN-slug.srt      the slide's subtitles, from its narration
  lecture.mp4      all slides in order, one chapter per slide
  lecture.srt      the subtitles on lecture.mp4's timeline
  lecture-script.md  every beat's sentence with its slide and start time on lecture.mp4
  facts.json       the parameters, the lesson, and each slide's facts: every number traced
  present/         an offline presenter: open present/index.html (no internet, no server);
                   pauses at every beat (unless --no-present)
  lecture.pptx     the same beats for PowerPoint/Impress: one slide per beat, its video
                   playing by itself (at most 720p), narration as speaker notes
  handout.pdf      one page per slide: its still and its narration
                   (they add about 3% to a cold render at preview, about 6% at 1080p,
                   where the deck's videos are encoded again at 720p; README: Performance)
Files are replaced only when their replacements are whole: a failed or interrupted
render leaves the previous ones as they were.

examples:
  ./render.sh                                  the whole lecture at 1080p
  ./render.sh --quality preview --slides 2,6   two slides, fast
  ./render.sh --set lr=0.1 --out out/lr-0.1    another learning rate, in its own folder
  ./render.sh --theme light --out out/light    white background, for slide decks
  ./render.sh facts --set x=3 > lesson.json

exit status: 0 done; 1 a slide failed to render; 2 bad input (nothing rendered);
3 a system piece is missing (nothing rendered); 130 interrupted.
"""


def default_jobs() -> int:
    """Slides rendered at once by default: one per CPU core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def check_gif_width(width: int) -> None:
    if not 64 <= width <= 1920:
        raise UsageError(f"--gif-width must be between 64 and 1920 pixels, got {width}.")


def check_voice(name: str) -> None:
    if name not in VOICE_NAMES:
        raise UsageError(f"unknown voice '{name}'; the voices are: {', '.join(VOICE_NAMES)}.")


def at_least_one(option: str, count: int) -> int:
    if count < 1:
        raise UsageError(f"{option} must be at least 1, got {count}.")
    return count


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="render.sh", usage="./render.sh [command] [options]", description=_DESCRIPTION,
        epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quality", default=DEFAULT_QUALITY, choices=list(QUALITIES),
                        help=f"render quality (default: {DEFAULT_QUALITY})")
    parser.add_argument("--slides", action="append", default=[], metavar="LIST",
                        help="slides to render, by number, range or slug: 2,6 or 3-5 or "
                             "backward-propagation (default: every slide whose scene exists)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="change one parameter; repeat for more (see the table below)")
    parser.add_argument("--params", metavar="FILE.toml",
                        help="read parameters from a TOML file; --set applies on top")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help="output folder (default: out/ next to render.sh)")
    parser.add_argument("--theme", default=DEFAULT_THEME, choices=list(THEMES),
                        help="colours: dark (default; videos, dark rooms) or light (white "
                             "slide decks, washed-out projectors)")
    parser.add_argument("--no-gif", action="store_true", help="skip the GIFs (faster)")
    parser.add_argument("--gif-width", type=int, default=DEFAULT_GIF_WIDTH, metavar="PX",
                        help=f"GIF width in pixels, 64 to 1920 (default: {DEFAULT_GIF_WIDTH})")
    parser.add_argument("--no-present", action="store_true",
                        help="skip present/, lecture.pptx and handout.pdf (they add about "
                             "3%% to a cold render at preview and about 6%% at 1080p, where "
                             "the deck's videos are encoded again at 720p)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="slides rendered at once, each by its own process (default: one "
                             f"per CPU core, here {default_jobs()})")
    parser.add_argument("--force", action="store_true",
                        help="render every chosen slide again from nothing, even if unchanged")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress display; warnings, errors and the summary only")
    parser.add_argument("--voice", default=DEFAULT_VOICE, metavar="NAME",
                        help=f"the narrator: {', '.join(VOICE_NAMES)} (default: {DEFAULT_VOICE}; "
                             "none: silent videos, each beat as long as its subtitle takes "
                             "to read)")
    return parser


def parse_slides(items: Sequence[str]):
    """Slides named by `--slides` values, in deck order, each once."""
    from lecture.slides import SLIDES, find_slide

    chosen: set[int] = set()
    for item in items:
        for key in filter(None, (part.strip() for part in item.split(","))):
            span = re.fullmatch(r"(\d+)\s*-\s*(\d+)", key)
            keys = [str(n) for n in range(int(span[1]), int(span[2]) + 1)] if span else [key]
            if span and int(span[1]) > int(span[2]):
                raise UsageError(f"slide range '{key}' runs backwards; write {span[2]}-{span[1]}.")
            for one in keys:
                try:
                    chosen.add(find_slide(one).number)
                except KeyError as error:
                    raise UsageError(str(error.args[0])) from None
    if items and not chosen:
        raise UsageError("--slides names no slide.")
    return [s for s in SLIDES if s.number in chosen]


def _choose_slides(items: Sequence[str], note) -> list:
    from lecture.slides import SLIDES

    if items:
        slides = parse_slides(items)
        missing = [s for s in slides if not s.path.exists()]
        if missing:
            names = ", ".join(f"{s.number} (scenes/{s.module}.py)" for s in missing)
            raise UsageError(f"no scene yet for slide {names}.")
        return slides
    slides = [s for s in SLIDES if s.path.exists()]
    if not slides:
        raise UsageError("no slide has a scene yet (scenes/s01_*.py ... s08_*.py); "
                         "nothing to render.")
    absent = [s for s in SLIDES if not s.path.exists()]
    if absent:
        note(f"note: no scene yet for slide {', '.join(str(s.number) for s in absent)}; "
             f"rendering the other {len(slides)}.")
    return slides


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _render(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    from backprop_core import ParamError, load_params, parse_overrides
    from backprop_render import system
    from backprop_render.build import pipeline
    from backprop_render.progress import Progress
    from backprop_render.quality import find_quality

    quality = find_quality(args.quality)
    try:
        params = load_params(args.params, parse_overrides(args.set))
    except ParamError as error:
        raise UsageError(str(error)) from None
    check_gif_width(args.gif_width)
    jobs = at_least_one("--jobs", default_jobs() if args.jobs is None else args.jobs)
    check_voice(args.voice)
    slides = _choose_slides(args.slides, _err)
    system.check_system(voice=args.voice)

    mode = "quiet" if args.quiet else ("bar" if sys.stderr.isatty() else "lines")
    progress = Progress(sys.stderr, mode)
    request = pipeline.RenderRequest(tuple(slides), params, quality, args.out.absolute(),
                                     None if args.no_gif else args.gif_width, jobs, args.force,
                                     theme=args.theme, present=not args.no_present,
                                     voice=args.voice)
    summary = pipeline.run(request, progress)
    _report(summary)
    return EXIT_OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _report(summary) -> None:
    from backprop_render.progress import clock

    out = summary.out
    names = ", ".join(r.slide.stem for r in summary.rendered)
    print(f"Rendered {_count(len(summary.rendered), 'slide')} into {out}"
          + (f": {names}" if names else ""))
    if summary.kept:
        print(f"  kept {_count(len(summary.kept), 'unchanged slide')} as they were: "
              + ", ".join(s.stem for s in summary.kept))
    if summary.lecture:
        lecture = summary.lecture
        how = "joined again" if summary.lecture_rebuilt else "unchanged"
        print(f"  lecture.mp4 ({clock(lecture['duration'])}, "
              f"{_count(len(lecture['chapters']), 'chapter')}) and lecture.srt "
              f"({_count(lecture['subtitles'], 'subtitle')}): {how}")
    else:
        print(f"  lecture.mp4 not rebuilt: {summary.lecture_problem}; render all slides with "
              f"the same --quality and parameters to rebuild it.")
        if (out / "present").exists():
            print("  present/, lecture.pptx and handout.pdf not rebuilt either, for the same "
                  "reason: they show the slides as they were")
    if summary.presentation is not None:
        shown = summary.presentation
        how = (f"beats cut again for {_count(len(shown.slides_cut), 'slide')}"
               if shown.rebuilt else "unchanged")
        print(f"  present/index.html, lecture.pptx and handout.pdf ({_count(shown.beats, 'beat')}):"
              f" {how}")
    elif summary.lecture and summary.rendered and (out / "present").exists():
        print("  present/, lecture.pptx and handout.pdf left as they were (--no-present): they "
              "show the slides as they were before this render")
    print("  facts.json: the parameters and every number shown")
    _report_voice(summary)


def _report_voice(summary) -> None:
    """Sentences synthesized and reused; each narrated slide's speech rate and loudness."""
    beats = [b for r in summary.rendered for b in r.manifest.get("narration", [])
             if b.get("speech")]
    if not beats:
        return
    made = sum(1 for b in beats if b.get("synthesized"))
    print(f"  narration: {_count(made, 'sentence')} synthesized, {len(beats) - made} reused "
          f"from the speech cache" + (f" ({_count(len(summary.kept), 'kept slide')} not "
                                      "voiced again)" if summary.kept else ""))
    for result in summary.rendered:
        measured = result.manifest.get("audio")
        if measured:
            print(f"    {result.slide.stem}: {measured['words_per_second']:.2f} words/s over "
                  f"{measured['speech_seconds']:.1f} s of speech, {measured['lufs']:.1f} LUFS")


def _test(argv: Sequence[str]) -> NoReturn:
    # pytest reads its options from pyproject.toml in the repository.
    os.chdir(REPO)
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *argv])


def _facts(argv: Sequence[str]) -> int:
    from backprop_core.__main__ import main as core_main

    return core_main(["facts", *argv])


def _list() -> int:
    from lecture.slides import SLIDES

    for slide in SLIDES:
        status = "" if slide.path.exists() else "   (no scene yet)"
        print(f"{slide.number}  {slide.slug:<26} {slide.title}{status}")
    return EXIT_OK


def _setup() -> int:
    from backprop_render import system

    system.check_system()
    _err("ready: the Debian packages, .venv and the project are installed, and LaTeX, "
         "dvisvgm, pango and cairo all work.")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else "render"
    rest = argv[1:] if argv and argv[0] in COMMANDS else argv
    # SIGTERM (a CI timeout, `kill`) gets the same clean-up as Ctrl-C. So does SIGINT sent
    # to this process alone (`kill -INT`, an IDE's stop button), even when it was started
    # with SIGINT ignored, as a shell starts a background job: Python then leaves it ignored.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    try:
        if command == "help":
            build_parser().print_help()
            return EXIT_OK
        if command == "test":
            _test(rest)
        if command == "facts":
            return _facts(rest)
        if command == "list":
            return _list()
        if command == "setup":
            return _setup()
        if command == "exercises":
            from backprop_render.cli.exercises import exercises_command

            return exercises_command(rest)
        if command == "sweep":
            from backprop_render.cli.sweep import (
                sweep_command,  # Dask only here, never for a render
            )

            return sweep_command(rest)
        if command == "worker":
            from backprop_render.cli.sweep import worker_command

            worker_command(rest)
        if command == "scheduler":
            from backprop_render.cli.sweep import scheduler_command

            scheduler_command(rest)
        return _render(rest)
    except SlideFailed as error:
        if error.log_tail:
            _err(f"--- the last lines Manim printed ---\n{error.log_tail}\n---")
        _err(f"error: {error}")
        if error.log:
            _err(f"The whole log: {error.log}")
        _err("Files already in the output folder were left as they were, apart from "
             "slides finished before the failure.")
        return error.exit_status
    except RenderError as error:
        _err(f"error: {error}")
        return error.exit_status
    except KeyboardInterrupt:
        _err("\ninterrupted: files in the output folder were left as they were, apart from "
             "slides finished before the interruption.")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
