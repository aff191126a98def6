"""Dynamic Compute builtins (``dc.*``): sources, image selection and grouping, bands, reductions, values.

Sources read a product over the GeoContext the way Dynamic Compute does: a
``Mosaic`` is the composite of every image in the date range (the most recent
valid pixel on top), an ``ImageStack`` the images themselves, oldest first.
Selection (``filter``, ``filter_by_id``, ``groupby``, ``index``) happens in the
plan on the images' properties; the pixel work is recorded as pixel
operations (``dc.*`` in :data:`~gpucompute.execution.pixels.PIXEL_OPS`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gpucompute.errors import ComputeError, GeoContextError
from gpucompute.execution import pixels as px
from gpucompute.execution.imagery import (
    CollectionValue,
    ImageValue,
    imagery_builtin,
)
from gpucompute.execution.imagery_sources import (
    geoctx_or_fail,
    get_product,
    images_for,
    read_collection,
    read_image,
)
from gpucompute.graft.registry import BUILTINS

__all__ = ["HostFunction", "subset_collection"]

#: Image property keys that are not user (extra) properties.
_STANDARD = frozenset({"id", "product", "date", "acquired", "crs", "geotrans", "geometry", "cloud_fraction",
                       "alt_cloud_fraction", "fill_fraction", "bright_fraction", "sun_azimuth", "sun_elevation",
                       "satellite_azimuth", "satellite_elevation", "view_angle", "azimuth_angle", "incidence_angle",
                       "processed", "published"})


# ---- sources -------------------------------------------------------------------------------------------
def _padded(geoctx: Any, pad: int) -> Any:
    if not pad:
        return geoctx
    from gpucompute.geo import GeoContext

    transform = geoctx.transform
    if transform.b or transform.d:
        raise GeoContextError(f"pad needs a north-up GeoContext, got the transform {tuple(transform)[:6]!r}")
    rx, ry = abs(transform.a), abs(transform.e)
    if rx != ry:
        raise GeoContextError(f"pad needs square pixels, got {rx!r} x {ry!r}")
    x0, y0, x1, y1 = geoctx.projected_bounds
    bounds = (x0 - pad * rx, y0 - pad * ry, x1 + pad * rx, y1 + pad * ry)
    return GeoContext.from_bounds(bounds, geoctx.crs, resolution=rx, all_touched=geoctx.all_touched)


@imagery_builtin("dc.Mosaic.from_product_bands")
def mosaic_from_product_bands(product_id: str, bands: str, start_datetime: Any = None, end_datetime: Any = None,
                              pad: int = 0, resampler: str = "near") -> ImageValue:
    """The composite of the product's images in the date range, most recent valid pixel on top."""
    geoctx = _padded(geoctx_or_fail(), pad)
    images = images_for(product_id, geoctx, start_datetime, end_datetime)
    props = {"product_id": product_id, "bands": bands.split(), "pad": pad}
    return read_image(images, get_product(product_id), bands.split(), geoctx, resampler, properties=props)


@imagery_builtin("dc.Mosaic.from_image_ids")
def mosaic_from_image_ids(image_ids: str, bands: str, pad: int = 0, resampler: str = "near") -> ImageValue:
    """The composite of the listed catalog images (later ones on top)."""
    from gpucompute.catalog import Image

    geoctx = _padded(geoctx_or_fail(), pad)
    images = Image.get_many(json.loads(image_ids))
    products = sorted({i.product_id for i in images})
    if len(products) != 1:
        raise ComputeError(f"Mosaic.from_image_ids needs images of one product, got products {products}")
    props = {"product_id": products[0], "bands": bands.split(), "pad": pad}
    return read_image(images, get_product(products[0]), bands.split(), geoctx, resampler, properties=props)


@imagery_builtin("dc.ImageStack.from_product_bands")
def stack_from_product_bands(product_id: str, bands: str, start_datetime: Any = None, end_datetime: Any = None,
                             predicate_filter: str | None = None, sort_by: str | None = None, ascending: bool = True,
                             pad: int = 0, resampler: str = "near") -> CollectionValue:
    """The product's images in the date range (matching ``predicate_filter``), oldest first or by ``sort_by``."""
    from gpucompute.catalog.properties import Expression

    geoctx = _padded(geoctx_or_fail(), pad)
    where = Expression.from_dict(json.loads(predicate_filter)) if predicate_filter else None
    images = images_for(product_id, geoctx, start_datetime, end_datetime, where=where)
    if sort_by is not None or not ascending:
        key = sort_by or "acquired"
        valued = [i for i in images if _image_value(i, key) is not None]
        unset = [i for i in images if _image_value(i, key) is None]
        images = sorted(valued, key=lambda i: _image_value(i, key), reverse=not ascending) + unset
    value = read_collection(images, get_product(product_id), bands.split(), geoctx, resampler)
    props = [{**p, "product_id": product_id, "geometry": _wkt(i)} for p, i in zip(value.properties, images)]
    return value.replace(properties=props)


def _image_value(image: Any, key: str) -> Any:
    value = getattr(image, key, None)
    return (image.extra_properties or {}).get(key) if value is None else value


def _wkt(image: Any) -> str | None:
    geometry = getattr(image, "geometry", None)
    return None if geometry is None else geometry.wkt


# ---- functions of catalog images ------------------------------------------------------------------------
class HostFunction:
    """A function of a catalog ``Image`` object, run on the host during the plan."""

    def __init__(self, fn: Callable[[Any], Any], name: str) -> None:
        self.fn, self.name = fn, name

    def __call__(self, image: Any) -> Any:
        return self.fn(image)

    def __repr__(self) -> str:
        return f"<HostFunction {self.name}>"


