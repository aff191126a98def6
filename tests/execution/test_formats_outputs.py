"""Output formats: GeoTIFF via rasterio, PNG decoded by hand, JSON and npy round trips, atomic writes."""

from __future__ import annotations

import datetime
import io
import json
import os
import struct
import zlib
from collections import OrderedDict

import numpy as np
import pytest
import rasterio
from affine import Affine

from gpucompute.errors import ConfigError, DestinationError, RasterArgumentError
from gpucompute.execution import formats
from gpucompute.execution.formats import encode_result, write_result
from gpucompute.execution.results import ImageCollectionResult, ImageResult


def _image(rng, bands=3, rows=5, cols=7, dtype=np.float32, mask_frac=0.2):
    res = float(rng.uniform(1, 50))
    geotrans = (float(rng.uniform(2e5, 6e5)), res, 0.0, float(rng.uniform(3e6, 5e6)), 0.0, -res)
    if np.issubdtype(dtype, np.integer):
        data = rng.integers(0, 255, (bands, rows, cols)).astype(dtype)
    else:
        data = rng.normal(size=(bands, rows, cols)).astype(dtype)
    mask = np.broadcast_to(rng.random((rows, cols)) < mask_frac, data.shape).copy()
    names = ["red", "green", "blue", "alpha"][:bands]
    return ImageResult(np.ma.MaskedArray(data, mask), {"id": "x", "date": datetime.datetime(2020, 5, 1, 12)},
                       OrderedDict((n, {}) for n in names), {"crs": "EPSG:32618", "gdal_geotrans": geotrans})


