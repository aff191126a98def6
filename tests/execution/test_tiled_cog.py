"""Tiled compute streamed to a Cloud-Optimized GeoTIFF: same pixels as the one-shot GeoTIFF, all-or-nothing."""

from __future__ import annotations

import errno
import io
import os
import threading

import numpy as np
import pytest
import rasterio
from rasterio.io import MemoryFile
from test_tiled_compute import (  # noqa: F401  (fixtures)
    _numpy_unless_parametrised,
    _objects,
    _tiled_home,
    one_shot,
    tiled_home,
    whole_context,
)

from gpucompute.errors import (
    ComputeError,
    DestinationError,
    JobCancelled,
    RasterArgumentError,
)
from gpucompute.execution import tiled

pytestmark = pytest.mark.usefixtures("tiled_home")


def _read(source):
    with rasterio.open(source) as ds:
        data = ds.read()
        mask = ds.read_masks(1) == 0
        info = {"crs": ds.crs, "transform": ds.transform, "nodata": ds.nodata, "blocks": set(ds.block_shapes),
                "overviews": ds.overviews(1), "structure": ds.tags(ns="IMAGE_STRUCTURE"), "dtype": ds.dtypes[0],
                "mask_flags": ds.mask_flag_enums[0]}
    return data, mask, info


@pytest.fixture
def count_tiles(monkeypatch):
    """Counts tile evaluations (the probe is not one)."""
    calls = []
    real = tiled._evaluate

    def counting(obj, values, geoctx):
        calls.append(geoctx.arr_shape)
        return real(obj, values, geoctx)

    monkeypatch.setattr(tiled, "_evaluate", counting)
    return calls


def test_cog_equals_the_one_shot_geotiff(tmp_path, count_tiles):
    obj, ctx = _objects()["median"], whole_context()
    path = tmp_path / "median.tif"
    out = tiled.compute_tiled(obj, ctx, tile_size=64, file=path, format={"type": "geotiff", "blocksize": 256})
    assert out == str(path) and os.listdir(tmp_path) == ["median.tif"]
    assert len(count_tiles) == 20
    data, mask, info = _read(path)
    with MemoryFile(one_shot(obj, ctx, format="geotiff")) as mem:
        expected, expected_mask, expected_info = _read(mem.name)
    np.testing.assert_array_equal(mask, expected_mask)
    np.testing.assert_array_equal(data[:, ~mask], expected[:, ~mask])
    assert mask.any() and not mask.all()
    assert info["crs"] == expected_info["crs"] and info["transform"] == expected_info["transform"]
    assert info["transform"] == ctx.transform and info["dtype"] == "float32"
    # the file's mask is the union of the band masks, as in the one-shot result
    np.testing.assert_array_equal(mask, np.ma.getmaskarray(one_shot(obj, ctx).ndarray).any(axis=0))
    assert info["blocks"] == {(256, 256)}
    assert info["overviews"] == [2]  # 300 px wide: one halving fits a 256 px block
    assert info["structure"].get("LAYOUT") == "COG" and info["structure"].get("COMPRESSION") == "DEFLATE"


def test_cog_options_nodata_and_file_object(tmp_path):
    obj, ctx = _objects()["ndvi"], whole_context(150, 200)
    fmt = {"type": "geotiff", "nodata": -9999.0, "compression": "lzw", "overviews": [2, 4], "blocksize": 128}
    buffer = io.BytesIO()
    assert tiled.compute_tiled(obj, ctx, tile_size=48, file=buffer, format=fmt) is buffer
    with MemoryFile(buffer.getvalue()) as mem:
        data, mask, info = _read(mem.name)
    expected = np.ma.asarray(one_shot(obj, ctx)["ndarray"])
    np.testing.assert_array_equal(mask, np.ma.getmaskarray(expected)[0])
    np.testing.assert_array_equal(data[0][mask], -9999.0)
    np.testing.assert_array_equal(data[0][~mask], expected.data[0][~mask])
    assert info["nodata"] == -9999.0 and info["overviews"] == [2, 4] and info["blocks"] == {(128, 128)}
    assert info["structure"].get("COMPRESSION") == "LZW" and info["structure"].get("LAYOUT") == "COG"


@pytest.mark.parametrize("where", ["missing_folder", "folder_is_a_file", "path_is_a_folder"])
def test_unwritable_destination_fails_before_computing(tmp_path, count_tiles, where):
    (tmp_path / "plain-file").write_bytes(b"x")
    (tmp_path / "a-folder").mkdir()
    path = {"missing_folder": tmp_path / "nope" / "out.tif", "folder_is_a_file": tmp_path / "plain-file" / "out.tif",
            "path_is_a_folder": tmp_path / "a-folder"}[where]
    with pytest.raises(DestinationError, match="out.tif|a-folder") as info:
        tiled.compute_tiled(_objects()["median"], whole_context(), tile_size=64, file=path, format="geotiff")
    assert isinstance(info.value, OSError)
    assert count_tiles == []
    assert sorted(os.listdir(tmp_path)) == ["a-folder", "plain-file"] and os.listdir(tmp_path / "a-folder") == []


def test_disk_full_leaves_no_file(tmp_path, monkeypatch):
    from gpucompute.raster import cog_writer

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cog_writer.os, "replace", full)
    with pytest.raises(DestinationError, match="disk is full") as info:
        tiled.compute_tiled(_objects()["median"], whole_context(), tile_size=64, file=tmp_path / "o.tif",
                            format="geotiff")
    assert str(tmp_path / "o.tif") in str(info.value)
    assert os.listdir(tmp_path) == []


def test_a_failing_tile_leaves_no_file(tmp_path, monkeypatch):
    real, seen = tiled._evaluate, []

    def flaky(obj, values, geoctx):
        seen.append(1)
        if len(seen) == 3:
            raise ComputeError("tile exploded")
        return real(obj, values, geoctx)

    monkeypatch.setattr(tiled, "_evaluate", flaky)
    with pytest.raises(ComputeError, match="tile exploded"):
        tiled.compute_tiled(_objects()["median"], whole_context(), tile_size=64, file=tmp_path / "o.tif",
                            format="geotiff")
    assert os.listdir(tmp_path) == []


def test_cancel_mid_way_leaves_no_file(tmp_path, count_tiles):
    event = threading.Event()

    def progress(done, total):
        if done == 2:
            event.set()

    with pytest.raises(JobCancelled):
        tiled.compute_tiled(_objects()["median"], whole_context(), tile_size=64, file=tmp_path / "o.tif",
                            format="geotiff", progress=progress, cancelled=event)
    assert len(count_tiles) == 2
    assert os.listdir(tmp_path) == []


def test_collections_are_not_one_geotiff(tmp_path, count_tiles):
    from gpucompute import ImageCollection

    with pytest.raises(RasterArgumentError, match="ImageCollection"):
        tiled.compute_tiled(ImageCollection.from_id("test:tiled"), whole_context(), tile_size=64,
                            file=tmp_path / "o.tif", format="geotiff")
    assert count_tiles == [] and os.listdir(tmp_path) == []


def test_other_formats_are_encoded_from_the_assembled_result(tmp_path):
    obj, ctx = _objects()["median"], whole_context(90, 120)
    path = tiled.compute_tiled(obj, ctx, tile_size=48, file=tmp_path / "m.npz", format="npy")
    with np.load(path) as npz:
        expected = one_shot(obj, ctx).ndarray
        np.testing.assert_array_equal(npz["mask"], np.ma.getmaskarray(expected))
        np.testing.assert_array_equal(npz["data"][~npz["mask"]], expected.data[~expected.mask])
