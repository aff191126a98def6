"""Open dataset handles kept per thread, so GDAL's block cache survives from one tile to the next.

GDAL caches decoded blocks per open dataset: closing a file after each read
throws them away, and the next tile of the same scene decodes the same
blocks again. :class:`HandleCache` keeps up to ``size`` recently used
handles *per thread* (a rasterio dataset must not be shared between
threads). A local file's handle is reopened when the file is replaced or its
size or modification time changes, and a handle whose read failed is dropped.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections import OrderedDict
from typing import Any

import rasterio
from rasterio.errors import NotGeoreferencedWarning

__all__ = ["HandleCache", "open_dataset"]


def open_dataset(path: str, **options: Any) -> Any:
    """``rasterio.open`` for reading, without the warning for ungeoreferenced files."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        return rasterio.open(path, **options)


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):  # remote or virtual paths have no local stat
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


class HandleCache:
    """Per-thread LRU of open rasterio datasets keyed by (path, overview level).

    Parameters
    ----------
    size : int
        Handles kept open per thread; 0 opens and closes a file on every read.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = int(size)
        self._local = threading.local()

    def _entries(self) -> OrderedDict:
        entries = getattr(self._local, "entries", None)
        if entries is None:
            entries = self._local.entries = OrderedDict()
        return entries

    def acquire(self, path: str, overview_level: int | None = None) -> Any:
        """An open dataset for *path* (at *overview_level*); pass it back to :meth:`release`."""
        options = {} if overview_level is None else {"overview_level": overview_level}
        if self.size <= 0:
            return open_dataset(path, **options)
        key, stamp = (path, overview_level), _stamp(path)
        entries = self._entries()
        cached = entries.pop(key, None)
        if cached is not None:
            if cached[1] == stamp and not cached[0].closed:
                entries[key] = cached
                return cached[0]
            cached[0].close()
        ds = open_dataset(path, **options)
        entries[key] = (ds, stamp)
        while len(entries) > self.size:
            _, (old, _) = entries.popitem(last=False)
            old.close()
        return ds

    def release(self, ds: Any, *, failed: bool = False) -> None:
        """Done with *ds*: close it when uncached, or when its read *failed*."""
        if self.size <= 0:
            ds.close()
        elif failed:
            self.discard(ds)

    def discard(self, ds: Any) -> None:
        """Close *ds* and forget it (this thread)."""
        entries = self._entries()
        for key, (cached, _) in list(entries.items()):
            if cached is ds:
                del entries[key]
        ds.close()

    def clear(self) -> None:
        """Close every handle this thread holds."""
        entries = self._entries()
        while entries:
            _, (ds, _) = entries.popitem()
            ds.close()
