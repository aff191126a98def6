"""The runnable examples (examples/*.py) on a small demo product, checked against numpy.ma.

The oracle reads the same pixels with the catalog's own rastering
(``ImageCollection.stack`` / ``mosaic`` with physical scaling, float32) and
does the arithmetic with numpy.ma; the examples go through the proxies, the
plan and the pixel programs.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).parents[2] / "examples"
SIZE, DATES = 96, 6


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def _demo_home(tmp_path_factory):
    from gpucompute.catalog.demo import ensure_demo_product
    from gpucompute.testing.homes import catalog_home

    with catalog_home(tmp_path_factory.mktemp("examples-home")) as home:
        ensure_demo_product(size=SIZE, scenes=DATES, progress=False)
    return home


@pytest.fixture
def demo_home(_demo_home, monkeypatch):
    from gpucompute.catalog import reset_catalog

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(_demo_home))
    reset_catalog()
    yield _demo_home
    reset_catalog()


def _scenes(ctx, area, start="2023-03-01", end="2023-05-01", max_cloud=None):
    from gpucompute.catalog import ImageCollection
    from gpucompute.catalog.demo import DEMO_PRODUCT_ID
    from gpucompute.execution.imagery_sources import images_for

    images = [i for i in images_for(DEMO_PRODUCT_ID, ctx, start, end) if i.extra_properties["area"] == area]
    if max_cloud is not None:
        images = [i for i in images if i.cloud_fraction < max_cloud]
    return ImageCollection(images)


def _read(collection, bands, ctx, mosaic=False):
    kw = dict(geocontext=ctx, scaling="physical", data_type="Float32", progress=False)
    if mosaic:
        return collection.mosaic(bands, **kw)
    return collection.stack(bands, **kw)


def _close(actual, expected):
    actual, expected = np.ma.asarray(actual), np.ma.asarray(expected)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(actual), np.ma.getmaskarray(expected))
    np.testing.assert_allclose(actual.filled(0), expected.filled(0), rtol=2e-5, atol=1e-6)


def test_dc_quickstart_mosaic_steps(demo_home, backend):
    qs = _load("dc_quickstart")
    ctx = qs.map_view(*qs.CENTRAL_VALLEY, shape=(48, 64))
    out = qs.mosaic_steps(ctx)
    images = _scenes(ctx, "central-valley")
    assert len(images) > 1
    mosaic = _read(images, ["red", "green", "blue", "nir"], ctx, mosaic=True)
    rgb, red, nir = mosaic[:3], mosaic[0:1], mosaic[3:4]
    ndvi = (nir - red) / (nir + red)
    _close(out["rgb"].ndarray, rgb)
    _close(out["ndvi"].ndarray, ndvi)
    _close(out["vegetation_rgb"].ndarray, np.ma.masked_where(np.broadcast_to(ndvi.filled(np.nan) < 0.3, rgb.shape)
                                                             | np.ma.getmaskarray(rgb), rgb))


def test_dc_quickstart_stack_steps(demo_home, backend):
    qs = _load("dc_quickstart")
    ctx = qs.map_view(*qs.SAN_FRANCISCO, shape=(40, 56))
    out = qs.stack_steps(ctx)
    images = _scenes(ctx, "san-francisco", max_cloud=0.1)
    assert out["images"] == len(images) > 0
    stack = _read(images, ["red", "green", "blue", "nir"], ctx)
    rgb, green, nir = stack[:, :3], stack[:, 1:2], stack[:, 3:4]
    ndwi = (nir - green) / (nir + green)
    _close(out["composite_rgb"].ndarray, np.ma.median(rgb, axis=0))
    _close(out["ndwi_composite"].ndarray, np.ma.median(ndwi, axis=0))
    water = ndwi.min(axis=0) < 0  # a masked minimum stays masked and does not mask
    masked = np.ma.masked_where(np.broadcast_to(water.filled(False), rgb.shape) | np.ma.getmaskarray(rgb), rgb)
    _close(out["water_free_rgb"].ndarray, np.ma.median(masked, axis=0))


def test_dc_quickstart_blobs(demo_home):
    qs = _load("dc_quickstart")
    saved = qs.blob_steps()
    assert type(saved["loaded"]).__name__ == "Mosaic"
    assert any(b.id == saved["blob_id"] for b in saved["listed"])
    from gpucompute.catalog import Blob

    assert Blob.get(saved["blob_id"]) is None
