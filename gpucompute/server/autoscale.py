"""One stretch for the whole map view: the 2nd and 98th percentiles of each band.

The layer is computed ONCE over the view (an EPSG:3857 grid over the view's
lon/lat bounds, as many pixels as the view has, at most :data:`MAX_SIDE` on the
long side), never tile by tile, so every tile is drawn with the same scales.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from gpucompute.errors import GeoContextError
from gpucompute.server.layers import Layer
from gpucompute.server.tiles import compute_layer, default_scales
from gpucompute.server.values import MAX_LATITUDE

__all__ = ["MAX_SIDE", "PERCENTILES", "autoscale", "band_percentiles", "parse_bounds", "view_geocontext", "view_scales"]

#: The view is computed with at most this many pixels on its long side.
MAX_SIDE = 512
PERCENTILES = (2.0, 98.0)


def parse_bounds(bounds: Any) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` from ``"w,s,e,n"`` (or 4 numbers), latitudes clamped to Web Mercator's.

    Raises
    ------
    GeoContextError
        Not 4 finite numbers, west >= east or south >= north, outside the globe.
    """
    parts = bounds.split(",") if isinstance(bounds, str) else bounds
    try:
        w, s, e, n = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise GeoContextError(f"bounds must be 4 numbers 'west,south,east,north' in degrees, got {bounds!r}") from None
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise GeoContextError(f"bounds must be finite numbers, got {bounds!r}")
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise GeoContextError(f"bounds must have -180 <= west < east <= 180 and -90 <= south < north <= 90 "
                              f"(a view across the antimeridian is not supported), got {bounds!r}")
    return w, max(s, -MAX_LATITUDE), e, min(n, MAX_LATITUDE)


def _size(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) <= 0:
        raise GeoContextError(f"{name} must be a positive number of pixels, got {value!r}")
    return int(value)


def view_geocontext(bounds: Any, width: Any, height: Any, max_side: int = MAX_SIDE) -> Any:
    """The EPSG:3857 GeoContext of a map view: its bounds, ``height x width`` pixels scaled down to ``max_side``."""
    import mercantile

    from gpucompute.geo import GeoContext

    w, s, e, n = parse_bounds(bounds)
    width, height = _size(width, "width"), _size(height, "height")
    factor = min(1.0, max_side / max(width, height))
    shape = (max(1, round(height * factor)), max(1, round(width * factor)))
    left, bottom = mercantile.xy(w, s)
    right, top = mercantile.xy(e, n)
    return GeoContext.from_bounds((left, bottom, right, top), "EPSG:3857", shape=shape)


def band_percentiles(array: np.ma.MaskedArray, fallback: list[list[float]]) -> list[list[float]]:
    """Per band ``[p2, p98]`` of the unmasked finite values (``fallback[i]`` for a band with none).

    A band whose two percentiles are equal is widened to ``[p - 0.5, p + 0.5]``.
    """
    scales = []
    for i, band in enumerate(np.ma.asarray(array)):
        values = band.compressed()
        values = values[np.isfinite(values)] if values.dtype.kind == "f" else values.astype(np.float64)
        if values.size == 0:
            scales.append(list(fallback[i]))
            continue
        lo, hi = (float(v) for v in np.percentile(values, PERCENTILES))
        scales.append([lo, hi] if hi > lo else [lo - 0.5, hi + 0.5])
    return scales


def view_scales(layer: Layer, geoctx: Any) -> list[list[float]]:
    """Per band ``[p2, p98]`` of ``layer`` computed once over ``geoctx`` (``[]`` when nothing is there)."""
    array, bandinfo = compute_layer(layer, geoctx)
    if array is None:
        return []
    array = np.ma.asarray(array)
    if array.ndim == 2:
        array = array[None]
    return band_percentiles(array, default_scales(bandinfo, array.shape[0], array.dtype))


def autoscale(layer: Layer, bounds: Any, width: Any, height: Any) -> dict[str, Any]:
    """``{"scales": [[p2, p98], ...]}`` of ``layer`` over a map view (see the module docstring)."""
    return {"scales": view_scales(layer, view_geocontext(bounds, width, height))}
