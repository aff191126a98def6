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
    "GeoContext", "Kernel",
]

#: Public name -> module that defines it; resolved lazily by ``__getattr__``.
_LAZY: dict[str, str] = {
    **{name: "gpucompute.types" for name in _TYPES},
    "compute": "gpucompute.execution",
    "inspect": "gpucompute.execution",
    "DLTile": "gpucompute.geo",
}
_SUBMODULES = {"numpy", "types", "graft", "execution", "geo", "catalog", "raster", "array"}

__all__ = ["__version__", "errors", "get_backend", "set_backend", "using_backend", "ParameterError",
           "ProxyTypeError", *_LAZY, *sorted(_SUBMODULES)]


def __getattr__(name: str) -> typing.Any:
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
