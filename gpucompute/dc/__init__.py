"""Dynamic Compute on gpucompute: ``import gpucompute.dc as dc`` works like ``descarteslabs.dynamic_compute``.

``Mosaic`` (a product composited over a date range, most recent on top) and
``ImageStack`` (a product's images over a date range) are lazy: operations
record a graft, and ``compute(aoi)`` reads and computes only what is needed
for the AOI (a :class:`gpucompute.geo.GeoContext`, a ``DLTile``, or a
GeoContext dict).  They are built on the Workflows ``Image`` and
``ImageCollection`` proxies, so everything those offer works on them too.

>>> import gpucompute.dc as dc  # doctest: +SKIP
>>> m = dc.Mosaic.from_product_bands("my:product", "red nir", "2023-01-01", "2023-02-01")  # doctest: +SKIP
>>> red, nir = m.unpack_bands("red nir")  # doctest: +SKIP
>>> ((nir - red) / (nir + red)).compute(aoi).ndarray.shape  # doctest: +SKIP
(1, rows, cols)
"""

from __future__ import annotations

from typing import Any

from gpucompute.dc import catalog
from gpucompute.dc._common import DotDict
from gpucompute.dc.functions import (
    arccos,
    arcsin,
    arctan,
    as_compute_map,
    cos,
    dot,
    e,
    gradient_x,
    gradient_y,
    log,
    log10,
    pi,
    resolution_x,
    resolution_y,
    sin,
    sqrt,
    tan,
)
from gpucompute.dc.groupby import ImageStackGroupBy
from gpucompute.dc.image_stack import ImageStack
from gpucompute.dc.mosaic import Mosaic
from gpucompute.types.core import Proxytype
from gpucompute.types.datetimes import Datetime
from gpucompute.types.parameters import parameter

__all__ = [
    "Datetime",
    "DotDict",
    "ImageStack",
    "ImageStackGroupBy",
    "Mosaic",
    "Proxytype",
    "arccos",
    "arcsin",
    "arctan",
    "as_compute_map",
    "catalog",
    "cos",
    "dot",
    "e",
    "gradient_x",
    "gradient_y",
    "log",
    "log10",
    "map",
    "parameter",
    "pi",
    "resolution_x",
    "resolution_y",
    "sin",
    "sqrt",
    "tan",
]


def __getattr__(name: str) -> Any:
    if name == "map":  # the notebook map, created on first use (ipyleaflet is imported only then)
        from gpucompute.interactive.mapapp import get_map

        return get_map()
    raise AttributeError(f"module 'gpucompute.dc' has no attribute {name!r}")


def _register_saved_types() -> None:
    from gpucompute.execution import saved

    saved.register_type(Mosaic)
    saved.register_type(ImageStack)


_register_saved_types()
