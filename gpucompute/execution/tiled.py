"""Compute imagery larger than memory: one output tile at a time, assembled or streamed to a COG.

:func:`compute_tiled` splits the GeoContext's pixel grid into square tiles
sized so one tile's pixel work fits a memory budget (see
:mod:`._tile_plan`), computes each tile (here, one after another, or one Dask
task per tile with ``cluster=``), and either assembles the tiles into the same
result a one-shot ``compute`` gives or, for ``format="geotiff"`` with
``file=``, writes each tile into a Cloud-Optimized GeoTIFF as it arrives so the
whole array is never in memory (:class:`~gpucompute.raster.cog_writer.COGWriter`).

What is tiled
-------------
``Image`` and ``dc.Mosaic`` (and anything computing to one: reductions, band
math) give ``(bands, y, x)``; ``ImageCollection`` and ``dc.ImageStack`` give
``(images, bands, y, x)``.  Other values are not tiled (:func:`needs_tiling`
is False for them).

Properties and band info come from a *probe*: the object planned on a tiny
GeoContext over the same area, so its catalog search finds the same images as
the one-shot compute.  Each tile searches the catalog for its own footprint
(when the GeoContext has no geometry; with one, every tile keeps it as its
cutline and so searches it whole), so a tile may see fewer images than the
whole: a composite is unaffected (images outside a tile add no pixels to it),
and a collection's images are aligned by their ``id`` onto the probe's image
list, absent images masked.  Results that depend on the *number* of images
rather than their pixels, or a search ``limit``, can differ from a one-shot
compute in tiles that see fewer images; compute such objects without tiling.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from gpucompute.errors import (
    ConfigError,
    GeoContextError,
    JobCancelled,
    ParameterError,
    ProxyTypeError,
    RasterArgumentError,
)
from gpucompute.execution import _tile_plan as plan
from gpucompute.execution._tile_sinks import COGSink, Layout, MemorySink

__all__ = ["compute_tile", "compute_tiled", "needs_tiling"]


def _kind(obj: Any) -> str | None:
    """``"image"`` or ``"collection"`` for the proxy types that are tiled, else None."""
    from gpucompute.types.image import Image
    from gpucompute.types.imagecollection import ImageCollection

    if isinstance(obj, Image):
        return "image"
    if isinstance(obj, ImageCollection):
        return "collection"
    return None


def _as_geoctx(geoctx: Any) -> Any:
    from gpucompute.geo import GeoContext

    if isinstance(geoctx, GeoContext):
        return geoctx
    if isinstance(geoctx, Mapping):
        return GeoContext.from_dict(dict(geoctx))
    raise GeoContextError(f"tiled compute needs a GeoContext (or its dict form), got {geoctx!r:.200}")


# ---- evaluating ---------------------------------------------------------------------------------------------
def _plan_probe(obj: Any, geoctx: Any, values: Mapping[str, Any], *, resolve: bool) -> tuple[plan.Probe, Any]:
    """The probe plan (lazy value, bytes per pixel) and, with ``resolve``, its computed host value."""
    from gpucompute.execution import pixels
    from gpucompute.execution.compute import to_host
    from gpucompute.execution.context import evaluation_context
    from gpucompute.execution.program import _interpret

    with evaluation_context(plan.probe_context(geoctx)):
        lazy = _interpret(obj.graft, values)
        probe = plan.Probe(lazy, plan.bytes_per_pixel(lazy))
        host = to_host(pixels.resolve(lazy)) if resolve else None
    return probe, host


def _evaluate(obj: Any, values: Mapping[str, Any], geoctx: Any) -> Any:
    """The host imagery value (``ImageValue`` / ``CollectionValue``) of ``obj`` on ``geoctx``."""
    from gpucompute.execution.cache import reads_cached
    from gpucompute.execution.compute import to_host
    from gpucompute.execution.context import evaluation_context
    from gpucompute.execution.program import evaluate

    with evaluation_context(geoctx), reads_cached(False):  # tiles are read once: caching them would hold memory
        raw = evaluate(obj.graft, values, compiled=getattr(type(obj), "_compiled", False))
    return to_host(raw)


def _tile_dict(value: Any) -> dict[str, Any]:
    if value.pixels is None:
        return {"data": None, "mask": None, "properties": value.properties, "bandinfo": dict(value.bandinfo)}
    array = np.ma.asarray(value.pixels)
    return {"data": np.ma.getdata(array), "mask": np.ma.getmaskarray(array), "properties": value.properties,
            "bandinfo": dict(value.bandinfo)}


def compute_tile(document: str, geoctx: Mapping[str, Any], arguments: Mapping[str, Any],
                 backend: str | None = None) -> dict[str, Any]:
    """Compute one output tile from plain inputs (in this process or on a Dask worker).

    Parameters
    ----------
    document : str
        The object, as :func:`gpucompute.execution.saved.dumps_proxy` writes it.
    geoctx : dict
        The tile's ``GeoContext.to_dict()``.
    arguments : dict
        Values of the object's parameters, by name.
    backend : str, optional
        Compute on this backend (default: the configured one).

    Returns
    -------
    dict
        ``data`` and ``mask`` (NumPy arrays, None for an empty tile),
        ``properties`` and ``bandinfo``: plain data, picklable without any proxy.
    """
    from gpucompute.config import using_backend
    from gpucompute.execution.compute import bind_arguments
    from gpucompute.execution.saved import loads_proxy
    from gpucompute.geo import GeoContext

    obj = loads_proxy(document, source="the tile's document")
    ctx = GeoContext.from_dict(dict(geoctx))
    with using_backend(backend) if backend else contextlib.nullcontext():
        values = bind_arguments(obj.params, dict(arguments))
        return _tile_dict(_evaluate(obj, values, ctx))


#: Outputs of at most this many pixels are never tiled under the default budget, without planning a probe
#: (at 1 GiB that leaves 4 KiB per output pixel: hundreds of image-bands).
SMALL_OUTPUT_PIXELS = 512 * 512


def needs_tiling(obj: Any, geoctx: Any, memory_budget: int | str | None = None, *,
                 arguments: Mapping[str, Any] | None = None) -> bool:
    """Whether computing ``obj`` over ``geoctx`` in one piece would exceed the memory budget.

    Parameters
    ----------
    obj
        A proxy; only imagery (``Image``, ``ImageCollection``, ``dc.Mosaic``,
        ``dc.ImageStack``) is ever tiled.
    geoctx
        A ``GeoContext`` (or its dict form); None gives False.
    memory_budget : int or str, optional
        Bytes (or ``"512MiB"``...); default ``$GPUCOMPUTE_MEMORY_BUDGET`` or 1 GiB.
    arguments : dict, optional
        Values of ``obj``'s parameters; an object with parameters whose values
        are missing gives False (the one-shot compute then reports them).

    Returns
    -------
    bool
        True when output pixels x estimated bytes per pixel exceed the budget.
        Under the default budget, outputs of at most :data:`SMALL_OUTPUT_PIXELS`
        pixels give False without planning.
    """
    from gpucompute.execution.compute import bind_arguments

    if _kind(obj) is None or geoctx is None:
        return False
    ctx = _as_geoctx(geoctx)
    budget = plan.memory_budget(memory_budget)
    rows, cols = ctx.arr_shape
    if rows * cols * plan.ELEMENT_BYTES > budget:  # the output alone does not fit
        return True
    if memory_budget is None and rows * cols <= SMALL_OUTPUT_PIXELS:
        return False  # map tiles and other small requests skip the probe's planning
    try:
        values = bind_arguments(obj.params, dict(arguments or {}))
    except ParameterError:
        return False
    probe, _ = _plan_probe(obj, ctx, values, resolve=False)
    return rows * cols * probe.bytes_per_pixel > budget


# ---- running the tiles ----------------------------------------------------------------------------------------
def _plain_arguments(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments as data to send to workers (a proxy argument is computed here first)."""
    from gpucompute.execution.compute import compute
    from gpucompute.types.core import Proxytype

    return {k: compute(v) if isinstance(v, Proxytype) else v for k, v in arguments.items()}


