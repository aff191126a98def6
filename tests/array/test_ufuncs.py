"""The 79 ufuncs against NumPy (plain arrays) and numpy.ma (masked arrays), on every backend."""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array._names import UFUNC_NAMES
from gpucompute.array._ufuncs import UFUNC_TABLE, UFUNCS
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, BackendMismatchError
from gpucompute.testing import assert_array_matches, assert_masked_matches

SPECS = {spec.name: spec for spec in UFUNC_TABLE}
DTYPES = (np.float32, np.float64, np.int16, np.uint8)

# Ufuncs whose numpy.ma version (with its domain / invalid masking) is the oracle.
_MA_ORACLE = {name for name in UFUNC_NAMES if isinstance(getattr(np.ma, name, None), np.ma.core._MaskedUFunc)}
_MA_ORACLE.add("power")

#: Where JAX's result dtype differs from NumPy's (after float64 -> float32 canonicalisation), and why.
#: These are documented in gpucompute/array/_ufuncs.py.
JAX_DTYPE_RULES = {
    # NumPy computes float-valued ufuncs of 8-bit integers in float16; JAX promotes them to float32.
    ("int", "float16"): "float32",
}


def _operands(name: str, dtype, rng, shape=(3, 4)):
    """Inputs exercising the ufunc's interesting region (including out-of-domain values)."""
    dtype = np.dtype(dtype)
    spec = SPECS[name]

    def values(scale=3.0):
        if dtype.kind == "f":
            return (rng.standard_normal(shape) * scale).astype(dtype)
        low = 0 if dtype.kind == "u" else -5
        return rng.integers(low, 9, size=shape).astype(dtype)

    if name == "ldexp":
        return [values(), rng.integers(-3, 4, size=shape).astype(np.int8)]
    if name in ("power", "float_power"):
        return [values(), rng.integers(0, 4, size=shape).astype(dtype)]
    if name in ("floor_divide", "remainder", "mod", "fmod", "divide", "true_divide") and dtype.kind in "iu":
        divisor = values()
        divisor[divisor == 0] = 3
        return [values(), divisor]
    return [values() for _ in range(spec.nin)]


def _numpy_supports(name: str, operands) -> bool:
    try:
        with np.errstate(all="ignore"):
            getattr(np, SPECS[name].numpy_name)(*operands)
    except TypeError:
        return False
    return True


def _assert_dtype(result, expected, name, dtype, backend):
    """NumPy's dtype through the backend's canonicalisation, with JAX's documented deviations."""
    want = backend.canonical_dtype(np.asarray(expected).dtype)
    if backend.name == "jax" and np.dtype(dtype).kind in "iu":
        want = np.dtype(JAX_DTYPE_RULES.get(("int", want.name), want))
    assert np.dtype(result.dtype) == want, f"{name}({np.dtype(dtype)}): dtype {result.dtype} != {want}"


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", UFUNC_NAMES)
def test_plain_arrays_match_numpy(name, dtype, backend, rng):
    operands = _operands(name, dtype, rng)
    if not _numpy_supports(name, operands):
        with pytest.raises(ArrayDTypeError, match=name):
            UFUNCS[name](*[backend.asarray(o) for o in operands])
        return
    with np.errstate(all="ignore"):
        expected = getattr(np, SPECS[name].numpy_name)(*operands)
    result = UFUNCS[name](*[backend.asarray(o) for o in operands])
    assert backend.is_native(result)
    _assert_dtype(result, expected, name, dtype, backend)
    assert_array_matches(result, expected, backend, check_dtype=False)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", UFUNC_NAMES)
