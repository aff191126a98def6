"""The documented policy for bad inputs and the validity sources (nodata, alpha, mask, NaN)."""

from __future__ import annotations

import warnings
from collections import OrderedDict

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.errors import NotGeoreferencedWarning
from rasterio.transform import from_bounds, from_origin
from rasterio.warp import reproject

from gpucompute.errors import (
    GeoContextError,
    RasterArgumentError,
    RasterFormatError,
    RasterReadError,
)
from gpucompute.raster import RESAMPLERS, ImageRef, RasterioReader, write_geotiff

UTM = "EPSG:32618"


@pytest.fixture
def reader():
    return RasterioReader(max_workers=2)


def _native(grid, path: str, factor: float = 1.0):
    with rasterio.open(path) as ds:
        shape = (int(ds.height / factor), int(ds.width / factor))
        return grid(str(ds.crs), from_bounds(*ds.bounds, shape[1], shape[0]), shape)


def test_missing_file_names_the_path(reader, grid, tmp_path):
    missing = str(tmp_path / "nowhere" / "missing.tif")
    g = grid(UTM, from_origin(0, 100, 1, 1), (4, 4))
    with pytest.raises(RasterReadError, match="missing.tif"):
        reader.read([ImageRef(missing, (1,))], g)


def test_corrupt_file_raises_read_error(reader, rio_data, grid):
    path = rio_data("corrupt.tif")
    with pytest.raises(RasterReadError, match="corrupt.tif"):
        reader.read([ImageRef(path, (1, 2, 3))], _native(grid, path))
    # its overviews are intact: a grid 8 times coarser is served from them, not garbage
    coarse = reader.read([ImageRef(path, (1,))], _native(grid, path, 8.0))
    with rasterio.open(path, overview_level=2) as ds:
        np.testing.assert_array_equal(coarse.data[0, 0], ds.read(1))


def _write_raw(path, data, **profile):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(path, "w", driver="GTiff", width=data.shape[-1], height=data.shape[-2], count=1,
                           dtype=data.dtype.name, **profile) as dst:
            dst.write(data, 1)
    return str(path)


def test_no_crs_is_a_format_error(reader, grid, tmp_path):
    path = _write_raw(tmp_path / "nocrs.tif", np.ones((8, 8), np.uint8), transform=from_origin(0, 8, 1, 1))
    with pytest.raises(RasterFormatError, match="no CRS"):
        reader.read([ImageRef(path, (1,))], grid(UTM, from_origin(0, 8, 1, 1), (8, 8)))


def test_no_geotransform_is_a_format_error(reader, grid, tmp_path):
    path = _write_raw(tmp_path / "nogt.tif", np.ones((8, 8), np.uint8), crs=UTM)
    with pytest.raises(RasterFormatError, match="geotransform"):
        reader.read([ImageRef(path, (1,))], grid(UTM, from_origin(0, 8, 1, 1), (8, 8)))


@pytest.mark.parametrize("dtype", ["complex64", "int64"])
def test_unsupported_dtype_is_a_format_error(dtype, reader, grid, tmp_path):
    path = _write_raw(tmp_path / f"{dtype}.tif", np.ones((8, 8), dtype), crs=UTM, transform=from_origin(0, 8, 1, 1))
    with rasterio.open(path) as ds:
        assert ds.dtypes[0] == dtype
    with pytest.raises(RasterFormatError, match=dtype):
        reader.read([ImageRef(path, (1,))], grid(UTM, from_origin(0, 8, 1, 1), (8, 8)))


def test_grid_outside_the_image_is_all_masked(reader, rio_data, grid):
    path = rio_data("RGB.byte.tif")
    far = grid("EPSG:3857", from_origin(2_000_000, 6_000_000, 100, 100), (30, 40))
    for resampler in ("near", "cubic"):
        out = reader.read([ImageRef(path, (1, 2, 3))], far, resampler=resampler)
        assert out.shape == (1, 3, 30, 40) and out.dtype == np.uint8
        assert out.mask.all()


def test_all_nodata_file_is_all_masked(reader, rio_data, grid):
    path = rio_data("all-nodata.tif")
    out = reader.read([ImageRef(path, (1, 2, 3, 4))], _native(grid, path, 2.0), resampler="bilinear")
    assert out.shape[:2] == (1, 4) and out.mask.all()