@BUILTINS.register("dc.local_callable")
def local_callable(key: str) -> HostFunction:
    """The untraceable Python callable registered in this process under ``key``."""
    from gpucompute.dc.predicates import get_local_callable

    return HostFunction(get_local_callable(key), key)


local_callable.session_only = True  # saving an object that uses it is refused (see execution.saved)


@BUILTINS.register("dc.catalog_predicate")
def catalog_predicate(text: str) -> HostFunction:
    """A catalog property expression (its ``to_dict`` JSON) as a test of a catalog image."""
    from gpucompute.catalog.properties import Expression

    expression = Expression.from_dict(json.loads(text))
    return HostFunction(expression.matches, text)


def _apply_to_images(fn: Any, properties: Sequence[dict]) -> list[Any]:
    """``fn`` of each image: a :class:`HostFunction` gets the catalog Image, a traced function its properties."""
    if isinstance(fn, HostFunction):
        from gpucompute.catalog import Image

        images = Image.get_many([p["id"] for p in properties])
        return [fn(image) for image in images]
    out = []
    for props in properties:
        scene = dict(props)
        scene["extra_properties"] = {k: v for k, v in props.items() if k not in _STANDARD}
        out.append(fn(scene))
    return out


def _truth(value: Any) -> bool:
    if hasattr(value, "shape") and getattr(value, "shape", ()) != ():
        raise ComputeError(f"a filter function must return one bool per image, got an array of shape {value.shape}")
    return bool(value) if value is not None else False


# ---- selecting images -------------------------------------------------------------------------------------
@px.pixel_op("dc.take")
def _take(stack: Any, indices: Any) -> Any:
    from gpucompute.array import take

    xp = stack.backend.xp
    return take(stack, xp.asarray(indices).astype(xp.int32), axis=0)


@px.pixel_op("dc.index")
def _index(stack: Any, *, index: int) -> Any:
    return stack[index]


def subset_collection(value: CollectionValue, indices: Sequence[int]) -> CollectionValue:
    """The images ``indices`` of ``value`` (re-reading fewer images when the pixels are a plain read)."""
    indices = [int(i) for i in indices]
    if value.empty or not indices:
        return CollectionValue(None, [], {}, value.geocontext)
    if list(indices) == list(range(len(value))):
        return value
    pixels = value.pixels
    shape = (len(indices),) + tuple(pixels.shape[1:])
    if pixels.op == "read":
        spec = pixels.payload
        new = px.read(dataclasses.replace(spec, images=tuple(spec.images[i] for i in indices)))
    else:
        new = px.apply("dc.take", pixels, np.asarray(indices, dtype=np.float32), shape=shape, length=len(indices))
    return value.replace(pixels=new, properties=[value.properties[i] for i in indices])


@imagery_builtin("dc.filter_data")
def filter_data(stack: CollectionValue, predicate: Any) -> CollectionValue:
    """The images for which ``predicate`` is true."""
    if stack.empty:
        return stack
    keep = [i for i, ok in enumerate(_apply_to_images(predicate, stack.properties)) if _truth(ok)]
    return subset_collection(stack, keep)


@imagery_builtin("dc.filter_by_id")
def filter_by_id(stack: CollectionValue, ids: Any) -> CollectionValue:
    """The images whose id is in ``ids`` (a JSON list or a list), in stack order."""
    wanted = set(json.loads(ids) if isinstance(ids, str) else ids)
    return subset_collection(stack, [i for i, p in enumerate(stack.properties) if p.get("id") in wanted])


@imagery_builtin("dc.groupby_data")
def groupby_data(stack: CollectionValue, key_fn: Any) -> list[tuple[Any, list[str]]]:
    """``[(key, [image ids]), ...]``: the images grouped by ``key_fn``, keys sorted when they can be."""
    groups: dict[Any, list[str]] = {}
    for props, key in zip(stack.properties, _apply_to_images(key_fn, stack.properties)):
        key = tuple(key) if isinstance(key, list) else key
        groups.setdefault(key, []).append(props["id"])
    try:
        keys = sorted(groups)
    except TypeError:
        keys = list(groups)
    return [(k, groups[k]) for k in keys]


@imagery_builtin("dc.length")
def length(stack: CollectionValue) -> int:
    """The number of images."""
    return len(stack.properties)


@imagery_builtin("dc.index")
def index(stack: CollectionValue, idx: Any) -> ImageValue:
    """Image ``idx`` of the stack (negative counts from the end)."""
    n = len(stack.properties)
    i = int(idx)
    if not -n <= i < n:
        raise ComputeError(f"ImageStack.get: index {i} is out of range for a stack of {n} image(s) in this AOI")
    i %= n
    pixels = stack.pixels
    if pixels.op == "read":
        spec = pixels.payload
        new = px.read(dataclasses.replace(spec, images=(spec.images[i],), composite=True))
    else:
        new = px.apply("dc.index", pixels, shape=pixels.shape[1:], index=i)
    return ImageValue(new, dict(stack.properties[i]), dict(stack.bandinfo), stack.geocontext)


@BUILTINS.register("dc.resolution_x")
def resolution_x() -> float:
    """The GeoContext's pixel width in CRS units."""
    return float(abs(geoctx_or_fail().transform.a))


@BUILTINS.register("dc.resolution_y")
def resolution_y() -> float:
    """The GeoContext's pixel height in CRS units."""
    return float(abs(geoctx_or_fail().transform.e))


# Bands, reductions and pixel values are registered by a second module (kept in the dc package, which
# this helper owns; it belongs to the execution layer and may move here as ``_builtins_dc_pixels``).
from gpucompute.dc import _runtime_pixels as _pixels  # noqa: F401
