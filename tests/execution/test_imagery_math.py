"""Imagery operators and math functions computed against numpy.ma on the fixture's pixels."""

from __future__ import annotations

import operator

import numpy as np
import pytest

from gpucompute.errors import ComputeError
from gpucompute.types import imagery_functions as wfi
from gpucompute.types.image import Image
from gpucompute.types.imagecollection import ImageCollection
from gpucompute.types.primitives import Float, Int


def _ic(imagery):
    return ImageCollection.from_id(imagery.product_id)


def _img(imagery, k=0):
    return Image.from_id(imagery.image_ids[k])


def assert_masked_close(result, expected, rtol=1e-5, atol=1e-6):
    result = np.ma.asarray(result)
    expected = np.ma.asarray(expected)
    assert result.shape == expected.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(result), np.ma.getmaskarray(expected))
    valid = ~np.ma.getmaskarray(expected)
    np.testing.assert_allclose(np.asarray(result.data)[valid], np.asarray(expected.data)[valid], rtol=rtol, atol=atol)


# The Workflows builtin of each Python operator, and the numpy.ma function that is its oracle.
BINARY = [
    (operator.add, np.ma.add),
    (operator.sub, np.ma.subtract),
    (operator.mul, np.ma.multiply),
    (operator.truediv, np.ma.divide),
    (operator.floordiv, np.ma.floor_divide),
    (operator.mod, np.ma.remainder),
    (operator.lt, np.ma.less),
    (operator.le, np.ma.less_equal),
    (operator.gt, np.ma.greater),
    (operator.ge, np.ma.greater_equal),
    (operator.eq, np.ma.equal),
    (operator.ne, np.ma.not_equal),
]


@pytest.mark.parametrize("op, oracle", BINARY, ids=[o.__name__ for o, _ in BINARY])
def test_image_with_number_both_orders(imagery, backend, op, oracle):
    data = imagery.data[0]
    img = _img(imagery)
    result = op(img, 0.25).compute(imagery.geoctx)
    assert_masked_close(result.ndarray, oracle(data, np.float32(0.25)))
    assert list(result.bandinfo) == imagery.bands
    reflected = op(0.5, img).compute(imagery.geoctx)
    assert_masked_close(reflected.ndarray, oracle(np.float32(0.5), data))


@pytest.mark.parametrize("op, oracle", BINARY[:6], ids=[o.__name__ for o, _ in BINARY[:6]])
def test_collection_with_collection_and_image(imagery, backend, op, oracle):
    data = imagery.data
    ic, img = _ic(imagery), _img(imagery, 2)
    assert_masked_close(op(ic, ic * 0.5 + 0.1).compute(imagery.geoctx).ndarray, oracle(data, data * np.float32(0.5)
                                                                                         + np.float32(0.1)))
    with_image = op(ic, img).compute(imagery.geoctx)
    assert_masked_close(with_image.ndarray, oracle(data, data[2][None]))
    image_first = op(img, ic).compute(imagery.geoctx)
    assert_masked_close(image_first.ndarray, oracle(data[2][None], data))
    assert len(image_first.properties) == len(imagery.image_ids)


def test_power_and_unary_operators(imagery, backend):
    data = imagery.data[1]
    img = _img(imagery, 1)
    assert_masked_close((img ** 2).compute(imagery.geoctx).ndarray, np.ma.power(data, 2), rtol=1e-4)
    assert_masked_close((2 ** img).compute(imagery.geoctx).ndarray, np.ma.power(np.float32(2), data), rtol=1e-4)
    assert_masked_close((-img).compute(imagery.geoctx).ndarray, -data)
    assert_masked_close((+img).compute(imagery.geoctx).ndarray, data)
    assert_masked_close(abs(img - 0.5).compute(imagery.geoctx).ndarray, np.ma.abs(data - np.float32(0.5)))


def test_proxy_numbers_combine_with_imagery(imagery, backend):
    data = imagery.data[0]
    img = _img(imagery)
    result = (Int(2) * img - Float(0.5)).compute(imagery.geoctx)
    assert_masked_close(result.ndarray, data * 2 - np.float32(0.5))
    assert_masked_close((Float(1.0) / img).compute(imagery.geoctx).ndarray, np.ma.divide(np.float32(1), data))


