"""dot, vdot, outer, tensordot and einsum against NumPy / numpy.ma, on every backend."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array import _products
from gpucompute.array._names import PRODUCT_NAMES
from gpucompute.errors import ArrayShapeError, AxisError, RoutineNotSupportedError
from gpucompute.testing import assert_array_matches, assert_masked_matches, random_mask

DTYPES = (np.float32, np.float64, np.int16, np.uint8)
IDS = lambda d: np.dtype(d).name  # noqa: E731

#: Known result-dtype deviations from NumPy beyond backend.canonical_dtype: none. Products keep
#: NumPy's input dtype (no integer widening) on every backend.
KNOWN_DTYPE_DEVIATIONS: dict[tuple[str, str, str], type] = {}


def _values(rng, shape, dtype):
    """Small values so integer products do not overflow (overflow wraps differently per backend)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return rng.integers(0 if dtype.kind == "u" else -4, 5, size=shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _masked(backend, data, mask):
    return ga.MaskedArray(np.ma.array(data, mask=mask), backend=backend)


def _canonical(data, backend):
    return data.astype(backend.canonical_dtype(data.dtype))


def _check_dtype(routine, result, expected, backend, dtype):
    special = KNOWN_DTYPE_DEVIATIONS.get((routine, backend.name, np.dtype(dtype).name))
    want = np.dtype(special) if special else backend.canonical_dtype(np.asarray(expected).dtype)
    assert np.dtype(result.dtype) == want


def test_public_names_match_the_contract():
    assert tuple(_products.__all__) == PRODUCT_NAMES
    for name in PRODUCT_NAMES:
        assert getattr(ga, name).__name__ == name and getattr(ga, name).__doc__


DOT_SHAPES = [((5,), (5,)), ((3, 5), (5,)), ((3, 5), (5, 4)), ((2, 3, 5), (5, 4)), ((), (3, 2)), ((4,), (2, 4, 3))]


@pytest.mark.parametrize("dtype", (np.float32, np.float64, np.int16), ids=IDS)
@pytest.mark.parametrize("shapes", DOT_SHAPES, ids=str)
def test_dot_matches_numpy_and_numpy_ma(shapes, dtype, backend, rng):
    a, b = _values(rng, shapes[0], dtype), _values(rng, shapes[1], dtype)
    expected = np.dot(_canonical(a, backend), _canonical(b, backend))
    result = ga.dot(backend.asarray(a), backend.asarray(b))
    assert backend.is_native(result)
    _check_dtype("dot", result, expected, backend, dtype)
    assert_array_matches(result, expected, backend, check_dtype=False)
    # Heavy masking so some outputs have no valid pair at all.
    mask_a, mask_b = random_mask(rng, a.shape, 0.6), random_mask(rng, b.shape, 0.6)
    ma_a, ma_b = np.ma.array(_canonical(a, backend), mask=mask_a), np.ma.array(_canonical(b, backend), mask=mask_b)
    expected = np.ma.dot(ma_a, ma_b)
    result = ga.dot(_masked(backend, a, mask_a), _masked(backend, b, mask_b))
    assert_masked_matches(result, expected, backend)
    expected = np.ma.dot(np.ma.array(_canonical(a, backend), mask=mask_a), _canonical(b, backend))
    assert_masked_matches(ga.dot(_masked(backend, a, mask_a), backend.asarray(b)), expected, backend)


@pytest.mark.parametrize("dtype", DTYPES + (np.complex64,), ids=IDS)
def test_vdot_and_outer_match_numpy(dtype, backend, rng):
    a, b = _values(rng, (2, 3), dtype), _values(rng, (6,), dtype)
    expected = np.vdot(_canonical(a, backend), _canonical(b, backend))
    result = ga.vdot(backend.asarray(a), backend.asarray(b))
    _check_dtype("vdot", result, expected, backend, dtype)
    assert_array_matches(result, expected, backend)
    expected = np.outer(_canonical(a, backend), _canonical(b, backend))
    assert_array_matches(ga.outer(backend.asarray(a), backend.asarray(b)), expected, backend)
    mask_a, mask_b = random_mask(rng, a.shape), random_mask(rng, b.shape)
    ma_a, ma_b = np.ma.array(_canonical(a, backend), mask=mask_a), np.ma.array(_canonical(b, backend), mask=mask_b)
    expected = np.ma.outer(ma_a, ma_b)
    assert_masked_matches(ga.outer(_masked(backend, a, mask_a), _masked(backend, b, mask_b)), expected, backend)
    expected = np.ma.outer(_canonical(a, backend), np.ma.array(_canonical(b, backend), mask=mask_b))
    assert_masked_matches(ga.outer(backend.asarray(a), _masked(backend, b, mask_b)), expected, backend)


TENSORDOT_CASES = [
    ((2, 3, 4), (3, 4, 5), 2),
    ((2, 3, 4), (4, 5), 1),
    ((2, 3), (3, 2), 0),
    ((2, 3, 4), (4, 3, 5), ([1, 2], [1, 0])),
    ((3, 4), (4, 3), (1, 0)),
    ((2, 3, 4), (3, 5), ([-2], [0])),
]


@pytest.mark.parametrize("dtype", (np.float32, np.float64, np.int16), ids=IDS)
@pytest.mark.parametrize("case", range(len(TENSORDOT_CASES)))
def test_tensordot_matches_numpy(case, dtype, backend, rng):
    a_shape, b_shape, axes = TENSORDOT_CASES[case]
    a, b = _values(rng, a_shape, dtype), _values(rng, b_shape, dtype)
    expected = np.tensordot(_canonical(a, backend), _canonical(b, backend), axes=axes)
    result = ga.tensordot(backend.asarray(a), backend.asarray(b), axes=axes)
    _check_dtype("tensordot", result, expected, backend, dtype)
    assert_array_matches(result, expected, backend)


EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 2)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(3, 3)]),
    ("ij->ji", [(2, 5)]),
    ("i,i", [(6,), (6,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 3)]),
    ("...j,j->...", [(2, 3, 4), (4,)]),
    ("ijk->", [(2, 3, 4)]),
]


