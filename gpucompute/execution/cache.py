"""The result cache: computed values kept by what they were computed from.

A result's key digests everything its value depends on:

* the graft (:func:`gpucompute.graft.hashing.content_hash`, so key numbering
  does not matter) and the proxy type that unmarshals it;
* the GeoContext (its ``to_dict``, as sorted JSON);
* the argument values, by parameter name;
* the backend name and the output format;
* a token of the catalog's contents (:func:`catalog_token`), so adding,
  removing or changing images, bands or products invalidates; in memory also
  the open catalog handle (:func:`catalog_handle`), so ``reset_catalog()``
  starts afresh.

Values live in memory under a byte budget with least-recently-used eviction
(``GPUCOMPUTE_CACHE_BYTES``, default 512 MiB; ``0`` turns the memory cache
off) and, when ``GPUCOMPUTE_CACHE_DIR`` names a folder, also on disk in the
no-pickle format of the job store (bounded by ``GPUCOMPUTE_CACHE_DISK_BYTES``,
default 4 GiB, oldest first).  Hits are deep copies: mutating a result never
changes the cache.  :func:`clear` empties it.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import hashlib
import itertools
import json
import os
import shutil
import sqlite3
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from gpucompute.errors import ConfigError

__all__ = [
    "BYTES_ENV",
    "DIR_ENV",
    "DISK_BYTES_ENV",
    "RESULTS",
    "ResultCache",
    "catalog_handle",
    "catalog_token",
    "clear",
    "result_key",
    "stats",
    "value_nbytes",
]

BYTES_ENV = "GPUCOMPUTE_CACHE_BYTES"
DIR_ENV = "GPUCOMPUTE_CACHE_DIR"
DISK_BYTES_ENV = "GPUCOMPUTE_CACHE_DISK_BYTES"
DEFAULT_BYTES = 512 * 2**20
DEFAULT_DISK_BYTES = 4 * 2**30
#: Bytes counted for every cached object besides its arrays' buffers.
OVERHEAD_BYTES = 256
#: Bumped by :func:`clear`, so a fresh start never meets an old entry.
_KEY_VERSION = "1"


def _env_bytes(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(float(raw))
    except ValueError:
        raise ConfigError(f"{name} must be a number of bytes, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must be a number of bytes >= 0, got {raw!r}")
    return value


def value_nbytes(value: Any) -> int:
    """The bytes a value holds: its arrays' ``nbytes`` (masks included) plus a constant per object."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        total += OVERHEAD_BYTES
        if isinstance(item, np.ma.MaskedArray):
            total += item.data.nbytes + np.ma.getmaskarray(item).nbytes
        elif isinstance(item, np.ndarray):
            total += item.nbytes
        elif isinstance(item, (bytes, bytearray, str)):
            total += len(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif hasattr(item, "ndarray") and hasattr(item, "properties"):  # imagery results
            stack.extend((item.ndarray, item.properties))
    return total


# ---- the catalog token -------------------------------------------------------------------------------------
class _CatalogWatch:
    """Notices catalog changes cheaply: ``PRAGMA data_version`` on a connection of its own.

    SQLite changes a connection's ``data_version`` whenever *another*
    connection (of any process) commits; the catalog never writes through
    this one, so every change shows.  The persistent part of the token (the
    row counts, largest ``pk`` and latest ``modified`` of each catalog table)
    is only recomputed after such a change.
    """

    _TABLES = ("products", "bands", "images")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False,
                                    isolation_level=None, timeout=60.0)
        self.version: int | None = None
        self.token = ""

    def current(self) -> str:
        with self.lock:
            version = self.conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self.version:
                self.token = self._fingerprint()
                self.version = version
            return self.token

    def _fingerprint(self) -> str:
        parts = []
        names = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in self._TABLES:
            if table in names:
                row = self.conn.execute(f"SELECT COUNT(*), MAX(pk), MAX(modified) FROM {table}").fetchone()
                parts.append([table, *row])
        return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:24]


_watches: dict[Path, _CatalogWatch] = {}
_watch_lock = threading.Lock()


def _catalog_db_path() -> Path:
    from gpucompute.catalog import _db

    default = _db._default
    if default is not None and _db._default_explicit:
        return default.db_path
    return _db._resolve_home(None) / "catalog.sqlite"


def catalog_token() -> str:
    """A short string that changes whenever the default catalog's products, bands or images change.

    Opens nothing when there is no catalog yet (the token then says so).
    """
    path = _catalog_db_path()
    if not path.exists():
        return f"{path}:none"
    with _watch_lock:
        watch = _watches.get(path)
        if watch is None:
            watch = _watches[path] = _CatalogWatch(path)
    try:
        return f"{path}:{watch.current()}"
    except sqlite3.Error:  # a database replaced under us: start over with a new connection
        with _watch_lock:
            _watches.pop(path, None)
        return f"{path}:{time.monotonic_ns()}"  # never matches: no stale hit


