"""Where the tiles of a tiled computation go: assembled in memory, or streamed into a COG.

:class:`Layout` describes the whole result (shape, dtype, properties, band
info and, for collections, the image order) from the probe plan and places
each tile's images by ``id``; :class:`MemorySink` fills a ``numpy.ma`` array;
:class:`COGSink` writes each tile into a
:class:`~gpucompute.raster.cog_writer.COGWriter`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gpucompute.errors import ComputeError
from gpucompute.execution import _tile_plan as plan

__all__ = ["COGSink", "Layout", "MemorySink"]


class Layout:
    """The whole result's shape, dtype, metadata and (collections) image order, from the probe."""

    def __init__(self, kind: str, probe_value: Any, geoctx: Any) -> None:
        pixels = np.ma.asarray(probe_value.pixels)
        self.kind, self.geoctx = kind, geoctx
        self.properties, self.bandinfo = probe_value.properties, probe_value.bandinfo
        self.dtype = pixels.dtype
        self.lead = tuple(pixels.shape[:-2])  # (bands,) or (images, bands)
        self.ids = [p.get("id") for p in self.properties] if kind == "collection" else None

    def slots(self, index: int, properties: Any) -> Any:
        """Where a tile's images go on the images axis (a collection), or None (an image)."""
        if self.kind != "collection":
            return None
        ids = [p.get("id") for p in properties]
        if None not in ids and None not in self.ids and len(set(self.ids)) == len(self.ids):
            missing = [i for i in ids if i not in self.ids]
            if missing:
                raise ComputeError(f"tile {index} has image(s) {missing[:3]} that the whole GeoContext does not; "
                                   "compute this collection without tiling")
            return [self.ids.index(i) for i in ids]
        if len(ids) == len(self.ids):
            return list(range(len(ids)))
        raise ComputeError(f"tile {index} has {len(ids)} image(s) and the whole GeoContext {len(self.ids)}, and "
                           "they cannot be matched by 'id'; compute this collection without tiling")

    def check(self, window: plan.Window, tile: Mapping[str, Any]) -> np.ma.MaskedArray | None:
        if tile["data"] is None:
            return None
        data = np.ma.MaskedArray(tile["data"], tile["mask"])
        expected = (window.height, window.width)
        bands = self.lead[-1]
        if data.shape[-2:] != expected or data.shape[-3] != bands or data.ndim != len(self.lead) + 2:
            raise ComputeError(f"tile {window.index} came back shaped {data.shape}, expected "
                               f"(..., {bands}, {window.height}, {window.width}); this object cannot be tiled")
        return data

    def result(self, obj: Any, pixels: Any) -> Any:
        from gpucompute.execution.imagery import CollectionValue, ImageValue

        cls = ImageValue if self.kind == "image" else CollectionValue
        return type(obj)._unmarshal(cls(pixels, self.properties, self.bandinfo, self.geoctx))


class MemorySink:
    """Assembles tiles into one ``numpy.ma`` array (masked until a tile fills it)."""

    def __init__(self, layout: Layout) -> None:
        rows, cols = layout.geoctx.arr_shape
        shape = layout.lead + (rows, cols)
        self.layout = layout
        self.array = np.ma.MaskedArray(np.zeros(shape, layout.dtype), np.ones(shape, bool))

    def put(self, window: plan.Window, tile: Mapping[str, Any]) -> None:
        data = self.layout.check(window, tile)
        if data is None:
            return
        where = (slice(window.row, window.row + window.height), slice(window.col, window.col + window.width))
        slots = self.layout.slots(window.index, tile["properties"])
        if slots is None:
            self.array[(Ellipsis,) + where] = data
            return
        for k, slot in enumerate(slots):
            self.array[(slot, Ellipsis) + where] = data[k]

    def finish(self, obj: Any) -> Any:
        return self.layout.result(obj, self.array)

    def abort(self) -> None:
        self.array = None


class COGSink:
    """Streams tiles into a COG at ``path`` (images only)."""

    def __init__(self, layout: Layout, path: str, options: Mapping[str, Any]) -> None:
        from gpucompute.raster.cog_writer import COGWriter

        opts = dict(options)
        for ignored in ("tiled", "cog", "crs", "transform"):  # always a tiled COG on the GeoContext's grid
            opts.pop(ignored, None)
        if "compress" in opts:
            opts.setdefault("compression", opts.pop("compress"))
        if "overview_resampling" in opts:
            opts.setdefault("resampling", opts.pop("overview_resampling"))
        overviews = opts.pop("overviews", "auto")
        rows, cols = layout.geoctx.arr_shape
        self.layout = layout
        self.writer = COGWriter(path, width=cols, height=rows, count=layout.lead[0], dtype=layout.dtype,
                                crs=layout.geoctx.crs, transform=layout.geoctx.transform,
                                overviews="auto" if overviews is None else overviews, **opts)

    def put(self, window: plan.Window, tile: Mapping[str, Any]) -> None:
        data = self.layout.check(window, tile)
        if data is None:  # an empty tile: masked pixels
            data = np.ma.masked_all(self.layout.lead + (window.height, window.width), self.layout.dtype)
        self.writer.write(data, window.row, window.col)

    def finish(self, obj: Any) -> str:
        return self.writer.commit()

    def abort(self) -> None:
        self.writer.abort()
