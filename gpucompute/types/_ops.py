"""Shared machinery of the language types: operator tables and signature-checked method calls.

Operators are never written one dunder at a time.  Each type lists its
operators in a table of ``(dunder, builtin, operand types, result type)`` rows
and :func:`attach_binary` / :func:`attach_unary` turn the rows into methods.

Mixed operations between two proxy types are resolved with ``_op_priority``:
the operand of lower priority gives way (returns ``NotImplemented``) so that
the other operand's reflected method decides, e.g. ``Int * Str`` is decided by
``Str.__rmul__`` and ``Int + Any`` by ``Any.__radd__``.  Every other wrong
operand is a :class:`~gpucompute.errors.ProxyTypeError` at the line that wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types.core import NumPyMixin, Proxytype, promote, type_name

__all__ = [
    "REQUIRED",
    "Param",
    "attach_binary",
    "attach_unary",
    "call_builtin",
    "defers_to",
    "init_from",
    "reject_other_operators",
]

#: Marks a parameter without a default in a :class:`Param` row.
REQUIRED = object()

_SYMBOLS = {
    "add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%", "pow": "**",
    "divmod": "divmod", "and": "&", "or": "|", "xor": "^", "lshift": "<<", "rshift": ">>",
    "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!=",
}


def _is_reflected(dunder: str) -> bool:
    """``__radd__`` is reflected; ``__rshift__`` is not (but ``__rrshift__`` is)."""
    return dunder.startswith("__r") and dunder[3:-2] in _SYMBOLS


def _symbol(dunder: str) -> str:
    core = dunder[3:-2] if _is_reflected(dunder) else dunder[2:-2]
    return _SYMBOLS.get(core, dunder)


def defers_to(self: Any, other: Any) -> bool:
    """True when ``other`` should decide a mixed operation with ``self`` (its reflected method runs)."""
    if not isinstance(other, Proxytype):
        return False
    mine = getattr(type(self), "_op_priority", 0)
    theirs = getattr(type(other), "_op_priority", None)
    if theirs is None:
        # Array-like proxies (NumPy-dispatching, not one of the scalar primitives) decide themselves.
        return isinstance(other, NumPyMixin) and not getattr(type(other), "_is_scalar_primitive", False)
    return theirs > mine


def init_from(self: Proxytype, proxy: Proxytype) -> None:
    """Make the new object ``self`` share the graft and parameters of ``proxy`` (public constructors)."""
    object.__setattr__(self, "graft", proxy.graft)
    object.__setattr__(self, "params", proxy.params)
    object.__setattr__(self, "_param_name", getattr(proxy, "_param_name", None))


def _types(spec: Any, self: Any) -> tuple[type, ...]:
    types = spec(self) if callable(spec) and not isinstance(spec, type) else spec
    return types if isinstance(types, tuple) else (types,)


def attach_binary(
    cls: type,
    rows: Sequence[tuple[str, str, Any, Any]],
) -> None:
    """Add binary operators to ``cls`` from ``(dunder, builtin, operands, result)`` rows.

    ``operands`` is a type, a tuple of types, or ``callable(self) -> types``
    accepted for the other operand (tried in order).  ``result`` is a type or
    ``callable(self, other) -> type``.  A reflected dunder (``__radd__``)
    passes the operands to the builtin in swapped order.
    """
    for dunder, builtin, operands, result in rows:
        setattr(cls, dunder, _binary(dunder, builtin, operands, result))


def _binary(dunder: str, builtin: str, operands: Any, result: Any) -> Callable:
    reflected = _is_reflected(dunder)

    def method(self, other):
        types = _types(operands, self)
        try:
            other_proxy = promote(other, types, f"{type_name(self)} {_symbol(dunder)}")
        except ProxyTypeError:
            if not reflected and defers_to(self, other):
                return NotImplemented
            raise
        out = result(self, other_proxy) if not isinstance(result, type) else result
        args = (other_proxy, self) if reflected else (self, other_proxy)
        return out._from_apply(builtin, *args)

    method.__name__ = dunder
    method.__doc__ = f"``{_symbol(dunder)}`` as ``{builtin}``."
    return method


def attach_unary(cls: type, rows: Sequence[tuple[str, str, Any]]) -> None:
    """Add unary operators (or argument-less methods) to ``cls`` from ``(name, builtin, result)`` rows."""
    for name, builtin, result in rows:
        setattr(cls, name, _unary(name, builtin, result))


def _unary(name: str, builtin: str, result: Any) -> Callable:
    def method(self):
        out = result(self) if not isinstance(result, type) else result
        return out._from_apply(builtin, self)

    method.__name__ = name
    method.__doc__ = f"Apply ``{builtin}``."
    return method


class Param:
    """One parameter of a proxy method: its name, accepted types (tried in order) and default.

    ``types`` may be a callable returning the types, for signatures that depend
    on the receiver's type parameters or on types defined later (imports at
    call time avoid import cycles).
    """

    __slots__ = ("default", "name", "types")

    def __init__(self, name: str, types: Any, default: Any = REQUIRED) -> None:
        self.name = name
        self.types = types
        self.default = default

    def resolve(self, owner: Any) -> tuple[type, ...]:
        types = self.types
        if callable(types) and not isinstance(types, type):
            types = types(owner)
        return types if isinstance(types, tuple) else (types,)


def call_builtin(
    builtin: str,
    result: type,
    owner: Any,
    receiver: tuple[Any, ...],
    signature: Sequence[Param],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    where: str,
) -> Any:
    """Bind ``args``/``kwargs`` to ``signature``, promote them and record ``builtin``.

    Required parameters travel positionally after ``receiver``; parameters with
    a default always travel by keyword, with the default filled in, so the
    graft of ``s.center(5)`` and ``s.center(5, " ")`` is the same.
    """
    if len(args) > len(signature):
        raise ProxyTypeError(f"{where}() takes at most {len(signature)} arguments, got {len(args)}")
    bound: dict[str, Any] = {}
    for param, value in zip(signature, args):
        bound[param.name] = value
    names = {p.name for p in signature}
    for name, value in kwargs.items():
        if name not in names:
            raise ProxyTypeError(f"{where}() got an unexpected keyword argument {name!r}")
        if name in bound:
            raise ProxyTypeError(f"{where}() got multiple values for argument {name!r}")
        bound[name] = value
    positional: list[Any] = []
    named: dict[str, Any] = {}
    for param in signature:
        if param.name in bound:
            value = bound[param.name]
        elif param.default is REQUIRED:
            raise ProxyTypeError(f"{where}() missing required argument {param.name!r}")
        else:
            value = param.default
        promoted = promote(value, param.resolve(owner), f"{where}() argument {param.name!r}")
        if param.default is REQUIRED:
            positional.append(promoted)
        else:
            named[param.name] = promoted
    return result._from_apply(builtin, *receiver, *positional, **named)


_BINARY_NAMES = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "divmod", "and", "or", "xor", "lshift",
                 "rshift")
_ALL_BINARY = (
    [f"__{n}__" for n in _BINARY_NAMES]
    + [f"__r{n}__" for n in _BINARY_NAMES]
    + ["__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"]
)
_ALL_UNARY = ("__neg__", "__pos__", "__abs__", "__invert__")


def _defined(cls: type, name: str) -> bool:
    return any(name in klass.__dict__ for klass in cls.__mro__ if klass is not object)


def reject_other_operators(cls: type) -> None:
    """Give ``cls`` operators that raise :class:`ProxyTypeError` for every operator it does not define.

    Without them Python would raise a bare ``TypeError`` (or, for ``==``,
    compare identities); a proxy of higher ``_op_priority`` (``Any``) still
    gets to decide through its reflected method.
    """
    for name in _ALL_BINARY:
        if not _defined(cls, name):
            setattr(cls, name, _unsupported_binary(name))
    for name in _ALL_UNARY:
        if not _defined(cls, name):
            setattr(cls, name, _unsupported_unary(name))
    if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
        cls.__hash__ = Proxytype.__hash__


def _unsupported_binary(dunder: str) -> Callable:
    reflected = _is_reflected(dunder)

    def method(self, other):
        if not reflected and defers_to(self, other):
            return NotImplemented
        raise ProxyTypeError(
            f"{type_name(self)} does not support {_symbol(dunder)!r} (with {type_name(other)}); "
            "cast or convert the operands first"
        )

    method.__name__ = dunder
    return method


def _unsupported_unary(dunder: str) -> Callable:
    def method(self):
        raise ProxyTypeError(f"{type_name(self)} does not support the unary operator {dunder}")

    method.__name__ = dunder
    return method
