"""Primitive proxy types: ``Int``, ``Float``, ``Bool``, ``Str`` and ``NoneType``.

Python literals become graft literals (``wf.Int(1).graft == {"0": 1, ...}``);
NumPy scalars are accepted too (``np.int64`` -> ``Int``, ``np.float32`` ->
``Float``, ``np.bool_`` -> ``Bool``).  A proxy number never changes kind
implicitly: ``Int(Float(x))`` is an explicit ``wf.Int.cast``.  In arithmetic
the result is ``Float`` when either operand is a ``Float`` (``_binop_result``).

Arithmetic, comparisons and all ``Bool`` operators record NumPy ufuncs
(``wf.numpy.add``, ``wf.numpy.less``, ``wf.numpy.logical_and`` ...); integer
bitwise operators, ``divmod`` and unary ``+`` use ``wf.and`` ... ``wf.pos``.

``Str`` lives in :mod:`gpucompute.types.string` and is re-exported here.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from gpucompute.errors import ProxyTypeError
from gpucompute.graft import client
from gpucompute.types._ops import (
    attach_binary,
    attach_unary,
    init_from,
    reject_other_operators,
)
from gpucompute.types.core import NumPyMixin, Proxytype, _short, type_name

__all__ = ["Primitive", "NoneType", "Bool", "Number", "Int", "Float", "Str"]  # noqa: F822 (Str: module __getattr__)


class Primitive(Proxytype):
    """A proxy for a Python scalar value (``int``, ``float``, ``bool``, ``str``, ``None``)."""

    __slots__ = ()
    _op_priority = 0

    def __init__(self, obj: Any) -> None:
        init_from(self, type(self)._promote(obj))

    @classmethod
    def _literal(cls, value: Any) -> Any:
        """The JSON literal for a Python value of this type; raise :class:`ProxyTypeError` otherwise."""
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")

    @classmethod
    def _promote(cls, value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, Proxytype):
            raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")
        return cls._from_graft(client.value_graft(cls._literal(value)))


class NoneType(Primitive):
    """The proxy for ``None``."""

    __slots__ = ()

    def __init__(self, obj: Any = None) -> None:
        super().__init__(obj)

    @classmethod
    def _literal(cls, value: Any) -> Any:
        if value is None:
            return None
        return super()._literal(value)

    @classmethod
    def _unmarshal(cls, value: Any) -> None:
        return None


def _scalar(value: Any) -> Any:
    """A 0-d array from the engine as a NumPy scalar; anything else unchanged."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


class Bool(NumPyMixin, Primitive):
    """A proxy boolean.  ``& | ^ ~ == !=`` record ``wf.numpy.logical_*`` / ``equal`` / ``not_equal``."""

    __slots__ = ()
    _op_priority = 1
    _is_scalar_primitive = True

    @classmethod
    def _literal(cls, value: Any) -> Any:
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        return super()._literal(value)

    @classmethod
    def _unmarshal(cls, value: Any) -> bool:
        return bool(_scalar(value))


class Number(NumPyMixin, Primitive):
    """Base of ``Int`` and ``Float``; ``Number._promote`` accepts either."""

    __slots__ = ()
    _is_scalar_primitive = True

    def __init__(self, obj: Any) -> None:
        if type(self) is Number:
            raise ProxyTypeError("Number is abstract; construct wf.Int(...) or wf.Float(...)")
        super().__init__(obj)

    @classmethod
    def _promote(cls, value: Any) -> Any:
        if cls is Number:
            if isinstance(value, Number):
                return value
            for kind in (Int, Float):
                try:
                    return kind._promote(value)
                except ProxyTypeError:
                    pass
            raise ProxyTypeError(f"expected Int or Float, got {type_name(value)} ({_short(value)})")
        return super()._promote(value)


def _cast_or_literal(cls: type, obj: Any, castable: tuple[type, ...]) -> Proxytype:
    """Public constructor of Int/Float: same type as is, literals promoted, other kinds cast."""
    from gpucompute.types.anytype import Any as AnyProxy

    if isinstance(obj, cls):
        return obj
    if isinstance(obj, AnyProxy):
        return cls._from_graft(obj.graft, obj.params)
    try:
        return cls._promote(obj)
    except ProxyTypeError:
        pass
    for kind in castable:
        try:
            source = kind._promote(obj)
        except ProxyTypeError:
            continue
        return cls._from_apply(f"wf.{cls.__name__}.cast", source)
    raise ProxyTypeError(
        f"wf.{cls.__name__}() cannot convert {type_name(obj)} ({_short(obj)}); "
        f"give an int, float, numeric str or an Int/Float/Bool/Str proxy"
    )


