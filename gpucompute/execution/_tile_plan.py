"""Planning a tiled computation: the memory budget, the probe plan and the tile grid.

A tiled computation first plans the object on a *probe*: a GeoContext over the
same area (the same catalog search, so the same images, properties and band
info) with only a few pixels.  The probe's lazy pixel program tells how many
images x bands are read and how many intermediate arrays are made, hence the
bytes one output pixel costs; the budget divided by that gives the side of
square output tiles.  Tiles are windows of the whole GeoContext's pixel grid,
so the tiles put side by side are exactly that grid.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gpucompute.errors import ConfigError

__all__ = ["DEFAULT_MEMORY_BUDGET", "Probe", "Window", "bytes_per_pixel", "choose_tile_size", "memory_budget",
           "probe_context", "tile_context", "windows"]

#: Bytes one tile's pixel work may hold when neither the call nor ``GPUCOMPUTE_MEMORY_BUDGET`` says.
DEFAULT_MEMORY_BUDGET = 1 << 30
#: Bytes per array element: a float32 value and its mask byte.
ELEMENT_BYTES = 4 + 1
#: Headroom for copies the estimate does not see (scaling, host->device, fused temporaries).
SAFETY = 2
#: Probe grids have at most this many pixels on a side.
PROBE_SIDE = 8

_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
          "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40}


def parse_bytes(value: Any, what: str = "memory_budget") -> int:
    """A positive byte count from an int or a string such as ``"512MiB"``, ``"2G"`` or ``"1000000"``."""
    if isinstance(value, bool):
        raise ConfigError(f"{what} must be a number of bytes, got {value!r}")
    if isinstance(value, (int, float)):
        number, unit = float(value), ""
    else:
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*", str(value))
        if match is None or match.group(2).lower() not in _UNITS:
            raise ConfigError(f"{what} must be a number of bytes such as 1073741824, '512MiB' or '2G', got {value!r}")
        number, unit = float(match.group(1)), match.group(2).lower()
    size = int(number * _UNITS[unit])
    if size <= 0:
        raise ConfigError(f"{what} must be a positive number of bytes, got {value!r}")
    return size


def memory_budget(value: int | str | None = None) -> int:
    """The budget in bytes: ``value``, else ``$GPUCOMPUTE_MEMORY_BUDGET``, else :data:`DEFAULT_MEMORY_BUDGET`."""
    if value is not None:
        return parse_bytes(value)
    env = os.environ.get("GPUCOMPUTE_MEMORY_BUDGET")
    if env:
        return parse_bytes(env, "GPUCOMPUTE_MEMORY_BUDGET")
    return DEFAULT_MEMORY_BUDGET


# ---- the probe ------------------------------------------------------------------------------------------
def probe_context(geoctx: Any) -> Any:
    """A GeoContext of at most :data:`PROBE_SIDE` pixels a side whose catalog search equals ``geoctx``'s.

    Searches use ``__geo_interface__`` (the geometry, or the lon/lat envelope of
    the grid), so the probe takes that as its geometry.
    """
    import shapely.geometry

    from gpucompute.geo import GeoContext

    rows, cols = geoctx.arr_shape
    factor = max(1, math.ceil(max(rows, cols) / PROBE_SIDE))
    return GeoContext(geometry=shapely.geometry.shape(geoctx.__geo_interface__), crs=geoctx.crs,
                      resolution=geoctx.resolution * factor, align_pixels=False, bounds=geoctx.projected_bounds,
                      bounds_crs=geoctx.crs, all_touched=geoctx.all_touched)


@dataclass
class Probe:
    """What the probe plan tells: the lazy value and the bytes one output pixel costs."""

    value: Any
    bytes_per_pixel: int


def _nodes(roots: list[Any]) -> Iterator[Any]:
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(node.inputs)


def bytes_per_pixel(value: Any) -> int:
    """Bytes per output pixel of the lazy pixel program inside ``value`` (an imagery value of the plan).

    Every read holds its images x bands (a composite read stacks all its images
    first) twice (raw and scaled); every other array of the program counts its
    leading dimensions (padded images included); each element costs
    :data:`ELEMENT_BYTES`, and the sum is multiplied by :data:`SAFETY`.
    """
    from gpucompute.execution.pixels import Pixels, bucket

    pixels = getattr(value, "pixels", None)
    if not isinstance(pixels, Pixels):
        return ELEMENT_BYTES * SAFETY
    units = 0
    for node in _nodes([pixels]):
        if node.op == "read":
            units += 2 * len(node.payload.images) * len(node.payload.bands)
        elif len(node.shape) >= 2:
            lead = list(node.shape[:-2])
            if node.length is not None and lead:
                lead[0] = bucket(node.length)
            units += math.prod(lead) if lead else 1
    return max(units, 1) * ELEMENT_BYTES * SAFETY


# ---- the tile grid ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """A tile: its index, top-left pixel and size in the whole grid, and its GeoContext."""

    index: int
    row: int
    col: int
    height: int
    width: int
    geoctx: Any


def choose_tile_size(bytes_per_px: int, budget: int) -> int:
    """The side of square tiles that fit ``budget``: a multiple of 256 if that fits, else of 16 (at least 16)."""
    side = math.isqrt(max(budget // max(bytes_per_px, 1), 1))
    if side >= 256:
        return side // 256 * 256
    return max(16, side // 16 * 16)


def tile_context(geoctx: Any, row: int, col: int, height: int, width: int) -> Any:
    """The GeoContext of the ``height`` x ``width`` window at ``(row, col)`` of ``geoctx``'s grid.

    Same CRS, resolution and pixel edges; the parent's geometry (if any) is
    kept so its cutline masks the tile exactly as it masks the whole.
    """
    from gpucompute.geo import GeoContext

    transform = geoctx.transform
    left, top = transform @ (col, row)
    right, bottom = transform @ (col + width, row + height)
    return GeoContext(geometry=geoctx.geometry, resolution=geoctx.resolution, crs=geoctx.crs, align_pixels=False,
                      bounds=(left, bottom, right, top), bounds_crs=geoctx.crs, shape=(height, width),
                      all_touched=geoctx.all_touched)


def windows(geoctx: Any, tile_size: int) -> list[Window]:
    """The tiles of ``geoctx``'s grid, row by row; edge tiles are cut to the grid."""
    rows, cols = geoctx.arr_shape
    out = []
    for row in range(0, rows, tile_size):
        for col in range(0, cols, tile_size):
            h, w = min(tile_size, rows - row), min(tile_size, cols - col)
            out.append(Window(len(out), row, col, h, w, tile_context(geoctx, row, col, h, w)))
    return out

