"""Where published workflows live: one catalog blob per workflow, holding one JSON document.

The blob is a ``dyncomp`` blob named after the workflow id in the namespace
``"<org>:workflows"``; its ``readers``/``writers``/``owners`` are the
workflow's access lists.  The document holds the workflow's metadata and every
version (each one a saved-object document of :mod:`gpucompute.execution.saved`)::

    {"format": "gpucompute.workflow/1", "id": "me@example.com:ndvi", "title": "", "description": "",
     "labels": {}, "tags": [], "versions": [{"version": "1.0.0", "docstring": "", "labels": {},
     "viz_options": [], "created": "2024-...", "object": {"format": "gpucompute.saved/1", ...}}]}

Every change is a read-modify-write of that one document done inside one
catalog write transaction (:func:`update`): the write lock serialises
publishers across processes, and the blob's data is replaced by a single
upload, so a failed change leaves the previous document, never half of a new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from gpucompute.errors import GraftError, NotFoundError, PermissionDeniedError

__all__ = ["FORMAT", "NAMESPACE", "PUBLIC", "STORAGE_TYPE", "TAG", "access", "blob_id", "list_blobs", "load",
           "parse", "principal", "update"]

FORMAT = "gpucompute.workflow/1"
NAMESPACE = "workflows"
STORAGE_TYPE = "dyncomp"
TAG = "gpucompute:workflow"
#: The principal that gives everyone read access (``Workflow.add_public_reader``).
PUBLIC = "group:public"

_DOC_KEYS = {"format", "id", "title", "description", "labels", "tags", "versions"}


def _catalog(client: Any = None) -> Any:
    from gpucompute.catalog._db import get_catalog

    return client or get_catalog()


def principal(client: Any = None) -> str:
    """The current user as a principal: ``"user:<login>"`` (the catalog's ``user``)."""
    return f"user:{_catalog(client).user}"


def blob_id(workflow_id: str, client: Any = None) -> str:
    """The id of the blob that stores workflow ``workflow_id``."""
    from gpucompute.catalog.blob import full_namespace

    return f"{STORAGE_TYPE}/{full_namespace(NAMESPACE, client)}/{workflow_id}"


def access(blob: Any, client: Any = None) -> set[str]:
    """What the current user may do with a workflow's blob: a subset of ``{"read", "write", "own"}``."""
    from gpucompute.catalog._db import Catalog

    me = principal(client)
    owners, writers, readers = set(blob.owners or ()), set(blob.writers or ()), set(blob.readers or ())
    rights = set()
    if me in owners:
        rights |= {"own", "write", "read"}
    if me in writers:
        rights |= {"write", "read"}
    if me in readers or readers & {PUBLIC, f"org:{Catalog.org}"}:
        rights.add("read")
    return rights


_VERBS = {"read": "read", "write": "change", "own": "delete or share"}


def check_access(blob: Any, need: str, workflow_id: str, client: Any = None) -> None:
    """Raise :class:`PermissionDeniedError` unless the current user has right ``need`` on the workflow."""
    if need not in access(blob, client):
        who = {"read": "a reader, writer or owner", "write": "a writer or owner", "own": "an owner"}[need]
        raise PermissionDeniedError(
            f"{principal(client)!r} may not {_VERBS[need]} workflow {workflow_id!r}: only {who} may; ask an owner "
            f"({', '.join(blob.owners or []) or 'none'}) to add you"
        )


def parse(data: bytes | str, workflow_id: str) -> dict[str, Any]:
    """The stored document of a workflow, with its structure checked (no graft is loaded here)."""
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise GraftError(f"the stored document of workflow {workflow_id!r} is not JSON ({exc})") from None
    if (not isinstance(doc, dict) or doc.get("format") != FORMAT or set(doc) != _DOC_KEYS
            or not isinstance(doc["versions"], list)
            or not all(isinstance(v, dict) and isinstance(v.get("version"), str) for v in doc["versions"])):
        raise GraftError(f"the stored document of workflow {workflow_id!r} is not a workflow of format {FORMAT!r}")
    return doc


def new_document(workflow_id: str) -> dict[str, Any]:
    """An empty document for a new workflow."""
    return {"format": FORMAT, "id": workflow_id, "title": "", "description": "", "labels": {}, "tags": [],
            "versions": []}


def _missing(workflow_id: str) -> NotFoundError:
    return NotFoundError(f"no workflow {workflow_id!r} in the catalog; publish one with "
                         f"wf.publish({workflow_id!r}, '1.0.0', obj) or list them with Workflow.search()")


def load(workflow_id: str, client: Any = None, need: str = "read") -> tuple[Any, dict[str, Any]]:
    """The blob and parsed document of a stored workflow, after checking the current user's access."""
    from gpucompute.catalog.blob import Blob

    blob = Blob.get(blob_id(workflow_id, client), client=client)
    if blob is None:
        raise _missing(workflow_id)
    check_access(blob, need, workflow_id, client)
    return blob, parse(blob.data(), workflow_id)


def update(workflow_id: str, change: Callable[[Any, dict[str, Any]], None], client: Any = None, *,
           need: str = "write", create: bool = False) -> tuple[Any, dict[str, Any]]:
    """Apply ``change(blob, document)`` to a stored workflow and write the result, all under the write lock.

    With ``create``, a missing workflow starts as an empty document owned by the
    current user.  ``change`` may raise; then nothing is written.
    """
    from gpucompute.catalog.blob import Blob

    catalog = _catalog(client)
    with catalog.transaction():
        blob = Blob.get(blob_id(workflow_id, client), client=client)
        if blob is None:
            if not create:
                raise _missing(workflow_id)
            blob = Blob(client=client, name=workflow_id, namespace=NAMESPACE, storage_type=STORAGE_TYPE,
                        owners=[principal(client)])
            doc = new_document(workflow_id)
        else:
            check_access(blob, need, workflow_id, client)
            doc = parse(blob.data(), workflow_id)
        change(blob, doc)
        blob.description = doc["title"] or None
        blob.tags = [TAG, *doc["tags"]]
        blob.extra_properties = {"labels": doc["labels"]}
        # The upload is the last step: it commits with this transaction or leaves the old document in place.
        blob.upload_data(json.dumps(doc, sort_keys=True))
    return blob, doc


def list_blobs(client: Any = None) -> list[Any]:
    """Every workflow blob the current user may read."""
    from gpucompute.catalog.blob import Blob, full_namespace
    from gpucompute.catalog.properties import properties as p

    ns = full_namespace(NAMESPACE, client)
    blobs = Blob.search(client=client).filter(p.namespace == ns)
    return [b for b in blobs if b.storage_type == STORAGE_TYPE and TAG in (b.tags or ())
            and "read" in access(b, client)]
