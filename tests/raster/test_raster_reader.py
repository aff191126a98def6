"""RasterioReader against whole-file rasterio.warp.reproject: random grids, mosaics, XYZ tiles,
overviews and concurrent reads."""

from __future__ import annotations

import threading

import mercantile
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_bounds
from rasterio.warp import transform_bounds

from gpucompute.raster import RESAMPLERS, ImageRef, RasterioReader, write_geotiff

RGB = (1, 2, 3)


@pytest.fixture(scope="module")
def reader():
    with RasterioReader(max_workers=4) as r:
        yield r


@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:4326"])
@pytest.mark.parametrize("resampler", ["near", "bilinear", "cubic"])
def test_rgb_matches_whole_file_warp(crs, resampler, reader, rio_data, grids_in, oracle, same, rng):
    path = rio_data("RGB.byte.tif")
    for grid in grids_in(path, crs, rng, 4):
        got = reader.read([ImageRef(path, RGB)], grid, resampler=resampler)
        assert got.shape == (1, 3, *grid.arr_shape) and got.dtype == np.uint8
        want = oracle(path, RGB, grid, resampler)
        # nearest must be exact; other kernels allow one grey level (GDAL rounding)
        same(got.to_numpy_ma()[0], want, atol=0 if resampler == "near" else 1)
        assert 0 < np.count_nonzero(~want.mask)


@pytest.mark.parametrize("resampler", sorted(set(RESAMPLERS) - {"near", "bilinear", "cubic"}))
def test_every_resampler_matches_whole_file_warp(resampler, reader, rio_data, grids_in, oracle, same, rng):
    path = rio_data("RGB.byte.tif")
    (grid,) = grids_in(path, "EPSG:3857", rng, 1, scale=(0.7, 4.0), max_side=120)
    got = reader.read([ImageRef(path, (2,))], grid, resampler=resampler)
    same(got.to_numpy_ma()[0], oracle(path, (2,), grid, resampler), atol=1)


def test_grid_hanging_over_the_edge_matches(reader, rio_data, grid, oracle, same):
    # the grid covers the raster's top-left corner and empty space beyond it: GDAL clips its
    # source window and kernel scale there, and splits chunks whose window is mostly empty
    path = rio_data("RGB.byte.tif")
    with rasterio.open(path) as ds:
        left, _, right, top = transform_bounds(ds.crs, "EPSG:3857", *ds.bounds)
    res = (right - left) / 791 * 1.07
    g = grid("EPSG:3857", from_bounds(left - 40 * res, top - 160 * res, left + 220 * res, top + 40 * res,
                                      260, 200), (200, 260))
    for resampler in ("near", "bilinear", "cubic", "average"):
        got = reader.read([ImageRef(path, RGB)], g, resampler=resampler)
        same(got.to_numpy_ma()[0], oracle(path, RGB, g, resampler), atol=0 if resampler == "near" else 1)


def test_mosaic_of_quarters_equals_whole(reader, rio_data, grids_in, same, rng):
    whole = rio_data("RGB.byte.tif")
    quarters = [ImageRef(rio_data(f"rgb{i}.tif"), RGB, id=f"q{i}") for i in range(1, 5)]
    for crs in ("EPSG:3857", "EPSG:32618"):
        for grid in grids_in(whole, crs, rng, 2, scale=(0.8, 2.5)):
            mosaic = reader.read_mosaic(quarters, grid)
            assert mosaic.shape == (1, 3, *grid.arr_shape)
            same(mosaic.to_numpy_ma()[0], reader.read([ImageRef(whole, RGB)], grid).to_numpy_ma()[0])


def _tile_grid(grid, tile: mercantile.Tile, size: int = 256):
    b = mercantile.xy_bounds(tile)
    return grid("EPSG:3857", from_bounds(b.left, b.bottom, b.right, b.top, size, size), (size, size))


def _shade_tiles(path: str, zoom: int) -> list[mercantile.Tile]:
    with rasterio.open(path) as ds:
        west, south, east, north = transform_bounds(ds.crs, "EPSG:4326", *ds.bounds)
    return list(mercantile.tiles(west, south, east, north, zoom))


