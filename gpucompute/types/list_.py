"""``List[T]``: a proxy list whose elements all have the proxy type ``T``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._ops import attach_binary, init_from, reject_other_operators
from gpucompute.types.collection import CollectionMixin, check_element
from gpucompute.types.core import (
    GenericProxytype,
    Proxytype,
    _short,
    own_or_cast,
    promote,
    type_name,
)
from gpucompute.types.primitives import Bool, Int

__all__ = ["List"]


def _is_sequence_literal(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, (str, bytes, dict, Proxytype))


class List(CollectionMixin, GenericProxytype):
    """A proxy list: ``List[Int]([1, 2, 3])`` records ``["wf.list", ...]``.

    Parameters
    ----------
    iterable
        Python values or proxies, each promoted to the element type; or another
        ``List`` of the same type, which is copied (``wf.list.copy``).

    Raises
    ------
    ProxyTypeError
        Naming the first element that is not of the element type.
    """

    __slots__ = ()
    _op_priority = 5

    def __init__(self, iterable: Any = ()) -> None:
        cls = type(self)
        if cls._type_params is None:
            raise ProxyTypeError("List needs an element type, e.g. wf.List[wf.Int]([1, 2, 3])")
        if isinstance(iterable, List):
            if not isinstance(iterable, cls):
                raise ProxyTypeError(f"{type_name(cls)}: cannot copy a {type_name(iterable)}")
            init_from(self, cls._from_apply("wf.list.copy", iterable))
            return
        if not _is_sequence_literal(iterable):
            raise ProxyTypeError(
                f"{type_name(cls)} takes an iterable of elements, got {type_name(iterable)} ({_short(iterable)})"
            )
        element = cls._type_params[0]
        where = type_name(cls)
        items = [check_element(v, element, where, i) for i, v in enumerate(iterable)]
        init_from(self, cls._from_apply("wf.list", *items))

    @classmethod
    def _promote(cls, value: Any) -> Any:
        promoted = own_or_cast(cls, value)
        if promoted is not None:
            return promoted
        if cls._type_params is None:
            if isinstance(value, List):
                return value
            if _is_sequence_literal(value):
                from gpucompute.types.proxify import proxify

                return proxify(list(value))
        elif _is_sequence_literal(value):
            return cls(value)
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")

    @classmethod
    def _unmarshal(cls, value: Any) -> list:
        element = cls._type_params[0] if cls._type_params else None
        if element is None:
            return list(value)
        return [element._unmarshal(v) for v in value]

    def __getitem__(self, index: Any) -> Any:
        """``lst[i]`` gives an element, ``lst[a:b]`` a ``List`` of the same type (``wf.get``)."""
        from gpucompute.types.slice_ import Slice

        where = f"{type_name(self)}[]"
        idx = promote(index, (Int, Slice), where)
        result = type(self) if isinstance(idx, Slice) else self._element_type
        return result._from_apply("wf.get", self, idx)


def _same_list(self: Any) -> tuple[type, ...]:
    return (type(self),)


attach_binary(
    List,
    [
        ("__add__", "wf.add", _same_list, lambda s, o: type(s)),
        ("__radd__", "wf.add", _same_list, lambda s, o: type(s)),
        ("__mul__", "wf.mul", Int, lambda s, o: type(s)),
        ("__rmul__", "wf.mul", Int, lambda s, o: type(s)),
    ]
    + [(f"__{op}__", f"wf.{op}", _same_list, Bool) for op in ("lt", "le", "gt", "ge", "eq", "ne")],
)
reject_other_operators(List)
