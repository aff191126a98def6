"""Dynamic Compute sources: Mosaic and ImageStack values, properties and result shapes, against numpy.ma."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
import shapely.wkt

from gpucompute import dc
from gpucompute.errors import ComputeError, NotFoundError, ProxyTypeError


def most_recent(data: np.ma.MaskedArray) -> np.ma.MaskedArray:
    """numpy.ma oracle of a Mosaic: per pixel, the last (most recent) image whose value is valid."""
    out = np.ma.masked_all(data.shape[1:], dtype=data.dtype)
    for image in data:
        valid = ~np.ma.getmaskarray(image)
        out[valid] = image[valid]
    return out


def assert_ma_equal(got, want, rtol=1e-5):
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))
    np.testing.assert_allclose(np.ma.filled(got, 0), np.ma.filled(want, 0), rtol=rtol, atol=1e-6)


def test_mosaic_is_the_most_recent_valid_pixel(imagery, backend):
    result = dc.Mosaic.from_product_bands(imagery.product_id, "red green blue nir").compute(imagery.geoctx)
    assert isinstance(result, dc.DotDict) and set(result) == {"ndarray", "properties"}
    assert result.ndarray.shape == (4, 24, 32)
    assert_ma_equal(result.ndarray, most_recent(imagery.data))
    assert result.properties == {"product_id": imagery.product_id, "bands": imagery.bands, "pad": 0}


def test_mosaic_date_range_and_band_subset(imagery, backend):
    start, end = imagery.dates[1], imagery.dates[4]
    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, ["nir", "red"], start_datetime=start.date(),
                                          end_datetime=end.isoformat())
    got = mosaic.compute(imagery.geoctx).ndarray
    assert_ma_equal(got, most_recent(imagery.data[1:4][:, [3, 0]]))


def test_mosaic_from_image_ids_puts_later_ids_on_top(imagery, backend):
    ids = [imagery.image_ids[4], imagery.image_ids[0]]
    got = dc.Mosaic.from_image_ids(ids, "green").compute(imagery.geoctx).ndarray
    assert_ma_equal(got, most_recent(imagery.data[[4, 0]][:, 1:2]))


def test_ndarray_and_properties_compute_alone(imagery, backend):
    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, "red")
    array = mosaic.ndarray.compute(imagery.geoctx)
    assert isinstance(array, np.ma.MaskedArray) and array.shape == (1, 24, 32)
    assert mosaic.properties.compute(imagery.geoctx)["product_id"] == imagery.product_id
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red", "2023-01-01", "2024-01-01")
    assert stack.ndarray.compute(imagery.geoctx).shape == (6, 1, 24, 32)
    assert [p["id"] for p in stack.properties.compute(imagery.geoctx)] == imagery.image_ids


def test_stack_values_and_catalog_properties(imagery, backend):
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red blue", "2023-01-01", "2024-01-01")
    result = stack.compute(imagery.geoctx)
    assert result.ndarray.shape == (6, 2, 24, 32)
    assert_ma_equal(result.ndarray, imagery.data[:, [0, 2]])
    props = result.properties
    assert [p["id"] for p in props] == imagery.image_ids
    assert [p["acquired"] for p in props] == imagery.dates
    assert isinstance(props[0]["acquired"], datetime.datetime)
    assert [p["cloud_fraction"] for p in props] == imagery.cloud_fractions
    assert [p["parity"] for p in props] == [e["parity"] for e in imagery.extra]
    footprint = shapely.wkt.loads(props[0]["geometry"])
    assert footprint.is_valid and footprint.area > 0


def test_stack_predicate_filter_sort_and_length(imagery, backend):
    from gpucompute.catalog import properties as p

    stack = dc.ImageStack.from_product_bands(imagery.product_id, "nir", "2023-01-01", "2024-01-01",
                                             predicate_filter=p.cloud_fraction < 0.5, sort_by="cloud_fraction",
                                             ascending=False)
    want = sorted((c, i) for i, c in enumerate(imagery.cloud_fractions) if c < 0.5)[::-1]
    result = stack.compute(imagery.geoctx)
    assert [q["id"] for q in result.properties] == [imagery.image_ids[i] for _, i in want]
    assert_ma_equal(result.ndarray, imagery.data[[i for _, i in want]][:, 3:4])
    assert stack.length().compute(imagery.geoctx) == len(want)


def test_get_and_length(imagery, backend):
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red green", "2023-01-01", "2024-01-01")
    assert stack.length().compute(imagery.geoctx) == 6
    last = stack.get(-1)
    assert isinstance(last, dc.Mosaic)
    result = last.compute(imagery.geoctx)
    assert result.properties["id"] == imagery.image_ids[-1]
    assert_ma_equal(result.ndarray, imagery.data[-1, :2])
    # also on a derived stack (not a plain read), and with an index out of range
    got = stack.filled(-1.0).get(2).compute(imagery.geoctx).ndarray
    np.testing.assert_allclose(got, imagery.data[2, :2].filled(-1.0), rtol=1e-6)
    with pytest.raises(ComputeError, match="out of range"):
        stack.get(6).compute(imagery.geoctx)


def test_dates_as_parameters(imagery, backend):
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red", dc.parameter("start", dc.Datetime),
                                             dc.parameter("end", dc.Datetime))
    n = stack.length().compute(imagery.geoctx, start=imagery.dates[1], end=imagery.dates[3].isoformat())
    assert n == 2
    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, "red", end_datetime=dc.parameter("end", dc.Datetime))
    got = mosaic.compute(imagery.geoctx, end=imagery.dates[2]).ndarray
    assert_ma_equal(got, most_recent(imagery.data[:2, :1]))


def test_pad_reads_a_border_around_the_aoi(imagery, backend):
    got = dc.Mosaic.from_product_bands(imagery.product_id, "red", pad=2).compute(imagery.geoctx)
    assert got.ndarray.shape == (1, 28, 36) and got.properties["pad"] == 2
    assert_ma_equal(got.ndarray[:, 2:-2, 2:-2], most_recent(imagery.data[:, :1]))
    assert np.ma.getmaskarray(got.ndarray)[:, :2].all()  # outside the images


def test_aoi_as_a_geocontext_dict(imagery, backend):
    got = dc.Mosaic.from_product_bands(imagery.product_id, "red").compute(imagery.geoctx.to_dict()).ndarray
    assert_ma_equal(got, most_recent(imagery.data[:, :1]))


def test_build_time_errors(imagery):
    with pytest.raises(NotFoundError, match="no-such"):
        dc.Mosaic.from_product_bands("no-such:product", "red")
    with pytest.raises(ProxyTypeError, match="required"):
        dc.ImageStack.from_product_bands(imagery.product_id, "red", None, "2023-02-01")
    with pytest.raises(ProxyTypeError, match="bands"):
        dc.Mosaic.from_product_bands(imagery.product_id, "")
    with pytest.raises(ProxyTypeError, match="resampler"):
        dc.Mosaic.from_product_bands(imagery.product_id, "red", resampler="blurry")
    with pytest.raises(ProxyTypeError, match="pad"):
        dc.Mosaic.from_product_bands(imagery.product_id, "red", pad=-1)


def test_empty_area_gives_no_array(imagery, backend):
    far = imagery.geoctx.replace(bounds=(100000.0, 100000.0, 100640.0, 100480.0))
    assert dc.Mosaic.from_product_bands(imagery.product_id, "red").compute(far).ndarray is None
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red", "2023-01-01", "2024-01-01")
    assert stack.length().compute(far) == 0
