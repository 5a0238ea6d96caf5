"""lecture.mp4 joined by a process of its own, its narration encoded while slides still render.

The lecture's narration is one AAC stream, encoded again whenever a slide changes (joined
from separately encoded slides, every chapter would start with the encoder's priming gap):
1.2 CPU s at preview, the longest step after the last slide. The pipeline starts this
process once a core has no slide to render, and hands it the lecture's slides in order as
each becomes final (kept, or published): it encodes their narration as they come
(media.LectureWriter). When the last slide is done, what is left is the narration after it
and the video's copying, which run while the presentation is built.

What it was handed is checked at the end: if the slides to join are not those it encoded,
as they were when it read them (path, size, modification time), it starts again from the
first, so the file is always the one `media.concat_videos` writes for them.
"""

from __future__ import annotations

import multiprocessing
import signal
from pathlib import Path
from typing import Any, Mapping

__all__ = ["LectureJoin"]

Stamp = tuple[int, int]  # a file's size and modification time (ns), as when it was read


def _stamp(path: Path) -> Stamp:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


class LectureJoin:
    """The joining process, seen from the pipeline: `add` the slides' videos in lecture
    order, `finish` with the parts to join, then `result` (the chapters), or `stop`."""

    def __init__(self, dst: Path, metadata: Mapping[str, str], language: str | None = None) -> None:
        """`language`: ISO 639-2 of the lecture's audio and subtitle tracks."""
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        # A daemon: it dies with the render, whatever stops it.
        self._process = context.Process(target=_serve, args=(child, dst, dict(metadata), language),
                                        name="lecture-join", daemon=True)
        self._process.start()
        child.close()
        self.added: list[Path] = []

    def add(self, path: Path) -> None:
        """The next slide's video (final: it will not change in this render)."""
        self._connection.send(("add", path, _stamp(path)))
        self.added.append(path)

    def finish(self, parts: list[tuple[Path, str]]) -> None:
        """Join `parts` (video, chapter title) into the destination; does not wait."""
        self._connection.send(("finish", parts))

    def result(self) -> list[Any]:
        """The chapters written (media.Chapter), once the file is whole; a ValueError
        with the joining's error otherwise."""
        try:
            kind, value = self._connection.recv()
        except EOFError:
            raise ValueError("the process joining it ended without a word "
                             f"(exit status {self._process.exitcode})") from None
        finally:
            self._process.join()
        if kind == "failed":
            raise ValueError(value)
        return value

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._connection.close()


def _serve(connection: Any, dst: Path, metadata: dict[str, str], language: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the render's to handle
    import av.error

    from backprop_render.media import video as media

    writer: media.LectureWriter | None = None
    added: list[tuple[Path, Stamp]] = []
    broken = False  # an added slide failed: finish starts again, and reports the error
    while True:
        message = connection.recv()
        if message[0] == "add":
            _, path, stamp = message
            if broken:
                continue
            try:
                writer = writer or media.LectureWriter(dst, metadata, language=language)
                writer.add_audio(path)
                added.append((path, stamp))
            except Exception:  # noqa: BLE001 - said at finish, where the join runs again
                broken = True
            continue
        parts: list[tuple[Path, str]] = message[1]
        try:
            if broken or [(path, _stamp(path)) for path, _ in parts[:len(added)]] != added:
                if writer is not None:
                    writer.close()
                writer = None
            writer = writer or media.LectureWriter(dst, metadata, language=language)
            connection.send(("done", writer.finish(parts)))
        except (ValueError, OSError, av.error.FFmpegError) as error:
            connection.send(("failed", str(error)))
        finally:
            if writer is not None:
                writer.close()
        return
