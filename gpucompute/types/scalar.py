"""``Scalar``: a number whose exact type is only known when computed, and the array operator table.

Array routines without an axis (``arr.sum()``) give a Scalar.  Its operators,
like those of Array and MaskedArray, record ``wf.numpy`` ufuncs; the table of
operators is :data:`OPERATORS` and :class:`UfuncOperators` attaches it.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from gpucompute.errors import ProxyTypeError, RoutineNotSupportedError
from gpucompute.graft import client
from gpucompute.types.core import NumPyMixin, Proxytype, _short, type_name

__all__ = ["OPERATORS", "UNARY_OPERATORS", "Scalar", "UfuncOperators"]

#: Binary operator -> wf.numpy ufunc; each also gets its reflected form (``__radd__``).
OPERATORS: dict[str, str] = {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide",
    "floordiv": "floor_divide", "mod": "mod", "pow": "power",
    "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
}
#: Comparisons -> ufunc; Python reflects them itself (``3 < x`` is ``x > 3``).
COMPARISONS: dict[str, str] = {
    "lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal",
    "eq": "equal", "ne": "not_equal",
}
#: Unary operator -> ufunc; ``+x`` is the builtin ``wf.pos`` instead.
UNARY_OPERATORS: dict[str, str] = {"neg": "negative", "abs": "absolute", "invert": "bitwise_not"}


_UFUNCS: dict[str, Any] = {}


def _ufunc(name: str) -> Any:
    if not _UFUNCS:  # gpucompute.numpy imports this module: look it up on first use
        from gpucompute.numpy import _ufuncs

        _UFUNCS.update(_ufuncs.UFUNCS)
        _UFUNCS["__operand_types__"] = _ufuncs.OPERAND_TYPES()
    return _UFUNCS[name]


def _accepts(value: Any) -> bool:
    """Whether ``value`` is a proxy the ufuncs take; other proxies may handle the operator themselves."""
    return not isinstance(value, Proxytype) or isinstance(value, _ufunc("__operand_types__"))


def _binary(ufunc_name: str, reflected: bool) -> Any:
    def method(self: Any, other: Any) -> Any:
        if not _accepts(other):
            return NotImplemented
        ufunc = _ufunc(ufunc_name)
        return ufunc(other, self) if reflected else ufunc(self, other)

    return method


def _unary(ufunc_name: str) -> Any:
    def method(self: Any) -> Any:
        return _ufunc(ufunc_name)(self)

    return method


def _pos(self: Any) -> Any:
    return type(self)._from_apply("wf.pos", self)


def _no_array(self: Any, *args: Any, **kwargs: Any) -> Any:
    raise RoutineNotSupportedError(
        f"a {type_name(self)} proxy has no value until it is computed, so NumPy cannot convert it; "
        "use the lazy wf.numpy routines (numpy.ma functions: wf.numpy.ma.<name>), "
        "or call .compute() first to get a NumPy array"
    )


class UfuncOperators:
    """Arithmetic, comparison and bitwise operators recorded as ``wf.numpy`` ufuncs."""

    __slots__ = ()
    __array__ = _no_array
    __pos__ = _pos
    __hash__ = object.__hash__


for _op, _name in OPERATORS.items():
    setattr(UfuncOperators, f"__{_op}__", _binary(_name, reflected=False))
    setattr(UfuncOperators, f"__r{_op}__", _binary(_name, reflected=True))
for _op, _name in COMPARISONS.items():
    setattr(UfuncOperators, f"__{_op}__", _binary(_name, reflected=False))
for _op, _name in UNARY_OPERATORS.items():
    setattr(UfuncOperators, f"__{_op}__", _unary(_name))


def _literal(value: Any) -> Any:
    """The JSON literal of a Python / NumPy number, or raise :class:`ProxyTypeError`."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating)):
        return float(value)
    raise ProxyTypeError(f"expected Scalar, got {type_name(value)} ({_short(value)})")


class Scalar(UfuncOperators, NumPyMixin, Proxytype):
    """A number produced by array routines (``arr.sum()``); computes to a NumPy scalar.

    Parameters
    ----------
    obj : int, float, bool or Int / Float / Bool / Scalar proxy
        The value; recorded as ``["wf.scalar.create", obj]``.
    """

    __slots__ = ()
    _compiled = True

    def __init__(self, obj: Any) -> None:
        from gpucompute.types.primitives import Bool, Number

        if not isinstance(obj, (Scalar, Number, Bool)):
            obj = _literal(obj)
        proxy = Scalar._from_apply("wf.scalar.create", obj)
        object.__setattr__(self, "graft", proxy.graft)
        object.__setattr__(self, "params", proxy.params)
        object.__setattr__(self, "_param_name", None)

    @classmethod
    def _promote(cls, value: Any) -> Scalar:
        from gpucompute.types.primitives import Bool, Number

        if isinstance(value, cls):
            return value
        if isinstance(value, (Number, Bool)):
            return cls._from_graft(value.graft, value.params)
        if isinstance(value, Proxytype):
            from gpucompute.types.anytype import Any as AnyProxy

            if isinstance(value, AnyProxy):
                return value.cast(cls)
            raise ProxyTypeError(f"expected Scalar, got {type_name(value)} ({_short(value)})")
        return cls._from_graft(client.value_graft(_literal(value)))

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value[()] if value.ndim == 0 else value
        if isinstance(value, (bool, int, float)):
            return np.asarray(value)[()]
        return value
