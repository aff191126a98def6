"""The proxy types: lazy Workflows objects that record operations as a graft.

Import them from here or from the top level (``import gpucompute as wf``;
``wf.Int``, ``wf.List[wf.Float]``...).  Nothing is computed until
``.compute()``.
"""

from __future__ import annotations

from gpucompute.types.anytype import Any
from gpucompute.types.array import Array, BaseArray
from gpucompute.types.conditional import ifelse
from gpucompute.types.constants import e, inf, nan, pi
from gpucompute.types.containers import Dict, KnownDict, List, Slice, Struct, Tuple, range, zip
from gpucompute.types.core import GenericProxytype, Proxytype
from gpucompute.types.datetimes import Datetime, Timedelta
from gpucompute.types.dtype import DType
from gpucompute.types.feature import Feature, FeatureCollection, load_geojson, load_geojson_file
from gpucompute.types.geocontext import GeoContext
from gpucompute.types.geometry import Geometry, GeometryCollection
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.imagecollection_groupby import ImageCollectionGroupby
from gpucompute.types.imagery_functions import (
    arccos, arcsin, arctan, arctan2, concat, conv2d, cos, exp, log, log1p, log2, log10, normalized_difference, sin,
    sqrt, square, tan, where,
)
from gpucompute.types.kernel import Kernel
from gpucompute.types.function import Function
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.parameters import identifier, parameter
from gpucompute.types.primitives import Bool, Float, Int, NoneType, Number, Primitive, Str
from gpucompute.types.proxify import proxify
from gpucompute.types.scalar import Scalar

__all__ = [
    "Proxytype", "GenericProxytype", "Primitive", "Number", "Int", "Float", "Bool", "Str", "NoneType", "Any",
    "List", "Tuple", "Dict", "KnownDict", "Struct", "Slice", "range", "zip", "Datetime", "Timedelta",
    "Function", "parameter", "identifier", "ifelse", "proxify", "e", "pi", "inf", "nan",
    "BaseArray", "Array", "MaskedArray", "Scalar", "DType",
    "Geometry", "GeometryCollection", "Feature", "FeatureCollection", "load_geojson", "load_geojson_file",
    "GeoContext", "Kernel", "Image", "ImageCollection", "ImageCollectionGroupby",
    "where", "concat", "conv2d", "normalized_difference", "arctan2",
    "log", "log2", "log10", "log1p", "sqrt", "cos", "arccos", "sin", "arcsin", "tan", "arctan", "exp", "square",
]
