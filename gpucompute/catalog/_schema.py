"""SQL schema generated from the attribute tables of the catalog classes.

Each catalog class names its table (``_table``); classes sharing a table (the
band types) contribute the union of their attributes. Every table has an
``INTEGER PRIMARY KEY`` ``pk`` and a unique text ``id``; classes with a geometry
attribute get an R*Tree ``<table>_rtree(id, minx, maxx, miny, maxy)`` of
EPSG:4326 bounds keyed by ``pk``. Columns added to a class later are added to an
existing database with ``ALTER TABLE`` (additive migrations only).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from gpucompute.catalog._attributes import Attribute

__all__ = ["register", "schema_statements", "table_attributes", "geometry_column", "write_rtree", "RTREE_SUFFIX"]

RTREE_SUFFIX = "_rtree"
_TABLES: dict[str, list[type]] = {}

_FIXED = [
    "CREATE TABLE IF NOT EXISTS pending_files (token TEXT NOT NULL, path TEXT NOT NULL, "
    "pid INTEGER NOT NULL, host TEXT NOT NULL, created REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS pending_files_token ON pending_files (token)",
]


def register(cls: type) -> None:
    """Record a catalog class under its ``_table`` (called from ``__init_subclass__``)."""
    table = cls.__dict__.get("_table") or getattr(cls, "_table", None)
    if table:
        classes = _TABLES.setdefault(table, [])
        if cls not in classes:
            classes.append(cls)


def class_attributes(cls: type) -> dict[str, Attribute]:
    """The :class:`Attribute` descriptors of *cls*, base classes first."""
    out: dict[str, Attribute] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Attribute):
                out[name] = value
    return out


def table_attributes(table: str) -> dict[str, Attribute]:
    """Every attribute stored in *table* (the union over the classes sharing it)."""
    _load_models()
    out: dict[str, Attribute] = {}
    for cls in _TABLES.get(table, []):
        for name, attr in class_attributes(cls).items():
            out.setdefault(name, attr)
    return out


def _load_models() -> None:
    # The object modules register their classes on import; import them all lazily here.
    from gpucompute.catalog import band, blob, image, image_upload, product  # noqa: F401


def geometry_column(cls: type) -> str | None:
    """The name of *cls*'s geometry attribute (indexed in the R*Tree), or None."""
    for name, attr in class_attributes(cls).items():
        if type(attr.kind).__name__ == "Geometry":
            return name
    return None


def write_rtree(conn: sqlite3.Connection, obj: Any, pk: int) -> None:
    """Inside a transaction: make the R*Tree entry of row *pk* match *obj*'s geometry bounds."""
    name = geometry_column(type(obj))
    if name is None:
        return
    rtree = f"{obj._table}{RTREE_SUFFIX}"
    geom = getattr(obj, name)
    conn.execute(f"DELETE FROM {rtree} WHERE id = ?", (pk,))
    if geom is not None:
        minx, miny, maxx, maxy = geom.bounds
        conn.execute(f"INSERT INTO {rtree} (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)",
                     (pk, minx, maxx, miny, maxy))


def _table_meta(table: str) -> tuple[dict[str, str], tuple[str, ...], bool]:
    refs: dict[str, str] = {}
    indexes: list[str] = []
    has_geometry = False
    for cls in _TABLES[table]:
        refs.update(getattr(cls, "_references", {}))
        indexes.extend(i for i in getattr(cls, "_indexes", ()) if i not in indexes)
        has_geometry = has_geometry or geometry_column(cls) is not None
    return refs, tuple(indexes), has_geometry


def _column_sql(name: str, attr: Attribute, refs: dict[str, str]) -> str:
    sql = f"{name} {attr.kind.sql_type}"
    if name in refs:
        sql += f" REFERENCES {refs[name]}"
    return sql


def schema_statements(conn: sqlite3.Connection) -> list[str]:
    """The DDL that brings the database at *conn* up to the current classes."""
    _load_models()
    stmts: list[str] = list(_FIXED)
    for table in _TABLES:
        attrs = {n: a for n, a in table_attributes(table).items() if n != "id"}
        refs, indexes, has_geometry = _table_meta(table)
        existing = {r[1] for r in conn.execute(f"PRAGMA table_info({table})").fetchall()}
        if not existing:
            cols = ", ".join(_column_sql(n, a, refs) for n, a in attrs.items())
            stmts.append(f"CREATE TABLE {table} (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, {cols})")
        else:
            stmts.extend(
                f"ALTER TABLE {table} ADD COLUMN {_column_sql(n, a, refs)}"
                for n, a in attrs.items()
                if n not in existing
            )
        stmts.extend(f"CREATE INDEX IF NOT EXISTS {table}_{col} ON {table} ({col})" for col in indexes)
        if has_geometry:
            stmts.append(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}{RTREE_SUFFIX} USING rtree(id, minx, maxx, miny, maxy)"
            )
    return stmts


def describe() -> dict[str, Any]:
    """Tables and their columns, for debugging and tests."""
    _load_models()
    return {t: list(table_attributes(t)) for t in _TABLES}
