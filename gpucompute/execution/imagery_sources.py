"""Where imagery comes from: catalog searches for the GeoContext, turned into lazy reads.

This is the start of the plan phase.  A source looks up images in the local
catalog (those intersecting the GeoContext, in a date range, in acquisition
order), builds their properties and band info on the host, and describes the
pixels as a :func:`~gpucompute.execution.pixels.read` leaf of every band of the
product.  Nothing is read here: the pixel phase reads only the images and
bands that the result still needs.

Values are float32 in each band's physical range where the product declares
one (the catalog's ``"physical"`` scaling); nodata, alpha and the area outside
the GeoContext's geometry are masked.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from gpucompute.errors import ComputeError, NotFoundError
from gpucompute.execution import pixels as px
from gpucompute.execution.context import current_geoctx
from gpucompute.execution.imagery import CollectionValue, ImageValue

__all__ = ["band_info", "image_properties", "images_for", "read_collection", "read_image"]

#: Resampler used when none is given.
DEFAULT_RESAMPLER = "near"


def image_properties(image: Any) -> dict[str, Any]:
    """The properties of a catalog image as imagery carries them.

    ``id``, ``product``, ``date`` and ``acquired`` (UTC datetimes), ``crs``,
    ``geotrans``, the ``*_fraction`` and angle attributes that are set, and
    every key of ``extra_properties``.
    """
    props: dict[str, Any] = {
        "id": image.id,
        "product": image.product_id,
        "date": image.acquired,
        "acquired": image.acquired,
        "crs": image.cs_code or image.projection,
        "geotrans": tuple(image.geotrans) if image.geotrans else None,
    }
    for name in ("cloud_fraction", "alt_cloud_fraction", "fill_fraction", "bright_fraction", "sun_azimuth",
                 "sun_elevation", "satellite_azimuth", "satellite_elevation", "view_angle", "azimuth_angle",
                 "incidence_angle", "processed", "published"):
        value = getattr(image, name, None)
        if value is not None:
            props[name] = value
    for key, value in (image.extra_properties or {}).items():
        props.setdefault(key, value)
    return props


def band_info(product: Any, names: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """``{band name: info}`` for a product's bands (all, or ``names`` in that order), in band order.

    Each info has ``id``, ``name``, ``data_range`` (the range of the values as
    computed: the physical range where one is declared), ``type`` and the
    band's declared ranges and nodata.
    """
    bands = {b.name: b for b in product.bands()}
    wanted = list(bands) if names is None else list(names)
    missing = [n for n in wanted if n not in bands]
    if missing:
        raise ComputeError(f"product {product.id!r} has no band(s) {missing}; its bands are {list(bands)}")
    info = {}
    for name in wanted:
        band = bands[name]
        physical = getattr(band, "physical_range", None)
        entry = {
            "id": band.id,
            "name": name,
            "data_range": tuple(physical) if physical else tuple(band.data_range or (0, 1)),
            "type": type(band).__name__,
            "original_data_range": tuple(band.data_range) if band.data_range else None,
            "physical_range": tuple(physical) if physical else None,
            "nodata": band.nodata,
        }
        info[name] = entry
    return info


def _utc(value: Any) -> datetime.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def get_product(product_id: str) -> Any:
    from gpucompute.catalog import Product

    product = Product.get(product_id)
    if product is None:
        raise NotFoundError(f"there is no product {product_id!r} in the catalog; list them with "
                            "`gpucompute catalog ls`")
    return product


def images_for(product_id: str, geoctx: Any, start_datetime: Any = None, end_datetime: Any = None,
               limit: int | None = None, where: Any = None) -> list[Any]:
    """Catalog images of ``product_id`` intersecting ``geoctx`` in ``[start, end)``, oldest first.

    ``where`` is an optional catalog property expression (``properties.cloud_fraction < 0.2``).
    """
    from gpucompute.catalog import properties as p

    product = get_product(product_id)
    search = product.images().intersects(geoctx.__geo_interface__).sort("acquired")
    start, end = _utc(start_datetime), _utc(end_datetime)
    if start is not None:
        search = search.filter(p.acquired >= start)
    if end is not None:
        search = search.filter(p.acquired < end)
    if where is not None:
        search = search.filter(where)
    if limit is not None:
        search = search.limit(int(limit))
    return list(search)


def read_collection(images: Sequence[Any], product: Any, bands: Sequence[str] | None, geoctx: Any,
                    resampler: str | None = None, processing_level: str | None = None) -> CollectionValue:
    """A collection of ``images`` (all of one product) with lazy pixels of ``bands`` (default: all)."""
    info = band_info(product, bands)
    if not images:
        return CollectionValue(None, [], {}, geoctx)
    spec = px.ReadSpec(tuple(images), tuple(info), geoctx, resampler or DEFAULT_RESAMPLER, processing_level)
    return CollectionValue(px.read(spec), [image_properties(i) for i in images], info, geoctx)


def read_image(images: Sequence[Any], product: Any, bands: Sequence[str] | None, geoctx: Any,
               resampler: str | None = None, processing_level: str | None = None,
               properties: dict | None = None) -> ImageValue:
    """One image composited from ``images`` (the last valid pixel on top) with lazy pixels of ``bands``."""
    info = band_info(product, bands)
    if not images:
        return ImageValue(None, {}, {}, geoctx)
    spec = px.ReadSpec(tuple(images), tuple(info), geoctx, resampler or DEFAULT_RESAMPLER, processing_level,
                       composite=True)
    props = properties if properties is not None else image_properties(images[-1])
    return ImageValue(px.read(spec), props, info, geoctx)


def geoctx_or_fail() -> Any:
    return current_geoctx(required=True)
