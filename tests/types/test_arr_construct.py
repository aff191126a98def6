"""Constructing and promoting Array, MaskedArray, Scalar and DType; grafts and computed values."""

from __future__ import annotations

import json

import numpy as np
import pytest

import gpucompute.numpy as wnp
from gpucompute.errors import ProxyTypeError, RoutineNotSupportedError
from gpucompute.graft.client import consistent_guid
from gpucompute.testing import assert_array_matches, assert_masked_matches
from gpucompute.types.array import Array
from gpucompute.types.containers import List
from gpucompute.types.dtype import DType
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.primitives import Bool, Float, Int, Str
from gpucompute.types.scalar import Scalar


def _apply(proxy):
    return proxy.graft[proxy.graft["returns"]]


def test_array_graft_is_the_documented_one():
    # reference §3.3: wf.Array([[1, 2], [3, 4]])
    with consistent_guid(202):
        arr = Array([[1, 2], [3, 4]])
    assert arr.graft == {"202": [[[1, 2], [3, 4]]], "203": ["wf.array.create", "202"], "returns": "203"}
    np.testing.assert_array_equal(arr.literal_value, [[1, 2], [3, 4]])
    assert (arr + 1).literal_value is None


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.bool_])
def test_json_dtypes_need_no_dtype_keyword(dtype):
    arr = Array.from_numpy(np.ones((2, 2), dtype=dtype))
    assert len(_apply(arr)) == 2


@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.int8, np.int32])
def test_other_dtypes_are_recorded(dtype):
    arr = Array.from_numpy(np.ones(3, dtype=dtype))
    assert arr.graft[_apply(arr)[2]["dtype"]] == np.dtype(dtype).name


def test_non_finite_values_are_json_strings():
    arr = Array.from_numpy(np.array([1.0, np.nan, np.inf, -np.inf], np.float32))
    values = arr.graft[_apply(arr)[1]][0]
    assert values == [1.0, "nan", "inf", "-inf"]
    json.dumps(arr.graft, allow_nan=False)


@pytest.mark.parametrize("bad", [np.array(["a"]), np.array([1 + 2j]), np.arange(3, dtype=np.uint8), [[1, 2], [3]],
                                 "text", {"a": 1}])
def test_unsupported_local_values(bad):
    with pytest.raises(ProxyTypeError, match="Array"):
        Array(bad)


def test_array_from_proxies_and_scalars():
    for value in (Int(2), Float(2.5), Bool(True), List[Int]([1, 2])):
        arr = Array(value)
        assert _apply(arr)[0] == "wf.array.create" and _apply(arr)[1] == value.graft["returns"]
    assert _apply(Array(3))[0] == "wf.array.create"
    with pytest.raises(ProxyTypeError, match="MaskedArray"):
        Array(np.ma.array([1.0]))
    with pytest.raises(ProxyTypeError, match="MaskedArray.from_numpy"):
        Array.from_numpy(np.ma.array([1.0]))
    with pytest.raises(ProxyTypeError):
        Array(Str("x"))
    inner = Array([1])
    assert Array(inner).graft is inner.graft


def test_promotion_rules():
    arr = Array([1.0])
    assert Array._promote(arr) is arr
    assert isinstance(Array._promote(np.ones(2)), Array) and isinstance(Array._promote([1, 2]), Array)
    for bad in (3, Int(3), np.ma.array([1]), MaskedArray([1.0])):
        with pytest.raises(ProxyTypeError):
            Array._promote(bad)
    assert isinstance(MaskedArray._promote(np.ma.array([1.0], mask=[True])), MaskedArray)
    with pytest.raises(ProxyTypeError):
        MaskedArray._promote(np.ones(2))
    one = Int(1)
    assert Scalar._promote(one).graft is one.graft
    assert _apply(Scalar(2.5))[0] == "wf.scalar.create"
    with pytest.raises(ProxyTypeError):
        Scalar._promote("x")


def test_any_proxies_are_retyped():
    from gpucompute.types.anytype import Any as AnyProxy

    anything = AnyProxy._from_graft(Array([1.0]).graft)
    for cls in (Array, MaskedArray, Scalar):
        promoted = cls._promote(anything)
        assert type(promoted) is cls and promoted.graft is anything.graft
    assert type(wnp.sum(anything, axis=0)) is Array


def test_masked_array_constructor():
    with consistent_guid(10):
        m = MaskedArray([1.0, 2.0], [True, False], 0.0)
    name, data, mask, fill = _apply(m)
    assert name == "wf.maskedarray.create" and m.graft[fill] == 0.0
    assert m.graft[data][0] == "wf.array.create" and m.graft[mask][0] == "wf.array.create"
    assert isinstance(MaskedArray([1.0], False), MaskedArray)
    with pytest.raises(ProxyTypeError, match="boolean"):
        MaskedArray([1.0, 2.0], [1, 0])
    with pytest.raises(ProxyTypeError, match="fill_value"):
        MaskedArray([1.0], False, "x")


def test_scalar_operators_build_scalars():
    s = wnp.sum(Array([1, 2]))
    assert type(s) is Scalar
    for result in (s + 1, 1 + s, s * Float(2.0), -s, abs(s), +s, s ** 2, Int(1) + s):
        assert type(result) is Scalar
    # the ufunc's declared kind wins over Scalar (reference §1.2: return_type_override)
    assert type(s / 2) is Float and type(s > 1) is Bool
    assert type(s + Array([1])) is Array and type(Array([1]) * s) is Array


def test_proxies_refuse_numpy_conversion():
    with pytest.raises(RoutineNotSupportedError, match=r"compute\(\) first"):
        np.asarray(Scalar(1))


# -- computed values ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.int32, np.bool_])
def test_local_arrays_compute_to_themselves(dtype, backend, rng):
    host = (rng.standard_normal((3, 4)) * 5).astype(dtype)
    got = Array.from_numpy(host).compute()
    assert isinstance(got, np.ndarray)
    assert_array_matches(got, host, backend)


def test_non_finite_values_compute(backend):
    host = np.array([[1.0, np.nan], [np.inf, -np.inf]], np.float32)
    assert_array_matches(Array.from_numpy(host).compute(), host, backend)


def test_masked_arrays_compute(backend, rng):
    host = np.ma.MaskedArray(rng.standard_normal((3, 4)).astype(np.float32), mask=rng.random((3, 4)) < 0.4)
    got = MaskedArray.from_numpy(host).compute()
    assert_masked_matches(_device(got), host, backend)
    filled = np.ma.MaskedArray(host.data, host.mask, fill_value=-9.0)
    got = MaskedArray.from_numpy(filled)
    np.testing.assert_array_equal(got.filled().compute(), filled.filled())
    assert MaskedArray.from_numpy(filled).compute().fill_value == -9.0
    unmasked = MaskedArray.from_numpy(np.ma.array([1.0, 2.0])).compute()
    assert not unmasked.mask.any()


def _device(value):
    from gpucompute.array import MaskedArray as EngineMaskedArray

    return EngineMaskedArray.from_numpy(value, backend="numpy")


def test_scalar_and_dtype_compute(backend):
    got = Scalar(2.5).compute()
    assert isinstance(got, np.generic) and got == 2.5
    assert (Scalar(2) * 3).compute() == 6
    assert DType(np.int16).compute() == np.dtype("int16")
    assert DType(float).compute() == np.dtype(float)
    expected = backend.canonical_dtype(np.float64)
    assert Array([1.5]).dtype.compute() == expected


def test_masked_array_mask_may_be_a_bool_proxy(backend):
    got = MaskedArray([1.0, 2.0], Bool(True)).compute()
    assert got.mask.all()
