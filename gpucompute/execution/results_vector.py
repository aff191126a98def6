"""What ``compute`` returns for the vector types: small GeoJSON-like result objects.

Each result has ``__geo_interface__`` (a GeoJSON mapping) and ``.shapely()``;
the engine's values (GeoJSON dicts, lists of them, or shapely geometries) are
turned into results by :func:`to_geojson` and the ``from_value`` constructors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import shapely.geometry

__all__ = [
    "FeatureCollectionResult",
    "FeatureResult",
    "GeometryCollectionResult",
    "GeometryResult",
    "to_geojson",
]


def to_geojson(value: Any) -> dict[str, Any]:
    """A plain, JSON-safe GeoJSON dict (lists, not tuples) for a shapely geometry or GeoJSON-like value."""
    if hasattr(value, "__geo_interface__") and not isinstance(value, Mapping):
        value = value.__geo_interface__
    return json.loads(json.dumps(value))


def _geometry(value: Any) -> dict[str, Any]:
    if isinstance(value, shapely.geometry.base.BaseGeometry):
        return to_geojson(shapely.geometry.mapping(value))
    return to_geojson(value)


class _Result:
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__geo_interface__ == self.__geo_interface__

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        text = json.dumps(self.__geo_interface__)
        return f"{type(self).__name__}({text if len(text) < 120 else text[:117] + '...'})"


class GeometryResult(_Result):
    """A computed ``Geometry``: ``type`` and ``coordinates`` as in GeoJSON."""

    __slots__ = ("coordinates", "type")

    def __init__(self, type: str, coordinates: Any) -> None:
        self.type = type
        self.coordinates = coordinates

    @classmethod
    def from_value(cls, value: Any) -> GeometryResult:
        """Build from the engine's value (a GeoJSON dict or a shapely geometry)."""
        data = _geometry(value)
        return cls(data["type"], data["coordinates"])

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {"type": self.type, "coordinates": self.coordinates}

    def shapely(self) -> shapely.geometry.base.BaseGeometry:
        """This geometry as a shapely object."""
        return shapely.geometry.shape(self.__geo_interface__)


class GeometryCollectionResult(_Result):
    """A computed ``GeometryCollection``: a list of :class:`GeometryResult`."""

    __slots__ = ("geometries",)

    def __init__(self, geometries: list[GeometryResult]) -> None:
        self.geometries = list(geometries)

    @classmethod
    def from_value(cls, value: Any) -> GeometryCollectionResult:
        """Build from a list of geometries or a GeoJSON GeometryCollection."""
        if isinstance(value, (Mapping, shapely.geometry.base.BaseGeometry)):
            value = _geometry(value)["geometries"]
        return cls([GeometryResult.from_value(g) for g in value])

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {"type": "GeometryCollection", "geometries": [g.__geo_interface__ for g in self.geometries]}

    def shapely(self) -> shapely.geometry.GeometryCollection:
        """This collection as a shapely GeometryCollection."""
        return shapely.geometry.GeometryCollection([g.shapely() for g in self.geometries])


class FeatureResult(_Result):
    """A computed ``Feature``: a :class:`GeometryResult` and a dict of properties."""

    __slots__ = ("geometry", "properties")

    def __init__(self, geometry: GeometryResult, properties: dict[str, Any]) -> None:
        self.geometry = geometry
        self.properties = dict(properties)

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> FeatureResult:
        """Build from a GeoJSON Feature dict."""
        return cls(GeometryResult.from_value(value["geometry"]), dict(value.get("properties") or {}))

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {"type": "Feature", "geometry": self.geometry.__geo_interface__, "properties": self.properties}

    def shapely(self) -> shapely.geometry.base.BaseGeometry:
        """The geometry as a shapely object (properties are dropped)."""
        return self.geometry.shapely()


class FeatureCollectionResult(_Result):
    """A computed ``FeatureCollection``: a list of :class:`FeatureResult`."""

    __slots__ = ("features",)

    def __init__(self, features: list[FeatureResult]) -> None:
        self.features = list(features)

    @classmethod
    def from_value(cls, value: Any) -> FeatureCollectionResult:
        """Build from a list of Feature dicts or a GeoJSON FeatureCollection."""
        if isinstance(value, Mapping):
            value = value["features"]
        return cls([FeatureResult.from_value(f) for f in value])

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": [f.__geo_interface__ for f in self.features]}

    def shapely(self) -> shapely.geometry.GeometryCollection:
        """The features' geometries as one shapely GeometryCollection."""
        return shapely.geometry.GeometryCollection([f.shapely() for f in self.features])
