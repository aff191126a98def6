"""CRS and geometry helpers: normalise CRS spellings, coerce geometries, reproject.

Everything here is a thin layer over pyproj and shapely; the only logic of our
own is the error handling (every failure becomes a :class:`GeoContextError`
naming the offending value) and caching of the pyproj objects, which are
expensive to build and thread-safe to share (pyproj >= 3.1).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import pyproj
import shapely
import shapely.geometry
from pyproj.exceptions import CRSError
from shapely.errors import ShapelyError

from gpucompute.errors import GeoContextError

__all__ = [
    "WEB_MERCATOR",
    "WGS84",
    "as_geometry",
    "as_pyproj_crs",
    "reproject_geometry",
    "to_crs_string",
    "transform_bounds",
    "transformer",
    "utm_crs",
    "utm_zone",
]

#: Longitude/latitude on WGS84: the CRS of every ``GeoContext.geometry``.
WGS84 = "EPSG:4326"
#: Spherical Web Mercator: the CRS of XYZ map tiles.
WEB_MERCATOR = "EPSG:3857"


def _user_input(crs_like: Any) -> Any:
    """Turn objects pyproj does not take directly (rasterio CRS, bare codes) into its input."""
    if isinstance(crs_like, bool) or crs_like is None:
        raise GeoContextError(
            f"a CRS is required, got {crs_like!r}; pass an EPSG code such as 'EPSG:32610', "
            "a PROJ string or WKT"
        )
    if isinstance(crs_like, (pyproj.CRS, str, dict, int)):
        return crs_like
    if hasattr(crs_like, "to_wkt"):  # rasterio.crs.CRS, osr-like objects
        return crs_like.to_wkt()
    return crs_like


@functools.lru_cache(maxsize=256)
def _crs_from_string(text: str) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(text)
    except CRSError as exc:
        raise GeoContextError(
            f"unknown CRS {text!r} ({exc}); pass an EPSG code such as 'EPSG:32610', a PROJ string or WKT"
        ) from None


def as_pyproj_crs(crs_like: Any) -> pyproj.CRS:
    """Return ``crs_like`` as a :class:`pyproj.CRS`.

    Parameters
    ----------
    crs_like : str, int, dict, pyproj.CRS or object with ``to_wkt()``
        Anything :meth:`pyproj.CRS.from_user_input` accepts, plus rasterio CRS objects.

    Raises
    ------
    GeoContextError
        If pyproj does not recognise the CRS.
    """
    value = _user_input(crs_like)
    if isinstance(value, pyproj.CRS):
        return value
    if isinstance(value, str):
        return _crs_from_string(value.strip())
    try:
        return pyproj.CRS.from_user_input(value)
    except (CRSError, TypeError) as exc:
        raise GeoContextError(
            f"unknown CRS {crs_like!r} ({exc}); pass an EPSG code such as 'EPSG:32610', a PROJ string or WKT"
        ) from None


@functools.lru_cache(maxsize=256)
def _normalised(text: str) -> str:
    crs = _crs_from_string(text)
    authority = crs.to_authority()
    if authority is not None:
        return f"{authority[0]}:{authority[1]}"
    return text


def to_crs_string(crs_like: Any) -> str:
    """Normalise a CRS to a string: ``"AUTHORITY:CODE"`` when it has one.

    Parameters
    ----------
    crs_like : str, int, dict, pyproj.CRS or object with ``to_wkt()``
        ``"EPSG:32610"``, ``32610``, ``"+proj=utm +zone=10 +datum=WGS84"``, WKT ...

    Returns
    -------
    str
        ``"EPSG:32610"`` (or another authority such as ``"ESRI:54009"``) where
        pyproj can identify one; otherwise the PROJ/WKT text as given (WKT for
        non-string inputs).

    Raises
    ------
    GeoContextError
        If pyproj does not recognise the CRS.

    Examples
    --------
    >>> to_crs_string("+proj=utm +zone=36 +datum=WGS84 +units=m +no_defs")
    'EPSG:32636'
    >>> to_crs_string(4326)
    'EPSG:4326'
    """
    value = _user_input(crs_like)
    if isinstance(value, str):
        return _normalised(value.strip())
    if isinstance(value, int):
        return _normalised(f"EPSG:{value}")
    return _normalised(as_pyproj_crs(value).to_wkt())


@functools.lru_cache(maxsize=256)
def _transformer(src: str, dst: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(_crs_from_string(src), _crs_from_string(dst), always_xy=True)


def transformer(src_crs: Any, dst_crs: Any) -> pyproj.Transformer:
    """A cached, x/y-ordered :class:`pyproj.Transformer` from ``src_crs`` to ``dst_crs``."""
    return _transformer(to_crs_string(src_crs), to_crs_string(dst_crs))


def as_geometry(obj: Any) -> shapely.Geometry:
    """Coerce a GeoJSON mapping, a ``__geo_interface__`` object or a shapely geometry to shapely.

    A GeoJSON ``Feature`` contributes its ``geometry``.

    Raises
    ------
    GeoContextError
        If ``obj`` is none of those or is not valid GeoJSON.
    """
    if isinstance(obj, shapely.Geometry):
        return obj
    mapping = obj.__geo_interface__ if hasattr(obj, "__geo_interface__") else obj
    if isinstance(mapping, dict) and mapping.get("type") == "Feature":
        mapping = mapping.get("geometry")
    if not isinstance(mapping, dict):
        raise GeoContextError(
            f"geometry must be a GeoJSON mapping, an object with __geo_interface__ or a "
            f"shapely geometry, got {type(obj).__name__} {obj!r:.200}"
        )
    try:
        return shapely.geometry.shape(mapping)
    except (ShapelyError, ValueError, TypeError, LookupError, AttributeError) as exc:  # malformed GeoJSON
        raise GeoContextError(f"geometry {mapping!r:.200} is not valid GeoJSON ({exc})") from None


def reproject_geometry(geom: Any, src_crs: Any, dst_crs: Any) -> shapely.Geometry:
    """Reproject a geometry's vertices from ``src_crs`` to ``dst_crs`` (x/y order).

    Only the vertices move; densify long edges first (``shapely.segmentize``)
    where the curvature of the projected edge matters.

    Parameters
    ----------
    geom : shapely geometry, GeoJSON mapping or ``__geo_interface__`` object
    src_crs, dst_crs : CRS-like
        Anything :func:`to_crs_string` accepts.

    Returns
    -------
    shapely.Geometry
    """
    shape = as_geometry(geom)
    src, dst = to_crs_string(src_crs), to_crs_string(dst_crs)
    if src == dst:
        return shape
    xform = _transformer(src, dst)
    return shapely.transform(shape, lambda x, y: xform.transform(x, y), interleaved=False)


def transform_bounds(
    bounds: Sequence[float], src_crs: Any, dst_crs: Any, *, densify_pts: int = 21
) -> tuple[float, float, float, float]:
    """The envelope, in ``dst_crs``, of the rectangle ``bounds`` given in ``src_crs``.

    Each edge is densified with ``densify_pts`` points before projecting
    (:meth:`pyproj.Transformer.transform_bounds`), so curved edges are covered.

    Raises
    ------
    GeoContextError
        If the rectangle cannot be projected (e.g. a pole into Web Mercator).
    """
    src, dst = to_crs_string(src_crs), to_crs_string(dst_crs)
    left, bottom, right, top = (float(v) for v in bounds)
    if src == dst:
        return (left, bottom, right, top)
    try:
        out = _transformer(src, dst).transform_bounds(left, bottom, right, top, densify_pts=densify_pts)
    except pyproj.exceptions.ProjError as exc:
        raise GeoContextError(
            f"bounds {tuple(bounds)!r} in {src} cannot be projected into {dst} ({exc}); "
            "use bounds inside the area where the target CRS is defined"
        ) from None
    if not all(math.isfinite(v) for v in out):
        raise GeoContextError(
            f"bounds {tuple(bounds)!r} in {src} project to non-finite bounds {out!r} in {dst}; "
            "use bounds inside the area where the target CRS is defined"
        )
    return tuple(float(v) for v in out)  # type: ignore[return-value]


def utm_zone(lon: float) -> int:
    """The standard 6-degree UTM zone number (1..60) of a longitude in degrees."""
    lon = float(lon)
    if not math.isfinite(lon):
        raise GeoContextError(f"longitude must be a finite number of degrees, got {lon!r}")
    wrapped = (lon + 180.0) % 360.0
    return min(int(wrapped // 6.0) + 1, 60)


def utm_crs(zone: int) -> str:
    """``"EPSG:326zz"`` for north zone ``zz``, ``"EPSG:327zz"`` for a negative (south) zone."""
    if not isinstance(zone, int) or isinstance(zone, bool) or not 1 <= abs(zone) <= 60:
        raise GeoContextError(f"UTM zone must be an integer in 1..60 (negative for the south), got {zone!r}")
    return f"EPSG:{32600 + zone}" if zone > 0 else f"EPSG:{32700 - zone}"
