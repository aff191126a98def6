"""The container proxy types in one place, plus ``range``, ``zip`` and ``Ellipsis``.

``List``, ``Tuple``, ``Dict``, ``KnownDict``, ``Struct`` and ``Slice`` live in
their own modules and are re-exported here.
"""

from __future__ import annotations

import builtins
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._ops import reject_other_operators
from gpucompute.types.collection import CollectionMixin
from gpucompute.types.core import Proxytype, promote, type_name
from gpucompute.types.dict_ import Dict, KnownDict
from gpucompute.types.list_ import List
from gpucompute.types.primitives import Int, NoneType
from gpucompute.types.slice_ import Slice
from gpucompute.types.struct import Struct
from gpucompute.types.tuple_ import Tuple

__all__ = [
    "List",
    "Tuple",
    "Dict",
    "KnownDict",
    "Struct",
    "Slice",
    "CollectionMixin",
    "range",
    "zip",
    "EllipsisType",
    "Ellipsis",
]


def range(start: Any = None, stop: Any = None, step: Any = 1) -> List:
    """A ``List[Int]`` like Python's ``range`` (``wf.range``).

    ``range(stop)`` records ``["wf.range", stop]``; ``range(start, stop, step)``
    records ``["wf.range", start, stop, {"step": step}]``.

    Raises
    ------
    ProxyTypeError
        Without a stop value, or for non-integer bounds.
    """
    bound = (Int, NoneType)
    start_p = promote(start, bound, "range() argument 'start'")
    stop_p = promote(stop, bound, "range() argument 'stop'")
    step_p = promote(step, Int, "range() argument 'step'")
    if isinstance(stop_p, NoneType):
        if isinstance(start_p, NoneType):
            raise ProxyTypeError("range() needs a stop value, e.g. wf.range(10)")
        return List[Int]._from_apply("wf.range", start_p)
    if isinstance(start_p, NoneType):
        start_p = Int(0)
    return List[Int]._from_apply("wf.range", start_p, stop_p, step=step_p)


def zip(*lists: Any) -> List:
    """A ``List`` of ``Tuple``: the i-th elements of every list together, as long as the shortest (``wf.zip``)."""
    if not lists:
        raise ProxyTypeError("zip() needs at least one List")
    proxies = []
    for i, seq in builtins.enumerate(lists):
        lst = promote(seq, List, f"zip() argument {i}")
        proxies.append(lst)
    element = Tuple[tuple(lst._element_type for lst in proxies)]
    return List[element]._from_apply("wf.zip", *proxies)


class EllipsisType(Proxytype):
    """The proxy of ``...`` in an index: the keyref builtin ``wf.Ellipsis``."""

    __slots__ = ()

    def __init__(self) -> None:
        from gpucompute.graft import client

        object.__setattr__(self, "graft", client.keyref_graft("wf.Ellipsis"))
        object.__setattr__(self, "params", ())
        object.__setattr__(self, "_param_name", None)

    @classmethod
    def _promote(cls, value: Any) -> EllipsisType:
        if isinstance(value, cls):
            return value
        if value is builtins.Ellipsis:
            return cls()
        raise ProxyTypeError(f"expected Ellipsis, got {type_name(value)}")

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        return builtins.Ellipsis


reject_other_operators(EllipsisType)
Ellipsis = EllipsisType()
