"""``Datetime`` and ``Timedelta``: proxies of ``datetime.datetime`` (always UTC) and ``datetime.timedelta``.

Both are records (``Struct``) of ``Int`` fields read with ``wf.getattr``.
Their operators use the generic ``wf.*`` operator builtins: ``Datetime +
Timedelta`` is a ``Datetime``, ``Datetime - Datetime`` a ``Timedelta``,
``Datetime // Timedelta`` floors to a multiple of the interval since the Unix
epoch and ``Datetime % Timedelta`` is the remainder of that division.
"""

from __future__ import annotations

import datetime
import numbers
from typing import Any

import numpy as np

from gpucompute.errors import ProxyTypeError
from gpucompute.types._ops import (
    Param,
    attach_binary,
    attach_unary,
    call_builtin,
    init_from,
    reject_other_operators,
)
from gpucompute.types.core import _short, own_or_cast, type_name
from gpucompute.types.primitives import Bool, Float, Int
from gpucompute.types.string import Str
from gpucompute.types.struct import Struct

__all__ = ["Datetime", "Timedelta"]

_NUMBER = (Int, Float)
_DATETIME_FIELDS = ("year", "month", "day", "hour", "minute", "second", "microsecond")
_TIMEDELTA_FIELDS = ("days", "seconds", "microseconds")


class Timedelta(Struct[{name: Int for name in _TIMEDELTA_FIELDS}]):
    """A proxy duration, like ``datetime.timedelta``.

    Built from components (``wf.timedelta.from_components``); the fields
    ``days``, ``seconds`` and ``microseconds`` are normalised as Python does.
    """

    __slots__ = ()
    _display_name = None
    _constructor = "wf.timedelta.from_components"
    _op_priority = 6

    def __init__(
        self,
        days: Any = 0,
        seconds: Any = 0,
        microseconds: Any = 0,
        milliseconds: Any = 0,
        minutes: Any = 0,
        hours: Any = 0,
        weeks: Any = 0,
    ) -> None:
        parts = {"days": days, "seconds": seconds, "microseconds": microseconds, "milliseconds": milliseconds,
                 "minutes": minutes, "hours": hours, "weeks": weeks}
        signature = [Param(name, _NUMBER, 0) for name in parts]
        init_from(self, call_builtin(self._constructor, Timedelta, self, (), signature, (), parts, "Timedelta"))

    @classmethod
    def _promote(cls, value: Any) -> Timedelta:
        promoted = own_or_cast(cls, value)
        if promoted is not None:
            return promoted
        if isinstance(value, np.timedelta64):
            value = value.astype("timedelta64[us]").item()
        if isinstance(value, datetime.timedelta):
            return cls(days=value.days, seconds=value.seconds, microseconds=value.microseconds)
        raise ProxyTypeError(f"expected Timedelta, got {type_name(value)} ({_short(value)})")

    @classmethod
    def _unmarshal(cls, value: Any) -> datetime.timedelta:
        if isinstance(value, datetime.timedelta):
            return value
        return datetime.timedelta(**{k: value[k] for k in _TIMEDELTA_FIELDS})

    def total_seconds(self) -> Float:
        """The duration in seconds, as a ``Float`` (``wf.timedelta.total_seconds``)."""
        return Float._from_apply("wf.timedelta.total_seconds", self)


class Datetime(Struct[{name: Int for name in _DATETIME_FIELDS}]):
    """A proxy point in time (UTC), like ``datetime.datetime``.

    Parameters
    ----------
    year, month, day, hour, minute, second, microsecond
        ``Int`` components (``wf.datetime.from_components``); all but ``year`` are optional.

    Notes
    -----
    ``datetime``/``date`` objects, ISO 8601 strings and numbers (seconds since
    the epoch) promote to ``Datetime``.  Strings without an offset are UTC.
    """

    __slots__ = ()
    _display_name = None
    _constructor = "wf.datetime.from_components"
    _op_priority = 7

    def __init__(
        self, year: Any, month: Any = 1, day: Any = 1, hour: Any = 0, minute: Any = 0, second: Any = 0,
        microsecond: Any = 0,
    ) -> None:
        super().__init__(year=year, month=month, day=day, hour=hour, minute=minute, second=second,
                         microsecond=microsecond)

    @classmethod
    def from_timestamp(cls, seconds: Any) -> Datetime:
        """The UTC time ``seconds`` after the Unix epoch (``wf.datetime.from_timestamp``)."""
        return call_builtin("wf.datetime.from_timestamp", cls, cls, (), [Param("seconds", _NUMBER)], (seconds,), {},
                            "Datetime.from_timestamp")

    @classmethod
    def from_string(cls, string: Any) -> Datetime:
        """Parse an ISO 8601 string such as ``"2019-06-01"`` or ``"2020-03-22T16:37:00Z"`` (``wf.datetime.from_string``)."""
        return call_builtin("wf.datetime.from_string", cls, cls, (), [Param("string", Str)], (string,), {},
                            "Datetime.from_string")

    @classmethod
    def _promote(cls, value: Any) -> Datetime:
        promoted = own_or_cast(cls, value)
        if promoted is not None:
            return promoted
        if isinstance(value, np.datetime64):
            value = value.astype("datetime64[us]").item()
        if isinstance(value, (datetime.datetime, datetime.date)):
            return cls.from_string(value.isoformat())
        if isinstance(value, (str, np.str_)):
            return cls.from_string(str(value))
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            return cls.from_timestamp(value)
        raise ProxyTypeError(f"expected Datetime, got {type_name(value)} ({_short(value)})")

    @classmethod
    def _unmarshal(cls, value: Any) -> datetime.datetime:
        if isinstance(value, datetime.datetime):
            return value
        return datetime.datetime(**{k: value[k] for k in _DATETIME_FIELDS}, tzinfo=datetime.timezone.utc)

    def is_between(self, start: Any, end: Any, inclusive: Any = True) -> Bool:
        """``start <= self <= end`` (or with ``<`` when ``inclusive`` is false), as ``wf.datetime.is_between``."""
        signature = [Param("start", Datetime), Param("end", Datetime), Param("inclusive", Bool, True)]
        return call_builtin("wf.datetime.is_between", Bool, self, (self,), signature, (start, end),
                            {"inclusive": inclusive}, "Datetime.is_between")


