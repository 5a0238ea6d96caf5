"""One slide render of a sweep, as a worker runs it, and the store of finished renders.

A task renders one slide with one set of parameters into the sweep's store,
`DIR/.sweep/tasks/<task key>/`, on the folder every worker shares. It renders in a
work folder of its own and adds the finished files to the store with one rename of
a whole folder (`Store.add`), so the store holds a render whole or not at all, even
when a worker is killed mid-task and another attempt runs elsewhere. Beside the files, `render.json`
records the render (its TaskDone) and the files' sizes, as JSON decoded into those
types field by field: every node writes the store, so nothing read from it may be code
(a pickle). Each attempt is counted in `DIR/.sweep/attempts/<task key>` (for the
progress line's retried count).

A worker refuses a task whose code key differs from its own checkout's: a node with
other scene code must not store a render under the key of the code the sweep was
planned with.

Nothing here imports Dask: a worker calls `run_task`, a plain function.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import itertools
import json
import os
import shutil
import socket
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterator

import msgspec

from backprop_core import Params
from backprop_render.build import reuse
from backprop_render.build.result import SlideResult
from backprop_render.build.slide_render import render_slide, use_user_cache
from backprop_render.errors import RenderError, SlideFailed
from backprop_render.quality import Quality
from lecture import contract
from lecture.contract import DEFAULT_CHECKPOINTS
from lecture.slides import Slide

__all__ = ["TaskSpec", "TaskDone", "StaleWorker", "Store", "run_task", "cache_root"]

Renderer = Callable[[Slide, Path, Quality, Path, "int | None", "Path | None", str], SlideResult]
_RECORD = "render.json"


class StaleWorker(RenderError):
    """The worker's checkout would render the slide differently from the sweep's."""


@dataclass(frozen=True)
class TaskSpec:
    key: str
    slide: Slide
    quality: Quality
    gif_width: int | None
    code_key: str  # the slide's code key in the checkout that planned the sweep
    params: Params
    store: Path  # DIR/.sweep, the same path on every node
    renderer: Renderer | None = None  # None: render_slide; tests pass a stand-in
    theme: str = "dark"  # the palette (scenes/kit/theme.py's THEMES); part of code_key
    voice: str = "none"  # the narrator (narration/speech.py's voices); part of code_key
    language: str = "en"  # what the slide says (lecture/language.py); part of code_key
    checkpoints: str = DEFAULT_CHECKPOINTS  # the bank's questions asked or not; in code_key


@dataclass(frozen=True)
class TaskDone:
    key: str
    result: SlideResult  # its files are names inside the task's store folder
    worker: str


@dataclass(frozen=True)
class _Stored:
    """A task's render.json."""

    done: TaskDone
    sizes: dict[str, int]  # each of its files' names -> bytes: whole while they all match


def _to_json(value: Any) -> Any:
    # A catalog entry (lecture.i18n.Message, e.g. a slide's title) is stored as its text.
    if isinstance(value, (Path, Fraction, str)):
        return str(value)
    raise NotImplementedError(f"{type(value).__name__} in a stored render")


def _from_json(kind: type, value: Any) -> Any:
    if kind in (Path, Fraction):
        try:
            return kind(value)
        except ZeroDivisionError as error:  # msgspec reports a ValueError as a bad field
            raise ValueError(str(error)) from None
    raise NotImplementedError(f"{kind.__name__} in a stored render")


