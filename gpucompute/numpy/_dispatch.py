"""NumPy calling into ``wf.numpy``: ``np.mean(proxy)`` (NEP 18) and ``np.sqrt(proxy)`` (NEP 13).

:data:`HANDLED_FUNCTIONS` maps NumPy function objects (top level,
``numpy.linalg`` and ``numpy.ma``) to the lazy routines generated from the
same signature table; ufuncs are found by their ``__name__``.  A NumPy
function or ufunc without a lazy version raises
:class:`~gpucompute.errors.RoutineNotSupportedError` telling the user to
compute first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gpucompute.errors import ProxyTypeError, RoutineNotSupportedError
from gpucompute.numpy import _signatures, linalg, ma
from gpucompute.numpy._ufuncs import UFUNCS_BY_NUMPY_NAME

__all__ = ["HANDLED_FUNCTIONS", "UNSUPPORTED_UFUNC_METHODS", "array_function", "array_ufunc"]

#: ufunc methods with no lazy version (other methods are left to NumPy: NotImplemented).
UNSUPPORTED_UFUNC_METHODS = frozenset({"reduce", "accumulate", "reduceat", "outer"})


def _handled() -> dict[Callable[..., Any], Callable[..., Any]]:
    import gpucompute.numpy as wnp

    table: dict[Callable[..., Any], Callable[..., Any]] = {}
    for source, ours, names in (
        (np, wnp, _signatures.ROUTINES),
        (np.linalg, linalg, _signatures.LINALG),
        (np.ma, ma, _signatures.MA),
    ):
        for name in names:
            func = getattr(source, name, None)
            if func is not None and not isinstance(func, np.ufunc):
                table.setdefault(func, getattr(ours, name))
    return table


HANDLED_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = _handled()


def _numpy_name(func: Any) -> str:
    """``numpy.mean``, ``numpy.linalg.norm``, ``numpy.fft.fft``: the public name of a NumPy function."""
    module = getattr(func, "__module__", None) or "numpy"
    if module.startswith("numpy.ma"):
        module = "numpy.ma"
    module = ".".join(part for part in module.split(".") if not part.startswith("_"))
    return f"{module}.{getattr(func, '__name__', func)}"


def array_function(func: Callable[..., Any], types: Any, args: tuple, kwargs: dict) -> Any:
    """``__array_function__`` of the proxies: run the lazy version of ``func``."""
    impl = HANDLED_FUNCTIONS.get(func)
    name = _numpy_name(func)
    if impl is None:
        raise RoutineNotSupportedError(
            f"{name} has no lazy version for gpucompute proxies; call .compute() first "
            f"and apply {name} to the computed NumPy array"
        )
    try:
        return impl(*args, **kwargs)
    except ProxyTypeError as exc:
        raise ProxyTypeError(f"{name} on a gpucompute proxy: {exc}") from exc


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """``__array_ufunc__`` of the proxies: plain ufunc calls record ``wf.numpy.<ufunc>``."""
    name = getattr(ufunc, "__name__", repr(ufunc))
    if method in UNSUPPORTED_UFUNC_METHODS:
        raise RoutineNotSupportedError(
            f"numpy.{name}.{method} is not supported on gpucompute proxies; "
            f"call .compute() first and apply numpy.{name}.{method} to the result"
        )
    if method != "__call__":
        return NotImplemented
    impl = UFUNCS_BY_NUMPY_NAME.get(name)
    if impl is None:
        raise RoutineNotSupportedError(
            f"numpy.{name} has no lazy version for gpucompute proxies; "
            f"call .compute() first and apply numpy.{name} to the result"
        )
    if kwargs:
        raise RoutineNotSupportedError(
            f"numpy.{name}: the keyword arguments {sorted(kwargs)} are not supported on gpucompute proxies; "
            f"call wf.numpy.{impl.__name__} without them (and cast with .astype if needed)"
        )
    return impl(*inputs)