@pytest.mark.parametrize("dtype", (np.float32, np.float64, np.uint8), ids=IDS)
@pytest.mark.parametrize("case", range(len(EINSUM_CASES)))
def test_einsum_matches_numpy(case, dtype, backend, rng):
    subscripts, shapes = EINSUM_CASES[case]
    operands = [_values(rng, shape, dtype) for shape in shapes]
    expected = np.einsum(subscripts, *[_canonical(op, backend) for op in operands])
    result = ga.einsum(subscripts, *[backend.asarray(op) for op in operands])
    _check_dtype("einsum", result, expected, backend, dtype)
    assert_array_matches(result, expected, backend)


def test_host_values_are_accepted(backend):
    assert_array_matches(ga.dot([[1.0, 2.0]], [3.0, 4.0]), np.dot([[1.0, 2.0]], [3.0, 4.0]), backend)
    assert_array_matches(ga.einsum("i,i->", [1, 2, 3], [4, 5, 6]), np.einsum("i,i->", [1, 2, 3], [4, 5, 6]), backend)


def _masked_operand(b, shape=(3,)):
    return ga.MaskedArray(np.ones(shape), mask=np.zeros(shape, bool), backend=b)


@pytest.mark.parametrize("call, error", [
    (lambda b: ga.dot(b.asarray(np.ones((2, 3))), b.asarray(np.ones(4))), ArrayShapeError),
    (lambda b: ga.dot(b.asarray(np.ones((2, 3))), b.asarray(np.ones((2, 3)))), ArrayShapeError),
    (lambda b: ga.dot(_masked_operand(b, (2, 3)), b.asarray(np.ones(2))), ArrayShapeError),
    (lambda b: ga.vdot(b.asarray(np.ones(3)), b.asarray(np.ones(4))), ArrayShapeError),
    (lambda b: ga.vdot(_masked_operand(b), b.asarray(np.ones(3))), RoutineNotSupportedError),
    (lambda b: ga.tensordot(b.asarray(np.ones((2, 3))), b.asarray(np.ones((2, 3))), axes=1), ArrayShapeError),
    (lambda b: ga.tensordot(b.asarray(np.ones((2, 3))), b.asarray(np.ones((3, 2))), axes=3), AxisError),
    (lambda b: ga.tensordot(b.asarray(np.ones((2, 3))), b.asarray(np.ones((3, 2))), axes=([2], [0])), AxisError),
    (lambda b: ga.tensordot(b.asarray(np.ones((2, 3))), b.asarray(np.ones((3, 2))), axes=([1, 0], [0])),
     ArrayShapeError),
    (lambda b: ga.tensordot(_masked_operand(b), b.asarray(np.ones(3)), axes=1), RoutineNotSupportedError),
    (lambda b: ga.einsum("ij,jk->ik", b.asarray(np.ones((2, 3))), b.asarray(np.ones((4, 2)))), ArrayShapeError),
    (lambda b: ga.einsum("ij->k", b.asarray(np.ones((2, 3)))), ArrayShapeError),
    (lambda b: ga.einsum("ij,j", b.asarray(np.ones((2, 3)))), ArrayShapeError),
    (lambda b: ga.einsum([0, 1], b.asarray(np.ones((2, 3)))), RoutineNotSupportedError),
    (lambda b: ga.einsum("i->", _masked_operand(b)), RoutineNotSupportedError),
])
def test_errors(call, error, backend):
    with pytest.raises(error, match="gpucompute.array"):
        call(backend)


def test_masked_products_compile_under_jit(backend, rng):
    if not backend.traces:
        pytest.skip(f"the {backend.name} backend does not trace")
    a, b = _values(rng, (3, 4), np.float32), _values(rng, (4,), np.float32)
    args = (_masked(backend, a, random_mask(rng, a.shape)), _masked(backend, b, random_mask(rng, b.shape)))

    def program(x, y):
        return ga.dot(x, y), ga.outer(x, y), ga.einsum("ij,j->i", x.filled(0), y.filled(0))

    for got, want in zip(backend.compile(program)(*args), program(*args)):
        got = got.to_numpy() if hasattr(got, "to_numpy") else np.asarray(got)
        want = want.to_numpy() if hasattr(want, "to_numpy") else np.asarray(want)
        np.testing.assert_allclose(np.ma.getdata(got), np.ma.getdata(want), rtol=1e-6)
        np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))


def test_numpy_ma_host_input_counts_as_masked(backend, rng):
    a, b = _values(rng, (3, 4), np.float32), _values(rng, (4,), np.float32)
    host_a, host_b = np.ma.array(a, mask=random_mask(rng, a.shape)), np.ma.array(b, mask=random_mask(rng, b.shape))
    result = ga.dot(host_a, host_b)
    assert isinstance(result, ga.MaskedArray) and result.backend is backend
    assert_masked_matches(result, np.ma.dot(host_a, host_b), backend)
    with pytest.raises(RoutineNotSupportedError, match="einsum"):
        ga.einsum("ij,j->i", host_a, b)
