"""Filter expressions: ``properties.cloud_fraction < 0.2`` and friends.

``properties`` (usually imported as ``p``) builds expressions from attribute
names; ``&``, ``|`` and ``~`` combine them. Searches compile an expression to a
parametrised SQL ``WHERE`` clause (user values are always bound parameters,
never formatted into the SQL); collections evaluate the same expression in
Python with SQL's three-valued logic, so both agree, including that an object
whose attribute is unset never matches a comparison on it.

Chained comparisons work: in ``"2017-01-01" <= p.acquired < "2018-01-01"`` the
property object remembers the first bound, so the result holds both.

``p.tags == "x"`` on a list attribute means "the list contains x".
``p.extra_properties.key`` (or ``p.extra_properties["key"]``) reaches into the
JSON of ``extra_properties``.
"""

from __future__ import annotations

from typing import Any, Iterable

from gpucompute.catalog._columns import resolve
from gpucompute.catalog._expressions import FIELD_OPS, Compare, Expression, Range

__all__ = ["Expression", "Properties", "Property", "properties", "resolve"]


class Property:
    """A named attribute in a filter; comparing it yields an :class:`Expression`."""

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, name: str) -> None:
        self._name = name
        self._parts: dict[str, Any] = {}

    def __getattr__(self, key: str) -> Property:
        if key.startswith("__"):
            raise AttributeError(key)
        return Property(f"{self._name}.{key}")

    def __getitem__(self, key: str) -> Property:
        return Property(f"{self._name}.{key}")

    def __eq__(self, other: Any) -> Expression:  # type: ignore[override]
        return Compare(self._name, "eq", other)

    def __ne__(self, other: Any) -> Expression:  # type: ignore[override]
        return Compare(self._name, "ne", other)

    def _range(self, op: str, other: Any) -> Expression:
        self._parts[op] = other
        return Range(self._name, dict(self._parts))

    def __lt__(self, other: Any) -> Expression:
        return self._range("lt", other)

    def __le__(self, other: Any) -> Expression:
        return self._range("le", other)

    def __gt__(self, other: Any) -> Expression:
        return self._range("gt", other)

    def __ge__(self, other: Any) -> Expression:
        return self._range("ge", other)

    def in_(self, values: Iterable[Any]) -> Expression:
        """Matches when the attribute equals one of *values*."""
        return FIELD_OPS["in"](self._name, list(values))

    def any_of(self, values: Iterable[Any]) -> Expression:
        """For list attributes: contains at least one of *values* (for scalars: same as ``in_``)."""
        return FIELD_OPS["any_of"](self._name, list(values))

    def all_of(self, values: Iterable[Any]) -> Expression:
        """For list attributes: contains every one of *values*."""
        return FIELD_OPS["all_of"](self._name, list(values))

    def prefix(self, prefix: str) -> Expression:
        """Matches strings that start with *prefix* (case sensitive)."""
        return FIELD_OPS["prefix"](self._name, prefix)

    def like(self, pattern: str) -> Expression:
        """SQL-style pattern: ``%`` is any run of characters, ``_`` one character (case sensitive).

        A backslash makes the next character literal (``"100\\%"`` matches "100%").
        """
        return FIELD_OPS["like"](self._name, pattern)

    @property
    def isnull(self) -> Expression:
        """Matches objects where the attribute is unset."""
        return Compare(self._name, "eq", None)

    @property
    def exists(self) -> Expression:
        """Matches objects where the attribute is set."""
        return Compare(self._name, "ne", None)

    def __repr__(self) -> str:
        return f"Property({self._name!r})"


class Properties:
    """Factory of :class:`Property` objects: ``properties.acquired``, ``properties["acquired"]``."""

    def __getattr__(self, name: str) -> Property:
        if name.startswith("__"):
            raise AttributeError(name)
        return Property(name)

    def __getitem__(self, name: str) -> Property:
        return Property(name)

    def __repr__(self) -> str:
        return "gpucompute.catalog.properties"


#: The shared :class:`Properties` instance (``from gpucompute.catalog import properties as p``).
properties = Properties()