def test_division_by_zero_is_masked_like_numpy_ma(imagery, backend):
    data = imagery.data[0]
    img = _img(imagery)
    result = (img / (img - img)).compute(imagery.geoctx)
    assert np.ma.getmaskarray(result.ndarray).all()
    assert_masked_close((img / 0).compute(imagery.geoctx).ndarray, np.ma.divide(data, np.float32(0)))


def test_bitwise_operators_on_comparisons_are_logical(imagery, backend):
    data = imagery.data[0]
    img = _img(imagery)
    low, high = data > np.float32(0.2), data < np.float32(0.7)  # the engine's constants are float32
    cases = [
        ((img > 0.2) & (img < 0.7), low & high),
        ((img > 0.2) | (img < 0.7), low | high),
        ((img > 0.2) ^ (img < 0.7), low ^ high),
        (~(img > 0.2), ~low),
        ((img > 0.2) & True, low & True),
    ]
    for expr, expected in cases:
        result = expr.compute(imagery.geoctx).ndarray
        assert result.dtype == np.bool_
        assert_masked_close(result, expected)


def test_bitwise_operators_on_values_use_their_integer_part(imagery, backend):
    data = imagery.data[0]
    img = _img(imagery) * 1000
    as_int = (data * np.float32(1000)).astype(np.int32)
    cases = [(img & 16, as_int & 16), (img | 3, as_int | 3), (img ^ 5, as_int ^ 5), (img >> 2, as_int >> 2),
             (img << 1, as_int << 1), (~img, ~as_int)]
    for expr, expected in cases:
        assert_masked_close(expr.compute(imagery.geoctx).ndarray, expected.astype(np.float32))


MATH = ["log", "log2", "log10", "log1p", "sqrt", "cos", "arccos", "sin", "arcsin", "tan", "arctan", "exp", "square"]


@pytest.mark.parametrize("name", MATH)
def test_math_methods_and_functions(imagery, backend, name):
    values = imagery.data * np.float32(2) - np.float32(0.5)  # negative and > 1 values exercise the domains
    oracle = getattr(np.ma, name, None)
    if oracle is None:  # numpy.ma has no log1p: NumPy's values, the input's mask (no domain is crossed here)
        oracle = lambda v: np.ma.array(getattr(np, name)(v.data), mask=np.ma.getmaskarray(v))
    with np.errstate(all="ignore"):
        expected = oracle(values)
    method = getattr(_ic(imagery) * 2 - 0.5, name)().compute(imagery.geoctx)
    assert_masked_close(method.ndarray, expected, rtol=2e-5)
    assert list(method.bandinfo) == imagery.bands
    function = getattr(wfi, name)(_img(imagery, 4) * 2 - 0.5).compute(imagery.geoctx)
    assert_masked_close(function.ndarray, expected[4], rtol=2e-5)


@pytest.mark.parametrize("name", MATH)
def test_math_functions_of_numbers_give_floats(name, backend):
    value = getattr(wfi, name)(0.5)
    assert isinstance(value, Float)
    assert value.compute() == pytest.approx(float(getattr(np, name)(0.5)))
    int_value = getattr(wfi, name)(Int(1)).compute()
    assert isinstance(int_value, float) and int_value == pytest.approx(float(getattr(np, name)(1.0)))


def test_arctan2(imagery, backend):
    data = imagery.data
    assert wfi.arctan2(1.0, -2).compute() == pytest.approx(float(np.arctan2(1.0, -2.0)))
    result = wfi.arctan2(_ic(imagery) - 0.5, _img(imagery, 3) - 0.5).compute(imagery.geoctx)
    half = np.float32(0.5)
    assert_masked_close(result.ndarray, np.ma.arctan2(data - half, data[3][None] - half))
    assert list(result.bandinfo) == imagery.bands


def test_band_properties_and_bandinfo_intersect(imagery, backend):
    ic, img = _ic(imagery), _img(imagery, 1)
    result = (img + ic).compute(imagery.geoctx)
    image_props = img.compute(imagery.geoctx).properties
    stack_props = ic.compute(imagery.geoctx).properties
    for got, theirs in zip(result.properties, stack_props):
        assert got == {k: v for k, v in image_props.items() if k in theirs and theirs[k] == v}
    assert result.properties[1] == stack_props[1]  # the image with itself keeps everything
    assert "id" not in result.properties[0]
    scalar = (ic * 2).compute(imagery.geoctx)
    assert scalar.properties == stack_props
    assert scalar.bandinfo == ic.compute(imagery.geoctx).bandinfo


