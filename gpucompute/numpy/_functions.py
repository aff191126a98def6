"""Making the lazy ``wf.numpy`` routines from the signature table.

:func:`make_routine` turns one table entry into a function that

1. binds the call to the first overload whose parameters accept it (arity
   first, then each argument promoted to one of the parameter's types, in
   order; defaults are filled in and promoted too),
2. records ``["wf.numpy.<name>", <params without default>..., *varargs,
   {<params with default>: ...}]``,
3. returns a proxy of the overload's return type (or rule: ``like``,
   ``like?``).

When no overload accepts the call the :class:`ProxyTypeError` names the
routine, the argument and every type it could have been.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.numpy._spec import (
    NO_DEFAULT,
    VAR_POSITIONAL,
    DTypeDefault,
    Overload,
    display_type,
    parse_overload,
    resolve_type,
)
from gpucompute.types.core import Proxytype, _short, type_name

__all__ = ["array_kinds", "make_routine", "routine_doc"]

_DTYPE_DEFAULTS: dict[str, Any] = {}


def _dtype_default(marker: DTypeDefault) -> Any:
    from gpucompute.types.dtype import DType

    proxy = _DTYPE_DEFAULTS.get(marker.type_name)
    if proxy is None:
        proxy = _DTYPE_DEFAULTS[marker.type_name] = DType({"float": float, "int": int, "bool": bool}[marker.type_name])
    return proxy


class _Mismatch(Exception):
    """An argument no type of its parameter accepts (internal: try the next overload)."""

    def __init__(self, param: str, types: tuple[str, ...], value: Any) -> None:
        super().__init__(param)
        self.param, self.types, self.value = param, types, value


def _promote(value: Any, param: str, types: tuple[str, ...]) -> Proxytype:
    for name in types:
        try:
            return resolve_type(name)._promote(value)
        except ProxyTypeError:
            continue
    raise _Mismatch(param, types, value)


def array_kinds(cls: type) -> set[str]:
    """``{"MA"}`` / ``{"A"}`` / both / neither: the array types in a proxy type and its type parameters."""
    from gpucompute.types.array import Array
    from gpucompute.types.masked_array import MaskedArray

    kinds: set[str] = set()
    if isinstance(cls, type):
        if issubclass(cls, MaskedArray):
            kinds.add("MA")
        elif issubclass(cls, Array):
            kinds.add("A")
        for param in getattr(cls, "_type_params", None) or ():
            kinds |= array_kinds(param)
    return kinds


def _return_type(rule: str, values: list[Any]) -> type:
    if "like" not in rule:
        return resolve_type(rule)
    kinds: set[str] = set()
    for value in values:
        kinds |= array_kinds(type(value))
    array = "MA" if "MA" in kinds else "A"
    if rule == "like?":
        return resolve_type(array if kinds else "S")
    return resolve_type(rule.replace("like", array))


def _bind(overload: Overload, args: tuple, kwargs: dict) -> tuple[Any, list[Any], list[Any], dict[str, Any]]:
    """Promote the call to ``overload``: (return type, all values, positional args, keyword args)."""
    bound = overload.signature.bind(*args, **kwargs)
    given = bound.arguments
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    values: list[Any] = []
    for param in overload.params:
        if param.kind == VAR_POSITIONAL:
            items = [_promote(v, f"*{param.name}", param.types) for v in given.get(param.name, ())]
            positional.extend(items)
            values.extend(items)
            continue
        value = given.get(param.name, param.default)
        if isinstance(value, DTypeDefault):
            value = _dtype_default(value)
        promoted = _promote(value, param.name, param.types)
        values.append(promoted)
        if param.default is NO_DEFAULT:
            positional.append(promoted)
        else:
            keywords[param.name] = promoted
    return _return_type(overload.returns, values), values, positional, keywords


def _no_match(qualname: str, failures: list[Any]) -> ProxyTypeError:
    mismatches = [f for f in failures if isinstance(f, _Mismatch)]
    if not mismatches:
        arity = "; ".join(dict.fromkeys(str(f) for f in failures))
        return ProxyTypeError(f"{qualname}: the arguments match none of its signatures ({arity}); see help({qualname})")
    first = mismatches[0]
    same = [m for m in mismatches if m.param == first.param]
    expected = list(dict.fromkeys(display_type(t) for m in same for t in m.types))
    wanted = ", ".join(expected[:-1]) + (" or " if len(expected) > 1 else "") + expected[-1]
    return ProxyTypeError(
        f"{qualname}: argument {first.param!r} must be {wanted}, "
        f"got {type_name(first.value)} ({_short(first.value)})"
    )


def make_routine(name: str, namespace: str, overloads: tuple[str, ...]) -> Callable[..., Any]:
    """The lazy routine ``<namespace>.<name>`` for one entry of the signature table."""
    parsed = tuple(parse_overload(text) for text in overloads)
    graft_name = f"{namespace}.{name}"

    def routine(*args: Any, **kwargs: Any) -> Any:
        failures: list[Any] = []
        for overload in parsed:
            try:
                result, _, positional, keywords = _bind(overload, args, kwargs)
            except TypeError as exc:
                if isinstance(exc, ProxyTypeError):
                    raise
                failures.append(exc)
                continue
            except _Mismatch as exc:
                failures.append(exc)
                continue
            return result._from_apply(graft_name, *positional, **keywords)
        raise _no_match(graft_name, failures)

    routine.__name__ = routine.__qualname__ = name
    routine.__module__ = namespace.replace("wf.", "gpucompute.", 1)
    routine.__doc__ = routine_doc(name, namespace, parsed)
    routine.__signature__ = parsed[-1].signature  # type: ignore[attr-defined]
    routine.overloads = parsed  # type: ignore[attr-defined]
    routine.graft_name = graft_name  # type: ignore[attr-defined]
    return routine


def _returns_text(rule: str) -> str:
    if rule == "like":
        return "MaskedArray if an array argument is masked, else Array"
    if rule == "like?":
        return "MaskedArray if an array argument is masked, else Array; Scalar for scalar arguments"
    if "like" in rule:
        return rule.replace("like", "Array") + " (of MaskedArray for masked arguments)"
    return display_type(rule)


def routine_doc(name: str, namespace: str, overloads: tuple[Overload, ...]) -> str:
    """A numpydoc docstring made from the table entry."""
    numpy_name = namespace.replace("wf.numpy", "numpy", 1) + "." + name
    lines = [f"Lazy ``{numpy_name}``: records ``{namespace}.{name}`` and returns a proxy.", ""]
    lines += ["Signatures (tried in order; the first that accepts the arguments is used)::", ""]
    for overload in overloads:
        params = []
        for p in overload.params:
            text = ("*" if p.kind == VAR_POSITIONAL else "") + f"{p.name}: " + " | ".join(map(display_type, p.types))
            params.append(text + (f" = {p.default!r}" if p.default is not NO_DEFAULT else ""))
        lines.append(f"    {name}({', '.join(params)}) -> {display_type(overload.returns)}")
    lines += ["", "Parameters", "----------"]
    seen: dict[str, list[str]] = {}
    defaults: dict[str, Any] = {}
    for overload in overloads:
        for p in overload.params:
            label = ("*" if p.kind == VAR_POSITIONAL else "") + p.name
            seen.setdefault(label, [])
            seen[label] += [display_type(t) for t in p.types if display_type(t) not in seen[label]]
            if p.default is not NO_DEFAULT:
                defaults.setdefault(label, p.default)
    for label, types in seen.items():
        suffix = f", default {defaults[label]!r}" if label in defaults else ""
        lines += [f"{label} : {' or '.join(types)}{suffix}"]
    lines += ["", "Returns", "-------"]
    for rule in dict.fromkeys(o.returns for o in overloads):
        lines.append(_returns_text(rule))
    lines += ["", "See NumPy's documentation of ``" + numpy_name + "`` for the meaning of each parameter."]
    return "\n".join(lines)
