"""DLTiles: a global grid of square UTM tiles, addressed by string keys.

A key ``"tilesize:pad:resolution:zone:ti:tj"`` names tile ``(ti, tj)`` of the
grid of ``tilesize * resolution``-metre squares in UTM zone ``zone`` (WGS84;
a negative zone is the southern-hemisphere zone, EPSG:327zz). Tile indices
count from the projection's natural origin (central meridian, equator), so
the tile's lower-left corner is at easting ``500000 + ti * tilesize * res``
and northing ``tj * tilesize * res`` (plus 10 000 000 in the south). ``pad``
extra pixels on every side make neighbouring tiles overlap.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import shapely
import shapely.geometry

from gpucompute.errors import GeoContextError
from gpucompute.geo._values import check_resolution
from gpucompute.geo.crs import WGS84, as_geometry, reproject_geometry, transformer, utm_crs, utm_zone
from gpucompute.geo.geocontext import GeoContext

__all__ = ["DLTile", "format_key", "parse_key"]

_FALSE_EASTING = 500_000.0
_FALSE_NORTHING_SOUTH = 10_000_000.0
_DENSIFY_SEGMENTS = 8  # vertices per tile edge in the lon/lat geometry
_ZONE_SEGMENT_DEG = 0.01  # densify geometry edges before projecting for tile search


def _origin(zone: int) -> tuple[float, float]:
    return _FALSE_EASTING, (0.0 if zone > 0 else _FALSE_NORTHING_SOUTH)


def _check_int(name: str, value: Any, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise GeoContextError(f"DLTile {name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise GeoContextError(f"DLTile {name} must be >= {minimum}, got {value!r}")
    return int(value)


def format_key(tilesize: int, pad: int, resolution: float, zone: int, ti: int, tj: int) -> str:
    """Build the key string ``"tilesize:pad:resolution:zone:ti:tj"`` (resolution as a float)."""
    return f"{tilesize}:{pad}:{float(resolution)!r}:{zone}:{ti}:{tj}"


def parse_key(key: str) -> tuple[int, int, float, int, int, int]:
    """Split and check a DLTile key into ``(tilesize, pad, resolution, zone, ti, tj)``.

    Raises
    ------
    GeoContextError
        If the key does not have six ``:``-separated parts of the right kinds.
    """
    if not isinstance(key, str):
        raise GeoContextError(
            f"DLTile key must be a string 'tilesize:pad:resolution:zone:ti:tj', got {key!r}"
        )
    parts = key.split(":")
    hint = "expected 'tilesize:pad:resolution:zone:ti:tj', e.g. '512:0:10.0:36:-65:216'"
    if len(parts) != 6:
        raise GeoContextError(f"malformed DLTile key {key!r}: {hint}")
    try:
        tilesize, pad, zone, ti, tj = (int(parts[i]) for i in (0, 1, 3, 4, 5))
        resolution = float(parts[2])
    except ValueError:
        raise GeoContextError(f"malformed DLTile key {key!r}: {hint}") from None
    if tilesize <= 0 or pad < 0:
        raise GeoContextError(f"malformed DLTile key {key!r}: tilesize must be > 0 and pad >= 0")
    if not (math.isfinite(resolution) and resolution > 0):
        raise GeoContextError(f"malformed DLTile key {key!r}: resolution must be a positive number")
    if not 1 <= abs(zone) <= 60:
        raise GeoContextError(f"malformed DLTile key {key!r}: zone must be in 1..60 (negative for south)")
    return tilesize, pad, resolution, zone, ti, tj


def _tile_geometry(
    bounds: tuple[float, float, float, float], crs: str, step: float
) -> shapely.Geometry | None:
    """The tile's outline in lon/lat, edges densified; None where it wraps the globe."""
    outline = shapely.segmentize(shapely.box(*bounds), step)
    geom = reproject_geometry(outline, crs, WGS84)
    minx, _, maxx, _ = geom.bounds
    if not geom.is_valid or maxx - minx > 180 or not geom.area > 0:
        return None
    return geom


