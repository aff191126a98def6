"""Collection builtins of ImageCollection: selecting, ordering, looping and windows, all in the plan.

Which images a collection holds is metadata, so ``filter``, ``sorted``,
``head``, ``tail``, ``partition``, indexing and ``reversed`` run on the host
and only change *which* images the pixels come from: a collection still read
straight from the catalog gets a new read leaf of just the kept images (the
others are never read); any other collection gets a ``"take"`` pixel
operation with the kept indices.  Loops (``map``, ``filter``, ``reduce``,
``sorted`` keys, windows) call the graft function once per image with an
:class:`ImageValue` whose pixels are that image's slice.

The generic ``wf.map``, ``wf.filter``, ``wf.reduce``, ``wf.sorted``,
``wf.reversed``, ``wf.contains`` and ``wf.get`` of :mod:`.builtins_core` are
extended here to take a :class:`CollectionValue` first argument.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gpucompute.errors import ComputeError
from gpucompute.execution import builtins_core
from gpucompute.execution import pixels as px
from gpucompute.execution.builtins_core import MISSING, no_initial, scalar, truth
from gpucompute.execution.builtins_imagery import stack_images
from gpucompute.execution.imagery import (
    CollectionValue,
    ImageValue,
    copy_bandinfo,
    empty_collection,
    empty_image,
    imagery_builtin,
    intersect_dicts,
)

__all__ = ["as_bool", "concat_imagery", "image_at", "images", "select"]


# -- pixel operations -------------------------------------------------------------------------------
@px.pixel_op("take")
def _take(stack: Any, indices: tuple) -> Any:
    from gpucompute.array import take

    return take(stack, list(indices), axis=0)


@px.pixel_op("take_image")
def _take_image(stack: Any, index: int) -> Any:
    return stack[index]


# -- selecting images ---------------------------------------------------------------------------------
def _is_read(pixels: Any) -> bool:
    return isinstance(pixels, px.Pixels) and pixels.op == "read" and not pixels.payload.composite


def select(coll: CollectionValue, indices: Sequence[int], *, new_leaf: bool = True) -> CollectionValue:
    """The images of ``coll`` at ``indices`` (in that order), as a collection.

    A catalog read gets a new read leaf of only those images (unless
    ``new_leaf`` is false, for selections that share the full read); other
    pixels get a ``"take"`` operation.
    """
    indices = [int(i) for i in indices]
    if coll.empty or not indices:
        return empty_collection(coll.geocontext)
    props = [dict(coll.properties[i]) for i in indices]
    pixels = coll.pixels
    if indices == list(range(len(coll))):
        return coll.replace(properties=props)
    if new_leaf and _is_read(pixels):
        spec = pixels.payload
        chosen = px.read(dataclasses.replace(spec, images=tuple(spec.images[i] for i in indices)))
    else:
        shape = (len(indices),) + tuple(pixels.shape[1:])
        chosen = px.apply("take", pixels, indices=tuple(indices), shape=shape, length=len(indices))
    return coll.replace(pixels=chosen, properties=props)


def image_at(coll: CollectionValue, index: int, *, new_leaf: bool = True) -> ImageValue:
    """Image ``index`` of a non-empty ``coll`` (a read of just that image when ``coll`` is a catalog read)."""
    pixels = coll.pixels
    if new_leaf and _is_read(pixels):
        spec = pixels.payload
        source, at = px.read(dataclasses.replace(spec, images=(spec.images[index],))), 0
    else:
        source, at = pixels, index
    image = px.apply("take_image", source, index=at, shape=tuple(pixels.shape[1:]))
    return ImageValue(image, dict(coll.properties[index]), copy_bandinfo(coll.bandinfo), coll.geocontext)


def images(coll: CollectionValue, *, new_leaf: bool = True) -> list[ImageValue]:
    """Every image of ``coll`` as an :class:`ImageValue`."""
    return [] if coll.empty else [image_at(coll, i, new_leaf=new_leaf) for i in range(len(coll))]


def _as_collection(value: Any) -> CollectionValue:
    if isinstance(value, CollectionValue):
        return value
    return stack_images([value])


def concat_imagery(values: Sequence[Any], geocontext: Any = None) -> CollectionValue:
    """One collection of the images of ``values`` (Images and ImageCollections), empties dropped."""
    kept = [v for v in values if not v.empty]
    geoctx = geocontext if geocontext is not None else next((v.geocontext for v in values), None)
    if not kept:
        return empty_collection(geoctx)
    if all(isinstance(v, ImageValue) for v in kept):
        return stack_images(kept)
    parts = [_as_collection(v) for v in kept]
    if len(parts) == 1:
        return parts[0]
    names = parts[0].bandnames
    for part in parts[1:]:
        if part.bandnames != names:
            raise ComputeError(f"imagery to combine into one ImageCollection must have the same bands, got {names} "
                               f"and {part.bandnames}")
    lengths = tuple(len(p) for p in parts)
    shape = (sum(lengths),) + tuple(parts[0].pixels.shape[1:])
    pixels = px.apply("images.concat", *(p.pixels for p in parts), lengths=lengths, shape=shape,
                      length=sum(lengths))
    bandinfo = {n: intersect_dicts([p.bandinfo[n] for p in parts]) for n in names}
    props = [dict(d) for p in parts for d in p.properties]
    return CollectionValue(pixels, props, bandinfo, parts[0].geocontext or geoctx)


def as_bool(value: Any) -> bool:
    """The truth of a computed predicate (Python/NumPy bool, 0-d array or 0-d masked array; masked is False)."""
    if hasattr(value, "to_numpy") and hasattr(value, "mask"):
        value = value.to_numpy()
    if isinstance(value, np.ma.MaskedArray):
        return False if value.mask.any() else bool(value.filled().item())
    return truth(value)


def _key(value: Any) -> Any:
    if hasattr(value, "to_numpy") and hasattr(value, "mask"):
        value = value.to_numpy().item()
    return builtins_core.hashable(value)


def _count(n: Any) -> int:
    return int(scalar(n))


# -- generic collection builtins, for a CollectionValue ------------------------------------------------
def _map(coll: CollectionValue, fn: Callable) -> list:
    return [fn(img) for img in images(coll)]


def _filter(coll: CollectionValue, fn: Callable) -> CollectionValue:
    verdicts = px.resolve([fn(img) for img in images(coll)], into_imagery=False)
    return select(coll, [i for i, v in enumerate(verdicts) if as_bool(v)])


def _reduce(coll: CollectionValue, fn: Callable, initial: Any = MISSING) -> Any:
    if no_initial(initial):
        return functools.reduce(fn, images(coll)) if not coll.empty else empty_image(coll.geocontext)
    return functools.reduce(fn, images(coll), initial)


def _sorted(coll: CollectionValue, key: Callable | None = None, reverse: Any = False) -> CollectionValue:
    if key is None:
        raise ComputeError("sorting an ImageCollection needs a key function, e.g. "
                           "imgs.sorted(lambda img: img.properties['date'])")
    keys = px.resolve([key(img) for img in images(coll)], into_imagery=False)
    order = sorted(range(len(keys)), key=lambda i: _key(keys[i]), reverse=truth(reverse))
    return select(coll, order)


def _reversed(coll: CollectionValue) -> CollectionValue:
    return select(coll, range(len(coll) - 1, -1, -1))


def _contains(coll: CollectionValue, item: Any) -> bool:
    """True if an image of ``coll`` has the metadata (properties and bands) of ``item``."""
    if not isinstance(item, ImageValue) or item.empty:
        return False
    return any(p == item.properties for p in coll.properties) and item.bandnames == coll.bandnames


def _get(coll: CollectionValue, key: Any, default: Any = MISSING) -> Any:
    key = key if isinstance(key, slice) else _count(key)
    n = len(coll)
    if isinstance(key, slice):
        return select(coll, range(n)[key])
    if coll.empty:
        return empty_image(coll.geocontext)
    if not -n <= key < n:
        raise ComputeError(f"image index {key} is out of range for an ImageCollection of {n} image(s)")
    return image_at(coll, key % n)


for _name, _impl in {"wf.map": _map, "wf.filter": _filter, "wf.reduce": _reduce, "wf.sorted": _sorted,
                     "wf.reversed": _reversed, "wf.contains": _contains, "wf.get": _get}.items():
    builtins_core.extend_builtin(_name, CollectionValue, _impl)


# -- ImageCollection methods ----------------------------------------------------------------------------
@imagery_builtin("wf.map_imagery")
def map_imagery(coll: CollectionValue, fn: Callable) -> CollectionValue:
    """``imgs.map(f)`` with ``f`` returning Images: one collection of the non-empty results."""
    if coll.empty:
        return empty_collection(coll.geocontext)
    return concat_imagery([fn(img) for img in images(coll)], coll.geocontext)


@imagery_builtin("wf.ImageCollection.head")
def head(coll: CollectionValue, n: Any) -> CollectionValue:
    """The first ``n`` images (``n`` past the end gives them all)."""
    return select(coll, range(len(coll))[: _count(n)])


@imagery_builtin("wf.ImageCollection.tail")
def tail(coll: CollectionValue, n: Any) -> CollectionValue:
    """The last ``n`` images (``n`` past the start gives them all; 0 gives none)."""
    n = _count(n)
    return select(coll, range(len(coll))[-n:] if n else [])


@imagery_builtin("wf.ImageCollection.partition")
def partition(coll: CollectionValue, i: Any) -> tuple[CollectionValue, CollectionValue]:
    """``(images before index i, images from i on)``."""
    i, indices = _count(i), range(len(coll))
    return select(coll, indices[:i]), select(coll, indices[i:])


def _windows(coll: CollectionValue, fn: Callable, back: Any, fwd: Any) -> list:
    back, fwd = _count(back), _count(fwd)
    if back < 0 or fwd < 0:
        raise ComputeError(f"map_window needs back >= 0 and fwd >= 0, got back={back}, fwd={fwd}")
    n = len(coll)
    if coll.empty:
        return []
    if back + 1 + fwd > n:
        raise ComputeError(f"map_window: the window (back={back} + 1 + fwd={fwd}) is longer than the "
                           f"ImageCollection ({n} image(s))")
    # the windows share the collection's read: each image is read once however many windows hold it
    return [fn(select(coll, range(i - back, i), new_leaf=False), image_at(coll, i, new_leaf=False),
               select(coll, range(i + 1, i + 1 + fwd), new_leaf=False)) for i in range(back, n - fwd)]


@imagery_builtin("wf.ImageCollection.map_window")
def map_window(coll: CollectionValue, fn: Callable, back: Any = 0, fwd: Any = 0) -> list:
    """``fn(back_imgs, img, fwd_imgs)`` for each full window, as a list."""
    return _windows(coll, fn, back, fwd)


@imagery_builtin("wf.ImageCollection.map_window_ic")
def map_window_ic(coll: CollectionValue, fn: Callable, back: Any = 0, fwd: Any = 0) -> CollectionValue:
    """``fn(back_imgs, img, fwd_imgs)`` for each full window, the imagery results as one collection."""
    return concat_imagery(_windows(coll, fn, back, fwd), coll.geocontext)
