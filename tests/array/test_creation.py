"""Creation routines against NumPy (and numpy.ma for masked inputs), on every backend."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array import _creation
from gpucompute.array._names import CREATION_NAMES
from gpucompute.config import using_backend
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, ConfigError, DataDependentShapeError
from gpucompute.testing.oracle import assert_array_matches, assert_masked_matches, random_array, random_mask

DTYPES = [np.float32, np.float64, np.int16, np.uint8, np.bool_]


def _shape(rng, ndim=None):
    ndim = int(rng.integers(0, 4)) if ndim is None else ndim
    return tuple(int(n) for n in rng.integers(0, 5, size=ndim))


def _on_backend(backend, host):
    """*host* as the backend actually stores it, and that data back on the host."""
    arr = backend.asarray(host)
    return arr, backend.to_numpy(arr)


def test_names_match_the_contract():
    assert sorted(_creation.__all__) == sorted(CREATION_NAMES)
    for name in CREATION_NAMES:
        assert getattr(ga, name) is getattr(_creation, name)
        assert getattr(ga, name).__doc__


# -- zeros / ones / full -----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["zeros", "ones"])
@pytest.mark.parametrize("dtype", [None] + DTYPES)
def test_zeros_ones(backend, rng, name, dtype):
    shape = _shape(rng)
    kwargs = {} if dtype is None else {"dtype": dtype}
    out = getattr(ga, name)(shape, **kwargs)
    assert backend.is_native(out)
    assert_array_matches(out, getattr(np, name)(shape, **kwargs), backend)
    size = int(rng.integers(0, 6))
    assert_array_matches(getattr(ga, name)(size, **kwargs), getattr(np, name)(size, **kwargs), backend)


@pytest.mark.parametrize("dtype", [None] + DTYPES)
def test_full_scalar(backend, rng, dtype):
    shape = _shape(rng)
    for fill in (int(rng.integers(0, 100)), float(rng.normal() * 10), bool(rng.random() < 0.5)):
        assert_array_matches(ga.full(shape, fill, dtype), np.full(shape, fill, dtype), backend)


@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.uint8])
def test_full_array_fill_broadcasts(backend, rng, dtype):
    shape = (3,) + _shape(rng, 2)
    fill, host = _on_backend(backend, random_array(rng, shape[-1:], dtype))
    out = ga.full(shape, fill)
    assert backend.is_native(out)
    assert_array_matches(out, np.full(shape, host), backend)
    assert_array_matches(ga.full(shape, host, np.float64), np.full(shape, host, np.float64), backend)


def test_full_masked_fill(backend, rng):
    data = random_array(rng, (4,), np.float32)
    mask = random_mask(rng, (4,))
    out = ga.full((3, 4), ga.masked_array(data, mask))
    expected = np.ma.masked_array(np.broadcast_to(data, (3, 4)), np.broadcast_to(mask, (3, 4)))
    assert_masked_matches(out, expected, backend)
    base_mask = random_mask(rng, (3, 4))
    like = ga.full_like(ga.masked_array(np.zeros((3, 4), np.float32), base_mask), ga.masked_array(data, mask))
    assert_masked_matches(like, np.ma.masked_array(expected.data, expected.mask | base_mask), backend)


# -- *_like --------------------------------------------------------------------------------------
LIKES = {
    "zeros_like": (lambda a, **kw: ga.zeros_like(a, **kw), lambda a, **kw: np.zeros_like(a, **kw)),
    "ones_like": (lambda a, **kw: ga.ones_like(a, **kw), lambda a, **kw: np.ones_like(a, **kw)),
    "full_like": (lambda a, **kw: ga.full_like(a, 7, **kw), lambda a, **kw: np.full_like(a, 7, **kw)),
}


@pytest.mark.parametrize("name", sorted(LIKES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.uint8])
def test_like_plain(backend, rng, name, dtype):
    ours, theirs = LIKES[name]
    arr, host = _on_backend(backend, random_array(rng, _shape(rng), dtype))
    out = ours(arr)
    assert backend.is_native(out)
    assert_array_matches(out, theirs(host), backend)
    assert_array_matches(ours(arr, dtype=np.int16), theirs(host, dtype=np.int16), backend)
    shape = _shape(rng)
    assert_array_matches(ours(arr, shape=shape), theirs(host, shape=shape), backend)
    assert_array_matches(ours(host.tolist()), theirs(host.tolist()), backend)


@pytest.mark.parametrize("name", sorted(LIKES))
@pytest.mark.parametrize("dtype", [np.float32, np.int16])
def test_like_masked_keeps_the_mask_as_numpy_does(backend, rng, name, dtype):
    ours, theirs = LIKES[name]
    shape = _shape(rng, 2)
    data, mask = random_array(rng, shape, dtype), random_mask(rng, shape)
    arr = ga.masked_array(data, mask)
    expected = theirs(arr.to_numpy())
    out = ours(arr)
    assert out.backend is backend
    assert_masked_matches(out, expected, backend)
    assert_masked_matches(ours(arr, dtype=np.float64), theirs(arr.to_numpy(), dtype=np.float64), backend)
    assert_masked_matches(ours(arr.to_numpy()), expected, backend)
    other = (shape[0] + 1, shape[1] + 1)  # another size: NumPy masks nothing then
    assert_masked_matches(ours(arr, shape=other), theirs(arr.to_numpy(), shape=other), backend)


def test_like_follows_the_input_backend(backend, rng):
    arr = backend.asarray(random_array(rng, (3, 3), np.float32))
    masked = ga.masked_array(random_array(rng, (3,), np.float32), backend=backend)
    with using_backend("numpy"):
        for ours, _ in LIKES.values():
            assert backend.is_native(ours(arr))
            assert ours(masked).backend is backend
        assert backend.is_native(ga.diag(arr))
        assert backend.is_native(ga.meshgrid(arr[0], arr[1])[0])


@pytest.mark.parametrize("call", [
    lambda b: ga.zeros(3, backend=b), lambda b: ga.ones(3, backend=b), lambda b: ga.full(3, 1.5, backend=b),
    lambda b: ga.eye(2, backend=b), lambda b: ga.arange(4, backend=b), lambda b: ga.linspace(0, 1, backend=b),
    lambda b: ga.indices((2, 3), backend=b), lambda b: ga.meshgrid([1, 2], [3], backend=b)[0],
], ids=lambda call: "")
def test_backend_keyword(backend, call):
    with using_backend("numpy"):
        assert backend.is_native(call(backend.name))
        assert backend.is_native(call(backend))


# -- ranges --------------------------------------------------------------------------------------
def _arange_args(rng, kind):
    if kind == "stop":
        return (int(rng.integers(0, 20)),)
    if kind == "int":
        start, stop = (int(v) for v in rng.integers(-20, 20, size=2))
        step = int(rng.choice([-3, -1, 1, 2, 5]))
        return (start, stop, step)
    start, stop = (float(v) for v in rng.uniform(-10, 10, size=2))
    return (start, stop, float(rng.uniform(0.1, 2.0)) * (1 if stop >= start else -1))


@pytest.mark.parametrize("kind", ["stop", "int", "float"])
def test_arange(backend, rng, kind):
    for _ in range(5):
        args = _arange_args(rng, kind)
        assert_array_matches(ga.arange(*args), np.arange(*args), backend)
    assert_array_matches(ga.arange(2, 9), np.arange(2, 9), backend)
    assert_array_matches(ga.arange(np.int16(7)), np.arange(np.int16(7)), backend)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.uint8])
def test_arange_dtype(backend, rng, dtype):
    stop = int(rng.integers(1, 50))
    assert_array_matches(ga.arange(stop, dtype=dtype), np.arange(stop, dtype=dtype), backend)
    assert_array_matches(ga.arange(1, stop, 3, dtype=dtype), np.arange(1, stop, 3, dtype=dtype), backend)


@pytest.mark.parametrize("dtype", [None, np.float32, np.float64])
@pytest.mark.parametrize("endpoint", [True, False])
def test_linspace(backend, rng, dtype, endpoint):
    for num in (0, 1, 2, int(rng.integers(3, 60))):
        start, stop = (float(v) for v in rng.uniform(-100, 100, size=2))
        kwargs = dict(num=num, endpoint=endpoint, dtype=dtype)
        assert_array_matches(ga.linspace(start, stop, **kwargs), np.linspace(start, stop, **kwargs), backend)
        samples, step = ga.linspace(start, stop, retstep=True, **kwargs)
        want_samples, want_step = np.linspace(start, stop, retstep=True, **kwargs)
        assert_array_matches(samples, want_samples, backend)
        assert_array_matches(step, want_step, backend, check_dtype=False)


@pytest.mark.parametrize("dtype", [np.int16, np.uint8])
def test_linspace_integer_dtype_rounds_down(backend, rng, dtype):
    start = int(rng.integers(0, 20))
    for stop, num in ((start + 60, 7), (start + 10, 4), (start, 3)):
        assert_array_matches(ga.linspace(start, stop, num, dtype=dtype),
                             np.linspace(start, stop, num, dtype=dtype), backend)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_linspace_array_ends(backend, rng, axis):
    start_host = random_array(rng, (3,), np.float32)
    stop, stop_host = _on_backend(backend, random_array(rng, (2, 3), np.float32))
    out = ga.linspace(start_host, stop, 5, axis=axis)
    assert_array_matches(out, np.linspace(start_host, stop_host, 5, axis=axis), backend)


def test_linspace_traced_ends_compile(backend, rng):
    ends = backend.asarray(random_array(rng, (2,), np.float32))
    compiled = backend.compile(lambda e: ga.linspace(e[0], e[1], 9))
    assert_array_matches(compiled(ends), ga.linspace(ends[0], ends[1], 9), backend)


@pytest.mark.parametrize("dtype", [None, np.float32, np.int16, np.uint8, np.bool_])
def test_eye(backend, rng, dtype):
    for _ in range(2):
        n, m = (int(v) for v in rng.integers(0, 6, size=2))
        k = int(rng.integers(-3, 4))
        kwargs = {} if dtype is None else {"dtype": dtype}
        assert_array_matches(ga.eye(n, m, k, **kwargs), np.eye(n, m, k, **kwargs), backend)
        assert_array_matches(ga.eye(n, **kwargs), np.eye(n, **kwargs), backend)


@pytest.mark.parametrize("dtype", [None, np.int16, np.uint8, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
def test_indices(backend, rng, dtype, sparse):
    for ndim in (0, 1, 2, 3):
        dims = _shape(rng, ndim)
        kwargs = {"sparse": sparse} if dtype is None else {"sparse": sparse, "dtype": dtype}
        out, expected = ga.indices(dims, **kwargs), np.indices(dims, **kwargs)
        if sparse:
            assert isinstance(out, tuple) and len(out) == len(expected)
            for got, want in zip(out, expected):
                assert_array_matches(got, want, backend)
        else:
            assert_array_matches(out, expected, backend)


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_meshgrid(backend, rng, indexing, sparse, dtype):
    for n in (0, 1, 2, 3):
        hosts = [random_array(rng, (int(rng.integers(1, 5)),), dtype) for _ in range(n)]
        inputs = [backend.asarray(h) for h in hosts]
        out = ga.meshgrid(*inputs, indexing=indexing, sparse=sparse)
        expected = np.meshgrid(*hosts, indexing=indexing, sparse=sparse)
        assert isinstance(out, list) and len(out) == len(expected)
        for got, want in zip(out, expected):
            assert_array_matches(got, want, backend)
    flat = random_array(rng, (2, 3), dtype)
    got = ga.meshgrid(flat, flat[0], indexing=indexing)
    for a, b in zip(got, np.meshgrid(flat, flat[0], indexing=indexing)):
        assert_array_matches(a, b, backend)


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid_masked_broadcasts_masks(backend, rng, indexing):
    datas = [random_array(rng, (n,), np.float32) for n in (3, 4)]
    masks = [random_mask(rng, (n,), 0.5) for n in (3, 4)]
    out = ga.meshgrid(ga.masked_array(datas[0], masks[0]), datas[1], indexing=indexing)
    want_data = np.meshgrid(*datas, indexing=indexing)
    want_mask = np.meshgrid(masks[0], np.zeros(4, bool), indexing=indexing)[0]
    assert_masked_matches(out[0], np.ma.masked_array(want_data[0], want_mask), backend)
    assert_array_matches(out[1], want_data[1], backend)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.uint8])
def test_diag(backend, rng, dtype):
    for shape in ((int(rng.integers(0, 6)),), tuple(int(v) for v in rng.integers(1, 6, size=2))):
        arr, host = _on_backend(backend, random_array(rng, shape, dtype))
        for k in (0, -2, 7):
            out = ga.diag(arr, k)
            assert backend.is_native(out)
            assert_array_matches(out, np.diag(host, k), backend)
        assert_array_matches(ga.diag(host.tolist()), np.diag(host.tolist()), backend)


@pytest.mark.parametrize("dtype", [np.float32, np.int16])
def test_diag_masked(backend, rng, dtype):
    for shape in ((5,), (4, 6)):
        arr = ga.masked_array(random_array(rng, shape, dtype), random_mask(rng, shape, 0.5))
        for k in (0, 2, -1):
            assert_masked_matches(ga.diag(arr, k), np.ma.diag(arr.to_numpy(), k), backend)


def test_diag_compiles(backend, rng):
    arr = ga.masked_array(random_array(rng, (4, 4), np.float32), random_mask(rng, (4, 4)))
    compiled = backend.compile(lambda a: ga.diag(a, 1))
    assert_masked_matches(compiled(arr), np.ma.diag(arr.to_numpy(), 1), backend)


# -- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda: ga.zeros(-1), lambda: ga.ones((2, -3)), lambda: ga.zeros(2.5), lambda: ga.full((-1,), 1),
    lambda: ga.eye(-1), lambda: ga.eye(2, -2), lambda: ga.eye(2, k=0.5), lambda: ga.indices((-1, 2)),
    lambda: ga.linspace(0, 1, -1), lambda: ga.linspace(0, 1, 2.5), lambda: ga.arange(0, 5, 0),
    lambda: ga.arange(np.zeros(2)), lambda: ga.diag(np.zeros((2, 2, 2))), lambda: ga.diag(3.0),
    lambda: ga.meshgrid([1], [2], indexing="ab"), lambda: ga.full((2, 3), np.zeros(2)),
    lambda: ga.zeros_like(np.zeros(3), shape=(-1,)), lambda: ga.full((2,), np.zeros(3)),
], ids=lambda call: "")
def test_bad_shapes_raise(backend, call):
    with pytest.raises(ArrayShapeError, match=r"^gpucompute\.array\.\w+: "):
        call()


@pytest.mark.parametrize("call", [
    lambda: ga.zeros(3, dtype="foo"), lambda: ga.ones(3, dtype=object), lambda: ga.full(2, 1, dtype="U3"),
    lambda: ga.eye(2, dtype="nonsense"), lambda: ga.arange(3, dtype=str), lambda: ga.indices((2,), dtype="x"),
    lambda: ga.linspace(0, 1, 3, dtype=object), lambda: ga.zeros_like(np.zeros(2), dtype="foo"),
], ids=lambda call: "")
def test_bad_dtypes_raise(backend, call):
    with pytest.raises(ArrayDTypeError, match=r"^gpucompute\.array\.\w+: "):
        call()


def test_unknown_backend_name_raises():
    with pytest.raises(ConfigError):
        ga.zeros(3, backend="no-such-backend")


def test_traced_sizes_raise(backend):
    if not backend.traces:
        pytest.skip("this backend does not trace, so sizes are always concrete")
    compiled_arange = backend.compile(lambda n: ga.arange(n))
    compiled_zeros = backend.compile(lambda n: ga.zeros((n, 2)))
    compiled_linspace = backend.compile(lambda n: ga.linspace(0.0, 1.0, n))
    for compiled in (compiled_arange, compiled_zeros, compiled_linspace):
        with pytest.raises(DataDependentShapeError, match="jax.jit"):
            compiled(backend.asarray(3))
