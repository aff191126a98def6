"""The proxy core: every lazy Workflows object is a :class:`Proxytype`.

A proxy holds a graft (the JSON recipe of its value) and the parameters the
recipe depends on.  It never holds the value itself: operations on it build
bigger grafts, and :meth:`Proxytype.compute` hands the graft to the engine.

Construction is private: ``Cls._from_graft`` wraps an existing graft,
``Cls._from_apply`` records a builtin applied to arguments, ``Cls._as_param``
makes a named parameter.  Public constructors (``wf.Int(1)``) are built on
these.  Types are checked here, when the graph is built, so a wrong argument
fails at the line that wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from gpucompute.errors import ParameterError, ProxyTypeError, ProxyUsageError
from gpucompute.graft import client

__all__ = [
    "Proxytype",
    "GenericProxytype",
    "NumPyMixin",
    "merge_params",
    "promote",
    "type_name",
    "is_concrete",
    "own_or_cast",
]

P = TypeVar("P", bound="Proxytype")


def type_name(obj_or_type: Any) -> str:
    """A readable name for a proxy type (``List[Int]``) or for a value's type."""
    cls = obj_or_type if isinstance(obj_or_type, type) else type(obj_or_type)
    return cls.__dict__.get("_display_name") or cls.__name__


def merge_params(*objects: Any) -> tuple[Proxytype, ...]:
    """The parameters of all ``objects`` together; two different parameters may not share a name."""
    merged: dict[str, Proxytype] = {}
    for obj in objects:
        for param in getattr(obj, "params", ()):
            name = param._param_name
            known = merged.get(name)
            if known is None:
                merged[name] = param
            elif known is not param and (type(known) is not type(param)):
                raise ParameterError(
                    f"two different parameters are both named {name!r} "
                    f"({type_name(known)} and {type_name(param)}); give them different names"
                )
    return tuple(merged.values())


