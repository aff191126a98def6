"""Compile once on JAX: array grafts run as one jitted program cached by content.

A second compute of the same expression, the same expression rebuilt with
other key numbers, and new parameter arrays of the same shape do not trace
again; routines with data-dependent shapes still compute (eagerly).
"""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.numpy as wnp
from gpucompute.config import using_backend
from gpucompute.execution import clear_cache, compile_count
from gpucompute.testing import unavailable_reason
from gpucompute.types.array import Array
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.primitives import Int

pytestmark = pytest.mark.skipif(unavailable_reason("jax") is not None, reason=f"jax: {unavailable_reason('jax')}")


@pytest.fixture(autouse=True)
def jax_backend():
    with using_backend("jax") as backend:
        clear_cache()
        yield backend
        clear_cache()


def _expression(values: np.ndarray) -> Array:
    arr = Array.from_numpy(values)
    return wnp.sqrt(arr * 2 + 1).mean(axis=0) - arr.max()


def test_second_compute_does_not_recompile():
    host = np.arange(12, dtype=np.float32).reshape(3, 4)
    proxy = _expression(host)
    start = compile_count()
    first = proxy.compute()
    assert compile_count() == start + 1
    second = proxy.compute()
    assert compile_count() == start + 1
    np.testing.assert_allclose(first, second)
    np.testing.assert_allclose(first, np.sqrt(host * 2 + 1).mean(axis=0) - host.max(), rtol=1e-6)


def test_rebuilt_expression_with_other_keys_does_not_recompile():
    host = np.arange(6, dtype=np.float32).reshape(2, 3)
    first = _expression(host)
    first.compute()
    count = compile_count()
    for _ in range(7):
        Int(1) + 1  # move the key counter on
    rebuilt = _expression(host)
    assert rebuilt.graft != first.graft
    rebuilt.compute()
    assert compile_count() == count


def test_new_parameter_arrays_of_the_same_shape_do_not_recompile(rng):
    x = Array._as_param("x")
    proxy = wnp.where(x > 0, x, 0).sum(axis=1) + MaskedArray.from_numpy(np.ma.array([1.0, 2.0], mask=[0, 1]))
    start = compile_count()
    for _ in range(3):
        values = rng.standard_normal((2, 5)).astype(np.float32)
        got = proxy.compute(x=values)
        want = np.ma.array(np.where(values > 0, values, 0).sum(axis=1), mask=[0, 1]) + np.ma.array([1.0, 2.0])
        np.testing.assert_allclose(got.filled(0), want.filled(0), rtol=1e-5)
        np.testing.assert_array_equal(got.mask, [False, True])
    assert compile_count() == start + 1
    proxy.compute(x=np.ones((2, 7), np.float32))  # another shape is another program
    assert compile_count() == start + 2


@pytest.mark.parametrize(
    "build, oracle",
    [
        (lambda a: a[a > 3], lambda h: h[h > 3]),
        (lambda a: wnp.unique(a), np.unique),
        (lambda a: wnp.nonzero(a > 3), lambda h: list(np.nonzero(h > 3))),
        (lambda a: wnp.flatnonzero(a), np.flatnonzero),
        (lambda a: MaskedArray(a, a > 4).compressed(), lambda h: h[~(h > 4)]),
    ],
)
def test_data_dependent_shapes_fall_back_to_eager(build, oracle):
    host = np.array([[1, 5, 3], [8, 0, 4]], np.int32)
    proxy = build(Array.from_numpy(host))
    got = proxy.compute()
    count = compile_count()
    again = proxy.compute()
    assert compile_count() == count  # remembered as eager-only: no new trace
    want = oracle(host)
    for g, a, w in zip(got if isinstance(got, list) else [got], again if isinstance(again, list) else [again],
                       want if isinstance(want, list) else [want]):
        np.testing.assert_array_equal(g, w)
        np.testing.assert_array_equal(a, w)
