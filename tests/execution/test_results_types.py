"""ImageResult / ImageCollectionResult: reprs, len, validation and to_xarray against rasterio's transform."""

from __future__ import annotations

import sys
from collections import OrderedDict

import numpy as np
import pytest
import rasterio.transform
from affine import Affine

from gpucompute.errors import BackendUnavailableError, GeoContextError, ProxyTypeError
from gpucompute.execution.results import ImageCollectionResult, ImageResult


def _geocontext(rng, rows, cols):
    res = float(rng.uniform(1, 100))
    x0, y0 = float(rng.uniform(-1e5, 1e5)), float(rng.uniform(3e6, 5e6))
    return {"geometry": None, "resolution": res, "crs": "EPSG:32618", "bounds": (x0, y0 - rows * res, x0 + cols * res, y0),
            "gdal_geotrans": (x0, res, 0.0, y0, 0.0, -res), "arr_shape": (rows, cols)}


def _masked(rng, shape, dtype=np.float64):
    data = rng.normal(size=shape).astype(dtype)
    return np.ma.MaskedArray(data, rng.random(shape) < 0.2)


def _bandinfo(names):
    return OrderedDict((n, {"name": n, "data_range": [0, 1]}) for n in names)


def test_image_result_repr_and_len(rng):
    arr = _masked(rng, (3, 7, 9))
    props = {"acquired": "2016-01-22", "bucket": "b", "cloud_fraction_0": 0.1, "confidence_dlsr": 1, "extra": 2}
    res = ImageResult(arr, props, _bandinfo(["red", "green", "blue"]), _geocontext(rng, 7, 9))
    assert len(res) == 3 and not res.is_empty
    assert repr(res).splitlines() == [
        "ImageResult:",
        "  * ndarray: MaskedArray<shape=(3, 7, 9), dtype=float64>",
        "  * properties: 'acquired', 'bucket', 'cloud_fraction_0', 'confidence_dlsr', ...",
        "  * bandinfo: 'red', 'green', 'blue'",
        "  * geocontext: 'geometry', 'resolution', 'crs', 'bounds', ...",
    ]
    assert isinstance(res.bandinfo, OrderedDict) and list(res.bandinfo) == ["red", "green", "blue"]


def test_collection_result_repr_len_and_empty(rng):
    arr = _masked(rng, (4, 2, 5, 6))
    props = [{"id": f"img{i}", "date": f"2020-01-0{i + 1}"} for i in range(4)]
    res = ImageCollectionResult(arr, props, _bandinfo(["nir", "red"]), _geocontext(rng, 5, 6))
    assert len(res) == 4
    text = repr(res)
    assert text.startswith("ImageCollectionResult:\n  * ndarray: MaskedArray<shape=(4, 2, 5, 6), dtype=float64>")
    assert "  * properties: 4 items: 'id', 'date'" in text and "  * bandinfo: 'nir', 'red'" in text
    empty = ImageCollectionResult(None, [], {}, _geocontext(rng, 5, 6))
    assert len(empty) == 0 and empty.is_empty and "ndarray: None" in repr(empty)
    assert len(ImageResult(None, {}, {}, {})) == 0


def test_result_validation(rng):
    with pytest.raises(ProxyTypeError, match="shape"):
        ImageResult(np.zeros((2, 3)), {}, {}, {})
    with pytest.raises(ProxyTypeError, match="bandinfo"):
        ImageResult(np.zeros((2, 3, 3)), {}, _bandinfo(["a", "b", "c"]), {})
    with pytest.raises(ProxyTypeError, match="properties"):
        ImageCollectionResult(np.zeros((2, 1, 3, 3)), [{}, {}, {}], _bandinfo(["a"]), {})


def test_image_to_xarray_matches_rasterio(rng):
    pytest.importorskip("xarray")
    rows, cols = 6, 11
    gc = _geocontext(rng, rows, cols)
    arr = _masked(rng, (2, rows, cols), np.float32)
    da = ImageResult(arr, {}, _bandinfo(["red", "nir"]), gc).to_xarray()
    assert da.dims == ("band", "y", "x") and list(da["band"].values) == ["red", "nir"]
    transform = Affine.from_gdal(*gc["gdal_geotrans"])
    xs, _ = rasterio.transform.xy(transform, [0] * cols, list(range(cols)))
    _, ys = rasterio.transform.xy(transform, list(range(rows)), [0] * rows)
    np.testing.assert_allclose(da["x"].values, xs)
    np.testing.assert_allclose(da["y"].values, ys)
    assert da.dtype == np.float32
    expected = np.where(arr.mask, np.nan, arr.data)
    np.testing.assert_array_equal(da.values, expected)
    assert da.attrs["crs"] == "EPSG:32618" and tuple(da.attrs["transform"]) == tuple(transform)[:6]
    assert "32618" in da["spatial_ref"].attrs["crs_wkt"] or "UTM zone 18N" in da["spatial_ref"].attrs["crs_wkt"]
    assert [float(v) for v in da["spatial_ref"].attrs["GeoTransform"].split()] == list(gc["gdal_geotrans"])


def test_collection_to_xarray(rng):
    pytest.importorskip("xarray")
    gc = _geocontext(rng, 3, 4)
    arr = np.ma.MaskedArray(rng.integers(0, 100, (2, 1, 3, 4)).astype(np.uint16), False)
    arr[0, 0, 1, 2] = np.ma.masked
    props = [{"id": "a", "date": "2020-01-01"}, {"id": "b", "date": "2020-02-01"}]
    da = ImageCollectionResult(arr, props, _bandinfo(["x1"]), gc).to_xarray()
    assert da.dims == ("image", "band", "y", "x") and list(da["id"].values) == ["a", "b"]
    assert da.dtype == np.float64 and np.isnan(da.values[0, 0, 1, 2])
    assert np.nansum(da.values) == arr.sum()


def test_to_xarray_errors(rng, monkeypatch):
    pytest.importorskip("xarray")
    arr = _masked(rng, (1, 2, 2))
    with pytest.raises(GeoContextError, match="gdal_geotrans"):
        ImageResult(arr, {}, {}, {"crs": "EPSG:4326"}).to_xarray()
    rotated = {"crs": "EPSG:4326", "gdal_geotrans": (0, 1, 0.5, 0, 0.5, -1)}
    with pytest.raises(GeoContextError, match="rotated"):
        ImageResult(arr, {}, {}, rotated).to_xarray()
    with pytest.raises(ProxyTypeError, match="empty"):
        ImageResult(None, {}, {}, _geocontext(rng, 2, 2)).to_xarray()
    monkeypatch.setitem(sys.modules, "xarray", None)
    with pytest.raises(BackendUnavailableError, match="pip install xarray"):
        ImageResult(arr, {}, {}, _geocontext(rng, 2, 2)).to_xarray()
