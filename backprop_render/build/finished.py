"""Finished slides in the user cache, for every other output folder.

A slide's files are a function of its key and of the lesson values it read (reuse.py). A
render that publishes a slide stores its files in the user cache too, under a digest of
both; a render into another folder (a variant, `--out out/lr-0.1`, a sweep's variant on
this machine) that would draw the slide looks there first. It takes the slide when the key
is the same and every value the slide read then has the same value in its lesson: the test
that keeps a slide in its own folder (reuse.decide). The files are checked (the cache's MAC
and each file's SHA-256), copied in, and published as if drawn.

Entries, all bytes (lecture/user_cache.py, so bounded, private and checked like the rest):

- `slide-reads/<key>`: the sets of lesson paths the slide read under this key, newest first,
  at most READ_SETS (a verdict may change which values a scene reads: one set each);
- `slide/<digest of the key, the paths and their values>`: the slide's facts.json entry and
  its files' digests and sizes (JSON);
- `slide-file/<sha256>`: a file's bytes, one entry for every slide that has the same file.

Not with `--force` (the lecturer asked for a fresh drawing), and not when one of the takes
the slide was spoken with has changed since (reuse.changed_takes).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from backprop_render.build.records import SlideEntry
from backprop_render.build.reuse import NO_SUCH_VALUE, canonical

if TYPE_CHECKING:
    from lecture.user_cache import UserCache

__all__ = ["READ_SETS", "Finished", "find", "store"]

READ_SETS = 8  # read sets kept for one key: a slide has one per verdict it can show
_READS, _SLIDE, _FILE = "slide-reads", "slide", "slide-file"
# A slide larger than this share of the cache is not stored: it would push out everything
# else (a 4k slide with its GIF, in a small cache) and be pushed out itself by the next one.
_LARGEST_SHARE = 8


@dataclass(frozen=True)
class Finished:
    """A slide found in the cache: its facts.json entry (parameters as when it was drawn)
    and its files' bytes by kind (mp4, png, ...)."""

    entry: SlideEntry
    files: dict[str, bytes]


def _slide_name(key: str, values: Mapping[str, str]) -> str:
    """The entry name of a slide of `key` whose reads have `values` (canonical JSON each)."""
    record = canonical({"key": key, "reads": dict(values)})
    return hashlib.sha256(record.encode("utf-8")).hexdigest()


def _json(data: bytes | None) -> Any:
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def _read_sets(cache: UserCache, key: str) -> list[list[str]]:
    found = _json(cache.get(_READS, key))
    if not isinstance(found, list):
        return []
    return [paths for paths in found
            if isinstance(paths, list) and all(isinstance(p, str) for p in paths)]


def _values(lesson: Any, paths: list[str]) -> dict[str, str] | None:
    """Each path's value in `lesson` as canonical JSON, or None if it has no such value."""
    from lecture.facts import value_at

    try:
        return {path: canonical(value_at(lesson, path)) for path in paths}
    except NO_SUCH_VALUE:
        return None


def _record(cache: UserCache, name: str) -> tuple[SlideEntry, dict[str, tuple[str, int]]] | None:
    """The slide record `name`: its facts entry, and each file's SHA-256 and size by kind."""
    record = _json(cache.get(_SLIDE, name))
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return None
    entry = SlideEntry.from_json(record.get("entry"))
    files = {kind: (str(described[0]), described[1])
             for kind, described in record["files"].items()
             if isinstance(described, list) and len(described) == 2}
    if entry is None or set(entry.files) != set(files):
        return None
    return entry, files


def find(cache: UserCache, key: str, lesson: Any) -> Finished | None:
    """The slide of `key` drawn from the values `lesson` has, if the cache holds it whole."""
    for paths in _read_sets(cache, key):
        values = _values(lesson, paths)
        if values is None:
            continue
        found = _record(cache, _slide_name(key, values))
        if found is None:
            continue
        entry, described = found
        files = {}
        for kind, (digest, size) in described.items():
            data = cache.get(_FILE, digest)
            if data is None or len(data) != size or hashlib.sha256(data).hexdigest() != digest:
                break  # evicted, or damaged (dropped by the cache): the slide is drawn
            files[kind] = data
        else:
            return Finished(entry, files)
    return None


def store(cache: UserCache, key: str, entry: SlideEntry, folder: Path) -> bool:
    """Keep the published slide of `entry` (its files in `folder`) for other folders; False
    if it was not stored (it reads no values, is kept already, is too large, or the cache
    refused a write)."""
    reads = entry.manifest.get("reads")
    if not isinstance(reads, dict):
        return False
    paths = sorted(reads)
    name = _slide_name(key, {path: canonical(reads[path]) for path in paths})
    # Drawn again (--force) or by another render at once: the same files, kept already;
    # unless one was evicted or dropped as damaged since, which leaves the record useless.
    record = _record(cache, name) if cache.has(_SLIDE, name) else None
    kept = record is not None and all(cache.has(_FILE, digest)
                                      for digest, _ in record[1].values())
    stored = not kept and _store_slide(cache, name, entry, folder)
    if kept or stored:
        sets = _read_sets(cache, key)
        if paths not in sets:
            # Two renders adding a set at once: one may be lost, and only costs a drawing.
            cache.put(_READS, key, canonical([paths, *sets][:READ_SETS]).encode("utf-8"))
    return stored


def _store_slide(cache: UserCache, name: str, entry: SlideEntry, folder: Path) -> bool:
    try:  # sized before read: a 4k slide with its GIF is hundreds of MB
        size = sum((folder / file).stat().st_size for file in entry.files.values())
        if cache.limit is not None and size * _LARGEST_SHARE > cache.limit:
            return False
        data = {kind: (folder / file).read_bytes() for kind, file in entry.files.items()}
    except OSError:
        return False
    described = {}
    for kind, content in data.items():
        digest = hashlib.sha256(content).hexdigest()
        if not cache.has(_FILE, digest) and not cache.put(_FILE, digest, content):
            return False
        described[kind] = [digest, len(content)]
    record = {"entry": entry.to_json(), "files": described}
    return cache.put(_SLIDE, name, canonical(record).encode("utf-8"))
