"""Builders that proxies use to grow grafts one application at a time.

Every new expression gets a fresh key from one process-wide counter, so two
sub-grafts built independently share a key only when they share the very same
dependency.  Merging sub-grafts is therefore a plain dictionary union, and a
value used twice (``img`` in ``(nir - red) / (nir + red)``) appears once: the
graft is a DAG, not a tree.

A graft *with* ``"parameters"`` is a function; one without stands for the
value its ``"returns"`` key evaluates to.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from gpucompute.errors import GraftSyntaxError
from gpucompute.graft.syntax import RESERVED_WORDS as RESERVED

__all__ = [
    "RESERVED",
    "guid",
    "consistent_guid",
    "is_delayed",
    "is_function_graft",
    "value_graft",
    "keyref_graft",
    "apply_graft",
    "function_graft",
    "isolate_keys",
    "fresh_keys",
    "parametrize",
    "LazyApplication",
    "LazyLiteral",
    "lazy_apply",
]

_PRIMITIVES = (str, int, float, bool, type(None))

_lock = threading.Lock()
_counter: Iterator[int] = itertools.count(1)


def guid() -> str:
    """Return a new key: the next integer of the process-wide counter, as a string."""
    with _lock:
        return str(next(_counter))


@contextlib.contextmanager
def consistent_guid(start: int = 0) -> Iterator[None]:
    """Number keys from ``start`` inside the block, for reproducible grafts in tests and docs."""
    global _counter
    with _lock:
        saved, _counter = _counter, itertools.count(start)
    try:
        yield
    finally:
        with _lock:
            _counter = saved


def is_delayed(obj: Any) -> bool:
    """True for objects that carry their own graft (proxies)."""
    return isinstance(getattr(obj, "graft", None), dict)


def is_function_graft(graft: Mapping[str, Any]) -> bool:
    """True for a graft that declares parameters, i.e. a function rather than a value."""
    return isinstance(graft, Mapping) and "parameters" in graft


def value_graft(value: Any) -> dict[str, Any]:
    """The graft of a plain value: a literal, quoted JSON for containers, or a proxy's own graft."""
    if is_delayed(value):
        return value.graft
    key = guid()
    if isinstance(value, _PRIMITIVES):
        return {key: value, "returns": key}
    if isinstance(value, (list, tuple, dict)):
        return {key: [_jsonable(value)], "returns": key}
    raise GraftSyntaxError(
        f"value_graft: cannot put a {type(value).__name__} ({value!r:.80}) into a graft; "
        "use str, int, float, bool, None, or lists and dicts of them"
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, _PRIMITIVES):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise GraftSyntaxError(f"value_graft: dict keys must be str to be JSON, got {list(value)!r:.80}")
        return {k: _jsonable(v) for k, v in value.items()}
    raise GraftSyntaxError(f"value_graft: {type(value).__name__} ({value!r:.80}) is not JSON-serialisable")


def keyref_graft(name: str) -> dict[str, Any]:
    """A graft that just names something in scope: a parameter or a builtin value such as ``wf.Ellipsis``."""
    if not isinstance(name, str) or name in RESERVED:
        raise GraftSyntaxError(f"keyref_graft: a key reference must be a non-reserved str, got {name!r}")
    return {"returns": name}


def _merge(target: dict[str, Any], graft: Mapping[str, Any]) -> str:
    """Merge a value graft's keys into ``target`` and return the key holding its value."""
    # Keys are unique per expression, so a clash can only be the same shared dependency.
    target.update(graft)
    target.pop("parameters", None)
    return target.pop("returns")


def _as_graft(obj: Any) -> Mapping[str, Any]:
    """A mapping is taken to be a graft already; anything else goes through :func:`value_graft`."""
    if isinstance(obj, LazyLiteral):
        return {obj.key: obj.expression(), "returns": obj.key}
    if isinstance(obj, Mapping):
        if "returns" not in obj:
            raise GraftSyntaxError(f"expected a graft (a dict with 'returns'), got {dict(obj)!r:.100}")
        return obj
    return value_graft(obj)


