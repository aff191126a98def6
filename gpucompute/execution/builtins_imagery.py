"""Sources of Workflows imagery: ``wf.Image.load``, ``wf.ImageCollection.from_id`` and ``from_images``.

See :mod:`gpucompute.execution.imagery_sources` for how a source becomes a
catalog search and a lazy read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gpucompute.errors import ComputeError, NotFoundError
from gpucompute.execution import pixels as px
from gpucompute.execution.imagery import (
    CollectionValue,
    ImageValue,
    imagery_builtin,
    intersect_dicts,
)
from gpucompute.execution.imagery_sources import (
    geoctx_or_fail,
    get_product,
    images_for,
    read_collection,
    read_image,
)

__all__: list[str] = []


@imagery_builtin("wf.Image.load")
def image_load(image_id: str, resampler: str | None = None, processing_level: str | None = None) -> ImageValue:
    """The catalog image ``image_id`` on the GeoContext (masked where it does not reach)."""
    from gpucompute.catalog import Image

    geoctx = geoctx_or_fail()
    image = Image.get(image_id)
    if image is None:
        raise NotFoundError(f"there is no image {image_id!r} in the catalog")
    product = get_product(image.product_id)
    return read_image([image], product, None, geoctx, resampler, processing_level)


@imagery_builtin("wf.ImageCollection.from_id")
def collection_from_id(product_id: str, start_datetime: Any = None, end_datetime: Any = None,
                       limit: int | None = None, resampler: str | None = None,
                       processing_level: str | None = None) -> CollectionValue:
    """The images of ``product_id`` over the GeoContext in ``[start_datetime, end_datetime)``, oldest first."""
    geoctx = geoctx_or_fail()
    images = images_for(product_id, geoctx, start_datetime, end_datetime, limit)
    return read_collection(images, get_product(product_id), None, geoctx, resampler, processing_level)


@px.pixel_op("stack")
def _stack(*images: Any) -> Any:
    from gpucompute.array import stack

    return stack(images, axis=0)


@px.pixel_op("images.concat")
def _concat_images(*values: Any, lengths: tuple) -> Any:
    """Join collections (and images, whose length is None) along the images axis.

    Compiled inputs are padded to their bucket, so each is cut to its true length first.
    """
    from gpucompute.array import concatenate, stack

    parts = [stack([v], axis=0) if n is None else v[:n] for v, n in zip(values, lengths)]
    return concatenate(parts, axis=0)


def stack_images(images: Sequence[ImageValue]) -> CollectionValue:
    """A collection of ``images`` (non-empty ones; they must have the same band names)."""
    kept = [i for i in images if not i.empty]
    geoctx = next((i.geocontext for i in images if i.geocontext is not None), None)
    if not kept:
        return CollectionValue(None, [], {}, geoctx)
    names = kept[0].bandnames
    for image in kept[1:]:
        if image.bandnames != names:
            raise ComputeError(f"images in a collection must have the same bands, got {names} and "
                               f"{image.bandnames}")
    bandinfo = {n: intersect_dicts([i.bandinfo[n] for i in kept]) for n in names}
    shape = (len(kept),) + tuple(kept[0].pixels.shape)
    pixels = px.apply("stack", *(i.pixels for i in kept), shape=shape, length=len(kept))
    return CollectionValue(pixels, [dict(i.properties) for i in kept], bandinfo, geoctx)


@imagery_builtin("wf.ImageCollection.from_images")
def from_images(images: Sequence[ImageValue]) -> CollectionValue:
    """``ImageCollection(images)``: stack a list of images (empty ones are dropped)."""
    return stack_images(list(images))