_handles: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
_handle_ids = itertools.count(1)


def catalog_handle() -> str:
    """A number for the open default catalog handle: ``reset_catalog``/``connect`` give a new one.

    Memory entries are tied to it, so reopening the catalog starts the memory
    cache afresh (disk entries depend on :func:`catalog_token` only).
    """
    if not _catalog_db_path().exists():
        return "none"
    from gpucompute.catalog import get_catalog

    handle = get_catalog()
    with _watch_lock:
        number = _handles.get(handle)
        if number is None:
            number = _handles[handle] = next(_handle_ids)
    return str(number)


# ---- keys --------------------------------------------------------------------------------------------------
class _Unkeyable(Exception):
    pass


def _canonical(value: Any) -> Any:
    """A JSON-able stand-in that identifies ``value`` (arrays by a digest of their bytes)."""
    from gpucompute.types.core import Proxytype

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Proxytype):
        if value.params:
            raise _Unkeyable
        from gpucompute.graft.hashing import content_hash

        return {"proxy": type(value).__name__, "graft": content_hash(value.graft)}
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.ma.asarray(value)
        if arr.dtype.hasobject:
            raise _Unkeyable
        digest = hashlib.sha256(np.ascontiguousarray(arr.data).tobytes())
        digest.update(np.ascontiguousarray(np.ma.getmaskarray(arr)).tobytes())
        return {"array": [arr.dtype.str, list(arr.shape), digest.hexdigest()]}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [_canonical(v) for v in value]}
    if isinstance(value, Mapping):
        return {"dict": sorted(([_canonical(k), _canonical(v)] for k, v in value.items()), key=json.dumps)}
    if hasattr(value, "to_dict"):
        return {type(value).__name__: _canonical(value.to_dict())}
    if hasattr(value, "isoformat"):
        return {type(value).__name__: value.isoformat()}
    raise _Unkeyable


def result_key(obj: Any, geoctx: Any, arguments: Mapping[str, Any], *, backend: str,
               format: Any = "python") -> str | None:
    """The cache key of computing ``obj`` with these inputs, or None when it cannot be keyed reliably."""
    from gpucompute.graft.hashing import content_hash
    from gpucompute.types.core import type_name

    try:
        parts = [
            _KEY_VERSION,
            type_name(obj),
            content_hash(obj.graft),
            _canonical(geoctx),
            {name: _canonical(arguments[name]) for name in sorted(arguments)},
            backend,
            _canonical(format),
            catalog_token(),
        ]
        text = json.dumps(parts, sort_keys=True, default=repr)
    except (_Unkeyable, TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode()).hexdigest()


def read_key(spec: Any) -> str | None:
    """The cache key of a raster read (:class:`~gpucompute.execution.pixels.ReadSpec`), or None."""
    try:
        parts = [_KEY_VERSION, "read", [image.id for image in spec.images], list(spec.bands),
                 _canonical(spec.grid), spec.resampler, spec.processing_level, bool(spec.composite), catalog_token()]
        text = json.dumps(parts, sort_keys=True, default=repr)
    except (_Unkeyable, TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode()).hexdigest()


_reads_cached: contextvars.ContextVar[bool] = contextvars.ContextVar("gpucompute_reads_cached", default=True)


@contextlib.contextmanager
def reads_cached(enabled: bool) -> Iterator[None]:
    """Inside the block, raster reads are (or, with False, are not) looked up in and kept in the cache."""
    token = _reads_cached.set(bool(enabled))
    try:
        yield
    finally:
        _reads_cached.reset(token)


def cached_read(spec: Any, read: Callable[[Any], Any]) -> Any:
    """``read(spec)``, or a copy of what it gave for an equal read before (memory only, same budget as results).

    The key holds the images, bands, grid, resampler and the catalog's state,
    so the leaves that different computations share are read once.  Off inside
    ``reads_cached(False)`` (``compute(cache=False)``, tiled work) and when the
    budget is 0.
    """
    if not _reads_cached.get() or RESULTS.max_bytes == 0:
        return read(spec)
    key = read_key(spec)
    if key is None:
        return read(spec)
    key = f"{key}.{catalog_handle()}"
    hit, value = RESULTS.get(key, disk=False)
    if hit:
        return value
    value = read(spec)
    RESULTS.put(key, value, disk=False)
    return value


