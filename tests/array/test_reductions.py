"""Masked and plain reductions against numpy.ma / NumPy, on every backend.

The case matrix is (reduction x dtype x backend) with one (axis, keepdims)
per case from :func:`case_for`, so every reduction sees every axis (None, 0,
1, -1, (0, 2)) and both keepdims values while JAX compiles a bounded number of
programs.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array import _reductions
from gpucompute.errors import ArrayDTypeError, AxisError, RoutineNotSupportedError
from gpucompute.testing import DTYPES, assert_array_matches, assert_masked_matches, random_array, random_mask

SHAPE = (4, 5, 6)
AXES = (None, 0, 1, -1, (0, 2))
ONE_AXES = (None, 0, 1, -1, 2)

PUBLIC = (
    "all", "any", "argmax", "argmin", "max", "min", "mean", "median", "prod", "ptp", "std", "sum",
    "var", "percentile", "quantile", "count", "count_nonzero", "average", "nanargmax", "nanargmin",
    "nanmax", "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar",
)


def case_for(name, dtype, axes=AXES):
    """The (axis, keepdims) tested for reduction *name* on *dtype* (a sampled product).

    Over the five DTYPES each reduction meets every axis once; which dtype meets
    which axis, and the keepdims flag, rotate with the reduction's name, so
    across reductions every (axis, keepdims, dtype) combination occurs while
    JAX compiles one program per test.
    """
    index = [np.dtype(d) for d in DTYPES].index(np.dtype(dtype))
    offset = zlib.crc32(name.encode())
    return axes[(index + offset) % len(axes)], bool((index + offset // len(axes)) % 2)


def masked_host(rng, dtype, shape=SHAPE, *, small=False):
    """Random numpy.ma data with fully masked and fully valid slices along every tested axis."""
    data = random_array(rng, shape, dtype)
    if small:  # products stay exactly representable
        data = (np.abs(data.astype(np.int64)) % 3 + 1).astype(dtype) if np.dtype(dtype).kind != "f" \
            else (1 + data / 100).astype(dtype)
    mask = random_mask(rng, shape, 0.3, all_masked_axis=1, all_valid_axis=1)
    mask[:, 0, :] = True       # slices along axes 0, 2 and (0, 2) with no valid element
    mask[-1, -1, :] = False    # and fully valid ones
    mask[:, -1, -1] = False
    return np.ma.MaskedArray(data, mask=mask)


def masked_nans(rng, x, fraction):
    """*x* with NaN written at random places of float data, all of them masked."""
    if np.dtype(x.dtype).kind != "f":
        return x
    at = rng.random(x.shape) < fraction
    return np.ma.MaskedArray(np.where(at, np.nan, x.data).astype(x.dtype), x.mask | at)


def ordinary(name, x, axis, keep):
    """NumPy's dtype for the reduction on unmasked data (numpy.ma differs for float32 means)."""
    return getattr(np, name)(np.asarray(x.data), axis=axis, keepdims=keep).dtype


def first_extreme(x, axis, keep, op):
    """argmin/argmax among valid elements only, with numpy.ma's all-masked mask."""
    fill = np.inf if op == "argmin" else -np.inf
    filled = np.where(x.mask, fill, x.data.astype(np.float64))
    index = getattr(np, op)(filled, axis=axis, keepdims=keep)
    mask = np.all(x.mask, axis=axis, keepdims=keep)
    return np.ma.MaskedArray(np.where(mask, 0, index), mask=mask)


