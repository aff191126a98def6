"""gpucompute.array.ma against numpy.ma, on every backend."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array import _reductions, ma
from gpucompute.array._names import MA_NAMES
from gpucompute.errors import ArrayDTypeError, ArrayShapeError
from gpucompute.testing.oracle import (
    assert_array_matches, assert_masked_matches, random_array, random_mask, to_host,
)

DTYPES = [np.float32, np.float64, np.int16, np.uint8]
SHAPE = (4, 5)


def _input(backend, rng, dtype, masked, shape=SHAPE):
    """A random input (plain backend array or MaskedArray) and the numpy.ma view of the same values."""
    data = random_array(rng, shape, dtype)
    if masked:
        arr = ga.masked_array(data, random_mask(rng, shape), backend=backend)
        return arr, arr.to_numpy()
    arr = backend.asarray(data)
    return arr, backend.to_numpy(arr)


def _some_value(rng, host):
    """An element of *host* as a Python scalar (so equality tests hit)."""
    return np.asarray(host).reshape(-1)[int(rng.integers(0, host.size))].item()


def test_names_match_the_contract():
    assert sorted(ma.__all__) == sorted(MA_NAMES)
    assert ga.ma is ma
    assert ma.masked_array is ga.masked_array
    for name in MA_NAMES:
        assert getattr(ma, name).__doc__


COMPARISONS = ["masked_equal", "masked_not_equal", "masked_greater", "masked_greater_equal",
               "masked_less", "masked_less_equal"]


@pytest.mark.parametrize("name", COMPARISONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("masked", [False, True], ids=["plain", "masked"])
def test_masked_comparisons(backend, rng, name, dtype, masked):
    arr, host = _input(backend, rng, dtype, masked)
    value = _some_value(rng, host)
    out = getattr(ma, name)(arr, value)
    expected = getattr(np.ma, name)(host, value)
    assert out.backend is backend
    assert_masked_matches(out, expected, backend)
    if name == "masked_equal":
        assert out.fill_value == expected.fill_value


@pytest.mark.filterwarnings("ignore:Non-scalar arrays for the fill value:DeprecationWarning")
@pytest.mark.parametrize("name", ["masked_greater", "masked_equal"])
def test_masked_comparison_with_array_value(backend, rng, name):
    arr, host = _input(backend, rng, np.float32, True)
    row = host.data[1]
    out = getattr(ma, name)(arr, row)
    assert_masked_matches(out, getattr(np.ma, name)(host, row), backend)


@pytest.mark.parametrize("name", ["masked_inside", "masked_outside"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("masked", [False, True], ids=["plain", "masked"])
def test_masked_interval(backend, rng, name, dtype, masked):
    arr, host = _input(backend, rng, dtype, masked)
    v1, v2 = _some_value(rng, host), _some_value(rng, host)
    for ends in ((v1, v2), (v2, v1), (min(v1, v2), min(v1, v2))):
        assert_masked_matches(getattr(ma, name)(arr, *ends), getattr(np.ma, name)(host, *ends), backend)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("masked", [False, True], ids=["plain", "masked"])
def test_masked_invalid(backend, rng, dtype, masked):
    data = random_array(rng, SHAPE, dtype)
    if np.dtype(dtype).kind == "f":
        data.reshape(-1)[rng.choice(data.size, 6, replace=False)] = [np.nan, np.inf, -np.inf, np.nan, 1, 2]
    mask = random_mask(rng, SHAPE) if masked else False
    arr = ga.masked_array(data, mask, backend=backend) if masked else backend.asarray(data)
    host = arr.to_numpy() if masked else backend.to_numpy(arr)
    assert_masked_matches(ma.masked_invalid(arr), np.ma.masked_invalid(host), backend)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("masked", [False, True], ids=["plain", "masked"])
def test_fix_invalid(backend, rng, dtype, masked):
    data = random_array(rng, SHAPE, dtype)
    if np.dtype(dtype).kind == "f":
        data.reshape(-1)[rng.choice(data.size, 4, replace=False)] = [np.nan, np.inf, -np.inf, np.nan]
    arr = ga.masked_array(data, random_mask(rng, SHAPE), backend=backend) if masked else backend.asarray(data)
    host = arr.to_numpy() if masked else backend.to_numpy(arr)
    extra = random_mask(rng, SHAPE, 0.2)
    for kwargs in ({}, {"fill_value": 7}, {"mask": extra, "fill_value": 3}):
        out = ma.fix_invalid(arr, **kwargs)
        expected = np.ma.fix_invalid(host, **kwargs)
        assert_masked_matches(out, expected, backend)
        got_data = backend.to_numpy(out.data)
        np.testing.assert_allclose(got_data, expected.data, equal_nan=True, rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("masked", [False, True], ids=["plain", "masked"])
def test_masked_values(backend, rng, dtype, masked):
    arr, host = _input(backend, rng, dtype, masked)
    value = _some_value(rng, host)
    out = ma.masked_values(arr, value)
    expected = np.ma.masked_values(host, value, shrink=False)
    assert_masked_matches(out, expected, backend)
    assert out.fill_value == expected.fill_value
    assert_masked_matches(ma.masked_values(arr, value, shrink=True), expected, backend)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_masked_values_tolerances(backend, rng, dtype):
    data = random_array(rng, SHAPE, dtype)
    value = float(data[0, 0])
    data[1, :3] = np.array([value * (1 + 1e-7), value + 1e-3, value * (1 + 3e-6)], dtype=dtype)
    arr = backend.asarray(data)
    host = backend.to_numpy(arr)
    for tol in ({}, {"rtol": 1e-3}, {"rtol": 0.0, "atol": 1e-2}):
        assert_masked_matches(ma.masked_values(arr, value, **tol),
                              np.ma.masked_values(host, value, shrink=False, **tol), backend)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("masked", [False, True], ids=["plain", "masked"])
def test_masked_where(backend, rng, dtype, masked):
    arr, host = _input(backend, rng, dtype, masked)
    cond = rng.random(SHAPE) < 0.4
    for condition in (cond, backend.asarray(cond), cond.astype(np.int16), True, False):
        expected = np.ma.masked_where(condition if not backend.is_native(condition) else cond, host)
        assert_masked_matches(ma.masked_where(condition, arr), expected, backend)
    masked_cond = np.ma.masked_array(cond, random_mask(rng, SHAPE))
    for condition in (masked_cond, ga.masked_array(masked_cond, backend=backend)):
        assert_masked_matches(ma.masked_where(condition, arr), np.ma.masked_where(masked_cond, host), backend)


def test_masked_where_keeps_the_fill_value(backend, rng):
    arr = ga.masked_array(random_array(rng, SHAPE, np.float32), fill_value=-5.0, backend=backend)
    assert ma.masked_where(rng.random(SHAPE) < 0.5, arr).fill_value == -5.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_filled(backend, rng, dtype):
    arr, host = _input(backend, rng, dtype, True)
    for fill in (None, 0, 9):
        out = ma.filled(arr, fill)
        assert backend.is_native(out)
        assert_array_matches(out, np.ma.filled(host, fill), backend)
    assert_array_matches(ma.filled(host), np.ma.filled(host), backend)
    plain, plain_host = _input(backend, rng, dtype, False)
    assert ma.filled(plain) is plain
    assert_array_matches(ma.filled(plain_host.tolist()), np.ma.filled(plain_host.tolist()), backend)


@pytest.mark.parametrize("dtype", DTYPES)
def test_masked_array_constructor(backend, rng, dtype):
    data, mask = random_array(rng, SHAPE, dtype), random_mask(rng, SHAPE)
    assert_masked_matches(ma.masked_array(data, mask), np.ma.masked_array(data, mask), backend)


def test_results_compile(backend, rng):
    arr, host = _input(backend, rng, np.float32, True)
    cond = rng.random(SHAPE) < 0.3

    def pipeline(a, c):
        out = ma.masked_greater(a, 5.0)
        out = ma.masked_inside(out, -1.0, -3.0)
        out = ma.masked_where(c, out)
        return ma.fix_invalid(ma.masked_values(out, 0.5), fill_value=0.0)

    expected = np.ma.masked_where(cond, np.ma.masked_inside(np.ma.masked_greater(host, 5.0), -1.0, -3.0))
    expected = np.ma.fix_invalid(np.ma.masked_values(expected, 0.5, shrink=False), fill_value=0.0)
    compiled = backend.compile(pipeline)
    assert_masked_matches(compiled(arr, backend.asarray(cond)), expected, backend)


@pytest.mark.parametrize("masked", [False, True], ids=["plain", "masked"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_average(backend, rng, masked, dtype):
    if not hasattr(_reductions, "average"):
        pytest.skip("gpucompute.array._reductions.average is not written yet")
    arr, host = _input(backend, rng, dtype, masked)
    weights = rng.random(SHAPE) + 0.1
    for kwargs in ({}, {"axis": 0}, {"axis": 1, "weights": weights}, {"axis": (0, 1), "keepdims": True}):
        out = ma.average(arr, **kwargs)
        expected = np.ma.average(np.ma.asarray(host), **kwargs)
        # dtype unchecked: float32 input averages to float32 (a documented _reductions choice;
        # numpy.ma gives float64 there)
        assert_masked_matches(out, np.ma.asarray(expected), backend, check_dtype=False, rtol=1e-4, atol=1e-4)
    out, scale = ma.average(arr, axis=0, weights=weights, returned=True)
    want, want_scale = np.ma.average(np.ma.asarray(host), axis=0, weights=weights, returned=True)
    assert_masked_matches(out, want, backend, check_dtype=False, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.ma.filled(to_host(scale), 0), np.ma.filled(want_scale, 0), rtol=1e-5)


# -- errors --------------------------------------------------------------------------------------
def test_masked_where_shape_mismatch_raises(backend, rng):
    arr, _ = _input(backend, rng, np.float32, False)
    with pytest.raises(ArrayShapeError, match=r"^gpucompute\.array\.ma\.masked_where: "):
        ma.masked_where(np.ones((5, 4), bool), arr)
    with pytest.raises(ArrayShapeError, match=r"^gpucompute\.array\.ma\.masked_where: "):
        ma.masked_where(np.ones((5,), bool), arr)


def test_fix_invalid_bad_mask_raises(backend, rng):
    arr, _ = _input(backend, rng, np.float32, False)
    with pytest.raises(ArrayDTypeError):
        ma.fix_invalid(arr, mask=np.full(SHAPE, 0.5))
    with pytest.raises(ArrayShapeError):
        ma.fix_invalid(arr, mask=np.zeros((3,), bool))


def test_comparison_shape_mismatch_raises(backend, rng):
    arr, _ = _input(backend, rng, np.float32, True)
    with pytest.raises(ArrayShapeError):
        ma.masked_greater(arr, np.zeros(3))
