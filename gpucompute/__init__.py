"""gpucompute: the Workflows / Dynamic Compute programming model on your own GPU.

Port a notebook by changing its import: ``import gpucompute as wf``.  Proxy
types (``wf.Int``, ``wf.Array``...), ``wf.numpy``, ``wf.compute`` and the
geospatial values are attributes of this module, loaded on first use: ``import
gpucompute`` itself is cheap and imports neither JAX nor CuPy (backends load
when first used, see :mod:`gpucompute.config`).
"""

from __future__ import annotations

import importlib
import typing

from gpucompute import errors
from gpucompute.config import get_backend, set_backend, using_backend
from gpucompute.errors import ParameterError, ProxyTypeError

__version__ = "0.1.0"

_TYPES = [
    "Proxytype", "Primitive", "Number", "Int", "Float", "Bool", "Str", "NoneType", "Any",
    "List", "Tuple", "Dict", "KnownDict", "Struct", "Slice", "range", "zip", "Datetime", "Timedelta",
    "Function", "parameter", "identifier", "ifelse", "proxify", "e", "pi", "inf", "nan",
    "Array", "MaskedArray", "Scalar", "DType",
    "Geometry", "GeometryCollection", "Feature", "FeatureCollection", "load_geojson", "load_geojson_file",
    "GeoContext", "Kernel", "Image", "ImageCollection", "ImageCollectionGroupby",
    "where", "concat", "conv2d", "normalized_difference", "arctan2",
    "log", "log2", "log10", "log1p", "sqrt", "cos", "arccos", "sin", "arcsin", "tan", "arctan", "exp", "square",
]
#: Dynamic Compute names, so ``import gpucompute as dc`` works too (``dc.catalog`` is the catalog
#: package, which also holds ``save_to_blob`` and the other saved-object functions).
_DC = ["Mosaic", "ImageStack", "ImageStackGroupBy", "DotDict", "dot", "resolution_x", "resolution_y",
       "gradient_x", "gradient_y", "as_compute_map"]

#: Public name -> module that defines it; resolved lazily by ``__getattr__``.
_LAZY: dict[str, str] = {
    **{name: "gpucompute.types" for name in _TYPES},
    **{name: "gpucompute.dc" for name in _DC},
    "compute": "gpucompute.execution",
    "inspect": "gpucompute.execution",
    "Job": "gpucompute.execution",
    "DLTile": "gpucompute.geo",
    **{name: "gpucompute.models" for name in ("publish", "use", "Workflow", "VersionedGraft", "VizOption")},
}
_SUBMODULES = {"numpy", "types", "graft", "execution", "geo", "catalog", "raster", "array", "dc", "models",
               "interactive", "server"}

__all__ = ["__version__", "errors", "get_backend", "set_backend", "using_backend", "ParameterError",
           "ProxyTypeError", "map", *_LAZY, *sorted(_SUBMODULES)]


def __getattr__(name: str) -> typing.Any:
    if name == "map":  # the notebook map singleton, created on first use (not cached: tests may reset it)
        from gpucompute.interactive.mapapp import get_map

        return get_map()
    if name in _SUBMODULES:
        module = importlib.import_module(f"gpucompute.{name}")
    elif name in _LAZY:
        module = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'gpucompute' has no attribute {name!r}")
    globals()[name] = module
    return module


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
