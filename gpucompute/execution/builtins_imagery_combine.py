"""``wf.where``, ``wf.concat`` and ``wf.conv2d``: imagery builtins that combine or filter pixels.

* ``wf.where(condition, x, y)``: ``x`` where the condition is true (non-zero),
  else ``y``; masked as ``numpy.ma.where`` (a masked condition masks the
  pixel, otherwise the chosen value's mask).  Operands broadcast and pair bands
  as operators do; result bands are named ``<value>_where_<condition band>``,
  where ``<value>`` is ``x``'s band, ``y``'s band, ``<x>_or_<y>`` (two
  single-band values of different names) or the condition's band when ``x``
  and ``y`` are numbers.
* ``wf.concat(*imgs)``: one collection of the images of every non-empty Image
  and ImageCollection, in order; bands must have the same names (they are put
  in the first operand's order); band info is intersected.
* ``wf.conv2d(obj, kernel)``: the 2-D convolution of every band of every image
  with the kernel, as ``scipy.ndimage.convolve(..., mode="constant", cval=0)``
  (the kernel is flipped; its centre is element ``(rows // 2, cols // 2)``):
  masked pixels and pixels outside the grid count as 0, and the result keeps
  the input's mask.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import gpucompute.array as ga
from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution._band_align import (
    combine,
    is_operand_imagery,
    pair_bands,
    take_bands,
)
from gpucompute.execution.builtins_core import scalar, truth
from gpucompute.execution.imagery import (
    CollectionValue,
    imagery_builtin,
    intersect_dicts,
)

__all__: list[str] = []


# ---- where --------------------------------------------------------------------------------------
px.pixel_op("math.where")(lambda condition, x, y: ga.where(condition, x, y))


def _where_namer(condition: Any, x: Any, y: Any):
    single = {k: is_operand_imagery(v) and v.nbands == 1 for k, v in enumerate((condition, x, y))}

    def name(group: list, default: str | None) -> str:
        c, xb, yb = group
        if xb is not None and yb is not None:
            if single[1] and single[2]:
                value = xb if xb == yb else f"{xb}_or_{yb}"
            else:
                value = yb if single[1] else xb
        else:
            value = xb if xb is not None else (yb if yb is not None else c)
        return value if c is None else f"{value}_where_{c}"

    return name


@imagery_builtin("wf.where")
def where(condition: Any, x: Any, y: Any) -> Any:
    """Pixels of ``x`` where ``condition`` is true (non-zero), else of ``y`` (see the module docstring)."""
    condition, x, y = scalar(condition), scalar(x), scalar(y)
    operands = (condition, x, y)
    if not any(is_operand_imagery(v) or isinstance(v, px.Pixels) for v in operands):
        return x if truth(condition) else y
    return combine("math.where", operands, name=_where_namer(condition, x, y), what="wf.where")


# ---- concat -------------------------------------------------------------------------------------
@imagery_builtin("wf.concat")
def concat(*imgs: Any) -> CollectionValue:
    """One ImageCollection of the images of ``imgs`` (Images and ImageCollections), empty ones dropped."""
    for value in imgs:
        if not is_operand_imagery(value):
            raise ComputeError(f"wf.concat takes Images and ImageCollections, got a {type(value).__name__}")
    geoctx = next((v.geocontext for v in imgs if v.geocontext is not None), None)
    kept = [v for v in imgs if not v.empty]
    if not kept:
        return CollectionValue(None, [], {}, geoctx)
    names = kept[0].bandnames
    inputs, lengths, properties = [], [], []
    for value in kept:
        index = None
        if value.bandnames != names:
            if value.nbands != len(names) or set(value.bandnames) != set(names):
                raise ComputeError(f"wf.concat: all imagery must have the same bands, got {names} and "
                                   f"{value.bandnames}; pick_bands or rename_bands first")
            index = pair_bands(names, value.bandnames, "wf.concat").b_index
        length = len(value.properties) if isinstance(value, CollectionValue) else None
        inputs.append(take_bands(value.pixels, index))
        lengths.append(length)
        properties.extend(value.properties if length is not None else [value.properties])
    bandinfo = {n: intersect_dicts([v.bandinfo[n] for v in kept]) for n in names}
    total = len(properties)
    shape = (total,) + tuple(kept[0].pixels.shape[-3:])
    pixels = px.apply("images.concat", *inputs, shape=shape, length=total, lengths=tuple(lengths))
    return CollectionValue(pixels, [dict(p) for p in properties], bandinfo, geoctx)


# ---- conv2d -------------------------------------------------------------------------------------
@px.pixel_op("math.conv2d")
def _conv2d(value: Any, weights: Any, *, dims: tuple) -> Any:
    rows, cols = dims
    if not isinstance(value, ga.MaskedArray):
        value = ga.masked_array(value)
    xp = value.backend.xp
    data = value.filled(0)
    if np.dtype(data.dtype) == np.bool_:
        data = data.astype(np.float32)
    height, width = data.shape[-2:]
    widths = [(0, 0)] * (data.ndim - 2) + [(rows - 1, rows - 1), (cols - 1, cols - 1)]
    padded = xp.pad(data, widths)
    total = None
    for i in range(rows):
        for j in range(cols):
            top, left = rows // 2 - i + rows - 1, cols // 2 - j + cols - 1
            term = weights[i, j] * padded[..., top:top + height, left:left + width]
            total = term if total is None else total + term
    return ga.MaskedArray(total, value.mask, backend=value.backend)


@imagery_builtin("wf.conv2d")
def conv2d(obj: Any, kernel: Any) -> Any:
    """The 2-D convolution of every band of ``obj`` (Image or ImageCollection) with ``kernel``."""
    if not is_operand_imagery(obj):
        raise ComputeError(f"wf.conv2d takes an Image or ImageCollection, got a {type(obj).__name__}")
    rows, cols = (int(scalar(d)) for d in kernel["dims"])
    weights = np.asarray([float(scalar(v)) for v in kernel["data"]], dtype=np.float32)
    if rows <= 0 or cols <= 0 or weights.size != rows * cols:
        raise ComputeError(f"wf.conv2d: kernel dims ({rows}, {cols}) do not fit {weights.size} values")
    if obj.empty:
        return obj
    length = len(obj.properties) if isinstance(obj, CollectionValue) else None
    pixels = px.apply("math.conv2d", obj.pixels, weights.reshape(rows, cols), shape=obj.pixels.shape,
                      length=length, dims=(rows, cols))
    return obj.replace(pixels=pixels)
