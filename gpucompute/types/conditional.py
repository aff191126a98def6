"""``ifelse``: a lazy conditional whose untaken branch is never evaluated."""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ProxyTypeError
from gpucompute.graft import client
from gpucompute.types.core import Proxytype, merge_params, promote, type_name
from gpucompute.types.primitives import Bool

__all__ = ["ifelse"]


def ifelse(condition: Any, true_value: Any, false_value: Any) -> Any:
    """``true_value`` if ``condition`` is true, else ``false_value``, decided when computed.

    Both branches are recorded as argument-less functions
    (``["wf.ifelse", cond, <thunk>, <thunk>]``) and only the chosen one is
    called, so the other is never evaluated.  A Python value in one branch is
    promoted to the type of a proxy in the other.

    Raises
    ------
    ProxyTypeError
        If ``condition`` is not a ``Bool`` or the branches have different types.
    """
    from gpucompute.types.proxify import proxify

    cond = promote(condition, Bool, "ifelse() condition")
    if isinstance(true_value, Proxytype) and not isinstance(false_value, Proxytype):
        false_value = promote(false_value, type(true_value), "ifelse() false_value")
    elif isinstance(false_value, Proxytype) and not isinstance(true_value, Proxytype):
        true_value = promote(true_value, type(false_value), "ifelse() true_value")
    a, b = proxify(true_value), proxify(false_value)
    if type(a) is not type(b):
        raise ProxyTypeError(
            f"ifelse(): both branches must have the same type, got {type_name(a)} for the true branch "
            f"and {type_name(b)} for the false branch"
        )
    first_guid = client.guid()
    then = client.function_graft(a, first_guid=first_guid)
    other = client.function_graft(b, first_guid=first_guid)
    return type(a)._from_graft(client.apply_graft("wf.ifelse", cond, then, other), merge_params(cond, a, b))