def _run(obj: Any, values: Mapping[str, Any], arguments: Mapping[str, Any], tiles: list[plan.Window],
         cluster: Any, cancelled: threading.Event | None) -> Iterator[tuple[int, dict[str, Any]]]:
    if cluster is None:
        for window in tiles:
            if cancelled is not None and cancelled.is_set():
                return
            yield window.index, _tile_dict(_evaluate(obj, values, window.geoctx))
        return
    from gpucompute.execution.distributed import map_tiles
    from gpucompute.execution.saved import dumps_proxy

    document, plain = dumps_proxy(obj), _plain_arguments(arguments)
    items = [(document, window.geoctx.to_dict(), plain, None) for window in tiles]
    yield from map_tiles(cluster, compute_tile, items, cancelled=cancelled)


def _destination(file: Any, name: str, kind: str) -> tuple[bool, Any]:
    """``(stream to a COG?, path or None)``, checking the destination before any work."""
    from gpucompute.raster.cog_writer import check_destination

    if file is None:
        return False, None
    if name == "python":
        raise ConfigError("the 'python' format returns the value itself and cannot be written to a file; "
                          "choose 'geotiff', 'json', 'npy' or 'png'")
    if name == "geotiff" and kind == "collection":
        raise RasterArgumentError("an ImageCollection has one array per image and cannot be one GeoTIFF; "
                                  "write a reduction over images (or a mosaic), or use the 'npy'/'json' formats")
    path = None if hasattr(file, "write") else check_destination(file)
    return name == "geotiff", path


