"""``Any``: a proxy whose type is not known when the graph is built.

Unknown metadata (``image.properties["foo"]``) is ``Any``.  It accepts every
operator (recorded with the generic ``wf.*`` operator builtins), indexing
(``wf.get``), attribute access (``wf.getattr``) and calls, and
``cast(cls)`` re-types it without changing the graft.
"""

from __future__ import annotations

from typing import Any as _Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._ops import (
    attach_binary,
    attach_unary,
    init_from,
    reject_other_operators,
)
from gpucompute.types.core import Proxytype, is_concrete
from gpucompute.types.primitives import Bool, Int

__all__ = ["Any"]


class Any(Proxytype):
    """A dynamically typed proxy.

    Parameters
    ----------
    value
        A proxy (re-typed as ``Any``) or a JSON-like Python value.

    Examples
    --------
    >>> x = Any(2)
    >>> type(x.cast(Int)).__name__
    'Int'
    """

    __slots__ = ()
    _op_priority = 1000

    def __init__(self, value: _Any) -> None:
        init_from(self, Any._promote(value))

    @classmethod
    def _promote(cls, value: _Any) -> Any:
        if isinstance(value, Any):
            return value
        if not isinstance(value, Proxytype):
            from gpucompute.types.proxify import proxify

            value = proxify(value)
        return Any._from_graft(value.graft, value.params)

    def cast(self, cls: type) -> _Any:
        """This value as a ``cls`` proxy: the graft is unchanged, only the Python-side type differs.

        Raises
        ------
        ProxyTypeError
            If ``cls`` is not a concrete proxy type.
        """
        if not (isinstance(cls, type) and issubclass(cls, Proxytype)) or not is_concrete(cls):
            raise ProxyTypeError(f"Any.cast needs a concrete proxy type such as wf.Int or wf.List[wf.Str], got {cls!r}")
        return cls._from_graft(self.graft, self.params)

    def __getitem__(self, item: _Any) -> Any:
        """``x[item]`` as ``wf.get``."""
        return Any._from_apply("wf.get", self, Any._promote(_slice_or(item)))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(
                f"'Any' proxy has no attribute {name!r}; cast it to its real type with .cast(wf.SomeType)"
            )
        return Any._from_apply("wf.getattr", self, name)

    def __call__(self, *args: _Any, **kwargs: _Any) -> Any:
        """Apply this value (which must be a function when computed) to the arguments."""
        return Any._from_apply(
            self, *(Any._promote(a) for a in args), **{k: Any._promote(v) for k, v in kwargs.items()}
        )

    def contains(self, item: _Any) -> Bool:
        """Whether ``item`` is in this value (``wf.contains``)."""
        return Bool._from_apply("wf.contains", self, Any._promote(item))

    def length(self) -> Int:
        """The length of this value (``wf.length``)."""
        return Int._from_apply("wf.length", self)

    def __reversed__(self) -> Any:
        """``reversed(x)`` as ``wf.reversed`` (lazy, unlike iteration)."""
        return Any._from_apply("wf.reversed", self)


def _slice_or(item: _Any) -> _Any:
    if isinstance(item, slice):
        from gpucompute.types.slice_ import Slice

        return Slice.from_slice(item)
    return item


def _divmod_type(self: _Any, other: _Any) -> type:
    from gpucompute.types.tuple_ import Tuple

    return Tuple[Any, Any]


_ARITH = [
    ("add", "wf.add", "wf.add"),
    ("sub", "wf.sub", "wf.sub"),
    ("mul", "wf.mul", "wf.mul"),
    ("truediv", "wf.div", "wf.truediv"),
    ("floordiv", "wf.floordiv", "wf.floordiv"),
    ("mod", "wf.mod", "wf.mod"),
    ("pow", "wf.pow", "wf.pow"),
    ("and", "wf.and", "wf.and"),
    ("or", "wf.or", "wf.or"),
    ("xor", "wf.xor", "wf.xor"),
    ("lshift", "wf.lshift", "wf.lshift"),
    ("rshift", "wf.rshift", "wf.rshift"),
]
attach_binary(
    Any,
    [(f"__{n}__", fwd, Any, Any) for n, fwd, _ in _ARITH]
    + [(f"__r{n}__", rev, Any, Any) for n, _, rev in _ARITH]
    + [("__divmod__", "wf.divmod", Any, _divmod_type), ("__rdivmod__", "wf.divmod", Any, _divmod_type)]
    + [(f"__{op}__", f"wf.{op}", Any, Bool) for op in ("lt", "le", "gt", "ge", "eq", "ne")],
)
attach_unary(
    Any,
    [("__neg__", "wf.neg", Any), ("__pos__", "wf.pos", Any), ("__abs__", "wf.abs", Any), ("__invert__", "wf.invert", Any)],
)
reject_other_operators(Any)
