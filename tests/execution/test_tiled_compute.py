"""Tiled compute (gpucompute.execution.tiled): tiles assembled == the one-shot compute.

The product has images with different footprints (three cover the whole
area, two only parts of it), so edge tiles see fewer images than the whole
GeoContext; the GeoContext also reaches past the images (masked there).
"""

from __future__ import annotations

import datetime
import pickle
import threading

import numpy as np
import pytest

import gpucompute as wf
from gpucompute import dc
from gpucompute.errors import ConfigError, GeoContextError, JobCancelled
from gpucompute.execution import _tile_plan as plan
from gpucompute.execution import tiled

PRODUCT = "test:tiled"
CRS, RES, X0, Y0 = "EPSG:32610", 20.0, 600000.0, 4200000.0
BANDS = ("red", "green", "blue", "nir")
# (row offset, col offset, rows, cols) of each image in pixels of the grid starting at (X0, Y0)
FOOTPRINTS = [(0, 0, 190, 290), (0, 0, 190, 290), (40, 30, 70, 100), (0, 0, 190, 290), (120, 200, 70, 90)]


def build_tiled_product() -> None:
    from gpucompute.catalog import Image, Product, SpectralBand

    rng = np.random.default_rng(7)
    product = Product(id=PRODUCT, name="Tiled test imagery")
    product.save()
    for k, name in enumerate(BANDS):
        SpectralBand(product=product, name=name, band_index=k, file_index=0, data_type="UInt16", nodata=0,
                     data_range=(0, 10000), physical_range=(0.0, 1.0), resolution=RES).save()
    start = datetime.datetime(2023, 1, 1, 18, tzinfo=datetime.timezone.utc)
    for i, (row, col, rows, cols) in enumerate(FOOTPRINTS):
        raw = rng.integers(1, 10001, size=(len(BANDS), rows, cols)).astype(np.uint16)
        raw[rng.random(raw.shape) < 0.1] = 0
        geotrans = (X0 + col * RES, RES, 0.0, Y0 - row * RES, 0.0, -RES)
        image = Image(product=product, name=f"tile{i}", acquired=start + datetime.timedelta(days=3 * i),
                      cloud_fraction=float(i) / 10, cs_code=CRS, geotrans=geotrans)
        image.upload_ndarray(raw)


@pytest.fixture(scope="module")
def _tiled_home(tmp_path_factory):
    from gpucompute.testing.homes import catalog_home

    with catalog_home(tmp_path_factory.mktemp("tiled-home")) as home:
        build_tiled_product()
    return home


@pytest.fixture
def tiled_home(_tiled_home, monkeypatch):
    from gpucompute.catalog import reset_catalog

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(_tiled_home))
    reset_catalog()
    yield _tiled_home
    reset_catalog()


def whole_context(rows: int = 200, cols: int = 300):
    """A grid on the images' pixel edges, reaching a few pixels past them on every side."""
    from gpucompute.geo import GeoContext

    left, top = X0 - 4 * RES, Y0 + 3 * RES
    return GeoContext.from_bounds((left, top - rows * RES, left + cols * RES, top), CRS, resolution=RES)


@pytest.fixture(autouse=True)
def _numpy_unless_parametrised(request):
    """Tests without the ``backend`` fixture run on NumPy (JAX compiles per tile shape: slow here)."""
    if "backend" in request.fixturenames:
        yield
        return
    from gpucompute.config import using_backend

    with using_backend("numpy"):
        yield


def one_shot(obj, ctx, **arguments):
    return wf.compute(obj, ctx, cache=False, **arguments)


def assert_same_pixels(expected, actual):
    expected, actual = np.ma.asarray(expected), np.ma.asarray(actual)
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    np.testing.assert_array_equal(np.ma.getmaskarray(actual), np.ma.getmaskarray(expected))
    valid = ~np.ma.getmaskarray(expected)
    np.testing.assert_array_equal(np.ma.getdata(actual)[valid], np.ma.getdata(expected)[valid])
    assert valid.any() and (~valid).any()  # the comparison covers data and masked pixels


def _objects():
    ic = wf.ImageCollection.from_id(PRODUCT)
    mosaic = dc.Mosaic.from_product_bands(PRODUCT, "red green blue nir")
    red, nir = mosaic.pick_bands("red"), mosaic.pick_bands("nir")
    return {
        "median": ic.median(axis="images"),
        "mosaic": mosaic,
        "ndvi": (nir - red) / (nir + red),
        "stack_mean": dc.ImageStack.from_product_bands(PRODUCT, "red nir", "2022-01-01", "2024-01-01").mean(axis="images"),
    }


