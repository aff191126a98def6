"""Check a whole graft against the format, and read and write grafts as JSON.

:func:`validate` walks every expression, nested functions included, and raises
:class:`~gpucompute.errors.GraftSyntaxError` at the first thing that breaks the
format, naming where it is (a JSON pointer such as ``/114/113``) and showing
the offending value. When given the set of builtin names it also checks that
every reference resolves, raising :class:`~gpucompute.errors.GraftNameError`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Container
from typing import Any

from gpucompute.errors import GraftNameError, GraftSyntaxError
from gpucompute.graft.syntax import (
    PRIMITIVE_TYPES,
    RESERVED_WORDS,
    is_finite_number,
    json_pointer,
    short_repr,
)

__all__ = ["dumps", "loads", "validate"]

_FORMS = (
    "a literal (str, int, float, bool, None), quoted JSON ([<list or dict>]), "
    "an application ([\"fn\", \"argkey\", ..., {\"kw\": \"argkey\"}]) or a function ({\"returns\": ...})"
)


def _at(path: tuple[str, ...]) -> str:
    return f"graft key {json_pointer(path)}" if path else "graft (top level)"


def _fail(path: tuple[str, ...], what: str) -> GraftSyntaxError:
    return GraftSyntaxError(f"{_at(path)}: {what}")


class _Scope:
    """The names one graft body defines, and the body that encloses it."""

    __slots__ = ("names", "parent", "path")

    def __init__(self, names: set[str], parent: _Scope | None, path: tuple[str, ...]) -> None:
        self.names = names
        self.parent = parent
        self.path = path

    def defines(self, name: str) -> bool:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return True
            scope = scope.parent
        return False

    def all_names(self) -> set[str]:
        out: set[str] = set()
        scope: _Scope | None = self
        while scope is not None:
            out |= scope.names
            scope = scope.parent
        return out


def validate(graft: Any, builtins: Container[str] | None = None) -> None:
    """Raise if `graft` is not a well-formed graft.

    Parameters
    ----------
    graft : dict
        The graft to check, as parsed from JSON.
    builtins : Container of str, optional
        Names of the builtins the graft may call. When given, every reference
        (application heads, arguments, ``"returns"``) must name a key of the
        body, of an enclosing body, a parameter, or one of these. When None
        (the default), references are not checked.

    Raises
    ------
    GraftSyntaxError
        The first violation of the format, naming its key path and value.
    GraftNameError
        A reference that resolves to nothing (only when `builtins` is given).
    """
    if not isinstance(graft, dict):
        raise GraftSyntaxError(
            f"a graft must be a dict (JSON object) with a 'returns' key, got {type(graft).__name__} "
            f"{short_repr(graft)}"
        )
    pending: list[tuple[dict, tuple[str, ...], _Scope | None]] = [(graft, (), None)]
    check_refs = builtins is not None
    while pending:
        body, path, parent = pending.pop()
        scope = _check_header(body, path, parent)
        refs: list[tuple[str, str]] = [("returns", body["returns"])]
        for key, expr in body.items():
            t = type(expr)
            if t is str or t is int or t is bool or expr is None or key in RESERVED_WORDS:
                continue
            if t is list:
                if len(expr) == 1 and isinstance(expr[0], (list, dict)):
                    _check_json(expr[0], path + (key,))
                    continue
                if expr and all(type(a) is str for a in expr) and RESERVED_WORDS.isdisjoint(expr) and "" not in expr:
                    names: list[str] = expr  # the common case: no keyword arguments
                else:
                    names = _check_application(expr, path + (key,))
                if check_refs:
                    refs.extend((key, name) for name in names)
            elif isinstance(expr, PRIMITIVE_TYPES):
                if not is_finite_number(expr):
                    raise _fail(path + (key,), f"{expr!r} is not a JSON number; use the builtin 'wf.constants.nan' "
                                               f"or 'wf.constants.inf' by reference instead")
            elif isinstance(expr, dict):
                if "returns" not in expr:
                    raise _fail(path + (key,), f"a dict expression must be a function with a 'returns' key, got "
                                               f"{short_repr(expr)}; to give a dict as a value, quote it: [{{...}}]")
                pending.append((expr, path + (key,), scope))
            else:
                raise _fail(path + (key,), f"{type(expr).__name__} {short_repr(expr)} is not an expression; "
                                           f"expected {_FORMS}")
        if check_refs:
            for key, name in refs:
                if not scope.defines(name) and name not in builtins:  # type: ignore[operator]
                    raise _undefined(path + (key,), name, scope, builtins)  # type: ignore[arg-type]


def _check_header(body: dict, path: tuple[str, ...], parent: _Scope | None) -> _Scope:
    if "returns" not in body:
        raise _fail(path, "has no 'returns' key; add 'returns' naming the key of the result")
    ret = body["returns"]
    if type(ret) is not str or ret == "" or ret in RESERVED_WORDS:
        raise _fail(path + ("returns",), f"'returns' must name a key, parameter or builtin (a str), got {ret!r}")
    names = set(body)
    names.difference_update(RESERVED_WORDS)
    if "" in names or not all(type(k) is str for k in names):
        bad = next(k for k in names if type(k) is not str or k == "")
        raise _fail(path, f"keys must be non-empty str, got {bad!r}")
    if "parameters" in body:
        params = body["parameters"]
        if type(params) is not list:
            raise _fail(path + ("parameters",), f"'parameters' must be a list of names (str), got {short_repr(params)}")
        seen: set[str] = set()
        for p in params:
            if type(p) is not str or p == "" or p in RESERVED_WORDS:
                raise _fail(path + ("parameters",), f"parameter names must be non-empty str other than 'returns' "
                                                    f"and 'parameters', got {p!r} in {short_repr(params)}")
            if p in seen:
                raise _fail(path + ("parameters",), f"parameter {p!r} is listed twice in {short_repr(params)}")
            if p in names:
                raise _fail(path + ("parameters",), f"parameter {p!r} is also a key of the same graft; rename one")
            seen.add(p)
        names |= seen
    return _Scope(names, parent, path)


def _check_application(expr: list, path: tuple[str, ...]) -> list[str]:
    if not expr:
        raise _fail(path, "[] is not an expression; to give an empty list as a value, quote it: [[]]")
    head = expr[0]
    if type(head) is not str:
        raise _fail(path, f"{short_repr(expr)} is not an expression: an application starts with the name of a "
                          f"function (str), not {head!r}; to give a list as a value, quote it: [{short_repr(expr)}]")
    refs = [head]
    last = len(expr) - 1
    for i, arg in enumerate(expr[1:], 1):
        if isinstance(arg, dict):
            if i != last:
                raise _fail(path, f"the keyword-argument dict of application {short_repr(expr)} must be its "
                                  f"last element, found at position {i}")
            for kw, ref in arg.items():
                if type(kw) is not str or type(ref) is not str:
                    raise _fail(path, f"keyword arguments of {head!r} must map names (str) to keys (str), "
                                      f"got {kw!r}: {short_repr(ref)}")
                refs.append(ref)
        elif type(arg) is str:
            refs.append(arg)
        else:
            raise _fail(path, f"argument {i} of {head!r} is {short_repr(arg)}, but arguments must be keys (str); "
                              f"put the value under its own key and pass that key")
    for ref in refs:
        if ref in RESERVED_WORDS or ref == "":
            raise _fail(path, f"application {short_repr(expr)} refers to {ref!r}, which cannot be a key")
    return refs


def _check_json(value: Any, path: tuple[str, ...]) -> None:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            for k, item in v.items():
                if type(k) is not str:
                    raise _fail(path, f"quoted JSON has a non-str dict key {k!r}; JSON object keys are str")
                stack.append(item)
        elif type(v) is list:
            stack.extend(v)
        elif isinstance(v, PRIMITIVE_TYPES):
            if not is_finite_number(v):
                raise _fail(path, f"quoted JSON contains {v!r}, which is not a JSON number")
        else:
            raise _fail(path, f"quoted JSON contains {type(v).__name__} {short_repr(v)}, which is not JSON "
                              f"(use lists, dicts, str, int, float, bool and None)")


def _undefined(path: tuple[str, ...], name: str, scope: _Scope, builtins: Container[str]) -> GraftNameError:
    candidates = scope.all_names()
    try:
        candidates |= set(builtins)  # type: ignore[call-overload]
    except TypeError:
        pass
    close = difflib.get_close_matches(name, sorted(candidates), n=3)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    return GraftNameError(
        f"{_at(path)}: {name!r} is not defined: it is not a key of this graft or an enclosing one, "
        f"not a parameter, and not a builtin{hint}"
    )


def dumps(graft: dict) -> str:
    """Serialise a graft to compact JSON text with sorted keys.

    The graft is validated first (references are not checked). NaN and
    infinities are refused. ``loads(dumps(g)) == g`` for every valid graft.
    """
    validate(graft)
    return json.dumps(graft, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _no_constant(name: str) -> Any:
    raise GraftSyntaxError(f"graft JSON contains {name}, which is not valid JSON; refer to the builtin "
                           f"'wf.constants.nan' or 'wf.constants.inf' instead")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise GraftSyntaxError(f"graft JSON has the key {key!r} twice in one object; keys must be unique")
            seen.add(key)
    return out


def loads(text: str | bytes, builtins: Container[str] | None = None) -> dict:
    """Parse a graft from JSON text and :func:`validate` it.

    Parameters
    ----------
    text : str or bytes
        JSON text, as written by :func:`dumps` or any JSON encoder.
    builtins : Container of str, optional
        Passed to :func:`validate` to check that references resolve.

    Returns
    -------
    dict
        The graft.

    Raises
    ------
    GraftSyntaxError
        The text is not JSON, repeats a key, contains NaN/Infinity, or is not a valid graft.
    """
    try:
        graft = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        raise GraftSyntaxError(f"graft text is not valid JSON: {e.msg} at line {e.lineno} column {e.colno} "
                               f"(near {short_repr(e.doc[max(e.pos - 20, 0):e.pos + 20])})") from e
    except RecursionError as e:
        raise GraftSyntaxError("graft JSON is nested too deeply to parse") from e
    validate(graft, builtins)
    return graft
