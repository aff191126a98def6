"""The quickstart pipeline: operators and mask (inherited from the Workflows imagery) on DC objects, vs numpy.ma."""

from __future__ import annotations

import numpy as np
import pytest

from gpucompute import dc
from gpucompute.types.image import Image

pytestmark = pytest.mark.skipif(
    not all(hasattr(Image, name) for name in ("__sub__", "__truediv__", "__lt__", "mask")),
    reason="the Workflows imagery operators/mask (other helpers' mixins) are not there yet",
)


def assert_ma_close(got, want, rtol=1e-5):
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))
    np.testing.assert_allclose(np.ma.filled(got, 0), np.ma.filled(want, 0), rtol=rtol, atol=1e-6)


def composite(data):
    out = np.ma.masked_all(data.shape[1:], dtype=data.dtype)
    for image in data:
        valid = ~np.ma.getmaskarray(image)
        out[valid] = image[valid]
    return out


def test_ndvi_and_mask_on_a_mosaic(imagery, backend):
    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, "red green blue nir", start_datetime="2023-01-01",
                                          end_datetime="2023-05-01")
    red, nir = mosaic.pick_bands("red"), mosaic.pick_bands("nir")
    ndvi = (nir - red) / (nir + red)
    assert type(ndvi) is dc.Mosaic and type(ndvi < 0.3) is dc.Mosaic
    comp = composite(imagery.data)
    want_ndvi = (comp[3:4] - comp[0:1]) / (comp[3:4] + comp[0:1])
    assert_ma_close(ndvi.compute(imagery.geoctx).ndarray, want_ndvi, rtol=1e-4)
    rgb = mosaic.pick_bands("red green blue")
    vegetation = rgb.mask(ndvi < 0.3)
    assert type(vegetation) is dc.Mosaic
    hide = np.ma.getmaskarray(want_ndvi) | np.ma.filled(want_ndvi < 0.3, False)
    want = np.ma.masked_array(comp[:3].data, np.ma.getmaskarray(comp[:3]) | hide)
    assert_ma_close(vegetation.compute(imagery.geoctx).ndarray, want)


def test_quickstart_water_composite_on_a_stack(imagery, backend):
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red green blue nir", "2023-01-01", "2023-05-01")
    stack = stack.filter(lambda x: x.cloud_fraction < 0.8)
    keep = [i for i, c in enumerate(imagery.cloud_fractions) if c < 0.8]
    data = imagery.data[keep]
    rgb = stack.pick_bands("red green blue")
    nir, green = stack.unpack_bands("nir green")
    ndwi = (nir - green) / (nir + green)
    assert type(ndwi) is dc.ImageStack
    want_ndwi = (data[:, 3:4] - data[:, 1:2]) / (data[:, 3:4] + data[:, 1:2])
    assert_ma_close(ndwi.median(axis="images").compute(imagery.geoctx).ndarray, np.ma.median(want_ndwi, axis=0),
                    rtol=1e-4)
    water = ndwi.min(axis="images") < 0
    assert type(water) is dc.Mosaic
    result = rgb.mask(water).median(axis="images")
    assert type(result) is dc.Mosaic
    hidden = np.ma.filled(np.ma.min(want_ndwi, axis=0) < 0, True)  # a mask that is masked hides too
    masked = np.ma.masked_array(data[:, :3].data, np.ma.getmaskarray(data[:, :3]) | hidden[None])
    got = result.compute(imagery.geoctx).ndarray
    assert got.shape == (3, 24, 32)
    want = np.ma.median(masked, axis=0)
    water_pixels = np.ma.filled(np.ma.min(want_ndwi, axis=0) < 0, False)[0]
    assert water_pixels.any() and np.ma.getmaskarray(got)[:, water_pixels].all()
    valid = ~np.ma.getmaskarray(want) & ~np.ma.getmaskarray(got)
    np.testing.assert_allclose(got.data[valid], want.data[valid], rtol=1e-5)


def test_mosaic_with_stack_broadcasts_to_a_stack(imagery, backend):
    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, "red")
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red", "2023-01-01", "2024-01-01")
    diff = stack - mosaic
    assert type(diff) is dc.ImageStack
    assert_ma_close(diff.compute(imagery.geoctx).ndarray, imagery.data[:, :1] - composite(imagery.data[:, :1])[None])
    assert type(1.0 - mosaic) is dc.Mosaic and type(-stack) is dc.ImageStack
