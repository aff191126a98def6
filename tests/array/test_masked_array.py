"""MaskedArray: construction, conversion, indexing and the host round trip."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.errors import ArrayDTypeError, ArrayShapeError
from gpucompute.testing import DTYPES, assert_masked_matches, random_array, random_mask


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_round_trip_through_numpy_ma(dtype, backend, rng):
    data = random_array(rng, (3, 4, 5), dtype)
    mask = random_mask(rng, (3, 4, 5))
    host = np.ma.array(data, mask=mask)
    x = ga.MaskedArray.from_numpy(host, backend=backend)
    assert x.backend is backend
    assert x.shape == (3, 4, 5) and x.ndim == 3 and x.size == 60
    assert x.dtype == backend.canonical_dtype(dtype)
    back = x.to_numpy()
    assert isinstance(back, np.ma.MaskedArray)
    np.testing.assert_array_equal(back.mask, mask)
    np.testing.assert_array_equal(back.data, data.astype(backend.canonical_dtype(dtype)))


def test_mask_broadcasts_and_defaults_to_nothing_masked(backend):
    x = ga.masked_array(np.zeros((2, 3)), backend=backend)
    assert not backend.to_numpy(x.mask).any()
    y = ga.masked_array(np.zeros((2, 3)), mask=[True, False, True], backend=backend)
    np.testing.assert_array_equal(backend.to_numpy(y.mask), [[1, 0, 1], [1, 0, 1]])


def test_mask_of_numpy_ma_input_is_combined(backend):
    host = np.ma.array([1.0, 2.0, 3.0], mask=[1, 0, 0])
    x = ga.masked_array(host, mask=[0, 0, 1], backend=backend)
    np.testing.assert_array_equal(backend.to_numpy(x.mask), [True, False, True])


def test_bad_masks_are_refused(backend):
    with pytest.raises(ArrayShapeError, match=r"mask of shape \(4,\) does not broadcast to the data's shape \(2, 3\)"):
        ga.masked_array(np.zeros((2, 3)), mask=np.zeros(4, dtype=bool), backend=backend)
    with pytest.raises(ArrayDTypeError, match="mask must be boolean"):
        ga.masked_array(np.zeros(3), mask=np.array([0.5, 0.0, 1.0]), backend=backend)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_filled_and_compressed_match_numpy_ma(dtype, backend, rng):
    data = random_array(rng, (4, 6), dtype)
    mask = random_mask(rng, (4, 6))
    host = np.ma.array(data, mask=mask)
    x = ga.masked_array(host, backend=backend)
    host = host.astype(backend.canonical_dtype(dtype))
    np.testing.assert_array_equal(backend.to_numpy(x.filled(7)), host.filled(7))
    np.testing.assert_array_equal(backend.to_numpy(x.compressed()), host.compressed())
    assert x.fill_value == host.fill_value
    np.testing.assert_array_equal(backend.to_numpy(x.filled()), host.filled())


def test_astype_keeps_the_mask(backend, rng):
    host = np.ma.array(rng.standard_normal((3, 3)) * 100, mask=random_mask(rng, (3, 3)))
    x = ga.masked_array(host, backend=backend).astype(np.int16)
    assert_masked_matches(x, host.astype(np.int16), backend)


INDEXES = [
    0,
    (0, 0),
    (slice(None), [0, 2]),
    (None, 0, 1),
    (Ellipsis, 0),
    (slice(1, None), slice(None, None, -1)),
    ([1, 0, 1],),
    (slice(None), 1, slice(0, 3)),
]


@pytest.mark.parametrize("index", INDEXES, ids=repr)
def test_indexing_matches_numpy_ma(index, backend, rng):
    host = np.ma.array(rng.standard_normal((3, 4, 5)).astype(np.float32), mask=random_mask(rng, (3, 4, 5)))
    x = ga.masked_array(host, backend=backend)
    expected = host[index]
    result = x[index]
    assert_masked_matches(result, np.ma.array(expected), backend)


def test_boolean_indexing_with_a_plain_and_a_masked_condition(backend, rng):
    data = rng.standard_normal((4, 5)).astype(np.float32)
    mask = random_mask(rng, (4, 5))
    host = np.ma.array(data, mask=mask)
    x = ga.masked_array(host, backend=backend)
    expected = host[data > 0]
    assert_masked_matches(x[data > 0], expected, backend)
    # A masked condition selects where it is valid and True (numpy.ma fills it with False).
    cond = x > 0
    assert_masked_matches(x[cond], host[(host > 0).filled(False)], backend)


def test_immutability_and_functional_set(backend):
    x = ga.masked_array(np.arange(4.0), mask=[0, 1, 0, 0], backend=backend)
    with pytest.raises(TypeError, match="immutable"):
        x[0] = 5
    y = x.set(1, 9.0)
    assert_masked_matches(y, np.ma.array([0.0, 9.0, 2.0, 3.0], mask=[0, 0, 0, 0]), backend)
    z = x.set(0, ga.masked_array(np.float64(1.0), mask=True, backend=backend))
    assert_masked_matches(z, np.ma.array([1.0, 1.0, 2.0, 3.0], mask=[1, 1, 0, 0]), backend)
    assert_masked_matches(x, np.ma.array(np.arange(4.0), mask=[0, 1, 0, 0]), backend)


def test_scalar_conversions(backend):
    x = ga.masked_array(np.array([2.5, 1.0]), mask=[False, True], backend=backend)
    assert float(x[0]) == 2.5
    assert int(x[0]) == 2
    assert bool(x[0]) is True
    assert x[1].item() is np.ma.masked
    with pytest.raises(ArrayDTypeError, match="masked element"):
        float(x[1])
    with pytest.raises(ArrayShapeError):
        x.item()


def test_to_backend_moves_arrays(rng):
    from gpucompute import backends

    host = np.ma.array(rng.standard_normal(5), mask=random_mask(rng, (5,)))
    x = ga.masked_array(host, backend="numpy")
    for name in backends.available():
        moved = x.to_backend(name)
        assert moved.backend.name == name
        assert_masked_matches(moved, host, moved.backend, check_dtype=False)


def test_repr_shows_data_mask_and_backend(backend):
    text = repr(ga.masked_array(np.array([1.0, 2.0]), mask=[0, 1], backend=backend))
    assert text.startswith("MaskedArray(") and "--" in text and f"backend={backend.name!r}" in text


def test_len_and_iteration_of_sizes(backend):
    x = ga.masked_array(np.zeros((3, 2)), backend=backend)
    assert len(x) == 3
    with pytest.raises(TypeError):
        len(ga.masked_array(np.float64(1.0), backend=backend))


def test_masked_array_is_a_jax_pytree():
    jax = pytest.importorskip("jax")
    x = ga.masked_array(np.arange(4.0, dtype=np.float32), mask=[0, 1, 0, 0], backend="jax")
    leaves = jax.tree_util.tree_leaves(x)
    assert len(leaves) == 2
    doubled = jax.jit(lambda a: a * 2)(x)
    assert isinstance(doubled, ga.MaskedArray)
    assert_masked_matches(doubled, np.ma.array(np.arange(4.0) * 2, mask=[0, 1, 0, 0]), doubled.backend)


@pytest.mark.parametrize("name", ["sum", "mean", "std", "max", "argmax", "median", "cumsum", "round"])
def test_methods_are_the_routines(name, backend, rng):
    from gpucompute.array._methods import METHOD_NAMES

    assert name in METHOD_NAMES
    x = ga.masked_array(rng.standard_normal((4, 5)).astype(np.float32), mask=random_mask(rng, (4, 5)), backend=backend)
    kwargs = {} if name == "round" else {"axis": 0}
    assert_masked_matches(getattr(x, name)(**kwargs), getattr(ga, name)(x, **kwargs).to_numpy(), backend)
