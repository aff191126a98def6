"""NumPy's own functions and ufuncs on proxies (NEP 18 / NEP 13) give the wf.numpy proxies.

Also the unsupported paths: NumPy functions with no lazy version, ufunc
methods, ufunc keywords, and NumPy trying to convert a proxy to an array.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import gpucompute.numpy as wnp
from gpucompute.array._ufuncs import UFUNC_TABLE
from gpucompute.errors import ProxyTypeError, RoutineNotSupportedError
from gpucompute.numpy import _signatures
from gpucompute.numpy._dispatch import HANDLED_FUNCTIONS
from gpucompute.testing import assert_array_matches
from gpucompute.types.array import Array
from gpucompute.types.core import Proxytype
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.primitives import Bool, Float, Int
from gpucompute.types.scalar import Scalar

sys.path.insert(0, str(Path(__file__).parent))
from test_wfnp_values import CALLS, LINALG_CALLS


def _head(proxy: Proxytype) -> str:
    return proxy.graft[proxy.graft["returns"]][0]


def _with_proxy(args: tuple) -> tuple | None:
    """The call's arguments with the first NumPy array replaced by an Array proxy (None if there is none)."""
    out = list(args)
    for i, arg in enumerate(out):
        if isinstance(arg, np.ndarray):
            out[i] = Array.from_numpy(arg)
            return tuple(out)
        if isinstance(arg, list) and arg and isinstance(arg[0], np.ndarray):
            out[i] = [Array.from_numpy(arg[0]), *arg[1:]]
            return tuple(out)
    return None


def test_table_covers_every_numpy_function():
    numpy_names = {getattr(f, "__name__", "") for f in HANDLED_FUNCTIONS}
    assert set(_signatures.ROUTINES) | set(_signatures.LINALG) | set(_signatures.MA) == numpy_names
    assert HANDLED_FUNCTIONS[np.mean] is wnp.mean and HANDLED_FUNCTIONS[np.linalg.norm] is wnp.linalg.norm
    assert HANDLED_FUNCTIONS[np.ma.masked_where] is wnp.ma.masked_where


@pytest.mark.parametrize("namespace", ["numpy", "numpy.linalg"])
def test_numpy_functions_on_proxies_record_wf_numpy(namespace, rng):
    source, calls, prefix = (np, CALLS, "wf.numpy") if namespace == "numpy" else (np.linalg, LINALG_CALLS,
                                                                                 "wf.numpy.linalg")
    dispatched = 0
    for name, maker in calls.items():
        for args, kwargs in maker(rng):
            proxied = _with_proxy(args)
            if proxied is None:
                continue  # creation routines without an array argument: NumPy has nothing to dispatch on
            result = getattr(source, name)(*proxied, **kwargs)
            assert isinstance(result, Proxytype), name
            assert _head(result) == f"{prefix}.{name}", name
            dispatched += 1
    assert dispatched >= (95 if namespace == "numpy" else 7)


def test_dispatched_results_compute_like_numpy(backend):
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    arr = Array.from_numpy(x)
    assert_array_matches(np.mean(arr, axis=0).compute(), np.mean(x, axis=0), backend)
    assert_array_matches(np.concatenate([arr, x]).compute(), np.concatenate([x, x]), backend)
    assert_array_matches(np.linalg.norm(arr, axis=1).compute(), np.linalg.norm(x, axis=1), backend)
    assert_array_matches(np.where(arr > 3, arr, 0).compute(), np.where(x > 3, x, 0), backend)


def test_guide_example_np_square(backend):
    arr = Array.from_numpy(np.arange(4))
    assert isinstance(wnp.square(arr), Array) and isinstance(np.square(arr), Array)
    np.testing.assert_array_equal(np.square(arr).compute(), [0, 1, 4, 9])
    np.testing.assert_array_equal(wnp.square(arr).compute(), [0, 1, 4, 9])


@pytest.mark.parametrize("spec", UFUNC_TABLE, ids=lambda s: s.name)
def test_numpy_ufuncs_on_proxies(spec):
    ufunc = getattr(np, spec.name)
    operands = [Array.from_numpy(np.arange(1, 5))] + [np.arange(1, 5)] * (spec.nin - 1)
    result = ufunc(*operands)
    assert isinstance(result, Array)
    assert _head(result) == f"wf.numpy.{ufunc.__name__}"
    reflected = ufunc(*reversed(operands))
    assert isinstance(reflected, Array)


def test_numpy_ufuncs_on_scalar_proxies():
    assert type(np.add(Int(1), 2)) is Int
    assert type(np.sqrt(Int(4))) is Float
    assert type(np.less(Float(1.0), 2)) is Bool
    assert type(np.multiply(Scalar(2), 3)) is Scalar
    assert type(np.add(np.ma.array([1.0], mask=[True]), Array([1.0]))) is MaskedArray


@pytest.mark.parametrize("method", ["reduce", "accumulate", "reduceat", "outer"])
def test_ufunc_methods_are_not_supported(method):
    arr = Array.from_numpy(np.arange(4))
    args = (arr, [0, 2]) if method == "reduceat" else (arr, arr) if method == "outer" else (arr,)
    with pytest.raises(RoutineNotSupportedError, match=r"compute\(\) first"):
        getattr(np.add, method)(*args)


def test_unsupported_numpy_calls_say_compute_first():
    arr = Array.from_numpy(np.arange(4.0))
    with pytest.raises(RoutineNotSupportedError, match=r"numpy\.fft\.fft .*compute\(\) first"):
        np.fft.fft(arr)
    with pytest.raises(RoutineNotSupportedError, match=r"numpy\.modf .*compute\(\) first"):
        np.modf(arr)
    with pytest.raises(RoutineNotSupportedError, match=r"numpy\.matmul"):
        np.matmul(arr, arr)
    with pytest.raises(RoutineNotSupportedError, match="keyword"):
        np.add(arr, 1, dtype=np.float32)
    with pytest.raises(TypeError):
        np.add.at(arr, [0], 1)  # other ufunc methods are left to NumPy, which gives up
    with pytest.raises(RoutineNotSupportedError, match=r"compute\(\) first"):
        np.asarray(arr)


def test_numpy_ma_functions_are_not_dispatched_by_numpy():
    # NumPy does not route numpy.ma functions through __array_function__: they try to convert the proxy.
    arr = Array.from_numpy(np.arange(4.0))
    with pytest.raises(RoutineNotSupportedError, match=r"wf\.numpy\.ma"):
        np.ma.masked_invalid(arr)
    assert isinstance(wnp.ma.masked_invalid(arr), MaskedArray)


def test_type_errors_through_numpy_name_the_numpy_function():
    arr = Array.from_numpy(np.arange(4.0))
    with pytest.raises(ProxyTypeError, match=r"numpy\.mean on a gpucompute proxy: wf\.numpy\.mean: argument 'axis'"):
        np.mean(arr, axis="x")
