"""The user cache (lecture/user_cache.py): private, checked when read, bounded, shared safely."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from lecture import contract, user_cache
from lecture.user_cache import CacheError, UserCache
from tests.planted import Planted, planted


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def fresh(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """As a new slide process finds it: $BACKPROP_CACHE set, nothing opened yet."""
    monkeypatch.setenv(contract.CACHE, str(root))
    monkeypatch.setattr(user_cache, "_process_cache", None)


def test_it_is_the_platforms_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache.default_root() == tmp_path / "xdg" / "backprop-lecture"


def test_it_is_made_private_and_an_entry_reads_back(root):
    cache = UserCache.open(root)
    assert os.stat(root).st_mode & 0o777 == 0o700
    assert cache.get("speech", "k") is None
    assert cache.put("speech", "k", b"RIFF...") and cache.get("speech", "k") == b"RIFF..."
    assert cache.get("tex", "k") is None  # kinds do not mix
    assert cache.use() == {"taken": {"speech": 1}, "stored": {"speech": 1}, "repaired": {},
                           "problems": {}}


def test_a_full_disk_costs_the_entry_and_says_so(root, monkeypatch):
    import errno

    cache = UserCache.open(root)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache._entries(), "set", full)
    assert not cache.put("speech", "k", b"RIFF...") and cache.get("speech", "k") is None
    assert cache.use()["problems"] == {f"no space left on device in {root}": 1}


@pytest.mark.parametrize("spoil", [lambda b: b[: len(b) // 2], lambda b: b[:-1] + b"!",
                                   lambda b: b""])
def test_a_damaged_entry_is_dropped_and_counted(root, spoil):
    cache = UserCache.open(root)
    cache.put("speech", "k", b"x" * 100_000)  # big: a file of its own, as a sentence is
    (value,) = [p for p in (root / "entries").rglob("*.val")]
    value.write_bytes(spoil(value.read_bytes()))
    assert cache.get("speech", "k") is None and cache.repaired["speech"] == 1
    assert not cache.has("speech", "k")  # gone: the caller makes it again
    assert cache.put("speech", "k", b"x" * 100_000) and cache.get("speech", "k") == b"x" * 100_000


def test_a_damaged_database_starts_again_empty(root):
    UserCache.open(root).put("tex", "k", b"<svg/>")
    (root / "entries" / "cache.db").write_bytes(b"not a database at all" * 100)
    for name in ("cache.db-wal", "cache.db-shm"):
        (root / "entries" / name).unlink(missing_ok=True)
    cache = UserCache.open(root)
    assert cache.repaired["database"] == 1 and cache.get("tex", "k") is None
    assert cache.put("tex", "k", b"<svg/>") and cache.get("tex", "k") == b"<svg/>"


def test_a_planted_entry_without_the_key_is_never_loaded(root, tmp_path, monkeypatch):
    from scenes.speedups import svg_cache

    UserCache.open(root).close()
    marker = tmp_path / "ran"
    # Written straight into the database, as anyone able to write the folder could:
    # without the secret key, its MAC cannot match.
    import diskcache

    with diskcache.Cache(str(root / "entries")) as raw:
        raw.set(f"parse/{'a' * 40}", planted(marker), tag="0" * 64)
        raw.set(f"parse/{'b' * 40}", Planted(marker))  # diskcache's own pickle (mode 4)
    fresh(monkeypatch, root)
    monkeypatch.delenv(contract.NO_SVG_CACHE, raising=False)
    monkeypatch.setattr(svg_cache, "_cache", None)
    cache = svg_cache.active()
    assert cache is not None
    assert cache.load("a" * 40) is None and cache.load("b" * 40) is None
    assert not marker.exists()
    assert cache.store.repaired["parse"] == 2


def test_a_cache_others_can_write_is_never_read_and_is_emptied(root, tmp_path, monkeypatch):
    from scenes.speedups import svg_cache

    cache = UserCache.open(root)
    marker = tmp_path / "ran"
    # In a folder others can write, they can also read or replace the key: an entry with a
    # valid MAC proves nothing there.
    cache.put("parse", "a" * 40, planted(marker))
    cache.close()
    os.chmod(root, 0o777)
    fresh(monkeypatch, root)
    monkeypatch.delenv(contract.NO_SVG_CACHE, raising=False)
    monkeypatch.setattr(svg_cache, "_cache", None)
    assert UserCache.from_environment() is None and svg_cache.active() is None
    reopened = UserCache.open(root)  # the pipeline: emptied, and closed to others again
    assert os.stat(root).st_mode & 0o777 == 0o700
    assert reopened.get("parse", "a" * 40) is None and not marker.exists()


def test_another_users_folder_is_refused(root, monkeypatch):
    root.mkdir(mode=0o700)
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(root).st_uid + 1)
    assert "belongs to another user" in user_cache.private_problem(root)
    with pytest.raises(CacheError, match="--cache-dir"):
        UserCache.open(root)


def test_eviction_keeps_the_bound_and_the_entries_last_used(root):
    limit = 2 * 1024**2
    cache = UserCache.open(root, limit)
    block = os.urandom(100_000)
    cache.put("speech", "first", block)
    for n in range(60):  # 6 MB through a 2 MB cache
        cache.put("speech", f"k{n}", block)
        assert cache.get("speech", "first") == block  # used all along: kept
    cache.evict()
    assert cache.volume() <= limit
    assert cache.get("speech", "k0") is None and cache.get("speech", "k59") == block


def _hammer(root: str, worker: int, rounds: int) -> list[str]:
    """Read and write the same keys as the other worker; every value read must be whole."""
    cache = UserCache(Path(root), 1024**2)
    wrong = []
    for n in range(rounds):
        key = f"k{n % 25}"
        value = (key.encode() * 4000)[: 20_000 + n % 25]
        got = cache.get("text", key)
        if got is not None and got != value:
            wrong.append(key)
        cache.put("text", key, value)
    return wrong


def test_two_processes_at_once_share_it_without_damage(root):
    UserCache.open(root, 1024**2).close()
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(_hammer, [(str(root), 0, 300), (str(root), 1, 300)])
    assert results == [[], []]
    cache = UserCache.open(root, 1024**2)
    assert sum(cache.repaired.values()) == 0 and cache.volume() <= 1024**2 + 200_000
    import diskcache

    with diskcache.Cache(str(root / "entries")) as raw:
        assert raw.check() == []  # the database and its files agree


def test_a_sealed_file_is_checked(root):
    cache = UserCache.open(root)
    fmt = cache.formats / "preamble-x.fmt"
    fmt.parent.mkdir()
    fmt.write_bytes(b"format" * 1000)
    assert not cache.sealed(fmt)  # no MAC yet
    cache.seal(fmt)
    assert cache.sealed(fmt)
    fmt.write_bytes(b"format" * 999)
    assert not cache.sealed(fmt) and not fmt.exists()  # damaged: deleted, built again


@pytest.mark.parametrize("text, size", [("500M", 500 * 1024**2), ("2G", 2 * 1024**3),
                                        ("1.5gb", int(1.5 * 1024**3)), ("800000", 800000)])
def test_sizes_read_as_people_write_them(text, size):
    assert user_cache.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "-1G", "0"])
def test_a_size_that_is_none_is_refused(text):
    with pytest.raises(ValueError):
        user_cache.parse_size(text)
