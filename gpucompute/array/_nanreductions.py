"""The ``nan*`` reductions: NaN counts as missing.

Plain arrays get NumPy's nan-function semantics (the backend's ``xp.nansum``
...). For a :class:`MaskedArray` NaN elements are added to the mask and the
ordinary masked reduction runs, so a slice of only NaN and masked elements is
masked (never a NaN and never an error).
"""

from __future__ import annotations

from typing import Any, Callable

from ._basic_reductions import make_arg_reduction, make_dtype_reduction, make_axis_reduction
from ._moment_reductions import make_mean, make_variance

__all__ = [
    "nanargmax", "nanargmin", "nanmax", "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar",
]

#: name -> (builder, masked op, extra builder arguments, summary)
_TABLE: dict[str, tuple[Callable[..., Any], str | None, dict[str, Any], str]] = {
    "nansum": (make_dtype_reduction, "sum", {}, "Sum over the given axes, ignoring NaNs."),
    "nanprod": (make_dtype_reduction, "prod", {}, "Product over the given axes, ignoring NaNs."),
    "nanmin": (make_axis_reduction, "min", {}, "Smallest element over the given axes, ignoring NaNs."),
    "nanmax": (make_axis_reduction, "max", {}, "Largest element over the given axes, ignoring NaNs."),
    "nanargmin": (make_arg_reduction, "min", {}, "Index of the smallest element, ignoring NaNs."),
    "nanargmax": (make_arg_reduction, "max", {}, "Index of the largest element, ignoring NaNs."),
    "nanmean": (make_mean, None, {}, "Arithmetic mean over the given axes, ignoring NaNs."),
    "nanvar": (make_variance, None, {"root": False}, "Variance over the given axes, ignoring NaNs."),
    "nanstd": (make_variance, None, {"root": True},
               "Standard deviation over the given axes, ignoring NaNs."),
}


def _build(name: str) -> Callable[..., Any]:
    builder, op, extra, summary = _TABLE[name]
    args = (name,) if op is None else (name, op)
    return builder(*args, name, mask_nan=True, summary=summary, **extra)


nansum = _build("nansum")
nanprod = _build("nanprod")
nanmin = _build("nanmin")
nanmax = _build("nanmax")
nanargmin = _build("nanargmin")
nanargmax = _build("nanargmax")
nanmean = _build("nanmean")
nanvar = _build("nanvar")
nanstd = _build("nanstd")
