"""Blobs: named byte strings with searchable attributes, stored under ``$GPUCOMPUTE_HOME/blobs``.

A blob's id is ``"<storage_type>/<namespace>/<name>"``. Namespaces are prefixed
with the organisation (``"local:"``) unless they contain a colon; the default
namespace is ``"local:<login>"``. Only ``data`` (and ``dyncomp``) blobs may be
written; other storage types are read only (:class:`PermissionDeniedError`).
Data is written to a pending file first and the row committed after, so a
failed upload (a size or hash that does not match, an error while reading the
source) leaves neither a row nor a file.
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import uuid
from typing import Any, BinaryIO, Iterable, Iterator

from gpucompute.catalog._attributes import Attribute, hybridmethod
from gpucompute.catalog._compound import Geometry, Json, StrList
from gpucompute.catalog._db import Catalog, get_catalog, local_user
from gpucompute.catalog._enums import WRITABLE_STORAGE_TYPES, StorageType, TaskState
from gpucompute.catalog._kinds import Choice, Datetime, Int, Str
from gpucompute.catalog._object import CatalogObject
from gpucompute.catalog.collection import BlobCollection
from gpucompute.catalog.product import TaskStatus
from gpucompute.catalog.summary import BlobSearch
from gpucompute.errors import (
    CatalogValueError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)

__all__ = ["Blob", "BlobDeletionTaskStatus", "full_namespace"]

_CHUNK = 1 << 20


def full_namespace(namespace: str | None, client: Catalog | None = None) -> str:
    """The stored namespace: ``"<org>:<login>"`` by default, else prefixed with ``"<org>:"``."""
    org = Catalog.org
    if namespace is None:
        return f"{org}:{client.user if client is not None else local_user()}"
    if not isinstance(namespace, str) or not namespace or "/" in namespace:
        raise CatalogValueError(f"a blob namespace must be a non-empty string without '/', got {namespace!r}")
    return namespace if ":" in namespace or namespace == org else f"{org}:{namespace}"


class BlobDeletionTaskStatus(TaskStatus):
    """The deletion of a blob's data; local deletions have finished when this is returned."""


