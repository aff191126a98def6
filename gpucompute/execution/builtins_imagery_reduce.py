"""Reductions and composites of imagery: ``wf.min`` ... ``wf.count``, ``wf.reduction``, ``wf.mosaic``,
``wf.ImageCollection.sortby_composite``.

A reduction is one pixel operation over the reduced axes (masked pixels are
ignored, standard deviations use ``ddof=0`` as ``numpy.ma`` does).  What comes
back depends on the axes (the ``_STATS_RETURN_TYPES`` tables): imagery values,
or 0-d lazy pixels (Floats) alone, in dicts by band name or in lists by image.
Scalars are *picked* from the reduced array by small operations, so everything
is computed at the end in one program.  A Float whose every input pixel is
masked is NaN (and so is an empty value's Float); the empty Dict and List are
``{}`` and ``[]``, the empty Image/ImageCollection are empties.

On JAX a collection's images axis is padded with masked images: reductions
over it ignore them, and per-image results carry the true ``length`` and are
picked only for real images.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ComputeError
from gpucompute.execution import pixels as px
from gpucompute.execution.imagery import (
    CollectionValue,
    ImageValue,
    copy_bandinfo,
    empty_collection,
    empty_image,
    imagery_builtin,
    intersect_dicts,
)

__all__ = ["REDUCTIONS", "host_number", "masked_parts", "mosaic_value", "pick", "reduce_value"]

REDUCTIONS = ("min", "max", "mean", "median", "sum", "std", "count")
_AXES = ("images", "bands", "pixels")
#: Array axes of each named axis, for an image ``(bands, y, x)`` and a collection ``(images, bands, y, x)``.
_IMAGE_DIMS = {"bands": (0,), "pixels": (1, 2)}
_COLLECTION_DIMS = {"images": (0,), "bands": (1,), "pixels": (2, 3)}


def masked_parts(x: Any) -> tuple[Any, Any]:
    """``(MaskedArray, xp)`` for a pixel-op input (a MaskedArray or a plain backend array)."""
    from gpucompute.array import MaskedArray, masked_array

    x = x if isinstance(x, MaskedArray) else masked_array(x)
    return x, x.backend.xp


def host_number(value: Any) -> float:
    """A plan value that is a number (a Python or 0-d array, or lazy 0-d pixels: computed) as a float."""
    import numpy as np

    from gpucompute.execution.builtins_core import scalar

    if isinstance(value, px.Pixels):
        value = px.resolve(value)
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    return float(np.asarray(scalar(value)))


def _unmasked(data: Any, like: Any) -> Any:
    from gpucompute.array import MaskedArray

    xp = like.backend.xp
    return MaskedArray._new(data, xp.zeros(data.shape, dtype=bool), like.backend)


# ---- pixel operations ------------------------------------------------------------------------------
@px.pixel_op("imagery.reduce")
def _reduce_op(x: Any, *, operation: str, axes: tuple, keepdims: bool, squeeze_first: bool) -> Any:
    import gpucompute.array as ga

    x, xp = masked_parts(x)
    if operation == "count":
        out = _unmasked(xp.asarray(ga.count(x, axis=axes, keepdims=keepdims), dtype=xp.float32), x)
    else:
        out = getattr(ga, operation)(x, axis=axes, keepdims=keepdims)
        out, _ = masked_parts(out)
    return out[0] if squeeze_first else out


@px.pixel_op("imagery.pick")
def _pick_op(x: Any, *, index: tuple) -> Any:
    """One element as an unmasked 0-d array; NaN where it was masked."""
    x, xp = masked_parts(x)
    value = x[index] if index else x
    nan = xp.asarray(float("nan"), dtype=value.dtype)
    return _unmasked(xp.where(value.mask, nan, value.data), x)


@px.pixel_op("imagery.mosaic")
def _mosaic_op(x: Any, *, reverse: bool) -> Any:
    from gpucompute.kernels import mosaic

    x, _ = masked_parts(x)
    return mosaic(x, reverse=reverse)


@px.pixel_op("imagery.sortby")
def _sortby_op(x: Any, *key: Any, band: int, operation: str) -> Any:
    import gpucompute.array as ga
    from gpucompute.kernels import sortby_composite

    x, _ = masked_parts(x)
    if not key:
        return sortby_composite(x, band, operation)
    k, _ = masked_parts(key[0])
    both = ga.concatenate([x, k], axis=1)
    return sortby_composite(both, x.shape[1], operation)[: x.shape[1]]


def pick(node: Any, index: tuple) -> Any:
    """A lazy 0-d Float: ``node[index]`` (NaN if masked)."""
    return px.apply("imagery.pick", node, shape=(), index=tuple(int(i) for i in index))


# ---- reductions -------------------------------------------------------------------------------------
def _axis_names(axis: Any, collection: bool) -> frozenset:
    allowed = _AXES if collection else _AXES[1:]
    if axis is None:
        return frozenset(allowed)
    names = [axis] if isinstance(axis, str) else list(axis)
    bad = [n for n in names if n not in allowed]
    if bad or not names:
        raise ComputeError(f"reduction axis {axis!r} is not valid for this value; use None or a combination of "
                           f"{', '.join(map(repr, allowed))}")
    return frozenset(names)


def reduce_value(value: Any, operation: str, axis: Any = None) -> Any:
    """``value`` (an image or collection value) reduced with ``operation`` over ``axis``.

    Parameters
    ----------
    value : ImageValue or CollectionValue
    operation : str
        One of :data:`REDUCTIONS` (or ``"mosaic"`` with ``axis="images"`` for a collection).
    axis : None, str or sequence of str

    Returns
    -------
    ImageValue, CollectionValue, Pixels (a Float), dict or list
        See the module docstring.
    """
    collection = isinstance(value, CollectionValue)
    names = _axis_names(axis, collection)
    if operation == "mosaic":
        if not collection or names != {"images"}:
            raise ComputeError(f"the 'mosaic' reduction needs a collection and axis='images', got axis {axis!r}")
        return mosaic_value(value, False)
    if operation not in REDUCTIONS:
        raise ComputeError(f"unknown reduction {operation!r}; use one of {', '.join(REDUCTIONS)}")
    kind = _kind(names, collection)
    if value.empty:
        return _empty_result(kind, value.geocontext)
    dims = _COLLECTION_DIMS if collection else _IMAGE_DIMS
    axes = tuple(sorted(d for n in names for d in dims[n]))
    shape = value.pixels.shape
    keepdims = "bands" in names and kind in ("image", "collection")
    squeeze = keepdims and collection and "images" in names
    out_shape = tuple(1 if (keepdims and i in axes) else n for i, n in enumerate(shape) if keepdims or i not in axes)
    out_shape = out_shape[1:] if squeeze else out_shape
    length = value.pixels.length if collection and "images" not in names else None
    node = px.apply("imagery.reduce", value.pixels, shape=out_shape, length=length, operation=operation,
                    axes=axes, keepdims=keepdims, squeeze_first=squeeze)
    return _package(kind, node, value, operation, "bands" in names)


def _kind(names: frozenset, collection: bool) -> str:
    if not collection:
        return {frozenset({"pixels"}): "dict", frozenset({"bands"}): "image"}.get(names, "float")
    table = {
        frozenset({"images"}): "image", frozenset({"bands"}): "collection", frozenset({"pixels"}): "list_dict",
        frozenset({"images", "pixels"}): "dict", frozenset({"bands", "pixels"}): "list_float",
        frozenset({"images", "bands"}): "image",
    }
    return table.get(names, "float")


def _empty_result(kind: str, geoctx: Any) -> Any:
    if kind == "float":
        return float("nan")
    if kind == "dict":
        return {}
    if kind == "image":
        return empty_image(geoctx)
    if kind == "collection":
        return empty_collection(geoctx)
    return []


def _package(kind: str, node: Any, value: Any, operation: str, bands_reduced: bool) -> Any:
    names = value.bandnames
    if kind == "float":
        return pick(node, ())
    if kind == "dict":
        return {name: pick(node, (b,)) for b, name in enumerate(names)}
    n = len(value.properties) if isinstance(value, CollectionValue) else 1
    if kind == "list_dict":
        return [{name: pick(node, (i, b)) for b, name in enumerate(names)} for i in range(n)]
    if kind == "list_float":
        return [pick(node, (i,)) for i in range(n)]
    bandinfo = {operation: {}} if bands_reduced else copy_bandinfo(value.bandinfo)
    if kind == "collection":
        return value.replace(pixels=node, properties=[dict(p) for p in value.properties], bandinfo=bandinfo)
    properties = intersect_dicts(value.properties) if isinstance(value, CollectionValue) else dict(value.properties)
    return ImageValue(node, properties, bandinfo, value.geocontext)


def _builtin(operation: str) -> Any:
    def run(value: Any, axis: Any = None) -> Any:
        return reduce_value(value, operation, axis)

    run.__name__ = f"imagery_{operation}"
    run.__doc__ = f"``wf.{operation}`` of an image or collection value along ``axis``."
    return run


for _op in REDUCTIONS:
    if _op != "count":
        imagery_builtin(f"wf.{_op}")(_builtin(_op))


def _install_count() -> None:
    """``wf.count`` is also the array builtin: imagery values come here, anything else goes to the array one."""
    import gpucompute.execution.builtins_array  # noqa: F401  (registers the array wf.count first)
    from gpucompute.execution.builtins_core import extend_builtin

    count = _builtin("count")
    extend_builtin("wf.count", ImageValue, count)
    extend_builtin("wf.count", CollectionValue, count)


_install_count()


@imagery_builtin("wf.reduction")
def reduction(value: Any, operation: str, axis: Any = None) -> Any:
    """``wf.reduction``: the reduction named ``operation`` along ``axis``."""
    return reduce_value(value, operation, axis)


# ---- composites ------------------------------------------------------------------------------------
def mosaic_value(value: CollectionValue, reverse: Any = False) -> ImageValue:
    """The first-valid mosaic of a collection value (the last image on top unless ``reverse``)."""
    from gpucompute.execution.builtins_core import truth

    if value.empty:
        return empty_image(value.geocontext)
    node = px.apply("imagery.mosaic", value.pixels, shape=value.pixels.shape[1:], reverse=truth(reverse))
    return ImageValue(node, intersect_dicts(value.properties), copy_bandinfo(value.bandinfo), value.geocontext)


imagery_builtin("wf.mosaic")(mosaic_value)


@imagery_builtin("wf.ImageCollection.sortby_composite")
def sortby_composite(value: CollectionValue, band: Any, operation: str = "argmax") -> ImageValue:
    """Per pixel, all bands of the image where ``band`` (a name, or a one-band collection) is extreme."""
    if operation not in ("argmax", "argmin"):
        raise ComputeError(f"sortby_composite: operation must be 'argmax' or 'argmin', got {operation!r}")
    if value.empty or (isinstance(band, CollectionValue) and band.empty):
        return empty_image(value.geocontext)
    shape = value.pixels.shape[1:]
    if isinstance(band, CollectionValue):
        if band.nbands != 1 or len(band) != len(value):
            raise ComputeError(f"sortby_composite: the sort band must be a one-band collection of the same length "
                               f"({len(value)} images), got {band.nbands} bands {band.bandnames} and {len(band)} images")
        node = px.apply("imagery.sortby", value.pixels, band.pixels, shape=shape, band=-1, operation=operation)
    else:
        if band not in value.bandinfo:
            raise ComputeError(f"sortby_composite: there is no band {band!r}; the bands are {value.bandnames}")
        node = px.apply("imagery.sortby", value.pixels, shape=shape, band=value.bandnames.index(band),
                        operation=operation)
    return ImageValue(node, intersect_dicts(value.properties), copy_bandinfo(value.bandinfo), value.geocontext)
