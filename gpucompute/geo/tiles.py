"""XYZ (slippy map) tile helpers on top of mercantile.

Tiles are the Web Mercator (EPSG:3857) squares of the OpenStreetMap scheme:
zoom ``z`` has ``2**z x 2**z`` tiles, ``x`` grows east, ``y`` grows south.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import mercantile

from gpucompute.errors import GeoContextError
from gpucompute.geo.crs import WGS84, transform_bounds

__all__ = [
    "TILESIZE",
    "check_tile",
    "tile_bounds",
    "tile_lnglat_bounds",
    "tile_resolution",
    "tiles_for_geocontext",
    "zoom_for_resolution",
]

#: Pixels per side of an XYZ tile.
TILESIZE = 256
_EARTH_CIRCUMFERENCE = 2 * math.pi * 6378137.0
_MAX_ZOOM = 30


def _check_index(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise GeoContextError(f"XYZ tile {name} must be an integer, got {value!r}")
    return int(value)


def check_tile(x: Any, y: Any, z: Any) -> tuple[int, int, int]:
    """Check an XYZ tile index: ``0 <= z <= 30`` and ``0 <= x, y < 2**z``.

    Raises
    ------
    GeoContextError
        Naming the bad index and the valid range.
    """
    x, y, z = _check_index("x", x), _check_index("y", y), _check_index("z", z)
    if not 0 <= z <= _MAX_ZOOM:
        raise GeoContextError(f"XYZ zoom z must be in 0..{_MAX_ZOOM}, got {z!r}")
    top = 2**z - 1
    if not 0 <= x <= top or not 0 <= y <= top:
        raise GeoContextError(f"XYZ tile ({x}, {y}) is outside zoom {z}; x and y must be in 0..{top}")
    return x, y, z


def tile_bounds(x: int, y: int, z: int) -> tuple[float, float, float, float]:
    """``(left, bottom, right, top)`` of a tile in EPSG:3857 metres."""
    x, y, z = check_tile(x, y, z)
    return tuple(mercantile.xy_bounds(x, y, z))  # type: ignore[return-value]


def tile_lnglat_bounds(x: int, y: int, z: int) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of a tile in degrees."""
    x, y, z = check_tile(x, y, z)
    return tuple(mercantile.bounds(x, y, z))  # type: ignore[return-value]


def tile_resolution(z: int, tilesize: int = TILESIZE) -> float:
    """Web Mercator metres per pixel of zoom ``z`` tiles (at the equator)."""
    return _EARTH_CIRCUMFERENCE / (tilesize * 2 ** int(z))


def zoom_for_resolution(resolution: float, tilesize: int = TILESIZE) -> int:
    """The smallest zoom whose pixels are at least as fine as ``resolution`` metres (capped at 30)."""
    if not (isinstance(resolution, numbers.Real) and resolution > 0 and math.isfinite(resolution)):
        raise GeoContextError(f"resolution must be a positive number of metres, got {resolution!r}")
    zoom = math.ceil(math.log2(_EARTH_CIRCUMFERENCE / (tilesize * float(resolution))) - 1e-9)
    return min(max(zoom, 0), _MAX_ZOOM)


def tiles_for_geocontext(ctx: Any, z: int) -> list[mercantile.Tile]:
    """The zoom-``z`` tiles that cover a GeoContext's grid.

    The grid's extent (``ctx.projected_bounds``) is taken to lon/lat with
    densified edges and handed to :func:`mercantile.tiles`, which clamps the
    latitudes to Web Mercator's range.

    Parameters
    ----------
    ctx : GeoContext
    z : int
        Zoom level, 0..30.

    Returns
    -------
    list of mercantile.Tile
        ``(x, y, z)`` named tuples.
    """
    _, _, z = check_tile(0, 0, z)
    west, south, east, north = transform_bounds(ctx.projected_bounds, ctx.crs, WGS84)
    south, north = max(south, -90.0), min(north, 90.0)
    return list(mercantile.tiles(west, south, east, north, zooms=z))
