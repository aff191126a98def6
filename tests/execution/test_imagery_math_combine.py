"""``where``, ``concat``, ``conv2d`` and ``normalized_difference`` computed against numpy.ma / SciPy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage

from gpucompute.errors import ComputeError
from gpucompute.execution import load_builtins
from gpucompute.execution import pixels as px
from gpucompute.execution.imagery import CollectionValue, ImageValue
from gpucompute.types import imagery_functions as wfi
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.kernel import Kernel


def assert_masked_close(result, expected, rtol=1e-5, atol=1e-6):
    result, expected = np.ma.asarray(result), np.ma.asarray(expected)
    assert result.shape == expected.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(result), np.ma.getmaskarray(expected))
    valid = ~np.ma.getmaskarray(expected)
    np.testing.assert_allclose(np.asarray(result.data)[valid], np.asarray(expected.data)[valid], rtol=rtol, atol=atol)


def _ic(imagery, **kw):
    return ImageCollection.from_id(imagery.product_id, **kw)


def _img(imagery, k=0):
    return Image.from_id(imagery.image_ids[k])


HALF = np.float32(0.5)


def test_where_with_imagery_and_numbers(imagery, backend):
    data = imagery.data
    ic, img = _ic(imagery), _img(imagery, 2)
    result = wfi.where(ic > 0.5, ic, 0).compute(imagery.geoctx)
    assert_masked_close(result.ndarray, np.ma.where(data > HALF, data, np.float32(0)))
    assert list(result.bandinfo) == [f"{b}_where_{b}" for b in imagery.bands]
    mixed = wfi.where(ic > 0.5, img, ic * 2).compute(imagery.geoctx)
    assert_masked_close(mixed.ndarray, np.ma.where(data > HALF, data[2][None], data * 2))
    numbers = wfi.where(img < 0.3, 1, -1).compute(imagery.geoctx)
    assert_masked_close(numbers.ndarray, np.ma.where(data[2] < np.float32(0.3), 1.0, -1.0))
    assert list(numbers.bandinfo) == [f"{b}_where_{b}" for b in imagery.bands]


def test_where_non_boolean_condition_is_nonzero(imagery, backend):
    data = imagery.data[0]
    img = _img(imagery)
    result = wfi.where(img - img, 1.0, img).compute(imagery.geoctx)  # zero (false) everywhere valid
    assert_masked_close(result.ndarray, np.ma.where(data - data, np.float32(1), data))


def test_where_with_bool_condition(imagery, backend):
    data = imagery.data[1]
    img = _img(imagery, 1)
    assert_masked_close(wfi.where(True, img, 0).compute(imagery.geoctx).ndarray, data)
    result = wfi.where(False, img, 7).compute(imagery.geoctx)
    assert_masked_close(result.ndarray, np.ma.where(False, data, np.float32(7)))
    assert list(result.bandinfo) == imagery.bands


def _single(rng, name, n=None):
    shape = (1, 4, 5) if n is None else (n, 1, 4, 5)
    data = np.ma.array(rng.uniform(-1, 1, shape).astype(np.float32), mask=rng.random(shape) < 0.2)
    if n is None:
        return ImageValue(px.constant(data), {"id": name}, {name: {"name": name}}), data
    return CollectionValue(px.constant(data, length=n), [{"id": k} for k in range(n)], {name: {"name": name}}), data


@pytest.mark.parametrize("x_name, y_name, cond_name, expected", [
    ("blue", None, "blue", "blue_where_blue"),      # the docs: where(col < 0.5, col, 0)
    ("blue", "red", "blue", "blue_or_red_where_blue"),
    (None, "red", "cloud", "red_where_cloud"),
    (None, None, "cloud", "cloud_where_cloud"),
    ("red", "red", "cloud", "red_where_cloud"),
])
def test_where_band_names(backend, x_name, y_name, cond_name, expected):
    rng = np.random.default_rng(3)
    cond, dc = _single(rng, cond_name)
    x, dx = _single(rng, x_name) if x_name else (0.5, np.float32(0.5))
    y, dy = _single(rng, y_name) if y_name else (-2, np.float32(-2))
    value = load_builtins()["wf.where"](cond, x, y)
    assert value.bandnames == [expected]
    assert_masked_close(px.resolve(value).pixels.to_numpy(), np.ma.where(dc, dx, dy))


def test_where_aligns_multi_band_operands_by_name(backend):
    rng = np.random.default_rng(5)
    data = np.ma.array(rng.uniform(-1, 1, (2, 3, 4)).astype(np.float32), mask=rng.random((2, 3, 4)) < 0.2)
    cond = ImageValue(px.constant(data), {}, {"a": {}, "b": {}})
    x = ImageValue(px.constant(data[::-1] * 3), {}, {"b": {}, "a": {}})
    value = load_builtins()["wf.where"](cond, x, 0)
    assert value.bandnames == ["a_where_a", "b_where_b"]
    assert_masked_close(px.resolve(value).pixels.to_numpy(), np.ma.where(data, data * 3, np.float32(0)))
    with pytest.raises(ComputeError):
        load_builtins()["wf.where"](cond, ImageValue(px.constant(data), {}, {"a": {}, "c": {}}), 0)


def test_concat_images_and_collections(imagery, backend):
    data = imagery.data
    first, last = _ic(imagery, limit=3), _img(imagery, 5)
    result = wfi.concat(last, first, _img(imagery, 4)).compute(imagery.geoctx)
    assert [p["id"] for p in result.properties] == [imagery.image_ids[k] for k in (5, 0, 1, 2, 4)]
    assert_masked_close(result.ndarray, data[[5, 0, 1, 2, 4]])
    assert list(result.bandinfo) == imagery.bands
    method = first.concat(first).compute(imagery.geoctx)
    assert_masked_close(method.ndarray, data[[0, 1, 2, 0, 1, 2]])


def test_concat_drops_empties_and_aligns_bands(backend):
    rng = np.random.default_rng(11)
    data = np.ma.array(rng.random((2, 2, 3, 4)).astype(np.float32), mask=rng.random((2, 2, 3, 4)) < 0.3)
    ic = CollectionValue(px.constant(data, length=2), [{"k": 0}, {"k": 1}], {"a": {"u": 1, "v": 1}, "b": {}})
    img = ImageValue(px.constant(data[0][::-1]), {"k": 9}, {"b": {}, "a": {"u": 1, "v": 2}})
    empty = CollectionValue(None, [], {})
    value = load_builtins()["wf.concat"](empty, ic, ImageValue(None, {}, {}), img)
    assert value.properties == [{"k": 0}, {"k": 1}, {"k": 9}]
    assert value.bandinfo == {"a": {"u": 1}, "b": {}}
    assert_masked_close(px.resolve(value).pixels.to_numpy(), np.ma.concatenate([data, data[:1]]))
    assert load_builtins()["wf.concat"](empty, ImageValue(None, {}, {})).empty
    with pytest.raises(ComputeError, match="same bands"):
        load_builtins()["wf.concat"](ic, ImageValue(px.constant(data[0]), {}, {"a": {}, "c": {}}))


@pytest.mark.parametrize("dims", [(3, 3), (5, 5), (2, 4), (1, 3)])
def test_conv2d_matches_scipy_convolve(imagery, backend, dims):
    rng = np.random.default_rng(sum(dims))
    weights = rng.uniform(-1, 1, dims).round(3)
    kernel = Kernel(dims=dims, data=[float(w) for w in weights.ravel()])
    result = wfi.conv2d(_ic(imagery), kernel).compute(imagery.geoctx)
    filled = imagery.data.filled(0).astype(np.float64)
    expected = np.stack([[scipy.ndimage.convolve(band, weights, mode="constant", cval=0.0) for band in image]
                         for image in filled])
    assert_masked_close(result.ndarray, np.ma.array(expected, mask=imagery.data.mask), rtol=1e-4, atol=1e-5)
    image_result = wfi.conv2d(_img(imagery, 3), kernel).compute(imagery.geoctx)
    assert_masked_close(image_result.ndarray, np.ma.array(expected[3], mask=imagery.data.mask[3]), rtol=1e-4,
                        atol=1e-5)
    assert list(image_result.bandinfo) == imagery.bands


def test_normalized_difference(imagery, backend):
    data = imagery.data
    result = wfi.normalized_difference(_ic(imagery), _img(imagery, 1) * 0.5).compute(imagery.geoctx)
    other = data[1][None] * HALF
    assert_masked_close(result.ndarray, np.ma.divide(data - other, data + other))
    assert list(result.bandinfo) == imagery.bands


def test_normalized_difference_band_name(backend):
    rng = np.random.default_rng(2)
    nir, dn = _single(rng, "nir")
    red, dr = _single(rng, "red")
    builtins = load_builtins()
    value = builtins["wf.div"](builtins["wf.sub"](nir, red), builtins["wf.add"](nir, red))
    assert value.bandnames == ["nir_sub_red_div_nir_add_red"]  # the name the docs show
    assert_masked_close(px.resolve(value).pixels.to_numpy(), np.ma.divide(dn - dr, dn + dr))
