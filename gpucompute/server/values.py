"""The pixel inspector: every layer's values at one point of the map.

A layer is computed on a GeoContext of one EPSG:3857 pixel: the pixel of the
zoom-``zoom`` XYZ tile grid that contains the point, so the value is the one
the map shows there.  (Named ``values`` rather than ``inspect`` so it does not
shadow the standard library module.)
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from gpucompute.errors import GeoContextError, GpuComputeError
from gpucompute.server.layers import Layer
from gpucompute.server.tiles import compute_layer

__all__ = ["MAX_LATITUDE", "inspect_layers", "pixel_geocontext", "point_values"]

#: Web Mercator's latitude limit, in degrees.
MAX_LATITUDE = 85.0511287798066
_MAX_ZOOM = 30


def _coordinate(value: Any, name: str, limit: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise GeoContextError(f"{name} must be a finite number of degrees, got {value!r}")
    if not -limit <= float(value) <= limit:
        raise GeoContextError(f"{name} must be within -{limit}..{limit} degrees, got {value!r}")
    return float(value)


def check_zoom(zoom: Any) -> int:
    """A map zoom as an int in ``0..30`` (a fractional zoom is rounded down)."""
    if isinstance(zoom, bool) or not isinstance(zoom, numbers.Real) or not math.isfinite(float(zoom)):
        raise GeoContextError(f"zoom must be a number in 0..{_MAX_ZOOM}, got {zoom!r}")
    if not 0 <= float(zoom) <= _MAX_ZOOM:
        raise GeoContextError(f"zoom must be in 0..{_MAX_ZOOM}, got {zoom!r}")
    return math.floor(float(zoom))


def pixel_geocontext(lon: float, lat: float, zoom: Any) -> Any:
    """The 1x1 EPSG:3857 GeoContext of the zoom-``zoom`` tile pixel that contains ``(lon, lat)``.

    Raises
    ------
    GeoContextError
        For a longitude outside -180..180, a latitude outside Web Mercator's
        range or a zoom outside 0..30.
    """
    import mercantile

    from gpucompute.geo import GeoContext
    from gpucompute.geo.tiles import TILESIZE, tile_resolution

    lon, lat = _coordinate(lon, "lon", 180.0), _coordinate(lat, "lat", MAX_LATITUDE)
    zoom = check_zoom(zoom)
    tile = mercantile.tile(lon, lat, zoom)
    left, _, _, top = mercantile.xy_bounds(tile)
    x, y = mercantile.xy(lon, lat)
    res = tile_resolution(zoom)
    col = min(max(math.floor((x - left) / res), 0), TILESIZE - 1)
    row = min(max(math.floor((top - y) / res), 0), TILESIZE - 1)
    bounds = (left + col * res, top - (row + 1) * res, left + (col + 1) * res, top - row * res)
    return GeoContext.from_bounds(bounds, "EPSG:3857", shape=(1, 1))


def point_values(layer: Layer, geoctx: Any) -> dict[str, Any]:
    """``{"id", "name", "values", "bands"}`` of one layer on a small GeoContext (each band's mean; null if masked).

    A layer that fails to compute gets ``"values": None`` and an ``"error"`` message instead.
    """
    entry: dict[str, Any] = {"id": layer.id, "name": layer.name}
    try:
        array, bandinfo = compute_layer(layer, geoctx)
    except GpuComputeError as exc:
        return {**entry, "values": None, "bands": [], "error": str(exc)}
    if array is None:
        return {**entry, "values": [], "bands": []}
    array = np.ma.asarray(array)
    if array.ndim == 2:
        array = array[None]
    bands = list(bandinfo) or [f"band_{i + 1}" for i in range(array.shape[0])]
    values = []
    for band in array:
        valid = band.compressed()
        if valid.size == 0:
            values.append(None)
        elif valid.dtype == np.bool_:
            values.append(bool(valid.mean() >= 0.5) if valid.size > 1 else bool(valid[0]))
        else:
            values.append(float(valid.mean(dtype=np.float64)))
    return {**entry, "values": values, "bands": bands}


def inspect_layers(layers: list[Layer], lon: float, lat: float, zoom: Any) -> dict[str, Any]:
    """``{"layers": [...]}``: :func:`point_values` of every layer at ``(lon, lat)`` for map zoom ``zoom``."""
    geoctx = pixel_geocontext(lon, lat, zoom)
    return {"layers": [point_values(layer, geoctx) for layer in layers]}
