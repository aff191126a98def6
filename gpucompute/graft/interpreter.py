"""Evaluate a graft against a table of builtins.

Evaluation is lazy and memoised: only keys reachable from ``"returns"`` are
evaluated, each at most once per scope instance (the top level, or one call of
a function). Nested functions become :class:`GraftFunction` objects, ordinary
Python callables that capture their defining scope, so a builtin such as
``wf.map`` can call them, also from a thread pool. Keys are evaluated with an
explicit stack, so a chain of any length runs without touching Python's
recursion limit. Builtins must not mutate their arguments: quoted JSON values
are handed over as they sit in the graft, not copied.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Mapping
from typing import Any

from gpucompute.errors import (
    ComputeError,
    GpuComputeError,
    GraftArgumentError,
    GraftError,
    GraftNameError,
    GraftSyntaxError,
)
from gpucompute.graft.syntax import (
    PRIMITIVE_TYPES,
    RESERVED_WORDS,
    json_pointer,
    short_repr,
)

__all__ = ["GraftFunction", "interpret"]

_MISSING = object()


class _Context:
    """State shared by one interpretation: the builtins and the keys being evaluated."""

    __slots__ = ("_local", "builtins", "cache", "parsed")

    def __init__(self, builtins: Mapping[str, Any]) -> None:
        self.builtins = builtins
        self.cache: dict[str, Any] = {}
        # id(application) -> (application, references, keyword dict): each is parsed once
        self.parsed: dict[int, tuple[list, list[str], dict]] = {}
        self._local = threading.local()

    @property
    def open(self) -> set[tuple[int, str]]:
        """The (scope, key) pairs this thread is evaluating, to catch cycles.

        Per thread, so a builtin may call graft functions from a thread pool
        (a key two threads need at once may then be evaluated twice).
        """
        try:
            return self._local.open
        except AttributeError:
            self._local.open = set()
            return self._local.open

    def builtin(self, name: str, scope: _Scope, key: str) -> Any:
        value = self.cache.get(name, _MISSING)
        if value is _MISSING:
            try:
                value = self.builtins[name]
            except (KeyError, GraftNameError):
                raise _undefined(name, scope, key, self.builtins) from None
            self.cache[name] = value
        return value


class _Scope:
    """One instance of a graft body: its entries, their values so far, and the enclosing scope."""

    __slots__ = ("body", "parent", "path", "values")

    def __init__(self, body: dict, parent: _Scope | None, values: dict, path: tuple[str, ...]) -> None:
        self.body = body
        self.parent = parent
        self.values = values
        self.path = path


class GraftFunction:
    """A graft function bound to the scope it was defined in; call it like a Python function.

    Positional and keyword arguments bind to the graft's ``"parameters"`` by
    position and by name; every parameter is required.

    Attributes
    ----------
    graft : dict
        The function's graft (with ``"parameters"`` and ``"returns"``).
    parameters : tuple of str
        The parameter names, in order.
    """

    __slots__ = ("_ctx", "_parent", "_path", "graft", "parameters")

    def __init__(self, graft: dict, parent: _Scope | None, ctx: _Context, path: tuple[str, ...]) -> None:
        params = graft.get("parameters", [])
        if type(params) is not list or not all(type(p) is str for p in params):
            raise GraftSyntaxError(f"{_where(path)}: 'parameters' must be a list of str, got {short_repr(params)}")
        self.graft = graft
        self.parameters = tuple(params)
        self._parent = parent
        self._ctx = ctx
        self._path = path

    def __repr__(self) -> str:
        return f"<GraftFunction at {json_pointer(self._path)} ({', '.join(self.parameters)})>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        params = self.parameters
        if len(args) > len(params):
            raise GraftArgumentError(
                f"too many positional arguments: {self!r} takes {len(params)}, got {len(args)}"
            )
        values = dict(zip(params, args))
        for name, value in kwargs.items():
            if name not in params:
                raise GraftArgumentError(f"unexpected argument {name!r}: {self!r} takes {list(params)}")
            if name in values:
                raise GraftArgumentError(f"got multiple values for argument {name!r} of {self!r}")
            values[name] = value
        if len(values) < len(params):
            missing = [p for p in params if p not in values]
            raise GraftArgumentError(f"missing required argument {missing[0]!r} of {self!r}")
        scope = _Scope(self.graft, self._parent, values, self._path)
        return _lookup(scope, self.graft["returns"], self._ctx, "returns")


def interpret(graft: dict, builtins: Mapping[str, Any] | None = None) -> Any:
    """Evaluate `graft`, or turn it into a Python callable if it has ``"parameters"``.

    Parameters
    ----------
    graft : dict
        The graft.
    builtins : Mapping of str to object, optional
        Builtin name -> implementation. Applications call implementations with
        ``(*positional, **named)`` evaluated arguments; non-callable entries
        (such as ``"wf.constants.pi"``) are values. Defaults to
        :data:`gpucompute.graft.registry.BUILTINS`.

    Returns
    -------
    object
        The value of ``"returns"``, or a :class:`GraftFunction` when the
        graft declares ``"parameters"``.

    Raises
    ------
    GraftSyntaxError
        A malformed expression (raised when that key is evaluated) or a cycle of keys.
    GraftNameError
        A reference to a name that is neither a key in scope, a parameter nor a builtin.
    GraftArgumentError
        A graft function called with missing, extra or unknown arguments.
    ComputeError
        A builtin raised an exception that is not a gpucompute error; the
        original is chained as ``__cause__``. gpucompute errors pass unchanged.
    """
    if builtins is None:
        from gpucompute.graft.registry import BUILTINS

        builtins = BUILTINS
    if not isinstance(graft, dict) or type(graft.get("returns")) is not str:
        raise GraftSyntaxError(
            f"a graft must be a dict with a 'returns' key naming its result, got {short_repr(graft)}"
        )
    ctx = _Context(builtins)
    if "parameters" in graft:
        return GraftFunction(graft, None, ctx, ())
    return _lookup(_Scope(graft, None, {}, ()), graft["returns"], ctx, "returns")


def _where(path: tuple[str, ...]) -> str:
    return f"function at {json_pointer(path)}" if path else "top level"


def _undefined(name: str, scope: _Scope, key: str, builtins: Mapping[str, Any]) -> GraftNameError:
    names: set[str] = set()
    s: _Scope | None = scope
    while s is not None:
        names.update(k for k in s.body if k not in RESERVED_WORDS)
        names.update(s.values)
        s = s.parent
    try:
        names.update(builtins)
    except TypeError:
        pass
    close = difflib.get_close_matches(name, sorted(names), n=3)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    return GraftNameError(
        f"{name!r} (used by key {key!r}, scope {_where(scope.path)}) is not defined: it is not a key in "
        f"scope, a parameter, or a builtin{hint}"
    )


def _lookup(scope: _Scope, name: str, ctx: _Context, key: str) -> Any:
    """The value `name` refers to from `scope`, evaluating a key if needed."""
    s: _Scope | None = scope
    while s is not None:
        value = s.values.get(name, _MISSING)
        if value is not _MISSING:
            return value
        if name in s.body and name not in RESERVED_WORDS:
            return _force(s, name, ctx)
        s = s.parent
    return ctx.builtin(name, scope, key)


def _parse(expr: list, scope: _Scope, key: str, ctx: _Context) -> tuple[list[str], dict]:
    """The references (head, positional, keyword values) and keyword dict of an application."""
    hit = ctx.parsed.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1], hit[2]
    if not expr or type(expr[0]) is not str:
        raise GraftSyntaxError(f"key {key!r} ({_where(scope.path)}): {short_repr(expr)} is not an expression; "
                               f"to give a list as a value, quote it: [[...]]")
    kwargs = expr[-1] if isinstance(expr[-1], dict) else {}
    refs = expr[:-1] + list(kwargs.values()) if kwargs or isinstance(expr[-1], dict) else expr
    for ref in refs:
        if type(ref) is not str or ref in RESERVED_WORDS:
            raise GraftSyntaxError(f"key {key!r} ({_where(scope.path)}): application {short_repr(expr)} has "
                                   f"the argument {short_repr(ref)}; arguments must be keys (str)")
    ctx.parsed[id(expr)] = (expr, refs, kwargs)
    return refs, kwargs


def _unevaluated(scope: _Scope, refs: list[str]) -> list[tuple[_Scope, str, None]]:
    """Stack entries for the keys among `refs` that have no value yet."""
    out: list[tuple[_Scope, str, None]] = []
    for name in refs:
        s: _Scope | None = scope
        while s is not None:
            if name in s.values:
                break
            if name in s.body and name not in RESERVED_WORDS:
                entry = (s, name, None)
                if entry not in out:
                    out.append(entry)
                break
            s = s.parent
    return out


def _apply(scope: _Scope, key: str, refs: list[str], kwargs: dict, ctx: _Context) -> Any:
    values = scope.values
    args = []
    for ref in refs:
        value = values.get(ref, _MISSING)
        args.append(_lookup(scope, ref, ctx, key) if value is _MISSING else value)
    fn = args[0]
    if kwargs:
        npos = len(args) - len(kwargs)
        named = dict(zip(kwargs, args[npos:]))
        del args[npos:]
    else:
        named = {}
    if not callable(fn):
        raise GraftError(f"key {key!r} ({_where(scope.path)}) applies {refs[0]!r}, which is "
                         f"{type(fn).__name__} {short_repr(fn)}, not a function")
    try:
        return fn(*args[1:], **named)
    except GpuComputeError:
        raise
    except Exception as e:
        scope_note = f", {_where(scope.path)}" if scope.path else ""
        raise ComputeError(f"{refs[0]} (key {key!r}{scope_note}) failed: {type(e).__name__}: {e}") from e


def _force(scope: _Scope, key: str, ctx: _Context) -> Any:
    """Evaluate `key` of `scope` and everything it needs, with an explicit stack."""
    open_ = ctx.open
    opened: list[tuple[int, str]] = []
    # entries: (scope, key, None) to visit, or (scope, key, (refs, kwargs)) once its arguments are queued
    stack: list[tuple[_Scope, str, Any]] = [(scope, key, None)]
    try:
        while stack:
            s, k, parsed = stack[-1]
            values = s.values
            if k in values:
                stack.pop()
                continue
            if parsed is not None:
                values[k] = _apply(s, k, parsed[0], parsed[1], ctx)
                open_.discard((id(s), k))
                stack.pop()
                continue
            expr = s.body[k]
            if type(expr) is list:
                if len(expr) == 1 and isinstance(expr[0], (list, dict)):
                    values[k] = expr[0]
                    stack.pop()
                    continue
                refs, kwargs = _parse(expr, s, k, ctx)
                node = (id(s), k)
                if node in open_:
                    raise GraftSyntaxError(f"key {k!r} ({_where(s.path)}) depends on its own value through a "
                                           f"cycle of references; only functions may refer to themselves")
                open_.add(node)
                opened.append(node)
                pending = _unevaluated(s, refs)
                if pending:
                    stack[-1] = (s, k, (refs, kwargs))
                    pending.reverse()
                    stack.extend(pending)
                    continue
                values[k] = _apply(s, k, refs, kwargs, ctx)
                open_.discard(node)
                stack.pop()
            elif isinstance(expr, dict):
                if "returns" not in expr:
                    raise GraftSyntaxError(f"key {k!r} ({_where(s.path)}): a dict expression must be a function "
                                           f"with 'returns', got {short_repr(expr)}; quote a dict value: [{{...}}]")
                values[k] = GraftFunction(expr, s, ctx, s.path + (k,))
                stack.pop()
            elif isinstance(expr, PRIMITIVE_TYPES):
                values[k] = expr
                stack.pop()
            else:
                raise GraftSyntaxError(f"key {k!r} ({_where(s.path)}): {type(expr).__name__} "
                                       f"{short_repr(expr)} is not an expression")
    except BaseException:
        for node in opened:
            open_.discard(node)
        raise
    return scope.values[key]
