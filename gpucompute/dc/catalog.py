"""``dc.catalog``: save Dynamic Compute objects in catalog blobs, find, share, load and delete them.

A thin layer over :mod:`gpucompute.execution.saved` (JSON grafts in
``dyncomp`` blobs, never pickle) with Dynamic Compute's signatures.  An object
whose graft refers to a Python callable that could not be traced (see
:meth:`ImageStack.filter`) cannot be saved: :func:`save_to_blob` raises
:class:`~gpucompute.errors.GraftError` saying so.
"""

from __future__ import annotations

import platform
from collections.abc import Iterable, Mapping
from typing import Any

from gpucompute.dc.predicates import check_saveable
from gpucompute.execution import saved as _saved
from gpucompute.execution.saved import delete_blob, load_from_blob, print_blobs

__all__ = ["delete_blob", "find_blobs", "load_from_blob", "print_blobs", "save_to_blob", "share_blob"]


def save_to_blob(blueprint: Any, name: str, namespace: str | None = None, description: str | None = None,
                 extra_properties: Mapping[str, Any] | None = None, readers: Iterable[str] | None = None,
                 writers: Iterable[str] | None = None, tags: Iterable[str] | None = None) -> str:
    """Save ``blueprint`` (a Mosaic, ImageStack or any proxy) in a new blob; return the blob id.

    ``extra_properties`` gains ``graft_type`` (the class name) and
    ``python_version``; ``readers``/``writers`` are principals
    (``"user:..."``, ``"group:..."``, ``"org:..."``, ``"email:..."``).

    Raises
    ------
    GraftError
        If the object uses an untraceable callable, or its graft is not JSON.
    ConflictError
        If a blob of that name exists.
    """
    check_saveable(getattr(blueprint, "graft", {}), type(blueprint).__name__)
    props = dict(extra_properties or {})
    props.setdefault("graft_type", type(blueprint).__name__)
    props.setdefault("python_version", platform.python_version())
    blob_id = _saved.save_to_blob(blueprint, name, description, props, namespace=namespace, tags=tags)
    if readers:
        _saved.share_blob(blob_id, list(readers))
    if writers:
        _saved.share_blob(blob_id, list(writers), as_writers=True)
    return blob_id


def share_blob(blob_id: str, emails: Iterable[str] | None = None, orgs: Iterable[str] | None = None,
               users: Iterable[str] | None = None, groups: Iterable[str] | None = None, *,
               as_readers: bool = False, as_writers: bool = False) -> Any:
    """Share a saved object: ``emails``/``orgs``/``users``/``groups`` become readers (or writers).

    Names may be given bare (``"alice@x.org"``) or with their prefix
    (``"email:alice@x.org"``).  Without ``as_writers`` they are readers.
    """
    who: list[str] = []
    for prefix, names in (("email", emails), ("org", orgs), ("user", users), ("group", groups)):
        for entry in [names] if isinstance(names, str) else list(names or []):
            who.append(entry if entry.startswith(prefix + ":") else f"{prefix}:{entry}")
    blob = None
    if as_writers:
        blob = _saved.share_blob(blob_id, who, as_writers=True)
    if as_readers or not as_writers:
        blob = _saved.share_blob(blob_id, who)
    return blob


def find_blobs(namespace: str | None = None) -> list[Any]:
    """The saved-object blobs (all namespaces you can read, or only ``namespace``)."""
    from gpucompute.catalog.blob import Blob, full_namespace
    from gpucompute.catalog.properties import properties as p

    search = Blob.search()
    if namespace is not None:
        search = search.filter(p.namespace == full_namespace(namespace))
    return [b for b in search if b.storage_type == _saved.STORAGE_TYPE]
