"""`./render.sh exercises`: the exercise sheets, answer keys and LMS quizzes alone, no video."""

from __future__ import annotations

import argparse
from pathlib import Path

from backprop_render.cli import options
from backprop_render.cli.options import Subparsers
from backprop_render.cli.render import DEFAULT_OUT
from backprop_render.errors import EXIT_OK

__all__ = ["add_parser", "exercises_command"]

_EPILOG = """\
writes into DIR (default: out/ next to render.sh), each file only once whole:
  exercises.pdf, exercises.tex   the questions with these parameters' numbers, room to work
  answers.pdf, answers.tex       the answers, accepted ranges and worked solutions
  quiz-moodle.xml                Moodle: Question bank > Import > Moodle XML format
  quiz-canvas-qti.zip            Canvas: Settings > Import course content > QTI .zip file
  questions.json                 every question as asked, its key, and each number's trace
The questions are lecture/questions.toml; every number comes from the same lesson as
the video rendered with the same --set and --params. Edit a .tex and run pdflatex on
it for a sheet of your own.

example:
  ./render.sh exercises --set lr=0.25 --out out/lr-0.25
"""


def add_parser(commands: Subparsers) -> None:
    """The exercises command, in `commands` (argparse's subparsers)."""
    parser = commands.add_parser(
        "exercises", prog="render.sh exercises", usage="./render.sh exercises "
        "[--set KEY=VALUE ...] [--params FILE.toml] [--out DIR]",
        description="Make the exercise sheets, their answers and the LMS quizzes for one "
                    "set of parameters, without rendering any video (a few seconds).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[options.set_options(), options.params_options(), options.language_options()])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help="output folder (default: out/ next to render.sh)")
    parser.set_defaults(run=exercises_command)


def exercises_command(args: argparse.Namespace) -> int:
    from backprop_render.build.outputs import OutputFolder
    from backprop_render.exercises.make import write_exercises

    params = options.read_params(args.params, args.set)
    language = options.check_language(args.lang)
    with OutputFolder(args.out.absolute()) as folder:
        made = write_exercises(folder, params, language)
    paper = made.paper
    print(f"Wrote {len(paper.posed)} questions into {folder.path}: {', '.join(made.files)}")
    for left in paper.left_out:
        print(f"  question {left.question.number} ({left.question.id}) left out: {left.note}")
    return EXIT_OK