def test_masked_arrays_match_numpy_ma(name, dtype, backend, rng):
    operands = _operands(name, dtype, rng)
    if not _numpy_supports(name, operands):
        return  # covered by the plain test's error check
    masks = [rng.random(o.shape) < 0.3 for o in operands]
    host = [np.ma.array(o, mask=m) for o, m in zip(operands, masks)]
    with np.errstate(all="ignore"):
        if name in _MA_ORACLE:
            expected = getattr(np.ma, name)(*host)
        else:
            expected = getattr(np, SPECS[name].numpy_name)(*host)
    ours = [ga.masked_array(o, mask=m, backend=backend) for o, m in zip(operands, masks)]
    result = UFUNCS[name](*ours)
    assert isinstance(result, ga.MaskedArray)
    _assert_dtype(result, np.ma.getdata(expected), name, dtype, backend)
    assert_masked_matches(result, expected, backend, check_dtype=False)


@pytest.mark.parametrize("name", ["log", "sqrt", "arcsin", "arccosh", "divide", "floor_divide", "power"])
def test_domain_errors_become_masked(name, backend):
    cases = {
        "log": ([-1.0, 0.0, 1.0],),
        "sqrt": ([-4.0, 4.0, 0.0],),
        "arcsin": ([2.0, 0.5, -1.5],),
        "arccosh": ([0.5, 1.0, 2.0],),
        "divide": ([1.0, 2.0, 3.0], [0.0, 2.0, 0.0]),
        "floor_divide": ([1.0, 2.0, 3.0], [0.0, 2.0, 0.0]),
        "power": ([-8.0, 4.0, 0.0], [0.5, 0.5, -1.0]),
    }
    args = [np.asarray(a, dtype=np.float32) for a in cases[name]]
    with np.errstate(all="ignore"):
        expected = getattr(np.ma, name)(*[np.ma.array(a) for a in args])
    result = UFUNCS[name](*[ga.masked_array(a, backend=backend) for a in args])
    assert np.ma.getmaskarray(expected).any(), "the case must exercise the domain"
    assert_masked_matches(result, expected, backend)


def test_mixed_masked_and_plain_inputs(backend, rng):
    a = rng.standard_normal((4, 5)).astype(np.float32)
    mask = rng.random((4, 5)) < 0.5
    b = rng.standard_normal((5,)).astype(np.float32)
    expected = np.ma.array(a, mask=mask) * b
    result = ga.multiply(ga.masked_array(a, mask=mask, backend=backend), b)
    assert_masked_matches(result, expected, backend)
    reflected = b * ga.masked_array(a, mask=mask, backend=backend)
    assert_masked_matches(reflected, expected, backend)


def test_python_scalars_keep_the_array_dtype(backend):
    x = ga.masked_array(np.arange(4, dtype=np.float32), mask=[0, 1, 0, 0], backend=backend)
    assert (x + 1.5).dtype == np.float32
    assert (2 * x).dtype == np.float32


