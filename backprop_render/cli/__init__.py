"""The command line behind `render.sh` (also installed as `backprop-render`).

One argparse parser with a subparser per command, each in the module of its job:
`render` (the default: `./render.sh --slides 2,6` renders), `commands` (test, facts,
list, setup), `exercises`, `takes` (check, import), `sweep` (sweep, worker, scheduler);
`options` declares once what they share. Only the standard library and `lecture` are
imported at module level, so `render.sh --help` answers before anything is installed. A
problem with the input ends the command with one message and a non-zero status, before
anything is rendered.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Sequence

from backprop_render.cli import catalogs, commands, exercises, render, sweep, takes
from backprop_render.cli.options import say
from backprop_render.errors import (
    EXIT_CLOSED_PIPE,
    EXIT_INTERRUPTED,
    RenderError,
    SlideFailed,
    interrupt,
)

__all__ = ["main", "build_parser", "command_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: a subparser per command."""
    parser = argparse.ArgumentParser(prog="render.sh", usage="./render.sh [command] [options]",
                                     add_help=False)
    tree = parser.add_subparsers(dest="command", metavar="command")
    render.add_parser(tree)
    commands.add_parsers(tree)
    exercises.add_parser(tree)
    catalogs.add_parser(tree)
    takes.add_parser(tree)
    sweep.add_parsers(tree)
    helper = tree.add_parser("help", prog="render.sh help", usage="./render.sh help [COMMAND]",
                             description="The tool's help, or a command's.")
    helper.add_argument("topic", nargs="?", default="render", choices=list(tree.choices),
                        metavar="COMMAND", help="a command (default: render, whose help is "
                                                "the tool's and lists the others)")
    helper.set_defaults(run=lambda args: _print_help(tree.choices[args.topic]))
    return parser


def command_parser(name: str) -> argparse.ArgumentParser:
    """The parser of one command: what `./render.sh NAME --help` describes."""
    return _subparsers(build_parser()).choices[name]


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    named = _subparsers(parser).choices
    if not argv or argv[0] not in named:
        argv.insert(0, "render")  # the default command: `./render.sh --slides 2,6`
    args, rest = parser.parse_known_args(argv)
    if rest and not getattr(args, "passes_on", False):
        named[args.command].error(
            f"unrecognized arguments: {' '.join(rest)}")
    args.rest = rest  # test, worker and scheduler hand them on
    # SIGTERM (a CI timeout, `kill`) gets the same clean-up as Ctrl-C. So does SIGINT sent
    # to this process alone (`kill -INT`, an IDE's stop button), even when it was started
    # with SIGINT ignored, as a shell starts a background job: Python then leaves it ignored.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    try:
        return args.run(args)
    except SlideFailed as error:
        if error.log_tail:
            say(f"--- the last lines Manim printed ---\n{error.log_tail}\n---")
        say(f"error: {error}")
        if error.log:
            say(f"The whole log: {error.log}")
        say("Files already in the output folder were left as they were, apart from "
            "slides finished before the failure.")
        return error.exit_status
    except RenderError as error:
        say(f"error: {error}")
        return error.exit_status
    except KeyboardInterrupt:
        say("\ninterrupted: files in the output folder were left as they were, apart from "
            "slides finished before the interruption.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`./render.sh facts | head`): nobody is left to tell, and
        # Python's flush of the streams at exit would fail again. A shell's status for a
        # program killed by a closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.dup2(devnull, sys.stderr.fileno())
        return EXIT_CLOSED_PIPE


if __name__ == "__main__":
    sys.exit(main())
