"""How a property name in a filter maps to SQL and to a Python value, and SQL's comparison rules.

A plain name is a column of the searched table; ``extra_properties.a.b`` reaches
into that JSON column with ``json_extract`` (the path is a bound parameter).
Python-side evaluation compares the same stored forms, orders mixed types the
way SQLite does (numbers < text < blobs) and uses three-valued logic (None is
"unknown"), so a collection filter agrees with the equivalent search.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any, Callable, Iterable

import numpy as np

from gpucompute.catalog._attributes import Attribute
from gpucompute.catalog._kinds import Kind
from gpucompute.errors import CatalogValueError

__all__ = ["resolve", "compare", "and3", "jsonable", "JsonScalar", "Column", "CMP_SQL", "CMP_PY"]

CMP_SQL = {"eq": "=", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
CMP_PY: dict[str, Callable[[int], bool]] = {
    "eq": lambda c: c == 0, "ne": lambda c: c != 0, "lt": lambda c: c < 0,
    "le": lambda c: c <= 0, "gt": lambda c: c > 0, "ge": lambda c: c >= 0,
}
_JSON_ROOT = "extra_properties"


def jsonable(value: Any) -> Any:
    """Enums, datetimes and NumPy scalars as plain JSON values (lists element-wise)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value


# ---- columns: how a property name maps to SQL and to a Python value ----------------------------
class JsonScalar(Kind):
    """A value inside extra_properties: compared as JSON gives it (no conversion)."""

    def coerce(self, value: Any, where: str) -> Any:
        value = jsonable(value)
        if isinstance(value, bool):
            return int(value)
        if value is not None and not isinstance(value, (int, float, str)):
            raise CatalogValueError(f"{where} can only be compared with a number, string or bool, got {value!r}")
        return value


class Column:
    """A searchable property: its SQL expression and parameters, kind, and Python getter."""

    def __init__(self, name: str, sql: str, params: list, kind: Kind, get: Callable[[Any], Any]) -> None:
        self.name, self.sql, self.params, self.kind, self.get = name, sql, params, kind, get


def _json_get(obj: Any, path: list[str]) -> Any:
    value = getattr(obj, _JSON_ROOT, None)
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return value


def resolve(name: str, attrs: dict[str, Attribute], *, sorting: bool = False) -> Column:
    """The column for property *name* among *attrs*; unknown or unusable names raise."""
    head, _, rest = name.partition(".")
    if head == _JSON_ROOT and rest and head in attrs:
        path = rest.split(".")
        json_path = "$" + "".join("." + json.dumps(k) for k in path)
        return Column(name, f"json_extract({head}, ?)", [json_path], JsonScalar(), lambda o: _json_get(o, path))
    attr = attrs.get(name)
    if attr is None:
        known = ", ".join(sorted(n for n, a in attrs.items() if a.kind.filterable))
        raise CatalogValueError(f"unknown property {name!r}; properties that can be searched: {known}")
    if sorting and not attr.kind.sortable:
        raise CatalogValueError(f"cannot sort by {name!r} (a {type(attr.kind).__name__} attribute)")
    if not attr.kind.filterable:
        hint = "; search geometries with intersects()" if name == "geometry" else ""
        raise CatalogValueError(f"cannot filter on {name!r} (a {type(attr.kind).__name__} attribute){hint}")
    return Column(name, name, [], attr.kind, attr.db_value)


def _rank(v: Any) -> int:
    return 1 if isinstance(v, (int, float)) else 2 if isinstance(v, str) else 3


def compare(a: Any, b: Any) -> int:
    """Order two non-null values the way SQLite does (numbers < text < blobs)."""
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    return (a > b) - (a < b)


def and3(values: Iterable[bool | None]) -> bool | None:
    """SQL AND over True / False / None (unknown)."""
    out: bool | None = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None
    return out
