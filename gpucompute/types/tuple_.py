"""``Tuple[T1, T2, ...]``: a fixed-length proxy tuple with one type per position."""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._ops import attach_binary, init_from, reject_other_operators
from gpucompute.types.collection import check_element
from gpucompute.types.core import (
    GenericProxytype,
    Proxytype,
    _short,
    own_or_cast,
    promote,
    type_name,
)
from gpucompute.types.primitives import Bool, Int

__all__ = ["Tuple"]


class Tuple(GenericProxytype):
    """A proxy tuple: ``Tuple[Int, Str]((1, "a"))`` records ``["wf.tuple", ...]``.

    Indexing by a Python ``int`` (or a literal slice) keeps the per-position
    types; indexing by an ``Int`` proxy is allowed when every position has the
    same type.
    """

    __slots__ = ()
    _op_priority = 5

    def __init__(self, iterable: Any) -> None:
        cls = type(self)
        if cls._type_params is None:
            raise ProxyTypeError("Tuple needs its element types, e.g. wf.Tuple[wf.Int, wf.Str]((1, 'a'))")
        if isinstance(iterable, (Proxytype, str, bytes, dict)):
            raise ProxyTypeError(f"{type_name(cls)} takes a Python sequence, got {type_name(iterable)}")
        values = list(iterable)
        types = cls._type_params
        if len(values) != len(types):
            raise ProxyTypeError(f"{type_name(cls)} takes {len(types)} values, got {len(values)} ({_short(values)})")
        items = [check_element(v, t, type_name(cls), i) for i, (v, t) in enumerate(zip(values, types))]
        init_from(self, cls._from_apply("wf.tuple", *items))

    @classmethod
    def _promote(cls, value: Any) -> Any:
        promoted = own_or_cast(cls, value)
        if promoted is not None:
            return promoted
        if isinstance(value, (tuple, list)):
            if cls._type_params is None:
                from gpucompute.types.proxify import proxify

                return proxify(tuple(value))
            return cls(value)
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")

    @classmethod
    def _unmarshal(cls, value: Any) -> tuple:
        types = cls._type_params or ()
        if len(types) != len(value):
            return tuple(value)
        return tuple(t._unmarshal(v) for t, v in zip(types, value))

    def __getitem__(self, index: Any) -> Any:
        """``t[0]`` has the type of position 0; ``t[1:]`` is a ``Tuple`` of the remaining types (``wf.get``)."""
        from gpucompute.types.slice_ import Slice

        types = type(self)._type_params
        where = f"{type_name(self)}[]"
        if isinstance(index, bool):
            raise ProxyTypeError(f"{where}: expected Int or slice, got bool ({index!r})")
        if isinstance(index, int):
            try:
                result = types[index]
            except IndexError:
                raise ProxyTypeError(f"{where}: index {index} is out of range for {len(types)} elements") from None
            return result._from_apply("wf.get", self, index)
        if isinstance(index, slice) and all(isinstance(p, (int, type(None))) for p in (index.start, index.stop, index.step)):
            return Tuple[tuple(types[index])]._from_apply("wf.get", self, Slice._promote(index))
        idx = promote(index, (Int, Slice), where)
        if isinstance(idx, Int) and len(set(types)) == 1:
            return types[0]._from_apply("wf.get", self, idx)
        raise ProxyTypeError(
            f"{where}: a {type_name(idx)} proxy index is only allowed when all positions have one type; "
            "index with a Python int instead"
        )

    def length(self) -> Int:
        """The number of elements, as an ``Int`` (``wf.length``)."""
        return Int._from_apply("wf.length", self)


def _concat_type(self: Any, other: Any) -> type:
    return Tuple[tuple(type(self)._type_params) + tuple(type(other)._type_params)]


def _rconcat_type(self: Any, other: Any) -> type:
    return Tuple[tuple(type(other)._type_params) + tuple(type(self)._type_params)]


attach_binary(
    Tuple,
    [("__add__", "wf.add", Tuple, _concat_type), ("__radd__", "wf.add", Tuple, _rconcat_type)]
    + [(f"__{op}__", f"wf.{op}", lambda s: (type(s),), Bool) for op in ("lt", "le", "gt", "ge", "eq", "ne")],
)
reject_other_operators(Tuple)
