"""Statistics, running totals and differences against NumPy / numpy.ma, on every backend."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array import _statistics
from gpucompute.errors import (
    ArrayDTypeError, ArrayShapeError, AxisError, ArrayValueError, DataDependentShapeError, RoutineNotSupportedError,
)
from gpucompute.testing import assert_array_matches, assert_masked_matches, random_array, random_mask, to_host

DTYPES = (np.float32, np.float64, np.int16, np.uint8)
IDS = lambda d: np.dtype(d).name  # noqa: E731
SHAPE = (3, 8)

#: Known result-dtype deviations from NumPy beyond backend.canonical_dtype:
#: (routine, backend, input dtype) -> dtype. None found: cumulative sums widen small integers
#: explicitly (jax.numpy would keep int16/uint8), bincount/histogram counts are integers on
#: every backend, and bincount weights are cast to float64 as NumPy does.
KNOWN_DTYPE_DEVIATIONS: dict[tuple[str, str, str], type] = {}


def _dtype_ok(routine, result, expected, backend, in_dtype):
    special = KNOWN_DTYPE_DEVIATIONS.get((routine, backend.name, np.dtype(in_dtype).name))
    want = np.dtype(special) if special else backend.canonical_dtype(np.asarray(expected).dtype)
    assert np.dtype(result.dtype) == want, f"{routine}({np.dtype(in_dtype)}): {result.dtype} != {want}"


def _masked(backend, data, mask):
    return ga.MaskedArray(np.ma.array(data, mask=mask), backend=backend)


def _canonical(data, backend):
    data = np.asarray(data)
    return data.astype(backend.canonical_dtype(data.dtype))


def test_public_names_match_the_contract():
    assert set(_statistics.__all__) == {
        "histogram", "bincount", "corrcoef", "cov", "cumprod", "cumsum", "nancumprod", "nancumsum",
        "diff", "ediff1d", "gradient", "trace", "allclose",
    }
    for name in _statistics.__all__:
        assert getattr(ga, name).__name__ == name and getattr(ga, name).__doc__


# -- histogram and bincount -----------------------------------------------------------------
HIST_CASES = [
    {},  # bins=10 over the data's span
    {"bins": 8, "density": True},
    {"bins": 5, "range": (-50.0, 150.0)},
    {"bins": np.array([-60, -10, 0, 3, 40, 250])},
    {"bins": 4, "weights": True},
    {"bins": np.array([-20.0, 0.0, 20.0]), "weights": True, "density": True},
]


def _hist_args(case, backend, rng, n):
    kwargs = {k: v for k, v in case.items() if k != "weights"}
    weights = rng.random(n).astype(np.float32) if case.get("weights") else None
    return kwargs, weights


HIST_PARAMS = [(case, dtype) for case in range(len(HIST_CASES)) for dtype in (np.float32, np.float64, np.int16)
               if dtype != np.int16 or case in (0, 2, 3)]


@pytest.mark.parametrize("case, dtype", HIST_PARAMS)
def test_histogram_matches_numpy(case, dtype, backend, rng):
    data = random_array(rng, (40,), dtype)
    kwargs, weights = _hist_args(HIST_CASES[case], backend, rng, data.size)
    expected = np.histogram(_canonical(data, backend), weights=weights, **kwargs)
    result = ga.histogram(backend.asarray(data), weights=None if weights is None else backend.asarray(weights),
                          **{k: backend.asarray(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()})
    tol = {"rtol": 1e-5} if weights is not None else {}  # NumPy sums float32 weights in float32
    for got, want in zip(result, expected):
        assert backend.is_native(got)
        _dtype_ok("histogram", got, want, backend, dtype)
        assert_array_matches(got, want, backend, **tol)
    mask = random_mask(rng, data.shape)
    valid = ~mask
    expected = np.histogram(_canonical(data, backend)[valid], weights=None if weights is None else weights[valid],
                            **kwargs)
    masked_weights = None if weights is None else _masked(backend, weights, rng.random(data.size) < 0.01)
    if masked_weights is not None:
        valid &= ~np.ma.getmaskarray(masked_weights.to_numpy())
        expected = np.histogram(_canonical(data, backend)[valid], weights=weights[valid], **kwargs)
    result = ga.histogram(_masked(backend, data, mask), weights=masked_weights, **kwargs)
    for got, want in zip(result, expected):
        assert_array_matches(got, want, backend, **tol)


def test_histogram_of_nothing_valid_uses_unit_range(backend, rng):
    data = random_array(rng, (6,), np.float32)
    hist, edges = ga.histogram(_masked(backend, data, np.ones(6, bool)), bins=4)
    expected = np.histogram(np.zeros(0, np.float32), bins=4)
    assert_array_matches(hist, expected[0], backend)
    assert_array_matches(edges, expected[1], backend)


@pytest.mark.parametrize("dtype", (np.uint8, np.int16, np.bool_), ids=IDS)
def test_bincount_matches_numpy(dtype, backend, rng):
    x = (rng.integers(0, 2, 30) if dtype == np.bool_ else rng.integers(0, 15, 30)).astype(dtype)
    weights = rng.random(30).astype(np.float32)
    for kwargs in ({}, {"minlength": 25}):
        expected = np.bincount(x, **kwargs)
        result = ga.bincount(backend.asarray(x), **kwargs)
        _dtype_ok("bincount", result, expected, backend, dtype)
        assert_array_matches(result, expected, backend)
        expected = np.bincount(x, weights=weights, **kwargs)
        result = ga.bincount(backend.asarray(x), weights=backend.asarray(weights), **kwargs)
        _dtype_ok("bincount", result, expected, backend, dtype)
        assert_array_matches(result, expected, backend)
    mask, weight_mask = random_mask(rng, x.shape), random_mask(rng, x.shape, 0.1)
    valid = ~(mask | weight_mask)
    result = ga.bincount(_masked(backend, x, mask), weights=_masked(backend, weights, weight_mask))
    assert_array_matches(result, np.bincount(x[valid], weights=weights[valid]), backend)
    result = ga.bincount(backend.asarray(x), length=6)
    assert_array_matches(result, np.bincount(x[x < 6], minlength=6)[:6], backend)


def test_bincount_inside_jit_needs_a_length(backend, rng):
    if not backend.traces:
        pytest.skip(f"the {backend.name} backend does not trace")
    x = rng.integers(0, 9, 20).astype(np.int16)
    jitted = backend.compile(lambda v: ga.bincount(v, length=12))
    assert_array_matches(jitted(backend.asarray(x)), np.bincount(x, minlength=12), backend)
    with pytest.raises(DataDependentShapeError, match="length="):
        backend.compile(ga.bincount)(backend.asarray(x))


# -- covariance and correlation -------------------------------------------------------------
COV_CASES = [{}, {"rowvar": False, "ddof": 2}, {"bias": True, "y": True}, {"y": True, "rowvar": False}]


@pytest.mark.parametrize("dtype", (np.float32, np.float64, np.int16), ids=IDS)
@pytest.mark.parametrize("case", range(len(COV_CASES)))
def test_cov_and_corrcoef_match_numpy_and_numpy_ma(case, dtype, backend, rng):
    kwargs = dict(COV_CASES[case])
    x, y = random_array(rng, SHAPE, dtype), random_array(rng, SHAPE, dtype)
    y_arg = kwargs.pop("y", None) and y
    cx, cy = _canonical(x, backend), None if y_arg is None else _canonical(y, backend)
    corr_kwargs = {k: v for k, v in kwargs.items() if k == "rowvar"}
    dev = lambda v: None if v is None else backend.asarray(v)  # noqa: E731
    result = ga.cov(dev(x), dev(y_arg), **kwargs)
    expected = np.cov(cx, cy, **kwargs)
    _dtype_ok("cov", result, expected, backend, dtype)
    assert_array_matches(result, expected, backend)
    assert_array_matches(ga.corrcoef(dev(x), dev(y_arg), **corr_kwargs), np.corrcoef(cx, cy, **corr_kwargs), backend)
    mask, y_mask = random_mask(rng, SHAPE, 0.25), random_mask(rng, SHAPE, 0.25)
    mx, my = np.ma.array(cx, mask=mask), None if cy is None else np.ma.array(cy, mask=y_mask)
    gx, gy = _masked(backend, x, mask), None if y_arg is None else _masked(backend, y, y_mask)
    assert_masked_matches(ga.cov(gx, gy, **kwargs), np.ma.cov(mx, my, **kwargs), backend)
    assert_masked_matches(ga.corrcoef(gx, gy, **corr_kwargs), np.ma.corrcoef(mx, my, **corr_kwargs), backend)


def test_cov_weights_and_single_variables(backend, rng):
    x = random_array(rng, SHAPE, np.float64)
    fweights, aweights = rng.integers(1, 4, SHAPE[1]), rng.random(SHAPE[1])
    expected = np.cov(_canonical(x, backend), fweights=fweights, aweights=aweights)
    result = ga.cov(backend.asarray(x), fweights=backend.asarray(fweights), aweights=backend.asarray(aweights))
    assert_array_matches(result, expected, backend)
    row, mask = x[0], random_mask(rng, (SHAPE[1],))
    assert_array_matches(ga.cov(backend.asarray(row)), np.cov(_canonical(row, backend)), backend)
    expected = np.ma.cov(np.ma.array(_canonical(row, backend), mask=mask))
    assert_masked_matches(ga.cov(_masked(backend, row, mask)), expected, backend)
    expected = np.ma.corrcoef(np.ma.array(_canonical(row, backend), mask=mask))
    assert_masked_matches(ga.corrcoef(_masked(backend, row, mask)), expected, backend)


# -- running totals -------------------------------------------------------------------------
CUMULATIVE = {"cumsum": np.ma.cumsum, "cumprod": np.ma.cumprod, "nancumsum": np.nancumsum, "nancumprod": np.nancumprod}


def _cumulative_input(name, dtype, rng):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.random(SHAPE) < 0.5
    if "prod" in name:  # keep products small: integer overflow wraps differently per width
        values = rng.integers(0, 3, SHAPE) if dtype.kind in "iu" else rng.uniform(0.5, 1.5, SHAPE)
    else:
        values = random_array(rng, SHAPE, dtype)
    values = values.astype(dtype)
    if dtype.kind == "f" and name.startswith("nan"):
        values[rng.random(SHAPE) < 0.2] = np.nan
    return values


CUMULATIVE_PARAMS = [
    (name, axis, dtype) for name in CUMULATIVE for axis in (None, -2)
    for dtype in ((np.float64, np.int16, np.uint8, np.bool_) if name in ("cumsum", "cumprod")
                  else (np.float32, np.int16))
]


@pytest.mark.parametrize("name, axis, dtype", CUMULATIVE_PARAMS)
def test_cumulatives_match_numpy_and_numpy_ma(name, axis, dtype, backend, rng):
    data = _cumulative_input(name, dtype, rng)
    expected = getattr(np, name)(_canonical(data, backend), axis=axis)
    result = getattr(ga, name)(backend.asarray(data), axis=axis)
    _dtype_ok(name, result, expected, backend, dtype)
    assert_array_matches(result, expected, backend)
    mask = random_mask(rng, SHAPE)
    expected = CUMULATIVE[name](np.ma.array(_canonical(data, backend), mask=mask), axis=axis)
    result = getattr(ga, name)(_masked(backend, data, mask), axis=axis)
    _dtype_ok(name, result, expected.data, backend, dtype)
    assert_masked_matches(result, expected, backend)


def test_cumsum_dtype_argument(backend, rng):
    data = random_array(rng, SHAPE, np.uint8)
    expected = np.cumsum(data, axis=0, dtype=np.float32)
    assert_array_matches(ga.cumsum(backend.asarray(data), axis=0, dtype=np.float32), expected, backend)


# -- differences ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES + (np.bool_,), ids=IDS)
@pytest.mark.parametrize("n, axis", [(1, -1), (2, 0), (0, 1), (3, 1)])
def test_diff_matches_numpy_and_numpy_ma(n, axis, dtype, backend, rng):
    data = random_array(rng, SHAPE, dtype)
    expected = np.diff(_canonical(data, backend), n=n, axis=axis)
    result = ga.diff(backend.asarray(data), n=n, axis=axis)
    _dtype_ok("diff", result, expected, backend, dtype)
    assert_array_matches(result, expected, backend)
    mask = random_mask(rng, SHAPE)
    expected = np.ma.diff(np.ma.array(_canonical(data, backend), mask=mask), n=n, axis=axis)
    assert_masked_matches(ga.diff(_masked(backend, data, mask), n=n, axis=axis), expected, backend)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_ediff1d_matches_numpy_and_numpy_ma(dtype, backend, rng):
    data = random_array(rng, SHAPE, dtype)
    begin, end = random_array(rng, (2,), dtype), random_array(rng, (1,), dtype)
    cdata = _canonical(data, backend)
    for kwargs in ({}, {"to_begin": begin}, {"to_begin": begin, "to_end": end}):
        expected = np.ediff1d(cdata, **kwargs)
        result = ga.ediff1d(backend.asarray(data), **{k: backend.asarray(v) for k, v in kwargs.items()})
        _dtype_ok("ediff1d", result, expected, backend, dtype)
        assert_array_matches(result, expected, backend)
    mask, end_mask = random_mask(rng, SHAPE), np.array([True])
    expected = np.ma.ediff1d(np.ma.array(cdata, mask=mask), to_begin=_canonical(begin, backend),
                             to_end=np.ma.array(_canonical(end, backend), mask=end_mask))
    result = ga.ediff1d(_masked(backend, data, mask), to_begin=begin, to_end=_masked(backend, end, end_mask))
    assert_masked_matches(result, expected, backend)


# -- gradient -------------------------------------------------------------------------------
GRADIENT_CASES = [
    ((), {}),
    ((2.0,), {"edge_order": 2}),
    ((0.5, 3.0), {}),
    (("coords0", 1.5), {"edge_order": 2}),
    (("coords1",), {"axis": 1}),
    (("coords1",), {"axis": -1, "edge_order": 2}),
    ((), {"axis": (1, 0)}),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("case", range(len(GRADIENT_CASES)))
def test_gradient_matches_numpy(case, dtype, backend, rng):
    spacing, kwargs = GRADIENT_CASES[case]
    data = random_array(rng, (5, 6), dtype)
    coords = {f"coords{ax}": np.cumsum(rng.uniform(0.5, 2.0, (5, 6)[ax])).astype(np.float32) for ax in (0, 1)}
    host = [coords.get(s, s) if isinstance(s, str) else s for s in spacing]
    expected = np.gradient(_canonical(data, backend), *[_canonical(s, backend) for s in host], **kwargs)
    result = ga.gradient(backend.asarray(data), *[backend.asarray(s) if np.ndim(s) else s for s in host], **kwargs)
    assert isinstance(result, tuple) == isinstance(expected, tuple)
    for got, want in zip(*((result, expected) if isinstance(expected, tuple) else ((result,), (expected,)))):
        _dtype_ok("gradient", got, want, backend, dtype)
        assert_array_matches(got, want, backend, rtol=1e-4, atol=1e-3)


# -- trace and allclose ---------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("kwargs", [{}, {"offset": 1}, {"offset": -2, "axis1": 2, "axis2": 0}])
def test_trace_matches_numpy_and_numpy_ma(kwargs, dtype, backend, rng):
    data = random_array(rng, (4, 5, 3), dtype)
    expected = np.trace(_canonical(data, backend), **kwargs)
    result = ga.trace(backend.asarray(data), **kwargs)
    _dtype_ok("trace", result, expected, backend, dtype)
    assert_array_matches(result, expected, backend)
    mask = random_mask(rng, data.shape, 0.4)
    expected = np.ma.trace(np.ma.array(_canonical(data, backend), mask=mask), **kwargs)
    result = ga.trace(_masked(backend, data, mask), **kwargs)
    assert backend.is_native(result)  # numpy.ma.trace gives a plain result
    # Values are numpy.ma.trace's; the dtype stays numpy.trace's (numpy.ma casts to float64
    # through astype(None)), a documented choice.
    plain_dtype = np.trace(_canonical(data, backend), **kwargs).dtype
    assert_array_matches(result, np.asarray(expected).astype(plain_dtype), backend)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_allclose_matches_numpy_and_numpy_ma(dtype, backend, rng):
    a = random_array(rng, SHAPE, dtype)
    near = a.astype(np.float64) + (rng.random(SHAPE) < 0.3) * 1e-7 * np.abs(a.astype(np.float64))
    far = a.copy()
    far[1, 2] = far[1, 2] // 2 + 1 if np.dtype(dtype).kind in "iu" else far[1, 2] + 1
    for other in (near, far):
        result = ga.allclose(backend.asarray(a), backend.asarray(other))
        assert backend.is_native(result) and result.shape == () and result.dtype == bool
        assert bool(result) == np.allclose(_canonical(a, backend), _canonical(other, backend))
    mask = np.zeros(SHAPE, bool)
    mask[1, 2] = True
    assert bool(ga.allclose(_masked(backend, a, mask), backend.asarray(far))) == bool(
        np.ma.allclose(np.ma.array(a, mask=mask), far))
    assert bool(ga.allclose(_masked(backend, a, ~mask), backend.asarray(far))) == bool(
        np.ma.allclose(np.ma.array(a, mask=~mask), far))


def test_allclose_equal_nan(backend):
    a = np.array([1.0, np.nan, 3.0])
    for equal_nan in (False, True):
        assert bool(ga.allclose(backend.asarray(a), backend.asarray(a), equal_nan=equal_nan)) == np.allclose(
            a, a, equal_nan=equal_nan)


# -- errors and jit -------------------------------------------------------------------------
def _gradient_masked(b):
    return ga.gradient(_masked(b, np.arange(4.0), np.zeros(4, bool)))


@pytest.mark.parametrize("call, error", [
    (lambda b: ga.histogram(b.asarray(np.zeros(4)), weights=b.asarray(np.ones(3))), ArrayShapeError),
    (lambda b: ga.histogram(b.asarray(np.zeros(4)), bins=0), ArrayValueError),
    (lambda b: ga.histogram(b.asarray(np.zeros(4)), range=(2.0, 1.0)), ArrayValueError),
    (lambda b: ga.histogram(b.asarray(np.array([0.0, np.inf]))), ArrayValueError),
    (lambda b: ga.histogram(b.asarray(np.zeros(4)), bins=b.asarray(np.array([1.0, 0.0, 2.0]))), ArrayValueError),
    (lambda b: ga.histogram(b.asarray(np.zeros(4)), bins="auto"), RoutineNotSupportedError),
    (lambda b: ga.histogram(b.asarray(np.zeros(4)), bins=2.5), ArrayDTypeError),
    (lambda b: ga.bincount(b.asarray(np.zeros(4))), ArrayDTypeError),
    (lambda b: ga.bincount(b.asarray(np.zeros((2, 2), np.int16))), ArrayShapeError),
    (lambda b: ga.bincount(b.asarray(np.array([1, -1], np.int16))), ArrayValueError),
    (lambda b: ga.bincount(b.asarray(np.array([1, 2], np.int16)), weights=b.asarray(np.ones(3))), ArrayShapeError),
    (lambda b: ga.cov(b.asarray(np.zeros((2, 3, 4)))), ArrayShapeError),
    (lambda b: ga.cov(b.asarray(np.zeros((2, 4))), b.asarray(np.zeros((2, 5)))), ArrayShapeError),
    (lambda b: ga.corrcoef(b.asarray(np.zeros((2, 4))), b.asarray(np.zeros((2, 5)))), ArrayShapeError),
    (lambda b: ga.cov(_masked(b, np.zeros((2, 4)), False), fweights=b.asarray(np.ones(4, np.int16))),
     RoutineNotSupportedError),
    (lambda b: ga.cumsum(b.asarray(np.zeros((2, 3))), axis=2), AxisError),
    (lambda b: ga.nancumprod(b.asarray(np.zeros(3)), axis=-2), AxisError),
    (lambda b: ga.diff(b.asarray(np.float32(1.0))), ArrayShapeError),
    (lambda b: ga.diff(b.asarray(np.zeros(3)), n=-1), ArrayValueError),
    (lambda b: ga.diff(b.asarray(np.zeros((2, 3))), axis=3), AxisError),
    (lambda b: ga.ediff1d(b.asarray(np.zeros(3, bool))), ArrayDTypeError),
    (lambda b: ga.ediff1d(b.asarray(np.zeros(3, np.int16)), to_begin=b.asarray(np.array([0.5]))), ArrayDTypeError),
    (lambda b: ga.gradient(b.asarray(np.zeros((2, 5))), edge_order=2), ArrayShapeError),
    (lambda b: ga.gradient(b.asarray(np.zeros((3, 5))), 1.0, 2.0, 3.0), ArrayShapeError),
    (lambda b: ga.gradient(b.asarray(np.zeros((3, 5))), edge_order=3), ArrayValueError),
    (lambda b: ga.gradient(b.asarray(np.zeros(5)), b.asarray(np.arange(4.0))), ArrayShapeError),
    (lambda b: ga.gradient(b.asarray(np.zeros((3, 5))), axis=(0, 0)), ArrayValueError),
    (lambda b: ga.gradient(b.asarray(np.zeros((3, 5))), axis=2), AxisError),
    (_gradient_masked, RoutineNotSupportedError),
    (lambda b: ga.trace(b.asarray(np.zeros(3))), ArrayShapeError),
    (lambda b: ga.trace(b.asarray(np.zeros((3, 3))), axis1=1, axis2=-1), AxisError),
    (lambda b: ga.allclose(b.asarray(np.zeros(3)), b.asarray(np.zeros(4))), ArrayShapeError),
])
def test_errors(call, error, backend):
    with pytest.raises(error, match="gpucompute.array"):
        call(backend)


def test_masked_routines_compile_under_jit(backend, rng):
    if not backend.traces:
        pytest.skip(f"the {backend.name} backend does not trace")
    data, mask = random_array(rng, SHAPE, np.float32), random_mask(rng, SHAPE)

    def program(x):
        return (ga.cumsum(x, axis=1), ga.nancumprod(x, axis=0), ga.diff(x), ga.histogram(x, bins=6)[0],
                ga.cov(x), ga.trace(x), ga.allclose(x, x))

    value = _masked(backend, data, mask)
    for got, want in zip(backend.compile(program)(value), program(value)):
        got, want = to_host(got), to_host(want)
        np.testing.assert_allclose(np.ma.getdata(got), np.ma.getdata(want), rtol=1e-5)
        np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))


def test_numpy_ma_host_input_counts_as_masked(backend, rng):
    data, mask = random_array(rng, SHAPE, np.float32), random_mask(rng, SHAPE)
    host = np.ma.array(data, mask=mask)
    result = ga.cumsum(host, axis=1)
    assert isinstance(result, ga.MaskedArray) and result.backend is backend
    assert_masked_matches(result, np.ma.cumsum(host, axis=1), backend)
    assert_array_matches(ga.bincount(np.ma.array([1, 3, 3, 7], mask=[0, 0, 1, 1])), np.bincount([1, 3]), backend)
    with pytest.raises(RoutineNotSupportedError, match="gradient"):
        ga.gradient(host)