def test_shade_xyz_tiles_line_up(reader, rio_data, grid, oracle, same):
    path = rio_data("shade.tif")
    tiles = _shade_tiles(path, 14)
    xs, ys = sorted({t.x for t in tiles}), sorted({t.y for t in tiles})
    x, y = xs[len(xs) // 2 - 1], ys[len(ys) // 2 - 1]
    block = [mercantile.Tile(x + dx, y + dy, 14) for dy in (0, 1) for dx in (0, 1)]
    ref = [ImageRef(path, (1,))]
    for resampler in ("near", "bilinear"):
        singles = {}
        for tile in block:
            g = _tile_grid(grid, tile)
            singles[tile] = got = reader.read(ref, g, resampler=resampler).to_numpy_ma()[0, 0]
            same(got, oracle(path, (1,), g, resampler)[0], atol=0 if resampler == "near" else 1)
        # the 2 x 2 block read as one 512 x 512 grid agrees with the four tiles at every pixel
        ul, lr = mercantile.xy_bounds(block[0]), mercantile.xy_bounds(block[-1])
        big = grid("EPSG:3857", from_bounds(ul.left, lr.bottom, lr.right, ul.top, 512, 512), (512, 512))
        whole = reader.read(ref, big, resampler=resampler).to_numpy_ma()[0, 0]
        for i, tile in enumerate(block):
            r0, c0 = 256 * (i // 2), 256 * (i % 2)
            same(whole[r0:r0 + 256, c0:c0 + 256], singles[tile], atol=0 if resampler == "near" else 1)


def test_eight_threads_agree_with_one(rio_data, grid):
    path = rio_data("shade.tif")
    tiles = _shade_tiles(path, 15)[:8]
    grids = [_tile_grid(grid, t) for t in tiles]
    ref = [ImageRef(path, (1,))]
    serial = RasterioReader(max_workers=1)
    expected = [serial.read(ref, g, resampler="bilinear") for g in grids]
    shared = RasterioReader(max_workers=2)
    results: list = [None] * len(grids)
    barrier = threading.Barrier(len(grids))

    def work(i: int) -> None:
        barrier.wait()
        for _ in range(3):
            results[i] = shared.read(ref, grids[i], resampler="bilinear")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(grids))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected):
        np.testing.assert_array_equal(got.data, want.data)
        np.testing.assert_array_equal(got.mask, want.mask)
    # and one read of eight images through an eight-thread pool equals eight serial reads
    refs = [ImageRef(rio_data(n), RGB, id=n) for n in ("rgb1.tif", "rgb2.tif", "rgb3.tif", "rgb4.tif")] * 2
    g = grid("EPSG:32618", *_native_grid(rio_data("RGB.byte.tif"), 2.0))
    pooled = RasterioReader(max_workers=8).read(refs, g)
    one = RasterioReader(max_workers=1).read(refs, g)
    np.testing.assert_array_equal(pooled.data, one.data)
    np.testing.assert_array_equal(pooled.mask, one.mask)


def _native_grid(path: str, factor: float):
    with rasterio.open(path) as ds:
        shape = (int(ds.height / factor), int(ds.width / factor))
        return from_bounds(*ds.bounds, shape[1], shape[0]), shape


@pytest.fixture(scope="module")
def with_overviews(tmp_path_factory):
    """A 1024 x 1024 uint16 UTM raster with nodata holes and average-resampled overviews 2, 4, 8."""
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:1024, 0:1024]
    data = (3000 + 1500 * np.sin(xx / 37.0) * np.cos(yy / 23.0)
            + rng.normal(0, 400, (1024, 1024))).clip(1, 65000).astype(np.uint16)
    data[rng.random((1024, 1024)) < 0.05] = 0
    data[100:300, 600:700] = 0
    path = tmp_path_factory.mktemp("ovr") / "ovr.tif"
    transform = rasterio.transform.from_origin(300000, 4500000, 30, 30)
    write_geotiff(path, data, crs="EPSG:32618", transform=transform, nodata=0, tiled=True,
                  overviews=(2, 4, 8), overview_resampling="average")
    return str(path)


def test_coarse_grid_reads_the_overview(with_overviews, grid, oracle, same):
    path = with_overviews
    with rasterio.open(path) as ds:
        assert ds.overviews(1) == [2, 4, 8]
        left, bottom, right, top = transform_bounds(ds.crs, "EPSG:3857", *ds.bounds)
    # about 4.5 source pixels per grid pixel: the x4 overview (level index 1) serves it
    res = (right - left) / 1024 * 4.5
    shape = (int((top - bottom) * 0.9 / res), int((right - left) * 0.9 / res))
    g = grid("EPSG:3857", from_bounds(left + 0.05 * (right - left), bottom + 0.05 * (top - bottom),
                                      left + 0.05 * (right - left) + shape[1] * res,
                                      bottom + 0.05 * (top - bottom) + shape[0] * res, shape[1], shape[0]), shape)
    ref = [ImageRef(path, (1,))]
    for resampler in ("near", "bilinear"):
        got = RasterioReader().read(ref, g, resampler=resampler).to_numpy_ma()[0]
        same(got, oracle(path, (1,), g, resampler, overview_level=1))
        full = oracle(path, (1,), g, resampler)
        differs = np.count_nonzero((np.ma.getdata(got) != full.data) & ~full.mask & ~np.ma.getmaskarray(got))
        assert differs > 0.1 * full.size  # the averaged overview is not the decimated full resolution
        same(RasterioReader(overviews=False).read(ref, g, resampler=resampler).to_numpy_ma()[0], full)


def test_native_grid_does_not_use_overviews(with_overviews, grid, oracle, same):
    path = with_overviews
    transform, shape = _native_grid(path, 1.3)
    g = grid("EPSG:32618", transform, shape)
    got = RasterioReader().read([ImageRef(path, (1,))], g, resampler="bilinear").to_numpy_ma()[0]
    same(got, oracle(path, (1,), g, "bilinear"))


def test_geocontext_is_a_grid(reader, rio_data, grid):
    """A gpucompute.geo.GeoContext (built by the geo layer, when present) reads like the plain grid."""
    try:
        from gpucompute.geo import GeoContext

        tile = _shade_tiles(rio_data("shade.tif"), 14)[5]
        ctx = GeoContext.from_xyz_tile(tile.x, tile.y, tile.z)
    except (ImportError, AttributeError, NotImplementedError) as exc:
        pytest.skip(f"gpucompute.geo.GeoContext.from_xyz_tile is not available: {exc}")
    ref = [ImageRef(rio_data("shade.tif"), (1,))]
    got, want = reader.read(ref, ctx), reader.read(ref, _tile_grid(grid, tile))
    np.testing.assert_array_equal(got.mask, want.mask)
    np.testing.assert_array_equal(got.data[~got.mask], want.data[~want.mask])
    assert got.mask.mean() < 1.0
