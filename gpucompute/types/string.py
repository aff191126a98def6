"""``Str``: a proxy string with Python's ``str`` methods, each recorded as ``wf.Str.<name>``.

The 33 methods come from one table of ``name -> (parameters, result type)``;
parameters with defaults travel by keyword with the default filled in.
Operators: ``+`` (``wf.add``), ``*`` by an ``Int`` (``wf.mul``), comparisons
(``wf.lt`` ...), indexing and slicing (``wf.get``), plus ``length()``,
``contains(sub)`` and ``reversed()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gpucompute.types._ops import (
    REQUIRED,
    Param,
    attach_binary,
    call_builtin,
    reject_other_operators,
)
from gpucompute.types.primitives import Bool, Int, NoneType, Primitive

__all__ = ["Str", "STR_METHODS"]


class Str(Primitive):
    """A proxy ``str``.

    Examples
    --------
    >>> import gpucompute.types.string as s
    >>> s.Str("a-b").split("-").compute()  # doctest: +SKIP
    ['a', 'b']
    """

    __slots__ = ()
    _op_priority = 4

    @classmethod
    def _literal(cls, value: Any) -> Any:
        if isinstance(value, (str, np.str_)):
            return str(value)
        return super()._literal(value)

    @classmethod
    def _unmarshal(cls, value: Any) -> str:
        return str(value)

    def __getitem__(self, index: Any) -> Str:
        """``s[i]`` or ``s[a:b]`` as ``wf.get``; both give a ``Str``."""
        from gpucompute.types.containers import Slice

        return call_builtin("wf.get", Str, self, (self,), [Param("index", (Int, Slice))], (index,), {}, "Str[]")

    def length(self) -> Int:
        """The number of characters, as an ``Int`` (``wf.length``)."""
        return Int._from_apply("wf.length", self)

    def contains(self, sub: Any) -> Bool:
        """Whether ``sub`` occurs in this string (``wf.contains``)."""
        return call_builtin("wf.contains", Bool, self, (self,), [Param("sub", Str)], (sub,), {}, "Str.contains")

    def reversed(self) -> Str:
        """The characters in reverse order (``wf.reversed``)."""
        return Str._from_apply("wf.reversed", self)

    def format(self, *args: Any, **kwargs: Any) -> Str:
        """``str.format`` with proxies or Python values as the arguments (``wf.Str.format``)."""
        from gpucompute.types.proxify import proxify

        return Str._from_apply(
            "wf.Str.format", self, *(proxify(a) for a in args), **{k: proxify(v) for k, v in kwargs.items()}
        )

    def join(self, strings: Any) -> Str:
        """Join a ``List[Str]`` (or a Python sequence of strings) with this string (``wf.Str.join``)."""
        from gpucompute.types.containers import List

        return call_builtin(
            "wf.Str.join", Str, self, (self,), [Param("strings", List[Str])], (strings,), {}, "Str.join"
        )


def _list_of_str(owner: Any) -> type:
    from gpucompute.types.containers import List

    return List[Str]


def _triple(owner: Any) -> type:
    from gpucompute.types.containers import Tuple

    return Tuple[Str, Str, Str]


_OPT_STR = (Str, NoneType)
_WIDTH_FILL = [Param("width", Int), Param("fillchar", Str, " ")]
_SPLIT = [Param("sep", _OPT_STR, None), Param("maxsplit", Int, -1)]

#: name -> (parameters after the receiver, result type or ``callable(owner) -> type``);
#: ``format`` and ``join`` are written out above because they take variadic or list arguments.
STR_METHODS: dict[str, tuple[list[Param], Any]] = {
    "capitalize": ([], Str),
    "center": (_WIDTH_FILL, Str),
    "count": ([Param("sub", Str)], Int),
    "endswith": ([Param("suffix", Str)], Bool),
    "expandtabs": ([Param("tabsize", Int, 8)], Str),
    "find": ([Param("sub", Str)], Int),
    "format": (None, Str),
    "isalnum": ([], Bool),
    "isalpha": ([], Bool),
    "isdigit": ([], Bool),
    "islower": ([], Bool),
    "isspace": ([], Bool),
    "istitle": ([], Bool),
    "isupper": ([], Bool),
    "join": (None, Str),
    "ljust": (_WIDTH_FILL, Str),
    "lower": ([], Str),
    "lstrip": ([Param("chars", _OPT_STR, None)], Str),
    "partition": ([Param("sep", Str)], _triple),
    "replace": ([Param("old", Str), Param("new", Str), Param("count", Int, -1)], Str),
    "rfind": ([Param("sub", Str)], Int),
    "rjust": (_WIDTH_FILL, Str),
    "rpartition": ([Param("sep", Str)], _triple),
    "rsplit": (_SPLIT, _list_of_str),
    "rstrip": ([Param("chars", _OPT_STR, None)], Str),
    "split": (_SPLIT, _list_of_str),
    "splitlines": ([Param("keepends", Bool, False)], _list_of_str),
    "startswith": ([Param("prefix", Str)], Bool),
    "strip": ([Param("chars", _OPT_STR, None)], Str),
    "swapcase": ([], Str),
    "title": ([], Str),
    "upper": ([], Str),
    "zfill": ([Param("width", Int)], Str),
}


def _method(name: str, signature: list[Param], result: Any) -> Callable:
    def method(self: Str, *args: Any, **kwargs: Any) -> Any:
        out = result if isinstance(result, type) else result(self)
        return call_builtin(f"wf.Str.{name}", out, self, (self,), signature, args, kwargs, f"Str.{name}")

    method.__name__ = name
    params = ", ".join(p.name if p.default is REQUIRED else f"{p.name}={p.default!r}" for p in signature)
    method.__doc__ = f"Python's ``str.{name}({params})``, recorded as ``wf.Str.{name}``."
    return method


for _name, (_signature, _result) in STR_METHODS.items():
    if _signature is not None:
        setattr(Str, _name, _method(_name, _signature, _result))

attach_binary(
    Str,
    [
        ("__add__", "wf.add", Str, Str),
        ("__radd__", "wf.add", Str, Str),
        ("__mul__", "wf.mul", Int, Str),
        ("__rmul__", "wf.mul", Int, Str),
    ]
    + [(f"__{op}__", f"wf.{op}", Str, Bool) for op in ("lt", "le", "gt", "ge", "eq", "ne")],
)
reject_other_operators(Str)
