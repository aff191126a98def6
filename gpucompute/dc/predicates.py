"""Functions of catalog images (``filter`` and ``groupby`` arguments) as grafts, or as local callables.

Dynamic Compute's ``ImageStack.filter`` and ``groupby`` take either a catalog
property expression (``p.cloud_fraction < 0.2``) or a Python callable over a
catalog ``Image`` (``lambda x: x.acquired.month``).  Here:

* an expression is stored in the graft as the JSON of its ``to_dict()``
  (``["dc.catalog_predicate", json]``);
* a callable is first *traced*: it is called once with :class:`SceneProxy`, a
  proxy whose attributes are the image's properties (``acquired`` is a
  ``Datetime``, anything else ``Any``), and the traced function graft is stored;
* a callable that cannot be traced (it branches on a value, builds a
  ``datetime.date``...) is kept in a process-local registry and the graft holds
  only its id (``["dc.local_callable", id]``).  It is called on the host with
  real catalog ``Image`` objects while the plan runs.  Such an object cannot be
  saved: :func:`check_saveable` says why.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

from gpucompute.errors import GpuComputeError, GraftError, ProxyTypeError
from gpucompute.types.anytype import Any as AnyProxy
from gpucompute.types.core import Proxytype
from gpucompute.types.datetimes import Datetime

__all__ = ["LOCAL_CALLABLE", "SceneProxy", "check_saveable", "image_function", "local_callable",
           "predicate_json"]

#: Builtin name of a reference to a process-local callable.
LOCAL_CALLABLE = "dc.local_callable"
#: Builtin name of a catalog property expression (JSON) used as a predicate.
CATALOG_PREDICATE = "dc.catalog_predicate"

#: Properties that are datetimes (``Datetime`` proxies when traced).
_DATETIME_FIELDS = frozenset({"acquired", "date", "processed", "published", "created", "modified"})

_lock = threading.Lock()
_ids = itertools.count(1)
_LOCAL: dict[str, Callable] = {}


class SceneProxy(Proxytype):
    """Stands for a catalog image while a ``filter``/``groupby`` callable is traced.

    ``x.name`` and ``x["name"]`` read the image's property ``name``
    (``acquired``/``date`` as ``Datetime``, others as ``Any``);
    ``x.extra_properties`` reads the user properties the same way.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "extra_properties":
            return SceneProxy._from_apply("wf.getattr", self, name)
        if name in _DATETIME_FIELDS:
            return Datetime._from_apply("wf.getattr", self, name)
        return AnyProxy._from_apply("wf.getattr", self, name)

    def __getitem__(self, name: str) -> Any:
        if not isinstance(name, str):
            raise ProxyTypeError(f"catalog image properties are read by name (a str), got {name!r}")
        return self.__getattr__(name)


def local_callable(func: Callable) -> str:
    """Keep ``func`` in the process-local registry; return its id."""
    with _lock:
        key = f"local-{next(_ids)}"
        _LOCAL[key] = func
    return key


def get_local_callable(key: str) -> Callable:
    """The callable registered under ``key`` (a :class:`GraftError` if this process does not have it)."""
    try:
        return _LOCAL[key]
    except KeyError:
        raise GraftError(f"the Python callable {key!r} this graft refers to is not defined in this process; "
                         "callables that cannot be traced only live in the session that created them") from None


def predicate_json(expression: Any) -> str:
    """The JSON text of a catalog property expression (``to_dict``)."""
    return json.dumps(expression.to_dict(), sort_keys=True, default=str)


def is_expression(value: Any) -> bool:
    from gpucompute.catalog.properties import Expression

    return isinstance(value, Expression)


def image_function(func: Any, where: str, return_type: type | None) -> tuple[str, Any]:
    """``(builtin, argument)`` recording ``func`` (an expression or a callable of a catalog image) in a graft.

    Returns ``(CATALOG_PREDICATE, json)`` for an expression, ``(None,
    Function proxy)`` for a traced callable, ``(LOCAL_CALLABLE, id)`` otherwise.
    """
    from gpucompute.types.function import Function

    if is_expression(func):
        if return_type is not None and return_type.__name__ != "Bool":
            raise ProxyTypeError(f"{where}: a catalog property expression can only filter; give a callable")
        return CATALOG_PREDICATE, predicate_json(func)
    if isinstance(func, Function):
        return None, func
    if not callable(func) or isinstance(func, Proxytype):
        raise ProxyTypeError(f"{where}: expected a catalog property expression or a callable taking a catalog "
                             f"Image, got {type(func).__name__} ({func!r:.60})")
    try:
        return None, Function._trace(func, (SceneProxy,), return_type, where)
    except (GpuComputeError, TypeError, AttributeError, ValueError, KeyError, IndexError, ArithmeticError):
        return LOCAL_CALLABLE, local_callable(func)


def check_saveable(graft: Mapping[str, Any], what: str = "object") -> None:
    """Raise :class:`GraftError` if ``graft`` refers to a process-local (untraced) callable."""
    if _refers_to_local(graft):
        raise GraftError(
            f"cannot save this {what}: it uses a Python callable (a filter or groupby function) that could not be "
            "traced into a graft, so it exists only in this Python session.  Write it with the image's properties "
            "and operators only (e.g. lambda x: x.cloud_fraction < 0.1, or a catalog property expression such as "
            "properties.cloud_fraction < 0.1) so that it can be traced and saved"
        )


def _refers_to_local(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_refers_to_local(v) for v in value.values())
    if isinstance(value, list):
        return bool(value) and value[0] == LOCAL_CALLABLE or any(_refers_to_local(v) for v in value)
    return False