class Proxytype:
    """Base of every proxy type.  Instances are immutable and never hold a computed value."""

    __slots__ = ("_graft", "_lazy_node", "params", "_param_name", "__weakref__")

    _display_name: str | None = None
    #: True for types whose values are arrays, so that their grafts may run as one compiled program.
    _compiled: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise ProxyTypeError(f"{type_name(self)} cannot be constructed directly")

    # -- private construction --------------------------------------------------------------
    @classmethod
    def _from_graft(cls: type[P], graft: dict[str, Any], params: Iterable[Proxytype] = ()) -> P:
        """Wrap an existing graft without running ``__init__``."""
        obj = object.__new__(cls)
        object.__setattr__(obj, "_graft", graft)
        object.__setattr__(obj, "_lazy_node", None)
        object.__setattr__(obj, "params", tuple(params))
        object.__setattr__(obj, "_param_name", None)
        return obj

    @classmethod
    def _from_apply(cls: type[P], function: Any, *args: Any, **kwargs: Any) -> P:
        """Record ``function`` (a builtin name, or a Function proxy) applied to the arguments.

        The flat graft is built on first access to :attr:`graft`, so chains of
        operations cost time linear in their length.
        """
        obj = cls._from_graft(None, merge_params(function, *args, *kwargs.values()))
        object.__setattr__(obj, "_lazy_node", client.lazy_apply(function, *args, **kwargs))
        return obj

    @property
    def graft(self) -> dict[str, Any]:
        """The JSON graft of this proxy's value (built on first access and kept)."""
        graft = self._graft
        if graft is None:
            graft = self._lazy_node.materialize()
            object.__setattr__(self, "_graft", graft)
        return graft

    @graft.setter
    def graft(self, graft: dict[str, Any]) -> None:
        object.__setattr__(self, "_graft", graft)
        object.__setattr__(self, "_lazy_node", None)

    @classmethod
    def _as_param(cls: type[P], name: str) -> P:
        """A proxy standing for the parameter ``name``: its value is given at compute time."""
        if not is_concrete(cls):
            raise ProxyTypeError(f"a parameter needs a concrete type, got the generic {type_name(cls)}")
        if not isinstance(name, str) or not name.isidentifier():
            raise ParameterError(f"a parameter name must be a Python identifier, got {name!r}")
        obj = cls._from_graft(client.keyref_graft(name))
        object.__setattr__(obj, "_param_name", name)
        object.__setattr__(obj, "params", (obj,))
        return obj

    @classmethod
    def _promote(cls: type[P], value: Any) -> P:
        """Return ``value`` as an instance of ``cls`` or raise :class:`ProxyTypeError`.

        Subclasses widen this to accept Python values (``Int._promote(3)``).
        """
        if isinstance(value, cls):
            return value
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        """Turn the engine's host value for this type into what ``compute`` returns.

        ``value`` has already been moved to the host (NumPy arrays, Python
        scalars, lists, dicts).  Subclasses narrow it: ``Int`` returns ``int``,
        ``Datetime`` returns ``datetime.datetime``.
        """
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type_name(self)} proxies are immutable; operations return new proxies")

    # -- things a lazy value cannot do --------------------------------------------------------
    def __bool__(self) -> bool:
        raise ProxyUsageError(
            f"the truth value of a {type_name(self)} proxy is not known until it is computed; "
            "use wf.ifelse(condition, a, b) for lazy branching, or call .compute() first"
        )

    def __len__(self) -> int:
        raise ProxyUsageError(
            f"the length of a {type_name(self)} proxy is not known until it is computed; "
            "use .length() for a lazy Int, or call .compute() first"
        )

    def __iter__(self):
        raise ProxyUsageError(
            f"a {type_name(self)} proxy cannot be iterated before it is computed; "
            "use .map(function) for a lazy loop, or call .compute() first"
        )

    def __contains__(self, item: Any) -> bool:
        raise ProxyUsageError(
            f"'in' cannot test a {type_name(self)} proxy before it is computed; use .contains(item) instead"
        )

    def __reduce__(self):
        raise ProxyUsageError(
            f"{type_name(self)} proxies are not pickled; share their graft as JSON (obj.graft) instead"
        )

    def __repr__(self) -> str:
        return f"<{type_name(self)} proxy returning key {self.graft.get('returns')!r}>"

    # -- evaluation (the engine lives in gpucompute.execution) --------------------------------
    def compute(self, geoctx: Any = None, *, format: Any = "python", destination: Any = None, file: Any = None,
                timeout: float | None = None, block: bool = True, progress_bar: bool | None = None,
                cache: bool = True, cluster: Any = None, memory_budget: Any = None, on_device: bool = False,
                **arguments: Any) -> Any:
        """Evaluate this proxy and return its value as Python / NumPy objects.

        Parameters
        ----------
        geoctx
            The GeoContext that imagery is computed for, when the graft reads rasters.
        format, destination, file, timeout, block, progress_bar, cache, cluster, memory_budget
            As for :func:`gpucompute.compute` (``block=False`` returns a ``Job``).
        on_device
            Keep arrays on the backend's device instead of copying them to NumPy.
        **arguments
            Values of the parameters (``wf.parameter``) the proxy depends on.
        """
        from gpucompute.execution import compute

        return compute(self, geoctx, format=format, destination=destination, file=file, timeout=timeout,
                       block=block, progress_bar=progress_bar, cache=cache, cluster=cluster,
                       memory_budget=memory_budget, on_device=on_device, **arguments)

    def inspect(self, geoctx: Any = None, *, format: Any = "python", file: Any = None, cache: bool = True,
                timeout: float | None = None, **arguments: Any) -> Any:
        """Compute quickly and synchronously: meant for small results (a pixel, a number, a list)."""
        from gpucompute.execution import inspect

        return inspect(self, geoctx, format=format, file=file, cache=cache, timeout=timeout, **arguments)

    def publish(self, id: str, version: str, title: str = "", description: str = "", labels: Any = None,  # noqa: A002
                tags: Any = None, docstring: str = "", version_labels: Any = None, viz_options: Any = None) -> Any:
        """Publish this proxy as ``version`` of workflow ``id`` in the catalog; see :func:`gpucompute.publish`.

        Returns
        -------
        Workflow
            The workflow, with this version added.
        """
        from gpucompute.models import publish_proxy

        return publish_proxy(self, id, version, title=title, description=description, labels=labels, tags=tags,
                             docstring=docstring, version_labels=version_labels, viz_options=viz_options)


def own_or_cast(cls: type[P], value: Any) -> P | None:
    """``value`` as a ``cls`` when it already is one, or is an ``Any`` proxy (re-typed, same graft).

    The first step of most ``_promote`` methods; ``None`` means the caller
    goes on to try Python values.
    """
    if isinstance(value, cls):
        return value
    from gpucompute.types.anytype import Any as AnyProxy

    if isinstance(value, AnyProxy) and is_concrete(cls):
        return value.cast(cls)
    return None


