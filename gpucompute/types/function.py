"""``Function[arg types..., {kwarg types}, return type]``: a proxy function.

A Python callable becomes a graft function by *tracing*: it is called once
with identifier proxies (key references named after its parameters), and the
proxy it returns, with its graft, becomes the function body.  Keys that
existed before tracing began belong to the enclosing scope and are hoisted
out of the body (``function_graft(..., first_guid=...)``), so a closure over an
outer proxy refers to it rather than copying it.

Typing is contravariant in the arguments and covariant in the return type:
a ``Function[Number, Int]`` is a ``Function[Int, Number]``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.graft import client
from gpucompute.types._ops import init_from, reject_other_operators
from gpucompute.types.core import (
    GenericProxytype,
    Proxytype,
    _short,
    is_concrete,
    merge_params,
    promote,
    type_name,
)

__all__ = ["Function"]


def _is_type(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, Proxytype)


class Function(GenericProxytype):
    """A proxy function with typed arguments and return value.

    Parameters
    ----------
    obj
        A Python callable (traced with this type's argument types), the name
        of a builtin (a key reference such as ``"wf.add"``), or another
        ``Function`` proxy of a compatible type.

    Examples
    --------
    >>> from gpucompute.types.primitives import Int
    >>> inc = Function[Int, Int](lambda x: x + 1)
    >>> type(inc(1)).__name__
    'Int'
    """

    __slots__ = ()

    def __init__(self, obj: Any) -> None:
        cls = type(self)
        if cls._type_params is None:
            raise ProxyTypeError("Function needs its types, e.g. wf.Function[wf.Int, wf.Int](lambda x: x + 1)")
        if isinstance(obj, str):
            init_from(self, cls._from_graft(client.keyref_graft(obj)))
        elif isinstance(obj, Function):
            if not isinstance(obj, cls):
                raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(obj)}")
            init_from(self, obj)
        elif callable(obj):
            init_from(self, cls._trace(obj, cls._arg_types(), cls._type_params[-1], type_name(cls)))
        else:
            raise ProxyTypeError(f"{type_name(cls)} takes a callable or a builtin name, got {_short(obj)}")

    # -- type parameters ------------------------------------------------------------
    @classmethod
    def _check_type_params(cls, params: tuple[Any, ...]) -> tuple[Any, ...]:
        if not params or not _is_type(params[-1]):
            raise ProxyTypeError(f"Function[...] must end with the return type, got {params!r}")
        *args, ret = params
        kwargs: dict[str, type] = {}
        if args and isinstance(args[-1], Mapping):
            kwargs = dict(args.pop())
        for t in [*args, *kwargs.values()]:
            if not _is_type(t):
                raise ProxyTypeError(f"Function[...] argument types must be proxy types, got {t!r}")
        return (*args, kwargs, ret) if kwargs else (*args, ret)

    @classmethod
    def _arg_types(cls) -> tuple[type, ...]:
        params = cls._type_params[:-1]
        return tuple(p for p in params if not isinstance(p, Mapping))

    @classmethod
    def _kwarg_types(cls) -> dict[str, type]:
        params = cls._type_params[:-1]
        return dict(params[-1]) if params and isinstance(params[-1], Mapping) else {}

    @property
    def _return_type(self) -> type:
        """The proxy type this function returns."""
        return type(self)._type_params[-1]

    @staticmethod
    def _params_accept(wanted: tuple[Any, ...], given: tuple[Any, ...]) -> bool:
        if len(wanted) != len(given):
            return False
        for w, g in zip(wanted[:-1], given[:-1]):
            if isinstance(w, Mapping) and isinstance(g, Mapping):
                if set(w) != set(g) or not all(issubclass(w[k], g[k]) for k in w):
                    return False
            elif not (_is_type(w) and _is_type(g) and issubclass(w, g)):
                return False
        return issubclass(given[-1], wanted[-1])

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_callable(cls, func: Callable | None = None, *arg_types: type, return_type: type | None = None) -> Any:
        """Trace ``func`` into a ``Function``; also a decorator that reads the annotations.

        Parameters
        ----------
        func
            A Python function taking positional parameters without defaults.
        *arg_types
            The proxy type of each parameter; read from the annotations when omitted.
        return_type
            The expected return type (checked); inferred from the result when omitted.

        Raises
        ------
        ProxyTypeError
            For a parameter without a type, or a result of the wrong type.
        """
        if func is None:
            return lambda f: cls.from_callable(f, *arg_types, return_type=return_type)
        if not arg_types or return_type is None:
            names, hints = _signature(func)
            if not arg_types:
                missing = [n for n in names if n not in hints]
                if missing:
                    raise ProxyTypeError(
                        f"Function.from_callable: give the type of parameter(s) {missing} as arguments "
                        "or annotations"
                    )
                arg_types = tuple(hints[n] for n in names)
            if return_type is None:
                return_type = hints.get("return")
        return cls._trace(func, tuple(arg_types), return_type, "Function.from_callable")

    @classmethod
    def from_object(cls, obj: Proxytype) -> Function:
        """A function of the parameters ``obj`` depends on (in the order of ``obj.params``)."""
        if not isinstance(obj, Proxytype):
            raise ProxyTypeError(f"Function.from_object needs a proxy, got {type_name(obj)}")
        names = [p._param_name for p in obj.params]
        graft = client.function_graft(obj.graft, *names)
        fn_type = Function[(*(type(p) for p in obj.params), type(obj))]
        return fn_type._from_graft(graft)

    @classmethod
    def _trace(cls, func: Any, arg_types: tuple[type, ...], return_type: type | None, where: str) -> Function:
        """The ``Function[arg_types..., R]`` proxy of ``func``; ``R`` is checked against ``return_type``.

        ``func`` may already be a ``Function`` proxy, which is type-checked instead.
        """
        if isinstance(func, Function):
            wanted = Function[(*arg_types, return_type or func._return_type)]
            if not isinstance(func, wanted):
                raise ProxyTypeError(f"{where}: expected {type_name(wanted)}, got {type_name(func)}")
            return func
        if not callable(func):
            raise ProxyTypeError(f"{where}: expected a function, got {type_name(func)} ({_short(func)})")
        names, _ = _signature(func)
        if len(names) != len(arg_types):
            raise ProxyTypeError(
                f"{where}: the function must take {len(arg_types)} argument(s) "
                f"({', '.join(type_name(t) for t in arg_types)}), but it takes {len(names)}: {names}"
            )
        for t in arg_types:
            if not (_is_type(t) and is_concrete(t)):
                raise ProxyTypeError(f"{where}: argument types must be concrete proxy types, got {t!r}")
        first_guid = client.guid()
        args = [t._from_graft(client.keyref_graft(name)) for name, t in zip(names, arg_types)]
        result = func(*args)
        if return_type is not None:
            result = promote(result, return_type, f"{where}: the function's result")
        elif not isinstance(result, Proxytype):
            from gpucompute.types.proxify import proxify

            result = proxify(result)
        clash = sorted(set(names) & {p._param_name for p in result.params})
        if clash:
            raise ProxyTypeError(
                f"{where}: the function's parameter(s) {clash} have the same name as wf.parameter(s) it uses; "
                "rename one of them"
            )
        graft = client.function_graft(result, *names, first_guid=first_guid)
        fn_type = Function[(*arg_types, return_type or type(result))]
        return fn_type._from_graft(graft, merge_params(result))

    # -- calling ----------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Apply the function: the arguments are promoted to its argument types."""
        cls = type(self)
        types = cls._arg_types()
        where = f"{type_name(cls)} call"
        if len(args) != len(types):
            raise ProxyTypeError(f"{where}: takes {len(types)} positional argument(s), got {len(args)}")
        kwtypes = cls._kwarg_types()
        unknown = sorted(set(kwargs) - set(kwtypes))
        if unknown:
            raise ProxyTypeError(f"{where}: unexpected keyword argument(s) {unknown}")
        missing = sorted(set(kwtypes) - set(kwargs))
        if missing:
            raise ProxyTypeError(f"{where}: missing keyword argument(s) {missing}")
        promoted = [promote(a, t, f"{where} argument {i}") for i, (a, t) in enumerate(zip(args, types))]
        named = {k: promote(v, kwtypes[k], f"{where} argument {k!r}") for k, v in kwargs.items()}
        return self._return_type._from_apply(self, *promoted, **named)

    @classmethod
    def _promote(cls, value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if cls._type_params is not None and (callable(value) and not isinstance(value, Proxytype)):
            return cls(value)
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")


def _signature(func: Callable) -> tuple[list[str], dict[str, Any]]:
    """The positional parameter names of ``func`` and its evaluated annotations."""
    try:
        sig = inspect.signature(func, eval_str=True)
    except (TypeError, ValueError, NameError) as exc:
        raise ProxyTypeError(f"cannot read the signature of {func!r}: {exc}") from None
    names = []
    for p in sig.parameters.values():
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) or p.default is not p.empty:
            raise ProxyTypeError(
                f"functions traced into grafts take positional parameters without defaults; "
                f"{getattr(func, '__name__', func)!r} has {p}"
            )
        names.append(p.name)
    hints = {n: p.annotation for n, p in sig.parameters.items() if p.annotation is not p.empty}
    if sig.return_annotation is not sig.empty:
        hints["return"] = sig.return_annotation
    return names, hints


reject_other_operators(Function)
