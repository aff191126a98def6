"""Compare gpucompute results with NumPy (plain arrays) and numpy.ma (masked arrays).

Dtypes are compared through the backend's canonical dtype, so JAX without
64-bit mode is expected to give ``float32`` where NumPy gives ``float64``.
Values are compared with a tolerance chosen from the *result* dtype: exact for
integers and booleans, relative for floats.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gpucompute.backends import Backend

__all__ = [
    "DTYPES",
    "FLOAT_DTYPES",
    "INT_DTYPES",
    "assert_array_matches",
    "assert_masked_matches",
    "expected_dtype",
    "random_array",
    "random_mask",
    "to_host",
    "tolerance",
]

FLOAT_DTYPES = (np.float32, np.float64)
INT_DTYPES = (np.int16, np.uint16, np.uint8)
#: The raster dtypes every reduction is checked on.
DTYPES = FLOAT_DTYPES + INT_DTYPES

_RTOL = {"e": 1e-2, "f": 1e-5, "d": 1e-10}


def tolerance(dtype: Any, backend: Backend | None = None) -> dict[str, float]:
    """``rtol``/``atol`` for comparing values of *dtype* (computed on *backend*)."""
    dtype = np.dtype(dtype)
    if backend is not None:
        dtype = backend.canonical_dtype(dtype)
    if dtype.kind not in "fc":
        return {"rtol": 0.0, "atol": 0.0}
    rtol = _RTOL.get(dtype.char.lower() if dtype.kind == "f" else "f", 1e-5)
    if dtype.kind == "c":
        rtol = 1e-5 if dtype.itemsize <= 8 else 1e-10
    return {"rtol": rtol, "atol": rtol}


def expected_dtype(numpy_dtype: Any, backend: Backend) -> np.dtype:
    """The dtype *backend* gives where NumPy gives *numpy_dtype*."""
    return backend.canonical_dtype(numpy_dtype)


def to_host(value: Any) -> Any:
    """A gpucompute result on the host: ``numpy.ma.MaskedArray`` or ``numpy.ndarray``."""
    from gpucompute.array import MaskedArray
    from gpucompute.backends import backend_of

    if isinstance(value, MaskedArray):
        return value.to_numpy()
    if isinstance(value, np.ma.MaskedArray):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(to_host(v) for v in value)
    backend = backend_of(value)
    if backend is not None:
        return backend.to_numpy(value)
    return np.asarray(value)


def _check_dtype(actual: np.dtype, expected: Any, backend: Backend, check_dtype: bool) -> None:
    if not check_dtype:
        return
    want = expected_dtype(np.asarray(expected).dtype, backend)
    assert np.dtype(actual) == want, f"dtype {np.dtype(actual)} != expected {want}"


def assert_array_matches(actual: Any, expected: Any, backend: Backend, *, check_dtype: bool = True,
                         rtol: float | None = None, atol: float | None = None) -> None:
    """Assert a plain gpucompute result equals NumPy's *expected* (values, shape, dtype)."""
    host = to_host(actual)
    assert not isinstance(host, np.ma.MaskedArray), "expected a plain array, got a MaskedArray"
    expected = np.asarray(expected)
    assert host.shape == expected.shape, f"shape {host.shape} != expected {expected.shape}"
    _check_dtype(host.dtype, expected, backend, check_dtype)
    tol = tolerance(expected.dtype, backend)
    if rtol is not None:
        tol["rtol"] = rtol
    if atol is not None:
        tol["atol"] = atol
    if expected.dtype.kind in "fc" or host.dtype.kind in "fc":
        np.testing.assert_allclose(host, expected, equal_nan=True, **tol)
    else:
        np.testing.assert_array_equal(host, expected)


def assert_masked_matches(actual: Any, expected: Any, backend: Backend, *, check_dtype: bool = True,
                          rtol: float | None = None, atol: float | None = None) -> None:
    """Assert a gpucompute MaskedArray equals numpy.ma's *expected*.

    Masks must be equal everywhere; values are compared only where unmasked.
    *expected* may be ``numpy.ma.masked`` (an all-masked scalar result).
    """
    host = to_host(actual)
    assert isinstance(host, np.ma.MaskedArray), f"expected a MaskedArray, got {type(host).__name__}"
    expected = np.ma.asarray(expected)
    assert host.shape == expected.shape, f"shape {host.shape} != expected {expected.shape}"
    if expected.dtype != object:
        _check_dtype(host.dtype, expected.data, backend, check_dtype)
    want_mask = np.ma.getmaskarray(expected)
    got_mask = np.ma.getmaskarray(host)
    np.testing.assert_array_equal(got_mask, want_mask, err_msg="masks differ")
    valid = ~want_mask
    got = np.asarray(host.data)[valid]
    want = np.asarray(expected.data)[valid]
    tol = tolerance(expected.dtype if expected.dtype != object else host.dtype, backend)
    if rtol is not None:
        tol["rtol"] = rtol
    if atol is not None:
        tol["atol"] = atol
    if want.dtype.kind in "fc" or got.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, equal_nan=True, **tol)
    else:
        np.testing.assert_array_equal(got, want)


def random_array(rng: np.random.Generator, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """Random values spanning a useful range of *dtype* (negative too for signed types)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return (rng.standard_normal(shape) * 10).astype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    info = np.iinfo(dtype)
    low = max(info.min, -100)
    high = min(info.max, 200)
    return rng.integers(low, high, size=shape, endpoint=True).astype(dtype)


def random_mask(rng: np.random.Generator, shape: tuple[int, ...], fraction: float = 0.3,
                *, all_masked_axis: int | None = None, all_valid_axis: int | None = None) -> np.ndarray:
    """A random mask; optionally one slice along an axis fully masked and one fully valid.

    With ``all_masked_axis=k`` the first index along every other axis is masked
    through the whole of axis *k* (a slice with no valid element); with
    ``all_valid_axis=k`` the last index is valid throughout.
    """
    mask = rng.random(shape) < fraction
    if all_masked_axis is not None and len(shape) > 0:
        index = [0] * len(shape)
        index[all_masked_axis] = slice(None)
        mask[tuple(index)] = True
    if all_valid_axis is not None and len(shape) > 0:
        index = [-1] * len(shape)
        index[all_valid_axis] = slice(None)
        mask[tuple(index)] = False
    return mask
