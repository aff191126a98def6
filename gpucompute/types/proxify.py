"""``proxify``: the one entry point that turns a Python or NumPy value into the proxy of its type."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np

from gpucompute.errors import ProxyTypeError
from gpucompute.types.core import Proxytype, _short, type_name

__all__ = ["proxify", "common_type"]


def common_type(types: list[type]) -> type:
    """One proxy type that every element of ``types`` promotes to: the type itself, ``Float`` for a
    mix of ``Int`` and ``Float``, else ``Any``."""
    from gpucompute.types.anytype import Any as AnyProxy
    from gpucompute.types.primitives import Float, Int

    unique = set(types)
    if len(unique) == 1:
        return types[0]
    if unique == {Int, Float}:
        return Float
    return AnyProxy


def proxify(value: Any) -> Proxytype:
    """The proxy for ``value``.

    Proxies are returned unchanged; ``bool``/``int``/``float``/``str``/``None``
    (and NumPy scalars) become ``Bool``/``Int``/``Float``/``Str``/``NoneType``;
    ``datetime``/``date`` and ``timedelta`` become ``Datetime``/``Timedelta``;
    a ``slice`` becomes ``Slice``; lists, tuples and dicts become ``List[T]``,
    ``Tuple[...]`` and ``Dict[K, V]`` with their types inferred from the items;
    a NumPy array becomes an ``Array``.

    Raises
    ------
    ProxyTypeError
        For a value with no proxy type.
    """
    from gpucompute.types import primitives as p
    from gpucompute.types.string import Str

    if isinstance(value, Proxytype):
        return value
    if isinstance(value, (bool, np.bool_)):
        return p.Bool(value)
    if isinstance(value, (int, np.integer)):
        return p.Int(value)
    if isinstance(value, (float, np.floating)):
        return p.Float(value)
    if isinstance(value, (str, np.str_)):
        return Str(value)
    if value is None:
        return p.NoneType(None)
    if isinstance(value, (datetime.datetime, datetime.date)):
        from gpucompute.types.datetimes import Datetime

        return Datetime._promote(value)
    if isinstance(value, datetime.timedelta):
        from gpucompute.types.datetimes import Timedelta

        return Timedelta._promote(value)
    if isinstance(value, slice):
        from gpucompute.types.slice_ import Slice

        return Slice.from_slice(value)
    if isinstance(value, list):
        from gpucompute.types.anytype import Any as AnyProxy
        from gpucompute.types.list_ import List

        items = [proxify(v) for v in value]
        element = common_type([type(i) for i in items]) if items else AnyProxy
        return List[element](items if element is not p.Float else value)
    if isinstance(value, tuple):
        from gpucompute.types.tuple_ import Tuple

        items = [proxify(v) for v in value]
        return Tuple[tuple(type(i) for i in items)](items)
    if isinstance(value, dict):
        from gpucompute.types.anytype import Any as AnyProxy
        from gpucompute.types.dict_ import Dict

        keys = [proxify(k) for k in value]
        vals = [proxify(v) for v in value.values()]
        ktype = common_type([type(k) for k in keys]) if keys else Str
        vtype = common_type([type(v) for v in vals]) if vals else AnyProxy
        return Dict[ktype, vtype](value)
    if isinstance(value, np.ndarray):
        from gpucompute.types.array import Array

        return Array._promote(value)
    raise ProxyTypeError(f"cannot make a proxy of a {type_name(value)} ({_short(value)})")
