"""A small catalog product with known pixels, for testing imagery against NumPy.

:func:`build_imagery_product` writes a product of a few tiny images (random
UInt16 reflectance x 10000, physical range 0-1, nodata 0 where a random mask
says) into the current catalog and returns an :class:`ImageryFixture`: the
product id, a GeoContext on the images' own grid (so nothing is resampled),
and the values the engine must compute, as a ``numpy.ma`` array
``(images, bands, y, x)`` in float32 physical units.  Tests compute the same
thing with ``numpy.ma`` on :attr:`ImageryFixture.data` and compare.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["ImageryFixture", "build_imagery_product"]

_CRS = "EPSG:32610"
_ORIGIN = (600000.0, 4200000.0)
_RESOLUTION = 20.0
_START = datetime.datetime(2023, 1, 1, 18, 0, tzinfo=datetime.timezone.utc)


@dataclass
class ImageryFixture:
    """What :func:`build_imagery_product` made.

    Attributes
    ----------
    product_id : str
    bands : list of str
        The product's bands, in order.
    geoctx : gpucompute.geo.GeoContext
        The images' own grid.
    data : numpy.ma.MaskedArray
        ``(images, bands, y, x)`` float32 values in physical units, oldest image first.
    image_ids : list of str
    dates : list of datetime.datetime
        Acquisition times (UTC), one per image.
    cloud_fractions : list of float
        The ``cloud_fraction`` property of each image.
    extra : list of dict
        Each image's ``extra_properties``.
    """

    product_id: str
    bands: list[str]
    geoctx: Any
    data: np.ma.MaskedArray
    image_ids: list[str] = field(default_factory=list)
    dates: list[datetime.datetime] = field(default_factory=list)
    cloud_fractions: list[float] = field(default_factory=list)
    extra: list[dict] = field(default_factory=list)


def build_imagery_product(product_id: str = "test:imagery", *, n_images: int = 6,
                          bands: tuple[str, ...] = ("red", "green", "blue", "nir"), shape: tuple[int, int] = (24, 32),
                          masked_fraction: float = 0.1, days_between: int = 5, seed: int = 0) -> ImageryFixture:
    """Create a product with ``n_images`` random images in the current catalog.

    Images are ``days_between`` days apart from 2023-01-01 and carry
    ``cloud_fraction`` (random) plus ``extra_properties`` ``{"index": k,
    "parity": "even"|"odd"}``.  About ``masked_fraction`` of each band's pixels
    are nodata.
    """
    from gpucompute.catalog import Image, Product, SpectralBand
    from gpucompute.geo import GeoContext

    rng = np.random.default_rng(seed)
    rows, cols = shape
    product = Product(id=product_id, name=f"Test imagery {product_id}")
    product.save()
    for k, name in enumerate(bands):
        SpectralBand(product=product, name=name, band_index=k, file_index=0, data_type="UInt16", nodata=0,
                     data_range=(0, 10000), physical_range=(0.0, 1.0), display_range=(0, 4000),
                     resolution=_RESOLUTION).save()
    raw = rng.integers(1, 10001, size=(n_images, len(bands), rows, cols)).astype(np.uint16)
    mask = rng.random(raw.shape) < masked_fraction
    raw[mask] = 0
    x0, y0 = _ORIGIN
    geotrans = (x0, _RESOLUTION, 0.0, y0, 0.0, -_RESOLUTION)
    fixture = ImageryFixture(product.id, list(bands), None, None)  # type: ignore[arg-type]
    for i in range(n_images):
        date = _START + datetime.timedelta(days=days_between * i)
        cloud = float(np.round(rng.random(), 3))
        extra = {"index": i, "parity": "even" if i % 2 == 0 else "odd"}
        image = Image(product=product, name=f"img{i:03d}", acquired=date, cloud_fraction=cloud,
                      cs_code=_CRS, geotrans=geotrans, extra_properties=extra)
        image.upload_ndarray(raw[i])
        fixture.image_ids.append(image.id)
        fixture.dates.append(date)
        fixture.cloud_fractions.append(cloud)
        fixture.extra.append(extra)
    bounds = (x0, y0 - rows * _RESOLUTION, x0 + cols * _RESOLUTION, y0)
    fixture.geoctx = GeoContext.from_bounds(bounds, _CRS, resolution=_RESOLUTION)
    values = (raw.astype(np.float64) / 10000.0).astype(np.float32)
    fixture.data = np.ma.MaskedArray(values, mask=mask)
    return fixture