#: reduction -> numpy.ma oracle (x, axis, keepdims); the expected dtype is NumPy's (see `ordinary`).
MASKED_ORACLES = {
    "sum": lambda x, axis, keep: np.ma.sum(x, axis=axis, keepdims=keep),
    "prod": lambda x, axis, keep: np.ma.prod(x, axis=axis, keepdims=keep),
    "min": lambda x, axis, keep: np.ma.min(x, axis=axis, keepdims=keep),
    "max": lambda x, axis, keep: np.ma.max(x, axis=axis, keepdims=keep),
    "ptp": lambda x, axis, keep: np.ma.ptp(x, axis=axis, keepdims=keep),
    "all": lambda x, axis, keep: np.ma.all(x > 0, axis=axis, keepdims=keep),
    "any": lambda x, axis, keep: np.ma.any(x > 50, axis=axis, keepdims=keep),
    "mean": lambda x, axis, keep: np.ma.mean(x, axis=axis, keepdims=keep),
    "var": lambda x, axis, keep: np.ma.var(x, axis=axis, keepdims=keep),
    "std": lambda x, axis, keep: np.ma.std(x, axis=axis, keepdims=keep, ddof=1),
    "median": lambda x, axis, keep: np.ma.median(x, axis=axis, keepdims=keep),
    "average": lambda x, axis, keep: np.ma.average(x, axis=axis, keepdims=keep),
}
#: how gpucompute is called for each oracle (the same arguments).
CALLS = {
    "all": lambda m, axis, keep: ga.all(m > 0, axis=axis, keepdims=keep),
    "any": lambda m, axis, keep: ga.any(m > 50, axis=axis, keepdims=keep),
    "std": lambda m, axis, keep: ga.std(m, axis=axis, keepdims=keep, ddof=1),
}


def _tolerance(dtype):
    # float32 sums accumulate in a backend-specific order: compare against the magnitude of the terms
    return {"rtol": 1e-5, "atol": 1e-3} if np.dtype(dtype) == np.float32 else {}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", sorted(MASKED_ORACLES))