def test_collections_of_different_lengths_fail(imagery, backend):
    short = ImageCollection.from_id(imagery.product_id, limit=2)
    with pytest.raises(ComputeError, match="different lengths"):
        (_ic(imagery) + short).compute(imagery.geoctx)


def test_empty_operand_gives_empty_result(imagery, backend):
    far = imagery.geoctx.replace(bounds=(100000.0, 100000.0, 100640.0, 100480.0))
    ic, img = _ic(imagery), _img(imagery)  # far away: an empty collection (the image is fully masked there)
    for expr in [ic + 1, ic + img, img - ic, ic.log(), -ic, ic > ic.log(), wfi.arctan2(ic, img)]:
        assert isinstance(expr, ImageCollection)
        result = expr.compute(far)
        assert result.ndarray is None and result.properties == []


def _needs_pick_bands():
    if not hasattr(Image, "pick_bands"):
        pytest.skip("Image.pick_bands is not available yet")


def test_single_bands_pair_and_name_like_the_docs(imagery, backend):
    _needs_pick_bands()
    data = imagery.data[0]
    img = _img(imagery)
    nir, red = img.pick_bands("nir"), img.pick_bands("red")
    diff = (nir - red).compute(imagery.geoctx)
    assert list(diff.bandinfo) == ["nir_sub_red"]
    assert_masked_close(diff.ndarray, data[3:4] - data[0:1])
    ndvi = wfi.normalized_difference(nir, red).compute(imagery.geoctx)
    assert list(ndvi.bandinfo) == ["nir_sub_red_div_nir_add_red"]
    assert_masked_close(ndvi.ndarray, np.ma.divide(data[3:4] - data[0:1], data[3:4] + data[0:1]))


def test_guide_broadcasting_examples(imagery, backend):
    _needs_pick_bands()
    data, stack = imagery.data[0], imagery.data
    img, ic = _img(imagery), _ic(imagery)
    geoctx = imagery.geoctx
    assert_masked_close((img + img.pick_bands("red")).compute(geoctx).ndarray, data + data[0:1])
    pair = (img.pick_bands("red green") + img.pick_bands("green red")).compute(geoctx)
    assert list(pair.bandinfo) == ["red", "green"]
    assert_masked_close(pair.ndarray, data[0:2] * 2)
    assert_masked_close((ic + ic.pick_bands("red")).compute(geoctx).ndarray, stack + stack[:, 0:1])
    assert_masked_close((ic + img.pick_bands("red")).compute(geoctx).ndarray, stack + data[None, 0:1])
    with pytest.raises(ComputeError, match="red"):
        (img.pick_bands("red green") + img.pick_bands("red green blue")).compute(geoctx)
    with pytest.raises(ComputeError, match="blue"):
        (ic.pick_bands("red green") * img.pick_bands("blue red")).compute(geoctx)


def test_a_reduction_combined_with_imagery_stays_in_one_program(imagery, backend, monkeypatch):
    if not hasattr(Image, "mean"):
        pytest.skip("Image.mean is not available yet")
    from gpucompute.execution import pixels as px

    runs = []
    real = px.materialize
    monkeypatch.setattr(px, "materialize", lambda roots: runs.append(len(roots)) or real(roots))
    data = imagery.data[2]
    img = _img(imagery, 2)
    result = (img - img.mean()).compute(imagery.geoctx)
    assert len(runs) == 1  # the mean was not computed on its own first
    assert_masked_close(result.ndarray, data - data.mean(), rtol=1e-4, atol=1e-5)
    scaled = (img.max() * img / 2).compute(imagery.geoctx)
    assert_masked_close(scaled.ndarray, data.max() * data / np.float32(2), rtol=1e-4, atol=1e-5)
    threshold = img.mean() * 2 - img.min()  # Float arithmetic (wf.numpy ufuncs): computed, then a constant
    masked = wfi.where(img > threshold, img, 0).compute(imagery.geoctx)
    limit = np.float32(data.mean() * 2 - data.min())
    assert_masked_close(masked.ndarray, np.ma.where(data > limit, data, np.float32(0)), rtol=1e-4, atol=1e-5)
    assert threshold.compute(imagery.geoctx) == pytest.approx(float(limit), rel=1e-5)
