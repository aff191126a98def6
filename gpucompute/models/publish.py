"""``publish`` and ``use``: share a proxy object (or a function) as a versioned workflow, and get it back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gpucompute.errors import NotFoundError
from gpucompute.models._names import check_version, check_workflow_id
from gpucompute.models.versioned_graft import VersionedGraft
from gpucompute.models.workflow import Workflow

__all__ = ["publish", "use"]


def publish(id: str, version: str, obj: Any = None, *, title: str = "", description: str = "",
            labels: Mapping[str, Any] | None = None, tags: Iterable[str] | None = None, docstring: str = "",
            version_labels: Mapping[str, Any] | None = None, viz_options: Any = None, client: Any = None) -> Any:
    """Publish ``obj`` as version ``version`` of the workflow ``id`` (created if needed).

    A proxy that depends on parameters is published as a ``Function`` of them;
    a Python function (also with ``@wf.publish(id, version)`` as a decorator)
    is traced into a ``Function`` using the proxy types of its annotations.
    What is stored is JSON (type, parameters, graft), never pickle.

    Parameters
    ----------
    id : str
        ``"<namespace>:<name>"`` such as ``"me@example.com:ndvi"`` (lowercase).
    version : str
        A semantic version, ``MAJOR.MINOR.PATCH[-pre][+build]`` (``"1.0.0"``).
    obj : Proxytype or callable, optional
        What to publish; omit it to use ``publish`` as a decorator.
    title, description : str
        The workflow's title and long description (kept when empty and the workflow exists).
    labels : dict, optional
        The workflow's labels (kept when omitted and the workflow exists).
    tags : list of str, optional
        The workflow's tags (kept when omitted and the workflow exists).
    docstring : str
        The docstring of this version.
    version_labels : dict, optional
        Labels of this version.
    viz_options : list of VizOption, optional
        How to display this version.

    Returns
    -------
    Workflow
        The saved workflow; as a decorator, the published ``Function`` proxy.

    Raises
    ------
    CatalogValueError
        For a bad id or version.
    ConflictError
        If the workflow already has this version (versions never change: publish a new one).
    PermissionDeniedError
        If the workflow exists and you are not one of its writers or owners.
    ProxyTypeError
        If ``obj`` is neither a proxy nor a function with proxy-typed annotations.
    """
    check_workflow_id(id)
    check_version(version)
    if obj is None:
        def decorator(func: Any) -> Any:
            workflow = publish(id, version, func, title=title, description=description, labels=labels, tags=tags,
                               docstring=docstring, version_labels=version_labels, viz_options=viz_options,
                               client=client)
            return workflow.get_version(version).object
        return decorator
    try:
        workflow = Workflow.get(id, client=client)
    except NotFoundError:
        workflow = Workflow(id, client=client)
    workflow.title = title or workflow.title
    workflow.description = description or workflow.description
    replacement = Workflow(id, labels=labels, tags=tags)  # validates labels and tags
    if labels is not None:
        workflow.labels = replacement.labels
    if tags is not None:
        workflow.tags = replacement.tags
    workflow.set_version(version, obj, docstring=docstring, labels=version_labels, viz_options=viz_options)
    return workflow.save()


def use(workflow_id: str, version: str, client: Any = None) -> Any:
    """The proxy object of version ``version`` of workflow ``workflow_id``.

    A Function workflow comes back as a callable ``Function`` proxy
    (``wf.use("me:ndvi", "1.0.0")(img)``); anything else as the proxy itself.

    Raises
    ------
    NotFoundError
        If there is no such workflow or version.
    GraftError
        If the stored document is not a valid saved object (nothing is run).
    PermissionDeniedError
        If you may not read the workflow.
    """
    return VersionedGraft.get(workflow_id, version, client=client).object


def publish_proxy(obj: Any, id: str, version: str, **kwargs: Any) -> Any:
    """``Proxytype.publish``: :func:`publish` with the proxy first."""
    return publish(id, version, obj, **kwargs)