# ---- the cache ---------------------------------------------------------------------------------------------
class ResultCache:
    """Values by key: in memory (LRU under a byte budget) and, optionally, in a folder on disk.

    Parameters
    ----------
    max_bytes : int, optional
        The memory budget; default ``$GPUCOMPUTE_CACHE_BYTES`` (read on each use) or 512 MiB.
    directory : path-like, optional
        The disk folder; default ``$GPUCOMPUTE_CACHE_DIR`` (read on each use), none when unset.
    """

    def __init__(self, max_bytes: int | None = None, directory: str | os.PathLike | None = None) -> None:
        self._max_bytes = max_bytes
        self._directory = directory
        self._entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = self.disk_hits = 0

    @property
    def max_bytes(self) -> int:
        """The memory budget in bytes."""
        return self._max_bytes if self._max_bytes is not None else _env_bytes(BYTES_ENV, DEFAULT_BYTES)

    @property
    def directory(self) -> Path | None:
        """The disk folder, or None when results are kept in memory only."""
        folder = self._directory if self._directory is not None else os.environ.get(DIR_ENV) or None
        return None if folder is None else Path(folder).expanduser()

    @property
    def nbytes(self) -> int:
        """Bytes held in memory."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def get(self, key: str, disk_key: str | None = None, *, disk: bool = True) -> tuple[bool, Any]:
        """``(True, a copy of the value)`` on a hit, ``(False, None)`` on a miss.

        ``disk_key`` (default ``key``) names the entry on disk; ``disk=False``
        looks in memory only.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return True, copy.deepcopy(entry[0])
        value = self._disk_get(disk_key or key) if disk else None
        if value is None:
            with self._lock:
                self.misses += 1
            return False, None
        self._remember(key, value[0])
        with self._lock:
            self.hits += 1
            self.disk_hits += 1
        return True, value[0]

    def put(self, key: str, value: Any, *, disk_key: str | None = None, disk: bool = True) -> None:
        """Keep a copy of ``value`` under ``key`` (in memory if it fits the budget, and on disk if set up)."""
        kept = copy.deepcopy(value)
        self._remember(key, kept)
        if disk:
            self._disk_put(disk_key or key, kept)

    def _remember(self, key: str, value: Any) -> None:
        size = value_nbytes(value)
        budget = self.max_bytes
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > budget:
                return
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > budget and self._entries:
                _, (_, freed) = self._entries.popitem(last=False)
                self._bytes -= freed

    def clear(self, *, disk: bool = False) -> None:
        """Forget every entry in memory (and on disk too with ``disk=True``)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
        folder = self.directory
        if disk and folder is not None and folder.is_dir():
            for entry in folder.iterdir():
                if len(entry.name) == 64:
                    shutil.rmtree(entry, ignore_errors=True)

    # ---- disk ----------------------------------------------------------------------------------------
    def _disk_get(self, key: str) -> tuple[Any] | None:
        folder = self.directory
        if folder is None or not (folder / key).is_dir():
            return None
        from gpucompute.execution._job_store import NotStorable, load_value

        try:
            value = load_value(folder / key)
            os.utime(folder / key)  # most recently used
        except (OSError, ValueError, KeyError, NotStorable):
            return None
        return (value,)

    def _disk_put(self, key: str, value: Any) -> None:
        folder = self.directory
        if folder is None:
            return
        from gpucompute.execution._job_store import NotStorable, save_value

        try:
            save_value(folder / key, value)
        except (NotStorable, OSError):
            return
        self._disk_trim(folder)

    def _disk_trim(self, folder: Path) -> None:
        budget = _env_bytes(DISK_BYTES_ENV, DEFAULT_DISK_BYTES)
        entries = []
        for entry in folder.iterdir():
            if len(entry.name) == 64 and entry.is_dir():
                size = sum(f.stat().st_size for f in entry.iterdir())
                entries.append((entry.stat().st_mtime_ns, size, entry))
        total = sum(size for _, size, _ in entries)
        for _, size, entry in sorted(entries):
            if total <= budget:
                break
            shutil.rmtree(entry, ignore_errors=True)
            total -= size


#: The process-wide result cache used by ``compute``.
RESULTS = ResultCache()


def clear(*, disk: bool = False) -> None:
    """Empty the result cache (memory; the disk folder too with ``disk=True``)."""
    RESULTS.clear(disk=disk)


def stats() -> dict[str, int]:
    """Counters of the result cache: entries, bytes, hits, disk hits, misses."""
    return {"entries": len(RESULTS), "bytes": RESULTS.nbytes, "hits": RESULTS.hits,
            "disk_hits": RESULTS.disk_hits, "misses": RESULTS.misses}