def test_operators_follow_the_table(backend, rng):
    a = np.ma.array(rng.integers(1, 9, (3, 3)).astype(np.int16), mask=rng.random((3, 3)) < 0.3)
    b = np.ma.array(rng.integers(1, 9, (3, 3)).astype(np.int16), mask=rng.random((3, 3)) < 0.3)
    x, y = ga.masked_array(a, backend=backend), ga.masked_array(b, backend=backend)
    pairs = [
        (x + y, a + b), (x - y, a - b), (x * y, a * b), (x / y, a / b), (x // y, a // b), (x % y, a % b),
        # numpy.ma turns Python scalars into int64 arrays (int16 ** 2 -> int64); we keep NumPy's NEP 50 rule
        (x ** 2, np.ma.array(a.data ** 2, mask=a.mask)),
        (x & y, a & b), (x | y, a | b), (x ^ y, a ^ b), (x < y, a < b), (x <= y, a <= b),
        (x > y, a > b), (x >= y, a >= b), (x == y, a == b), (x != y, a != b), (-x, -a), (abs(x), abs(a)),
        (~x, ~a), (+x, a), (3 - x, np.ma.array(3 - a.data, mask=a.mask)), (10 / x, 10 / a),
    ]
    for ours, expected in pairs:
        assert_masked_matches(ours, expected, backend)


def test_numpy_ufuncs_dispatch_to_gpucompute(backend, rng):
    data = rng.standard_normal((3, 4)).astype(np.float32)
    mask = rng.random((3, 4)) < 0.3
    x = ga.masked_array(data, mask=mask, backend=backend)
    result = np.log(x)
    assert isinstance(result, ga.MaskedArray) and result.backend is backend
    with np.errstate(all="ignore"):
        assert_masked_matches(result, np.ma.log(np.ma.array(data, mask=mask)), backend)


def test_ufunc_methods_are_not_dispatched(backend):
    x = ga.masked_array(np.arange(3.0), backend=backend)
    with pytest.raises(TypeError):
        np.add.reduce(x)


def test_bitwise_on_floats_is_a_dtype_error(backend):
    x = ga.masked_array(np.arange(3.0, dtype=np.float32), backend=backend)
    with pytest.raises(ArrayDTypeError, match="gpucompute.array.bitwise_and: needs integer"):
        ga.bitwise_and(x, x)


def test_shape_mismatch_names_the_routine_and_shapes(backend):
    a = backend.asarray(np.zeros((2, 3)))
    b = backend.asarray(np.zeros((4,)))
    with pytest.raises(ArrayShapeError, match=r"gpucompute.array.add: shapes \(2, 3\), \(4,\)"):
        ga.add(a, b)


def test_wrong_number_of_inputs(backend):
    with pytest.raises(TypeError, match="takes 2 input"):
        ga.add(backend.asarray(np.zeros(2)))


def test_arrays_from_two_device_backends_are_refused():
    from gpucompute import backends

    names = [n for n in backends.available() if n != "numpy"]
    if len(names) < 2:
        pytest.skip("needs two device backends (jax and cupy)")
    a = backends.get(names[0]).asarray(np.zeros(2))
    b = backends.get(names[1]).asarray(np.zeros(2))
    with pytest.raises(BackendMismatchError, match="gpucompute.array.add"):
        ga.add(a, b)


def test_table_metadata():
    assert tuple(s.name for s in UFUNC_TABLE) == UFUNC_NAMES
    for spec in UFUNC_TABLE:
        assert isinstance(getattr(np, spec.numpy_name), np.ufunc), spec.name
        assert getattr(np, spec.numpy_name).nin == spec.nin, spec.name
        assert spec.result in {"promote", "float", "bool"}
    assert UFUNCS["add"].identity == 0 and UFUNCS["multiply"].identity == 1
    assert UFUNCS["mod"].spec.numpy_name == "remainder"
    assert UFUNCS["bitwise_not"].spec.numpy_name == "invert"


def test_ufuncs_compile_under_jit(rng):
    jax = pytest.importorskip("jax")
    from gpucompute import backends

    backend = backends.get("jax")
    data = rng.standard_normal((5, 6)).astype(np.float32)
    mask = rng.random((5, 6)) < 0.3
    x = ga.masked_array(data, mask=mask, backend=backend)

    def expression(a):
        return ga.sqrt(a) / (a - 1) + ga.log(a)

    eager = expression(x)
    jitted = jax.jit(expression)(x)
    np.testing.assert_array_equal(np.ma.getmaskarray(jitted.to_numpy()), np.ma.getmaskarray(eager.to_numpy()))
    np.testing.assert_allclose(jitted.to_numpy().filled(0), eager.to_numpy().filled(0), rtol=1e-6)


@pytest.mark.parametrize("name", ["less", "greater", "equal", "not_equal", "less_equal", "greater_equal"])
@pytest.mark.parametrize("scalar", [-5, 300, 70000])
def test_comparisons_with_out_of_range_python_ints(name, scalar, backend):
    data = np.array([0, 7, 255], dtype=np.uint8)
    expected = getattr(np, name)(data, scalar)
    assert_array_matches(UFUNCS[name](backend.asarray(data), scalar), expected, backend)
    reflected = getattr(np, name)(scalar, data)
    assert_array_matches(UFUNCS[name](scalar, backend.asarray(data)), reflected, backend)
