"""Value kinds of catalog attributes (scalars): validation, SQL storage and JSON form.

A *kind* knows how to turn what a user assigns into the canonical Python value
(``coerce`` for type conversion, ``validate`` adding range checks), how to store
that value in SQLite (``to_db`` / ``from_db``) and how to show it as JSON
(``to_json``). Filters convert their operands with ``filter_value`` so a string
such as ``"2017-01-01"`` compares correctly with stored timestamps.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timezone
from enum import Enum
from numbers import Integral, Real
from typing import Any

import numpy as np

from gpucompute.errors import CatalogValueError

__all__ = ["Kind", "Str", "Choice", "Float", "Int", "Bool", "Datetime", "Number", "parse_datetime", "format_datetime"]


def _plain(value: Any) -> Any:
    """Enum members become their values; NumPy scalars become Python scalars."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, np.generic):
        return value.item()
    return value


class Kind:
    """Base kind: stores the value unchanged."""

    sql_type = "TEXT"
    filterable = True
    sortable = True
    is_list = False
    expected = "a value"

    def coerce(self, value: Any, where: str) -> Any:
        return value

    def validate(self, value: Any, where: str) -> Any:
        return self.coerce(value, where)

    def to_db(self, value: Any) -> Any:
        return value

    def from_db(self, raw: Any) -> Any:
        return raw

    def to_json(self, value: Any) -> Any:
        return value

    def filter_value(self, value: Any, where: str) -> Any:
        return self.to_db(self.coerce(value, where))

    def _fail(self, value: Any, where: str, what: str | None = None) -> CatalogValueError:
        return CatalogValueError(f"{where} must be {what or self.expected}, got {value!r}")


class Str(Kind):
    expected = "a string"

    def __init__(self, *, nonempty: bool = False, no_space: bool = False) -> None:
        self.nonempty = nonempty
        self.no_space = no_space

    def coerce(self, value: Any, where: str) -> str:
        value = _plain(value)
        if not isinstance(value, str):
            raise self._fail(value, where)
        return value

    def validate(self, value: Any, where: str) -> str:
        value = self.coerce(value, where)
        if self.nonempty and not value:
            raise self._fail(value, where, "a non-empty string")
        if self.no_space and any(c.isspace() for c in value):
            raise self._fail(value, where, "a string without whitespace")
        return value


class Choice(Str):
    """One of a fixed set of strings; matched case-insensitively, stored canonically."""

    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__()
        self.values = values
        self._lookup = {v.lower(): v for v in values}
        self.expected = f"one of {list(values)}"

    def coerce(self, value: Any, where: str) -> str:
        text = _plain(value)
        if not isinstance(text, str) or text.lower() not in self._lookup:
            raise self._fail(value, where)
        return self._lookup[text.lower()]


class Float(Kind):
    sql_type = "REAL"
    expected = "a finite number"

    def __init__(self, lo: float | None = None, hi: float | None = None, *, positive: bool = False) -> None:
        self.lo, self.hi, self.positive = lo, hi, positive

    def coerce(self, value: Any, where: str) -> float:
        value = _plain(value)
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise self._fail(value, where)
        return float(value)

    def validate(self, value: Any, where: str) -> float:
        value = self.coerce(value, where)
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise self._fail(value, where, f"a number between {self.lo} and {self.hi}")
        if self.positive and value <= 0:
            raise self._fail(value, where, "a positive number")
        return value


class Int(Kind):
    sql_type = "INTEGER"
    expected = "an integer"

    def __init__(self, lo: int | None = None) -> None:
        self.lo = lo

    def coerce(self, value: Any, where: str) -> int:
        value = _plain(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise self._fail(value, where)
        return int(value)

    def validate(self, value: Any, where: str) -> int:
        value = self.coerce(value, where)
        if self.lo is not None and value < self.lo:
            raise self._fail(value, where, f"an integer >= {self.lo}")
        return value


class Bool(Kind):
    sql_type = "INTEGER"
    expected = "True or False"

    def coerce(self, value: Any, where: str) -> bool:
        value = _plain(value)
        if not isinstance(value, bool):
            raise self._fail(value, where)
        return value

    def to_db(self, value: bool) -> int:
        return int(value)

    def from_db(self, raw: Any) -> bool | None:
        return None if raw is None else bool(raw)


def parse_datetime(value: Any, where: str) -> datetime:
    """A timezone-aware UTC datetime from a datetime, date, ISO string or numpy datetime64.

    Naive values are taken to be in UTC.
    """
    value = _plain(value)
    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[us]").item()
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            raise CatalogValueError(
                f"{where} must be a datetime or an ISO 8601 string like '2017-01-01T00:00:00Z', got {text!r}"
            ) from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise CatalogValueError(f"{where} must be a datetime, a date or an ISO 8601 string, got {value!r}")
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def format_datetime(value: datetime) -> str:
    """Fixed-width UTC text (``YYYY-MM-DDTHH:MM:SS.ffffffZ``) that sorts chronologically."""
    v = value.astimezone(timezone.utc)
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
        f".{v.microsecond:06d}Z"
    )


class Datetime(Kind):
    expected = "a datetime or ISO 8601 string"

    def coerce(self, value: Any, where: str) -> datetime:
        return parse_datetime(value, where)

    def to_db(self, value: datetime) -> str:
        return format_datetime(value)

    def from_db(self, raw: Any) -> datetime | None:
        return None if raw is None else parse_datetime(raw, "stored timestamp")

    def to_json(self, value: datetime) -> str:
        return value.isoformat()

class Number(Kind):
    """A number that may be NaN or infinite (nodata); kept as JSON text so NaN survives SQLite."""

    sortable = False
    expected = "a number"

    def coerce(self, value: Any, where: str) -> float | int:
        value = _plain(value)
        if isinstance(value, bool) or not isinstance(value, Real):
            raise self._fail(value, where)
        return value if isinstance(value, Integral) else float(value)

    def to_db(self, value: float | int) -> str:
        return json.dumps(value)

    def from_db(self, raw: Any) -> float | int | None:
        return None if raw is None else json.loads(raw)
