"""Imagery made from other values: ``wf.to_imagery`` (arrays) and ``wf.rasterize`` (vector values).

``wf.to_imagery`` always gives a collection: a 3-D array ``(bands, y, x)`` is
one image, a 4-D array one image per first index.  ``wf.rasterize`` burns a
Geometry, GeometryCollection, Feature or FeatureCollection (GeoJSON in WGS84
longitude/latitude) into the GeoContext's grid with rasterio: one band named
``"features"``, the value inside the shapes and masked 0 outside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution.builtins_core import scalar
from gpucompute.execution.context import current_geoctx
from gpucompute.execution.imagery import CollectionValue, ImageValue, imagery_builtin

__all__: list[str] = []

#: The band ``wf.rasterize`` makes.
RASTER_BAND = "features"


@px.pixel_op("to_imagery")
def _to_imagery(arr: Any, add_axis: bool) -> Any:
    from gpucompute.array import MaskedArray, masked_array, reshape

    value = arr if isinstance(arr, MaskedArray) else masked_array(arr)
    value = value.astype("float32")
    return reshape(value, (1,) + tuple(value.shape)) if add_axis else value


def _properties(properties: Any, n: int) -> list[dict]:
    if properties is None:
        return [{} for _ in range(n)]
    if isinstance(properties, Mapping):
        return [dict(properties) for _ in range(n)]
    if isinstance(properties, Sequence) and not isinstance(properties, str):
        if len(properties) != n or not all(isinstance(p, Mapping) for p in properties):
            raise ComputeError(f"to_imagery: properties must be a list of {n} dict(s), one per image, got "
                               f"{properties!r:.120}")
        return [dict(p) for p in properties]
    raise ComputeError(f"to_imagery: properties must be a dict or a list of dicts, got {properties!r:.120}")


def _bandinfo(bandinfo: Any, nbands: int) -> dict:
    if bandinfo is None:
        return {f"band_{i + 1}": {} for i in range(nbands)}
    if not isinstance(bandinfo, Mapping) or len(bandinfo) != nbands:
        raise ComputeError(f"to_imagery: the array has {nbands} band(s) but bandinfo names "
                           f"{list(bandinfo) if isinstance(bandinfo, Mapping) else bandinfo!r}; give one entry per band")
    return {str(name): dict(info or {}) for name, info in bandinfo.items()}


@imagery_builtin("wf.to_imagery")
def to_imagery(arr: Any, properties: Any = None, bandinfo: Any = None) -> CollectionValue:
    """An ImageCollection of a 3-D (one image) or 4-D array, with the given (or empty) metadata."""
    shape = tuple(int(n) for n in np.shape(arr)) if not hasattr(arr, "shape") else tuple(int(n) for n in arr.shape)
    if len(shape) not in (3, 4):
        raise ComputeError(f"to_imagery needs a 3-D (bands, y, x) or 4-D (images, bands, y, x) array, got shape "
                           f"{shape}")
    full = shape if len(shape) == 4 else (1,) + shape
    n = full[0]
    props, info = _properties(properties, n), _bandinfo(bandinfo, full[1])
    geoctx = current_geoctx(required=False)
    if n == 0:
        return CollectionValue(None, [], {}, geoctx)
    pixels = px.apply("to_imagery", arr, add_axis=len(shape) == 3, shape=full, length=n)
    return CollectionValue(pixels, props, info, geoctx)


# -- rasterize ------------------------------------------------------------------------------------------
def _shapes(obj: Any, value: Any, default_value: Any) -> tuple[list[tuple[Any, float]], dict]:
    """``[(shapely geometry in WGS84, number)]`` and the properties of the resulting Image."""
    from gpucompute.execution.builtins_vector import as_shapely

    if isinstance(obj, Mapping) and obj.get("type") == "Feature":
        props = dict(obj.get("properties") or {})
        return [(as_shapely(obj), _number(value, props, default_value))], props
    if isinstance(obj, (list, tuple)):
        out = []
        for item in obj:
            props = (item.get("properties") or {}) if isinstance(item, Mapping) else {}
            out.append((as_shapely(item), _number(value, props, default_value)))
        return out, {}
    return [(as_shapely(obj), _number(value, {}, default_value))], {}


def _number(value: Any, props: Mapping[str, Any], default_value: Any) -> float:
    value = scalar(value)
    if isinstance(value, str):
        value = props.get(value, scalar(default_value) if default_value is not None else 1)
        value = scalar(value)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ComputeError(f"rasterize needs a number to burn, got {value!r}; a property named by value must hold "
                           "a number")
    return float(value)


def burn(shapes: list[tuple[Any, float]], geoctx: Any, merge_algorithm: str = "replace") -> np.ma.MaskedArray:
    """``(1, y, x)`` float32: ``shapes`` (WGS84) burnt into ``geoctx``'s grid, masked outside them."""
    from rasterio import features

    from gpucompute.geo import reproject_geometry

    rows, cols = (int(n) for n in geoctx.arr_shape)
    projected = [(reproject_geometry(geom, "EPSG:4326", geoctx.crs), v) for geom, v in shapes if not geom.is_empty]
    if not projected:
        return np.ma.MaskedArray(np.zeros((1, rows, cols), np.float32), mask=np.ones((1, rows, cols), bool))
    touched = bool(getattr(geoctx, "all_touched", False))
    alg = features.MergeAlg.add if merge_algorithm == "add" else features.MergeAlg.replace
    values = features.rasterize(projected, out_shape=(rows, cols), transform=geoctx.transform, fill=0,
                                all_touched=touched, merge_alg=alg, dtype="float32")
    covered = features.rasterize([(g, 1) for g, _ in projected], out_shape=(rows, cols), transform=geoctx.transform,
                                 fill=0, all_touched=touched, dtype="uint8")
    return np.ma.MaskedArray(values[None], mask=(covered == 0)[None])


@imagery_builtin("wf.rasterize")
def rasterize(obj: Any, value: Any = 1, default_value: Any = 1, merge_algorithm: Any = "add") -> ImageValue:
    """An Image of one band ``"features"``: ``value`` inside the shape(s) of ``obj``, masked outside."""
    geoctx = current_geoctx(required=True)
    merge = scalar(merge_algorithm)
    if merge not in ("add", "replace"):
        raise ComputeError(f"rasterize: merge_algorithm must be 'add' or 'replace', got {merge!r}")
    shapes, props = _shapes(obj, value, default_value)
    array = burn(shapes, geoctx, merge)
    pixels = px.constant(array)
    return ImageValue(pixels, props, {RASTER_BAND: {}}, geoctx)