class Store:
    """DIR/.sweep: finished renders by task key, attempt counts, kept logs."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tasks, self.attempts = self.root / "tasks", self.root / "attempts"
        self.work, self.logs = self.root / "work", self.root / "logs"

    def prepare(self) -> None:
        for folder in (self.tasks, self.attempts, self.work, self.logs):
            folder.mkdir(parents=True, exist_ok=True)

    def folder(self, key: str) -> Path:
        return self.tasks / key

    def load(self, key: str) -> TaskDone | None:
        """The finished render of `key`, if the store holds it whole."""
        folder = self.folder(key)
        try:
            stored = msgspec.json.decode((folder / _RECORD).read_bytes(), type=_Stored,
                                         dec_hook=_from_json)
            done = stored.done
            whole = done.key == key and \
                {p.name for p in done.result.files.values()} == stored.sizes.keys() and \
                all((folder / name).stat().st_size == size for name, size in stored.sizes.items())
        except (OSError, msgspec.MsgspecError):
            return None  # damaged or gone: rendered again
        if not whole:
            return None
        files = {kind: folder / name for kind, name in done.result.files.items()}
        return dataclasses.replace(done, result=dataclasses.replace(done.result, files=files))

    def discard(self, key: str) -> None:
        shutil.rmtree(self.folder(key), ignore_errors=True)

    def attempt_count(self, key: str) -> int:
        try:
            return len((self.attempts / key).read_text(encoding="utf-8").splitlines())
        except OSError:
            return 0

    def note_attempt(self, key: str, worker: str) -> None:
        with (self.attempts / key).open("a", encoding="utf-8") as handle:
            handle.write(f"{worker}\n")

    def add(self, key: str, result: SlideResult, worker: str) -> TaskDone:
        """Move a finished render's files into the store in one rename; whole or not at all."""
        staged = self.work / f"{key}-add-{uuid.uuid4().hex[:8]}"
        staged.mkdir()
        names = {}
        for kind, path in result.files.items():
            shutil.move(str(path), staged / path.name)
            names[kind] = path.name
        done = TaskDone(key, dataclasses.replace(result, files={k: Path(n) for k, n in
                                                                names.items()}), worker)
        sizes = {name: (staged / name).stat().st_size for name in names.values()}
        (staged / _RECORD).write_bytes(msgspec.json.encode(_Stored(done, sizes),
                                                           enc_hook=_to_json))
        if self.folder(key).exists() and self.load(key) is None:
            self.discard(key)  # a damaged render (a file deleted by hand): replaced whole
        try:
            os.rename(staged, self.folder(key))
        except OSError:
            # Another attempt (a worker thought dead) added it first: keep that one.
            shutil.rmtree(staged, ignore_errors=True)
            if self.load(key) is None:
                raise
        loaded = self.load(key)
        assert loaded is not None
        return loaded


def worker_name() -> str:
    try:
        from distributed import get_worker  # only ever called on a worker

        return str(get_worker().name)
    except (ImportError, ValueError):
        return f"{socket.gethostname()}-{os.getpid()}"


def cache_root() -> Path:
    """Where this checkout's workers on this node keep their Manim caches."""
    checkout = hashlib.sha256(str(reuse.REPO).encode()).hexdigest()[:8]
    return Path(tempfile.gettempdir()) / "backprop-sweep-cache" / checkout


@contextmanager
def _cache_dir(slide: Slide) -> Iterator[Path]:
    """A Manim media folder kept on this node, so renders of the same slide for other
    variants reuse its compiled formulas and unchanged animations. Local, not on the
    shared folder. Only one job at a time may use one (see slide_render), so each
    running task holds a numbered slot by a lock the kernel drops if the worker dies."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    for slot in itertools.count():
        handle = os.open(root / f"slot-{slot}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue
        try:
            yield root / f"slot-{slot}" / slide.stem
        finally:
            os.close(handle)
        return


def run_task(spec: TaskSpec) -> TaskDone:
    """Render one task into the store (or return the render already there)."""
    store = Store(spec.store)
    existing = store.load(spec.key)
    if existing is not None:
        return existing
    mine = reuse.slide_key(spec.slide, spec.quality, spec.gif_width, theme=spec.theme,
                           voice=spec.voice, language=spec.language,
                           checkpoints=spec.checkpoints)
    who = worker_name()
    if mine != spec.code_key:
        raise StaleWorker(
            f"worker {who} ({socket.gethostname()}:{reuse.REPO}) has other code for slide "
            f"{spec.slide.number} than the checkout that planned the sweep (code key "
            f"{mine[:12]} instead of {spec.code_key[:12]}); update it (git pull && "
            f"./render.sh setup) and restart it")
    store.note_attempt(spec.key, who)
    if not os.environ.get(contract.CACHE):  # a worker started by hand: its machine's cache
        use_user_cache().close()
    work = store.work / f"{spec.key}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    try:
        params_file = work / "params.json"
        params_file.write_text(json.dumps(dataclasses.asdict(spec.params)), encoding="utf-8")
        renderer = spec.renderer or render_slide
        try:
            with _cache_dir(spec.slide) as cache_dir:
                result = renderer(spec.slide, params_file, spec.quality, work / "out",
                                  spec.gif_width, cache_dir, spec.theme, spec.voice,
                                  spec.language, spec.checkpoints)
        except SlideFailed as error:
            if error.log is not None and error.log.exists():
                kept = store.logs / f"{spec.key}-{error.log.name}"
                shutil.copyfile(error.log, kept)
                error.log = kept
            raise
        return store.add(spec.key, result, who)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if isinstance(error, RenderError) else f"{type(error).__name__}: {text}"


def jsonable_reads(result: SlideResult) -> dict[str, Any]:
    reads = (result.manifest or {}).get("reads")
    return reads if isinstance(reads, dict) else {}
