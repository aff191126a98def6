"""Filter expressions: comparisons, ranges, membership and text matches, combined with & | ~.

Each expression compiles to a parametrised SQL condition (``compile``) and
evaluates in Python with the same meaning (``evaluate``); ``to_dict`` /
``Expression.from_dict`` give a JSON form. Build them with
:data:`gpucompute.catalog.properties`.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from gpucompute.catalog._attributes import Attribute
from gpucompute.catalog._columns import (
    CMP_PY,
    CMP_SQL,
    Column,
    JsonScalar,
    and3,
    compare,
    jsonable,
    resolve,
)
from gpucompute.catalog._compound import StrList
from gpucompute.catalog._kinds import Str
from gpucompute.catalog._schema import table_attributes
from gpucompute.errors import CatalogValueError

__all__ = ["Expression", "Logical", "Compare", "Range", "FIELD_OPS"]


class Expression:
    """A filter. Combine with ``&`` (and), ``|`` (or) and ``~`` (not)."""

    op = ""

    def __and__(self, other: Expression) -> Expression:
        return Logical("and", [self, _expr(other)])

    def __or__(self, other: Expression) -> Expression:
        return Logical("or", [self, _expr(other)])

    def __invert__(self) -> Expression:
        return Logical("not", [self])

    def compile(self, attrs: dict[str, Attribute]) -> tuple[str, list]:
        """``(sql, params)`` for a ``WHERE`` clause over the table with *attrs*."""
        raise NotImplementedError

    def evaluate(self, obj: Any, attrs: dict[str, Attribute]) -> bool | None:
        """True, False or None (unknown) for *obj*, with SQL's three-valued logic."""
        raise NotImplementedError

    def matches(self, obj: Any) -> bool:
        """Whether catalog object *obj* satisfies this filter (as a search of its table would decide)."""
        table = getattr(type(obj), "_table", "")
        return self.evaluate(obj, table_attributes(table) if table else type(obj)._attributes) is True

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; :meth:`from_dict` rebuilds the expression."""
        raise NotImplementedError

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Expression:
        """Rebuild an expression from :meth:`to_dict` output."""
        op = data.get("op")
        if op in ("and", "or", "not"):
            return Logical(op, [Expression.from_dict(d) for d in data["args"]])
        if op in CMP_SQL:
            return Compare(data["name"], op, data["value"])
        if op == "range":
            return Range(data["name"], dict(data["parts"]))
        if op in FIELD_OPS:
            return FIELD_OPS[op](data["name"], data.get("value"))
        raise CatalogValueError(f"not a property expression: {data!r}")

    def __bool__(self) -> bool:
        return True  # lets chained comparisons (a <= p.x < b) proceed; see Property

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_dict()!r}>"


def _expr(value: Any) -> Expression:
    if not isinstance(value, Expression):
        raise CatalogValueError(f"can only combine property expressions, got {value!r}")
    return value


class Logical(Expression):
    def __init__(self, op: str, args: list[Expression]) -> None:
        self.op, self.args = op, args

    def compile(self, attrs: dict[str, Attribute]) -> tuple[str, list]:
        parts = [a.compile(attrs) for a in self.args]
        params = [p for _, ps in parts for p in ps]
        if self.op == "not":
            return f"NOT ({parts[0][0]})", params
        return f" {self.op.upper()} ".join(f"({s})" for s, _ in parts), params

    def evaluate(self, obj: Any, attrs: dict[str, Attribute]) -> bool | None:
        values = [a.evaluate(obj, attrs) for a in self.args]
        if self.op == "not":
            return None if values[0] is None else not values[0]
        if self.op == "and":
            return and3(values)
        inverted = and3(None if v is None else not v for v in values)
        return None if inverted is None else not inverted

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "args": [a.to_dict() for a in self.args]}


class _Field(Expression):
    """An expression on one property."""

    def __init__(self, name: str, value: Any) -> None:
        self.name, self.value = name, value

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "name": self.name, "value": jsonable(self.value)}

    def _col(self, attrs: dict[str, Attribute]) -> Column:
        return resolve(self.name, attrs)

    def _conv(self, col: Column, value: Any) -> Any:
        return col.kind.filter_value(value, f"the value compared with {self.name!r}")


class Compare(_Field):
    def __init__(self, name: str, op: str, value: Any) -> None:
        super().__init__(name, value)
        self.op = op

    def compile(self, attrs: dict[str, Attribute]) -> tuple[str, list]:
        col = self._col(attrs)
        if self.value is None:
            if self.op not in ("eq", "ne"):
                raise CatalogValueError(f"cannot order-compare {self.name!r} with None; use == None or != None")
            return f"{col.sql} IS {'NOT ' if self.op == 'ne' else ''}NULL", list(col.params)
        value = self._conv(col, self.value)
        if col.kind.is_list:
            if self.op not in ("eq", "ne"):
                raise CatalogValueError(f"{self.name!r} is a list; use ==, !=, any_of or all_of")
            neg = "NOT " if self.op == "ne" else ""
            return f"{neg}EXISTS (SELECT 1 FROM json_each({col.sql}) WHERE value = ?)", [*col.params, value]
        return f"{col.sql} {CMP_SQL[self.op]} ?", [*col.params, value]

    def evaluate(self, obj: Any, attrs: dict[str, Attribute]) -> bool | None:
        col = self._col(attrs)
        have = col.get(obj)
        if self.value is None:
            return (have is None) == (self.op == "eq")
        value = self._conv(col, self.value)
        if col.kind.is_list:
            found = value in json.loads(have or "[]")
            return found if self.op == "eq" else not found
        if have is None:
            return None
        return CMP_PY[self.op](compare(have, value))


class Range(_Field):
    op = "range"

    def __init__(self, name: str, parts: dict[str, Any]) -> None:
        super().__init__(name, None)
        self.parts = parts

    def _compares(self) -> list[Compare]:
        return [Compare(self.name, op, v) for op, v in self.parts.items()]

    def compile(self, attrs: dict[str, Attribute]) -> tuple[str, list]:
        return Logical("and", self._compares()).compile(attrs)

    def evaluate(self, obj: Any, attrs: dict[str, Attribute]) -> bool | None:
        return and3(c.evaluate(obj, attrs) for c in self._compares())

    def to_dict(self) -> dict[str, Any]:
        return {"op": "range", "name": self.name, "parts": {k: jsonable(v) for k, v in self.parts.items()}}


def _like_tokens(pattern: str) -> list[tuple[str, str]]:
    """Split a LIKE pattern into ("any" | "one" | "lit", char); a backslash makes the next char literal."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(("lit", pattern[i + 1]))
            i += 2
            continue
        out.append(("any" if ch == "%" else "one" if ch == "_" else "lit", ch))
        i += 1
    return out


