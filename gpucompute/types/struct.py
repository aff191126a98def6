"""``Struct[{field: T}]``: a record with named, typed fields.

Built with keyword arguments as ``["wf.struct", {field: value}]`` (subclasses
may name another constructor in ``_constructor``).  A field is read as
``["wf.getattr", obj, "field"]``; each field's proxy is made once per object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._ops import init_from, reject_other_operators
from gpucompute.types.collection import check_element
from gpucompute.types.core import GenericProxytype, Proxytype, _short, own_or_cast, type_name

__all__ = ["Struct"]


class Struct(GenericProxytype):
    """A proxy record.

    Class attributes
    ----------------
    _constructor : str
        The builtin that builds it from keyword arguments (``"wf.struct"``).
    _optional : frozenset
        Fields that may be left out of the constructor (passed as ``None``).
    _read_only : frozenset
        Fields that cannot be given to the constructor.
    """

    __slots__ = ("_items_cache",)
    _constructor = "wf.struct"
    _optional: frozenset = frozenset()
    _read_only: frozenset = frozenset()

    def __init__(self, **fields: Any) -> None:
        cls = type(self)
        if cls._type_params is None:
            raise ProxyTypeError("Struct needs its field types, e.g. wf.Struct[{'x': wf.Int}](x=1)")
        types = cls._fields()
        where = type_name(cls)
        unknown = sorted(set(fields) - set(types))
        if unknown:
            raise ProxyTypeError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; fields are {list(types)}")
        read_only = sorted(set(fields) & set(cls._read_only))
        if read_only:
            raise ProxyTypeError(f"{where}: field(s) {', '.join(map(repr, read_only))} are read-only")
        values = {}
        for name, kind in types.items():
            if name in cls._read_only:
                continue
            if name not in fields:
                if name in cls._optional:
                    values[name] = None
                    continue
                raise ProxyTypeError(f"{where}: missing field {name!r}")
            values[name] = check_element(fields[name], kind, where, name)
        promoted = {k: v for k, v in values.items()}
        init_from(self, cls._from_apply(cls._constructor, **promoted))

    @classmethod
    def _check_type_params(cls, params: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(params) != 1 or not isinstance(params[0], Mapping):
            raise ProxyTypeError(f"Struct[{{field: type}}] takes one dict of field types, got {params!r}")
        for name, kind in params[0].items():
            if not (isinstance(name, str) and name.isidentifier()):
                raise ProxyTypeError(f"Struct: field names must be identifiers, got {name!r}")
            if not (isinstance(kind, type) and issubclass(kind, Proxytype)):
                raise ProxyTypeError(f"Struct: the type of field {name!r} must be a proxy type, got {kind!r}")
        return (dict(params[0]),)

    @classmethod
    def _fields(cls) -> dict[str, type]:
        return cls._type_params[0] if cls._type_params else {}

    @classmethod
    def _promote(cls, value: Any) -> Any:
        promoted = own_or_cast(cls, value)
        if promoted is not None:
            return promoted
        if isinstance(value, Mapping) and cls._type_params is not None:
            return cls(**value)
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")

    @classmethod
    def _unmarshal(cls, value: Any) -> Any:
        types = cls._fields()
        if isinstance(value, Mapping):
            return {k: types[k]._unmarshal(v) if k in types and v is not None else v for k, v in value.items()}
        return value

    def _attr(self, name: str) -> Any:
        """The proxy of field ``name`` (``wf.getattr``), made once per object."""
        try:
            cache = object.__getattribute__(self, "_items_cache")
        except AttributeError:
            cache = {}
            object.__setattr__(self, "_items_cache", cache)
        proxy = cache.get(name)
        if proxy is None:
            kind = type(self)._fields()[name]
            proxy = kind._from_apply("wf.getattr", self, name)
            cache[name] = proxy
        return proxy

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and name in type(self)._fields():
            return self._attr(name)
        raise AttributeError(f"{type_name(self)} has no attribute {name!r}")


reject_other_operators(Struct)
