"""`./render.sh sweep` and `./render.sh worker`: the command lines of a sweep.

Every row is checked before anything renders; Dask is imported only once the
input is known to be good (and never by the other commands).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from backprop_render.cli import VOICE_NAMES, add_cache_options
from backprop_render.errors import EXIT_FAILED, EXIT_OK, UsageError
from backprop_render.quality import DEFAULT_GIF_WIDTH, DEFAULT_QUALITY, QUALITIES
from lecture.palettes import DEFAULT_THEME, THEMES
from lecture.voices import DEFAULT_VOICE

__all__ = ["build_sweep_parser", "sweep_command", "worker_command", "scheduler_command"]

_EPILOG = """\
examples:
  ./render.sh sweep --set lr=0.005,0.01,0.02 --out out/lr-sweep
  ./render.sh sweep --set x=1,2 --set y=3,5 --grid --out out/xy      4 variants
  ./render.sh sweep --set x=1,2,3 --set y=3,5,7 --zip --out out/xy   3 variants
  ./render.sh sweep --variants class.csv --out out/class

class.csv: a name column (each variant's folder), then parameter columns; an empty
cell keeps the value of --params (or the default):
  name,x,w,b,y
  ann,1.5,0.5,0,3
  bob,2,1,0.5,

DIR gets one folder per variant, laid out as `./render.sh --out DIR/NAME` would,
plus index.html and variants.csv. A slide that shows the same values in several
variants is rendered once. Running the same command again renders only what is
missing or stale.

exit status: 0 every variant complete (with --keep-going: every good one; the bad
rows are listed in index.html); 1 a variant is incomplete (a slide failed); 2 bad
input (nothing rendered); 130 interrupted.
"""


def build_sweep_parser() -> argparse.ArgumentParser:
    from backprop_render.cli import default_jobs

    parser = argparse.ArgumentParser(
        prog="render.sh sweep", usage="./render.sh sweep (--set KEY=V1,V2,... | --variants "
        "FILE.csv) --out DIR [options]",
        description="Render many variants of the lecture at once, on Dask: a class's "
                    "personalised lectures, a learning-rate sweep.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2,...",
                        help="values of one parameter; repeat for more parameters")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--grid", dest="mode", action="store_const", const="grid",
                     help="every combination of the --set lists (the default)")
    how.add_argument("--zip", dest="mode", action="store_const", const="zip",
                     help="the --set lists side by side: first values, second values, ...")
    parser.add_argument("--variants", type=Path, metavar="FILE.csv",
                        help="one variant per row: a name column, then parameter columns")
    parser.add_argument("--params", metavar="FILE.toml",
                        help="the base parameters of every variant (default: the defaults)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="the sweep's folder: one folder per variant inside")
    parser.add_argument("--quality", default=DEFAULT_QUALITY, choices=list(QUALITIES),
                        help=f"render quality (default: {DEFAULT_QUALITY})")
    parser.add_argument("--slides", action="append", default=[], metavar="LIST",
                        help="slides to render, as for a normal render (default: all)")
    parser.add_argument("--theme", default=DEFAULT_THEME, choices=list(THEMES),
                        help="colours of every variant: dark (default) or light")
    parser.add_argument("--voice", default=DEFAULT_VOICE, metavar="NAME",
                        help=f"every variant's narrator: {', '.join(VOICE_NAMES)} (default: "
                             f"{DEFAULT_VOICE}; none: silent videos)")
    parser.add_argument("--no-gif", action="store_true", help="skip the GIFs (faster)")
    parser.add_argument("--gif-width", type=int, default=DEFAULT_GIF_WIDTH, metavar="PX",
                        help=f"GIF width in pixels (default: {DEFAULT_GIF_WIDTH})")
    parser.add_argument("--scheduler", metavar="tcp://HOST:8786",
                        help="a running Dask scheduler (default: $DASK_SCHEDULER_ADDRESS, "
                             "else an embedded cluster on this machine)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="embedded cluster: worker processes (default: one per core, "
                             f"here {default_jobs()})")
    parser.add_argument("--retries", type=int, default=2, metavar="N",
                        help="tries again a slide render that failed, N times (default: 2)")
    parser.add_argument("--keep-going", action="store_true",
                        help="leave out bad rows and render the others")
    parser.add_argument("--force", action="store_true",
                        help="render every slide of every variant again from nothing")
    parser.add_argument("--dashboard", action="store_true",
                        help="embedded cluster: serve Dask's dashboard on :8787 "
                             "(needs the [dashboard] extra)")
    add_cache_options(parser)
    parser.add_argument("--quiet", action="store_true",
                        help="no progress line; warnings, errors and the summary only")
    return parser


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sweep_command(argv: Sequence[str]) -> int:
    args = build_sweep_parser().parse_args(argv)
    from backprop_core import ParamError, load_params
    from backprop_render import system
    from backprop_render.cli import (
        _choose_slides,
        at_least_one,
        cache_size,
        check_gif_width,
        check_voice,
        default_jobs,
    )
    from backprop_render.quality import find_quality
    from backprop_render.sweep.plan import variants_from_csv, variants_from_sets

    if bool(args.set) == bool(args.variants):
        raise UsageError("a sweep takes its variants from --set KEY=V1,V2,... or from "
                         "--variants FILE.csv (one of the two).")
    try:
        base = load_params(args.params)
    except ParamError as error:
        raise UsageError(str(error)) from None
    check_gif_width(args.gif_width)
    workers = at_least_one("--workers", default_jobs() if args.workers is None else args.workers)
    if args.retries < 0:
        raise UsageError(f"--retries must be 0 or more, got {args.retries}.")
    if args.variants:
        variants, bad = variants_from_csv(args.variants, base)
    else:
        variants, bad = variants_from_sets(args.set, args.mode or "grid", base)
    for problem in bad:
        _err(f"error: {problem}")
    if bad and not args.keep_going:
        raise UsageError(f"{len(bad)} variant{'s' if len(bad) > 1 else ''} cannot be rendered "
                         "(above); nothing was rendered. Fix them, or pass --keep-going to "
                         "render the others.")
    if not variants:
        raise UsageError("no variant left to render.")
    check_voice(args.voice)
    size = cache_size(args.cache_size)
    slides = _choose_slides(args.slides, _err)
    system.check_system(voice=args.voice)
    _open_user_cache(args.cache_dir, size)  # the embedded cluster's workers inherit it

    from backprop_render.sweep.run import SweepProgress, SweepRequest, run_sweep

    mode = "quiet" if args.quiet else ("bar" if sys.stderr.isatty() else "lines")
    request = SweepRequest(tuple(variants), tuple(slides), find_quality(args.quality),
                           args.out.absolute(), None if args.no_gif else args.gif_width,
                           args.scheduler, workers, args.retries, args.force, args.dashboard,
                           skipped=tuple(bad), theme=args.theme, voice=args.voice)
    summary = run_sweep(request, SweepProgress(sys.stderr, mode))
    return report(summary)


def _open_user_cache(root: Path | None, size: int | None) -> None:
    """The user cache of this machine, for the workers this process starts ($BACKPROP_CACHE);
    workers elsewhere use their own machine's (backprop_render/sweep/tasks.py)."""
    from backprop_render.build.slide_render import use_user_cache
    from lecture.user_cache import CacheError

    try:
        use_user_cache(root and root.absolute(), size).close()
    except CacheError as error:
        raise UsageError(str(error)) from None


def report(summary) -> int:
    from backprop_render.progress import clock

    outcomes = list(summary.outcomes.values())
    complete = [o.variant.name for o in outcomes if o.complete]
    incomplete = [o for o in outcomes if not o.complete]
    plan = summary.plan
    print(f"Sweep of {len(outcomes)} variants into {summary.out} in {clock(summary.seconds)}: "
          f"{len(summary.rendered)} slide renders done")
    print(f"  {plan.slide_renders} variant slides needed rendering; {len(plan.tasks)} "
          f"distinct renders ({summary.shared} saved by sharing"
          + (f", {len(summary.from_store)} finished by an earlier run" if summary.from_store
             else "") + ")")
    kept = sum(len(k) for k in plan.kept.values())
    if kept:
        print(f"  {kept} variant slides were already rendered and kept")
    print(f"  complete: {len(complete)} of {len(outcomes)}")
    for outcome in incomplete:
        print(f"  INCOMPLETE {outcome.variant.name}: " + "; ".join(outcome.problems))
    print(f"  index: {summary.out / 'index.html'}, table: {summary.out / 'variants.csv'}")
    if incomplete:
        _err("Run the same command again to render what is missing.")
        return EXIT_FAILED
    return EXIT_OK


def worker_command(argv: Sequence[str]) -> NoReturn:
    """A Dask worker with this checkout's environment: one process per core, one task each."""
    from backprop_render.cli import REPO, default_jobs

    parser = argparse.ArgumentParser(
        prog="render.sh worker", usage="./render.sh worker tcp://HOST:8786 [--nworkers N]",
        description="Start Dask workers that render sweep slides for the scheduler at "
                    "ADDRESS, with this checkout's code and environment. Each node is set up "
                    "by `./render.sh setup`; the sweep's folder must be on a disk every node "
                    "shares, at the same path.")
    parser.add_argument("address", help="the scheduler, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--nworkers", type=int, default=default_jobs(), metavar="N",
                        help=f"worker processes (default: one per core, here {default_jobs()})")
    parser.add_argument("--name", default=socket.gethostname(),
                        help="worker name prefix (default: the host name)")
    from backprop_render.cli import cache_size

    add_cache_options(parser)
    args, extra = parser.parse_known_args(argv)
    from backprop_render import system

    system.check_system()
    _open_user_cache(args.cache_dir, cache_size(args.cache_size))  # this node's cache
    os.chdir(REPO)
    command = [sys.executable, "-m", "distributed.cli.dask_worker", args.address,
               "--nworkers", str(args.nworkers), "--nthreads", "1", "--memory-limit", "0",
               "--name", args.name, *extra]
    os.execv(sys.executable, command)


def scheduler_command(argv: Sequence[str]) -> NoReturn:
    """A Dask scheduler with this checkout's environment: it unpickles the sweep's tasks,
    so it needs the project's code as the workers do. ARGS go to `dask scheduler`."""
    from backprop_render.cli import REPO

    if argv and argv[0] in ("-h", "--help"):
        print("usage: ./render.sh scheduler [ARGS]\n\nStart a Dask scheduler for sweeps, with "
              "this checkout's code and environment (it unpickles the tasks). It listens on "
              "tcp://HOST:8786; ARGS go to `dask scheduler` (e.g. --port 8786 "
              "--dashboard-address :8787).")
        sys.exit(0)
    os.chdir(REPO)
    os.execv(sys.executable, [sys.executable, "-m", "distributed.cli.dask_scheduler", *argv])
