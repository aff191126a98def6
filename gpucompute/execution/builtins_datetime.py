"""``wf.datetime.*`` and ``wf.timedelta.*``, and the Datetime cases of the ``wf.*`` operators.

Datetimes are always UTC and timezone-aware: strings without an offset are
read as UTC, others are converted to UTC.  ``Datetime // Timedelta`` floors
to a whole number of intervals since the Unix epoch; ``Datetime % Timedelta``
is what that floor leaves over.
"""

from __future__ import annotations

import datetime
from typing import Any

from gpucompute.execution.builtins_core import OPERATOR_HOOKS, scalar, truth
from gpucompute.graft.registry import BUILTINS

__all__ = ["EPOCH", "to_utc"]

UTC = datetime.timezone.utc
#: The origin of ``Datetime // Timedelta`` and of timestamps.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


def to_utc(value: datetime.datetime) -> datetime.datetime:
    """``value`` as an aware UTC datetime (a naive one is taken to be UTC already)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@BUILTINS.register("wf.datetime.from_components")
def from_components(year: Any, month: Any = 1, day: Any = 1, hour: Any = 0, minute: Any = 0, second: Any = 0,
                    microsecond: Any = 0) -> datetime.datetime:
    """``datetime.datetime(...)`` in UTC."""
    parts = [scalar(p) for p in (year, month, day, hour, minute, second, microsecond)]
    return datetime.datetime(*parts, tzinfo=UTC)


@BUILTINS.register("wf.datetime.from_string")
def from_string(text: str) -> datetime.datetime:
    """Parse an ISO 8601 date or datetime (``Z`` and offsets allowed)."""
    return to_utc(datetime.datetime.fromisoformat(text))


@BUILTINS.register("wf.datetime.from_timestamp")
def from_timestamp(seconds: Any) -> datetime.datetime:
    """The UTC datetime ``seconds`` after the epoch."""
    return datetime.datetime.fromtimestamp(scalar(seconds), tz=UTC)


@BUILTINS.register("wf.datetime.is_between")
def is_between(value: datetime.datetime, start: datetime.datetime, end: datetime.datetime,
               inclusive: Any = True) -> bool:
    """``start <= value <= end``, or with strict comparisons when not ``inclusive``."""
    if truth(inclusive):
        return start <= value <= end
    return start < value < end


@BUILTINS.register("wf.timedelta.from_components")
def timedelta_from_components(**parts: Any) -> datetime.timedelta:
    """``datetime.timedelta(days=..., seconds=..., ...)``."""
    return datetime.timedelta(**{k: scalar(v) for k, v in parts.items()})


BUILTINS.add("wf.timedelta.total_seconds", lambda td: td.total_seconds())


def _dt_td(a: Any, b: Any) -> bool:
    return isinstance(a, datetime.datetime) and isinstance(b, datetime.timedelta)


def _floordiv(value: datetime.datetime, step: datetime.timedelta) -> datetime.datetime:
    return EPOCH + ((to_utc(value) - EPOCH) // step) * step


def _mod(value: datetime.datetime, step: datetime.timedelta) -> datetime.timedelta:
    return (to_utc(value) - EPOCH) % step


OPERATOR_HOOKS.setdefault("floordiv", []).append((_dt_td, _floordiv))
OPERATOR_HOOKS.setdefault("mod", []).append((_dt_td, _mod))
OPERATOR_HOOKS.setdefault("divmod", []).append((_dt_td, lambda a, b: (_floordiv(a, b), _mod(a, b))))