def _like_to_glob(pattern: str) -> str:
    glob_literal = {"*": "[*]", "?": "[?]", "[": "[[]"}
    return "".join(
        "*" if kind == "any" else "?" if kind == "one" else glob_literal.get(ch, ch)
        for kind, ch in _like_tokens(pattern)
    )


def _like_to_regex(pattern: str) -> re.Pattern:
    parts = (".*" if kind == "any" else "." if kind == "one" else re.escape(ch) for kind, ch in _like_tokens(pattern))
    return re.compile("".join(parts), re.DOTALL)


class _Membership(_Field):
    """in_ / any_of / all_of / prefix / like: one SQL template for scalars, one for lists."""

    def _values(self, col: Column) -> list:
        values = self.value
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise CatalogValueError(f"{self.op} on {self.name!r} needs a list of values, got {values!r}")
        return list(dict.fromkeys(self._conv(col, v) for v in values))

    def compile(self, attrs: dict[str, Attribute]) -> tuple[str, list]:
        col = self._col(attrs)
        if not col.kind.is_list:
            cond, params, uses_target = self._condition(col, col.sql)
            return cond, [*col.params, *params] if uses_target else params
        cond, params, _ = self._condition(col, "value")
        if self.op == "all_of":
            sub = f"SELECT COUNT(DISTINCT value) FROM json_each({col.sql}) WHERE {cond}"
            return f"({sub}) = ?", [*col.params, *params, len(self._values(col))]
        return f"EXISTS (SELECT 1 FROM json_each({col.sql}) WHERE {cond})", [*col.params, *params]

    def _condition(self, col: Column, target: str) -> tuple[str, list, bool]:
        if self.op in ("in", "any_of", "all_of"):
            values = self._values(col)
            if not values:
                return "0", [], False
            if self.op == "all_of" and not col.kind.is_list:
                return (f"{target} = ?", values, True) if len(values) == 1 else ("0", [], False)
            return f"{target} IN ({', '.join('?' * len(values))})", values, True
        text = self._text(col)
        if self.op == "prefix":
            return f"substr({target}, 1, ?) = ?", [len(text), text], True
        return f"{target} GLOB ?", [_like_to_glob(text)], True

    def _text(self, col: Column) -> str:
        if not isinstance(col.kind, (Str, StrList, JsonScalar)):
            raise CatalogValueError(f"{self.op} needs a text property, and {self.name!r} is not one")
        if not isinstance(self.value, str):
            raise CatalogValueError(f"{self.op} on {self.name!r} needs a string, got {self.value!r}")
        return self.value

    def _test(self, col: Column, v: Any) -> bool:
        if self.op in ("in", "any_of", "all_of"):
            return v in self._values(col)
        text = self._text(col)
        if not isinstance(v, str):
            return False
        if self.op == "prefix":
            return v[: len(text)] == text
        return _like_to_regex(text).fullmatch(v) is not None

    def evaluate(self, obj: Any, attrs: dict[str, Attribute]) -> bool | None:
        col = self._col(attrs)
        have = col.get(obj)
        if col.kind.is_list:
            items = json.loads(have or "[]")
            if self.op == "all_of":
                return set(self._values(col)) <= set(items)
            return any(self._test(col, v) for v in items)
        if self.op in ("in", "any_of", "all_of") and not self._values(col):
            return False
        if self.op == "all_of" and len(self._values(col)) > 1:
            return False
        return None if have is None else self._test(col, have)


def _membership(op: str) -> type:
    return type(f"_{op.title().replace('_', '')}", (_Membership,), {"op": op})


FIELD_OPS: dict[str, Any] = {op: _membership(op) for op in ("in", "any_of", "all_of", "prefix", "like")}
