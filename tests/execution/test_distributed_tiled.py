"""Tiled compute on a real LocalCluster of two workers equals the in-process compute (and numpy.ma)."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
tiled = pytest.importorskip("gpucompute.execution.tiled", reason="gpucompute.execution.tiled is not written yet")

from gpucompute.errors import JobCancelled

SHAPE = (150, 200)  # 3 x 4 tiles of 64 px, the last row and column ragged
TILE = 64


def _worker_backend():
    from gpucompute.config import get_backend

    return get_backend().name, os.environ.get("GPUCOMPUTE_HOME")


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    """A small imagery product in a home of its own, made the default for this module."""
    from gpucompute.catalog import reset_catalog
    from gpucompute.testing.imagery import build_imagery_product

    home = tmp_path_factory.mktemp("distributed-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("GPUCOMPUTE_HOME", str(home))
    reset_catalog()
    fixture = build_imagery_product("test:distributed", n_images=5, shape=SHAPE, seed=7)
    yield home, fixture
    mp.undo()
    reset_catalog()


@pytest.fixture(scope="module")
def client(product):
    """Two worker processes started while GPUCOMPUTE_HOME names the product's home; NumPy on the workers."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GPUCOMPUTE_BACKEND", "numpy")  # the workers' own backend; the test's comes from `backend`
    try:
        cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                           dashboard_address=":0")
    finally:
        mp.undo()
    with cluster, distributed.Client(cluster, set_as_default=False) as cl:
        yield cl


@pytest.fixture
def home(product, monkeypatch):
    from gpucompute.catalog import reset_catalog

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(product[0]))
    reset_catalog()
    yield product[1]
    reset_catalog()


def _array(result):
    return result.ndarray if hasattr(result, "ndarray") else result["ndarray"]


def _assert_same(got, expected):
    got, expected = np.ma.asarray(got), np.ma.asarray(expected)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(expected))
    np.testing.assert_allclose(got.filled(0), expected.filled(0), rtol=1e-6, atol=1e-7)


def test_workers_use_their_own_backend_and_the_same_catalog(client, home):
    for name, worker_home in client.run(_worker_backend).values():
        assert name == "numpy"
        assert worker_home == os.environ["GPUCOMPUTE_HOME"]


def test_tiled_median_on_the_cluster_equals_in_process(client, home, backend):
    import gpucompute as wf

    median = wf.ImageCollection.from_id(home.product_id).median(axis="images")
    expected = median.compute(home.geoctx, cache=False)
    _assert_same(_array(expected), np.ma.median(home.data, axis=0))  # the oracle agrees with one-shot compute
    got = tiled.compute_tiled(median, home.geoctx, arguments={}, tile_size=TILE, cluster=client)
    _assert_same(_array(got), _array(expected))


def test_parameters_travel_and_dc_stack_works(client, home, backend):
    import gpucompute as wf
    from gpucompute import dc

    gain = wf.parameter("gain", wf.Float)
    stack = dc.ImageStack.from_product_bands(home.product_id, "red nir", start_datetime="2023-01-01",
                                             end_datetime="2024-01-01")
    obj = stack.max(axis="images") * gain
    expected = obj.compute(home.geoctx, gain=2.5, cache=False)
    got = tiled.compute_tiled(obj, home.geoctx, arguments={"gain": 2.5}, tile_size=TILE, cluster=client)
    _assert_same(_array(got), _array(expected))
    reds = home.bands.index("red"), home.bands.index("nir")
    _assert_same(_array(got), np.ma.max(home.data[:, list(reds)], axis=0) * np.float32(2.5))


def test_cog_streamed_from_the_cluster(client, home, tmp_path):
    import rasterio

    import gpucompute as wf

    mean = wf.ImageCollection.from_id(home.product_id).mean(axis="images")
    expected = np.ma.asarray(_array(mean.compute(home.geoctx, cache=False)))
    path = tmp_path / "mean.tif"
    tiled.compute_tiled(mean, home.geoctx, arguments={}, tile_size=TILE, file=str(path), format="geotiff",
                        cluster=client)
    with rasterio.open(path) as ds:
        got = ds.read(masked=True)
        assert ds.transform.almost_equals(home.geoctx.transform)
        assert ds.profile["tiled"]
    # a GeoTIFF holds one mask for all bands (GDAL's per-dataset mask): a pixel masked in any band is masked
    any_band = np.broadcast_to(np.ma.getmaskarray(expected).any(axis=0), expected.shape)
    expected = np.ma.MaskedArray(expected.filled(0), any_band)
    _assert_same(got.astype(np.float32), expected)


def test_public_compute_with_cluster(client, home):
    import gpucompute as wf

    median = wf.ImageCollection.from_id(home.product_id).median(axis="images")
    got = median.compute(home.geoctx, cluster=client, cache=False)
    _assert_same(_array(got), np.ma.median(home.data, axis=0))


def test_cancelled_tiled_job(client, home):
    import gpucompute as wf

    cancelled = threading.Event()
    cancelled.set()
    median = wf.ImageCollection.from_id(home.product_id).median(axis="images")
    with pytest.raises(JobCancelled):
        tiled.compute_tiled(median, home.geoctx, arguments={}, tile_size=TILE, cluster=client, cancelled=cancelled)