@pytest.mark.parametrize("name", ["median", "mosaic", "ndvi", "stack_mean"])
def test_tiles_equal_one_shot(tiled_home, name):
    obj, ctx = _objects()[name], whole_context()
    seen = []
    result = tiled.compute_tiled(obj, ctx, tile_size=64, progress=lambda done, total: seen.append((done, total)))
    expected = one_shot(obj, ctx)
    assert type(result) is type(expected)
    assert_same_pixels(expected["ndarray"] if isinstance(expected, dict) else expected.ndarray,
                       result["ndarray"] if isinstance(result, dict) else result.ndarray)
    assert seen == [(k, 20) for k in range(1, 21)]  # 4 x 5 tiles of 64 px over 200 x 300
    if isinstance(expected, dict):  # DC: DotDict(ndarray, properties)
        assert result["properties"] == expected["properties"]
    else:
        assert result.properties == expected.properties
        assert result.bandinfo == expected.bandinfo
        assert result.geocontext == expected.geocontext


def test_tiles_equal_one_shot_on_every_backend(tiled_home, backend):
    obj, ctx = _objects()["ndvi"], whole_context(100, 150)
    expected, result = one_shot(obj, ctx), tiled.compute_tiled(obj, ctx, tile_size=64)
    assert_same_pixels(expected["ndarray"], result["ndarray"])
    assert result["properties"] == expected["properties"]


def test_collection_aligned_by_image_id(tiled_home, monkeypatch):
    """Edge tiles see only some images: each lands at its place in the whole list, absent ones masked."""
    real, lengths = tiled._tile_dict, []

    def spy(value):
        lengths.append(len(value.properties))
        return real(value)

    monkeypatch.setattr(tiled, "_tile_dict", spy)
    ic = wf.ImageCollection.from_id(PRODUCT).pick_bands("red nir")
    stack = dc.ImageStack.from_product_bands(PRODUCT, "green", "2022-01-01", "2024-01-01")
    ctx = whole_context()
    for obj in (ic, stack):
        expected, result = one_shot(obj, ctx), tiled.compute_tiled(obj, ctx, tile_size=64)
        exp_arr = expected["ndarray"] if isinstance(expected, dict) else expected.ndarray
        res_arr = result["ndarray"] if isinstance(result, dict) else result.ndarray
        assert exp_arr.shape[0] == len(FOOTPRINTS)
        assert_same_pixels(exp_arr, res_arr)
        exp_props = expected["properties"] if isinstance(expected, dict) else expected.properties
        res_props = result["properties"] if isinstance(result, dict) else result.properties
        assert [p["id"] for p in res_props] == [p["id"] for p in exp_props]
    assert min(lengths) < max(lengths) < len(FOOTPRINTS)  # tiles saw different, partial image lists


def test_tile_grid_is_the_whole_grid(tiled_home):
    ctx = whole_context(203, 301)
    tiles = plan.windows(ctx, 64)
    assert len(tiles) == 4 * 5
    coverage = np.zeros(ctx.arr_shape, int)
    for t in tiles:
        assert t.geoctx.arr_shape == (t.height, t.width)
        assert t.geoctx.crs == ctx.crs and t.geoctx.resolution == ctx.resolution
        assert t.geoctx.transform.almost_equals(ctx.transform @ ctx.transform.translation(t.col, t.row), 1e-9)
        coverage[t.row:t.row + t.height, t.col:t.col + t.width] += 1
    assert (coverage == 1).all()


def test_budget_chooses_the_tile_size(tiled_home):
    obj, ctx = _objects()["median"], whole_context()
    values = {}
    probe, _ = tiled._plan_probe(obj, ctx, values, resolve=False)
    # 5 images x 4 bands read (x2) + the reduction's arrays, 5 bytes each, x the safety factor
    assert probe.bytes_per_pixel >= 2 * len(FOOTPRINTS) * len(BANDS) * plan.ELEMENT_BYTES * plan.SAFETY
    budget = probe.bytes_per_pixel * 64 * 64
    assert plan.choose_tile_size(probe.bytes_per_pixel, budget) == 64
    assert tiled.needs_tiling(obj, ctx, budget)
    assert not tiled.needs_tiling(obj, ctx, probe.bytes_per_pixel * 200 * 300)
    sizes = []
    result = tiled.compute_tiled(obj, ctx, memory_budget=budget, progress=lambda d, n: sizes.append(n))
    assert sizes[-1] == 4 * 5
    assert_same_pixels(one_shot(obj, ctx).ndarray, result.ndarray)


