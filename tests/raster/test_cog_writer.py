"""COGWriter: windows written in any order == the array; a valid COG; nothing left behind on failure."""

from __future__ import annotations

import errno
import os

import numpy as np
import pytest
import rasterio
from affine import Affine

from gpucompute.errors import DestinationError, RasterArgumentError
from gpucompute.raster.cog_writer import COGWriter, auto_overviews, check_destination

TRANSFORM = Affine(10.0, 0.0, 500000.0, 0.0, -10.0, 4100000.0)


def _random(rng, shape, dtype="float32"):
    data = (rng.random(shape) * 1000).astype(dtype)
    return np.ma.MaskedArray(data, rng.random(shape) < 0.15)


def _windows(rng, height, width, step):
    cells = [(r, c) for r in range(0, height, step) for c in range(0, width, step)]
    return [cells[i] for i in rng.permutation(len(cells))]


def _write(path, array, step, rng, **options):
    count, height, width = array.shape
    with COGWriter(path, width=width, height=height, count=count, dtype=array.dtype, crs="EPSG:32611",
                   transform=TRANSFORM, **options) as cog:
        for r, c in _windows(rng, height, width, step):
            cog.write(array[:, r:r + step, c:c + step], r, c)
        return cog.commit()


def test_windows_in_any_order_make_the_array(tmp_path, rng):
    array = _random(rng, (3, 300, 450))
    path = _write(tmp_path / "a.tif", array, 70, rng, blocksize=128)
    assert os.listdir(tmp_path) == ["a.tif"]
    with rasterio.open(path) as ds:
        np.testing.assert_array_equal(ds.read(), array.data)
        np.testing.assert_array_equal(ds.read_masks(1) == 0, array.mask.any(axis=0))
        assert ds.transform == TRANSFORM and ds.crs.to_epsg() == 32611
        assert set(ds.block_shapes) == {(128, 128)}
        assert ds.overviews(1) == auto_overviews(300, 450, 128) == [2, 4]
        assert ds.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert ds.tags(ns="IMAGE_STRUCTURE")["COMPRESSION"] == "DEFLATE"
        for level, factor in enumerate(ds.overviews(1)):
            with rasterio.open(path, overview_level=level) as ov:
                assert (ov.height, ov.width) == (-(-300 // factor), -(-450 // factor))


def test_nodata_bool_and_no_compression(tmp_path, rng):
    flags = np.ma.MaskedArray(rng.random((1, 64, 80)) < 0.5, rng.random((1, 64, 80)) < 0.2)
    path = _write(tmp_path / "b.tif", flags, 32, rng, nodata=7, compression=None, overviews=())
    with rasterio.open(path) as ds:
        assert ds.dtypes[0] == "uint8" and ds.nodata == 7 and ds.overviews(1) == []
        assert "COMPRESSION" not in ds.tags(ns="IMAGE_STRUCTURE")
        values = ds.read(1)
        np.testing.assert_array_equal(values[flags.mask[0]], 7)
        np.testing.assert_array_equal(values[~flags.mask[0]], flags.data[0][~flags.mask[0]].astype(np.uint8))


@pytest.mark.parametrize("n", [100, 256, 257, 1000, 5000])
def test_auto_overviews(n):
    factors = auto_overviews(n, n // 2 + 1, 256)
    assert factors == [2 ** k for k in range(1, len(factors) + 1)]
    smallest = n / (factors[-1] if factors else 1)
    assert smallest <= 256 and (not factors or n / (factors[-1] // 2) > 256)


def test_bad_arguments(tmp_path, rng):
    common = {"width": 50, "height": 40, "count": 2, "crs": "EPSG:32611", "transform": TRANSFORM}
    with pytest.raises(RasterArgumentError, match="int64"):
        COGWriter(tmp_path / "c.tif", dtype="int64", **common)
    with pytest.raises(RasterArgumentError, match="resampling"):
        COGWriter(tmp_path / "c.tif", dtype="float32", resampling="bogus", **common)
    with COGWriter(tmp_path / "c.tif", dtype="float32", **common) as cog:
        with pytest.raises(RasterArgumentError, match="does not fit"):
            cog.write(np.zeros((2, 10, 10), "float32"), 35, 0)
        with pytest.raises(RasterArgumentError, match="does not fit"):
            cog.write(np.zeros((3, 10, 10), "float32"), 0, 0)
    assert os.listdir(tmp_path) == []  # leaving the block without commit removes the temporary file


def test_check_destination(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    assert check_destination(tmp_path / "ok.tif") == str(tmp_path / "ok.tif")
    for bad in (tmp_path / "missing" / "x.tif", tmp_path / "file" / "x.tif", tmp_path):
        with pytest.raises(DestinationError, match="cannot write"):
            check_destination(bad)
    assert sorted(os.listdir(tmp_path)) == ["file"]


def test_write_error_cleans_up(tmp_path, rng):
    cog = COGWriter(tmp_path / "d.tif", width=32, height=32, count=1, dtype="float32", crs="EPSG:32611",
                    transform=TRANSFORM)

    class FullDisk:
        def write(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            pass

    cog._dst.close()
    cog._dst = FullDisk()
    with pytest.raises(DestinationError, match="disk is full"):
        cog.write(np.zeros((1, 32, 32), "float32"), 0, 0)
    assert os.listdir(tmp_path) == []
    with pytest.raises(RasterArgumentError, match="closed"):
        cog.commit()