class Int(Number):
    """A proxy integer.  ``Int(Float(x))`` / ``Int(Str(s))`` record ``wf.Int.cast``."""

    __slots__ = ()
    _op_priority = 2

    def __init__(self, obj: Any) -> None:
        from gpucompute.types.string import Str

        init_from(self, _cast_or_literal(Int, obj, (Float, Str, Bool)))

    @classmethod
    def _literal(cls, value: Any) -> Any:
        if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, np.bool_):
            return int(value)
        return super()._literal(value)

    @classmethod
    def _unmarshal(cls, value: Any) -> int:
        return int(_scalar(value))


class Float(Number):
    """A proxy float.  Python ints promote to it; ``Float(Int(x))`` records ``wf.Float.cast``."""

    __slots__ = ()
    _op_priority = 3

    def __init__(self, obj: Any) -> None:
        from gpucompute.types.string import Str

        init_from(self, _cast_or_literal(Float, obj, (Int, Str, Bool)))

    @classmethod
    def _literal(cls, value: Any) -> Any:
        if isinstance(value, (numbers.Real, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
            return float(value)
        return super()._literal(value)

    @classmethod
    def _unmarshal(cls, value: Any) -> float:
        return float(_scalar(value))


def _binop_result(self: Any, other: Any) -> type:
    """``Float`` when either operand is a ``Float``, else ``Int``."""
    return Float if isinstance(self, Float) or isinstance(other, Float) else Int


def _number_operands(self: Any) -> tuple[type, ...]:
    return (Int, Float)


_ARITHMETIC = [
    ("add", "wf.numpy.add", _binop_result),
    ("sub", "wf.numpy.subtract", _binop_result),
    ("mul", "wf.numpy.multiply", _binop_result),
    ("truediv", "wf.numpy.true_divide", Float),
    ("floordiv", "wf.numpy.floor_divide", _binop_result),
    ("mod", "wf.numpy.remainder", _binop_result),
    ("pow", "wf.numpy.power", _binop_result),
]
_COMPARISONS = [
    ("lt", "wf.numpy.less"),
    ("le", "wf.numpy.less_equal"),
    ("gt", "wf.numpy.greater"),
    ("ge", "wf.numpy.greater_equal"),
    ("eq", "wf.numpy.equal"),
    ("ne", "wf.numpy.not_equal"),
]
_INT_BITWISE = [("and", "wf.and"), ("or", "wf.or"), ("xor", "wf.xor"), ("lshift", "wf.lshift"), ("rshift", "wf.rshift")]
_BOOL_LOGICAL = [("and", "wf.numpy.logical_and"), ("or", "wf.numpy.logical_or"), ("xor", "wf.numpy.logical_xor")]


def _divmod_result(self: Any, other: Any) -> type:
    from gpucompute.types.containers import Tuple

    kind = _binop_result(self, other)
    return Tuple[kind, kind]


def _both_ways(rows: list[tuple[str, str, Any, Any]]) -> list[tuple[str, str, Any, Any]]:
    out = []
    for name, builtin, operands, result in rows:
        out.append((f"__{name}__", builtin, operands, result))
        out.append((f"__r{name}__", builtin, operands, result))
    return out


attach_binary(
    Number,
    _both_ways([(n, b, _number_operands, r) for n, b, r in _ARITHMETIC])
    + _both_ways([("divmod", "wf.divmod", _number_operands, _divmod_result)])
    + [(f"__{n}__", b, _number_operands, Bool) for n, b in _COMPARISONS],
)
attach_unary(
    Number,
    [
        ("__neg__", "wf.numpy.negative", lambda self: type(self)),
        ("__pos__", "wf.pos", lambda self: type(self)),
        ("__abs__", "wf.numpy.absolute", lambda self: type(self)),
    ],
)
attach_binary(Int, _both_ways([(n, b, Int, Int) for n, b in _INT_BITWISE]))
attach_unary(Int, [("__invert__", "wf.invert", Int)])
attach_binary(
    Bool,
    _both_ways([(n, b, Bool, Bool) for n, b in _BOOL_LOGICAL])
    + [("__eq__", "wf.numpy.equal", Bool, Bool), ("__ne__", "wf.numpy.not_equal", Bool, Bool)],
)
attach_unary(Bool, [("__invert__", "wf.numpy.logical_not", Bool)])

for _cls in (NoneType, Bool, Number, Int, Float):
    reject_other_operators(_cls)


def __getattr__(name: str) -> Any:
    # Str is defined in its own module, which itself needs Int and Bool from here.
    if name == "Str":
        from gpucompute.types.string import Str

        return Str
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
