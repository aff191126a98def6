"""``VersionedGraft``: one published, immutable version of a workflow (a proxy object saved as JSON)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from gpucompute.errors import (
    CatalogValueError,
    GraftError,
    NotFoundError,
    ProxyTypeError,
)
from gpucompute.models import _store
from gpucompute.models._names import check_version, check_workflow_id, version_key
from gpucompute.models.vizoption import VizOption, check_viz_options

__all__ = ["VersionedGraft", "check_labels", "publishable"]


def check_labels(labels: Any, what: str = "labels") -> dict[str, Any]:
    """``labels`` as a dict of string keys to JSON scalars (``None`` gives ``{}``)."""
    if labels is None:
        return {}
    if (not isinstance(labels, Mapping) or not all(isinstance(k, str) for k in labels)
            or not all(v is None or isinstance(v, (str, int, float, bool)) for v in labels.values())):
        raise CatalogValueError(f"{what} must be a dict of string keys to strings or numbers, got {labels!r:.200}")
    return dict(labels)


def publishable(obj: Any) -> Any:
    """The proxy to store for ``obj``.

    A proxy that depends on parameters becomes a ``Function`` of them
    (``Function.from_object``); a Python function becomes a ``Function`` traced
    with the proxy types of its annotations; other proxies are kept.
    """
    from gpucompute.types.core import Proxytype
    from gpucompute.types.function import Function

    if isinstance(obj, Function):
        return obj
    if isinstance(obj, Proxytype):
        return Function.from_object(obj) if obj.params else obj
    if callable(obj):
        return Function.from_callable(obj)
    raise ProxyTypeError(f"can only publish a proxy object or a Python function with proxy-typed annotations, "
                         f"got {type(obj).__name__} ({obj!r:.80})")


def _load_object(document: Mapping[str, Any], source: str) -> Any:
    """The proxy a stored saved-object document describes; only JSON is read and it is validated first."""
    from gpucompute.execution.saved import loads_proxy

    return loads_proxy(json.dumps(document), source=source)


class VersionedGraft:
    """A version of a workflow: a proxy object plus its docstring, labels and display options.

    Parameters
    ----------
    version : str
        A semantic version (``"1.0.0"``).
    proxy_object : Proxytype or callable
        What this version computes (see :func:`publishable`).
    docstring : str
        What it does, for users of the workflow.
    labels : dict, optional
        Key-value labels of this version.
    viz_options : list of VizOption, optional
        How to display it.
    """

    def __init__(self, version: str, proxy_object: Any, docstring: str = "", labels: Mapping[str, Any] | None = None,
                 viz_options: Any = None) -> None:
        from gpucompute.execution.saved import dumps_proxy

        obj = publishable(proxy_object)
        self._init(check_version(version), json.loads(dumps_proxy(obj)), docstring, check_labels(labels),
                   check_viz_options(viz_options), None, None)
        self._object = obj

    def _init(self, version: str, document: dict, docstring: Any, labels: dict, viz: list[VizOption],
              created: str | None, workflow_id: str | None) -> None:
        if not isinstance(docstring, str):
            raise CatalogValueError(f"docstring must be a string, got {docstring!r:.120}")
        self._version, self._document, self._docstring = version, document, docstring
        self._labels, self._viz_options, self._created, self._workflow_id = labels, viz, created, workflow_id
        self._object = None

    # ---- storage -------------------------------------------------------------------------------
    def _record(self) -> dict[str, Any]:
        created = self._created or datetime.datetime.now(datetime.timezone.utc).isoformat()
        return {"version": self._version, "docstring": self._docstring, "labels": self._labels,
                "viz_options": [v.to_dict() for v in self._viz_options], "created": created,
                "object": self._document}

    @classmethod
    def _from_record(cls, record: Mapping[str, Any], workflow_id: str) -> VersionedGraft:
        if not isinstance(record, Mapping) or not isinstance(record.get("object"), dict):
            raise GraftError(f"workflow {workflow_id!r}: a stored version is malformed: {record!r:.200}")
        self = cls.__new__(cls)
        try:
            self._init(check_version(record.get("version")), record["object"], record.get("docstring", ""),
                       check_labels(record.get("labels")), check_viz_options(record.get("viz_options")),
                       record.get("created"), workflow_id)
        except CatalogValueError as exc:
            raise GraftError(f"workflow {workflow_id!r}: a stored version is malformed: {exc}") from None
        return self

    @classmethod
    def get(cls, workflow_id: str, version: str, client: Any = None) -> VersionedGraft:
        """Version ``version`` of the stored workflow ``workflow_id``.

        Raises
        ------
        NotFoundError
            If there is no such workflow or version.
        PermissionDeniedError
            If the current user may not read the workflow.
        """
        check_workflow_id(workflow_id)
        check_version(version)
        _, doc = _store.load(workflow_id, client)
        return find_version(doc, workflow_id, version)

    # ---- properties ------------------------------------------------------------------------------
    @property
    def version(self) -> str:
        """The semantic version."""
        return self._version

    @property
    def docstring(self) -> str:
        """The docstring of this version."""
        return self._docstring

    @property
    def labels(self) -> dict[str, Any]:
        """Key-value labels of this version (a copy)."""
        return dict(self._labels)

    @property
    def viz_options(self) -> list[VizOption]:
        """The display options stored with this version."""
        return list(self._viz_options)

    @property
    def workflow_id(self) -> str | None:
        """The id of the workflow this version belongs to (None before it is published)."""
        return self._workflow_id

    @property
    def created(self) -> datetime.datetime | None:
        """When this version was published (UTC)."""
        return None if self._created is None else datetime.datetime.fromisoformat(self._created)

    @property
    def type(self) -> type:
        """The proxy type of the stored object (e.g. ``Function[Image, Image]``)."""
        from gpucompute.execution.saved import decode_type

        return decode_type(self._document.get("type"))

    @property
    def params(self) -> tuple[Any, ...]:
        """The parameters of the object: for a Function, one identifier proxy per argument, by name."""
        from gpucompute.types.function import Function

        tp = self.type
        graft = self._document.get("graft")
        if isinstance(tp, type) and issubclass(tp, Function) and isinstance(graft, dict):
            names = graft.get("parameters") or []
            return tuple(t._as_param(n) for n, t in zip(names, tp._arg_types()))
        return tuple(self.object.params)

    @property
    def object(self) -> Any:
        """The stored proxy, rebuilt from JSON (validated; no code runs). Function versions are callable.

        Raises
        ------
        GraftError
            If the stored document is not a valid saved object (unknown types or builtins ...).
        """
        if self._object is None:
            where = f"version {self._version!r} of workflow {self._workflow_id!r}"
            self._object = _load_object(self._document, where)
        return self._object

    def __repr__(self) -> str:
        name = getattr(self.type, "__name__", "?") if self._document else "?"
        head = f"VersionedGraft: {self._workflow_id or '(unpublished)'} {self._version}"
        lines = [head, f"  type: {name}"]
        if self._docstring:
            lines.append(f"  docstring: {self._docstring}")
        return "\n".join(lines)


def find_version(doc: Mapping[str, Any], workflow_id: str, version: str) -> VersionedGraft:
    """The version ``version`` in a workflow document, or :class:`NotFoundError` listing the ones there are."""
    for record in doc["versions"]:
        if record.get("version") == version:
            return VersionedGraft._from_record(record, workflow_id)
    have = sorted((r["version"] for r in doc["versions"]), key=version_key)
    raise NotFoundError(f"workflow {workflow_id!r} has no version {version!r}; its versions are {have}")
