"""The base of every catalog class: typed attributes, save/reload/delete, lookups by id."""

from __future__ import annotations

import copy
import sqlite3
from datetime import datetime, timezone
from typing import Any, ClassVar, Iterable

from gpucompute.catalog._attributes import Attribute, hybridmethod
from gpucompute.catalog._db import Catalog, get_catalog
from gpucompute.catalog._enums import DocumentState
from gpucompute.catalog._kinds import Datetime, Str
from gpucompute.catalog._schema import RTREE_SUFFIX, class_attributes, geometry_column, register, write_rtree
from gpucompute.errors import (
    CatalogError,
    CatalogAttributeError,
    CatalogValueError,
    ConflictError,
    NotFoundError,
)

__all__ = ["CatalogObject"]

_CHUNK = 500


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class CatalogObject:
    """Common behaviour of products, bands, images, blobs and uploads.

    Assigning an attribute validates the value at once (:class:`CatalogValueError`
    for a bad value or an unknown attribute name); :meth:`save` writes the object in
    one transaction. ``state`` tells whether the object matches what is stored.
    """

    _table: ClassVar[str] = ""
    _references: ClassVar[dict[str, str]] = {}
    _indexes: ClassVar[tuple[str, ...]] = ()
    _create_only: ClassVar[tuple[str, ...]] = ("id",)
    _attributes: ClassVar[dict[str, Attribute]] = {}
    _search_class: ClassVar[type] = None  # type: ignore[assignment]
    _collection_class: ClassVar[type] = None  # type: ignore[assignment]

    id = Attribute(Str(nonempty=True), "Unique identifier of the object.")
    created = Attribute(Datetime(), "When the object was first saved (UTC).", readonly=True)
    modified = Attribute(Datetime(), "When the object was last saved (UTC).", readonly=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._attributes = class_attributes(cls)
        register(cls)

    def __init__(self, client: Catalog | None = None, **kwargs: Any) -> None:
        self._setup(client)
        for name, value in kwargs.items():
            setattr(self, name, value)

    def _setup(self, client: Catalog | None) -> None:
        d = self.__dict__
        d["_values"] = {}
        d["_client"] = client
        d["_saved"] = None
        d["_pk"] = None
        d["_deleted"] = False

    # ---- attribute guard -------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_"):
            attr = getattr(type(self), name, None)
            if not isinstance(attr, (Attribute, property)):
                known = ", ".join(sorted(self._attributes))
                raise CatalogAttributeError(
                    f"{type(self).__name__} has no attribute {name!r}; its attributes are: {known}"
                )
        object.__setattr__(self, name, value)

    def _check_writable(self, name: str) -> None:
        if self._deleted:
            raise CatalogError(f"{type(self).__name__} {self.id!r} was deleted; it cannot be changed")
        if name in self._create_only and self._saved is not None:
            raise CatalogValueError(
                f"{name} of saved {type(self).__name__} {self.id!r} cannot change; create a new object instead"
            )

    def __copy__(self) -> CatalogObject:
        # Attribute values are never shared between copies (lists would otherwise alias).
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.__dict__["_values"] = copy.deepcopy(self._values)
        return new

    # ---- state ---------------------------------------------------------------------------------
    @property
    def client(self) -> Catalog:
        """The catalog this object is stored in (the default catalog unless one was given)."""
        return self._client or get_catalog()

    def _db_row(self) -> dict[str, Any]:
        return {name: attr.db_value(self) for name, attr in self._attributes.items()}

    @property
    def state(self) -> DocumentState:
        """``unsaved``, ``saved``, ``modified`` (changed since saved or loaded) or ``deleted``."""
        if self._deleted:
            return DocumentState.DELETED
        if self._saved is None:
            return DocumentState.UNSAVED
        return DocumentState.SAVED if self._db_row() == self._saved else DocumentState.MODIFIED

    def to_dict(self) -> dict[str, Any]:
        """The attributes that are set, as JSON-ready values."""
        out = {}
        for name, attr in self._attributes.items():
            value = attr.json_value(self)
            if value is not None:
                out[name] = value
        return out

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._db_row() == other._db_row()  # type: ignore[union-attr]

    __hash__ = None  # type: ignore[assignment]

    # ---- hooks for subclasses ----------------------------------------------------------------
    def _prepare_save(self) -> None:
        """Derive ids and defaults before saving; raise CatalogValueError if incomplete."""

    def _check_save(self, conn: sqlite3.Connection) -> None:
        """Inside the save transaction: checks against other rows (the product exists ...)."""

    def _delete_related(self, conn: sqlite3.Connection) -> list:
        """Inside the delete transaction: remove dependent rows; return files to unlink."""
        return []

    # ---- rows ------------------------------------------------------------------------------------
    @classmethod
    def _class_for_row(cls, row: sqlite3.Row) -> type | None:
        return cls

    @classmethod
    def _from_row(cls, row: sqlite3.Row, client: Catalog | None) -> CatalogObject | None:
        klass = cls._class_for_row(row)
        if klass is None:
            return None
        obj = klass.__new__(klass)
        obj._setup(client)
        obj._load_row(row)
        return obj

    def _load_row(self, row: sqlite3.Row) -> None:
        self.__dict__["_values"] = {}
        for name, attr in self._attributes.items():
            attr.load(self, row[name])
        self.__dict__["_pk"] = row["pk"]
        self.__dict__["_saved"] = self._db_row()

    @classmethod
    def _rows_by_id(cls, client: Catalog, ids: list[str]) -> dict[str, sqlite3.Row]:
        out: dict[str, sqlite3.Row] = {}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            sql = f"SELECT * FROM {cls._table} WHERE id IN ({', '.join('?' * len(chunk))})"
            out.update((r["id"], r) for r in client.query(sql, chunk))
        return out

    def _write_index(self, conn: sqlite3.Connection, pk: int) -> None:
        write_rtree(conn, self, pk)

    # ---- save / reload / delete ------------------------------------------------------------------
    def _check_required(self) -> None:
        missing = [n for n, a in self._attributes.items() if a.required and getattr(self, n) is None]
        if missing:
            raise CatalogValueError(
                f"cannot save {type(self).__name__} {self.id!r}: set {', '.join(missing)} first"
            )

    def save(self) -> None:
        """Create or update this object in the catalog (a no-op when nothing changed).

        Raises
        ------
        ConflictError
            If the object is new and an object with its id exists.
        NotFoundError
            If the object was deleted from the catalog since it was loaded, or a
            referenced object (the product of a band or image) does not exist.
        CatalogValueError
            If a required attribute is unset.
        """
        if self._deleted:
            raise CatalogError(f"{type(self).__name__} {self.id!r} was deleted; it cannot be saved")
        self._prepare_save()
        self._check_required()
        if self.state is DocumentState.SAVED:
            return
        with self.client.transaction() as conn:
            pk, row = self._write_row(conn)
        self._mark_saved(pk, row)

    def _write_row(self, conn: sqlite3.Connection) -> tuple[int, dict[str, Any]]:
        """Insert or update this object's row inside the caller's transaction."""
        now = Datetime().to_db(_utcnow())
        row = self._db_row()
        new = self._saved is None
        row["modified"] = now
        if new:
            row["created"] = now
        self._check_save(conn)
        if new:
            if conn.execute(f"SELECT 1 FROM {self._table} WHERE id = ?", (self.id,)).fetchone():
                raise ConflictError(f"{type(self).__name__} {self.id!r} already exists")
            cols = list(row)
            cur = conn.execute(
                f"INSERT INTO {self._table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols],
            )
            pk = cur.lastrowid
        else:
            pk = self._pk
            sets = ", ".join(f"{c} = ?" for c in row)
            cur = conn.execute(f"UPDATE {self._table} SET {sets} WHERE pk = ?", [*row.values(), pk])
            if cur.rowcount == 0:
                raise NotFoundError(f"{type(self).__name__} {self.id!r} no longer exists; it was deleted")
        self._write_index(conn, pk)
        return pk, row

    def _mark_saved(self, pk: int, row: dict[str, Any]) -> None:
        self._attributes["modified"].load(self, row["modified"])
        self._attributes["created"].load(self, row["created"])
        self.__dict__["_pk"] = pk
        self.__dict__["_saved"] = self._db_row()

    def reload(self) -> None:
        """Replace every attribute with what the catalog holds (discarding unsaved changes).

        Raises
        ------
        NotFoundError
            If the object is not (or no longer) in the catalog.
        """
        row = self._rows_by_id(self.client, [self.id]).get(self.id) if self.id else None
        if row is None:
            raise NotFoundError(f"{type(self).__name__} {self.id!r} not found in the catalog")
        self._load_row(row)

    def _delete_now(self) -> None:
        catalog = self.client
        with catalog.transaction() as conn:
            files = self._delete_related(conn)
            cur = conn.execute(f"DELETE FROM {self._table} WHERE id = ?", (self.id,))
            if cur.rowcount == 0:
                raise NotFoundError(f"{type(self).__name__} {self.id!r} not found in the catalog")
            if geometry_column(type(self)):
                conn.execute(f"DELETE FROM {self._table}{RTREE_SUFFIX} WHERE id = ?", (self._pk,))
            token = catalog.schedule_removal(conn, files) if files else None
        if token:
            catalog.remove_files(token)
        self.__dict__["_deleted"] = True

    @hybridmethod
    def delete(cls, id: str, client: Catalog | None = None) -> bool:  # noqa: A002,N805
        """Delete the object with *id*; returns False when there is none.

        On an instance, ``obj.delete()`` deletes that object.
        """
        obj = cls.get(id, client=client)
        if obj is None:
            return False
        obj._delete_now()
        return True

    @delete.instancemethod
    def delete(self) -> None:  # noqa: F811
        if self._saved is None:
            raise NotFoundError(f"{type(self).__name__} {self.id!r} was never saved, so it cannot be deleted")
        self._delete_now()

    # ---- class-level lookups ---------------------------------------------------------------------
    @classmethod
    def _normalize_id(cls, id_: str, client: Catalog) -> str:
        return id_

    @classmethod
    def get(cls, id: str, client: Catalog | None = None, *, raise_on_missing: bool = False):  # noqa: A002
        """The object with *id*, or None when it does not exist.

        Parameters
        ----------
        id : str
            The full id (products: with their ``"local:"`` prefix).
        client : Catalog, optional
            The catalog to look in; default :func:`gpucompute.catalog.get_catalog`.
        raise_on_missing : bool
            Raise :class:`NotFoundError` instead of returning None.
        """
        if not isinstance(id, str):
            raise CatalogValueError(f"{cls.__name__}.get needs a string id, got {id!r}")
        row = cls._rows_by_id(client or get_catalog(), [id]).get(id)
        obj = None if row is None else cls._from_row(row, client)
        if obj is None and raise_on_missing:
            raise NotFoundError(f"{cls.__name__} {id!r} not found in the catalog")
        return obj

    @classmethod
    def get_many(cls, ids: Iterable[str], client: Catalog | None = None, *, ignore_missing: bool = False) -> list:
        """The objects with *ids*, in that order.

        Raises
        ------
        NotFoundError
            If any id is missing (naming them) and *ignore_missing* is False.
        """
        ids = list(ids)
        rows = cls._rows_by_id(client or get_catalog(), ids)
        objs = {i: cls._from_row(r, client) for i, r in rows.items()}
        missing = [i for i in ids if objs.get(i) is None]
        if missing and not ignore_missing:
            shown = ", ".join(repr(m) for m in missing[:10])
            raise NotFoundError(f"{len(missing)} {cls.__name__} id(s) not found in the catalog: {shown}")
        return [objs[i] for i in ids if objs.get(i) is not None]

    @classmethod
    def exists(cls, id: str, client: Catalog | None = None) -> bool:  # noqa: A002
        """Whether an object with *id* is in the catalog."""
        return cls.get(id, client=client) is not None

    @classmethod
    def get_or_create(cls, id: str, client: Catalog | None = None, **kwargs: Any):  # noqa: A002
        """The stored object with *id* updated with *kwargs*, or a new unsaved one.

        Call ``save()`` afterwards; it is a no-op when nothing changed.
        """
        catalog = client or get_catalog()
        full = cls._normalize_id(id, catalog)
        obj = cls.get(full, client=client)
        if obj is None:
            return cls(id=full, client=client, **kwargs)
        for name, value in kwargs.items():
            setattr(obj, name, value)
        return obj

    @classmethod
    def search(cls, client: Catalog | None = None):
        """A query builder over this class's objects (see :class:`~gpucompute.catalog.Search`)."""
        return cls._search_class(cls, client=client)

    # ---- display ---------------------------------------------------------------------------------
    def _repr_lines(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        title = getattr(self, "name", None) or self.id
        lines = [f"{type(self).__name__}: {title}", f"  id: {self.id}"]
        lines += [f"  {line}" for line in self._repr_lines()]
        if self.created is not None:
            lines.append(f"  created: {self.created.ctime()}")
        state = self.state
        if state is not DocumentState.SAVED:
            lines.append(f"  * {state.value}: call .save() to store it" if state is not DocumentState.DELETED
                         else "  * deleted")
        return "\n".join(lines)
