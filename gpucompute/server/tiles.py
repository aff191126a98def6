"""Computing layers for the tile server: one tile, one bounded worker pool, a small cache of PNGs.

Every computation the server does (tiles, the pixel inspector, autoscale)
runs in one :class:`~concurrent.futures.ThreadPoolExecutor` of
:func:`worker_count` threads, off the event loop, so at most that many tiles
are in memory at once however many requests arrive.  Requests for a tile that
is already being drawn wait for that drawing instead of starting another, and
the last :data:`CACHE_SIZE` PNGs are kept by ``(layer id, version, z, x, y)``.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from gpucompute.errors import GpuComputeError
from gpucompute.server.layers import Layer
from gpucompute.server.render import empty_png, render_png

__all__ = [
    "CACHE_SIZE",
    "WORKERS_ENV",
    "band_names",
    "clear_cache",
    "compute_layer",
    "default_scales",
    "layer_scales",
    "run_in_pool",
    "tile_png",
    "worker_count",
]

#: Environment variable that sets the number of tile workers.
WORKERS_ENV = "GPUCOMPUTE_SERVER_WORKERS"
#: How many rendered PNGs are kept.
CACHE_SIZE = 512

_lock = threading.Lock()
_cache: OrderedDict[tuple, bytes] = OrderedDict()
_inflight: dict[tuple, Future] = {}
_bands: dict[tuple[str, str], list[str]] = {}
_executor: ThreadPoolExecutor | None = None


def worker_count() -> int:
    """Tile worker threads: ``$GPUCOMPUTE_SERVER_WORKERS``, else ``min(4, cpu count)``."""
    value = os.environ.get(WORKERS_ENV, "")
    if value.strip().isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(4, os.cpu_count() or 1))


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=worker_count(), thread_name_prefix="gpucompute-tile")
        return _executor


async def run_in_pool(fn: Callable[..., Any], *args: Any) -> Any:
    """Await ``fn(*args)`` run in the server's bounded worker pool."""
    return await asyncio.wrap_future(_pool().submit(fn, *args))


def compute_layer(layer: Layer, geoctx: Any) -> tuple[np.ma.MaskedArray | None, dict[str, Any]]:
    """``(ndarray, bandinfo)`` of the layer's image on ``geoctx`` (``ndarray`` is None when empty)."""
    from gpucompute.execution.compute import compute

    result = compute(layer.image, geoctx, **layer.parameters)
    bandinfo = dict(result.bandinfo)
    if result.ndarray is not None:
        with _lock:
            _bands[(layer.id, layer.version)] = list(bandinfo) or [f"band_{i + 1}" for i in range(len(result.ndarray))]
    return result.ndarray, bandinfo


def band_names(layer: Layer) -> list[str] | None:
    """The band names of the layer's current version, once something of it has been computed."""
    with _lock:
        return _bands.get((layer.id, layer.version))


def _display_range(info: Mapping[str, Any]) -> list[float] | None:
    """The band's display range in the units of the computed values, from its band info or the catalog."""
    if info.get("display_range") is not None:
        return [float(v) for v in info["display_range"]]
    band_id = info.get("id")
    if not isinstance(band_id, str):
        return None
    from gpucompute.catalog import Band

    try:
        band = Band.get(band_id)
    except GpuComputeError:  # a band info id need not name a catalog band
        return None
    display = getattr(band, "display_range", None) if band is not None else None
    if display is None:
        return None
    lo, hi = (float(v) for v in display)
    raw, scaled = info.get("original_data_range"), info.get("data_range")
    if raw is not None and scaled is not None and float(raw[1]) != float(raw[0]):
        ratio = (float(scaled[1]) - float(scaled[0])) / (float(raw[1]) - float(raw[0]))
        lo, hi = (float(scaled[0]) + (v - float(raw[0])) * ratio for v in (lo, hi))
    return [lo, hi] if lo != hi else None


def default_scales(bandinfo: Mapping[str, Any], bands: int, dtype: Any = np.float32) -> list[list[float]]:
    """One ``[lo, hi]`` per band: the catalog display range where known, else ``[0, 1]`` (always for booleans)."""
    if np.dtype(dtype) == np.bool_:
        return [[0.0, 1.0]] * bands
    infos = list(bandinfo.values())
    if len(infos) != bands:
        return [[0.0, 1.0]] * bands
    return [_display_range(info) or [0.0, 1.0] for info in infos]


def layer_scales(layer: Layer, array: np.ma.MaskedArray, bandinfo: Mapping[str, Any]) -> list[list[float]]:
    """The layer's scales, or its bands' default ones when it has none."""
    if layer.scales is not None:
        return layer.scales
    return default_scales(bandinfo, array.shape[0] if array.ndim == 3 else 1, array.dtype)


def _draw(layer: Layer, x: int, y: int, z: int) -> bytes:
    from gpucompute.geo import GeoContext

    array, bandinfo = compute_layer(layer, GeoContext.from_xyz_tile(x, y, z))
    if array is None or np.ma.getmaskarray(array).all():
        return empty_png(layer.checkerboard)
    return render_png(array, layer_scales(layer, array, bandinfo), layer.colormap, layer.checkerboard)


def tile_png(layer: Layer, x: int, y: int, z: int) -> bytes:
    """The PNG of XYZ tile ``(x, y, z)`` of ``layer`` (cached; concurrent equal requests draw it once)."""
    key = (layer.id, layer.version, z, x, y)
    with _lock:
        png = _cache.get(key)
        if png is not None:
            _cache.move_to_end(key)
            return png
        future = _inflight.get(key)
        owner = future is None
        if owner:
            future = _inflight[key] = Future()
    if not owner:
        return future.result()
    try:
        png = _draw(layer, x, y, z)
    except BaseException as exc:
        future.set_exception(exc)
        raise
    else:
        future.set_result(png)
        with _lock:
            _cache[key] = png
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return png
    finally:
        with _lock:
            _inflight.pop(key, None)


def clear_cache() -> None:
    """Forget rendered tiles and recorded band names."""
    with _lock:
        _cache.clear()
        _bands.clear()


def shutdown_pool() -> None:
    """Stop the worker pool (a new one starts on the next request)."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)
