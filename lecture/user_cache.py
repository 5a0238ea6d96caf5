"""One cache per user for what is keyed by content, shared by every output folder and run.

Synthesized sentences, a lecturer's processed takes, typeset formulas and texts, parsed
SVGs, and finished slides (under their key and the values they read) do not depend on the
folder a render writes to: a variant (`--set lr=0.1 --out
out/lr-0.1`), the light theme or a sweep's worker needs most of them again. They live here,
in the platform's cache folder (`platformdirs`: `$XDG_CACHE_HOME/backprop-lecture`, else
`~/.cache/backprop-lecture`) or the folder `--cache-dir` names; the output folder keeps what
is its own (each slide's Manim segments).

- **Storage**: `diskcache` (SQLite and files): safe under concurrent processes (a render's
  slide jobs, two renders, a sweep's workers on one machine), bounded in size with
  least-recently-used eviction (`DEFAULT_LIMIT`, `--cache-size`). Only bytes go in and come
  out: its pickled values and keys are refused (`_BytesOnly`).
- **Checked when read**: every entry carries an HMAC-SHA256 of its kind, key and bytes,
  under a key of 32 random bytes kept in the folder (`key`, mode 0600). An entry whose
  MAC does not match (cut short, altered, planted) is deleted and counts as a miss: the
  caller makes it again. A damaged database is set aside and the cache starts empty.
- **Private**: the folder is made mode 0700 and checked to be the user's own and closed to
  others before anything in it is used; the parsed SVGs are pickles, so they are loaded
  only from such a folder and only with a valid MAC. A folder that others could write is
  emptied (if the user owns it) or refused (`CacheError`).
- **LaTeX formats** (scenes/speedups/latex_format.py) are files `latex` loads by name: they
  live in `formats/` beside the entries, each with a MAC file, built under a lock.

No Manim here: the pipeline, the scenes and the narrator use it alike. A slide's Manim
process finds the folder in `$BACKPROP_CACHE` (lecture/contract.py).
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import shutil
import stat
import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lecture import contract

if TYPE_CHECKING:
    import diskcache

__all__ = ["APP", "DEFAULT_LIMIT", "KINDS", "CacheError", "UserCache", "default_root",
           "parse_size", "describe_size", "private_problem", "make_private"]

APP = "backprop-lecture"
DEFAULT_LIMIT = 2 * 1024**3  # bytes: a deck's entries take about 50 MB, a sweep's more
# What is kept, by kind: the narrator's sentences (WAV), the lecturer's takes cut and
# levelled (narration/narrator.py), Manim's LaTeX and Pango SVGs, and parsed SVGs (pickles
# of mobjects, scenes/speedups/svg_cache.py); finished slides for other output folders: which
# values each read, its record, its files (backprop_render/build/finished.py).
KINDS = ("speech", "take", "tex", "text", "parse", "slide-reads", "slide", "slide-file")
_ENTRIES, _KEY, _FORMATS = "entries", "key", "formats"
_TIMEOUT = 30.0  # seconds a write waits for another process's transaction before giving up


class CacheError(RuntimeError):
    """The cache folder cannot be used safely (another user's, or not a folder)."""


def default_root() -> Path:
    """The platform's cache folder for this project (honours $XDG_CACHE_HOME)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str) -> int:
    """'500M', '2G', '1.5g', '800000' -> bytes (binary units); ValueError if unreadable."""
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    unit = value[-1:] if value[-1:] in _UNITS and value[-1:] else ""
    number = float(value[: len(value) - len(unit)])
    if not number > 0:
        raise ValueError(f"{text!r} is not a positive size")
    return int(number * _UNITS[unit])


def describe_size(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def private_problem(root: Path) -> str | None:
    """Why `root` is not a folder only this user can write, or None if it is."""
    try:
        info = os.lstat(root)
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if info.st_uid != os.geteuid():
        return "belongs to another user"
    if info.st_mode & 0o077:
        return f"is open to other users (mode {stat.S_IMODE(info.st_mode):o})"
    return None


def make_private(root: Path) -> None:
    """Create `root` (mode 0700) or make an existing one private again.

    A folder others could write may hold anything they put there: if it is the user's own,
    it is emptied and closed; another user's is refused (CacheError)."""
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise CacheError(f"the cache folder {root} is a file; choose another with "
                         "--cache-dir") from None
    except OSError as error:
        raise CacheError(f"the cache folder {root} cannot be made ({error.strerror})") from None
    problem = private_problem(root)
    if problem is None:
        return
    if problem.startswith("is open"):
        for child in root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
        os.chmod(root, 0o700)
        problem = private_problem(root)
    if problem is not None:
        raise CacheError(f"the cache folder {root} {problem}; choose another with --cache-dir")


def _bytes_only() -> type:
    """diskcache's Disk, refusing anything but bytes: values that are pickles (mode 4 in its
    table, which it would unpickle) and pickled keys are treated as damage, never loaded."""
    import diskcache
    from diskcache.core import MODE_BINARY, MODE_RAW

    class _BytesOnly(diskcache.Disk):
        def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
            if type(value) is not bytes:
                raise TypeError("the user cache keeps bytes only")
            return super().store(value, read, key)

        def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
            if mode not in (MODE_RAW, MODE_BINARY):
                raise _Refused(f"an entry of mode {mode}")
            return super().fetch(mode, filename, value, read)

        def get(self, key: Any, raw: bool) -> Any:
            if not raw:
                raise _Refused("a pickled key")
            return super().get(key, raw)

    return _BytesOnly


class _Refused(ValueError):
    """An entry diskcache would unpickle."""


_process_cache: UserCache | None = None


class UserCache:
    """The cache folder of one user: entries by (kind, key), checked, counted."""

    def __init__(self, root: Path, limit: int | None = DEFAULT_LIMIT) -> None:
        self.root = Path(root)
        self.limit = limit  # None: keep the limit the folder has (a slide's Manim process)
        self.taken: Counter[str] = Counter()  # entries read, by kind
        self.stored: Counter[str] = Counter()  # entries made and stored, by kind
        self.repaired: Counter[str] = Counter()  # damaged entries found and dropped, by kind
        self.problems: Counter[str] = Counter()  # why an entry could not be stored or read
        self._cache: diskcache.Cache | None = None
        self._secret: bytes | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, root: Path, limit: int = DEFAULT_LIMIT) -> UserCache:
        """For the pipeline: the folder made private (see make_private), its limit set."""
        make_private(root)
        cache = cls(root, limit)
        cache._entries()  # a damaged database is set aside now, not in every slide job
        return cache

    @classmethod
    def from_environment(cls) -> UserCache | None:
        """For a slide's Manim process: the cache of $BACKPROP_CACHE, one per process, if
        it is set and private (the pipeline made it so; anything else is not trusted)."""
        global _process_cache
        folder = os.environ.get(contract.CACHE)
        if not folder:
            return None
        if _process_cache is None or str(_process_cache.root) != folder:
            if private_problem(Path(folder)) is not None:
                return None
            _process_cache = cls(Path(folder), None)
        return _process_cache

    def use(self) -> dict[str, dict[str, int]]:
        """What this process took from the cache, stored in it and found damaged, by kind
        (the slide's manifest carries it to the render's summary)."""
        return {"taken": dict(self.taken), "stored": dict(self.stored),
                "repaired": dict(self.repaired), "problems": dict(self.problems)}

    # ----- reading and writing -----------------------------------------------------------

    def get(self, kind: str, key: str) -> bytes | None:
        """The bytes stored under (kind, key), or None: absent, damaged (then dropped), or
        the cache unusable."""
        name = self._name(kind, key)
        try:
            found = self._entries().get(name, tag=True)
        except _Refused:
            self._drop(kind, name)
            return None
        except Exception as error:  # noqa: BLE001 - a broken cache is a miss, never a failure
            self._broken(error)
            return None
        value, tag = found if isinstance(found, tuple) else (None, None)
        if value is None:
            return None
        if not isinstance(value, bytes) or not isinstance(tag, str) \
                or not hmac.compare_digest(tag, self._mac(name, value)):
            self._drop(kind, name)
            return None
        self.taken[kind] += 1
        return value

    def put(self, kind: str, key: str, data: bytes) -> bool:
        """Store `data` under (kind, key), whole or not at all; False if it could not be
        (a full disk, a busy database): the entry is then simply not kept."""
        name = self._name(kind, key)
        try:
            self._entries().set(name, data, tag=self._mac(name, data))
        except Exception as error:  # noqa: BLE001 - only the entry is lost
            self._broken(error)
            return False
        self.stored[kind] += 1
        return True

    def has(self, kind: str, key: str) -> bool:
        """Whether an entry is stored (unchecked: `get` checks it)."""
        try:
            return self._name(kind, key) in self._entries()
        except Exception as error:  # noqa: BLE001
            self._broken(error)
            return False

    def volume(self) -> int:
        """Bytes the cache takes on disk: its entries and the LaTeX formats."""
        try:
            size = self._entries().volume()
        except Exception:  # noqa: BLE001
            size = 0
        formats = self.root / _FORMATS
        if formats.is_dir():
            size += sum(p.stat().st_size for p in formats.iterdir() if p.is_file())
        return size

    def evict(self) -> int:
        """Evict least-recently-used entries until the cache is within its limit (writes do
        it as they go, a few at a time); how many went."""
        try:
            return self._entries().cull()
        except Exception as error:  # noqa: BLE001
            self._broken(error)
            return 0

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    # ----- LaTeX formats -------------------------------------------------------------------

    @property
    def formats(self) -> Path:
        """The folder of LaTeX format files (scenes/speedups/latex_format.py)."""
        return self.root / _FORMATS

    def seal(self, path: Path) -> None:
        """Record a MAC of the file at `path` beside it (`<name>.mac`), written atomically."""
        mac = self._mac(f"file\0{path.name}", path.read_bytes())
        partial = path.with_name(f".{path.name}.mac.{os.getpid()}")
        partial.write_text(mac, encoding="ascii")
        os.replace(partial, path.with_name(path.name + ".mac"))

    def sealed(self, path: Path) -> bool:
        """Whether the file at `path` is whole and as sealed; a damaged one is deleted."""
        try:
            data, mac = path.read_bytes(), path.with_name(path.name + ".mac").read_text("ascii")
        except (OSError, ValueError):
            return False
        if hmac.compare_digest(mac, self._mac(f"file\0{path.name}", data)):
            return True
        path.unlink(missing_ok=True)
        self.repaired["format"] += 1
        return False

    # ----- inside ----------------------------------------------------------------------------

    @staticmethod
    def _name(kind: str, key: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown kind of cache entry {kind!r}")
        return f"{kind}/{key}"

    def _mac(self, name: str, data: bytes) -> str:
        digest = hmac.new(self._key(), name.encode() + b"\0", hashlib.sha256)
        digest.update(data)
        return digest.hexdigest()

    def _key(self) -> bytes:
        """The folder's secret: made once (by whichever process comes first), then read."""
        if self._secret is None:
            path = self.root / _KEY
            try:
                secret = path.read_bytes()
            except FileNotFoundError:
                secret = b""
            if len(secret) != 32:
                secret = _make_key(path)
            self._secret = secret
        return self._secret

    def _entries(self) -> diskcache.Cache:
        with self._lock:
            if self._cache is None:
                self._cache = self._opened()
            return self._cache

    def _opened(self) -> diskcache.Cache:
        import sqlite3

        import diskcache

        folder = self.root / _ENTRIES
        settings: dict[str, Any] = {"eviction_policy": "least-recently-used",
                                    "statistics": False, "tag_index": False}
        if self.limit is not None:
            settings["size_limit"] = self.limit
        for attempt in (1, 2):
            try:
                return diskcache.Cache(str(folder), timeout=_TIMEOUT, disk=_bytes_only(),
                                       **settings)
            except sqlite3.DatabaseError:
                if attempt == 2:
                    raise
                # Not a database any more (cut short, overwritten): start it again, empty.
                self.repaired["database"] += 1
                shutil.rmtree(folder, ignore_errors=True)
        raise AssertionError("unreachable")

    def _drop(self, kind: str, name: str) -> None:
        self.repaired[kind] += 1
        try:
            self._entries().delete(name)
        except Exception as error:  # noqa: BLE001
            self._broken(error)

    def _broken(self, error: BaseException) -> None:
        import sqlite3

        if isinstance(error, sqlite3.DatabaseError) and (
                "malformed" in str(error) or "not a database" in str(error)):
            # Damaged under us: the next use starts an empty one.
            self.close()
            self.repaired["database"] += 1
            shutil.rmtree(self.root / _ENTRIES, ignore_errors=True)
        full = (isinstance(error, OSError) and error.errno == errno.ENOSPC) or (
            isinstance(error, sqlite3.OperationalError) and "full" in str(error))
        self.problems[f"no space left on device in {self.root}" if full
                      else f"{type(error).__name__}: {error}"] += 1


def _make_key(path: Path) -> bytes:
    """32 random bytes at `path` (mode 0600), unless another process made them first."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, os.urandom(32))
    finally:
        os.close(descriptor)
    try:
        os.link(partial, path)  # fails if another process linked its key first
    except FileExistsError:
        pass
    finally:
        partial.unlink(missing_ok=True)
    secret = path.read_bytes()
    if len(secret) != 32:  # a damaged key: every entry under it is unreadable anyway
        path.unlink(missing_ok=True)
        return _make_key(path)
    return secret
