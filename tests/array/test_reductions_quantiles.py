"""median, percentile and quantile against NumPy, on every backend.

numpy.ma has no percentile: the masked oracle applies ``np.percentile`` /
``np.quantile`` to the valid values (``compressed()``) of every reduced slice.
"""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, ArrayValueError, RoutineNotSupportedError
from gpucompute.testing import DTYPES, assert_array_matches, assert_masked_matches, random_array

from test_reductions import SHAPE, case_for, masked_host

#: q per call: a scalar and a sequence (Python floats, as users write them)
QS = {"percentile": (37.5, [0, 10, 50, 90.5, 100]), "quantile": (0.25, [0.0, 0.5, 0.9, 1.0])}


def slice_oracle(x, axis, keep, func):
    """*func* on the valid values of every reduced slice; masked where a slice has none."""
    axes = tuple(range(x.ndim)) if axis is None else tuple(sorted(a % x.ndim for a in np.atleast_1d(axis)))
    kept = [ax for ax in range(x.ndim) if ax not in axes]
    kept_shape = tuple(x.shape[ax] for ax in kept)
    data = np.transpose(x.data, kept + list(axes)).reshape(kept_shape + (-1,))
    mask = np.transpose(np.ma.getmaskarray(x), kept + list(axes)).reshape(kept_shape + (-1,))
    prefix = np.shape(func(np.ones(1, x.dtype)))
    values = np.zeros(prefix + kept_shape)
    masks = np.zeros(prefix + kept_shape, bool)
    for index in np.ndindex(kept_shape):
        valid = data[index][~mask[index]]
        masks[(...,) + index] = valid.size == 0
        values[(...,) + index] = func(valid) if valid.size else 0
    if keep:
        shape = prefix + tuple(1 if ax in axes else n for ax, n in enumerate(x.shape))
        values, masks = values.reshape(shape), masks.reshape(shape)
    return np.ma.MaskedArray(values, masks)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ["percentile", "quantile"])
def test_masked_quantiles_match_numpy_on_valid_values(backend, rng, name, dtype):
    x = masked_host(rng, dtype)
    m = ga.MaskedArray(x, backend=backend)
    axis, keep = case_for(name, dtype)
    q = QS[name][([np.dtype(d) for d in DTYPES].index(np.dtype(dtype)) + (name == "quantile")) % 2]
    func = getattr(np, name)
    expected = slice_oracle(x, axis, keep, lambda v: func(v, q))
    expected = expected.astype(func(x.data, q, axis=axis).dtype)
    assert_masked_matches(getattr(ga, name)(m, q, axis=axis, keepdims=keep), expected, backend)


@pytest.mark.parametrize("name", ["median", "percentile", "quantile"])
def test_unmasked_nan_gives_nan_masked_nan_is_ignored(backend, rng, name):
    data = random_array(rng, (6, 7), np.float32)
    mask = rng.random((6, 7)) < 0.3
    data[0, 1], mask[0, 1] = np.nan, False   # valid NaN: column 1 becomes NaN
    data[2, 3], mask[2, 3] = np.nan, True   # masked NaN: ignored
    mask[:, 5] = True                # all-masked column
    x = np.ma.MaskedArray(data, mask)
    m = ga.MaskedArray(x, backend=backend)
    args = {"median": (), "percentile": (30,), "quantile": ([0.3, 0.6],)}[name]
    actual = getattr(ga, name)(m, *args, axis=0)
    oracle = {"median": np.median, "percentile": np.percentile, "quantile": np.quantile}[name]
    expected = slice_oracle(x, 0, False, lambda v: oracle(v, *args))
    np.testing.assert_array_equal(np.isnan(expected.data[..., 1]), True)
    host = actual.to_numpy()
    assert np.all(np.isnan(host.data[..., 1]))
    assert_masked_matches(actual, expected.astype(oracle(data, *args, axis=0).dtype), backend)


PLAIN_CASES = (
    ("median", (), np.float32, (None, False)),
    ("median", (), np.uint16, ((0, 2), True)),
    ("percentile", (37.5,), np.int16, (1, True)),
    ("percentile", ([0, 10, 50, 90.5, 100],), np.float32, ((0, 2), False)),
    ("quantile", (0.25,), np.float64, (-1, False)),
    ("quantile", ([0.0, 0.5, 1.0],), np.uint8, (None, True)),
)


@pytest.mark.parametrize("name, args, dtype, case", PLAIN_CASES, ids=lambda v: str(v))
def test_plain_quantiles_match_numpy(backend, rng, name, args, dtype, case):
    data = random_array(rng, SHAPE, dtype)
    axis, keep = case
    expected = getattr(np, name)(data, *args, axis=axis, keepdims=keep)
    assert_array_matches(getattr(ga, name)(backend.asarray(data), *args, axis=axis, keepdims=keep),
                         expected, backend)


def test_plain_nan_propagates(backend, rng):
    data = random_array(rng, (5, 4), np.float64)
    data[2, 1] = np.nan
    arr = backend.asarray(data)
    assert_array_matches(ga.percentile(arr, 40, axis=0), np.percentile(data, 40, axis=0), backend)
    assert_array_matches(ga.median(arr, axis=0), np.median(data, axis=0), backend)


def test_integer_q_gives_order_statistics(backend, rng):
    x = masked_host(rng, np.int16)
    m = ga.MaskedArray(x, backend=backend)
    expected = slice_oracle(x, 2, False, lambda v: np.quantile(v, [0, 1]))
    result = ga.quantile(m, [0, 1], axis=2)
    assert result.dtype == np.int16
    assert_masked_matches(result, expected.astype(np.int16), backend)


def test_quantile_of_empty_axis_is_masked(backend):
    m = ga.masked_array(np.ones((0, 3), np.float32), backend=backend)
    result = ga.quantile(m, [0.5, 0.7], axis=0)
    assert result.shape == (2, 3)
    assert np.all(backend.to_numpy(result.mask))
    assert ga.median(m, axis=0, keepdims=True).shape == (1, 3)


@pytest.mark.parametrize("masked", [False, True], ids=["plain", "masked"])
def test_quantile_errors(backend, masked):
    data = np.arange(12.0).reshape(3, 4)
    arr = ga.masked_array(data, backend=backend) if masked else backend.asarray(data)
    with pytest.raises(RoutineNotSupportedError, match=r"gpucompute\.array\.percentile: method='nearest'"):
        ga.percentile(arr, 50, method="nearest")
    with pytest.raises(ArrayValueError, match=r"gpucompute\.array\.percentile: .*\[0, 100\].*101"):
        ga.percentile(arr, 101)
    with pytest.raises(ArrayValueError, match=r"gpucompute\.array\.quantile: .*\[0, 1\]"):
        ga.quantile(arr, [0.5, -0.1])
    with pytest.raises(ArrayShapeError, match="quantile: q must be a scalar or 1-D"):
        ga.quantile(arr, [[0.5]])
    boolean = ga.masked_array(data > 3, backend=backend) if masked else backend.asarray(data > 3)
    with pytest.raises(ArrayDTypeError, match="quantile"):
        ga.quantile(boolean, 0.5)
