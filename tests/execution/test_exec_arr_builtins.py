"""The array and wf.numpy execution builtins: registered, exercised through compute, grafts round-trip JSON.

Every ``wf.numpy`` builtin is exercised by re-computing each call of the value
tests from its graft after a JSON round trip; the array builtins by the proxy
members that record them.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gpucompute.numpy as wnp
from gpucompute.config import using_backend
from gpucompute.errors import ProxyTypeError, RoutineNotSupportedError
from gpucompute.execution import load_builtins
from gpucompute.execution.builtins_array import ARRAY_BUILTINS
from gpucompute.execution.builtins_numpy import NUMPY_BUILTINS
from gpucompute.numpy import _signatures
from gpucompute.types.array import Array
from gpucompute.types.dtype import DType
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.scalar import Scalar

sys.path.insert(0, str(Path(__file__).parents[1] / "numpy"))
from test_wfnp_values import CALLS, LINALG_CALLS, MA_CALLS


def _heads(graft: dict) -> set[str]:
    heads = set()
    for value in graft.values():
        if isinstance(value, list) and value and isinstance(value[0], str):
            heads.add(value[0])
        elif isinstance(value, dict):
            heads |= _heads(value)
    return heads


def _round_trip(proxy: Any) -> Any:
    return type(proxy)._from_graft(json.loads(json.dumps(proxy.graft, allow_nan=False)))


def _same(a: Any, b: Any) -> None:
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, np.ma.MaskedArray) or isinstance(b, np.ma.MaskedArray):
        np.testing.assert_array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b))
        np.testing.assert_array_equal(np.ma.filled(a, 0), np.ma.filled(b, 0))
    else:
        np.testing.assert_array_equal(a, b)


def test_every_builtin_is_registered():
    builtins = load_builtins()
    expected = {f"wf.numpy.{name}" for name in _signatures.ROUTINES}
    expected |= {f"wf.numpy.linalg.{name}" for name in _signatures.LINALG}
    expected |= {f"wf.numpy.ma.{name}" for name in _signatures.MA}
    expected |= {f"wf.numpy.{getattr(np, spec).__name__}" for spec in dir(wnp) if isinstance(getattr(np, spec, None), np.ufunc)
                 and spec in wnp.__all__}
    assert expected <= set(NUMPY_BUILTINS) and len(NUMPY_BUILTINS) == 75 + 101 + 7 + 14
    for name in (*NUMPY_BUILTINS, *ARRAY_BUILTINS, "wf.numpy.true_divide", "wf.pos", "wf.tuple", "wf.Ellipsis"):
        assert name in builtins, name


@pytest.mark.parametrize("table", ["routines", "linalg", "ma"])
def test_numpy_builtins_round_trip_json(table, rng):
    namespace, calls = {"routines": (wnp, CALLS), "linalg": (wnp.linalg, LINALG_CALLS), "ma": (wnp.ma, MA_CALLS)}[table]
    seen: set[str] = set()
    with using_backend("numpy"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, maker in calls.items():
            for args, kwargs in maker(rng):
                proxy = getattr(namespace, name)(*args, **kwargs)
                seen |= _heads(proxy.graft)
                _same(_round_trip(proxy).compute(), proxy.compute())
    prefix, names = {"routines": ("wf.numpy.", _signatures.ROUTINES), "linalg": ("wf.numpy.linalg.", _signatures.LINALG),
                     "ma": ("wf.numpy.ma.", _signatures.MA)}[table]
    assert {prefix + name for name in names} <= seen


def test_ufunc_builtins_round_trip_json(rng):
    from gpucompute.array._ufuncs import UFUNC_TABLE

    with using_backend("numpy"), np.errstate(all="ignore"):
        for spec in UFUNC_TABLE:
            operands = [rng.integers(1, 5, 4)] * spec.nin
            proxy = getattr(wnp, spec.name)(*operands)
            _same(_round_trip(proxy).compute(), proxy.compute())


def test_array_builtins_through_proxies(backend, rng):
    host = np.ma.MaskedArray(rng.standard_normal((3, 4)).astype(np.float32), mask=rng.random((3, 4)) < 0.4,
                             fill_value=-1.0)
    arr, m = Array.from_numpy(host.data), MaskedArray.from_numpy(host)
    proxies = {
        "wf.array.create": arr, "wf.maskedarray.create": m,
        "wf.array.getitem": arr[1:, [0, 2]], "wf.array.dtype": arr.dtype, "wf.array.ndim": arr.ndim,
        "wf.array.shape": m.shape, "wf.array.size": m.size, "wf.array.astype": m.astype(np.int16),
        "wf.array.flatten": arr.flatten(), "wf.maskedarray.getdata": m.getdata(),
        "wf.maskedarray.getmaskarray": m.getmaskarray(), "wf.maskedarray.filled": m.filled(),
        "wf.maskedarray.compressed": m.compressed(), "wf.count": m.count(axis=0),
        "wf.scalar.create": Scalar(2) + m.count(), "wf.dtype.create": DType(np.uint8),
    }
    assert set(proxies) == set(ARRAY_BUILTINS)
    expected = {
        "wf.array.create": host.data, "wf.maskedarray.create": host, "wf.array.getitem": host.data[1:, [0, 2]],
        "wf.array.dtype": np.dtype(np.float32), "wf.array.ndim": 2, "wf.array.shape": [3, 4], "wf.array.size": 12,
        "wf.array.astype": host.astype(np.int16), "wf.array.flatten": host.data.reshape(-1),
        "wf.maskedarray.getdata": host.data, "wf.maskedarray.getmaskarray": np.ma.getmaskarray(host),
        "wf.maskedarray.filled": host.filled(), "wf.maskedarray.compressed": host.compressed(),
        "wf.count": host.count(axis=0), "wf.scalar.create": 2 + host.count(), "wf.dtype.create": np.dtype(np.uint8),
    }
    for name, proxy in proxies.items():
        assert name in _heads(proxy.graft), name
        got = _round_trip(proxy).compute()
        want = expected[name]
        if isinstance(want, np.ma.MaskedArray):
            assert isinstance(got, np.ma.MaskedArray), name
            _same(got, want)
        elif isinstance(want, np.dtype):
            assert got == want, name
        else:
            np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), err_msg=name)
    assert m.compute().fill_value == -1.0


def test_unary_plus_uses_wf_pos(backend):
    arr = Array([1, -2])
    assert "wf.pos" in _heads((+arr).graft)
    np.testing.assert_array_equal((+arr).compute(), [1, -2])
    assert (+Scalar(3)).compute() == 3


def test_to_imagery_checks_its_arguments():
    arr = Array(np.zeros((1, 2, 2)))
    with pytest.raises(ProxyTypeError, match="properties"):
        arr.to_imagery(properties=3)
    with pytest.raises(ProxyTypeError, match="bandinfo"):
        arr.to_imagery(bandinfo=[1])
    try:
        from gpucompute.types import ImageCollection  # noqa: F401
    except ImportError:
        with pytest.raises(RoutineNotSupportedError, match="imagery"):
            arr.to_imagery()
    else:
        assert "wf.to_imagery" in _heads(arr.to_imagery().graft)
