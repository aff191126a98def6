"""Vector geometry proxies: ``Geometry``, ``GeometryCollection`` and ``GeometryMixin``.

Inside the engine a ``Geometry`` is a GeoJSON dict (``{"type", "coordinates"}``)
and a ``GeometryCollection`` is a plain list of them, so the language's
collection builtins (``wf.map``, ``wf.filter``, ``wf.length``...) work on it
unchanged.  Shapely does the geometry work (``wf.buffer``); literal input is
checked with shapely when the graph is built, so a bad polygon fails at the
line that wrote it.  ``rasterize`` burns the shape into an Image on the GeoContext.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types.anytype import Any as AnyProxy
from gpucompute.types.collection import CollectionMixin
from gpucompute.types.containers import List, Struct
from gpucompute.types.core import Proxytype, _short, own_or_cast, promote, type_name
from gpucompute.types.primitives import Float, Str

__all__ = ["GEOMETRY_TYPES", "Geometry", "GeometryCollection", "GeometryMixin", "VectorCollectionMixin", "is_literal"]

#: The GeoJSON geometry types a ``Geometry`` may have (collections are ``GeometryCollection``).
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


def is_literal(value: Any) -> bool:
    """True when ``value`` holds no proxy anywhere, so it can be checked before computing."""
    if isinstance(value, Proxytype):
        return False
    if isinstance(value, Mapping):
        return all(is_literal(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(is_literal(v) for v in value)
    return True


def check_geojson_geometry(geojson: Any, where: str) -> None:
    """Raise :class:`ProxyTypeError` unless shapely can build ``geojson`` (a literal mapping)."""
    import shapely.geometry

    try:
        geom = shapely.geometry.shape(geojson)
    except Exception as exc:  # noqa: BLE001 -- shapely raises several kinds for malformed input
        raise ProxyTypeError(f"{where}: not a valid GeoJSON geometry ({_short(geojson)}): {exc}") from None
    if geom.is_empty and geojson.get("coordinates"):
        raise ProxyTypeError(f"{where}: the coordinates make an empty geometry ({_short(geojson)})")


def _geo_interface(obj: Any, where: str) -> Mapping[str, Any]:
    data = getattr(obj, "__geo_interface__", None)
    if not isinstance(data, Mapping):
        raise ProxyTypeError(f"{where}: expected an object with a __geo_interface__ mapping, got {_short(obj)}")
    return data


def _geojson_type(geojson: Any, where: str) -> str:
    if not isinstance(geojson, Mapping) or not isinstance(geojson.get("type"), str):
        raise ProxyTypeError(f"{where}: expected a GeoJSON mapping with a 'type' string, got {_short(geojson)}")
    return geojson["type"]


class GeoJSONPromotion:
    """Promotion shared by the vector types: their own proxies, ``Any``, and GeoJSON of their kinds.

    A GeoJSON mapping (or an object with ``__geo_interface__``, such as a
    shapely geometry) whose ``"type"`` is one of ``_geojson_kinds`` becomes a
    proxy through ``cls.from_geojson``.
    """

    __slots__ = ()
    _geojson_kinds: tuple[str, ...] = ()

    @classmethod
    def _promote(cls, value: Any) -> Any:
        promoted = own_or_cast(cls, value)
        if promoted is not None:
            return promoted
        data = value if isinstance(value, Mapping) else getattr(value, "__geo_interface__", None)
        if isinstance(data, Mapping) and data.get("type") in cls._geojson_kinds:
            return cls.from_geojson(data)
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")


class GeometryMixin(GeoJSONPromotion):
    """``buffer`` and ``rasterize`` for every single vector type."""

    __slots__ = ()
    #: The proxy type that ``buffer`` returns (``None``: the object's own type).
    _buffer_result: type | None = None

    def buffer(self, distance: Any) -> Any:
        """Grow (or, for a negative ``distance``, shrink) the shape by ``distance`` (``wf.buffer``).

        Parameters
        ----------
        distance : Float or Int
            In the units of the coordinates (degrees for lon/lat).
        """
        dist = promote(distance, Float, f"{type_name(self)}.buffer() argument 'distance'")
        result = type(self)._buffer_result or type(self)
        return result._from_apply("wf.buffer", self, dist)

    def rasterize(self, value: Any = 1) -> Any:
        """An Image with one band ``"features"``: ``value`` inside the shape, masked outside (``wf.rasterize``)."""
        from gpucompute.types.imagery_convert import rasterize

        return rasterize(self, value)


class VectorCollectionMixin(GeoJSONPromotion):
    """The collection methods of ``List`` (map, filter, reduce, sorted, length, contains) over ``_items_type``."""

    __slots__ = ()
    _items_type: type = None  # type: ignore[assignment]

    @property
    def _element_type(self) -> type:
        return type(self)._items_type

    _mapped_type = CollectionMixin._mapped_type
    map = CollectionMixin.map
    filter = CollectionMixin.filter
    reduce = CollectionMixin.reduce
    sorted = CollectionMixin.sorted
    length = CollectionMixin.length
    contains = CollectionMixin.contains


class Geometry(GeometryMixin, Struct[{"type": Str, "coordinates": List[AnyProxy]}]):
    """A proxy GeoJSON geometry (``wf.Geometry.create``).

    Parameters
    ----------
    type : Str
        One of ``GEOMETRY_TYPES``.
    coordinates : list
        Nested lists of positions, as GeoJSON nests them for ``type``.

    Raises
    ------
    ProxyTypeError
        For an unknown type or coordinates that do not make that geometry.

    Examples
    --------
    >>> import gpucompute as wf
    >>> wf.Geometry(type="Point", coordinates=[1.0, 2.0]).buffer(1.0)  # doctest: +ELLIPSIS
    <Geometry proxy ...>
    """

    __slots__ = ()
    _constructor = "wf.Geometry.create"
    _geojson_kinds = GEOMETRY_TYPES

    def __init__(self, type: Any, coordinates: Any) -> None:
        where = "Geometry"
        if isinstance(type, str) and type not in GEOMETRY_TYPES:
            raise ProxyTypeError(
                f"{where}: unknown geometry type {type!r}; use one of {list(GEOMETRY_TYPES)} "
                "(or wf.GeometryCollection for collections)"
            )
        if isinstance(type, str) and is_literal(coordinates):
            if not isinstance(coordinates, (list, tuple)):
                raise ProxyTypeError(f"{where}: coordinates must be a (nested) list, got {_short(coordinates)}")
            check_geojson_geometry({"type": type, "coordinates": coordinates}, where)
        Struct.__init__(self, type=type, coordinates=coordinates)

    @classmethod
    def from_geojson(cls, geojson: Mapping[str, Any]) -> Any:
        """A ``Geometry`` (or ``GeometryCollection``) from a GeoJSON geometry mapping."""
        kind = _geojson_type(geojson, "Geometry.from_geojson")
        if kind == "GeometryCollection":
            return GeometryCollection.from_geojson(geojson)
        if "coordinates" not in geojson:
            raise ProxyTypeError(f"Geometry.from_geojson: the mapping has no 'coordinates' ({_short(geojson)})")
        return Geometry(type=kind, coordinates=geojson["coordinates"])

    @classmethod
    def from_geo_interface(cls, obj: Any) -> Any:
        """A ``Geometry`` from any object with ``__geo_interface__`` (shapely, GeoPandas rows...)."""
        return cls.from_geojson(_geo_interface(obj, "Geometry.from_geo_interface"))

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        from gpucompute.execution.results_vector import GeometryResult

        return GeometryResult.from_value(value)


class GeometryCollection(
    VectorCollectionMixin, GeometryMixin, Struct[{"type": Str, "geometries": List[Geometry]}]
):
    """A proxy collection of geometries (``wf.GeometryCollection.create``).

    Parameters
    ----------
    geometries : List[Geometry]
        Proxies, GeoJSON mappings or ``__geo_interface__`` objects.
    type : str, default "GeometryCollection"
        Must be ``"GeometryCollection"``.

    Notes
    -----
    ``buffer`` returns the buffered union as one ``Geometry``.
    """

    __slots__ = ()
    _constructor = "wf.GeometryCollection.create"
    _items_type = Geometry
    _buffer_result = Geometry
    _geojson_kinds = ("GeometryCollection",)

    def __init__(self, geometries: Any, type: Any = "GeometryCollection") -> None:
        if not (isinstance(type, str) and type == "GeometryCollection"):
            raise ProxyTypeError(f"GeometryCollection: type must be 'GeometryCollection', got {_short(type)}")
        Struct.__init__(self, type=type, geometries=geometries)

    @classmethod
    def from_geojson(cls, geojson: Mapping[str, Any]) -> GeometryCollection:
        """A ``GeometryCollection`` from a GeoJSON ``GeometryCollection`` mapping."""
        kind = _geojson_type(geojson, "GeometryCollection.from_geojson")
        if kind != "GeometryCollection" or not isinstance(geojson.get("geometries"), (list, tuple)):
            raise ProxyTypeError(
                f"GeometryCollection.from_geojson: expected type 'GeometryCollection' with a list of "
                f"'geometries', got {_short(geojson)}"
            )
        return cls(geometries=list(geojson["geometries"]))

    def _attr(self, name: str) -> Any:
        # the engine's value is the list of geometries itself
        if name == "geometries":
            return List[Geometry]._from_apply("wf.list.copy", self)
        return Str("GeometryCollection")

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        from gpucompute.execution.results_vector import GeometryCollectionResult

        return GeometryCollectionResult.from_value(value)
