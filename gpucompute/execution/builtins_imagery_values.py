"""Masks and value operations of imagery: ``wf.mask``, ``wf.getmask``, ``wf.clip_values``,
``wf.scale_values``, ``wf.colormap``.

Numbers given per request (clip bounds, scale ranges, coordinates' pixel
indices, colour tables, rasterised vector masks) are constant *inputs* of the
pixel program, not static arguments, so new values do not recompile.  The
empty rules follow the Workflows guide: an empty operand gives an empty
result, except that an empty mask changes nothing.  ``replace_empty_with``
lives in :mod:`.builtins_imagery_fill`, ``value_at`` and the coordinate
conversions in :mod:`.builtins_imagery_coords`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution.builtins_core import scalar, truth
from gpucompute.execution.builtins_imagery_reduce import host_number, masked_parts
from gpucompute.execution.context import current_geoctx
from gpucompute.execution.imagery import (
    CollectionValue,
    ImageValue,
    empty_collection,
    imagery_builtin,
    is_imagery,
)

__all__ = ["mask_value", "vector_mask"]


# ---- pixel operations ------------------------------------------------------------------------------
@px.pixel_op("imagery.mask")
def _mask_op(x: Any, m: Any, *, replace: bool, bands: tuple | None, vector: bool, image_over: bool) -> Any:
    """Mask ``x`` with ``m``; ``image_over``: ``x`` is an image broadcast over the images of ``m``."""
    from gpucompute.array import MaskedArray

    x, xp = masked_parts(x)
    if vector:
        new = xp.asarray(m, dtype=bool)
    else:
        m, _ = masked_parts(m)
        if bands is not None:
            m = MaskedArray._new(xp.take(m.data, xp.asarray(bands), axis=-3),
                                 xp.take(m.mask, xp.asarray(bands), axis=-3), m.backend)
        truth_ = m.data != 0
        new = xp.logical_or(truth_, m.mask) if replace else xp.logical_and(truth_, xp.logical_not(m.mask))
    data, mask = x.data, x.mask
    if image_over:
        shape = (new.shape[0],) + tuple(x.shape)
        data, mask = xp.broadcast_to(data[None], shape), xp.broadcast_to(mask[None], shape)
    out = xp.broadcast_to(new, data.shape) if replace else xp.logical_or(mask, new)
    return MaskedArray._new(data, xp.broadcast_to(out, data.shape), x.backend)


@px.pixel_op("imagery.getmask")
def _getmask_op(x: Any) -> Any:
    from gpucompute.array import MaskedArray

    x, xp = masked_parts(x)
    flag = xp.any(x.mask, axis=-3, keepdims=True)
    return MaskedArray._new(xp.asarray(flag, dtype=xp.float32), xp.zeros(flag.shape, dtype=bool), x.backend)


@px.pixel_op("imagery.clip")
def _clip_op(x: Any, low: Any, high: Any) -> Any:
    from gpucompute.array import MaskedArray, getdata

    x, xp = masked_parts(x)
    low, high = xp.asarray(getdata(low), dtype=x.dtype), xp.asarray(getdata(high), dtype=x.dtype)
    data = xp.minimum(xp.maximum(x.data, low), high)
    return MaskedArray._new(data, x.mask, x.backend)


@px.pixel_op("imagery.scale")
def _scale_op(x: Any, rmin: Any, rmax: Any, dmin: Any, dmax: Any, *, auto: tuple, axes: tuple) -> Any:
    import gpucompute.array as ga
    from gpucompute.array import MaskedArray

    x, xp = masked_parts(x)
    if auto[0]:
        dmin = ga.getdata(ga.min(x, axis=axes, keepdims=True))
    if auto[1]:
        dmax = ga.getdata(ga.max(x, axis=axes, keepdims=True))
    lo, hi = (xp.asarray(ga.getdata(v), dtype=x.dtype) for v in (dmin, dmax))
    r0, r1 = (xp.asarray(ga.getdata(v), dtype=x.dtype) for v in (rmin, rmax))
    span = hi - lo
    flat = span == 0
    scaled = r0 + (x.data - lo) * ((r1 - r0) / xp.where(flat, xp.asarray(1, dtype=x.dtype), span))
    return MaskedArray._new(xp.where(flat, r0, scaled), x.mask, x.backend)


@px.pixel_op("imagery.colormap")
def _colormap_op(x: Any, lut: Any, vmin: Any, vmax: Any) -> Any:
    from gpucompute.array import MaskedArray, getdata

    x, xp = masked_parts(x)
    lut = xp.asarray(getdata(lut), dtype=xp.float32)
    lo, hi = xp.asarray(getdata(vmin), dtype=x.dtype), xp.asarray(getdata(vmax), dtype=x.dtype)
    span = hi - lo
    t = (x.data - lo) / xp.where(span == 0, xp.asarray(1, dtype=x.dtype), span)
    n = lut.shape[0]
    index = xp.floor(xp.where(xp.isnan(t), 0, t) * n)
    index = xp.asarray(xp.clip(index, 0, n - 1), dtype=xp.int32)[..., 0, :, :]  # the one band
    rgb = xp.moveaxis(xp.take(lut, index, axis=0), -1, -3)
    mask = xp.broadcast_to(x.mask[..., :1, :, :], rgb.shape)
    return MaskedArray._new(rgb, mask, x.backend)


# ---- masks ------------------------------------------------------------------------------------------
def vector_mask(shape_value: Any, geoctx: Any) -> np.ndarray:
    """``(rows, cols)`` bool: True outside the shapes of a Geometry/Feature/collection value (lon/lat GeoJSON)."""
    import rasterio.features
    import rasterio.warp
    import shapely.geometry

    from gpucompute.execution.builtins_vector import as_shapely

    geometry = shapely.geometry.mapping(as_shapely(shape_value))
    parts = geometry["geometries"] if geometry["type"] == "GeometryCollection" else [geometry]
    parts = [rasterio.warp.transform_geom("EPSG:4326", geoctx.crs, g) for g in parts]
    rows, cols = geoctx.arr_shape
    if not parts:
        return np.ones((rows, cols), dtype=bool)
    return rasterio.features.geometry_mask(parts, out_shape=(int(rows), int(cols)), transform=geoctx.transform,
                                           all_touched=bool(getattr(geoctx, "all_touched", False)))


def _mask_bands(value: Any, mask: Any) -> tuple | None:
    if mask.nbands == 1:
        return None
    if set(mask.bandnames) != set(value.bandnames):
        raise ComputeError(f"mask: a multi-band mask must have the same bands as the value it masks, got mask bands "
                           f"{mask.bandnames} for bands {value.bandnames}; use a one-band mask to mask every band")
    return tuple(mask.bandnames.index(b) for b in value.bandnames)


def _as_collection(value: ImageValue, n: int) -> CollectionValue:
    node = px.apply("stack", *([value.pixels] * n), shape=(n,) + tuple(value.pixels.shape), length=n)
    return CollectionValue(node, [dict(value.properties) for _ in range(n)], value.bandinfo, value.geocontext)


def mask_value(value: Any, mask: Any, replace: Any = False) -> Any:
    """``value`` masked where ``mask`` (imagery, or a vector: outside it) is true; see :meth:`Image.mask`."""
    replace = truth(replace)
    over = isinstance(value, ImageValue) and isinstance(mask, CollectionValue)
    if is_imagery(mask) and mask.empty:
        return _as_collection(value, 1) if over and not value.empty else value
    if value.empty:
        return empty_collection(value.geocontext) if over else value
    shape = tuple(value.pixels.shape)
    length = value.pixels.length
    if not is_imagery(mask):
        m = vector_mask(mask, value.geocontext or current_geoctx())
        node = px.apply("imagery.mask", value.pixels, m, shape=shape, length=length, replace=replace, bands=None,
                        vector=True, image_over=False)
        return value.replace(pixels=node)
    if isinstance(value, CollectionValue) and isinstance(mask, CollectionValue) and len(mask) != len(value):
        raise ComputeError(f"mask: a collection of {len(value)} images cannot be masked by a collection of "
                           f"{len(mask)}; give a collection of the same length or an Image")
    bands = _mask_bands(value, mask)
    if over:
        n = len(mask)
        node = px.apply("imagery.mask", value.pixels, mask.pixels, shape=(n,) + shape, length=n, replace=replace,
                        bands=bands, vector=False, image_over=True)
        return CollectionValue(node, [dict(value.properties) for _ in range(n)], value.bandinfo, value.geocontext)
    pixels = mask.pixels
    if isinstance(value, CollectionValue) and isinstance(mask, ImageValue):
        pixels = px.apply("imagery.expand", pixels, shape=(1,) + tuple(pixels.shape))
    node = px.apply("imagery.mask", value.pixels, pixels, shape=shape, length=length, replace=replace, bands=bands,
                    vector=False, image_over=False)
    return value.replace(pixels=node)


@px.pixel_op("imagery.expand")
def _expand_op(x: Any) -> Any:
    x, _ = masked_parts(x)
    return x[None]


imagery_builtin("wf.mask")(mask_value)


@imagery_builtin("wf.getmask")
def getmask(value: Any) -> Any:
    """One band ``mask``: 1.0 where any band is masked, 0.0 elsewhere, itself unmasked."""
    if value.empty:
        return value
    shape = tuple(value.pixels.shape[:-3]) + (1,) + tuple(value.pixels.shape[-2:])
    node = px.apply("imagery.getmask", value.pixels, shape=shape, length=value.pixels.length)
    return value.replace(pixels=node, bandinfo={"mask": {}})


# ---- values -----------------------------------------------------------------------------------------
def _per_band(bound: Any, value: Any, default: float, name: str) -> Any:
    """A bound as a ``(bands, 1, 1)`` float32 host array (a number broadcasts, a list gives one per band).

    A lazy 0-d bound (a statistic of some imagery) stays lazy: it broadcasts in the program.
    """
    if isinstance(bound, px.Pixels) and bound.shape == ():
        return bound
    if bound is None:
        return np.full((value.nbands, 1, 1), default, dtype=np.float32)
    bound = px.resolve(bound)
    values = np.asarray([host_number(b) for b in bound] if isinstance(bound, (list, tuple)) else host_number(bound),
                        dtype=np.float64)
    if values.ndim == 1 and values.shape[0] != value.nbands:
        raise ComputeError(f"clip_values: {name} has {values.shape[0]} values, but there are {value.nbands} bands "
                           f"{value.bandnames}; give one value per band or a single number")
    return np.broadcast_to(values.reshape(-1, 1, 1), (value.nbands, 1, 1)).astype(np.float32)


@imagery_builtin("wf.clip_values")
def clip_values(value: Any, min: Any = None, max: Any = None) -> Any:
    """Values clipped to ``[min, max]`` (numbers or one per band; None leaves that side open)."""
    if value.empty:
        return value
    low, high = _per_band(min, value, -np.inf, "min"), _per_band(max, value, np.inf, "max")
    node = px.apply("imagery.clip", value.pixels, low, high, shape=value.pixels.shape, length=value.pixels.length)
    return value.replace(pixels=node)


@imagery_builtin("wf.scale_values")
def scale_values(value: Any, range_min: Any, range_max: Any, domain_min: Any = None, domain_max: Any = None) -> Any:
    """Values mapped linearly from the domain (default: each band's min/max) onto ``[range_min, range_max]``."""
    if value.empty:
        return value
    axes = (0, 2, 3) if isinstance(value, CollectionValue) else (1, 2)
    inputs = [0.0 if v is None else v for v in (range_min, range_max, domain_min, domain_max)]
    node = px.apply("imagery.scale", value.pixels, *inputs, shape=value.pixels.shape, length=value.pixels.length,
                    auto=(domain_min is None, domain_max is None), axes=axes)
    return value.replace(pixels=node)


def colormap_table(name: str) -> np.ndarray:
    """The ``(n, 3)`` RGB table (0..1) of matplotlib colormap ``name`` (rio-tiler's copy without matplotlib)."""
    try:
        import matplotlib
    except ImportError:
        matplotlib = None
    if matplotlib is not None:
        try:
            cmap = matplotlib.colormaps[name]
        except KeyError:
            raise ComputeError(f"colormap: unknown colormap {name!r}; use a matplotlib colormap name "
                               "such as 'viridis', 'magma' or 'Greys'") from None
        return np.asarray(cmap(np.arange(cmap.N))[:, :3], dtype=np.float32)
    try:
        from rio_tiler.colormap import cmap as rio_cmaps
    except ImportError:
        raise ComputeError("colormap needs matplotlib (or rio-tiler) installed: pip install matplotlib") from None
    try:
        table = rio_cmaps.get(name.lower())
    except Exception:  # noqa: BLE001 -- rio-tiler raises its own error for unknown names
        raise ComputeError(f"colormap: unknown colormap {name!r}; use a matplotlib colormap name such as "
                           "'viridis', 'magma' or 'greys'") from None
    return np.asarray([table[i][:3] for i in sorted(table)], dtype=np.float32) / np.float32(255)


@imagery_builtin("wf.colormap")
def colormap(value: Any, named_colormap: str = "viridis", vmin: Any = None, vmax: Any = None) -> Any:
    """A one-band value coloured: bands red, green, blue (0..1), masked where the band is."""
    from gpucompute.execution.builtins_imagery_reduce import reduce_value

    if value.empty:
        return value
    if value.nbands != 1:
        raise ComputeError(f"colormap needs a one-band value, got {value.nbands} bands {value.bandnames}; "
                           "pick one band first")
    lut = colormap_table(str(scalar(named_colormap)))
    low = reduce_value(value, "min") if vmin is None else vmin
    high = reduce_value(value, "max") if vmax is None else vmax
    shape = tuple(value.pixels.shape[:-3]) + (3,) + tuple(value.pixels.shape[-2:])
    node = px.apply("imagery.colormap", value.pixels, lut, low, high, shape=shape, length=value.pixels.length)
    return value.replace(pixels=node, bandinfo={"red": {}, "green": {}, "blue": {}})
