"""``Feature``, ``FeatureCollection`` and loading GeoJSON into them.

Inside the engine a ``Feature`` is a GeoJSON Feature dict and a
``FeatureCollection`` is a plain list of them (so ``wf.map``, ``wf.filter``...
apply unchanged).  :func:`load_geojson` picks the proxy type from the GeoJSON
``"type"``.  ``rasterize`` (which returns an Image) is not here yet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types.anytype import Any as AnyProxy
from gpucompute.types.containers import Dict, List, Struct
from gpucompute.types.core import _short, promote
from gpucompute.types.geometry import (
    GEOMETRY_TYPES,
    Geometry,
    GeometryCollection,
    GeometryMixin,
    VectorCollectionMixin,
    _geojson_type,
)
from gpucompute.types.primitives import Str

__all__ = ["Feature", "FeatureCollection", "load_geojson", "load_geojson_file"]


class Feature(GeometryMixin, Struct[{"geometry": Geometry, "properties": Dict[Str, AnyProxy]}]):
    """A proxy GeoJSON Feature: a geometry with a dict of properties (``wf.Feature.create``).

    Parameters
    ----------
    geometry : Geometry
        A proxy, a GeoJSON geometry mapping or a ``__geo_interface__`` object.
    properties : Dict[Str, Any], optional
        The feature's attributes (``{}`` when left out).

    Notes
    -----
    ``buffer`` buffers the geometry and keeps the properties.
    """

    __slots__ = ()
    _constructor = "wf.Feature.create"
    _geojson_kinds = ("Feature",)

    def __init__(self, geometry: Any, properties: Any = None) -> None:
        geom = promote(geometry, Geometry, "Feature argument 'geometry'")
        Struct.__init__(self, geometry=geom, properties={} if properties is None else properties)

    @classmethod
    def from_geojson(cls, geojson: Mapping[str, Any]) -> Feature:
        """A ``Feature`` from a GeoJSON Feature mapping."""
        if _geojson_type(geojson, "Feature.from_geojson") != "Feature" or "geometry" not in geojson:
            raise ProxyTypeError(f"Feature.from_geojson: expected type 'Feature' with a 'geometry', got {_short(geojson)}")
        return cls(geometry=geojson["geometry"], properties=geojson.get("properties") or {})

    def rasterize(self, value: Any = 1, default_value: Any = 1) -> Any:
        """An Image with one band ``"features"`` and this Feature's properties.

        ``value`` is a number, or the name of a property holding one
        (``default_value`` where the property is missing).
        """
        from gpucompute.types.imagery_convert import rasterize

        return rasterize(self, value, default_value)

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        from gpucompute.execution.results_vector import FeatureResult

        return FeatureResult.from_value(value)


class FeatureCollection(VectorCollectionMixin, Struct[{"features": List[Feature]}]):
    """A proxy collection of features (``wf.FeatureCollection.create``).

    Parameters
    ----------
    features : List[Feature]
        Proxies or GeoJSON Feature mappings.
    """

    __slots__ = ()
    _constructor = "wf.FeatureCollection.create"
    _geojson_kinds = ("FeatureCollection",)
    _items_type = Feature

    def __init__(self, features: Any) -> None:
        Struct.__init__(self, features=features)

    @classmethod
    def from_geojson(cls, geojson: Mapping[str, Any]) -> FeatureCollection:
        """A ``FeatureCollection`` from a GeoJSON FeatureCollection mapping."""
        kind = _geojson_type(geojson, "FeatureCollection.from_geojson")
        if kind != "FeatureCollection" or not isinstance(geojson.get("features"), (list, tuple)):
            raise ProxyTypeError(
                f"FeatureCollection.from_geojson: expected type 'FeatureCollection' with a list of 'features', "
                f"got {_short(geojson)}"
            )
        return cls(features=list(geojson["features"]))

    @classmethod
    def from_vector_id(cls, id: Any) -> FeatureCollection:
        """The features of a stored vector table (``wf.FeatureCollection.from_vector``).

        The local engine has no vector store yet: computing it raises ``NotFoundError``.
        """
        return cls._from_apply("wf.FeatureCollection.from_vector", promote(id, Str, "from_vector_id argument 'id'"))

    def rasterize(self, value: Any = 1, default_value: Any = 1, merge_algorithm: Any = "add") -> Any:
        """An Image with one band ``"features"``; where shapes overlap their values are summed
        (``merge_algorithm="add"``) or the last one wins (``"replace"``)."""
        from gpucompute.types.imagery_convert import rasterize

        return rasterize(self, value, default_value, merge_algorithm)

    def _attr(self, name: str) -> Any:
        # the engine's value is the list of features itself
        return List[Feature]._from_apply("wf.list.copy", self)

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        from gpucompute.execution.results_vector import FeatureCollectionResult

        return FeatureCollectionResult.from_value(value)


def load_geojson(geojson: Mapping[str, Any]) -> Any:
    """The proxy for a GeoJSON mapping, its type chosen from ``geojson["type"]``.

    Returns
    -------
    Geometry, GeometryCollection, Feature or FeatureCollection

    Raises
    ------
    ProxyTypeError
        For a mapping without a known GeoJSON ``type``, or malformed content.
    """
    kind = _geojson_type(geojson, "load_geojson")
    if kind == "Feature":
        return Feature.from_geojson(geojson)
    if kind == "FeatureCollection":
        return FeatureCollection.from_geojson(geojson)
    if kind == "GeometryCollection":
        return GeometryCollection.from_geojson(geojson)
    if kind in GEOMETRY_TYPES:
        return Geometry.from_geojson(geojson)
    raise ProxyTypeError(
        f"load_geojson: unknown GeoJSON type {kind!r}; expected Feature, FeatureCollection, GeometryCollection "
        f"or one of {list(GEOMETRY_TYPES)}"
    )


def load_geojson_file(path: str | os.PathLike[str]) -> Any:
    """:func:`load_geojson` on the JSON in the file at ``path``.

    Raises
    ------
    ProxyTypeError
        If the file does not hold valid GeoJSON.
    """
    with open(path, encoding="utf-8") as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise ProxyTypeError(f"load_geojson_file: {os.fspath(path)!r} is not valid JSON ({exc})") from None
    return load_geojson(data)
