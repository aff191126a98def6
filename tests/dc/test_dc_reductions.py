"""DC reductions (required axis, result types), clip/filled, gradients, elementwise math and dot vs NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from gpucompute import dc
from gpucompute.dc._methods import PixelArray
from gpucompute.errors import ComputeError, ProxyTypeError

REDUCERS = ["max", "min", "mean", "median", "sum", "std"]


def assert_ma_close(got, want, rtol=1e-5, atol=1e-6):
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))
    np.testing.assert_allclose(np.ma.filled(got, 0), np.ma.filled(want, 0), rtol=rtol, atol=atol)


def sources(imagery):
    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, "red green blue nir")
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red green blue nir", "2023-01-01", "2024-01-01")
    return mosaic, stack


def mosaic_oracle(data):
    out = np.ma.masked_all(data.shape[1:], dtype=data.dtype)
    for image in data:
        valid = ~np.ma.getmaskarray(image)
        out[valid] = image[valid]
    return out


@pytest.mark.parametrize("name", REDUCERS + ["argmax", "argmin"])
def test_reductions_have_no_default_axis(imagery, name):
    mosaic, stack = sources(imagery)
    for obj in (mosaic, stack):
        with pytest.raises(ProxyTypeError, match="needs an axis"):
            getattr(obj, name)()
    with pytest.raises(ProxyTypeError, match="axis must be one of"):
        getattr(mosaic, name)(axis="images")


def test_result_types_follow_the_axis(imagery):
    mosaic, stack = sources(imagery)
    assert type(stack.mean(axis="images")) is dc.Mosaic
    assert type(stack.mean(axis="bands")) is dc.ImageStack
    assert type(stack.mean(axis="pixels")) is PixelArray
    assert type(mosaic.mean(axis="bands")) is dc.Mosaic
    assert type(mosaic.mean(axis="pixels")) is PixelArray
    assert type(stack.argmax(axis="images")) is dc.Mosaic
    with pytest.raises(ProxyTypeError):
        stack.argmin(axis="pixels")
    assert type(stack.reduce("median")) is dc.Mosaic and type(mosaic.reduce(np.ma.max)) is dc.Mosaic
    with pytest.raises(ProxyTypeError, match="reducer"):
        stack.reduce(lambda a: a)


@pytest.mark.parametrize("name", REDUCERS)
def test_stack_reductions_match_numpy_ma(imagery, backend, name):
    _, stack = sources(imagery)
    data = imagery.data
    ma = getattr(np.ma, name)
    rtol = 1e-4 if name in ("std", "sum") else 1e-5
    assert_ma_close(getattr(stack, name)(axis="images").compute(imagery.geoctx).ndarray, ma(data, axis=0), rtol)
    got = getattr(stack, name)(axis="bands").compute(imagery.geoctx)
    assert_ma_close(got.ndarray, ma(data, axis=1, keepdims=True), rtol)
    pixels = getattr(stack, name)(axis="pixels").compute(imagery.geoctx)
    assert pixels.shape == (6, 4)
    assert_ma_close(pixels, ma(data.reshape(6, 4, -1), axis=2), rtol=2e-4)


@pytest.mark.parametrize("name", ["max", "median", "std"])
def test_mosaic_reductions_match_numpy_ma(imagery, backend, name):
    mosaic, _ = sources(imagery)
    composite = mosaic_oracle(imagery.data)
    got = getattr(mosaic, name)(axis="bands").compute(imagery.geoctx)
    assert_ma_close(got.ndarray, getattr(np.ma, name)(composite, axis=0, keepdims=True), 1e-4)
    assert getattr(mosaic, name)(axis="pixels").compute(imagery.geoctx).shape == (4,)


def test_argmax_argmin(imagery, backend):
    mosaic, stack = sources(imagery)
    data = imagery.data
    got = stack.argmax(axis="images").compute(imagery.geoctx).ndarray
    want = np.ma.masked_array(np.ma.argmax(data, axis=0), mask=np.ma.getmaskarray(data).all(axis=0))
    assert_ma_close(got, want)
    got = mosaic.argmin(axis="bands").compute(imagery.geoctx).ndarray
    composite = mosaic_oracle(data)
    want = np.ma.masked_array(np.ma.argmin(composite, axis=0), mask=np.ma.getmaskarray(composite).all(axis=0))
    assert_ma_close(got, want[None])


def test_clip_and_filled(imagery, backend):
    _, stack = sources(imagery)
    assert_ma_close(stack.clip(0.2, 0.6).compute(imagery.geoctx).ndarray, np.ma.clip(imagery.data, 0.2, 0.6))
    got = stack.filled(-1.5).compute(imagery.geoctx).ndarray
    assert not np.ma.getmaskarray(got).any()
    np.testing.assert_allclose(np.ma.getdata(got), imagery.data.filled(-1.5), rtol=1e-6)
    with pytest.raises(ProxyTypeError, match="less than"):
        stack.clip(1, 0)
    with pytest.raises(ComputeError, match="less than"):
        stack.clip(dc.parameter("lo", dc.Datetime).year * 1.0, 0.5).compute(imagery.geoctx, lo="2023-01-01")


def numpy_gradient(data, axis, resolution):
    """np.gradient with masks: an output pixel is masked where an input it uses is masked."""
    values = np.gradient(np.ma.getdata(data).astype(np.float64), axis=axis) / resolution
    mask = np.ma.getmaskarray(data)
    n = data.shape[axis]
    m = np.zeros_like(mask)
    take = lambda i: np.take(mask, i, axis=axis)
    idx = [slice(None)] * data.ndim
    for i in range(n):
        lo, hi = (0, 1) if i == 0 else ((n - 2, n - 1) if i == n - 1 else (i - 1, i + 1))
        idx[axis] = i
        m[tuple(idx)] = take(lo) | take(hi)
    return np.ma.masked_array(values, m)


def test_gradients_slope_and_aspect(imagery, backend):
    mosaic, _ = sources(imagery)
    composite = mosaic_oracle(imagery.data)
    gx = numpy_gradient(composite, 2, 20.0)
    gy = numpy_gradient(composite, 1, 20.0)
    assert_ma_close(mosaic.gradient_x().compute(imagery.geoctx).ndarray, gx, rtol=1e-4, atol=1e-6)
    assert_ma_close(dc.gradient_y(mosaic, 5.0).compute(imagery.geoctx).ndarray, gy * 4, rtol=1e-4, atol=1e-6)
    slope = np.degrees(np.arctan(np.ma.sqrt(gx ** 2 + gy ** 2)))
    assert_ma_close(mosaic.slope().compute(imagery.geoctx).ndarray, slope, rtol=1e-4, atol=1e-4)
    aspect = np.degrees(np.ma.arctan2(gx, -gy))
    assert_ma_close(mosaic.aspect().compute(imagery.geoctx).ndarray, aspect, rtol=1e-4, atol=1e-3)


def test_resolution_functions(imagery, backend):
    assert dc.resolution_x().compute(imagery.geoctx) == 20.0
    assert dc.resolution_y().compute(imagery.geoctx.replace(resolution=40.0)) == 40.0


@pytest.mark.parametrize("name", ["sqrt", "log", "cos", "arctan"])
def test_functional_math(imagery, backend, name):
    mosaic, stack = sources(imagery)
    result = getattr(dc, name)(stack)
    assert type(result) is dc.ImageStack and type(getattr(dc, name)(mosaic)) is dc.Mosaic
    assert_ma_close(result.compute(imagery.geoctx).ndarray, getattr(np.ma, name)(imagery.data), rtol=1e-5)
    assert getattr(dc, name)(0.5) == pytest.approx(getattr(np, name)(0.5))


def masked_einsum(subscripts, a, b):
    """numpy oracle: masked values count as zero; masked where every term is masked."""
    bm = np.ma.getmaskarray(b) if np.ma.isMaskedArray(b) else np.zeros(np.shape(b), bool)
    data = np.einsum(subscripts, np.ma.filled(a, 0).astype(np.float64), np.ma.filled(b, 0).astype(np.float64))
    count = np.einsum(subscripts, (~np.ma.getmaskarray(a)).astype(float), (~bm).astype(float))
    return np.ma.masked_array(data, count == 0)


def test_dot_matches_masked_einsum(imagery, backend):
    mosaic, stack = sources(imagery)
    rng = np.random.default_rng(1)
    composite, data = mosaic_oracle(imagery.data), imagery.data
    v4, m42 = rng.normal(size=4), rng.normal(size=(4, 2))
    v6, m63 = rng.normal(size=6), rng.normal(size=(6, 3))
    cases = [
        (dc.dot(mosaic, v4), masked_einsum("byx,b->yx", composite, v4)[None]),
        (dc.dot(mosaic, m42), masked_einsum("byx,bk->kyx", composite, m42)),
        (dc.dot(m42.T, mosaic), masked_einsum("byx,bk->kyx", composite, m42)),
        (dc.dot(mosaic, mosaic), masked_einsum("byx,byx->yx", composite, composite)[None]),
        (dc.dot(stack, v6), masked_einsum("nbyx,n->byx", data, v6)),
        (dc.dot(stack, m63), masked_einsum("nbyx,nk->kbyx", data, m63)),
        (dc.dot(stack, stack), masked_einsum("nbyx,nbyx->byx", data, data)),
    ]
    assert [type(obj) for obj, _ in cases] == [dc.Mosaic] * 5 + [dc.ImageStack, dc.Mosaic]
    for obj, want in cases:
        assert_ma_close(obj.compute(imagery.geoctx).ndarray, want, rtol=1e-4, atol=1e-5)
    with pytest.raises(ComputeError, match="rows"):
        dc.dot(mosaic, [1.0, 2.0]).compute(imagery.geoctx)
    with pytest.raises(ProxyTypeError):
        dc.dot(mosaic, stack)