def _read_png(data):
    """Decode our unfiltered 8-bit PNGs: signature, IHDR, concatenated IDAT -> (y, x, channels)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.setdefault(kind, b"")
        chunks[kind] += body
        pos += 12 + length
    width, height, depth, color, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    channels = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, 1 + width * channels)
    assert depth == 8 and (raw[:, 0] == 0).all() and b"IEND" in chunks
    return raw[:, 1:].reshape(height, width, channels)


def test_geotiff_round_trip(rng, tmp_path):
    img = _image(rng)
    path = write_result(img, {"type": "geotiff", "compression": "deflate"}, file=tmp_path / "out.tif", tiled=True,
                        blocksize=16, overviews=[2])
    with rasterio.open(path) as ds:
        np.testing.assert_array_equal(ds.read(), img.ndarray.data)
        np.testing.assert_array_equal(ds.read_masks(1) == 0, img.ndarray.mask[0])
        assert ds.crs.to_epsg() == 32618 and ds.transform == Affine.from_gdal(*img.geocontext["gdal_geotrans"])
        assert ds.compression.value.lower() == "deflate" and ds.overviews(1) == [2]
    # bytes and file agree on content
    data = encode_result(img, "geotiff")
    with rasterio.MemoryFile(data) as mem, mem.open() as ds:
        np.testing.assert_array_equal(ds.read(), img.ndarray.data)


def test_geotiff_nodata_and_errors(rng, tmp_path):
    img = _image(rng, bands=2, dtype=np.int16)
    with rasterio.MemoryFile(encode_result(img, "tif", nodata=-999)) as mem, mem.open() as ds:
        assert ds.nodata == -999
        np.testing.assert_array_equal(ds.read(masked=True).mask, img.ndarray.mask)
    with pytest.raises(RasterArgumentError, match="ImageCollectionResult"):
        encode_result(ImageCollectionResult(img.ndarray[None], [{}], img.bandinfo, img.geocontext), "geotiff")
    with pytest.raises(RasterArgumentError, match="empty"):
        encode_result(ImageResult(None, {}, {}, img.geocontext), "geotiff")


@pytest.mark.parametrize("bands", [1, 3, 4])
def test_png_uint8(rng, bands):
    img = _image(rng, bands=bands, dtype=np.uint8)
    pixels = _read_png(encode_result(img, "png"))
    data, mask = img.ndarray.data, img.ndarray.mask.any(axis=0)
    expected = list(data)
    if bands == 4:
        expected[3] = np.where(mask, 0, data[3])
    else:
        expected.append(np.where(mask, 0, 255))
    np.testing.assert_array_equal(pixels, np.stack(expected, axis=-1))


def test_png_scales_and_unmasked(rng):
    data = rng.uniform(-1, 3, (3, 4, 6))
    pixels = _read_png(encode_result(data, "png", scales=(0, 2)))  # a bare array, nothing masked: RGB
    expected = np.clip(np.round(data / 2 * 255), 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(pixels, expected)
    with pytest.raises(RasterArgumentError, match="scales"):
        encode_result(data, "png")
    with pytest.raises(RasterArgumentError, match="bands"):
        encode_result(np.zeros((2, 3, 3), np.uint8), "png")


def test_json_round_trip(rng):
    img = _image(rng, bands=2)
    doc = json.loads(encode_result(img, "json"))
    arr = img.ndarray
    back = np.array([[[np.nan if v is None else v for v in row] for row in band] for band in doc["ndarray"]])
    np.testing.assert_allclose(back, np.where(arr.mask, np.nan, arr.data.astype(np.float64)))
    assert doc["properties"] == {"id": "x", "date": "2020-05-01T12:00:00"}
    assert list(doc["bandinfo"]) == ["red", "green"] and doc["geocontext"]["crs"] == "EPSG:32618"
    assert json.loads(encode_result({"a": np.float32(1.5), "b": [np.nan, 2]}, "json")) == {"a": 1.5, "b": [None, 2]}
    with pytest.raises(ConfigError, match="JSON"):
        encode_result(object(), "json")


def test_npy_round_trip(rng):
    plain = rng.normal(size=(3, 4))
    np.testing.assert_array_equal(np.load(io.BytesIO(encode_result(plain, "npy"))), plain)
    img = _image(rng)
    with np.load(io.BytesIO(encode_result(img, "npy"))) as npz:
        np.testing.assert_array_equal(npz["data"], img.ndarray.data)
        np.testing.assert_array_equal(npz["mask"], img.ndarray.mask)
    with pytest.raises(ConfigError, match="numeric"):
        encode_result([object()], "npy")


def test_python_and_format_errors(rng, tmp_path):
    value = {"a": 1}
    assert encode_result(value) is value and write_result(value, {"type": "python"}) is value
    with pytest.raises(ConfigError, match="'geotiff'.*'png'"):
        encode_result(value, "jpeg")
    with pytest.raises(ConfigError, match="bad options"):
        encode_result(value, "json", colour="red")
    with pytest.raises(ConfigError, match="no options"):
        encode_result(value, "python", x=1)
    with pytest.raises(ConfigError, match="cannot be written"):
        write_result(value, "python", file=tmp_path / "x")


def test_atomic_write(rng, tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    buf = io.BytesIO()
    assert write_result([1, 2], "json", file=buf) is buf and json.loads(buf.getvalue()) == [1, 2]
    write_result([1, 2], "json", file=target)
    assert json.loads(target.read_text()) == [1, 2]

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        write_result([3], "json", file=target)
    with pytest.raises(OSError, match="disk full"):
        write_result([3], "npy", file=tmp_path / "new.npy")
    assert json.loads(target.read_text()) == [1, 2] and sorted(os.listdir(tmp_path)) == ["out.json"]
    with pytest.raises(DestinationError, match="disk full"):  # a write error names the path and what to do
        write_result([3], "json", file=target)


def test_unwritable_destination_is_a_destination_error(tmp_path):
    with pytest.raises(DestinationError, match="no-such-folder"):
        write_result([1], "json", file=tmp_path / "no-such-folder" / "out.json")
    assert os.listdir(tmp_path) == []


def test_formats_table():
    assert formats.FORMATS.keys() == {"python", "geotiff", "png", "json", "npy"}
