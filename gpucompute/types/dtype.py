"""``DType``: the proxy for an array's data type (``arr.dtype``, ``dtype=`` arguments of wf.numpy).

A DType is recorded as ``["wf.dtype.create", "<name>"]`` where the name is
NumPy's (``"float32"``, ``"uint8"``) or, for Python and proxy types, the
type's name (``"int"``, ``"float"``, ``"bool"``); ``compute`` gives a
``numpy.dtype``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gpucompute.errors import ProxyTypeError
from gpucompute.graft import client
from gpucompute.types.core import Proxytype, _short, type_name

__all__ = ["DType"]

_PYTHON_TYPES = (int, float, bool)


def _dtype_name(value: Any) -> str:
    """The literal recorded for ``value``; raise :class:`ProxyTypeError` if it names no dtype."""
    if isinstance(value, type):
        if value in _PYTHON_TYPES:
            return value.__name__
        if issubclass(value, Proxytype) and value.__name__ in ("Int", "Float", "Bool"):
            return value.__name__.lower()
    if isinstance(value, (str, np.dtype, type)):
        try:
            dtype = np.dtype(value)
        except TypeError:
            pass
        else:
            if dtype.kind in "biufc":
                return dtype.name
    raise ProxyTypeError(
        f"DType: expected a NumPy dtype, a Python type (int, float, bool) or wf.Int/wf.Float/wf.Bool, "
        f"got {type_name(value)} ({_short(value)})"
    )


class DType(Proxytype):
    """The data type of an Array or MaskedArray.

    Parameters
    ----------
    type_ : numpy.dtype, type or str
        ``np.float32``, ``np.dtype("uint8")``, ``"int16"``, ``int``, ``float``,
        ``bool`` or the proxy types ``wf.Int``, ``wf.Float``, ``wf.Bool``.

    Examples
    --------
    >>> import numpy as np
    >>> from gpucompute.types.dtype import DType
    >>> DType(np.float32).compute()
    dtype('float32')
    """

    __slots__ = ()

    def __init__(self, type_: Any) -> None:
        graft = client.apply_graft("wf.dtype.create", _dtype_name(type_))
        object.__setattr__(self, "graft", graft)
        object.__setattr__(self, "params", ())
        object.__setattr__(self, "_param_name", None)

    @classmethod
    def _promote(cls, value: Any) -> DType:
        if isinstance(value, cls):
            return value
        if isinstance(value, Proxytype) and not isinstance(value, type):
            raise ProxyTypeError(f"expected DType, got {type_name(value)} ({_short(value)})")
        return cls(value)

    @classmethod
    def _unmarshal(cls, value: Any) -> np.dtype:
        if isinstance(value, np.ndarray) and value.dtype == object and value.ndim == 0:
            value = value.item()  # to_host wraps a dtype in a 0-d object array
        return np.dtype(value)
