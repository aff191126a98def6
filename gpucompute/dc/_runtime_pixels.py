"""Runtime of the Dynamic Compute pixel builtins: bands, reductions, clip/filled, terrain, math and ``dot``.

Registered by :mod:`gpucompute.execution.builtins_dc` (execution layer; it lives
here only because this package's helper owns it).  Each builtin works on
:class:`~gpucompute.execution.imagery.ImageValue` (``(bands, y, x)``) or
:class:`~gpucompute.execution.imagery.CollectionValue` (``(images, bands, y,
x)``) and records pixel operations; the band axis is ``ndim - 3``.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution._band_align import take_bands
from gpucompute.execution.builtins_imagery_bands import concat_pixels
from gpucompute.execution.imagery import (
    CollectionValue,
    ImageValue,
    imagery_builtin,
    intersect_dicts,
)

__all__: list[str] = []


def _band_axis(value: Any) -> int:
    return 1 if isinstance(value, CollectionValue) else 0


def _length(value: Any) -> int | None:
    return len(value.properties) if isinstance(value, CollectionValue) else None


def _entry(name: str, info: dict | None = None) -> dict:
    return {**(info or {}), "name": name}


# ---- bands ---------------------------------------------------------------------------------------------
@imagery_builtin("dc.pick_bands")
def pick_bands(value: Any, bands: str) -> Any:
    """The bands named in ``bands`` (space-separated), in that order."""
    if value.empty:
        return value
    names, have = bands.split(), value.bandnames
    missing = [n for n in names if n not in have]
    if missing:
        raise ComputeError(f"pick_bands: no band(s) {missing}; the bands are {have}")
    bandinfo = {n: dict(value.bandinfo[n]) for n in names}
    if names == have:
        return value
    return value.replace(pixels=take_bands(value.pixels, [have.index(n) for n in names]), bandinfo=bandinfo)


@imagery_builtin("dc.rename_bands")
def rename_bands(value: Any, bands: str) -> Any:
    """The same pixels with the bands renamed, in order."""
    names = bands.split()
    if value.empty:
        return value
    if len(names) != value.nbands:
        raise ComputeError(f"rename_bands: got {len(names)} name(s) {names} for {value.nbands} band(s) "
                           f"{value.bandnames}")
    return value.replace(bandinfo={n: _entry(n, info) for n, info in zip(names, value.bandinfo.values())})


@imagery_builtin("dc.concat_bands")
def concat_bands(a: Any, b: Any) -> Any:
    """The bands of ``a`` followed by those of ``b``; an empty operand is dropped; repeated names get suffixes."""
    if b.empty:
        return a
    if a.empty:
        return b if type(b) is type(a) else a
    if isinstance(a, CollectionValue) and isinstance(b, CollectionValue) and len(a) != len(b):
        raise ComputeError(f"concat_bands: the stacks have {len(a)} and {len(b)} images; they must be equal")
    bandinfo = dict(a.bandinfo)
    for name, info in b.bandinfo.items():
        new, k = name, 0
        while new in bandinfo:
            k += 1
            new = f"{name}_{k}"
        bandinfo[new] = _entry(new, info)
    broadcast = isinstance(a, CollectionValue) and not isinstance(b, CollectionValue)
    return a.replace(pixels=concat_pixels(a.pixels, b.pixels, broadcast), bandinfo=bandinfo)


# ---- reductions ----------------------------------------------------------------------------------------
@px.pixel_op("dc.reduce")
def _reduce(x: Any, *, reducer: str, axis: Any, keepdims: bool) -> Any:
    import gpucompute.array as ga

    out = getattr(ga, reducer)(x, axis=axis).astype(np.float32)
    if keepdims:
        out = out.reshape(tuple(1 if i == axis else n for i, n in enumerate(x.shape)))
    return out


@imagery_builtin("dc.reduction")
def reduction(value: Any, reducer: str, axis: str) -> Any:
    """``reducer`` over ``axis``: "images" gives an image, "bands" the same kind, "pixels" a masked array."""
    if value.empty:
        return value if axis == "bands" else (None if axis == "pixels" else ImageValue(None, {}, {}, value.geocontext))
    shape, n = value.pixels.shape, _length(value)
    if axis == "pixels":
        dims = (len(shape) - 2, len(shape) - 1)
        return px.apply("dc.reduce", value.pixels, shape=shape[:-2], length=n, reducer=reducer, axis=dims,
                        keepdims=False)
    if axis == "images":
        pixels = px.apply("dc.reduce", value.pixels, shape=shape[1:], reducer=reducer, axis=0, keepdims=False)
        return ImageValue(pixels, intersect_dicts(value.properties), dict(value.bandinfo), value.geocontext)
    band = _band_axis(value)
    out_shape = tuple(1 if i == band else s for i, s in enumerate(shape))
    pixels = px.apply("dc.reduce", value.pixels, shape=out_shape, length=n, reducer=reducer, axis=band, keepdims=True)
    return value.replace(pixels=pixels, bandinfo={reducer: _entry(reducer)})


# ---- values --------------------------------------------------------------------------------------------
@px.pixel_op("dc.clip")
def _clip(x: Any, lo: Any, hi: Any) -> Any:
    import gpucompute.array as ga

    return ga.minimum(ga.maximum(x, lo), hi)


@px.pixel_op("dc.filled")
def _filled(x: Any, fill: Any) -> Any:
    from gpucompute.array import MaskedArray

    xp = x.backend.xp
    data = xp.where(x.mask, xp.asarray(fill, dtype=x.dtype), x.data)
    return MaskedArray(data, xp.zeros(x.shape, dtype=bool), backend=x.backend)


def _unary(value: Any, op: str, *inputs: Any, **static: Any) -> Any:
    if value.empty:
        return value
    pixels = px.apply(op, value.pixels, *inputs, shape=value.pixels.shape, length=_length(value), **static)
    return value.replace(pixels=pixels)


@imagery_builtin("dc.clip")
def clip(value: Any, lo: float, hi: float) -> Any:
    """Values limited to ``[lo, hi]``."""
    if float(lo) >= float(hi):
        raise ComputeError(f"clip: lo must be less than hi, got lo={lo!r}, hi={hi!r}")
    return _unary(value, "dc.clip", float(lo), float(hi))


@imagery_builtin("dc.filled")
def filled(value: Any, fill: float) -> Any:
    """Masked pixels replaced by ``fill``; nothing masked afterwards."""
    return _unary(value, "dc.filled", float(fill))


@px.pixel_op("dc.functional")
def _functional(x: Any, *, name: str) -> Any:
    import gpucompute.array as ga

    return getattr(ga, name)(x).astype(np.float32)


@imagery_builtin("dc.functional")
def functional(value: Any, name: str) -> Any:
    """An elementwise function (sqrt, cos, sin, tan, arccos, arcsin, arctan, log, log10) of every pixel."""
    return _unary(value, "dc.functional", name=name)


def _diff(x: Any, axis: int) -> Any:
    """Central differences along ``axis`` (one-sided at the edges), like ``numpy.gradient``; masks combine."""
    import gpucompute.array as ga

    n = x.shape[axis]
    if n < 2:
        return x * 0.0

    def part(start: Any, stop: Any) -> Any:
        index = [slice(None)] * x.ndim
        index[axis] = slice(start, stop)
        return x[tuple(index)]

    first = part(1, 2) - part(0, 1)
    last = part(n - 1, n) - part(n - 2, n - 1)
    if n == 2:
        return ga.concatenate([first, last], axis=axis)
    middle = (part(2, n) - part(0, n - 2)) * 0.5
    return ga.concatenate([first, middle, last], axis=axis)


@px.pixel_op("dc.terrain")
def _terrain(x: Any, res_x: Any, res_y: Any, *, what: str) -> Any:
    import gpucompute.array as ga

    gx = _diff(x, x.ndim - 1) / res_x
    gy = _diff(x, x.ndim - 2) / res_y
    if what == "gradient_x":
        return gx
    if what == "gradient_y":
        return gy
    if what == "slope":
        return ga.degrees(ga.arctan(ga.sqrt(gx * gx + gy * gy)))
    return ga.degrees(ga.arctan2(gx, -gy))


@imagery_builtin("dc.terrain")
def terrain(value: Any, what: str, resolution: Any = None) -> Any:
    """``gradient_x``, ``gradient_y``, ``slope`` or ``aspect`` (degrees) per CRS unit."""
    from gpucompute.execution.imagery_sources import geoctx_or_fail

    if resolution is None:
        transform = (value.geocontext or geoctx_or_fail()).transform
        res_x, res_y = abs(float(transform.a)), abs(float(transform.e))
    else:
        res_x = res_y = float(resolution)
    return _unary(value, "dc.terrain", res_x, res_y, what=what)


# ---- dot -----------------------------------------------------------------------------------------------
@px.pixel_op("dc.dot")
def _dot(a: Any, b: Any, *, subscripts: str) -> Any:
    from gpucompute.array import MaskedArray

    xp = a.backend.xp
    valid_a = xp.logical_not(a.mask).astype(xp.float32)
    if isinstance(b, MaskedArray):
        values_b, valid_b = b.filled(0), xp.logical_not(b.mask).astype(xp.float32)
    else:
        values_b, valid_b = b, xp.ones(b.shape, dtype=xp.float32)
    data = xp.einsum(subscripts, a.filled(0), values_b)
    count = xp.einsum(subscripts, valid_a, valid_b)
    return MaskedArray(data.astype(xp.float32), count <= 0, backend=a.backend)


@imagery_builtin("dc.dot")
def dot(a: Any, b: Any) -> Any:
    """See :func:`gpucompute.dc.dot`: over bands for images, over images for stacks."""
    stack = isinstance(a, CollectionValue)
    if a.empty or (hasattr(b, "empty") and b.empty):
        return ImageValue(None, {}, {}, a.geocontext)
    shape = a.pixels.shape
    props = intersect_dicts(a.properties) if stack else dict(a.properties)
    if isinstance(b, (ImageValue, CollectionValue)):
        if b.pixels.shape != shape:
            raise ComputeError(f"dot: the operands' arrays differ in shape: {shape} and {b.pixels.shape}")
        subscripts = "nbyx,nbyx->byx" if stack else "byx,byx->yx"
        out_shape, names = (shape[1:], a.bandnames) if stack else ((1,) + shape[1:], ["dot"])
        pixels = px.apply("dc.dot", a.pixels, b.pixels, shape=out_shape if stack else shape[1:],
                          subscripts=subscripts)
        if not stack:
            pixels = px.apply("imagery.expand", pixels, shape=out_shape)
        return ImageValue(pixels, props, {n: _entry(n) for n in names}, a.geocontext)
    weights = np.asarray(json.loads(b), dtype=np.float32)
    n = shape[0]
    if weights.shape[0] != n:
        what = "images" if stack else "bands"
        raise ComputeError(f"dot: the array has {weights.shape[0]} rows for {n} {what} (shape {weights.shape})")
    if stack:
        leaf = px.constant(weights, length=n)
        if weights.ndim == 1:
            pixels = px.apply("dc.dot", a.pixels, leaf, shape=shape[1:], subscripts="nbyx,n->byx")
            return ImageValue(pixels, props, dict(a.bandinfo), a.geocontext)
        k = weights.shape[1]
        pixels = px.apply("dc.dot", a.pixels, leaf, shape=(k,) + shape[1:], length=k, subscripts="nbyx,nk->kbyx")
        return CollectionValue(pixels, [dict(props) for _ in range(k)], dict(a.bandinfo), a.geocontext)
    if weights.ndim == 1:
        pixels = px.apply("dc.dot", a.pixels, weights, shape=shape[1:], subscripts="byx,b->yx")
        return ImageValue(px.apply("imagery.expand", pixels, shape=(1,) + shape[1:]), props, {"dot": _entry("dot")},
                          a.geocontext)
    k = weights.shape[1]
    pixels = px.apply("dc.dot", a.pixels, weights, shape=(k,) + shape[1:], subscripts="byx,bk->kyx")
    names = [f"dot_{i}" for i in range(k)]
    return ImageValue(pixels, props, {n_: _entry(n_) for n_ in names}, a.geocontext)
