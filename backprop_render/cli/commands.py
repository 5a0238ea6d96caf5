"""The small commands: test, facts, list and setup."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import NoReturn

from backprop_render import REPO
from backprop_render.cli import options
from backprop_render.cli.options import Subparsers, say
from backprop_render.errors import EXIT_OK, UsageError
from lecture.slides import SLIDES

__all__ = ["add_parsers"]


def add_parsers(commands: Subparsers) -> None:
    """test, facts, list and setup, in `commands` (argparse's subparsers)."""
    # No -h of its own: `./render.sh test -h` is pytest's help.
    test = commands.add_parser("test", prog="render.sh test", add_help=False,
                               usage="./render.sh test [ARGS]",
                               description="Run the test suite; ARGS go to pytest.")
    test.set_defaults(run=_test, passes_on=True)
    facts = commands.add_parser(
        "facts", prog="render.sh facts", parents=[options.set_options(),
                                                  options.params_options()],
        description="Print the lesson, every number the lecture shows, as JSON.",
        epilog=options.params_table(), formatter_class=argparse.RawDescriptionHelpFormatter)
    facts.set_defaults(run=_facts)
    listing = commands.add_parser("list", prog="render.sh list",
                                  description="List the slides and whether their scene exists.")
    listing.set_defaults(run=_list)
    setup = commands.add_parser("setup", prog="render.sh setup",
                                description="Install what is missing, check the machine, and "
                                            "stop.")
    setup.set_defaults(run=_setup)


def _test(args: argparse.Namespace) -> NoReturn:
    # pytest reads its options from pyproject.toml in the repository.
    os.chdir(REPO)
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *args.rest])


def _facts(args: argparse.Namespace) -> int:
    from backprop_core import ParamError, build_lesson

    params = options.read_params(args.params, args.set)
    try:
        lesson = build_lesson(params)
    except ParamError as error:  # the network's training diverged
        raise UsageError(str(error)) from None
    json.dump(lesson.to_dict(), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    for slide in SLIDES:
        status = "" if slide.path.exists() else "   (no scene yet)"
        print(f"{slide.number}  {slide.slug:<26} {slide.title}{status}")
    return EXIT_OK


def _setup(args: argparse.Namespace) -> int:
    from backprop_render import system

    system.check_system()
    say("ready: the Debian packages, .venv and the project are installed, and LaTeX, "
        "dvisvgm, pango and cairo all work.")
    return EXIT_OK