def test_bad_requests_list_the_choices(reader, rio_data, grid):
    path = rio_data("RGB.byte.tif")
    g = _native(grid, path, 8.0)
    with pytest.raises(RasterArgumentError, match="bilinear") as info:
        reader.read([ImageRef(path, (1,))], g, resampler="nearest-ish")
    assert all(name in str(info.value) for name in RESAMPLERS)
    with pytest.raises(RasterArgumentError, match=r"\[4\].*\[1, 2, 3\]"):
        reader.read([ImageRef(path, (1, 4))], g)
    with pytest.raises(RasterArgumentError, match="same number of bands"):
        reader.read([ImageRef(path, (1,)), ImageRef(path, (1, 2))], g)
    with pytest.raises(RasterArgumentError, match="1-based"):
        ImageRef(path, (0, 1))
    with pytest.raises(RasterArgumentError, match="non-empty"):
        ImageRef(path, ())
    with pytest.raises(RasterArgumentError, match="sequence"):
        reader.read(ImageRef(path, (1,)), g)


@pytest.mark.parametrize("bad", [
    dict(crs="EPSG:3857", transform=Affine(1, 0, 0, 0, -1, 0), arr_shape=(0, 5)),
    dict(crs="EPSG:3857", transform=Affine(0, 0, 0, 0, 0, 0), arr_shape=(5, 5)),
    dict(crs="not a crs", transform=Affine(1, 0, 0, 0, -1, 0), arr_shape=(5, 5)),
    dict(crs="EPSG:3857", arr_shape=(5, 5)),
])
def test_bad_grids_are_geocontext_errors(bad, reader, rio_data):
    from types import SimpleNamespace

    with pytest.raises(GeoContextError):
        reader.read([ImageRef(rio_data("RGB.byte.tif"), (1,))], SimpleNamespace(**bad))


def test_nodata_override(reader, rio_data, grid, oracle, same):
    path = rio_data("RGB.byte.tif")
    g = _native(grid, path, 1.7)
    with rasterio.open(path) as ds:
        common = int(np.bincount(ds.read(1)[ds.read(1) > 0]).argmax())  # a frequent real value
    got = reader.read([ImageRef(path, (1,), nodata=common)], g).to_numpy_ma()[0]
    want = oracle(path, (1,), g, nodata=common)
    same(got, want)
    assert np.count_nonzero(want.mask) > 0 and not np.any(want.data[~want.mask] == common)


def test_alpha_band_masks_all_bands(reader, rio_data, grid):
    path = rio_data("RGBA.byte.tif")
    g = _native(grid, path)
    out = reader.read([ImageRef(path, (1, 2, 3))], g)
    with rasterio.open(path) as ds:
        alpha = ds.read(4)
        np.testing.assert_array_equal(out.data[0][:, alpha > 0], ds.read((1, 2, 3))[:, alpha > 0])
    np.testing.assert_array_equal(out.mask[0], np.broadcast_to(alpha == 0, out.mask[0].shape))


def test_dataset_mask_matches_warping_its_alpha(reader, grid, tmp_path, rng):
    # a per-dataset mask (not a nodata value): compare with a whole-file warp carrying the mask as alpha
    data = rng.integers(1, 60000, (2, 200, 220)).astype(np.uint16)
    invalid = np.zeros((200, 220), bool)
    invalid[50:120, 30:90] = True
    invalid |= rng.random((200, 220)) < 0.05
    transform = from_origin(500000, 4200000, 10, 10)
    path = write_geotiff(tmp_path / "masked.tif", data, crs=UTM, transform=transform, mask=invalid)
    g = grid(UTM, Affine(12.5, 0, 500300, 0, -12.5, 4199700), (140, 150))
    for resampler in ("near", "bilinear"):
        got = reader.read([ImageRef(path, (2, 1))], g, resampler=resampler)
        source = np.concatenate([data[[1, 0]], np.where(invalid, 0, 255).astype(np.uint16)[None]])
        want = np.zeros((3, 140, 150), np.uint16)
        reproject(source, want, src_transform=transform, src_crs=UTM, dst_transform=g.transform, dst_crs=UTM,
                  src_alpha=3, dst_alpha=3, resampling=RESAMPLERS[resampler][0], SRC_ALPHA_MAX=255, DST_ALPHA_MAX=255)
        np.testing.assert_array_equal(got.mask[0], np.broadcast_to(want[2] == 0, (2, 140, 150)))
        np.testing.assert_array_equal(got.data[0][~got.mask[0]], want[:2][~got.mask[0]])
        assert got.mask[0].any() and not got.mask[0].all()


