"""Builtins of the vector types (Geometry, Feature and their collections), GeoContext and Kernel.

Values: a Geometry is a GeoJSON dict, a Feature a GeoJSON Feature dict, the
two collections are plain lists of those; a GeoContext is a
:class:`gpucompute.geo.GeoContext`; a Kernel is ``{"dims": (r, c), "data": [...]}``.
Shapely does the geometry work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import shapely.geometry

from gpucompute.errors import ComputeError, NotFoundError
from gpucompute.execution.builtins_core import scalar, truth
from gpucompute.execution.results_vector import to_geojson
from gpucompute.graft.registry import BUILTINS

__all__ = ["as_shapely"]


def _plain(value: Any) -> Any:
    """Nested lists/tuples/0-d arrays as nested lists of Python scalars."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return scalar(value)


def as_shapely(value: Any) -> shapely.geometry.base.BaseGeometry:
    """A shapely geometry for a Geometry/Feature/collection value (or a shapely geometry)."""
    if isinstance(value, shapely.geometry.base.BaseGeometry):
        return value
    if isinstance(value, Mapping):
        if value.get("type") == "Feature":
            return as_shapely(value["geometry"])
        return shapely.geometry.shape(value)
    if isinstance(value, (list, tuple)):
        return shapely.geometry.GeometryCollection([as_shapely(v) for v in value])
    raise ComputeError(f"expected a geometry value, got {type(value).__name__} ({value!r:.80})")


@BUILTINS.register("wf.Geometry.create")
def geometry_create(type: str, coordinates: Any) -> dict[str, Any]:
    """A GeoJSON geometry dict, checked by building it with shapely."""
    geojson = {"type": scalar(type), "coordinates": _plain(coordinates)}
    try:
        shapely.geometry.shape(geojson)
    except Exception as exc:  # noqa: BLE001 -- shapely raises several kinds for malformed input
        raise ComputeError(f"wf.Geometry.create: not a valid geometry ({geojson!r:.120}): {exc}") from None
    return geojson


@BUILTINS.register("wf.GeometryCollection.create")
def geometry_collection_create(geometries: Any, type: str = "GeometryCollection") -> list[Any]:
    """The list of geometry values."""
    return [to_geojson(g) if isinstance(g, shapely.geometry.base.BaseGeometry) else g for g in geometries]


@BUILTINS.register("wf.Feature.create")
def feature_create(geometry: Any, properties: Any = None) -> dict[str, Any]:
    """A GeoJSON Feature dict."""
    if isinstance(geometry, shapely.geometry.base.BaseGeometry):
        geometry = to_geojson(geometry)
    return {"type": "Feature", "geometry": geometry, "properties": dict(properties or {})}


BUILTINS.add("wf.FeatureCollection.create", lambda features: list(features))


@BUILTINS.register("wf.FeatureCollection.from_vector")
def feature_collection_from_vector(id: str) -> list[Any]:
    """Vector tables are not stored locally yet."""
    raise NotFoundError(f"vector table {id!r} not found: the local engine has no vector store yet; "
                        "build a FeatureCollection from GeoJSON with wf.FeatureCollection.from_geojson")


@BUILTINS.register("wf.buffer")
def buffer(value: Any, distance: Any) -> Any:
    """Shapely's ``buffer``: a Feature keeps its properties; a collection gives one Geometry."""
    dist = float(scalar(distance))
    if isinstance(value, Mapping) and value.get("type") == "Feature":
        return {**value, "geometry": buffer(value["geometry"], dist)}
    return to_geojson(as_shapely(value).buffer(dist))


@BUILTINS.register("wf.Kernel.load")
def kernel_load(dims: Any, data: Any) -> dict[str, Any]:
    """``{"dims": (rows, cols), "data": [floats]}``, checked for a matching length."""
    rows, cols = (int(scalar(d)) for d in dims)
    values = [float(scalar(v)) for v in data]
    if rows <= 0 or cols <= 0 or len(values) != rows * cols:
        raise ComputeError(f"wf.Kernel.load: dims ({rows}, {cols}) do not fit {len(values)} data values")
    return {"dims": (rows, cols), "data": values}


# -- GeoContext ---------------------------------------------------------------------------------
def _geo():
    from gpucompute import geo

    return geo


@BUILTINS.register("wf.GeoContext.create")
def geocontext_create(**fields: Any) -> Any:
    """The engine's :class:`gpucompute.geo.GeoContext` from the proxy's fields."""
    args = {k: (_plain(v) if isinstance(v, (list, tuple)) else scalar(v)) for k, v in fields.items() if k != "geometry"}
    for flag in ("align_pixels", "all_touched"):
        if flag in args:
            args[flag] = truth(args[flag])
    return _geo().GeoContext(geometry=fields.get("geometry"), **args)


@BUILTINS.register("wf.GeoContext.from_dltile_key")
def geocontext_from_dltile_key(key: str, all_touched: Any = False) -> Any:
    """The DLTile's GeoContext."""
    return _geo().GeoContext.from_dltile_key(scalar(key), all_touched=truth(all_touched))


@BUILTINS.register("wf.GeoContext.from_xyz_tile")
def geocontext_from_xyz_tile(x: Any, y: Any, z: Any, all_touched: Any = False) -> Any:
    """The XYZ tile's GeoContext."""
    return _geo().GeoContext.from_xyz_tile(int(scalar(x)), int(scalar(y)), int(scalar(z)), all_touched=truth(all_touched))


BUILTINS.add("wf.GeoContext.index_to_coords", lambda ctx, row, col: ctx.index_to_coords(scalar(row), scalar(col)))
BUILTINS.add("wf.GeoContext.coords_to_index", lambda ctx, x, y: ctx.coords_to_index(scalar(x), scalar(y)))