def _field(name: str) -> property:
    def get(self: Struct) -> Int:
        return self._attr(name)

    get.__name__ = name
    get.__doc__ = f"The ``{name}`` field, as an ``Int`` (``wf.getattr``)."
    return property(get)


for _name in _DATETIME_FIELDS:
    setattr(Datetime, _name, _field(_name))
for _name in _TIMEDELTA_FIELDS:
    setattr(Timedelta, _name, _field(_name))


def _datetime_sub(self: Any, other: Any) -> type:
    return Timedelta if isinstance(other, Datetime) else Datetime


def _timedelta_div(self: Any, other: Any) -> type:
    return Float if isinstance(other, Timedelta) else Timedelta


def _timedelta_floordiv(self: Any, other: Any) -> type:
    return Int if isinstance(other, Timedelta) else Timedelta


def _divmod_datetime(self: Any, other: Any) -> type:
    from gpucompute.types.tuple_ import Tuple

    return Tuple[Datetime, Timedelta]


def _divmod_timedelta(self: Any, other: Any) -> type:
    from gpucompute.types.tuple_ import Tuple

    return Tuple[Int, Timedelta]


_COMPARE = ("lt", "le", "gt", "ge", "eq", "ne")
attach_binary(
    Datetime,
    [
        ("__add__", "wf.add", Timedelta, Datetime),
        ("__radd__", "wf.add", Timedelta, Datetime),
        ("__sub__", "wf.sub", (Timedelta, Datetime), _datetime_sub),
        ("__rsub__", "wf.sub", Datetime, Timedelta),
        ("__mod__", "wf.mod", Timedelta, Timedelta),
        ("__floordiv__", "wf.floordiv", Timedelta, Datetime),
        ("__divmod__", "wf.divmod", Timedelta, _divmod_datetime),
    ]
    + [(f"__{op}__", f"wf.{op}", Datetime, Bool) for op in _COMPARE],
)
attach_binary(
    Timedelta,
    [
        ("__add__", "wf.add", Timedelta, Timedelta),
        ("__radd__", "wf.add", Timedelta, Timedelta),
        ("__sub__", "wf.sub", Timedelta, Timedelta),
        ("__rsub__", "wf.sub", Timedelta, Timedelta),
        ("__mul__", "wf.mul", _NUMBER, Timedelta),
        ("__rmul__", "wf.mul", _NUMBER, Timedelta),
        ("__truediv__", "wf.div", (Timedelta, Int, Float), _timedelta_div),
        ("__floordiv__", "wf.floordiv", (Timedelta, Int), _timedelta_floordiv),
        ("__mod__", "wf.mod", Timedelta, Timedelta),
        ("__divmod__", "wf.divmod", Timedelta, _divmod_timedelta),
    ]
    + [(f"__{op}__", f"wf.{op}", Timedelta, Bool) for op in _COMPARE],
)
attach_unary(
    Timedelta,
    [("__neg__", "wf.neg", Timedelta), ("__pos__", "wf.pos", Timedelta), ("__abs__", "wf.abs", Timedelta)],
)


def _with_datetimes(method: Any, reflected: bool) -> Any:
    """``Timedelta + datetime`` (either side) is a Datetime; numbers are not taken for timestamps here."""

    def add(self: Timedelta, other: Any) -> Any:
        if isinstance(other, (Datetime, datetime.datetime, datetime.date, np.datetime64)):
            when = Datetime._promote(other)
            return Datetime._from_apply("wf.add", *((when, self) if reflected else (self, when)))
        return method(self, other)

    add.__name__ = method.__name__
    add.__doc__ = method.__doc__
    return add


Timedelta.__add__ = _with_datetimes(Timedelta.__add__, reflected=False)
Timedelta.__radd__ = _with_datetimes(Timedelta.__radd__, reflected=True)
reject_other_operators(Datetime)
reject_other_operators(Timedelta)
