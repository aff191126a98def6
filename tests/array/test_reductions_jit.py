"""Masked reductions inside ``jax.jit`` give what they give eagerly (only where JAX is installed)."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.testing import assert_masked_matches, random_array, random_mask

jax = pytest.importorskip("jax")

#: reduction -> call with a MaskedArray inside the jitted function
CALLS = {
    "mean": lambda m: ga.mean(m, axis=0),
    "sum": lambda m: ga.sum(m, axis=(0, 2), keepdims=True),
    "var": lambda m: ga.var(m, axis=0, ddof=1),
    "std": lambda m: ga.std(m, axis=None),
    "min": lambda m: ga.min(m, axis=-1),
    "ptp": lambda m: ga.ptp(m, axis=1),
    "argmax": lambda m: ga.argmax(m, axis=0),
    "any": lambda m: ga.any(m > 5, axis=0),
    "median": lambda m: ga.median(m, axis=0),
    "percentile": lambda m: ga.percentile(m, [10, 50, 90], axis=(0, 2)),
    "average": lambda m: ga.average(m, axis=1, weights=np.arange(1.0, 6.0)),
    "nanmean": lambda m: ga.nanmean(m, axis=0),
    "count": lambda m: ga.count(m, axis=0),
}


@pytest.fixture
def stack(rng):
    shape = (4, 5, 6)
    data = random_array(rng, shape, np.float32)
    data[1, 2, 3] = np.nan
    mask = random_mask(rng, shape, all_masked_axis=0, all_valid_axis=0)
    return ga.masked_array(data, mask, backend="jax")


@pytest.mark.parametrize("name", sorted(CALLS))
def test_jit_equals_eager(stack, name):
    eager = CALLS[name](stack)
    jitted = jax.jit(CALLS[name])(stack)
    assert type(jitted) is type(eager)
    host_eager, host_jit = _host(eager), _host(jitted)
    np.testing.assert_array_equal(np.ma.getmaskarray(host_jit), np.ma.getmaskarray(host_eager))
    np.testing.assert_allclose(np.ma.getdata(host_jit), np.ma.getdata(host_eager), rtol=1e-6, equal_nan=True)


def _host(value):
    return value.to_numpy() if isinstance(value, ga.MaskedArray) else np.asarray(value)


def test_jitted_mean_of_a_stack_matches_numpy_ma(rng):
    data = (1e3 + 10 * rng.standard_normal((32, 64, 64))).astype(np.float32)
    mask = random_mask(rng, data.shape, 0.4, all_masked_axis=0)
    m = ga.masked_array(data, mask, backend="jax")
    result = jax.jit(lambda x: ga.mean(x, axis=0))(m)
    expected = np.ma.mean(np.ma.MaskedArray(data.astype(np.float64), mask), axis=0)
    assert_masked_matches(result, expected.astype(np.float32), m.backend, rtol=1e-6, atol=0)


def test_traced_quantiles(stack):
    q = jax.numpy.asarray([0.1, 0.5, 0.9], dtype=jax.numpy.float32)
    traced = jax.jit(lambda m, q: ga.quantile(m, q, axis=0))(stack, q)
    eager = ga.quantile(stack, [0.1, 0.5, 0.9], axis=0)
    np.testing.assert_array_equal(traced.to_numpy().mask, eager.to_numpy().mask)
    np.testing.assert_allclose(traced.to_numpy().data, eager.to_numpy().data, rtol=1e-6, equal_nan=True)


def test_plain_reductions_trace(rng):
    data = jax.numpy.asarray(random_array(rng, (4, 5), np.float32))
    jitted = jax.jit(lambda x: (ga.sum(x, axis=0), ga.median(x), ga.nanmax(x, axis=1), ga.count(x, axis=0)))
    expected = (np.sum(data, axis=0), np.median(data), np.nanmax(data, axis=1), np.full(5, 4))
    for got, want in zip(jitted(data), expected, strict=True):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


def test_stack_axis_is_accumulated_in_a_loop(rng):
    """The fast path for XLA on CPU (jax-ml/jax#25187): one loop over the stack axis, no big temporary."""
    m = ga.masked_array(random_array(rng, (8, 32, 64), np.float32), random_mask(rng, (8, 32, 64)), backend="jax")
    jaxpr = str(jax.make_jaxpr(lambda x: ga.mean(x, axis=0))(m))
    assert "scan[" in jaxpr or "while[" in jaxpr
    assert "f32[8,32,64] = " not in jaxpr  # the filled stack is never materialised


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.uint8], ids=lambda d: np.dtype(d).name)
def test_arg_reductions_over_the_time_axis_loop_on_jax(op, dtype, keepdims, rng):
    """Slices of >= 1024 pixels take the leading-axis loop; ties, NaN and empty pixels follow NumPy."""
    from gpucompute.array._reduction_loops import MIN_SLICE

    shape = (6, 32, 40)
    assert shape[1] * shape[2] >= MIN_SLICE
    data = rng.integers(0, 4, shape).astype(dtype)  # few distinct values: many ties
    if np.dtype(dtype).kind == "f":
        data[rng.random(shape) < 0.02] = np.nan
    mask = random_mask(rng, shape, 0.4, all_masked_axis=0)
    host = np.ma.array(data, mask=mask)
    # Oracle: numpy.ma's index where a valid element exists; masked where the pixel has none.
    fill = np.inf if op == "argmin" else -np.inf
    expected_index = getattr(np, op)(np.where(mask, fill, data.astype(np.float64)), axis=0, keepdims=keepdims)
    if np.dtype(dtype).kind == "f":  # NumPy's rule: the first unmasked NaN wins
        nan_valid = np.isnan(data) & ~mask
        first_nan = np.argmax(nan_valid, axis=0, keepdims=keepdims)
        expected_index = np.where(nan_valid.any(axis=0, keepdims=keepdims), first_nan, expected_index)
    expected = np.ma.array(expected_index, mask=host.mask.all(axis=0, keepdims=keepdims))
    result = jax.jit(lambda m: getattr(ga, op)(m, axis=0, keepdims=keepdims))(ga.masked_array(host, backend="jax"))
    assert_masked_matches(result, expected, result.backend, check_dtype=False)
