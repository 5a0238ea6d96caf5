"""The output folder, changed only by whole files.

A render works in a staging folder inside the output folder (same file system, so
a move is an atomic rename) and moves a slide's files into place only once all of
them are finished. A render that fails or is interrupted therefore leaves every
file it had not yet replaced exactly as it was. A lock on the folder keeps two
renders from writing into it at once.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import Any

from backprop_render.errors import UsageError

__all__ = ["OutputFolder", "STAGING_PREFIX"]

STAGING_PREFIX = ".staging-"


def _reason(error: OSError) -> str:
    if isinstance(error, FileExistsError) or error.errno == errno.ENOTDIR:
        return "a file of that name is in the way"
    return error.strerror or str(error)


class OutputFolder:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock_fd: int | None = None
        self._staging: Path | None = None

    # ----- opening and closing -------------------------------------------------

    def open(self) -> "OutputFolder":
        """Create, lock and check the folder; every problem becomes one UsageError."""
        where = f"the output folder '{self.path}'"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as error:
            raise UsageError(f"cannot use {where}: {_reason(error)}.") from None
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._release()
            raise UsageError(f"another render is writing to {where}; wait for it to finish "
                             "or choose another folder with --out.") from None
        # Left behind only by a render that was killed outright: we hold the lock now.
        for stale in self.path.glob(STAGING_PREFIX + "*"):
            shutil.rmtree(stale, ignore_errors=True)
        staging = self.path / f"{STAGING_PREFIX}{os.getpid()}"
        try:
            staging.mkdir()
            (staging / "write-test").write_bytes(b"ok")
        except OSError as error:
            self._release()
            raise UsageError(f"cannot write to {where}: {_reason(error)}.") from None
        self._staging = staging
        return self

    def close(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
        self._release()

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor drops the flock
            self._lock_fd = None

    def __enter__(self) -> "OutputFolder":
        return self.open()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    # ----- writing ---------------------------------------------------------------

    @property
    def staging(self) -> Path:
        if self._staging is None:
            raise RuntimeError("the output folder is not open")
        return self._staging

    def commit(self, files: dict[str, Path]) -> dict[str, str]:
        """Move finished files (final name -> staged path) into place; returns the names.

        Call only when every file of the group is whole: each move is atomic, and
        none happens before all are ready.
        """
        for name, staged in files.items():
            if not staged.is_file():
                raise ValueError(f"refusing to publish {name}: {staged} is missing")
        for name, staged in files.items():
            os.replace(staged, self.path / name)
        return {name: name for name in files}

    def write_text(self, name: str, text: str) -> None:
        staged = self.staging / f"{name}.tmp"
        staged.write_text(text, encoding="utf-8")
        os.replace(staged, self.path / name)

    def write_json(self, name: str, data: Any) -> None:
        self.write_text(name, json.dumps(data, indent=1, ensure_ascii=False) + "\n")

    def read_text(self, name: str) -> str | None:
        """The text file `name`, or None if absent or unreadable."""
        try:
            return (self.path / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def read_json(self, name: str) -> Any | None:
        """The JSON file `name`, or None if absent or unreadable (it is then rebuilt)."""
        try:
            return json.loads((self.path / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def remove(self, name: str) -> bool:
        try:
            (self.path / name).unlink()
        except FileNotFoundError:
            return False
        return True

    def exists(self, name: str) -> bool:
        return (self.path / name).is_file()
