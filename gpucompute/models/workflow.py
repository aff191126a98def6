"""``Workflow``: a named, shareable collection of published versions of a proxy object.

Workflows live in the local catalog (see :mod:`gpucompute.models._store`);
their access lists are the catalog's ``readers``/``writers``/``owners``
principals (``"user:<login>"``, ``"org:<name>"``, ``"group:<name>"``,
``"email:<address>"``).  Readers may get and use a workflow, writers may add
versions and change its metadata, owners may also share and delete it.
Versions never change once published; publish a new version instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from gpucompute.errors import CatalogValueError, ConflictError
from gpucompute.models import _store
from gpucompute.models._names import (
    check_version,
    check_workflow_id,
    next_version,
    version_key,
)
from gpucompute.models.versioned_graft import VersionedGraft, check_labels, find_version

__all__ = ["Workflow"]


def _check_str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise CatalogValueError(f"{what} must be a string, got {value!r:.120}")
    return value


def _check_tags(tags: Any) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str) or not isinstance(tags, Iterable):
        raise CatalogValueError(f"tags must be a list of strings, got {tags!r:.120}")
    tags = list(tags)
    if not all(isinstance(t, str) and t for t in tags):
        raise CatalogValueError(f"tags must be a list of non-empty strings, got {tags!r:.120}")
    return tags


def _principals(who: str | Iterable[str]) -> list[str]:
    items = [who] if isinstance(who, str) else list(who)
    bad = [w for w in items if not isinstance(w, str) or ":" not in w or w.startswith(":") or w.endswith(":")]
    if bad or not items:
        raise CatalogValueError(f"principals look like 'user:<login>', 'email:<address>', 'org:<name>' or "
                                f"'group:<name>', got {who!r}")
    return items


class Workflow:
    """A published workflow: metadata plus immutable versions, stored in the catalog.

    Parameters
    ----------
    id : str
        ``"<namespace>:<name>"``, e.g. ``"me@example.com:ndvi"`` (lowercase).
    title : str
        A short, readable title.
    description : str
        Long-form description (Markdown).
    labels : dict, optional
        Key-value labels of the workflow.
    tags : list of str, optional
        Tags to search by.

    Notes
    -----
    Creating a ``Workflow`` stores nothing: add versions with :meth:`set_version`
    and call :meth:`save` (or use :func:`gpucompute.models.publish`).
    """

    def __init__(self, id: str, title: str = "", description: str = "",
                 labels: Mapping[str, Any] | None = None, tags: Iterable[str] | None = None,
                 client: Any = None) -> None:
        self._id = check_workflow_id(id)
        self.title, self.description = _check_str(title, "title"), _check_str(description, "description")
        self.labels, self.tags = check_labels(labels), _check_tags(tags)
        self._client = client
        self._stored: list[VersionedGraft] = []
        self._staged: list[VersionedGraft] = []
        self._acl: dict[str, list[str]] = {"readers": [], "writers": [], "owners": []}
        self._saved = False

    # ---- loading ---------------------------------------------------------------------------------
    @classmethod
    def _from_stored(cls, blob: Any, doc: dict[str, Any], client: Any = None) -> Workflow:
        self = cls(doc["id"], doc["title"], doc["description"], doc["labels"], doc["tags"], client=client)
        self._refresh(blob, doc)
        return self

    def _refresh(self, blob: Any, doc: dict[str, Any]) -> None:
        self.title, self.description = doc["title"], doc["description"]
        self.labels, self.tags = dict(doc["labels"]), list(doc["tags"])
        self._stored = [VersionedGraft._from_record(r, self._id) for r in doc["versions"]]
        self._acl = {k: list(getattr(blob, k) or []) for k in self._acl}
        self._saved = True

    @classmethod
    def get(cls, id: str, client: Any = None) -> Workflow:
        """The stored workflow ``id``.

        Raises
        ------
        NotFoundError
            If there is none.
        PermissionDeniedError
            If the current user is not a reader, writer or owner.
        """
        check_workflow_id(id)
        blob, doc = _store.load(id, client)
        return cls._from_stored(blob, doc, client)

    @classmethod
    def search(cls, email: str = "", name: str = "", tags: Iterable[str] | None = None,
               client: Any = None) -> Iterator[Workflow]:
        """The stored workflows you may read, sorted by id.

        Parameters
        ----------
        email : str
            Only ids whose namespace (the part before ``:``) starts with this.
        name : str
            Only ids whose name (after ``:``) contains this.
        tags : list of str, optional
            Only workflows that have all of these tags.
        """
        wanted = set(_check_tags(tags))
        found = []
        for blob in _store.list_blobs(client):
            namespace, _, wf_name = blob.name.partition(":")
            if namespace.startswith(email or "") and (name or "") in wf_name and wanted <= set(blob.tags or ()):
                found.append(blob)
        for blob in sorted(found, key=lambda b: b.name):
            yield cls._from_stored(blob, _store.parse(blob.data(), blob.name), client)

    @classmethod
    def delete_id(cls, id: str, client: Any = None) -> None:
        """Delete the stored workflow ``id`` with all its versions (owners only).

        Raises
        ------
        NotFoundError, PermissionDeniedError
        """
        check_workflow_id(id)
        blob, _ = _store.load(id, client, need="own")
        blob.delete()

    # ---- properties ------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The workflow id, ``"<namespace>:<name>"``."""
        return self._id

    @property
    def versions(self) -> list[VersionedGraft]:
        """Every version (stored and staged), sorted by semantic-version precedence."""
        return sorted(self._stored + self._staged, key=lambda v: version_key(v.version))

    @property
    def version_names(self) -> list[str]:
        """The version strings, sorted by semantic-version precedence."""
        return [v.version for v in self.versions]

    @property
    def readers(self) -> list[str]:
        """Principals who may read (as stored when last loaded or saved)."""
        return list(self._acl["readers"])

    @property
    def writers(self) -> list[str]:
        """Principals who may add versions and change metadata."""
        return list(self._acl["writers"])

    @property
    def owners(self) -> list[str]:
        """Principals who may also share and delete the workflow."""
        return list(self._acl["owners"])

    # ---- versions --------------------------------------------------------------------------------
    def set_version(self, version: str, obj: Any = None, docstring: str = "",
                    labels: Mapping[str, Any] | None = None, viz_options: Any = None) -> Any:
        """Stage a new version; :meth:`save` stores it. Also a decorator when ``obj`` is omitted.

        Returns
        -------
        VersionedGraft
            The staged version (as a decorator: the ``Function`` proxy).

        Raises
        ------
        CatalogValueError
            For a version that is not semantic versioning.
        ConflictError
            If this workflow already has that version (versions never change).
        """
        check_version(version)
        if obj is None:
            def decorator(func: Any) -> Any:
                return self.set_version(version, func, docstring, labels, viz_options).object
            return decorator
        self._refuse_existing(version, self.version_names)
        staged = VersionedGraft(version, obj, docstring=docstring, labels=labels, viz_options=viz_options)
        staged._workflow_id = self._id
        self._staged.append(staged)
        return staged

    def _refuse_existing(self, version: str, have: list[str]) -> None:
        if version in have:
            raise ConflictError(
                f"workflow {self._id!r} already has version {version!r}, and published versions cannot change; "
                f"publish a new version instead (e.g. {next_version(have)!r})"
            )

    def get_version(self, version: str) -> VersionedGraft:
        """The version ``version`` of this workflow (:class:`NotFoundError` if it has none)."""
        check_version(version)
        for v in self._staged:
            if v.version == version:
                return v
        doc = {"versions": [v._record() for v in self._stored]}
        return find_version(doc, self._id, version)

    def update_version(self, version: str, docstring: str | None = None, labels: Mapping[str, Any] | None = None,
                       viz_options: Any = None) -> VersionedGraft:
        """Change the docstring, labels or display options of a stored version (never its object)."""
        check_version(version)

        def change(blob: Any, doc: dict[str, Any]) -> None:
            record = find_version(doc, self._id, version)._record()
            if docstring is not None:
                record["docstring"] = _check_str(docstring, "docstring")
            if labels is not None:
                record["labels"] = check_labels(labels)
            if viz_options is not None:
                from gpucompute.models.vizoption import check_viz_options

                record["viz_options"] = [v.to_dict() for v in check_viz_options(viz_options)]
            doc["versions"] = [record if r["version"] == version else r for r in doc["versions"]]

        self._refresh(*_store.update(self._id, change, self._client))
        return self.get_version(version)

    # ---- saving ------------------------------------------------------------------------------------
    def save(self) -> Workflow:
        """Store the metadata and the staged versions in one atomic write.

        An existing stored workflow of the same id keeps its versions and
        access lists; the current user must be one of its writers or owners.

        Raises
        ------
        ConflictError
            If a staged version was published meanwhile (nothing is written).
        PermissionDeniedError
            If the current user may not change the stored workflow.
        """
        records = [v._record() for v in self._staged]

        def change(blob: Any, doc: dict[str, Any]) -> None:
            have = [r["version"] for r in doc["versions"]]
            for record in records:
                self._refuse_existing(record["version"], have)
            doc.update(title=self.title, description=self.description, labels=self.labels, tags=self.tags)
            doc["versions"] = doc["versions"] + records

        self._refresh(*_store.update(self._id, change, self._client, create=True))
        self._staged = []
        return self

    def delete(self) -> None:
        """Delete this workflow from the catalog, with all its versions (owners only)."""
        Workflow.delete_id(self._id, client=self._client)
        self._saved = False
        self._stored = []

    def duplicate(self, new_id: str, include_versions: bool = True) -> Workflow:
        """An unsaved copy of this workflow under ``new_id`` (with its versions unless told otherwise)."""
        copy = Workflow(new_id, self.title, self.description, self.labels, self.tags, client=self._client)
        if include_versions:
            for v in self.versions:
                record = v._record()
                record.pop("created")
                copy._staged.append(VersionedGraft._from_record(record, new_id))
        return copy

    # ---- sharing -------------------------------------------------------------------------------------
    def _change_acl(self, field: str, add: list[str] = (), remove: list[str] = ()) -> None:
        def change(blob: Any, doc: dict[str, Any]) -> None:
            current = [p for p in (getattr(blob, field) or []) if p not in remove]
            current += [p for p in add if p not in current]
            if field == "owners" and not current:
                raise CatalogValueError(f"workflow {self._id!r} must keep at least one owner")
            setattr(blob, field, current)

        blob, _ = _store.update(self._id, change, self._client, need="own")
        self._acl = {k: list(getattr(blob, k) or []) for k in self._acl}

    def add_reader(self, who: str | Iterable[str]) -> None:
        """Let principals (``"user:<login>"``, ``"org:<name>"`` ...) read and use this workflow (owners only)."""
        self._change_acl("readers", add=_principals(who))

    def remove_reader(self, who: str | Iterable[str]) -> None:
        """Take read access away from principals (owners only)."""
        self._change_acl("readers", remove=_principals(who))

    def list_readers(self) -> list[str]:
        """The stored readers."""
        return self._stored_acl("readers")

    def add_writer(self, who: str | Iterable[str]) -> None:
        """Let principals add versions and change metadata (owners only)."""
        self._change_acl("writers", add=_principals(who))

    def remove_writer(self, who: str | Iterable[str]) -> None:
        """Take write access away from principals (owners only)."""
        self._change_acl("writers", remove=_principals(who))

    def list_writers(self) -> list[str]:
        """The stored writers."""
        return self._stored_acl("writers")

    def add_owner(self, who: str | Iterable[str]) -> None:
        """Make principals owners too (owners only)."""
        self._change_acl("owners", add=_principals(who))

    def remove_owner(self, who: str | Iterable[str]) -> None:
        """Remove owners (owners only; one must remain)."""
        self._change_acl("owners", remove=_principals(who))

    def list_owners(self) -> list[str]:
        """The stored owners."""
        return self._stored_acl("owners")

    def add_public_reader(self) -> None:
        """Let everyone read and use this workflow (adds ``"group:public"`` to the readers)."""
        self._change_acl("readers", add=[_store.PUBLIC])

    def remove_public_reader(self) -> None:
        """Undo :meth:`add_public_reader`."""
        self._change_acl("readers", remove=[_store.PUBLIC])

    def _stored_acl(self, field: str) -> list[str]:
        blob, _ = _store.load(self._id, self._client)
        return list(getattr(blob, field) or [])

    def __repr__(self) -> str:
        state = "" if self._saved and not self._staged else "  * unsaved changes: call .save()\n"
        return (f"Workflow: {self.title or self._id}\n  id: {self._id}\n  versions: "
                f"{', '.join(self.version_names) or '(none)'}\n{state}").rstrip()