class DLTile(GeoContext):
    """A GeoContext for one DLTile; build it with :meth:`from_key` or :meth:`from_latlon`.

    Parameters
    ----------
    key : str
        ``"tilesize:pad:resolution:zone:ti:tj"``.
    all_touched : bool, default False

    Attributes
    ----------
    key : str
    tilesize, pad, zone, ti, tj : int

    Examples
    --------
    >>> tile = DLTile.from_latlon(10, 30, resolution=10, tilesize=512, pad=0)
    >>> tile.key
    '512:0:10.0:36:-65:216'
    >>> tile.projected_bounds
    (167200.0, 1105920.0, 172320.0, 1111040.0)
    """

    __slots__ = ("_key_parts",)

    def __init__(self, key: str, all_touched: bool = False) -> None:
        tilesize, pad, res, zone, ti, tj = parse_key(key)
        crs = utm_crs(zone)
        east0, north0 = _origin(zone)
        x0, y0 = east0 + ti * tilesize * res, north0 + tj * tilesize * res
        bounds = (x0 - pad * res, y0 - pad * res, x0 + (tilesize + pad) * res, y0 + (tilesize + pad) * res)
        super().__init__(
            geometry=_tile_geometry(bounds, crs, (tilesize + 2 * pad) * res / _DENSIFY_SEGMENTS),
            resolution=res,
            crs=crs,
            align_pixels=False,
            bounds=bounds,
            bounds_crs=crs,
            shape=(tilesize + 2 * pad, tilesize + 2 * pad),
            all_touched=all_touched,
        )
        object.__setattr__(self, "_key_parts", (tilesize, pad, res, zone, ti, tj))

    @property
    def key(self) -> str:
        """The tile's key string."""
        return format_key(*self._key_parts)

    tilesize = property(lambda self: self._key_parts[0], doc="Pixels per tile side, without padding.")
    pad = property(lambda self: self._key_parts[1], doc="Extra pixels on each side.")
    zone = property(lambda self: self._key_parts[3], doc="UTM zone; negative in the south.")
    ti = property(lambda self: self._key_parts[4], doc="Tile column index (east).")
    tj = property(lambda self: self._key_parts[5], doc="Tile row index (north).")

    def __reduce__(self) -> tuple:
        return (DLTile, (self.key, self.all_touched))

    def __repr__(self) -> str:
        return f"DLTile({self.key!r})"

    def to_dict(self) -> dict[str, Any]:
        """:meth:`GeoContext.to_dict` plus the tile's ``key``."""
        return {**super().to_dict(), "key": self.key}

    @classmethod
    def from_key(cls, key: str, all_touched: bool = False) -> DLTile:
        """The tile named by ``key``."""
        return cls(key, all_touched=all_touched)

    @classmethod
    def from_latlon(
        cls, lat: float, lon: float, resolution: float, tilesize: int, pad: int, all_touched: bool = False
    ) -> DLTile:
        """The tile containing a point, in the standard 6-degree UTM zone of its longitude.

        Parameters
        ----------
        lat, lon : float
            Degrees; latitudes >= 0 use the northern zone.
        resolution : float
            Metres per pixel.
        tilesize, pad : int
            Pixels per tile side, and extra pixels on each side.
        """
        res = check_resolution(resolution)
        if res is None:
            raise GeoContextError("DLTile resolution is required, got None")
        tilesize = _check_int("tilesize", tilesize, 1)
        pad = _check_int("pad", pad, 0)
        lat, lon = float(lat), float(lon)
        if not (math.isfinite(lat) and -90 <= lat <= 90):
            raise GeoContextError(f"latitude must be within [-90, 90] degrees, got {lat!r}")
        zone = utm_zone(lon) * (1 if lat >= 0 else -1)
        x, y = transformer(WGS84, utm_crs(zone)).transform(lon, lat)
        east0, north0 = _origin(zone)
        size = tilesize * res
        ti, tj = math.floor((x - east0) / size), math.floor((y - north0) / size)
        return cls(format_key(tilesize, pad, res, zone, ti, tj), all_touched=all_touched)

    @classmethod
    def iter_from_shape(
        cls, geometry: Any, resolution: float, tilesize: int, pad: int, keys_only: bool = False
    ) -> Iterator[DLTile | str]:
        """Yield the tiles (or with ``keys_only``, their keys) whose core intersects a geometry.

        The geometry (EPSG:4326) is split by UTM zone and hemisphere; each part
        is projected into its zone and the tiles of that zone it touches are
        yielded, zone by zone, south to north, west to east.
        """
        res = check_resolution(resolution)
        if res is None:
            raise GeoContextError("DLTile resolution is required, got None")
        tilesize, pad = _check_int("tilesize", tilesize, 1), _check_int("pad", pad, 0)
        geom = as_geometry(geometry)
        if geom.is_empty:
            raise GeoContextError("iter_from_shape needs a non-empty geometry")
        size = tilesize * res
        minx, miny, maxx, maxy = geom.bounds
        first, last = utm_zone(max(minx, -180.0)), utm_zone(min(maxx, 179.999999999))
        for hemi, lat0, lat1 in ((-1, -90.0, 0.0), (1, 0.0, 90.0)):
            if maxy < lat0 or miny > lat1:
                continue
            for number in range(first, last + 1):
                zone = hemi * number
                lon0 = -180.0 + 6.0 * (number - 1)
                part = geom.intersection(shapely.box(lon0, lat0, lon0 + 6.0, lat1))
                if part.is_empty:
                    continue
                dense = shapely.segmentize(part, _ZONE_SEGMENT_DEG) if part.area > 0 else part
                projected = reproject_geometry(dense, WGS84, utm_crs(zone))
                shapely.prepare(projected)
                east0, north0 = _origin(zone)
                px0, py0, px1, py1 = projected.bounds
                tis = np.arange(math.floor((px0 - east0) / size), math.floor((px1 - east0) / size) + 1)
                for tj in range(math.floor((py0 - north0) / size), math.floor((py1 - north0) / size) + 1):
                    x0 = east0 + tis * size
                    y0 = north0 + tj * size
                    hits = shapely.intersects(projected, shapely.box(x0, y0, x0 + size, y0 + size))
                    for ti in tis[hits]:
                        key = format_key(tilesize, pad, res, zone, int(ti), tj)
                        yield key if keys_only else cls(key)

    @classmethod
    def from_shape(
        cls, geometry: Any, resolution: float, tilesize: int, pad: int, keys_only: bool = False
    ) -> list:
        """All of :meth:`iter_from_shape` as a list."""
        return list(cls.iter_from_shape(geometry, resolution, tilesize, pad, keys_only=keys_only))
