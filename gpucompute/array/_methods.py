"""Reduction methods of MaskedArray (``x.mean(axis=0)``), attached from a table.

The methods are the public routines themselves, so ``x.std(axis=0, ddof=1)``
and ``gpucompute.array.std(x, axis=0, ddof=1)`` cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Callable

from ._masked_array import MaskedArray

__all__ = ["METHOD_NAMES", "attach_methods"]

#: Routines that are also MaskedArray methods, as on numpy.ma.MaskedArray.
METHOD_NAMES: tuple[str, ...] = (
    "all", "any", "argmax", "argmin", "max", "min", "mean", "median", "prod", "ptp", "std",
    "sum", "var", "cumsum", "cumprod", "clip", "round", "squeeze", "take", "nonzero",
    "repeat", "diagonal", "trace", "dot",
)


def _method(routine: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: MaskedArray, *args: Any, **kwargs: Any) -> Any:
        return routine(self, *args, **kwargs)

    method.__name__ = routine.__name__
    method.__doc__ = f"Method form of :func:`gpucompute.array.{routine.__name__}`."
    return method


def attach_methods(routines: dict[str, Callable[..., Any]]) -> None:
    """Give MaskedArray a method for every name in :data:`METHOD_NAMES` (each must be in *routines*)."""
    for name in METHOD_NAMES:
        setattr(MaskedArray, name, _method(routines[name]))