def is_concrete(cls: type) -> bool:
    """False for an unparametrised generic such as bare ``List``."""
    return not (issubclass(cls, GenericProxytype) and cls._type_params is None)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def promote(value: Any, expected: type | tuple[type, ...], where: str) -> Proxytype:
    """Promote ``value`` to the first of ``expected`` that accepts it, else raise at the call site.

    Parameters
    ----------
    value
        A proxy or a Python / NumPy value.
    expected
        One proxy type or several, tried in order.
    where
        The operation and argument, used in the error message (``"Int.__add__ other"``).
    """
    types = expected if isinstance(expected, tuple) else (expected,)
    for cls in types:
        try:
            return cls._promote(value)
        except ProxyTypeError:
            continue
    wanted = " or ".join(type_name(t) for t in types)
    raise ProxyTypeError(f"{where}: expected {wanted}, got {type_name(value)} ({_short(value)})")


class _GenericMeta(type):
    """Metaclass giving ``List[Int]``-style parametrisation with covariant ``isinstance``."""

    def __getitem__(cls, params: Any) -> type:
        if cls._type_params is not None:
            raise ProxyTypeError(f"{type_name(cls)} is already parametrised")
        params = params if isinstance(params, tuple) else (params,)
        params = cls._check_type_params(params)
        cache = cls.__dict__.get("_concrete_cache")
        if cache is None:
            cache = {}
            type.__setattr__(cls, "_concrete_cache", cache)
        key = tuple(_param_key(p) for p in params)
        concrete = cache.get(key)
        if concrete is None:
            name = f"{cls.__name__}[{', '.join(_param_name(p) for p in params)}]"
            namespace = {"__slots__": (), "_type_params": params, "_display_name": name, "__module__": cls.__module__}
            concrete = type(cls)(name, (cls,), namespace)
            cache[key] = concrete
        return concrete

    def __instancecheck__(cls, obj: Any) -> bool:
        return cls.__subclasscheck__(type(obj))

    def __subclasscheck__(cls, sub: type) -> bool:
        if type.__subclasscheck__(cls, sub):
            return True
        generic = cls._generic_base()
        if cls._type_params is None or not isinstance(sub, _GenericMeta) or sub._type_params is None:
            return False
        if not type.__subclasscheck__(generic, sub):
            return False
        return cls._params_accept(cls._type_params, sub._type_params)


def _param_key(param: Any) -> Any:
    if isinstance(param, dict):
        return tuple(sorted((k, _param_key(v)) for k, v in param.items()))
    if isinstance(param, (list, tuple)):
        return tuple(_param_key(p) for p in param)
    return param


def _param_name(param: Any) -> str:
    if isinstance(param, dict):
        return "{" + ", ".join(f"{k!r}: {_param_name(v)}" for k, v in param.items()) + "}"
    if isinstance(param, (list, tuple)):
        return "[" + ", ".join(_param_name(p) for p in param) + "]"
    return type_name(param) if isinstance(param, type) else repr(param)


class GenericProxytype(Proxytype, metaclass=_GenericMeta):
    """A proxy type with type parameters, such as ``List[Int]`` or ``Dict[Str, Float]``."""

    __slots__ = ()
    _type_params: tuple[Any, ...] | None = None

    @classmethod
    def _check_type_params(cls, params: tuple[Any, ...]) -> tuple[Any, ...]:
        for param in params:
            if not (isinstance(param, type) and issubclass(param, Proxytype)):
                raise ProxyTypeError(f"{cls.__name__}[...] takes proxy types, got {_short(param)}")
        return params

    @classmethod
    def _generic_base(cls) -> type:
        for klass in cls.__mro__:
            if klass.__dict__.get("_type_params", "unset") is None or "_concrete_cache" in klass.__dict__:
                return klass
        return cls

    @staticmethod
    def _params_accept(wanted: tuple[Any, ...], given: tuple[Any, ...]) -> bool:
        """Covariance: ``List[Int]`` is a ``List[Any]``; parameters are compared element by element."""
        if len(wanted) != len(given):
            return False
        for w, g in zip(wanted, given):
            if isinstance(w, type) and isinstance(g, type):
                if not issubclass(g, w):
                    return False
            elif _param_key(w) != _param_key(g):
                return False
        return True


class NumPyMixin:
    """NEP 13 / NEP 18 hooks: ``np.add(proxy, 1)`` and ``np.mean(proxy)`` return proxies.

    The routing tables live in :mod:`gpucompute.numpy`; they are imported on
    first use so the type layer does not depend on them at import time.
    """

    __slots__ = ()
    __array_priority__ = 100

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        from gpucompute.numpy._dispatch import array_ufunc

        return array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Callable, types: Any, args: tuple, kwargs: dict) -> Any:
        from gpucompute.numpy._dispatch import array_function

        return array_function(func, types, args, kwargs)
