"""where / nonzero / flatnonzero / argwhere / unique / unravel_index against NumPy and numpy.ma;
errors of the whole manipulation family; behaviour under jax.jit."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.config import using_backend
from gpucompute.errors import (
    ArrayDTypeError, ArrayShapeError, AxisError, DataDependentShapeError, RoutineNotSupportedError,
)
from gpucompute.testing import assert_array_matches, assert_masked_matches, random_array, random_mask

DTYPES = (np.float64, np.float32, np.int16, np.uint8)


def _sparse(rng, shape, dtype) -> np.ndarray:
    """Small values, so zeros and repeated values are common."""
    return rng.integers(0, 4, size=shape).astype(dtype)


def _masked(data, mask, backend):
    return ga.MaskedArray(data, mask, backend=backend), np.ma.MaskedArray(data, mask)


# -- where ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_where_plain(dtype, backend, rng):
    cond = rng.random((3, 4)) < 0.5
    x, y = random_array(rng, (3, 1), dtype), random_array(rng, (4,), dtype)
    assert_array_matches(ga.where(backend.asarray(cond), backend.asarray(x), backend.asarray(y)),
                         np.where(cond, x, y), backend)
    assert_array_matches(ga.where(cond, backend.asarray(x), 0), np.where(cond, x, 0), backend)


@pytest.mark.parametrize("which", ["condition", "x", "y", "all"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_where_masked_matches_numpy_ma(which, dtype, backend, rng):
    shape = (3, 4)
    args_gp, args_ma = [], []
    for name, data in (("condition", rng.random(shape) < 0.5), ("x", random_array(rng, shape, dtype)),
                       ("y", random_array(rng, (4,), dtype))):
        if which in (name, "all"):
            gp, ma = _masked(data, random_mask(rng, data.shape, 0.4), backend)
        else:
            gp, ma = backend.asarray(data), data
        args_gp.append(gp)
        args_ma.append(ma)
    assert_masked_matches(ga.where(*args_gp), np.ma.where(*args_ma), backend)


def test_where_with_one_argument_is_nonzero(backend, rng):
    data = _sparse(rng, (3, 4), np.int16)
    for got, want in zip(ga.where(backend.asarray(data)), np.nonzero(data)):
        assert_array_matches(got, want, backend)


# -- data-dependent searches ---------------------------------------------------------------------
#: name -> (gpucompute call, NumPy oracle, numpy.ma oracle)
SEARCHES: dict[str, tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]] = {
    "nonzero": (ga.nonzero, np.nonzero, np.ma.nonzero),
    "flatnonzero": (ga.flatnonzero, np.flatnonzero, lambda m: np.flatnonzero(m.filled(0))),
    "argwhere": (ga.argwhere, np.argwhere, lambda m: np.argwhere(m.filled(0))),
    "unique": (ga.unique, np.unique, np.ma.unique),
}


def _check(got: Any, want: Any, backend, masked: bool) -> None:
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            _check(g, w, backend, masked)
    elif masked and isinstance(want, np.ma.MaskedArray):
        assert_masked_matches(got, want, backend)
    else:
        assert_array_matches(got, want, backend)


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(SEARCHES))
def test_searches_match_numpy_and_numpy_ma(name, dtype, shape, backend, rng):
    routine, oracle, ma_oracle = SEARCHES[name]
    data = _sparse(rng, shape, dtype)
    _check(routine(backend.asarray(data)), oracle(data), backend, masked=False)
    gp, ma = _masked(data, random_mask(rng, shape, 0.4), backend)
    _check(routine(gp), ma_oracle(ma), backend, masked=True)


@pytest.mark.parametrize("name", ["flatnonzero", "argwhere", "unique"])
def test_searches_of_0d_and_unmasked_inputs(name, backend):
    routine, oracle, ma_oracle = SEARCHES[name]
    for value in (0.0, 3.0):
        _check(routine(backend.asarray(np.float32(value))), oracle(np.float32(value)), backend, masked=False)
    gp, ma = _masked(np.array([2, 1, 2, 0], np.int16), np.zeros(4, bool), backend)
    _check(routine(gp), ma_oracle(ma), backend, masked=True)


def test_unique_counts_nan_once(backend):
    data = np.array([3.0, np.nan, 1.0, np.nan, 3.0], np.float32)
    assert_array_matches(ga.unique(backend.asarray(data)), np.unique(data), backend)


@pytest.mark.parametrize("dtype", (np.int16, np.int32, np.uint8))
def test_unravel_index(dtype, backend, rng):
    shape = (3, 4, 5)
    flat = rng.integers(0, 60, size=(2, 3)).astype(dtype) if dtype != np.uint8 else rng.integers(0, 60, 6).astype(dtype)
    for got, want in zip(ga.unravel_index(backend.asarray(flat), shape), np.unravel_index(flat, shape)):
        assert_array_matches(got, want, backend)
    mask = random_mask(rng, flat.shape, 0.5)
    got = ga.unravel_index(ga.MaskedArray(flat, mask, backend=backend), shape)
    for g, w in zip(got, np.unravel_index(np.where(mask, 0, flat), shape)):  # NumPy on data and on mask
        assert_masked_matches(g, np.ma.MaskedArray(w, mask), backend)
    for got, want in zip(ga.unravel_index(17, (4, 5)), np.unravel_index(17, (4, 5))):
        assert_array_matches(got, want, backend)


# -- errors --------------------------------------------------------------------------------------
def _a(*shape):
    return np.zeros(shape, np.float32)


ERRORS = [
    ("concatenate", lambda: ga.concatenate([_a(2, 3), _a(2, 4)]), ArrayShapeError),
    ("concatenate", lambda: ga.concatenate([_a(2, 3), _a(2, 3, 1)]), ArrayShapeError),
    ("concatenate", lambda: ga.concatenate([]), ArrayShapeError),
    ("concatenate", lambda: ga.concatenate([_a(), _a()]), ArrayShapeError),
    ("concatenate", lambda: ga.concatenate([_a(2, 3), _a(2, 3)], axis=2), AxisError),
    ("stack", lambda: ga.stack([_a(2, 3), _a(3, 2)]), ArrayShapeError),
    ("stack", lambda: ga.stack([_a(2, 3), _a(2, 3)], axis=3), AxisError),
    ("hstack", lambda: ga.hstack([_a(2, 3), _a(3, 3)]), ArrayShapeError),
    ("vstack", lambda: ga.vstack([_a(3), _a(4)]), ArrayShapeError),
    ("dstack", lambda: ga.dstack([_a(2, 3), _a(3, 3)]), ArrayShapeError),
    ("reshape", lambda: ga.reshape(_a(2, 3), (4, 2)), ArrayShapeError),
    ("reshape", lambda: ga.reshape(_a(2, 3), (-1, -1)), ArrayShapeError),
    ("reshape", lambda: ga.reshape(_a(2, 3), (4, -1)), ArrayShapeError),
    ("broadcast_to", lambda: ga.broadcast_to(_a(3), (4, 2)), ArrayShapeError),
    ("broadcast_to", lambda: ga.broadcast_to(_a(2, 3), (3,)), ArrayShapeError),
    ("broadcast_arrays", lambda: ga.broadcast_arrays(_a(3), _a(4)), ArrayShapeError),
    ("squeeze", lambda: ga.squeeze(_a(1, 3), axis=1), ArrayShapeError),
    ("squeeze", lambda: ga.squeeze(_a(1, 3), axis=2), AxisError),
    ("transpose", lambda: ga.transpose(_a(2, 3), (0, 0)), AxisError),
    ("transpose", lambda: ga.transpose(_a(2, 3), (0,)), AxisError),
    ("moveaxis", lambda: ga.moveaxis(_a(2, 3), 0, 2), AxisError),
    ("moveaxis", lambda: ga.moveaxis(_a(2, 3), [0, 1], [1]), AxisError),
    ("rollaxis", lambda: ga.rollaxis(_a(2, 3), 0, 3), AxisError),
    ("rollaxis", lambda: ga.rollaxis(_a(2, 3), 2), AxisError),
    ("roll", lambda: ga.roll(_a(2, 3), 1, axis=2), AxisError),
    ("roll", lambda: ga.roll(_a(2, 3), (1, 2, 3), axis=(0, 1)), ArrayShapeError),
    ("repeat", lambda: ga.repeat(_a(2, 3), -1), ArrayShapeError),
    ("repeat", lambda: ga.repeat(_a(2, 3), [1, 2], axis=1), ArrayShapeError),
    ("repeat", lambda: ga.repeat(_a(2, 3), 1.5), ArrayDTypeError),
    ("tile", lambda: ga.tile(_a(2, 3), (2, -1)), ArrayShapeError),
    ("pad", lambda: ga.pad(_a(2, 3), -1), ArrayShapeError),
    ("pad", lambda: ga.pad(_a(2, 3), ((1, 1), (1, 1), (1, 1))), ArrayShapeError),
    ("pad", lambda: ga.pad(_a(2, 3), 1, mode="nearest"), RoutineNotSupportedError),
    ("pad", lambda: ga.pad(ga.MaskedArray(_a(2, 3)), 1, mode="mean"), RoutineNotSupportedError),
    ("insert", lambda: ga.insert(_a(2, 3), 7, 1.0), AxisError),
    ("insert", lambda: ga.insert(_a(2, 3), [[0, 1]], 1.0, axis=1), ArrayShapeError),
    ("insert", lambda: ga.insert(_a(2, 3), 1, _a(4, 4), axis=1), ArrayShapeError),
    ("insert", lambda: ga.insert(_a(2, 3), 1, 0.0, axis=2), AxisError),
    ("take", lambda: ga.take(_a(2, 3), [6]), AxisError),
    ("take", lambda: ga.take(_a(2, 3), [0, -4], axis=1), AxisError),
    ("take", lambda: ga.take(_a(2, 3), [0.5]), ArrayDTypeError),
    ("take", lambda: ga.take(_a(2, 3), [0], axis=2), AxisError),
    ("compress", lambda: ga.compress([[True]], _a(2, 3)), ArrayShapeError),
    ("compress", lambda: ga.compress([0, 0, 1], _a(2, 3), axis=0), AxisError),
    ("diagonal", lambda: ga.diagonal(_a(3)), ArrayShapeError),
    ("diagonal", lambda: ga.diagonal(_a(3, 3), 0, 1, -1), AxisError),
    ("tril", lambda: ga.tril(_a()), ArrayShapeError),
    ("unravel_index", lambda: ga.unravel_index([12], (3, 4)), AxisError),
    ("unravel_index", lambda: ga.unravel_index([-1], (3, 4)), AxisError),
    ("unravel_index", lambda: ga.unravel_index(np.array([1.0]), (3, 4)), ArrayDTypeError),
    ("nonzero", lambda: ga.nonzero(_a()), ArrayShapeError),
    ("where", lambda: ga.where(_a(2, 3), _a(3, 2), 0.0), ArrayShapeError),
]


@pytest.mark.parametrize("name, call, error", ERRORS, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(ERRORS)])
def test_errors(name, call, error, backend):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(f"gpucompute.array.{name}:"), str(info.value)


def test_error_messages_show_the_shapes(backend):
    with pytest.raises(ArrayShapeError, match=r"\(2, 3\).*\(2, 4\)"):
        ga.concatenate([_a(2, 3), _a(2, 4)])
    with pytest.raises(ArrayShapeError, match=r"\(2, 3\).*\(4, 2\)"):
        ga.reshape(_a(2, 3), (4, 2))
    with pytest.raises(ArrayShapeError, match=r"\(3,\).*\(4, 2\)"):
        ga.broadcast_to(_a(3), (4, 2))


def test_where_needs_both_alternatives(backend):
    with pytest.raises(TypeError, match="gpucompute.array.where"):
        ga.where(_a(2), _a(2))


# -- jax.jit -------------------------------------------------------------------------------------
try:
    import jax
except ImportError:  # pragma: no cover - jax is an optional backend
    jax = None


@pytest.fixture
def jax_backend():
    if jax is None:
        pytest.skip("jax is not installed")
    with using_backend("jax") as backend:
        yield backend


DATA_DEPENDENT = {
    "nonzero": lambda x: ga.nonzero(x),
    "flatnonzero": lambda x: ga.flatnonzero(x),
    "argwhere": lambda x: ga.argwhere(x),
    "unique": lambda x: ga.unique(x),
    "compress": lambda x: ga.compress(x[0] > 0, x, axis=1),
    "repeat": lambda x: ga.repeat(x, x[0].astype("int32"), axis=1),
    "insert": lambda x: ga.insert(x, x[0, 0].astype("int32"), 1.0),
    "where": lambda x: ga.where(x),
}


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("name", sorted(DATA_DEPENDENT))
def test_data_dependent_shapes_refuse_tracers(name, masked, jax_backend, rng):
    data = random_array(rng, (3, 4), np.float32)
    if masked:
        arg = ga.MaskedArray(data, random_mask(rng, data.shape), backend=jax_backend)
    else:
        arg = jax_backend.asarray(data)
    with pytest.raises(DataDependentShapeError, match=f"gpucompute.array.{name}:"):
        jax.jit(DATA_DEPENDENT[name])(arg)


JITTABLE = {
    "reshape": lambda x, y: ga.reshape(x, (4, -1)),
    "concatenate": lambda x, y: ga.concatenate([x, y], axis=1),
    "pad": lambda x, y: ga.pad(x, ((1, 0), (2, 1)), mode="reflect"),
    "take": lambda x, y: ga.take(x, np.array([0, -1, 2]), axis=1),
    "where": lambda x, y: ga.where(x > y, x, y),
    "compress": lambda x, y: ga.compress([True, False, True], x, axis=1),
    "insert": lambda x, y: ga.insert(x, [1, 3], y[:, :1], axis=1),
}


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("name", sorted(JITTABLE))
def test_jit_matches_eager(name, masked, jax_backend, rng):
    datas = [random_array(rng, (3, 4), np.float32) for _ in range(2)]
    if masked:
        args = [ga.MaskedArray(d, random_mask(rng, d.shape), backend=jax_backend) for d in datas]
    else:
        args = [jax_backend.asarray(d) for d in datas]
    eager = JITTABLE[name](*args)
    jitted = jax.jit(JITTABLE[name])(*args)
    if masked:
        assert isinstance(jitted, ga.MaskedArray)
        assert_masked_matches(jitted, eager.to_numpy(), jax_backend)
    else:
        assert_array_matches(jitted, jax_backend.to_numpy(eager), jax_backend)
