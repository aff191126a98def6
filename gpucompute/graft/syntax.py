"""Predicates that classify the pieces of a graft.

A graft is a JSON object mapping keys to expressions, with a ``"returns"``
entry naming the result and an optional ``"parameters"`` list. The format is
described in ``gpucompute/graft/spec.md``; this module only answers "what kind
of thing is this?" and never raises. :func:`gpucompute.graft.validate.validate`
turns the same rules into errors that point at the offending key.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterable
from typing import Any

__all__ = [
    "REDUCE_INITIAL_DEFAULT",
    "PRIMITIVE_TYPES",
    "RESERVED_WORDS",
    "is_application",
    "is_finite_number",
    "is_function_graft",
    "is_graft",
    "is_guid_key",
    "is_key",
    "is_literal",
    "is_quoted_json",
    "json_pointer",
    "short_repr",
]

#: Entries of a graft body that are not keys.
RESERVED_WORDS = frozenset({"returns", "parameters"})
#: The literal the clients send as ``reduce``'s ``initial`` when none was given (part of the wire format).
REDUCE_INITIAL_DEFAULT = "__NO_INITIAL_REDUCE_VALUE__"

#: The Python types a literal expression may have.
PRIMITIVE_TYPES = (str, int, float, bool, type(None))

_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlist = 8
_repr.maxdict = 8
_repr.maxlevel = 3


def short_repr(value: Any) -> str:
    """The ``repr`` of `value`, shortened so a huge quoted array stays readable in a message."""
    return _repr.repr(value)


def json_pointer(path: Iterable[str]) -> str:
    """Render a sequence of keys as a JSON pointer (``/114/113``); the top level is ``/``.

    ``~`` and ``/`` inside a key are escaped as ``~0`` and ``~1`` (RFC 6901).
    """
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts)


def is_key(obj: Any) -> bool:
    """True if `obj` can name an entry of a graft: a non-empty str that is not a reserved word."""
    return type(obj) is str and obj != "" and obj not in RESERVED_WORDS


def is_guid_key(obj: Any) -> bool:
    """True if `obj` is a key made by the guid counter: the decimal text of an int above zero.

    Builtin names (``"wf.add"``) and parameter names (``"img"``) are keys but not
    guid keys. Following the original client, ``"0"`` is not a guid key either.
    """
    return is_key(obj) and obj.isascii() and obj.isdigit() and int(obj) > 0


def is_literal(obj: Any) -> bool:
    """True if `obj` is a literal expression: a str, int, float, bool or None.

    Non-finite floats pass this structural test; they are not JSON and
    :func:`~gpucompute.graft.validate.validate` rejects them.
    """
    return isinstance(obj, PRIMITIVE_TYPES)


def is_quoted_json(obj: Any) -> bool:
    """True if `obj` is quoted JSON: a one-element list wrapping a list or a dict."""
    return type(obj) is list and len(obj) == 1 and isinstance(obj[0], (list, dict))


def is_application(obj: Any) -> bool:
    """True if `obj` is an application ``["fn", "argkey", ..., {"kw": "argkey"}]``.

    The head and every positional argument are keys (str); an optional last
    element is a dict from keyword names to keys.
    """
    if type(obj) is not list or not obj or type(obj[0]) is not str:
        return False
    args = obj[1:]
    if args and isinstance(args[-1], dict):
        kwargs = args.pop()
        if not all(type(k) is str and type(v) is str for k, v in kwargs.items()):
            return False
    return all(type(a) is str for a in args)


def is_graft(obj: Any) -> bool:
    """True if `obj` looks like a graft: a dict with a ``"returns"`` entry."""
    return isinstance(obj, dict) and "returns" in obj


def is_function_graft(obj: Any) -> bool:
    """True if `obj` is a graft that also declares ``"parameters"`` (a function)."""
    return is_graft(obj) and "parameters" in obj


def is_finite_number(obj: Any) -> bool:
    """True unless `obj` is a float that is NaN or infinite (which JSON cannot carry)."""
    return not isinstance(obj, float) or math.isfinite(obj)
