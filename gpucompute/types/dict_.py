"""``Dict[K, V]`` and ``KnownDict[{key: T}, K, V]``: proxy mappings.

``Dict[Str, Int]({"a": 1})`` records the keyword form
``["wf.dict.create", {"a": <1>}]`` (every key a Python ``str``); any other
keys give the positional form ``["wf.dict.create", k1, v1, k2, v2, ...]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.types._ops import init_from, reject_other_operators
from gpucompute.types.collection import check_element
from gpucompute.types.core import (
    GenericProxytype,
    Proxytype,
    _short,
    own_or_cast,
    promote,
    type_name,
)
from gpucompute.types.primitives import Bool, Int

__all__ = ["Dict", "KnownDict"]


class Dict(GenericProxytype):
    """A proxy dict with keys of type ``K`` and values of type ``V``.

    Parameters
    ----------
    dct
        A Python mapping (keys and values promoted) or a ``Dict`` of this type.
    **kwargs
        More string-keyed items.
    """

    __slots__ = ()
    _op_priority = 5

    def __init__(self, dct: Any = None, **kwargs: Any) -> None:
        cls = type(self)
        if cls._type_params is None:
            raise ProxyTypeError("Dict needs key and value types, e.g. wf.Dict[wf.Str, wf.Int]({'a': 1})")
        if isinstance(dct, Dict):
            if kwargs or not isinstance(dct, cls):
                raise ProxyTypeError(f"{type_name(cls)}: cannot build from a {type_name(dct)}")
            init_from(self, dct)
            return
        if dct is not None and not isinstance(dct, Mapping):
            raise ProxyTypeError(f"{type_name(cls)} takes a mapping, got {type_name(dct)} ({_short(dct)})")
        items = {**(dct or {}), **kwargs}
        init_from(self, cls._build(items))

    @classmethod
    def _check_type_params(cls, params: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(params) != 2:
            raise ProxyTypeError(f"Dict[K, V] takes a key type and a value type, got {len(params)} parameters")
        return super()._check_type_params(params)

    @classmethod
    def _key_type(cls) -> type:
        return cls._type_params[-2]

    @classmethod
    def _value_type(cls, key: Any = None) -> type:
        return cls._type_params[-1]

    @classmethod
    def _build(cls, items: dict) -> Any:
        where = type_name(cls)
        ktype = cls._key_type()
        from gpucompute.types.anytype import Any as AnyProxy
        from gpucompute.types.string import Str

        if ktype in (Str, AnyProxy) and all(isinstance(k, str) for k in items):
            values = {k: check_element(v, cls._value_type(k), where, k) for k, v in items.items()}
            return cls._from_apply("wf.dict.create", **values)
        flat = []
        for k, v in items.items():
            flat.append(check_element(k, ktype, where + " key", k))
            flat.append(check_element(v, cls._value_type(k), where, k))
        return cls._from_apply("wf.dict.create", *flat)

    @classmethod
    def from_pairs(cls, pairs: Any) -> Dict:
        """A dict from a ``List[Tuple[K, V]]`` (or a Python list of pairs), as ``wf.dict.from_pairs``."""
        from gpucompute.types.list_ import List
        from gpucompute.types.tuple_ import Tuple

        if cls._type_params is None:
            lst = List._promote(pairs)
            element = lst._element_type
            if not (issubclass(element, Tuple) and element._type_params and len(element._type_params) == 2):
                raise ProxyTypeError(f"Dict.from_pairs needs a list of (key, value) pairs, got {type_name(lst)}")
            target = Dict[element._type_params]
        else:
            target = cls
            lst = promote(pairs, List[Tuple[cls._key_type(), cls._value_type()]], f"{type_name(cls)}.from_pairs")
        return target._from_apply("wf.dict.from_pairs", lst)

    @classmethod
    def _promote(cls, value: Any) -> Any:
        promoted = own_or_cast(cls, value)
        if promoted is not None:
            return promoted
        if isinstance(value, Mapping):
            if cls._type_params is None:
                from gpucompute.types.proxify import proxify

                return proxify(dict(value))
            return cls(value)
        raise ProxyTypeError(f"expected {type_name(cls)}, got {type_name(value)} ({_short(value)})")

    @classmethod
    def _unmarshal(cls, value: Any) -> dict:
        if cls._type_params is None:
            return dict(value)
        ktype = cls._key_type()
        return {ktype._unmarshal(k): cls._value_type(k)._unmarshal(v) for k, v in value.items()}

    def __getitem__(self, key: Any) -> Any:
        """``d[key]`` as ``wf.get``; a missing key fails when computed."""
        k = promote(key, self._key_type(), f"{type_name(self)}[]")
        return self._value_type(key)._from_apply("wf.get", self, k)

    def get(self, key: Any, default: Any) -> Any:
        """``d[key]``, or ``default`` (of the value type) when the key is missing (``wf.get``)."""
        where = f"{type_name(self)}.get()"
        k = promote(key, self._key_type(), where + " argument 'key'")
        vtype = self._value_type(key)
        d = promote(default, vtype, where + " argument 'default'")
        return vtype._from_apply("wf.get", self, k, default=d)

    def contains(self, key: Any) -> Bool:
        """Whether ``key`` is a key (``wf.contains``)."""
        k = promote(key, self._key_type(), f"{type_name(self)}.contains()")
        return Bool._from_apply("wf.contains", self, k)

    def length(self) -> Int:
        """The number of items (``wf.length``)."""
        return Int._from_apply("wf.length", self)

    def keys(self) -> Any:
        """The keys, as a ``List[K]`` (``wf.dict.keys``)."""
        from gpucompute.types.list_ import List

        return List[self._key_type()]._from_apply("wf.dict.keys", self)

    def values(self) -> Any:
        """The values, as a ``List[V]`` (``wf.dict.values``)."""
        from gpucompute.types.list_ import List

        return List[self._value_type()]._from_apply("wf.dict.values", self)

    def items(self) -> Any:
        """The ``(key, value)`` pairs, as a ``List[Tuple[K, V]]`` (``wf.dict.items``)."""
        from gpucompute.types.list_ import List
        from gpucompute.types.tuple_ import Tuple

        return List[Tuple[self._key_type(), self._value_type()]]._from_apply("wf.dict.items", self)


class KnownDict(Dict):
    """A ``Dict[K, V]`` in which some keys have fixed value types: ``KnownDict[{"date": Datetime}, Str, Any]``.

    ``d["date"]`` is a ``Datetime``; any other key gives a ``V``.
    """

    __slots__ = ()

    @classmethod
    def _check_type_params(cls, params: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(params) == 2:
            params = ({},) + tuple(params)
        if len(params) != 3 or not isinstance(params[0], Mapping):
            raise ProxyTypeError(f"KnownDict[{{key: type}}, K, V] takes a dict and two types, got {params!r}")
        known = dict(params[0])
        for name, kind in known.items():
            if not (isinstance(kind, type) and issubclass(kind, Proxytype)):
                raise ProxyTypeError(f"KnownDict: the type of key {name!r} must be a proxy type, got {kind!r}")
        GenericProxytype._check_type_params.__func__(cls, params[1:])
        return (known, params[1], params[2])

    @classmethod
    def _value_type(cls, key: Any = None) -> type:
        known = cls._type_params[0]
        if isinstance(key, str) and key in known:
            return known[key]
        return cls._type_params[-1]


reject_other_operators(Dict)