def _argument_key(target: dict[str, Any], arg: Any) -> str:
    graft = _as_graft(arg)
    if is_function_graft(graft):
        key = guid()
        target[key] = dict(graft)
        return key
    return _merge(target, graft)


def apply_graft(function: str | Mapping[str, Any] | Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The graft of applying ``function`` to ``args`` and ``kwargs``.

    Parameters
    ----------
    function
        A builtin name such as ``"wf.add"``, a function graft, or a value graft
        (or proxy) whose value is a function.
    *args, **kwargs
        Proxies, grafts, or plain values (turned into literals).  A ``dict``
        is taken to be a graft; wrap a literal dict in :func:`value_graft`.

    Returns
    -------
    dict
        A value graft whose ``"returns"`` key holds the application.
    """
    result: dict[str, Any] = {}
    if isinstance(function, str):
        function_key = function
    else:
        function_key = _argument_key(result, function)
    positional = [_argument_key(result, arg) for arg in args]
    named = {name: _argument_key(result, arg) for name, arg in kwargs.items()}
    expr: list[Any] = [function_key, *positional]
    if named:
        expr.append(named)
    key = guid()
    result[key] = expr
    result["returns"] = key
    return result


def function_graft(result: Any, *parameters: str, first_guid: str | int | None = None) -> dict[str, Any]:
    """Turn ``result`` (a value graft or proxy that refers to ``parameters``) into a function graft.

    Keys numbered below ``first_guid`` existed before the function was traced:
    they belong to the enclosing scope and are hoisted out of the body, so a
    closure does not copy what it captures.  The result is then a value graft
    whose value is the function.
    """
    graft = _as_graft(result)
    for name in parameters:
        if not isinstance(name, str) or not name or name in RESERVED or name.isdigit():
            raise GraftSyntaxError(f"function_graft: parameter names must be non-empty, non-numeric str, got {name!r}")
    if first_guid is None:
        return {**graft, "parameters": list(parameters)}
    limit = int(first_guid)
    outer = {k: v for k, v in graft.items() if k not in RESERVED and k.isdigit() and int(k) < limit}
    inner = {k: v for k, v in graft.items() if k not in outer}
    if not outer:
        return {**inner, "parameters": list(parameters)}
    key = guid()
    return {**outer, key: {**inner, "parameters": list(parameters)}, "returns": key}


def isolate_keys(graft: Mapping[str, Any]) -> dict[str, Any]:
    """Wrap a value graft in a scope of its own so its keys cannot clash with keys merged later."""
    body, call = guid(), guid()
    return {body: {**graft, "parameters": []}, call: [body], "returns": call}


def fresh_keys(graft: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a value graft made elsewhere (loaded from JSON) whose top-level keys are new guids.

    Unlike :func:`isolate_keys` this keeps the graft's shape, so its content hash
    is the one it had where it was made (a reloaded object finds the same cache
    entries and layer versions), while keys merged later cannot clash with its
    own. References inside nested functions follow the renaming unless the
    function shadows the name; new names never equal a key used anywhere in
    the graft, so no reference is captured by an inner scope.
    """
    from gpucompute.graft.syntax import is_guid_key

    taken: set[str] = set()
    _collect_keys(graft, taken)
    renamed: dict[str, str] = {}
    for key in graft:
        if key not in RESERVED and is_guid_key(key):
            new = guid()
            while new in taken:
                new = guid()
            renamed[key] = new
    out = {renamed.get(k, k): _rename(v, renamed) for k, v in graft.items() if k not in RESERVED}
    if "parameters" in graft:
        out["parameters"] = list(graft["parameters"])
    out["returns"] = renamed.get(graft["returns"], graft["returns"])
    return out


def _collect_keys(graft: Mapping[str, Any], out: set[str]) -> None:
    for key, expr in graft.items():
        out.add(key)
        if isinstance(expr, dict):
            _collect_keys(expr, out)


def _rename(expr: Any, renamed: Mapping[str, str]) -> Any:
    """``expr`` with references renamed (one scope level; nested functions drop the names they shadow)."""
    from gpucompute.graft.syntax import is_application

    if is_application(expr):
        out = [renamed.get(a, a) if type(a) is str else {k: renamed.get(v, v) for k, v in a.items()}
               for a in expr]
        return out
    if isinstance(expr, dict):  # a nested function: its keys and parameters shadow outer names
        local = set(expr) | set(expr.get("parameters", ()))
        inner = {k: v for k, v in renamed.items() if k not in local}
        body = {k: (v if k == "parameters" else _rename(v, inner)) for k, v in expr.items() if k != "returns"}
        body["returns"] = inner.get(expr["returns"], expr["returns"])
        return body
    return expr


def parametrize(graft: Mapping[str, Any], **values: Any) -> dict[str, Any]:
    """Bind the free names ``values`` of ``graft`` to values (proxies, grafts or literals)."""
    body = {k: v for k, v in graft.items() if k != "parameters"}
    return apply_graft(function_graft(body, *values), **values)


class LazyApplication:
    """An application recorded without merging its arguments' grafts yet.

    Merging a growing graft into every new application copies it each time, so
    a chain of ``n`` operations would cost ``O(n**2)``.  Proxies record this
    node instead (its key, its expression, and the parts to merge) and build
    the flat graft once, on first access, in ``O(n)``.
    """

    __slots__ = ("key", "expr", "parts")

    def __init__(self, key: str, expr: list[Any], parts: tuple[Any, ...]) -> None:
        self.key = key
        self.expr = expr
        self.parts = parts

    def materialize(self) -> dict[str, Any]:
        """The flat value graft of this application and everything it depends on."""
        result: dict[str, Any] = {}
        seen: set[int] = set()
        stack: list[Any] = [self]
        while stack:
            part = stack.pop()
            if id(part) in seen:
                continue
            seen.add(id(part))
            if isinstance(part, LazyApplication):
                result[part.key] = part.expr
                stack.extend(part.parts)
            elif isinstance(part, LazyLiteral):
                result[part.key] = part.expression()
            else:
                result.update(part)
        result.pop("parameters", None)
        result["returns"] = self.key
        return result


class LazyLiteral:
    """A literal (or quoted JSON) whose expression is made only if the graft is ever flattened.

    A large local array given as a parameter value goes to the device
    directly; its JSON form (``tolist`` of a million numbers) is built only
    when someone asks for the graft.
    """

    __slots__ = ("key", "_make")

    def __init__(self, make: Any) -> None:
        self.key = guid()
        self._make = make

    def expression(self) -> Any:
        """The literal or quoted-JSON expression."""
        return self._make()


def _lazy_part(obj: Any) -> tuple[str | None, Any]:
    """The key of ``obj``'s value and the part to merge (a lazy node or a graft dict)."""
    if isinstance(obj, LazyLiteral):
        return obj.key, obj
    node = getattr(obj, "_lazy_node", None)
    if node is not None:
        return node.key, node
    graft = _as_graft(obj)
    if is_function_graft(graft):
        return None, graft
    return graft["returns"], graft


def lazy_apply(function: str | Mapping[str, Any] | Any, *args: Any, **kwargs: Any) -> LazyApplication:
    """Like :func:`apply_graft`, but returns a :class:`LazyApplication` that merges on demand."""
    parts: list[Any] = []
    extra: dict[str, Any] = {}

    def key_of(obj: Any) -> str:
        key, part = _lazy_part(obj)
        if key is None:  # a function graft lives under a key of its own
            key = guid()
            extra[key] = dict(part)
        else:
            parts.append(part)
        return key

    function_key = function if isinstance(function, str) else key_of(function)
    expr: list[Any] = [function_key, *(key_of(arg) for arg in args)]
    if kwargs:
        expr.append({name: key_of(arg) for name, arg in kwargs.items()})
    if extra:
        parts.append(extra)
    return LazyApplication(guid(), expr, tuple(parts))
