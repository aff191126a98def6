"""Pieces every Dynamic Compute module uses: ``DotDict``, band lists, axes and re-typing of inherited methods."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any

from gpucompute.errors import ProxyTypeError

__all__ = [
    "REDUCERS",
    "DotDict",
    "band_list",
    "band_string",
    "check_axis",
    "install_retyping",
    "normalize_date",
    "recast",
]

#: The reducers ``reduction`` and the reduction methods accept, by name.
REDUCERS = ("max", "min", "mean", "median", "sum", "std", "argmax", "argmin")


class DotDict(dict):
    """A ``dict`` whose keys can also be read and written as attributes (``result.ndarray``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"this DotDict has no key {name!r}; its keys are {sorted(self)!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {k for k in self if isinstance(k, str)})


def band_list(bands: Any, where: str) -> list[str]:
    """Band names from a space-separated string or a list of strings (never empty, no repeats)."""
    if isinstance(bands, str):
        names = bands.split()
    elif isinstance(bands, (list, tuple)) and all(isinstance(b, str) for b in bands):
        names = [n for b in bands for n in b.split()]
    else:
        raise ProxyTypeError(f"{where}: bands must be a space-separated str or a list of str, got {bands!r}")
    if not names:
        raise ProxyTypeError(f"{where}: give at least one band name, got {bands!r}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ProxyTypeError(f"{where}: band name(s) {repeated} are given more than once in {bands!r}")
    return names


def band_string(bands: Any, where: str) -> str:
    """``band_list`` joined with spaces, the form stored in grafts."""
    return " ".join(band_list(bands, where))


def check_axis(axis: Any, allowed: tuple[str, ...], where: str) -> str:
    """``axis`` if it is one of ``allowed``; a missing or other axis is a :class:`ProxyTypeError`."""
    if axis is NO_AXIS:
        raise ProxyTypeError(f"{where} needs an axis (Dynamic Compute has no default); pass axis= one of "
                             f"{', '.join(repr(a) for a in allowed)}")
    if not isinstance(axis, str) or axis not in allowed:
        raise ProxyTypeError(f"{where}: axis must be one of {', '.join(repr(a) for a in allowed)}, got {axis!r}")
    return axis


class _NoAxis:
    def __repr__(self) -> str:
        return "<required>"


#: Default of the ``axis`` argument of the reductions: stands for "not given".
NO_AXIS: Any = _NoAxis()


def normalize_date(value: Any) -> Any:
    """Dates as ISO strings (``datetime``/``date``), other values (strings, proxies, None) unchanged."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day).isoformat()
    return value


# ---- re-typing what the Workflows methods return -------------------------------------------------------
def recast(value: Any, mapping: dict[type, type]) -> Any:
    """``value`` with every proxy whose exact type is a key of ``mapping`` re-typed to its value.

    The graft (built or still lazy) and the parameters are shared, so this costs nothing.
    """
    target = mapping.get(type(value))
    if target is not None:
        obj = object.__new__(target)
        for slot in ("_graft", "_lazy_node", "params", "_param_name"):
            object.__setattr__(obj, slot, object.__getattribute__(value, slot))
        return obj
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(recast(v, mapping) for v in value)
    if isinstance(value, list):
        return [recast(v, mapping) for v in value]
    return value


_NOT_WRAPPED = frozenset({
    "__init__", "__new__", "__init_subclass__", "__getattribute__", "__getattr__", "__setattr__", "__delattr__",
    "__repr__", "__str__", "__bool__", "__len__", "__iter__", "__contains__", "__reduce__", "__reduce_ex__",
    "__class_getitem__", "__hash__", "__dir__", "__format__", "__sizeof__", "__subclasshook__", "__weakref__",
    "__slots__", "__doc__", "__module__", "__dict__", "__getstate__", "__setstate__", "__copy__", "__deepcopy__",
    "__instancecheck__", "__subclasscheck__",
})


def install_retyping(cls: type, base: type, mapping: Callable[[], dict[type, type]]) -> None:
    """Wrap the methods ``cls`` inherits from ``base`` so that Workflows imagery results come back as DC types.

    ``Image`` results become ``Mosaic`` and ``ImageCollection`` results
    ``ImageStack`` (``mapping()`` gives the table), so operators and the other
    shared methods keep the Dynamic Compute methods on their results.
    Methods ``cls`` defines itself (or takes from a class before ``base``) are left alone.
    """
    seen: set[str] = set()
    for klass in cls.__mro__:
        if klass is base:
            break
        seen.update(vars(klass))
    for klass in base.__mro__:
        if klass is object or klass.__module__.startswith("gpucompute.types.core"):
            continue
        for name, attr in vars(klass).items():
            if name in seen or name in _NOT_WRAPPED:
                continue
            seen.add(name)
            if isinstance(attr, (staticmethod, classmethod, property, type)) or not callable(attr):
                continue
            if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                continue
            setattr(cls, name, _retyped(attr, mapping))


def _retyped(method: Callable, mapping: Callable[[], dict[type, type]]) -> Callable:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        return result if result is NotImplemented else recast(result, mapping())

    return call