def compute_tiled(obj: Any, geoctx: Any, *, arguments: Mapping[str, Any] | None = None,
                  memory_budget: int | str | None = None, tile_size: int | None = None, file: Any = None,
                  format: Any = "python", cluster: Any = None, progress: Callable[[int, int], None] | None = None,
                  cancelled: threading.Event | None = None) -> Any:
    """Compute imagery tile by tile so that one tile's pixel work fits ``memory_budget``.

    Parameters
    ----------
    obj
        An ``Image``, ``ImageCollection``, ``dc.Mosaic`` or ``dc.ImageStack``
        proxy.  Any other proxy (or no ``geoctx``) is computed in one piece, in
        this process.
    geoctx
        The whole area (a ``GeoContext`` or its dict form).
    arguments : dict, optional
        Values of ``obj``'s parameters, by name.
    memory_budget : int or str, optional
        Bytes one tile may use (default ``$GPUCOMPUTE_MEMORY_BUDGET`` or 1 GiB).
    tile_size : int, optional
        Side of the square tiles in pixels (default: the largest that fits the
        budget, a multiple of 256 where possible).
    file : path or binary file, optional
        Where to write the result.  With ``format="geotiff"`` (or ``{"type":
        "geotiff", "compression": ..., "overviews": [...] | "auto", "nodata": ...,
        "blocksize": 512, "resampling": "nearest"}``) tiles are streamed into a
        Cloud-Optimized GeoTIFF; other formats are encoded from the assembled result.
    format : str or dict
        As for ``compute``.
    cluster : optional
        A Dask ``Client``, cluster, scheduler address or ``"local"``: one task per tile.
    progress : callable, optional
        Called as ``progress(done, total)`` after each tile.
    cancelled : threading.Event, optional
        Checked between tiles; once set the work stops and nothing is written.

    Returns
    -------
    Any
        What ``compute(obj, geoctx, format=format, file=file, **arguments)`` returns:
        an ``ImageResult`` / ``DotDict`` / ``ImageCollectionResult``, encoded bytes,
        or the path written.

    Raises
    ------
    DestinationError
        The destination cannot be written (checked before computing); no file is left.
    JobCancelled
        ``cancelled`` was set; no file is left.
    """
    from gpucompute.execution.compute import bind_arguments
    from gpucompute.execution.formats import parse_format
    from gpucompute.types.core import Proxytype

    if not isinstance(obj, Proxytype):
        raise ProxyTypeError(f"compute_tiled expects a proxy object, got {type(obj).__name__}")
    kind = _kind(obj)
    ctx = None if geoctx is None else _as_geoctx(geoctx)
    name, options = parse_format(format)
    arguments = dict(arguments or {})
    if kind is None or ctx is None:  # nothing to tile: compute in one piece, here
        values = bind_arguments(obj.params, arguments)
        if file is not None and not hasattr(file, "write"):
            _destination(file, name, "other")
        return _deliver(type(obj)._unmarshal(_evaluate(obj, values, ctx)), format, file)
    stream, path = _destination(file, name, kind)
    values = bind_arguments(obj.params, arguments)
    probe, probe_value = _plan_probe(obj, ctx, values, resolve=True)
    if probe_value.pixels is None:  # no imagery anywhere in the area: the empty result
        return _deliver(type(obj)._unmarshal(probe_value.replace(geocontext=ctx)), format, file)
    size = int(tile_size) if tile_size else plan.choose_tile_size(probe.bytes_per_pixel, plan.memory_budget(memory_budget))
    if size <= 0:
        raise ConfigError(f"tile_size must be a positive number of pixels, got {tile_size!r}")
    tiles = plan.windows(ctx, size)
    layout = Layout(kind, probe_value, ctx)
    with contextlib.ExitStack() as stack:
        if stream:
            target = path if path is not None else os.path.join(stack.enter_context(tempfile.TemporaryDirectory(
                prefix="gpucompute-cog-")), "result.tif")
            sink: Any = COGSink(layout, target, options)
        else:
            sink = MemorySink(layout)
        try:
            done = 0
            for index, tile in _run(obj, values, arguments, tiles, cluster, cancelled):
                sink.put(tiles[index], tile)
                done += 1
                if progress is not None:
                    progress(done, len(tiles))
                if cancelled is not None and cancelled.is_set() and done < len(tiles):
                    break
            if done < len(tiles):
                raise JobCancelled(f"the tiled computation was cancelled after {done} of {len(tiles)} tiles; "
                                   "nothing was written")
            result = sink.finish(obj)
        except BaseException:
            sink.abort()
            raise
        if not stream:
            return _deliver(result, format, file)
        if path is None:  # a file object: copy the finished COG into it
            with open(result, "rb") as f:
                shutil.copyfileobj(f, file, 1 << 20)
            return file
        return result


def _deliver(result: Any, format: Any, file: Any) -> Any:
    from gpucompute.execution.formats import write_result

    return write_result(result, format, file=file)  # the value itself for "python" without a file