def test_needs_tiling_only_for_imagery(tiled_home, monkeypatch):
    ctx = whole_context()
    assert not tiled.needs_tiling(wf.Int(1) + 1, ctx, 1)
    assert not tiled.needs_tiling(_objects()["median"], None, 1)
    assert tiled.needs_tiling(_objects()["median"], ctx, "1KiB")
    monkeypatch.setenv("GPUCOMPUTE_MEMORY_BUDGET", "2k")
    assert plan.memory_budget() == 2048
    assert tiled.needs_tiling(_objects()["median"], ctx, None)
    monkeypatch.setenv("GPUCOMPUTE_MEMORY_BUDGET", "lots")
    with pytest.raises(ConfigError, match="GPUCOMPUTE_MEMORY_BUDGET"):
        plan.memory_budget()
    for bad in (0, -5, "12 parsecs", True):
        with pytest.raises(ConfigError):
            plan.parse_bytes(bad)
    assert plan.parse_bytes("1.5MiB") == 3 << 19


def test_parameters_reach_every_tile(tiled_home):
    scale = wf.parameter("scale", wf.Float)
    obj = wf.ImageCollection.from_id(PRODUCT).max(axis="images") * scale
    ctx = whole_context(120, 150)
    budget = 2 * 120 * 150 * plan.ELEMENT_BYTES  # the output fits, its work does not
    assert not tiled.needs_tiling(obj, ctx, budget)  # values missing: left to the one-shot compute to report
    assert tiled.needs_tiling(obj, ctx, budget, arguments={"scale": 2.0})
    result = tiled.compute_tiled(obj, ctx, arguments={"scale": 2.0}, tile_size=48)
    assert_same_pixels(one_shot(obj, ctx, scale=2.0).ndarray, result.ndarray)


def test_non_imagery_is_computed_in_one_piece(tiled_home):
    assert tiled.compute_tiled(wf.Int(20) + 22, None) == 42
    assert tiled.compute_tiled(wf.Int(20) + 22, whole_context(), format="json") == b"42"
    with pytest.raises(GeoContextError):
        tiled.compute_tiled(_objects()["median"], "not a context")


def test_cancel_between_tiles(tiled_home):
    event = threading.Event()
    done = []

    def progress(d, n):
        done.append(d)
        if d == 2:
            event.set()

    with pytest.raises(JobCancelled, match="2 of 20"):
        tiled.compute_tiled(_objects()["median"], whole_context(), tile_size=64, progress=progress, cancelled=event)
    assert done == [1, 2]


def test_cluster_path_with_a_fake_map_tiles(tiled_home, monkeypatch):
    """With cluster=, tiles go through map_tiles as plain data and may come back in any order."""
    from gpucompute.execution import distributed

    calls = {}

    def fake_map_tiles(cluster, fn, items, *, retries=2, cancelled=None):
        calls["cluster"], calls["n"] = cluster, len(items)
        items = pickle.loads(pickle.dumps(items))  # what Dask would ship: no proxies, nothing unpicklable
        for i in reversed(range(len(items))):
            yield i, pickle.loads(pickle.dumps(fn(*items[i])))

    monkeypatch.setattr(distributed, "map_tiles", fake_map_tiles)
    obj, ctx = _objects()["ndvi"], whole_context()
    result = tiled.compute_tiled(obj, ctx, tile_size=64, cluster="fake-cluster")
    assert calls == {"cluster": "fake-cluster", "n": 20}
    expected = one_shot(obj, ctx)
    assert_same_pixels(expected["ndarray"], result["ndarray"])
    assert result["properties"] == expected["properties"]


def test_compute_tile_takes_plain_data(tiled_home):
    from gpucompute.execution.saved import dumps_proxy

    obj = _objects()["median"]
    window = plan.windows(whole_context(), 64)[6]
    tile = tiled.compute_tile(dumps_proxy(obj), window.geoctx.to_dict(), {}, "numpy")
    assert set(tile) == {"data", "mask", "properties", "bandinfo"}
    assert tile["data"].shape == (len(BANDS), window.height, window.width) and tile["mask"].dtype == bool
    expected = one_shot(obj, window.geoctx).ndarray
    assert_same_pixels(expected, np.ma.MaskedArray(tile["data"], tile["mask"]))
