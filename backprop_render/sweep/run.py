"""Many variants of the lecture at once, on Dask: plan, render what differs, assemble.

1. The plan (plan.py) names every slide render the variants need and merges
   equal ones by task key, before anything renders.
2. Each task goes to a Dask worker (tasks.run_task) with retries; a task whose
   worker dies is rescheduled by Dask. Without a scheduler address the workers are an
   embedded LocalCluster, one worker process per core, one task at a time each.
3. When a task is done, every variant that shares it is checked: the slide's recorded
   reads must have the same values in that variant's lesson (as reuse.py judges a
   kept slide). A variant where one differs (the slide's `depends_on` is too narrow)
   gets a render of its own, and a warning names the slide.
4. When all of a variant's tasks are settled, its folder is assembled (assemble.py):
   written by the normal pipeline from the store's renders, laid out as a normal
   render, its facts the variant's own, its lecture.mp4 joined. A failed slide leaves
   only its variant incomplete.
5. DIR/index.html and DIR/variants.csv describe every variant (index.py).

Dask is imported only here, and only when a sweep runs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from backprop_render.build import pipeline
from backprop_render.build.outputs import OutputFolder
from backprop_render.build.reuse import changed_reads
from backprop_render.errors import RenderError, UsageError
from backprop_render.exercises.make import write_class_sheets
from backprop_render.progress import Progress, SweepStatus
from backprop_render.quality import Quality
from backprop_render.sweep import index as sweep_index
from backprop_render.sweep.assemble import VariantOutcome, assemble
from backprop_render.sweep.plan import (
    SWEEP_DIR,
    BadVariant,
    Plan,
    Task,
    Variant,
    make_plan,
    task_key,
)
from backprop_render.sweep.tasks import (
    Renderer,
    Store,
    TaskDone,
    TaskSpec,
    describe,
    jsonable_reads,
    run_task,
)
from lecture.contract import DEFAULT_CHECKPOINTS
from lecture.slides import Slide

__all__ = ["SweepRequest", "SweepSummary", "run_sweep", "DEFAULT_RETRIES"]

DEFAULT_RETRIES = 2
_TICK = 0.5


@dataclass(frozen=True)
class SweepRequest:
    variants: tuple[Variant, ...]
    slides: tuple[Slide, ...]
    quality: Quality
    out: Path
    gif_width: int | None
    scheduler: str | None = None  # a running cluster's address; None: an embedded one
    workers: int = 1  # embedded cluster: worker processes
    retries: int = DEFAULT_RETRIES
    force: bool = False
    dashboard: bool = False
    renderer: Renderer | None = None  # None: render_slide (tests pass a stand-in)
    skipped: tuple[BadVariant, ...] = ()  # rows left out (--keep-going), for the index
    theme: str = "dark"  # every variant's palette (scenes/kit/theme.py's THEMES)
    voice: str = "none"  # every variant's narrator (narration/speech.py's voices)
    language: str = "en"  # every variant's language (lecture/language.py)
    checkpoints: str = DEFAULT_CHECKPOINTS  # whether every variant stops on the bank's questions


@dataclass
class SweepSummary:
    out: Path
    plan: Plan
    outcomes: dict[str, VariantOutcome]
    rendered: list[str] = field(default_factory=list)  # task keys rendered by this run
    from_store: list[str] = field(default_factory=list)  # finished by an earlier run
    merged: dict[str, str] = field(default_factory=dict)  # task key -> the render serving it
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def shared(self) -> int:
        """Slide renders the variants needed that sharing saved: one render served several."""
        return self.plan.slide_renders - (len(self.plan.tasks) - len(self.merged))


# ----- the cluster ---------------------------------------------------------------------

@contextmanager
def _client(request: SweepRequest, progress: Progress) -> Iterator[Any]:
    """A Dask client: of the running cluster asked for, or of an embedded LocalCluster."""
    from distributed import Client, LocalCluster

    address = request.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        try:
            client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {error}. Start "
                             "one with `./render.sh scheduler` and workers with "
                             "`./render.sh worker ADDRESS`.") from None
        with client:
            progress.note(f"sweep: using the Dask cluster at {address} "
                          f"(dashboard: {client.dashboard_link})")
            yield client
        return
    dashboard = None
    if request.dashboard:
        try:
            import bokeh  # noqa: F401
        except ImportError:
            raise UsageError("--dashboard needs the dashboard extra: .venv/bin/pip install "
                             "-e '.[dashboard]'.") from None
        dashboard = ":8787"
    with LocalCluster(n_workers=request.workers, threads_per_worker=1, processes=True,
                      memory_limit=0, dashboard_address=dashboard,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        if dashboard:
            progress.note(f"sweep: Dask dashboard at {client.dashboard_link}")
        yield client


# ----- the run -------------------------------------------------------------------------

def _dask_key(task_key: str, store: Path) -> str:
    # Two sweeps into other folders may share a cluster and a task key; not a result.
    return f"render-{task_key}-{hashlib.sha256(str(store).encode()).hexdigest()[:8]}"


class _Sweep:
    def __init__(self, request: SweepRequest, top: OutputFolder, progress: Progress) -> None:
        self.request, self.top, self.progress = request, top, progress
        self.store = Store(top.path / SWEEP_DIR)
        self.store.prepare()
        self.clear_work()
        self.plan = make_plan(top.path, list(request.variants), list(request.slides),
                              request.quality, request.gif_width, request.force,
                              theme=request.theme, voice=request.voice,
                              language=request.language,
                              checkpoints=request.checkpoints)
        self.by_name = {v.name: v for v in request.variants}
        self.summary = SweepSummary(top.path, self.plan,
                                    {v.name: VariantOutcome(v) for v in request.variants})
        self.done: dict[str, TaskDone] = {}
        self.failed: dict[str, str] = {}
        self.retried: set[str] = set()
        self.took: list[float] = []
        self.submitted: set[str] = set()

    def clear_work(self) -> None:
        """Remove the work folders of renders killed outright (a worker, or a sweep): no
        task of this sweep runs now, and the folder's lock keeps other sweeps out."""
        for leftover in self.store.work.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)

    # -- tasks ---------------------------------------------------------------------------

    def spec(self, task: Task) -> TaskSpec:
        r = self.request
        return TaskSpec(task.key, task.slide, r.quality, r.gif_width, task.code_key, task.params,
                        self.store.root, r.renderer, r.theme, r.voice, r.language,
                        r.checkpoints)

    def settled(self, key: str) -> bool:
        return key in self.done or key in self.failed or key in self.summary.merged

    def finished(self, key: str, done: TaskDone) -> list[Task]:
        """Record a finished task; the tasks of variants that must not share it."""
        self.done[key] = done
        task = self.plan.tasks[key]
        reads = jsonable_reads(done.result)
        extra: list[Task] = []
        for name in task.variants:
            variant = self.by_name[name]
            changed = changed_reads(reads, variant.lesson) if variant.params != task.params else []
            if not changed:
                continue
            warning = (f"slide {task.slide.number} ({task.slide.slug}) read {changed[0]}, which "
                       f"differs for variant {name}, though the parameters declare that it "
                       f"depends only on {', '.join(task.slide.depends_on)}; rendered it again "
                       f"for {name}. Add the slide to that parameter's slides= in "
                       "backprop_core/params.py.")
            self.summary.warnings.append(warning)
            self.progress.note(f"warning: {warning}")
            solo = task_key(task.slide, task.code_key, variant.params, solo=True)
            if solo not in self.plan.tasks:
                self.plan.tasks[solo] = Task(solo, task.slide, task.code_key, variant.params)
                extra.append(self.plan.tasks[solo])
            self.plan.tasks[solo].variants.append(name)
            self.plan.needs[name][task.slide.stem] = solo
        self.merge_into(task, reads)
        return extra

    def merge_into(self, task: Task, reads: dict[str, Any]) -> None:
        """Let `task`'s render serve the tasks of the same slide not yet sent to a worker
        whose variants all read the same values (the declaration can only be wider than
        what a slide reads: a y sweep shares slide 2, which shows no y)."""
        for other in list(self.plan.tasks.values()):
            if (other.key == task.key or other.slide != task.slide or other.code_key !=
                    task.code_key or other.key in self.submitted or self.settled(other.key)):
                continue
            if any(changed_reads(reads, self.by_name[n].lesson) for n in other.variants):
                continue
            self.summary.merged[other.key] = task.key
            for name in other.variants:
                task.variants.append(name)
                self.plan.needs[name][task.slide.stem] = task.key

    # -- variants ------------------------------------------------------------------------

    def assemble_ready(self) -> None:
        """Assemble the folder of each variant whose slide renders are all settled."""
        r = self.request
        for name, needs in self.plan.needs.items():
            outcome = self.summary.outcomes[name]
            if outcome.assembled or not all(self.settled(k) for k in needs.values()):
                continue
            request = pipeline.RenderRequest(r.slides, outcome.variant.params, r.quality,
                                             self.top.path / name, r.gif_width, 1, r.force,
                                             theme=r.theme, voice=r.voice,
                                             language=r.language,
                                             checkpoints=r.checkpoints,
                                             share_finished=False)
            assemble(outcome, request,
                     {stem: self.done[k] for stem, k in needs.items() if k in self.done},
                     {stem: self.failed[k] for stem, k in needs.items() if k in self.failed})
            status = "complete" if outcome.complete else \
                "INCOMPLETE: " + "; ".join(outcome.problems)
            self.progress.note(f"variant {name}: {status}")

    # -- progress ------------------------------------------------------------------------

    def show(self, client: Any | None, pending: set[str], event: bool = False) -> None:
        workers, threads, running = 0, 0, 0
        if client is not None:
            try:
                info = client.scheduler_info(n_workers=-1)["workers"]
                workers = len(info)
                threads = sum(w.get("nthreads", 1) for w in info.values())
                ours = {_dask_key(k, self.store.root) for k in pending}
                for address, keys in client.processing().items():
                    mine = sum(1 for k in keys if k in ours)
                    running += min(mine, (info.get(address) or {}).get("nthreads", 1))
            except (OSError, TimeoutError, KeyError):
                pass
            for key in pending - self.retried:
                if self.store.attempt_count(key) > 1:
                    self.retried.add(key)
        left = None
        if self.took and threads:
            left = sum(self.took) / len(self.took) * len(pending) / threads
        elif not pending:
            left = 0.0
        outcomes = self.summary.outcomes.values()
        self.progress.sweep(SweepStatus(
            sum(o.assembled for o in outcomes), len(self.summary.outcomes), len(self.done),
            running, max(0, len(pending) - running), len(self.retried), len(self.failed),
            workers, left), event)

    def run(self) -> SweepSummary:
        started = time.monotonic()
        for key in list(self.plan.tasks):  # finished by an earlier run of this sweep
            if self.request.force:
                self.store.discard(key)
                continue
            done = self.store.load(key)
            if done is not None:
                self.summary.from_store.append(key)
                self.finished(key, done)  # a variant that must not share it: a task in todo
        todo = [t for k, t in self.plan.tasks.items() if not self.settled(k)]
        self.assemble_ready()
        if todo:
            with _client(self.request, self.progress) as client:
                self.render(client, todo)
            self.clear_work()
        self.assemble_ready()
        self.write_sheets()
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def write_sheets(self) -> None:
        """Each variant's exercise sheets, with its video's numbers, and the class key
        answers.csv (backprop_render/exercises); a failure leaves the videos as they are."""
        try:
            write_class_sheets(self.top, [(v.name, v.params) for v in self.request.variants],
                               self.request.language)
        except RenderError as error:
            self.summary.warnings.append(f"exercise sheets not made: {error}")
            self.progress.note(f"warning: exercise sheets not made: {error}")

    def render(self, client: Any, todo: list[Task]) -> None:
        """Keep every worker busy, and no more: a task waits here until a worker is free,
        so the first render of a slide can still serve the slide's later tasks."""
        from distributed import wait

        futures: dict[Any, str] = {}
        # The first task of each slide first: its reads may let it serve the others.
        firsts = {t.slide.stem: t for t in reversed(todo)}
        held = sorted(todo, key=lambda t: firsts[t.slide.stem] is not t)
        rendered_slides: set[str] = set()

        def threads() -> int:
            try:
                info = client.scheduler_info(n_workers=-1)["workers"]
                return max(1, sum(w.get("nthreads", 1) for w in info.values()))
            except (OSError, TimeoutError, KeyError):
                return 1

        def top_up() -> None:
            held[:] = [t for t in held if not self.settled(t.key)]
            room = threads() - len(futures)
            while held and room > 0:
                # Prefer a slide already rendered once: its merges have been made.
                task = next((t for t in held if t.slide.stem in rendered_slides), held[0])
                held.remove(task)
                future = client.submit(run_task, self.spec(task),
                                       key=_dask_key(task.key, self.store.root),
                                       retries=self.request.retries, pure=False)
                futures[future] = task.key
                self.submitted.add(task.key)
                room -= 1

        def pending() -> set[str]:
            return set(futures.values()) | {t.key for t in held if not self.settled(t.key)}

        top_up()
        try:
            while futures:
                self.show(client, pending())
                try:
                    wait(list(futures), timeout=_TICK, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    top_up()  # a worker may have joined
                    continue
                for future in [f for f in futures if f.done()]:
                    key = futures.pop(future)
                    if future.status == "finished":
                        self.summary.rendered.append(key)
                        done = future.result()
                        self.took.append(done.result.seconds)
                        rendered_slides.add(done.result.slide.stem)
                        held[:0] = self.finished(key, done)
                    else:
                        error = future.exception()
                        self.failed[key] = describe(error)
                        log = getattr(error, "log", None)
                        self.progress.note(f"slide render failed ({key}): {describe(error)}"
                                           + (f" (log: {log})" if log else ""))
                    self.show(client, pending(), event=True)
                top_up()
                self.assemble_ready()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        self.show(client, set(), event=True)


def run_sweep(request: SweepRequest, progress: Progress | None = None) -> SweepSummary:
    """Render every variant of `request` into its own folder under `request.out`."""
    progress = progress or Progress(sys.stderr, "lines")
    with OutputFolder(request.out) as top:
        sweep = _Sweep(request, top, progress)
        try:
            return sweep.run()
        finally:
            progress.finish()
            sweep_index.write(top, sweep.plan, sweep.summary.outcomes, request.skipped)