def test_masked_matches_numpy_ma(backend, rng, name, dtype):
    x = masked_host(rng, dtype, small=name == "prod")
    m = ga.MaskedArray(x, backend=backend)
    call = CALLS.get(name, lambda m, axis, keep: getattr(ga, name)(m, axis=axis, keepdims=keep))
    axis, keep = case_for(name, dtype)
    expected = np.ma.asarray(MASKED_ORACLES[name](x, axis, keep)).astype(ordinary(name, x, axis, keep))
    assert_masked_matches(call(m, axis, keep), expected, backend, **_tolerance(dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ["argmin", "argmax"])
def test_masked_argmin_argmax(backend, rng, name, dtype):
    x = masked_host(rng, dtype)
    m = ga.MaskedArray(x, backend=backend)
    axis, keep = case_for(name, dtype, ONE_AXES)
    actual = getattr(ga, name)(m, axis=axis, keepdims=keep)
    assert_masked_matches(actual, first_extreme(x, axis, keep, name), backend)


@pytest.mark.parametrize("name, axis", [("argmin", 0), ("argmax", None)])
def test_masked_argmin_argmax_agree_with_numpy_ma(backend, rng, name, axis):
    x = masked_host(rng, np.float32)  # floats never tie with numpy.ma's +-inf fill values
    actual = getattr(ga, name)(ga.MaskedArray(x, backend=backend), axis=axis).to_numpy()
    reference = np.asarray(getattr(np.ma, name)(x, axis=axis))
    valid = ~np.asarray(np.all(x.mask, axis=axis))
    np.testing.assert_array_equal(np.asarray(actual.data)[valid], reference[valid])
    np.testing.assert_array_equal(np.asarray(actual.mask), ~valid)


def test_argmin_never_points_at_a_masked_tie(backend):
    data = np.array([[255, 255, 7], [0, 0, 0]], dtype=np.uint8)
    mask = np.array([[True, False, False], [True, False, True]])
    m = ga.masked_array(data, mask, backend=backend)
    assert ga.argmax(m, axis=1).to_numpy().tolist() == [1, 1]
    assert ga.argmin(m, axis=1).to_numpy().tolist() == [2, 1]
    assert ga.argmax(m).to_numpy().item() == 1


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_count_and_count_nonzero(backend, rng, dtype):
    x = masked_host(rng, dtype)
    x.data[1, 1, :3] = 0
    m = ga.MaskedArray(x, backend=backend)
    for axis, keep in (case_for("count", dtype), (None, False)):
        assert_array_matches(ga.count(m, axis=axis, keepdims=keep), np.ma.count(x, axis=axis, keepdims=keep),
                             backend)
        expected = np.asarray(np.count_nonzero(x.filled(0), axis=axis, keepdims=keep), dtype=np.intp)
        assert_array_matches(ga.count_nonzero(m, axis=axis, keepdims=keep), expected, backend)


@pytest.mark.parametrize("name", sorted(set(PUBLIC) - {"count", "count_nonzero", "percentile", "quantile"}))
def test_all_masked_policy(backend, name):
    m = ga.masked_array(np.arange(12.0).reshape(3, 4), np.ones((3, 4), bool), backend=backend)
    for axis in (None, 0):
        result = getattr(ga, name)(m, axis=axis)
        assert isinstance(result, ga.MaskedArray)
        assert result.shape == (() if axis is None else (4,))
        assert np.all(backend.to_numpy(result.mask)), f"{name} axis={axis}"
    partly = m.set((slice(None), 0), 3.0)  # column 0 valid
    mask = backend.to_numpy(getattr(ga, name)(partly, axis=0).mask)
    np.testing.assert_array_equal(mask, [False, True, True, True])


@pytest.mark.parametrize("name", ["percentile", "quantile"])
def test_all_masked_policy_quantiles(backend, name):
    m = ga.masked_array(np.arange(12.0).reshape(3, 4), np.ones((3, 4), bool), backend=backend)
    q = 50 if name == "percentile" else 0.5
    for axis, shape in ((None, ()), (0, (4,))):
        result = getattr(ga, name)(m, q, axis=axis)
        assert result.shape == shape
        assert np.all(backend.to_numpy(result.mask))


def test_empty_axis_is_all_masked(backend):
    m = ga.masked_array(np.ones((0, 3), np.float32), backend=backend)
    for name in ("sum", "max", "ptp", "argmin", "mean", "var", "median", "any"):
        result = getattr(ga, name)(m, axis=0)
        assert result.shape == (3,)
        assert np.all(backend.to_numpy(result.mask)), name
    np.testing.assert_array_equal(backend.to_numpy(ga.count(m, axis=0)), [0, 0, 0])


def test_counts_of_all_masked_are_plain_zeros(backend):
    m = ga.masked_array(np.arange(12.0).reshape(3, 4), np.ones((3, 4), bool), backend=backend)
    for func in (ga.count, ga.count_nonzero):
        result = func(m, axis=0)
        assert not isinstance(result, ga.MaskedArray)
        np.testing.assert_array_equal(backend.to_numpy(result), np.zeros(4))


def test_var_masked_where_count_minus_ddof_is_not_positive(backend, rng):
    x = masked_host(rng, np.float64)
    m = ga.MaskedArray(x, backend=backend)
    for ddof, axis in ((0, None), (1, 2), (3, 0)):
        expected = np.ma.var(x, axis=axis, ddof=ddof)
        actual = ga.var(m, axis=axis, ddof=ddof)
        want_mask = np.asarray(np.ma.count(x, axis=axis) - ddof <= 0)
        np.testing.assert_array_equal(backend.to_numpy(actual.mask), want_mask)
        assert ddof != 3 or (want_mask & ~np.all(x.mask, axis=axis)).any()  # the ddof rule is exercised
        valid = ~want_mask
        np.testing.assert_allclose(actual.to_numpy().data[valid], np.ma.getdata(expected)[valid], rtol=1e-5)


def test_float32_var_and_mean_with_large_offset(backend, rng):
    data = (1e4 + rng.standard_normal((64, 8, 8))).astype(np.float32)
    mask = random_mask(rng, data.shape, 0.3)
    x64 = np.ma.MaskedArray(data.astype(np.float64), mask=mask)
    m = ga.masked_array(data, mask, backend=backend)
    for axis in (0, None):
        assert_masked_matches(ga.var(m, axis=axis), np.ma.var(x64, axis=axis).astype(np.float32), backend,
                              rtol=2e-3, atol=0)
        assert_masked_matches(ga.std(m, axis=axis, ddof=1), np.ma.std(x64, axis=axis, ddof=1).astype(np.float32),
                              backend, rtol=1e-3, atol=0)
        assert_masked_matches(ga.mean(m, axis=axis), np.ma.mean(x64, axis=axis).astype(np.float32), backend,
                              rtol=1e-6, atol=0)
    assert ga.var(m, axis=0).dtype == np.float32


def test_dtype_arguments(backend, rng):
    x = masked_host(rng, np.int16)
    m = ga.MaskedArray(x, backend=backend)
    for name in ("sum", "prod", "mean", "var", "std"):
        expected = getattr(np.ma, name)(x, axis=0, dtype=np.float32)
        actual = getattr(ga, name)(m, axis=0, dtype=np.float32)
        assert_masked_matches(actual, expected.astype(np.float32), backend, rtol=1e-4, atol=1e-3)
        plain = getattr(ga, name)(backend.asarray(x.data), axis=0, dtype=np.float32)
        assert_array_matches(plain, getattr(np, name)(x.data, axis=0, dtype=np.float32), backend, rtol=1e-4)


def test_sum_of_uint8_widens(backend, rng):
    x = masked_host(rng, np.uint8)
    result = ga.sum(ga.MaskedArray(x, backend=backend))
    assert result.dtype == backend.canonical_dtype(np.uint64)
    assert result.to_numpy().item() == int(np.ma.sum(x))


# -- plain arrays: what NumPy gives -------------------------------------------------------------

PLAIN = ("sum", "prod", "min", "max", "ptp", "all", "any", "mean", "var", "std", "median", "count_nonzero")


#: plain paths delegate to the backend's own reductions: two dtypes per reduction, rotating
PLAIN_CASES = tuple((name, DTYPES[(i + k) % len(DTYPES)]) for i, name in enumerate(PLAIN) for k in (0, 2))


@pytest.mark.parametrize("name, dtype", PLAIN_CASES, ids=lambda v: v if isinstance(v, str) else np.dtype(v).name)
def test_plain_matches_numpy(backend, rng, name, dtype):
    data = masked_host(rng, dtype, small=name == "prod").data
    axis, keep = case_for(name, dtype)
    expected = getattr(np, name)(data, axis=axis, keepdims=keep)
    assert_array_matches(getattr(ga, name)(backend.asarray(data), axis=axis, keepdims=keep), expected, backend,
                         **_tolerance(dtype))


@pytest.mark.parametrize("name", ["argmin", "argmax"])
def test_plain_argmin_argmax(backend, rng, name):
    data = random_array(rng, SHAPE, np.float32)
    for axis, keep in ((None, False), (1, True), (-1, False)):
        expected = getattr(np, name)(data, axis=axis, keepdims=keep)
        assert_array_matches(getattr(ga, name)(backend.asarray(data), axis=axis, keepdims=keep), expected, backend)


def test_plain_count_and_average(backend, rng):
    data = random_array(rng, SHAPE, np.int16)
    weights = rng.random(SHAPE)
    arr = backend.asarray(data)
    for axis in (None, 1, (0, 2)):
        assert_array_matches(ga.count(arr, axis=axis), np.ma.count(data, axis=axis), backend)
        assert_array_matches(ga.average(arr, axis=axis), np.average(data, axis=axis), backend)
        assert_array_matches(ga.average(arr, axis=axis, weights=weights),
                             np.average(data, axis=axis, weights=weights), backend)
    avg, scale = ga.average(arr, axis=0, weights=weights, returned=True)
    want_avg, want_scale = np.average(data, axis=0, weights=weights, returned=True)
    assert_array_matches(avg, want_avg, backend)
    assert_array_matches(scale, want_scale, backend)


def test_host_inputs_go_to_the_configured_backend(backend, rng):
    data = random_array(rng, (3, 4), np.float64)
    result = ga.sum(data, axis=0)
    assert backend.is_native(result)
    assert_array_matches(ga.sum(data.tolist()), np.sum(data), backend)
    assert ga.mean(data).shape == ()
    host_ma = np.ma.MaskedArray(data, mask=data > 0)
    assert_masked_matches(ga.mean(host_ma, axis=1), np.ma.mean(host_ma, axis=1), backend)


# -- weighted average of masked arrays -----------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.int16], ids=lambda d: np.dtype(d).name)
def test_masked_average(backend, rng, dtype):
    x = masked_host(rng, dtype)
    m = ga.MaskedArray(x, backend=backend)
    full = rng.random(SHAPE)
    full[0, 2, :] = 0.0  # a slice whose valid weights sum to zero
    along = rng.random(SHAPE[1])
    for axis, weights in ((None, full), (1, along), ((0, 2), rng.random((4, 6)))):
        expected, scale = np.ma.average(x, axis=axis, weights=weights, returned=True)
        actual, actual_scale = ga.average(m, axis=axis, weights=weights, returned=True)
        assert_masked_matches(actual, expected, backend, rtol=1e-5, atol=1e-5)
        assert_masked_matches(actual_scale, scale, backend, rtol=1e-5, atol=1e-5)
    weights = np.ma.MaskedArray(full, mask=rng.random(SHAPE) < 0.2)
    assert_masked_matches(ga.average(m, axis=0, weights=weights), np.ma.average(x, axis=0, weights=weights),
                          backend, rtol=1e-5, atol=1e-5)
    avg, scale = ga.average(m, axis=1, returned=True)
    want_avg, want_scale = np.ma.average(x, axis=1, returned=True)
    assert_masked_matches(avg, want_avg.astype(np.mean(x.data).dtype), backend, **_tolerance(dtype))
    assert_array_matches(scale, want_scale.astype(avg.dtype), backend, check_dtype=False)


# -- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PUBLIC)
def test_bad_axis_names_routine_and_axis(backend, name):
    m = ga.masked_array(np.ones((2, 3)), backend=backend)
    args = (50,) if name == "percentile" else (0.5,) if name == "quantile" else ()
    for arr in (m, backend.asarray(np.ones((2, 3)))):
        with pytest.raises(AxisError, match=rf"gpucompute\.array\.{name}: .*\b5\b"):
            getattr(ga, name)(arr, *args, axis=5)
        with pytest.raises(AxisError, match=name):
            getattr(ga, name)(arr, *args, axis=(0, -2))


@pytest.mark.parametrize("name", ["argmin", "argmax", "nanargmin", "nanargmax"])
def test_arg_reductions_take_one_axis(backend, name):
    with pytest.raises(AxisError, match=name):
        getattr(ga, name)(ga.masked_array(np.ones((2, 3)), backend=backend), axis=(0, 1))


def test_unsupported_arguments(backend):
    m = ga.masked_array(np.ones((2, 3)), backend=backend)
    with pytest.raises(RoutineNotSupportedError, match="out="):
        ga.sum(m, out=np.empty(3))
    with pytest.raises(ArrayDTypeError, match="ptp"):
        ga.ptp(ga.masked_array(np.ones(3, bool), backend=backend))
    with pytest.raises(ArrayDTypeError, match="min"):
        ga.min(ga.masked_array(np.ones(3, np.complex64), backend=backend))
    with pytest.raises(ArrayDTypeError, match="sum"):
        ga.sum(np.array(["a", "b"]))


def test_average_weight_shape_errors(backend):
    from gpucompute.errors import ArrayShapeError

    m = ga.masked_array(np.ones((2, 3)), backend=backend)
    with pytest.raises(ArrayShapeError, match="average"):
        ga.average(m, weights=np.ones(3))
    with pytest.raises(ArrayShapeError, match="average"):
        ga.average(m, axis=0, weights=np.ones(3))


def test_public_names():
    assert sorted(_reductions.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        func = getattr(ga, name)
        assert func is getattr(_reductions, name)
        assert func.__name__ == name and func.__doc__


# -- stacks large enough for the leading-axis loop of the JAX backend ----------------------------

STACK = (6, 40, 32)  # slices along axis 0 hold >= _reduction_loops.MIN_SLICE elements
STACK_CASES = (
    ("sum", np.float32, 0, False), ("prod", np.float64, (0, 2), True), ("min", np.float32, None, False),
    ("max", np.float64, (0, 1), True), ("mean", np.int16, 0, True), ("var", np.float32, None, False),
    ("std", np.uint8, (0, 1), False), ("ptp", np.float32, 0, False), ("nanmean", np.float64, (0, 2), False),
)


@pytest.mark.parametrize("name, dtype, axis, keep", STACK_CASES, ids=lambda v: str(v))
def test_leading_axis_reductions_of_stacks(backend, rng, name, dtype, axis, keep):
    from gpucompute.array._reduction_loops import MIN_SLICE

    assert np.prod(STACK[1:]) >= MIN_SLICE
    x = masked_nans(rng, masked_host(rng, dtype, STACK, small=name == "prod"), 0.05)
    base = name.replace("nan", "")
    expected = np.ma.asarray(getattr(np.ma, base)(x, axis=axis, keepdims=keep)).astype(ordinary(base, x, axis, keep))
    given = np.ma.MaskedArray(x.data, x.mask & ~np.isnan(x.data)) if name != base else x  # nan*: NaN unmasked
    actual = getattr(ga, name)(ga.MaskedArray(given, backend=backend), axis=axis, keepdims=keep)
    assert_masked_matches(actual, expected, backend, rtol=2e-5, atol=1e-3)
