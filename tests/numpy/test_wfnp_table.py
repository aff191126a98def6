"""The wf.numpy namespace is generated from one table that matches the engine's name lists.

Graft shapes (positional vs keyword, defaults filled in, ufunc graft names),
overload selection and result types, docstrings, and build-time errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.numpy as wnp
from gpucompute.array import _names
from gpucompute.array._ufuncs import UFUNC_TABLE
from gpucompute.errors import ProxyTypeError, RoutineNotSupportedError
from gpucompute.graft.client import consistent_guid
from gpucompute.numpy import _signatures, linalg, ma
from gpucompute.numpy._spec import parse_overload, resolve_type
from gpucompute.types.array import Array
from gpucompute.types.containers import List, Tuple
from gpucompute.types.dtype import DType
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.primitives import Bool, Float, Int
from gpucompute.types.scalar import Scalar

ARR = np.arange(6.0).reshape(2, 3)


def _apply(proxy):
    """The application the proxy returns: ``[name, *arg keys, {kw: key}]``."""
    return proxy.graft[proxy.graft["returns"]]


def _value(proxy, key):
    return proxy.graft[key]


# -- completeness ----------------------------------------------------------------------------
def test_namespace_has_every_engine_name():
    assert set(_signatures.ROUTINES) == set(_names.ROUTINE_NAMES)
    assert set(_signatures.LINALG) == set(_names.LINALG_NAMES)
    assert set(_signatures.MA) | {"masked_array"} == set(_names.MA_NAMES)
    public = set(wnp.__all__) - {"linalg", "ma", "ProxyUfunc"}
    assert public == set(_names.UFUNC_NAMES) | set(_names.ROUTINE_NAMES) | {"array"}
    assert len(public) == 181
    assert set(linalg.__all__) == set(_names.LINALG_NAMES)
    assert set(ma.__all__) == set(_names.MA_NAMES)
    assert wnp.array is Array and ma.masked_array is MaskedArray


def test_every_overload_parses_and_its_types_resolve():
    for table in (_signatures.ROUTINES, _signatures.LINALG, _signatures.MA):
        for name, overloads in table.items():
            for text in overloads:
                overload = parse_overload(text)
                assert overload.params or name == "arange", name
                for param in overload.params:
                    for type_name in param.types:
                        assert isinstance(resolve_type(type_name), type), (name, type_name)
                if "like" not in overload.returns:
                    resolve_type(overload.returns)


@pytest.mark.parametrize("namespace", ["wf.numpy", "wf.numpy.linalg", "wf.numpy.ma"])
def test_docstrings_come_from_the_table(namespace):
    module, table = {"wf.numpy": (wnp, _signatures.ROUTINES), "wf.numpy.linalg": (linalg, _signatures.LINALG),
                     "wf.numpy.ma": (ma, _signatures.MA)}[namespace]
    for name, overloads in table.items():
        routine = getattr(module, name)
        doc = routine.__doc__
        assert f"``{namespace}.{name}``" in doc and "Parameters" in doc and "Returns" in doc, name
        for overload in overloads:
            for param in parse_overload(overload).params:
                assert param.name in doc, (name, param.name)
        assert routine.graft_name == f"{namespace}.{name}"


# -- ufuncs -----------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", UFUNC_TABLE, ids=lambda s: s.name)
def test_ufunc_graft_name_is_the_numpy_ufunc_name(spec):
    operands = [Array.from_numpy(ARR)] * spec.nin
    proxy = getattr(wnp, spec.name)(*operands)
    expected = getattr(np, spec.name).__name__
    assert _apply(proxy)[0] == f"wf.numpy.{expected}"
    assert len(_apply(proxy)) == 1 + spec.nin and not isinstance(_apply(proxy)[-1], dict)


def test_aliases_record_numpy_names():
    a = Array.from_numpy(ARR)
    assert _apply(wnp.mod(a, 2))[0] == "wf.numpy.remainder"
    assert _apply(wnp.bitwise_not(a))[0] == "wf.numpy.invert"
    assert _apply(wnp.conj(a))[0] == "wf.numpy.conjugate"
    assert _apply(wnp.true_divide(a, 2))[0] == "wf.numpy.divide"
    assert _apply(a / 2)[0] == "wf.numpy.divide"


@pytest.mark.parametrize(
    "args, expected",
    [
        ((1, 2), Int), ((1.0, 2), Float), ((True, False), Bool), ((Scalar(1), 2.0), Scalar),
        ((Int(1), np.float32(2)), Float), ((np.ones(3), 1), Array), ((Int(1), [1, 2]), Array),
        ((np.ma.array([1.0]), np.ones(1)), MaskedArray), ((Array([1]), MaskedArray([1.0])), MaskedArray),
    ],
)
def test_ufunc_result_type_rule(args, expected):
    assert type(wnp.add(*args)) is expected


@pytest.mark.parametrize("spec", UFUNC_TABLE, ids=lambda s: s.name)
def test_ufunc_scalar_results_follow_the_declared_kind(spec):
    result = getattr(wnp, spec.name)(*([Int(2)] * spec.nin))
    expected = {"float": Float, "bool": Bool}.get(spec.result, Int)
    assert type(result) is expected


def test_ufunc_arity_keywords_and_bad_operands_fail_when_built():
    with pytest.raises(ProxyTypeError, match=r"wf.numpy.add: takes 2 argument\(s\), got 1"):
        wnp.add(1)
    with pytest.raises(ProxyTypeError, match="keyword"):
        wnp.sqrt(1, out=None)
    with pytest.raises(ProxyTypeError, match=r"wf.numpy.add argument 2.*got str"):
        wnp.add(1, "x")


@pytest.mark.parametrize("method", ["reduce", "accumulate", "reduceat", "outer"])
def test_ufunc_methods_say_compute_first(method):
    with pytest.raises(RoutineNotSupportedError, match="compute"):
        getattr(wnp.add, method)(Array.from_numpy(ARR))


# -- routines: graft shapes -------------------------------------------------------------------
def test_defaults_are_recorded_by_keyword_and_required_params_positionally():
    a = Array.from_numpy(ARR)
    with consistent_guid(100):
        proxy = wnp.var(a, axis=0)
    name, a_key, kwargs = _apply(proxy)
    assert name == "wf.numpy.var" and a_key == a.graft["returns"]
    assert set(kwargs) == {"axis", "ddof"}
    assert proxy.graft[kwargs["axis"]] == 0 and proxy.graft[kwargs["ddof"]] == 0
    assert type(proxy) is Array
    scalar = wnp.var(a)
    assert type(scalar) is Scalar and scalar.graft[_apply(scalar)[2]["axis"]] is None


def test_dtype_defaults_are_dtype_proxies():
    proxy = wnp.ones([2, 3])
    kwargs = _apply(proxy)[2]
    dtype_expr = proxy.graft[kwargs["dtype"]]
    assert dtype_expr[0] == "wf.dtype.create" and proxy.graft[dtype_expr[1]] == "float"
    explicit = wnp.zeros(3, dtype=np.int16)
    assert explicit.graft[explicit.graft[_apply(explicit)[2]["dtype"]][1]] == "int16"


def test_varargs_are_positional_and_keyword_only_params_by_keyword():
    a, b = Array.from_numpy(ARR), Array.from_numpy(ARR.T)
    proxy = wnp.einsum("ij,jk->ik", a, b)
    _, sub, x, y, kwargs = _apply(proxy)
    assert proxy.graft[sub] == "ij,jk->ik" and (x, y) == (a.graft["returns"], b.graft["returns"])
    assert set(kwargs) == {"dtype", "casting", "optimize"}
    assert isinstance(wnp.meshgrid(a, b), List)


def test_overloads_pick_the_result_type():
    a, m = Array.from_numpy(ARR), MaskedArray.from_numpy(np.ma.array(ARR))
    assert type(wnp.sum(a, axis=1)) is Array and type(wnp.sum(m, axis=[0, 1])) is MaskedArray
    assert type(wnp.sum(m)) is Scalar and type(wnp.round(2.5)) is Scalar
    assert type(wnp.clip(a, m, m)) is MaskedArray and type(wnp.clip(1, 0, 2)) is Scalar
    assert type(wnp.concatenate([m, m])) is MaskedArray and type(wnp.concatenate([ARR, ARR])) is Array
    assert type(wnp.atleast_2d(a)) is Array and type(wnp.atleast_2d(a, a)) is List[Array]
    assert type(wnp.histogram(a)) is Tuple[Array, Array]
    assert type(wnp.arange(3)) is Array and type(wnp.arange(1, 3)) is Array
    assert type(wnp.linalg.norm(a)) is Scalar and type(wnp.linalg.norm(a, axis=0)) is Array
    assert type(wnp.ma.masked_less(a, 2)) is MaskedArray and type(wnp.allclose(a, a)) is Bool
    assert type(wnp.gradient(m)) is List[MaskedArray]


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda a: wnp.sum(a, axis="x"), r"wf.numpy.sum: argument 'axis' must be Int, List\[Int\] or None, got str"),
        (lambda a: wnp.reshape(a, "x"), r"wf.numpy.reshape: argument 'newshape' must be Int or List\[Int\]"),
        (lambda a: wnp.concatenate(a), r"wf.numpy.concatenate: argument 'arrays' must be List\[Array\] or List\["),
        (lambda a: wnp.linalg.inv("x"), r"wf.numpy.linalg.inv: argument 'a' must be Array, got str"),
        (lambda a: wnp.ma.masked_equal(a, "x"), r"wf.numpy.ma.masked_equal: argument 'value' must be Scalar"),
        (lambda a: wnp.sum(a, 0, 1), r"wf.numpy.sum: the arguments match none of its signatures"),
        (lambda a: wnp.mean(a, keepdims=True), r"unexpected keyword argument 'keepdims'"),
        (lambda a: wnp.zeros(3, dtype="U8"), r"wf.numpy.zeros: argument 'dtype' must be DType, got str"),
    ],
)
def test_wrong_arguments_fail_when_built(call, pattern):
    with pytest.raises(ProxyTypeError, match=pattern):
        call(Array.from_numpy(ARR))


def test_dtype_proxy():
    assert _apply(DType(np.float32))[0] == "wf.dtype.create"
    for value, literal in ((np.float32, "float32"), ("uint8", "uint8"), (int, "int"), (Float, "float"),
                           (np.dtype(bool), "bool")):
        proxy = DType(value)
        assert proxy.graft[_apply(proxy)[1]] == literal
    with pytest.raises(ProxyTypeError, match="DType"):
        DType("not a dtype")
    with pytest.raises(ProxyTypeError, match="DType"):
        DType(np.str_)
