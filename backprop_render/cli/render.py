"""`./render.sh [render]`: the slides into an output folder, and the summary of what it holds.

Every check of the input happens before the first frame is drawn; a problem ends the
command with one message and a non-zero status, and nothing in the output folder changes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backprop_render import REPO
from backprop_render.cli import options
from backprop_render.cli.options import Subparsers
from backprop_render.errors import EXIT_OK
from backprop_render.quality import QUALITIES
from backprop_render.system import usable_cores

if TYPE_CHECKING:  # PyAV and numpy: not before anything is installed
    from backprop_render.build.pipeline import CacheReport, RenderSummary

__all__ = ["DEFAULT_OUT", "DESCRIPTION", "add_parser", "render_command", "report"]

DEFAULT_OUT = REPO / "out"

DESCRIPTION = """\
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
  catalogs ACTION  the translation catalogs (lecture/locale/*.po): update, check
  takes            your recorded voice: check a takes folder against a render, or cut
                   takes from one recording by its Audacity labels: ./render.sh takes --help
  sweep            many variants at once, on Dask: ./render.sh sweep --help
  worker ADDRESS   a Dask worker for sweeps run on a cluster: ./render.sh worker --help
  scheduler        a Dask scheduler for those workers (tcp://HOST:8786)
  help [COMMAND]   this text, or a command's
"""


def _epilog() -> str:
    qualities = "\n".join(f"  {q.name:<8} {q.summary}" for q in QUALITIES.values())
    return f"""\
qualities:
{qualities}

{options.params_table()}

what a render writes into the output folder (default: {DEFAULT_OUT}):
  NN-slug.mp4      one video per slide (H.264, plays in browsers, spoken narration in AAC
                   unless --voice none), e.g. 06-backward-propagation.mp4
  NN-slug.gif      the slide as a looping GIF, 15 fps, for slide decks (unless --no-gif)
  NN-slug.png      the slide's last frame, for thumbnails and handouts
  NN-slug.srt      the slide's subtitles, from its narration (also inside its MP4, and
  NN-slug.vtt      as WebVTT for web players)
  lecture.mp4      all slides in order, one chapter per slide, with their subtitles
  lecture.srt      the subtitles on lecture.mp4's timeline (lecture.vtt: as WebVTT)
  lecture-script.md  every beat's sentence with its slide and start time on lecture.mp4
  facts.json       the parameters, the lesson, and each slide's facts: every number traced
  present/         an offline presenter: open present/index.html (no internet, no server);
                   pauses at every beat (unless --no-present)
  present/record.html  records each beat in your own voice, for --takes
  takes-todo.md    with --takes: the beats to record again (stale: the sentence changed),
                   the unusable takes, the missing ones and the files for no beat
  lecture.pptx     the same beats for PowerPoint/Impress: one slide per beat, its video
                   playing by itself (at most 720p), narration as speaker notes
  handout.pdf      one page per slide: its still and its narration, as tagged text
                   (they add about 3% to a cold render at preview, about 6% at 1080p,
                   where the deck's videos are encoded again at 720p; README: Performance)
Files are replaced only when their replacements are whole: a failed or interrupted
render leaves the previous ones as they were.

examples:
  ./render.sh                                  the whole lecture at 1080p
  ./render.sh --quality preview --slides 2,6   two slides, fast
  ./render.sh --set lr=0.1 --out out/lr-0.1    another learning rate, in its own folder
  ./render.sh --theme light --out out/light    white background, for slide decks
  ./render.sh --lang de --out out/de           the lecture in German (silent: no German voice)
  ./render.sh --takes my-takes                 in your own voice, recorded with
                                               present/record.html
  ./render.sh facts --set x=3 > lesson.json

exit status: 0 done; 1 a slide failed to render; 2 bad input (nothing rendered);
3 a system piece is missing (nothing rendered); 130 interrupted.
"""


def add_parser(commands: Subparsers) -> argparse.ArgumentParser:
    """The render command, in `commands` (argparse's subparsers); its help is the tool's."""
    parser = commands.add_parser(
        "render", prog="render.sh", usage="./render.sh [command] [options]",
        description=DESCRIPTION, epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[options.look_options(), options.set_options(), options.params_options(),
                 options.run_options(), options.cache_options()])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help="output folder (default: out/ next to render.sh)")
    parser.add_argument("--no-present", action="store_true",
                        help="skip present/, lecture.pptx and handout.pdf (they add about "
                             "3%% to a cold render at preview and about 6%% at 1080p, where "
                             "the deck's videos are encoded again at 720p)")
    parser.add_argument("--takes", type=Path, default=None, metavar="DIR",
                        help="speak each beat with your own recording of it from DIR (one file "
                             "per beat, named by its id: record them with "
                             "present/record.html); a beat without a take that fits its "
                             "sentence (a stale one: the sentence changed) is spoken by "
                             "--voice, or left silent with --voice none, and listed in "
                             "takes-todo.md")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="slides rendered at once, each by its own process (default: one "
                             f"per CPU core, here {usable_cores()})")
    parser.set_defaults(run=render_command)
    return parser


def render_command(args: argparse.Namespace) -> int:
    from backprop_render import system
    from backprop_render.build import pipeline
    from backprop_render.progress import Progress
    from backprop_render.quality import find_quality

    params = options.read_params(args.params, args.set)
    jobs = options.at_least_one("--jobs", usable_cores() if args.jobs is None
                                else args.jobs)
    slides = options.check_look(args)
    cache_size = options.cache_size(args.cache_size)
    system.check_system(voice=args.voice)

    progress = Progress(sys.stderr, options.progress_mode(args.quiet))
    request = pipeline.RenderRequest(tuple(slides), params, find_quality(args.quality),
                                     args.out.absolute(),
                                     None if args.no_gif else args.gif_width, jobs, args.force,
                                     theme=args.theme, language=args.lang,
                                     present=not args.no_present,
                                     voice=args.voice, checkpoints=args.checkpoints,
                                     cache_dir=args.cache_dir and
                                     args.cache_dir.absolute(), cache_size=cache_size,
                                     takes=args.takes and args.takes.absolute())
    report(pipeline.run(request, progress))
    return EXIT_OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def report(summary: RenderSummary) -> None:
    """What the output folder holds now, and what this render changed in it."""
    from backprop_render.progress import clock

    out = summary.out
    names = ", ".join(r.slide.stem for r in summary.rendered)
    print(f"Rendered {_count(len(summary.rendered), 'slide')} into {out}"
          + (f": {names}" if names else ""))
    if summary.kept:
        print(f"  kept {_count(len(summary.kept), 'unchanged slide')} as they were: "
              + ", ".join(s.stem for s in summary.kept))
    if summary.taken:
        print(f"  took {_count(len(summary.taken), 'slide')} from the shared cache, drawn "
              "before with these settings and values: " + ", ".join(s.stem for s in summary.taken))
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
    elif summary.lecture and (summary.rendered or summary.taken) and (out / "present").exists():
        print("  present/, lecture.pptx and handout.pdf left as they were (--no-present): they "
              "show the slides as they were before this render")
    print("  facts.json: the parameters and every number shown")
    _report_voice(summary)
    _report_takes(summary)
    _report_cache(summary.cache)


def _report_voice(summary: RenderSummary) -> None:
    """Sentences synthesized and reused; each narrated slide's speech rate and loudness."""
    spoken = [b for r in summary.rendered for b in r.manifest.get("narration", [])
              if b.get("speech")]
    if not spoken:
        return
    beats = [b for b in spoken if b.get("source", "voice") == "voice"]  # not the takes
    made = sum(1 for b in beats if b.get("synthesized"))
    print(f"  narration: {_count(made, 'sentence')} synthesized, {len(beats) - made} reused "
          f"from the speech cache" + (f", {_count(len(spoken) - len(beats), 'take')} of yours"
                                      if len(spoken) > len(beats) else "")
          + (f" ({_not_voiced(summary)} not voiced again)"
             if summary.kept or summary.taken else ""))
    for result in summary.rendered:
        measured = result.manifest.get("audio")
        if measured:
            print(f"    {result.slide.stem}: {measured['words_per_second']:.2f} words/s over "
                  f"{measured['speech_seconds']:.1f} s of speech, {measured['lufs']:.1f} LUFS")


def _not_voiced(summary: RenderSummary) -> str:
    parts = ([_count(len(summary.kept), "kept slide")] if summary.kept else []) + (
        [f"{_count(len(summary.taken), 'slide')} taken finished"] if summary.taken else [])
    return " and ".join(parts)


def _report_takes(summary: RenderSummary) -> None:
    """How many beats speak with the lecturer's takes, each stale beat with the sentence its
    take said and the one it should say now, what cannot be used, where the list is."""
    report = summary.takes
    if report is None:
        return
    from backprop_render.present.recording import TODO_FILE, fallback, report_lines
    from narration.takes import FRESH, NEW

    first, *more = report_lines(report)
    unspoken = any(take.state not in (FRESH, NEW) for take in report.beats)
    if unspoken:
        first += f" ({fallback(summary.voice)})"
    print(f"  takes from {report.folder}: {first}")
    for line in more:
        print(f"    {line}")
    if summary.adopted:
        print(f"    {_count(len(summary.adopted), 'take')} made elsewhere now "
              f"{'has a record' if len(summary.adopted) == 1 else 'have records'} of the "
              f"sentence spoken (found stale if it changes): {', '.join(summary.adopted)}")
    if unspoken or report.unknown:
        print(f"    to record: {summary.out / TODO_FILE}; present/record.html opens at the "
              "first stale beat")


def _report_cache(cache: CacheReport | None) -> None:
    """What the shared cache saved this render, and how large it is."""
    if cache is None:
        return
    from lecture.user_cache import describe_size

    def both(counts: dict[str, int]) -> str:
        formulas = counts.get("tex", 0) + counts.get("text", 0)
        takes = f"{_count(counts['take'], 'take')}, " if counts.get("take") else ""
        slides = f"{_count(counts['slide'], 'finished slide')}, " if counts.get("slide") else ""
        return (f"{slides}{_count(counts.get('speech', 0), 'sentence')}, {takes}"
                f"{formulas} formulas and texts")

    print(f"  shared cache {cache.root} ({describe_size(cache.size)} of "
          f"{describe_size(cache.limit)}): {both(cache.taken)} taken from it, "
          f"{both(cache.stored)} added")
    damaged = sum(cache.repaired.values())
    if damaged:
        print(f"    {damaged} damaged {'entry' if damaged == 1 else 'entries'} found and dropped "
              "(made again)")
    for problem, count in cache.problems.items():
        print(f"    warning: {count} cache {'entry' if count == 1 else 'entries'} not kept: "
              f"{problem}")
