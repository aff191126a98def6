"""write_geotiff: round trips through rasterio, COG output, and atomic failure."""

from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from gpucompute.errors import RasterArgumentError, RasterError
from gpucompute.raster import write_geotiff

TRANSFORM = from_origin(350000, 4650000, 20, 20)


def test_round_trip_values_georeferencing_nodata_and_mask(tmp_path, rng):
    data = rng.integers(1, 5000, (3, 40, 50)).astype(np.int16)
    invalid = rng.random((40, 50)) < 0.1
    path = write_geotiff(tmp_path / "rt.tif", data, crs="EPSG:32617", transform=TRANSFORM, nodata=-1,
                         mask=invalid, tiled=True, blocksize=16, compress="deflate")
    with rasterio.open(path) as ds:
        np.testing.assert_array_equal(ds.read(), data)
        assert ds.crs.to_epsg() == 32617 and ds.transform == TRANSFORM and ds.nodata == -1
        assert ds.block_shapes[0] == (16, 16) and ds.compression.value == "DEFLATE"
        np.testing.assert_array_equal(ds.read_masks(1) == 0, invalid)
    assert sorted(os.listdir(tmp_path)) == ["rt.tif"]


def test_masked_array_2d_and_dtype(tmp_path, rng):
    values = rng.random((30, 20))
    data = np.ma.MaskedArray(values, mask=values < 0.2)
    path = write_geotiff(tmp_path / "ma.tif", data, crs="EPSG:4326", transform=from_origin(10, 50, 0.1, 0.1),
                         dtype="float32")
    with rasterio.open(path) as ds:
        assert ds.count == 1 and ds.dtypes[0] == "float32"
        np.testing.assert_array_equal(ds.read(1), values.astype(np.float32))
        np.testing.assert_array_equal(ds.read_masks(1) == 0, values < 0.2)


def test_cog_with_overviews(tmp_path, rng):
    data = rng.integers(0, 1000, (2, 600, 700)).astype(np.uint16)
    path = write_geotiff(tmp_path / "scene.tif", data, crs="EPSG:32618", transform=TRANSFORM, nodata=0,
                         cog=True, blocksize=256, compress="deflate", overviews=(2, 4))
    with rasterio.open(path) as ds:
        assert ds.profile["tiled"] and ds.block_shapes[0] == (256, 256)
        assert ds.overviews(1) == [2, 4]
        assert ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        np.testing.assert_array_equal(ds.read(), data)
    assert sorted(os.listdir(tmp_path)) == ["scene.tif"]


def test_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path, rng):
    data = rng.integers(0, 9, (10, 10)).astype(np.uint8)
    target = tmp_path / "keep.tif"
    write_geotiff(target, data, crs="EPSG:32618", transform=TRANSFORM)
    before = target.read_bytes()
    with pytest.raises(RasterError, match="keep.tif"):
        # GDAL rejects the block size (not a multiple of 16) after the temporary file was named
        write_geotiff(target, data + 1, crs="EPSG:32618", transform=TRANSFORM, tiled=True, blocksize=10)
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["keep.tif"]
    with pytest.raises(RasterError):
        write_geotiff(tmp_path / "new.tif", data, crs="EPSG:32618", transform=TRANSFORM, tiled=True, blocksize=10)
    assert sorted(os.listdir(tmp_path)) == ["keep.tif"]


@pytest.mark.parametrize("kwargs,match", [
    (dict(data=np.zeros((2, 2, 2, 2))), "shape"),
    (dict(data=np.zeros((4, 4), np.complex64)), "dtype"),
    (dict(data=np.zeros((4, 4)), crs="nonsense"), "crs"),
    (dict(data=np.zeros((4, 4)), mask=np.zeros((3, 3), bool)), "mask"),
    (dict(data=np.zeros((4, 4)), overview_resampling="smooth"), "overview_resampling"),
])
def test_bad_arguments(kwargs, match, tmp_path):
    args = dict(crs="EPSG:32618", transform=TRANSFORM)
    args.update(kwargs)
    data = args.pop("data")
    with pytest.raises(RasterArgumentError, match=match):
        write_geotiff(tmp_path / "bad.tif", data, **args)
    assert os.listdir(tmp_path) == []
