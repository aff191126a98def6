"""``wf.Str.<method>``: the 33 ``str`` methods, from one table.

Arguments with defaults arrive by keyword; they are passed to the ``str``
method positionally in the order of :data:`OPTIONAL_ARGUMENTS` because
several ``str`` methods (``center``, ``strip`` ...) take no keywords.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gpucompute.execution.builtins_core import scalar
from gpucompute.graft.registry import BUILTINS

__all__ = ["OPTIONAL_ARGUMENTS"]

#: method -> the names of its optional arguments, in ``str``'s positional order.
OPTIONAL_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "capitalize": (),
    "center": ("fillchar",),
    "count": (),
    "endswith": (),
    "expandtabs": ("tabsize",),
    "find": (),
    "format": (),
    "isalnum": (),
    "isalpha": (),
    "isdigit": (),
    "islower": (),
    "isspace": (),
    "istitle": (),
    "isupper": (),
    "join": (),
    "ljust": ("fillchar",),
    "lower": (),
    "lstrip": ("chars",),
    "partition": (),
    "replace": ("count",),
    "rfind": (),
    "rjust": ("fillchar",),
    "rpartition": (),
    "rsplit": ("sep", "maxsplit"),
    "rstrip": ("chars",),
    "split": ("sep", "maxsplit"),
    "splitlines": ("keepends",),
    "startswith": (),
    "strip": ("chars",),
    "swapcase": (),
    "title": (),
    "upper": (),
    "zfill": (),
}


def _method(name: str, optional: tuple[str, ...]) -> Callable[..., Any]:
    unbound = getattr(str, name)

    def apply(s: str, *args: Any, **kwargs: Any) -> Any:
        unknown = set(kwargs) - set(optional)
        if unknown:
            raise TypeError(f"wf.Str.{name} got unexpected keyword argument(s) {sorted(unknown)}")
        values = [scalar(a) for a in args]
        count = max((optional.index(n) + 1 for n in kwargs), default=0)
        missing = [n for n in optional[:count] if n not in kwargs]
        if missing:
            raise TypeError(f"wf.Str.{name}: give {missing} too; str.{name} takes its arguments by position")
        values += [scalar(kwargs[n]) for n in optional[:count]]
        return unbound(s, *values)

    apply.__name__ = f"Str_{name}"
    apply.__doc__ = f"``str.{name}``."
    return apply


def _format(s: str, *args: Any, **kwargs: Any) -> str:
    return s.format(*(scalar(a) for a in args), **{k: scalar(v) for k, v in kwargs.items()})


def _join(s: str, strings: Any) -> str:
    return s.join(strings)


for _name, _optional in OPTIONAL_ARGUMENTS.items():
    _special = {"format": _format, "join": _join}.get(_name)
    BUILTINS.add(f"wf.Str.{_name}", _special or _method(_name, _optional))
