"""``wf.Image.replace_empty_with`` and ``wf.ImageCollection.replace_empty_with``.

A non-empty value is returned unchanged.  An empty one becomes ``fill``: an
imagery fill as it is (every pixel masked when ``mask``), or a number spread
over the GeoContext with one band per ``bandinfo`` key (a one-image collection
for an ImageCollection), fully masked when ``mask``, else fully valid.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution.builtins_core import truth
from gpucompute.execution.builtins_imagery_reduce import masked_parts
from gpucompute.execution.context import current_geoctx
from gpucompute.execution.imagery import (
    CollectionValue,
    ImageValue,
    copy_bandinfo,
    imagery_builtin,
    is_imagery,
)

__all__ = ["replace_empty_with"]


@px.pixel_op("imagery.full")
def _full_op(fill: Any, *, out_shape: tuple, masked: bool) -> Any:
    from gpucompute.array import MaskedArray

    f, xp = masked_parts(fill)
    data = xp.broadcast_to(xp.asarray(f.data, dtype=xp.float32), out_shape)
    return MaskedArray._new(data, xp.full(out_shape, masked, dtype=bool), f.backend)


@px.pixel_op("imagery.mask_all")
def _mask_all_op(x: Any) -> Any:
    from gpucompute.array import MaskedArray

    x, xp = masked_parts(x)
    return MaskedArray._new(x.data, xp.ones(x.shape, dtype=bool), x.backend)


def replace_empty_with(value: Any, fill: Any, mask: Any = True, bandinfo: Any = None) -> Any:
    """``value``, or when it is empty a value made from ``fill`` (see the module docstring)."""
    if not value.empty:
        return value
    masked = truth(mask)
    collection = isinstance(value, CollectionValue)
    if is_imagery(fill):
        if fill.empty or not masked:
            return fill
        return fill.replace(pixels=px.apply("imagery.mask_all", fill.pixels, shape=fill.pixels.shape,
                                            length=fill.pixels.length))
    if not bandinfo:
        raise ComputeError(f"replace_empty_with: a number fill ({fill!r}) needs bandinfo with at least one band "
                           "(band name -> dict) to know which bands to make")
    geoctx = value.geocontext or current_geoctx()
    rows, cols = (int(n) for n in geoctx.arr_shape)
    info = copy_bandinfo(bandinfo)
    shape = ((1,) if collection else ()) + (len(info), rows, cols)
    node = px.apply("imagery.full", fill, shape=shape, length=1 if collection else None, out_shape=shape,
                    masked=masked)
    if collection:
        return CollectionValue(node, [{}], info, geoctx)
    return ImageValue(node, {}, info, geoctx)


imagery_builtin("wf.Image.replace_empty_with")(replace_empty_with)
imagery_builtin("wf.ImageCollection.replace_empty_with")(replace_empty_with)