def test_nan_is_masked_without_nodata(reader, grid, tmp_path, rng):
    data = rng.random((64, 64)).astype(np.float32)
    data[rng.random((64, 64)) < 0.2] = np.nan
    transform = from_origin(500000, 4200000, 10, 10)
    path = write_geotiff(tmp_path / "nan.tif", data, crs=UTM, transform=transform)
    g = grid(UTM, Affine(10, 0, 499900, 0, -10, 4200100), (84, 84))  # 10 pixels of margin all round
    out = reader.read([ImageRef(path, (1,))], g)
    inner = out.to_numpy_ma()[0, 0, 10:74, 10:74]
    np.testing.assert_array_equal(np.ma.getmaskarray(inner), np.isnan(data))
    np.testing.assert_array_equal(inner.compressed(), data[~np.isnan(data)])
    assert out.mask[0, 0, :10].all() and out.mask[0, 0, :, 74:].all()


def test_integer_file_without_nodata_masks_only_outside(reader, grid, tmp_path, rng):
    data = rng.integers(0, 255, (2, 32, 48)).astype(np.uint8)  # zeros are real values here
    path = write_geotiff(tmp_path / "plain.tif", data, crs=UTM, transform=from_origin(0, 320, 10, 10))
    out = reader.read([ImageRef(path, (1, 2))], grid(UTM, from_origin(-50, 370, 10, 10), (42, 58)))
    np.testing.assert_array_equal(out.data[0, :, 5:37, 5:53], data)
    expected_mask = np.ones((42, 58), bool)
    expected_mask[5:37, 5:53] = False
    np.testing.assert_array_equal(out.mask[0], np.broadcast_to(expected_mask, (2, 42, 58)))


def test_dtype_argument_and_mixed_files(reader, rio_data, grid, tmp_path):
    path = rio_data("RGB.byte.tif")
    g = _native(grid, path, 4.0)
    as_float = reader.read([ImageRef(path, (1,))], g, dtype="float32")
    plain = reader.read([ImageRef(path, (1,))], g)
    assert as_float.dtype == np.float32
    np.testing.assert_array_equal(as_float.data, plain.data.astype(np.float32))
    np.testing.assert_array_equal(as_float.mask, plain.mask)
    empty = reader.read([], g)
    assert empty.shape == (0, 0, *g.arr_shape)


def test_open_files_are_reused_and_refreshed(grid, tmp_path, rng):
    path = str(tmp_path / "scene.tif")
    g = grid(UTM, from_origin(0, 160, 10, 10), (16, 16))
    first = rng.integers(1, 200, (16, 16)).astype(np.uint8)
    write_geotiff(path, first, crs=UTM, transform=from_origin(0, 160, 10, 10), nodata=0)
    reader = RasterioReader(max_workers=1)
    np.testing.assert_array_equal(reader.read([ImageRef(path, (1,))], g).data[0, 0], first)
    held = reader._handles._entries()[(path, None)][0]
    reader.read([ImageRef(path, (1,))], g)
    assert reader._handles._entries()[(path, None)][0] is held  # the same open dataset served again
    second = first[::-1].copy()  # a file replaced on disk is reopened
    write_geotiff(path, second, crs=UTM, transform=from_origin(0, 160, 10, 10), nodata=0)
    np.testing.assert_array_equal(reader.read([ImageRef(path, (1,))], g).data[0, 0], second)
    assert held.closed
    reader.close()
    assert reader._handles._entries() == OrderedDict()
    uncached = RasterioReader(max_workers=1, open_files=0)
    np.testing.assert_array_equal(uncached.read([ImageRef(path, (1,))], g).data[0, 0], second)
    assert uncached._handles._entries() == OrderedDict()


def test_failed_read_drops_the_handle(rio_data, grid):
    path = rio_data("corrupt.tif")
    reader = RasterioReader(max_workers=1)
    with rasterio.open(path) as ds:
        g = grid(str(ds.crs), ds.transform, ds.shape)
    with pytest.raises(RasterReadError):
        reader.read([ImageRef(path, (1,))], g)
    assert (path, None) not in reader._handles._entries()
