"""``parameter`` and ``identifier``: names whose values are given later.

``wf.parameter("threshold", wf.Float)`` is a proxy whose value is bound when
computing (``obj.compute(threshold=0.2)``); every proxy built from it lists it
in ``.params``.  ``wf.identifier(name, type)`` is a bare key reference that is
*not* a parameter: it names a builtin value (``"wf.constants.pi"``) or a
function argument during tracing.
"""

from __future__ import annotations

from typing import Any

from gpucompute.errors import ParameterError, ProxyTypeError
from gpucompute.graft import client
from gpucompute.graft.client import RESERVED
from gpucompute.types.core import Proxytype, is_concrete, type_name

__all__ = ["parameter", "identifier"]


def _check_type(type_: Any, where: str) -> None:
    if not (isinstance(type_, type) and issubclass(type_, Proxytype)):
        raise ProxyTypeError(f"{where}: the type must be a proxy type such as wf.Int, got {type_!r}")
    if not is_concrete(type_):
        raise ProxyTypeError(f"{where}: the type must be concrete (e.g. wf.List[wf.Int]), got {type_name(type_)}")


def parameter(name: str, type_: type) -> Any:
    """A proxy of type ``type_`` standing for the value given as ``name=...`` at compute time.

    Raises
    ------
    ParameterError
        If ``name`` is not an identifier, is all digits, or is reserved.
    ProxyTypeError
        If ``type_`` is not a concrete proxy type.
    """
    if not isinstance(name, str) or name.isdigit() or name in RESERVED or not name.isidentifier():
        raise ParameterError(
            f"a parameter name must be a Python identifier that is not all digits nor 'returns'/'parameters', "
            f"got {name!r}"
        )
    _check_type(type_, f"parameter {name!r}")
    return type_._as_param(name)


def identifier(name: str, type_: type) -> Any:
    """A key reference to ``name`` typed as ``type_`` (not a parameter: it adds nothing to ``.params``)."""
    if not isinstance(name, str) or not name or name.isdigit() or name in RESERVED:
        raise ProxyTypeError(f"an identifier must be a non-numeric, non-reserved str, got {name!r}")
    _check_type(type_, f"identifier {name!r}")
    return type_._from_graft(client.keyref_graft(name))