class Blob(CatalogObject):
    """A named chunk of bytes in a namespace, with tags, a geometry and other attributes."""

    _table = "blobs"
    _indexes = ("namespace", "name")
    _create_only = ("id", "name", "namespace", "storage_type")

    id = Attribute(Str(nonempty=True), "``<storage_type>/<namespace>/<name>``, derived.", readonly=True)
    name = Attribute(Str(nonempty=True), "Name within the namespace ('/' makes folders).", required=True)
    namespace = Attribute(Str(nonempty=True), "Namespace; prefixed with the organisation when stored.")
    storage_type = Attribute(Choice(StorageType.values()), "A StorageType value.", default=StorageType.DATA.value)
    description = Attribute(Str(), "Free text.")
    tags = Attribute(StrList(), "Labels to search by.", default=[])
    geometry = Attribute(Geometry(), "Area the data is about, EPSG:4326.")
    size_bytes = Attribute(Int(lo=0), "Size of the data; if set before uploading, it is verified.")
    hash = Attribute(Str(), "MD5 hex digest of the data; if set before uploading, it is verified.")
    href = Attribute(Str(), "Where the data is stored (relative to $GPUCOMPUTE_HOME/blobs).", readonly=True)
    expires = Attribute(Datetime(), "When the blob may be removed (not enforced locally).")
    extra_properties = Attribute(Json(), "User metadata (a JSON dict).", default={})
    readers = Attribute(StrList(), "Principals that may read.", default=[])
    writers = Attribute(StrList(), "Principals that may write.", default=[])
    owners = Attribute(StrList(), "Principals that own the blob.", default=[])

    def __init__(self, client: Catalog | None = None, **kwargs: Any) -> None:
        super().__init__(client=client, **kwargs)
        if not self.owners:
            self.owners = [f"user:{client.user if client is not None else local_user()}"]
        self._derive_id()

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in ("name", "namespace", "storage_type"):
            self._derive_id()

    def _derive_id(self) -> None:
        if self.name:
            ns = full_namespace(self.namespace, self._client)
            self._values["id"] = f"{self.storage_type}/{ns}/{self.name}"

    @staticmethod
    def _split_id(id_: str) -> tuple[str, str, str]:
        parts = id_.split("/", 2) if isinstance(id_, str) else []
        if len(parts) != 3 or not all(parts):
            raise CatalogValueError(f"a blob id has the form '<storage_type>/<namespace>/<name>', got {id_!r}")
        return parts[0], parts[1], parts[2]

    # ---- lookups ----------------------------------------------------------------------------
    @classmethod
    def get(cls, id: str | None = None, client: Catalog | None = None, *, name: str | None = None,  # noqa: A002
            namespace: str | None = None, storage_type: str = StorageType.DATA.value,
            raise_on_missing: bool = False) -> Blob | None:
        """The blob with *id*, or with *name* in *namespace* (default: yours); None if missing."""
        if id is None:
            if not name:
                raise CatalogValueError("Blob.get needs an id or a name")
            id = f"{storage_type}/{full_namespace(namespace, client)}/{name}"  # noqa: A001
        return super().get(id, client=client, raise_on_missing=raise_on_missing)

    @classmethod
    def get_or_create(cls, id: str | None = None, client: Catalog | None = None, **kwargs: Any) -> Blob:  # noqa: A002
        """The stored blob updated with *kwargs*, or a new unsaved one (upload data to store it)."""
        if id is not None:
            storage_type, namespace, name = cls._split_id(id)
            kwargs.update(storage_type=storage_type, namespace=namespace, name=name)
        obj = cls.get(client=client, name=kwargs.get("name"), namespace=kwargs.get("namespace"),
                      storage_type=kwargs.get("storage_type", StorageType.DATA.value))
        if obj is None:
            return cls(client=client, **kwargs)
        for key, value in kwargs.items():
            if key not in cls._create_only:
                setattr(obj, key, value)
        return obj

    # ---- writing ----------------------------------------------------------------------------
    def _check_storage_writable(self, action: str) -> None:
        if self.storage_type not in WRITABLE_STORAGE_TYPES:
            raise PermissionDeniedError(
                f"blobs of storage type {self.storage_type!r} are read only; cannot {action} {self.id!r} "
                f"(writable types: {list(WRITABLE_STORAGE_TYPES)})"
            )

    def _prepare_save(self) -> None:
        if self._saved is None:
            self.namespace = full_namespace(self.namespace, self._client)
        self._derive_id()

    def save(self) -> None:
        """Store changed attributes of an uploaded blob (new blobs are created by uploading)."""
        self._check_storage_writable("save")
        if self._saved is None:
            raise CatalogValueError(f"blob {self.id!r} has no data yet; use upload() or upload_data() to create it")
        super().save()

    def upload(self, file: str | os.PathLike | BinaryIO) -> Blob:
        """Store the contents of *file* (a path or a binary file-like object) as this blob's data."""
        if isinstance(file, (str, os.PathLike)):
            if not os.path.isfile(file):
                raise CatalogValueError(f"upload() needs the path of an existing file, got {file!r}")
            with open(file, "rb") as f:
                return self._store(f)
        if not hasattr(file, "read"):
            raise CatalogValueError(f"upload() needs a path or a file-like object, got {file!r}")
        return self._store(file)

    def upload_data(self, data: bytes | str | BinaryIO) -> Blob:
        """Store *data* (bytes, str encoded as UTF-8, or a file-like object) as this blob's data."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        if isinstance(data, (bytes, bytearray, memoryview)):
            return self._store(io.BytesIO(bytes(data)))
        if hasattr(data, "read"):
            return self._store(data)
        raise CatalogValueError(f"upload_data() needs bytes, str or a file-like object, got {type(data).__name__}")

    def _store(self, source: BinaryIO, *, allow_readonly: bool = False) -> Blob:
        if not allow_readonly:
            self._check_storage_writable("upload")
        self._prepare_save()
        self._check_required()
        catalog = self.client
        new = self._saved is None
        if new and self.exists(self.id, client=self._client):
            raise ConflictError(f"blob {self.id!r} already exists; delete it first (and wait for completion)")
        token_name = uuid.uuid4().hex
        final = catalog.blobs_dir / token_name[:2] / token_name
        part = final.with_name(final.name + ".part")
        pending = catalog.begin_files([final])
        before = dict(self._values)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            size, digest = _copy_stream(source, part)
            self._verify(size, digest)
            os.replace(part, final)
            self._values.update(size_bytes=size, hash=digest, href=f"{token_name[:2]}/{token_name}")
            old = None
            with catalog.transaction() as conn:
                if not new:
                    row = conn.execute("SELECT href FROM blobs WHERE pk = ?", (self._pk,)).fetchone()
                    if row is not None and row["href"]:
                        old = catalog.schedule_removal(conn, [catalog.blobs_dir / row["href"]])
                pk, written = self._write_row(conn)
                catalog.finish_files(conn, pending)
        except BaseException:
            catalog.abandon_files(pending)
            self.__dict__["_values"] = before
            raise
        self._mark_saved(pk, written)
        if old:
            catalog.remove_files(old)
        return self

    def _verify(self, size: int, digest: str) -> None:
        if self.size_bytes is not None and self._saved is None and self.size_bytes != size:
            raise CatalogValueError(f"blob {self.id!r}: size_bytes was given as {self.size_bytes} but the data "
                                    f"has {size} bytes; nothing was stored")
        if self.hash is not None and self._saved is None and self.hash.lower() != digest:
            raise CatalogValueError(f"blob {self.id!r}: hash was given as {self.hash!r} but the data's MD5 is "
                                    f"{digest!r}; nothing was stored")

    # ---- reading ----------------------------------------------------------------------------
    def _path(self) -> str:
        if self._saved is None or not self.href:
            raise NotFoundError(f"blob {self.id!r} has no stored data; upload it first")
        path = self.client.blobs_dir / self.href
        if not path.is_file():
            raise NotFoundError(f"the data of blob {self.id!r} is missing from {str(path)!r}")
        return str(path)

    def iter_data(self, chunk_size: int = _CHUNK) -> Iterator[bytes]:
        """The data in chunks of at most *chunk_size* bytes."""
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size <= 0:
            raise CatalogValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
        with open(self._path(), "rb") as f:
            while chunk := f.read(chunk_size):
                yield chunk

    def data(self) -> bytes:
        """All of the data as bytes."""
        return b"".join(self.iter_data())

    def iter_lines(self, decode_unicode: bool = False, delimiter: str | bytes | None = None) -> Iterator[Any]:
        """The data line by line, without line endings (split on *delimiter* if given)."""
        data = self.data()
        if delimiter is not None:
            sep = delimiter.encode() if isinstance(delimiter, str) else delimiter
            lines: Iterable[bytes] = data.split(sep)
        else:
            lines = data.splitlines()
        for line in lines:
            yield line.decode("utf-8") if decode_unicode else line

    def download(self, file: str | os.PathLike | BinaryIO) -> str | BinaryIO:
        """Write the data to *file* (a path, written atomically, or a binary file-like object)."""
        if hasattr(file, "write"):
            for chunk in self.iter_data():
                file.write(chunk)  # type: ignore[union-attr]
            return file  # type: ignore[return-value]
        target = os.fspath(file)
        tmp = f"{target}.part-{uuid.uuid4().hex[:8]}"
        try:
            with open(tmp, "wb") as f:
                for chunk in self.iter_data():
                    f.write(chunk)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return target

    # ---- deleting ---------------------------------------------------------------------------
    def _delete_related(self, conn: sqlite3.Connection) -> list:
        return [self.client.blobs_dir / self.href] if self.href else []

    @hybridmethod
    def delete(cls, id: str, client: Catalog | None = None) -> BlobDeletionTaskStatus:  # noqa: A002,N805
        """Delete the blob *id* (or, on an instance, this blob).

        Raises
        ------
        NotFoundError
            If there is no such blob.
        PermissionDeniedError
            For read-only storage types.
        """
        obj = cls.get(id, client=client, raise_on_missing=True)
        return obj.delete()

    @delete.instancemethod
    def delete(self) -> BlobDeletionTaskStatus:  # noqa: F811
        if self._saved is None:
            raise NotFoundError(f"blob {self.id!r} was never stored, so it cannot be deleted")
        self._check_storage_writable("delete")
        self._delete_now()
        return BlobDeletionTaskStatus(self.id, TaskState.SUCCEEDED)

    @classmethod
    def delete_many(cls, ids: Iterable[str], raise_on_missing: bool = False, wait_for_completion: bool = False,
                    client: Catalog | None = None) -> list[str]:
        """Delete several blobs in one transaction; returns the ids deleted.

        Raises
        ------
        NotFoundError
            If *raise_on_missing* and an id does not exist (then nothing is deleted).
        """
        ids = list(dict.fromkeys(ids))
        blobs = cls.get_many(ids, client=client, ignore_missing=not raise_on_missing)
        for blob in blobs:
            blob._check_storage_writable("delete")
        catalog = client or get_catalog()
        with catalog.transaction() as conn:
            files = []
            for blob in blobs:
                files += blob._delete_related(conn)
                conn.execute("DELETE FROM blobs WHERE pk = ?", (blob._pk,))
                conn.execute("DELETE FROM blobs_rtree WHERE id = ?", (blob._pk,))
            token = catalog.schedule_removal(conn, files) if files else None
        if token:
            catalog.remove_files(token)
        for blob in blobs:
            blob.__dict__["_deleted"] = True
        return [b.id for b in blobs]


def _copy_stream(source: BinaryIO, dst: Any) -> tuple[int, str]:
    digest = hashlib.md5()  # noqa: S324 - a checksum, not security
    size = 0
    with open(dst, "wb") as out:
        while chunk := source.read(_CHUNK):
            if isinstance(chunk, str):
                chunk = chunk.encode("utf-8")
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


Blob._search_class = BlobSearch
Blob._collection_class = BlobCollection
