"""`./render.sh sweep`, `worker` and `scheduler`: the command lines of a sweep.

Every row is checked before anything renders; Dask is imported only once the
input is known to be good (and never by the other commands).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from backprop_render import REPO
from backprop_render.cli import options
from backprop_render.cli.options import Subparsers, say
from backprop_render.errors import EXIT_FAILED, EXIT_OK, UsageError
from backprop_render.system import usable_cores

if TYPE_CHECKING:  # Dask and the pipeline: only once a sweep runs
    from backprop_render.sweep.run import SweepSummary

__all__ = ["add_parsers", "sweep_command", "worker_command", "scheduler_command", "report"]

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



def add_parsers(commands: Subparsers) -> None:
    """sweep, worker and scheduler, in `commands` (argparse's subparsers)."""
    sweep = commands.add_parser(
        "sweep", prog="render.sh sweep", usage="./render.sh sweep (--set KEY=V1,V2,... | "
        "--variants FILE.csv) --out DIR [options]",
        description="Render many variants of the lecture at once, on Dask: a class's "
                    "personalised lectures, a learning-rate sweep.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[options.look_options(), options.params_options(), options.run_options(),
                 options.cache_options()])
    sweep.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2,...",
                       help="values of one parameter; repeat for more parameters")
    how = sweep.add_mutually_exclusive_group()
    how.add_argument("--grid", dest="mode", action="store_const", const="grid",
                     help="every combination of the --set lists (the default)")
    how.add_argument("--zip", dest="mode", action="store_const", const="zip",
                     help="the --set lists side by side: first values, second values, ...")
    sweep.add_argument("--variants", type=Path, metavar="FILE.csv",
                       help="one variant per row: a name column, then parameter columns")
    sweep.add_argument("--out", type=Path, required=True, metavar="DIR",
                       help="the sweep's folder: one folder per variant inside")
    sweep.add_argument("--scheduler", metavar="tcp://HOST:8786",
                       help="a running Dask scheduler (default: $DASK_SCHEDULER_ADDRESS, "
                            "else an embedded cluster on this machine)")
    sweep.add_argument("--workers", type=int, default=None, metavar="N",
                       help="embedded cluster: worker processes (default: one per core, "
                            f"here {usable_cores()})")
    sweep.add_argument("--retries", type=int, default=2, metavar="N",
                       help="tries again a slide render that failed, N times (default: 2)")
    sweep.add_argument("--keep-going", action="store_true",
                       help="leave out bad rows and render the others")
    sweep.add_argument("--dashboard", action="store_true",
                       help="embedded cluster: serve Dask's dashboard on :8787 "
                            "(needs the [dashboard] extra)")
    sweep.set_defaults(run=sweep_command)

    worker = commands.add_parser(
        "worker", prog="render.sh worker",
        usage="./render.sh worker tcp://HOST:8786 [--nworkers N]",
        description="Start Dask workers that render sweep slides for the scheduler at "
                    "ADDRESS, with this checkout's code and environment. Each node is set up "
                    "by `./render.sh setup`; the sweep's folder must be on a disk every node "
                    "shares, at the same path. Other options go to `dask worker`.",
        parents=[options.cache_options()])
    worker.add_argument("address", help="the scheduler, e.g. tcp://10.0.0.5:8786")
    worker.add_argument("--nworkers", type=int, default=usable_cores(), metavar="N",
                        help="worker processes (default: one per core, here "
                             f"{usable_cores()})")
    worker.add_argument("--name", default=socket.gethostname(),
                        help="worker name prefix (default: the host name)")
    worker.set_defaults(run=worker_command, passes_on=True)

    scheduler = commands.add_parser(
        "scheduler", prog="render.sh scheduler", usage="./render.sh scheduler [ARGS]",
        description="Start a Dask scheduler for sweeps, with this checkout's code and "
                    "environment (it unpickles the tasks). It listens on tcp://HOST:8786; "
                    "ARGS go to `dask scheduler` (e.g. --port 8786 --dashboard-address :8787).")
    scheduler.set_defaults(run=scheduler_command, passes_on=True)


def sweep_command(args: argparse.Namespace) -> int:
    from backprop_render import system
    from backprop_render.quality import find_quality
    from backprop_render.sweep.plan import variants_from_csv, variants_from_sets

    if bool(args.set) == bool(args.variants):
        raise UsageError("a sweep takes its variants from --set KEY=V1,V2,... or from "
                         "--variants FILE.csv (one of the two).")
    base = options.read_params(args.params)
    workers = options.at_least_one("--workers", usable_cores() if args.workers is None
                                   else args.workers)
    if args.retries < 0:
        raise UsageError(f"--retries must be 0 or more, got {args.retries}.")
    slides = options.check_look(args)
    options.check_bank(args.checkpoints)
    cache_size = options.cache_size(args.cache_size)
    if args.variants:
        variants, bad = variants_from_csv(args.variants, base)
    else:
        variants, bad = variants_from_sets(args.set, args.mode or "grid", base)
    for problem in bad:
        say(f"error: {problem}")
    if bad and not args.keep_going:
        raise UsageError(f"{len(bad)} variant{'s' if len(bad) > 1 else ''} cannot be rendered "
                         "(above); nothing was rendered. Fix them, or pass --keep-going to "
                         "render the others.")
    if not variants:
        raise UsageError("no variant left to render.")
    system.check_system(voice=args.voice)
    options.open_user_cache(args.cache_dir, cache_size)  # the embedded cluster's workers' too

    from backprop_render.progress import Progress
    from backprop_render.sweep.run import SweepRequest, run_sweep

    request = SweepRequest(tuple(variants), tuple(slides), find_quality(args.quality),
                           args.out.absolute(), None if args.no_gif else args.gif_width,
                           args.scheduler, workers, args.retries, args.force, args.dashboard,
                           skipped=tuple(bad), theme=args.theme, voice=args.voice,
                           checkpoints=args.checkpoints, language=args.lang)
    summary = run_sweep(request, Progress(sys.stderr, options.progress_mode(args.quiet)))
    return report(summary)


def report(summary: SweepSummary) -> int:
    """What the sweep's folder holds now; EXIT_FAILED if a variant is incomplete."""
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
        say("Run the same command again to render what is missing.")
        return EXIT_FAILED
    return EXIT_OK


def worker_command(args: argparse.Namespace) -> NoReturn:
    """Dask workers with this checkout's environment: one process per core, one task each.
    The options it does not know (`args.rest`) go to `dask worker`."""
    from backprop_render import system

    system.check_system()
    options.open_user_cache(args.cache_dir, options.cache_size(args.cache_size))  # this node's
    os.chdir(REPO)
    command = [sys.executable, "-m", "distributed.cli.dask_worker", args.address,
               "--nworkers", str(args.nworkers), "--nthreads", "1", "--memory-limit", "0",
               "--name", args.name, *args.rest]
    os.execv(sys.executable, command)


def scheduler_command(args: argparse.Namespace) -> NoReturn:
    """A Dask scheduler with this checkout's environment: it unpickles the sweep's tasks,
    so it needs the project's code as the workers do. `args.rest` goes to `dask scheduler`."""
    os.chdir(REPO)
    os.execv(sys.executable, [sys.executable, "-m", "distributed.cli.dask_scheduler",
                              *args.rest])
