"""``Slice``: the proxy a Python ``slice`` becomes when it indexes a proxy (``wf.Slice.create``)."""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._ops import Param, call_builtin, init_from, reject_other_operators
from gpucompute.types.core import Proxytype, _short, type_name
from gpucompute.types.primitives import Int, NoneType

__all__ = ["Slice"]

_BOUND = (Int, NoneType)


class Slice(Proxytype):
    """A proxy ``slice(start, stop, step)``; each part is an ``Int`` or ``None``.

    The graft passes all three by keyword: ``["wf.Slice.create", {"start": .., "stop": .., "step": ..}]``.
    """

    __slots__ = ()

    def __init__(self, start: Any = None, stop: Any = None, step: Any = None) -> None:
        signature = [Param("start", _BOUND, None), Param("stop", _BOUND, None), Param("step", _BOUND, None)]
        proxy = call_builtin(
            "wf.Slice.create", Slice, self, (), signature, (), {"start": start, "stop": stop, "step": step}, "Slice"
        )
        init_from(self, proxy)

    @classmethod
    def from_slice(cls, obj: slice) -> Slice:
        """The proxy of a Python ``slice``."""
        return cls(obj.start, obj.stop, obj.step)

    @classmethod
    def _promote(cls, value: Any) -> Slice:
        if isinstance(value, cls):
            return value
        if isinstance(value, slice):
            return cls.from_slice(value)
        raise ProxyTypeError(f"expected Slice, got {type_name(value)} ({_short(value)})")

    @classmethod
    def _unmarshal(cls, value: Any) -> slice:
        if isinstance(value, slice):
            return value
        return slice(*value)


reject_other_operators(Slice)
