"""Elementwise non-ufunc routines against NumPy (plain) and numpy.ma (masked), on every backend."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array import _elementwise
from gpucompute.array._names import ELEMENTWISE_NAMES
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, ArrayValueError, RoutineNotSupportedError
from gpucompute.testing import assert_array_matches, assert_masked_matches, random_array, random_mask

DTYPES = (np.float32, np.float64, np.int16, np.uint8)
SHAPE = (4, 5)

#: Known result-dtype deviations from NumPy beyond backend.canonical_dtype:
#: (routine, backend, input dtype) -> dtype the backend gives. Documented in _elementwise.py.
KNOWN_DTYPE_DEVIATIONS = {
    # NumPy computes angle of 8-bit integers in float16 (arctan2 of int8/uint8); JAX uses float32.
    ("angle", "jax", "uint8"): np.float32,
}


def _expected_dtype(routine, backend, in_dtype, numpy_result):
    special = KNOWN_DTYPE_DEVIATIONS.get((routine, backend.name, np.dtype(in_dtype).name))
    return np.dtype(special) if special is not None else backend.canonical_dtype(np.asarray(numpy_result).dtype)


def _masked(backend, data, mask):
    return ga.MaskedArray(np.ma.array(data, mask=mask), backend=backend)


def _sample(rng, dtype, shape=SHAPE, specials=False):
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype) * 5
    data = random_array(rng, shape, dtype)
    if specials and dtype.kind == "f":
        flat = data.reshape(-1)
        flat[rng.choice(flat.size, 3, replace=False)] = [np.nan, np.inf, -np.inf]
    return data


def _canonical(data, backend):
    """The input as the backend stores it (float64 -> float32 on JAX), for a fair NumPy oracle."""
    return data.astype(backend.canonical_dtype(data.dtype))


# (routine, numpy oracle, numpy.ma oracle or None, kwargs, dtypes, insert nan/inf)
UNARY_CASES = [
    ("around", np.around, np.ma.around, {"decimals": 1}, DTYPES, False),
    ("around", np.around, np.ma.around, {"decimals": -1}, DTYPES, False),
    ("round", np.round, np.ma.round, {"decimals": 2}, DTYPES + (np.complex64,), False),
    ("round", np.round, np.ma.round, {"decimals": -2}, (np.int16, np.uint16), False),
    ("fix", np.fix, None, {}, DTYPES, True),
    ("nan_to_num", np.nan_to_num, None, {"nan": -1.0, "posinf": 9.0}, DTYPES, True),
    ("nan_to_num", np.nan_to_num, None, {}, (np.float32,), True),
    ("angle", np.angle, np.ma.angle, {"deg": True}, DTYPES + (np.complex64, np.complex128), False),
    ("real", np.real, None, {}, (np.float32, np.int16, np.complex64), False),
    ("imag", np.imag, None, {}, (np.float32, np.int16, np.complex64), False),
    ("isreal", np.isreal, None, {}, (np.float64, np.uint8, np.complex64), False),
    ("isposinf", np.isposinf, None, {}, DTYPES, True),
    ("isneginf", np.isneginf, None, {}, DTYPES, True),
]
UNARY_PARAMS = [
    pytest.param(name, np_fn, ma_fn, kwargs, dtype, specials, id=f"{name}-{kwargs}-{np.dtype(dtype).name}")
    for name, np_fn, ma_fn, kwargs, dtypes, specials in UNARY_CASES for dtype in dtypes
]


def test_public_names_match_the_contract():
    assert set(_elementwise.__all__) == set(ELEMENTWISE_NAMES)
    for name in ELEMENTWISE_NAMES:
        routine = getattr(ga, name)
        assert routine.__name__ == name and routine.__doc__


@pytest.mark.parametrize("name, np_fn, ma_fn, kwargs, dtype, specials", UNARY_PARAMS)
def test_unary_plain_matches_numpy(name, np_fn, ma_fn, kwargs, dtype, specials, backend, rng):
    data = _sample(rng, dtype, specials=specials)
    with np.errstate(all="ignore"):
        expected = np_fn(_canonical(data, backend), **kwargs)
    result = getattr(ga, name)(backend.asarray(data), **kwargs)
    assert backend.is_native(result)
    assert np.dtype(result.dtype) == _expected_dtype(name, backend, dtype, expected)
    assert_array_matches(result, expected, backend, check_dtype=False)


@pytest.mark.parametrize("name, np_fn, ma_fn, kwargs, dtype, specials", UNARY_PARAMS)
def test_unary_masked_carries_the_mask(name, np_fn, ma_fn, kwargs, dtype, specials, backend, rng):
    data, mask = _sample(rng, dtype, specials=specials), random_mask(rng, SHAPE)
    source = np.ma.array(_canonical(data, backend), mask=mask)
    with np.errstate(all="ignore"):
        if ma_fn is not None:
            expected = ma_fn(source, **kwargs)
        else:
            expected = np.ma.array(np_fn(source.data, **kwargs), mask=mask)
    result = getattr(ga, name)(_masked(backend, data, mask), **kwargs)
    assert np.dtype(result.dtype) == _expected_dtype(name, backend, dtype, expected.data)
    assert_masked_matches(result, expected, backend, check_dtype=False)


def test_round_integers_ties_go_to_even(backend):
    data = np.array([-25, -15, -5, 5, 15, 25, 35, 249, 251, 32767], dtype=np.int16)
    for decimals in (-1, -2, -5):
        assert_array_matches(ga.round(backend.asarray(data), decimals), np.round(data, decimals), backend)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_clip_matches_numpy_and_numpy_ma(dtype, backend, rng):
    data = _sample(rng, dtype)
    low, high = _sample(rng, dtype, (1, SHAPE[1])), 60
    expected = np.clip(_canonical(data, backend), _canonical(low, backend), high)
    assert_array_matches(ga.clip(backend.asarray(data), backend.asarray(low), high), expected, backend)
    expected = np.clip(_canonical(data, backend), None, 50)
    assert_array_matches(ga.clip(backend.asarray(data), None, 50), expected, backend)
    mask, low_mask = random_mask(rng, SHAPE), random_mask(rng, low.shape)
    expected = np.ma.clip(np.ma.array(_canonical(data, backend), mask=mask),
                          np.ma.array(_canonical(low, backend), mask=low_mask), high)
    result = ga.clip(_masked(backend, data, mask), _masked(backend, low, low_mask), high)
    assert_masked_matches(result, expected, backend)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_isclose_matches_numpy(dtype, backend, rng):
    a = _sample(rng, dtype, specials=True)
    b = a.copy()
    noise = (rng.random(SHAPE) < 0.5) * (2 if np.dtype(dtype).kind in "iu" else 1e-3)
    b = (b + noise.astype(dtype)).astype(dtype)
    for kwargs in ({}, {"rtol": 1e-3, "atol": 1.0, "equal_nan": True}):
        expected = np.isclose(_canonical(a, backend), _canonical(b, backend), **kwargs)
        assert_array_matches(ga.isclose(backend.asarray(a), backend.asarray(b), **kwargs), expected, backend)
    mask_a, mask_b = random_mask(rng, SHAPE), random_mask(rng, (1, SHAPE[1]))
    expected = np.ma.array(np.isclose(_canonical(a, backend), _canonical(b[:1], backend)), mask=mask_a | mask_b)
    result = ga.isclose(_masked(backend, a, mask_a), _masked(backend, b[:1], mask_b))
    assert_masked_matches(result, expected, backend)


@pytest.mark.parametrize("dtype", (np.int16, np.uint8, np.float32), ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("invert", [False, True])
def test_isin_matches_numpy(dtype, invert, backend, rng):
    element = rng.integers(0, 12, size=SHAPE).astype(dtype)
    tests = rng.integers(0, 12, size=(6,)).astype(dtype)
    result = ga.isin(backend.asarray(element), backend.asarray(tests), invert=invert)
    assert_array_matches(result, np.isin(element, tests, invert=invert), backend)
    mask, test_mask = random_mask(rng, SHAPE), random_mask(rng, tests.shape, 0.5)
    for tmask in (test_mask, np.ones_like(test_mask)):
        expected = np.ma.array(np.isin(element, tests[~tmask], invert=invert), mask=mask)
        result = ga.isin(_masked(backend, element, mask), _masked(backend, tests, tmask), invert=invert)
        assert_masked_matches(result, expected, backend)


@pytest.mark.parametrize("dtype", (np.float32, np.float64, np.int16), ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("right", [False, True])
def test_digitize_matches_numpy(dtype, right, backend, rng):
    data = _sample(rng, dtype)
    bins = np.unique(_sample(rng, dtype, (5,)))
    for edges in (bins, bins[::-1]):
        expected = np.digitize(_canonical(data, backend), _canonical(edges, backend), right=right)
        result = ga.digitize(backend.asarray(data), backend.asarray(edges), right=right)
        assert np.dtype(result.dtype) == backend.canonical_dtype(expected.dtype)
        assert_array_matches(result, expected, backend)
    mask = random_mask(rng, SHAPE)
    expected = np.ma.array(np.digitize(_canonical(data, backend), _canonical(bins, backend), right=right), mask=mask)
    assert_masked_matches(ga.digitize(_masked(backend, data, mask), bins, right=right), expected, backend)


def test_host_values_and_lists_are_accepted(backend):
    assert_array_matches(ga.around([1.26, 2.5], 1), np.around([1.26, 2.5], 1).astype(np.float64), backend)
    assert_array_matches(ga.clip([1, 5, 9], 2, 7), np.clip([1, 5, 9], 2, 7), backend)


@pytest.mark.parametrize("call, error", [
    (lambda b: ga.around(b.asarray(np.array([True, False]))), ArrayDTypeError),
    (lambda b: ga.fix(b.asarray(np.array([1 + 1j]))), ArrayDTypeError),
    (lambda b: ga.isposinf(b.asarray(np.array([1 + 1j]))), ArrayDTypeError),
    (lambda b: ga.clip(b.asarray(np.array([1 + 1j])), 0, 1), ArrayDTypeError),
    (lambda b: ga.clip(b.asarray(np.zeros((3, 4))), b.asarray(np.zeros(3)), 1), ArrayShapeError),
    (lambda b: ga.isclose(b.asarray(np.zeros(3)), b.asarray(np.zeros(4))), ArrayShapeError),
    (lambda b: ga.digitize(b.asarray(np.zeros(3)), b.asarray(np.zeros((2, 2)))), ArrayShapeError),
    (lambda b: ga.digitize(b.asarray(np.zeros(3)), b.asarray(np.array([1.0, 3.0, 2.0]))), ArrayValueError),
    (lambda b: ga.digitize(b.asarray(np.zeros(3) + 1j), b.asarray(np.arange(3.0))), ArrayDTypeError),
    (lambda b: ga.digitize(b.asarray(np.zeros(3)), ga.MaskedArray(np.arange(3.0), backend=b)),
     RoutineNotSupportedError),
    (lambda b: ga.around(b.asarray(np.zeros(3)), decimals=1, bogus=2), TypeError),
])
def test_errors(call, error, backend):
    with pytest.raises(error, match="gpucompute.array"):
        call(backend)


def test_routines_compile_under_jit(backend, rng):
    if not backend.traces:
        pytest.skip(f"the {backend.name} backend does not trace")
    data, mask = _sample(rng, np.float32), random_mask(rng, SHAPE)
    ints = rng.integers(0, 300, size=SHAPE).astype(np.int16)

    def program(x, i, bins):
        return ga.clip(ga.around(x, 1), -3, 3), ga.round(i, -1), ga.isin(i, i[0]), ga.digitize(x, bins)

    bins = np.array([-5.0, 0.0, 5.0], np.float32)
    eager = program(_masked(backend, data, mask), backend.asarray(ints), backend.asarray(bins))
    jitted = backend.compile(program)(_masked(backend, data, mask), backend.asarray(ints), backend.asarray(bins))
    for got, want in zip(jitted, eager):
        np.testing.assert_array_equal(np.ma.getdata(got.to_numpy() if hasattr(got, "to_numpy") else np.asarray(got)),
                                      np.ma.getdata(want.to_numpy() if hasattr(want, "to_numpy") else np.asarray(want)))


def test_numpy_ma_host_input_counts_as_masked(backend, rng):
    data, mask = _sample(rng, np.float32), random_mask(rng, SHAPE)
    host = np.ma.array(data, mask=mask)
    result = ga.clip(host, -1.0, 1.0)
    assert isinstance(result, ga.MaskedArray) and result.backend is backend
    assert_masked_matches(result, np.ma.clip(host, -1.0, 1.0), backend)
    assert_masked_matches(ga.fix(host), np.ma.array(np.fix(data), mask=mask), backend)
