"""Pixel values and coordinates of imagery: ``wf.value_at``, ``wf.coords_to_index``, ``wf.index_to_coords``.

Coordinates are in the GeoContext's CRS; pixel ``(row, col)`` indices are
those of the GeoContext's grid (``index_to_coords`` gives a pixel's upper-left
corner, as Workflows does).  ``value_at`` reads one pixel of every band with
the pixel's indices as program *inputs*, so other points reuse the compiled
program; a masked value is NaN.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution.builtins_imagery_reduce import host_number, masked_parts, pick
from gpucompute.execution.context import current_geoctx
from gpucompute.execution.imagery import CollectionValue, imagery_builtin

__all__: list[str] = []


@px.pixel_op("imagery.value_at")
def _value_at_op(x: Any, row: Any, col: Any) -> Any:
    x, xp = masked_parts(x)
    r = xp.asarray(row, dtype=xp.int32)
    c = xp.asarray(col, dtype=xp.int32)
    return x[..., r, c]


def _geoctx(value: Any) -> Any:
    return getattr(value, "geocontext", None) or current_geoctx()


@imagery_builtin("wf.value_at")
def value_at(value: Any, x: Any, y: Any) -> Any:
    """The values at ``(x, y)`` by band (a list of those for a collection); NaN where masked."""
    collection = isinstance(value, CollectionValue)
    if value.empty:
        return [] if collection else {}
    geoctx = _geoctx(value)
    x, y = host_number(x), host_number(y)
    row, col = geoctx.coords_to_index(x, y)
    rows, cols = geoctx.arr_shape
    if not (0 <= row < rows and 0 <= col < cols):
        raise ComputeError(f"value_at: the point ({x}, {y}) is outside the GeoContext (bounds "
                           f"{geoctx.projected_bounds} in {geoctx.crs}); give coordinates in the GeoContext's CRS")
    shape = tuple(value.pixels.shape[:-2])
    node = px.apply("imagery.value_at", value.pixels, row, col, shape=shape, length=value.pixels.length)
    names = value.bandnames
    if not collection:
        return {name: pick(node, (b,)) for b, name in enumerate(names)}
    return [{name: pick(node, (i, b)) for b, name in enumerate(names)} for i in range(len(value))]


@imagery_builtin("wf.coords_to_index")
def coords_to_index(value: Any, x: Any, y: Any) -> tuple[int, int]:
    """``(row, col)`` of the pixel holding ``(x, y)`` on the GeoContext."""
    return _geoctx(value).coords_to_index(host_number(x), host_number(y))


@imagery_builtin("wf.index_to_coords")
def index_to_coords(value: Any, row: Any, col: Any) -> tuple[float, float]:
    """``(x, y)`` of the upper-left corner of pixel ``(row, col)`` on the GeoContext."""
    return _geoctx(value).index_to_coords(int(host_number(row)), int(host_number(col)))
