"""Compound value kinds: lists, JSON, ranges, geotransforms, resolutions, geometries and files.

See :mod:`gpucompute.catalog._kinds` for what a kind does.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from numbers import Real
from typing import Any

import numpy as np
import shapely
import shapely.geometry

from gpucompute.catalog._kinds import Kind, Str, _plain
from gpucompute.catalog._values import File, Resolution
from gpucompute.errors import CatalogValueError

__all__ = ["StrList", "Json", "Pair", "FloatTuple", "ResolutionKind", "Geometry", "Files", "to_geometry"]


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


class StrList(Kind):
    """A list of strings (tags, readers, class labels). ``==`` in filters means *contains*."""

    is_list = True
    sortable = False
    expected = "a list of strings"

    def coerce(self, value: Any, where: str) -> list[str]:
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
            raise self._fail(value, where)
        items = [_plain(v) for v in value]
        if not all(isinstance(v, str) for v in items):
            raise self._fail(value, where)
        return items

    def to_db(self, value: list[str]) -> str:
        return json.dumps(list(value))

    def from_db(self, raw: Any) -> list[str] | None:
        return None if raw is None else json.loads(raw)

    def to_json(self, value: list[str]) -> list[str]:
        return list(value)

    def filter_value(self, value: Any, where: str) -> str:
        return Str().coerce(value, where)


class Json(Kind):
    """JSON data: a dict with string keys (extra_properties ...) or, with ``array=True``, a list."""

    sortable = False

    def __init__(self, *, array: bool = False) -> None:
        self.array = array
        self.expected = (
            "a list of JSON-serialisable values" if array else "a dict with string keys and JSON-serialisable values"
        )

    def coerce(self, value: Any, where: str) -> dict | list:
        if self.array:
            ok = isinstance(value, (list, tuple))
        else:
            ok = isinstance(value, dict) and all(isinstance(k, str) for k in value)
        if not ok:
            raise self._fail(value, where)
        try:
            return json.loads(json.dumps(value, default=_json_default))
        except (TypeError, ValueError):
            raise self._fail(value, where) from None

    def to_db(self, value: dict | list) -> str:
        return _dumps(value)

    def from_db(self, raw: Any) -> dict | list | None:
        return None if raw is None else json.loads(raw)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


class Pair(Kind):
    """A ``(min, max)`` pair of finite numbers with min <= max (data_range, display_range)."""

    sortable = False
    filterable = False
    expected = "a (min, max) pair of finite numbers with min <= max"

    def coerce(self, value: Any, where: str) -> tuple:
        try:
            lo, hi = (_plain(v) for v in value)
        except (TypeError, ValueError):
            raise self._fail(value, where) from None
        for v in (lo, hi):
            if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
                raise self._fail(value, where)
        if lo > hi:
            raise self._fail(value, where)
        return (lo, hi)

    def to_db(self, value: tuple) -> str:
        return json.dumps(list(value))

    def from_db(self, raw: Any) -> tuple | None:
        return None if raw is None else tuple(json.loads(raw))

    def to_json(self, value: tuple) -> list:
        return list(value)


class FloatTuple(Kind):
    """A fixed-length tuple of finite floats (the GDAL geotransform)."""

    sortable = False
    filterable = False

    def __init__(self, n: int) -> None:
        self.n = n
        self.expected = f"a sequence of {n} finite numbers"

    def coerce(self, value: Any, where: str) -> tuple[float, ...]:
        try:
            items = [_plain(v) for v in value]
        except TypeError:
            raise self._fail(value, where) from None
        if len(items) != self.n or not all(
            isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v) for v in items
        ):
            raise self._fail(value, where)
        return tuple(float(v) for v in items)

    to_db = Pair.to_db
    from_db = Pair.from_db
    to_json = Pair.to_json


class ResolutionKind(Kind):
    sortable = False
    filterable = False

    def coerce(self, value: Any, where: str) -> Resolution:
        try:
            return Resolution.coerce(value)
        except CatalogValueError as exc:
            raise CatalogValueError(f"{where}: {exc}") from None

    def to_db(self, value: Resolution) -> str:
        return _dumps(value.to_dict())

    def from_db(self, raw: Any) -> Resolution | None:
        return None if raw is None else Resolution.coerce(json.loads(raw))

    def to_json(self, value: Resolution) -> dict:
        return value.to_dict()


def to_geometry(value: Any, where: str) -> shapely.Geometry:
    """A valid, non-empty shapely geometry in lon/lat from shapely, GeoJSON or ``__geo_interface__``."""
    geom = value
    if not isinstance(geom, shapely.Geometry):
        mapping = getattr(value, "__geo_interface__", value)
        if isinstance(mapping, dict) and mapping.get("type") == "Feature":
            mapping = mapping.get("geometry")
        try:
            geom = shapely.geometry.shape(mapping)
        except Exception:  # noqa: BLE001 - shapely raises many types for junk input
            raise CatalogValueError(
                f"{where} must be a shapely geometry or a GeoJSON geometry mapping, got {value!r}"
            ) from None
    if geom.is_empty:
        raise CatalogValueError(f"{where} must not be an empty geometry, got {geom.wkt!r}")
    minx, miny, maxx, maxy = geom.bounds
    if not all(math.isfinite(b) for b in (minx, miny, maxx, maxy)) or not (
        -180.0 - 1e-9 <= minx and maxx <= 180.0 + 1e-9 and -90.0 - 1e-9 <= miny and maxy <= 90.0 + 1e-9
    ):
        raise CatalogValueError(
            f"{where} must be in EPSG:4326 longitude/latitude (within -180..180, -90..90), "
            f"got bounds {geom.bounds!r}"
        )
    if not geom.is_valid:
        raise CatalogValueError(f"{where} is not a valid geometry ({shapely.is_valid_reason(geom)})")
    return geom


class Geometry(Kind):
    """A shapely geometry in EPSG:4326, stored as WKB and indexed in the R*Tree."""

    sql_type = "BLOB"
    sortable = False
    filterable = False

    def coerce(self, value: Any, where: str) -> shapely.Geometry:
        return to_geometry(value, where)

    def to_db(self, value: shapely.Geometry) -> bytes:
        return shapely.to_wkb(value)

    def from_db(self, raw: Any) -> shapely.Geometry | None:
        return None if raw is None else shapely.from_wkb(raw)

    def to_json(self, value: shapely.Geometry) -> dict:
        return shapely.geometry.mapping(value)


class Files(Kind):
    """A list of :class:`File` (strings and dicts are converted)."""

    sortable = False
    filterable = False
    expected = "a list of File objects"

    def coerce(self, value: Any, where: str) -> list[File]:
        if isinstance(value, (str, dict, File)) or not isinstance(value, (list, tuple)):
            raise self._fail(value, where)
        try:
            return [File.coerce(v) for v in value]
        except CatalogValueError as exc:
            raise CatalogValueError(f"{where}: {exc}") from None

    def to_db(self, value: list[File]) -> str:
        return _dumps([f.to_dict() for f in value])

    def from_db(self, raw: Any) -> list[File] | None:
        return None if raw is None else [File.coerce(d) for d in json.loads(raw)]

    def to_json(self, value: list[File]) -> list[dict]:
        return [f.to_dict() for f in value]
