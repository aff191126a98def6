"""Check and normalise the raw values a GeoContext is built from.

Each function takes what a user may pass (lists from JSON, NumPy scalars,
GeoJSON) and returns a plain, hashable Python value, or raises
:class:`GeoContextError` naming the value and what to pass instead.
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any

import numpy as np
import shapely

from gpucompute.errors import GeoContextError
from gpucompute.geo.crs import as_geometry

__all__ = ["check_bounds", "check_flag", "check_geometry", "check_resolution", "check_shape"]

_AREA_TYPES = ("Polygon", "MultiPolygon")
_LONLAT_TOL = 1e-9


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_flag(name: str, value: Any) -> bool:
    """A strict boolean (``True``/``False`` or a NumPy bool)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise GeoContextError(f"{name} must be True or False, got {value!r}")


def check_resolution(value: Any) -> float | None:
    """``None`` or a finite positive float."""
    if value is None:
        return None
    if not _is_real(value) or not math.isfinite(float(value)) or float(value) <= 0:
        raise GeoContextError(f"resolution must be a positive number of CRS units per pixel, got {value!r}")
    return float(value)


def check_shape(value: Any) -> tuple[int, int] | None:
    """``None`` or a ``(rows, cols)`` pair of positive integers."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise GeoContextError(f"shape must be a (rows, cols) pair of positive integers, got {value!r}")
    out = []
    for item in value:
        if isinstance(item, bool):
            raise GeoContextError(f"shape must be a (rows, cols) pair of positive integers, got {value!r}")
        try:
            count = operator.index(item)
        except TypeError:
            raise GeoContextError(
                f"shape must be a (rows, cols) pair of positive integers, got {value!r}; "
                f"{item!r} is not an integer"
            ) from None
        if count <= 0:
            raise GeoContextError(f"shape must be a (rows, cols) pair of positive integers, got {value!r}")
        out.append(int(count))
    return (out[0], out[1])


def check_bounds(value: Any, *, geographic: bool = False) -> tuple[float, float, float, float]:
    """A ``(left, bottom, right, top)`` tuple of finite floats enclosing a non-empty area.

    With ``geographic=True`` the latitudes must also lie within [-90, 90].
    """
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 4:
        raise GeoContextError(f"bounds must be (min_x, min_y, max_x, max_y), got {value!r}")
    if not all(_is_real(v) and math.isfinite(float(v)) for v in value):
        raise GeoContextError(
            f"bounds must be four finite numbers (min_x, min_y, max_x, max_y), got {value!r}"
        )
    left, bottom, right, top = (float(v) for v in value)
    if not (left < right and bottom < top):
        raise GeoContextError(
            f"bounds {value!r} are inverted or empty; pass (min_x, min_y, max_x, max_y) with "
            "min_x < max_x and min_y < max_y"
        )
    if geographic and (bottom < -90 - _LONLAT_TOL or top > 90 + _LONLAT_TOL):
        raise GeoContextError(
            f"bounds {value!r} are in a geographic CRS but their latitudes leave [-90, 90]; "
            "pass (min_lon, min_lat, max_lon, max_lat) or set bounds_crs to the bounds' CRS"
        )
    return (left, bottom, right, top)


def check_geometry(value: Any) -> shapely.Geometry | None:
    """``None`` or a non-empty (Multi)Polygon with longitude/latitude coordinates."""
    if value is None:
        return None
    geom = as_geometry(value)
    if geom.geom_type not in _AREA_TYPES or geom.is_empty or not geom.area > 0:
        kind = "an empty geometry" if geom.is_empty else f"a {geom.geom_type} of area {geom.area!r}"
        raise GeoContextError(
            f"geometry must be a Polygon or MultiPolygon with a positive area, got {kind}; "
            "buffer points and lines into an area first"
        )
    minx, miny, maxx, maxy = geom.bounds
    if (
        minx < -180 - _LONLAT_TOL
        or maxx > 180 + _LONLAT_TOL
        or miny < -90 - _LONLAT_TOL
        or maxy > 90 + _LONLAT_TOL
    ):
        raise GeoContextError(
            f"geometry must be in EPSG:4326 longitude/latitude, but its bounds {geom.bounds!r} leave "
            "[-180, 180] x [-90, 90]; reproject it with gpucompute.geo.reproject_geometry"
        )
    return geom
