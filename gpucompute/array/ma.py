"""``gpucompute.array.ma``: numpy.ma's helpers for building and filling masked arrays.

Every routine takes plain arrays (they become :class:`MaskedArray` with
nothing masked), ``numpy.ma`` arrays or MaskedArrays, and returns a new
MaskedArray on the input's backend; an existing mask is always kept (masks
are only ever added). Arrays are immutable, so the ``copy`` arguments of the
numpy.ma signatures are accepted and ignored: results never alias their input
in a writable way. Everything here keeps shapes fixed, so it runs inside
``jax.jit``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import ArrayShapeError

from ._dispatch import is_masked, resolve_backend
from ._masked_array import MaskedArray, masked_array
from ._ufuncs import UFUNCS

__all__ = [
    "average", "filled", "fix_invalid", "masked_equal", "masked_greater", "masked_greater_equal",
    "masked_less", "masked_less_equal", "masked_not_equal", "masked_inside", "masked_outside",
    "masked_invalid", "masked_values", "masked_where", "masked_array",
]

_PREFIX = "gpucompute.array.ma."
_HOST_SCALARS = (bool, int, float, np.generic)


def _as_masked(a: Any, backend: Backend) -> MaskedArray:
    """*a* as a MaskedArray on *backend* (a plain array gets an all-False mask)."""
    if is_masked(a) and a.backend is backend:
        return a
    if is_masked(a):
        return a.to_backend(backend)
    return MaskedArray(a, backend=backend)


def _condition(condition: Any, backend: Backend) -> Any:
    """A boolean device array from *condition*; its masked elements count as ``True`` (numpy.ma)."""
    xp = backend.xp
    if is_masked(condition) or isinstance(condition, np.ma.MaskedArray):
        cond = _as_masked(condition, backend)
        data = cond.data if cond.dtype == np.bool_ else xp.not_equal(cond.data, 0)
        return xp.logical_or(data, cond.mask)
    if not backend.is_native(condition):
        condition = backend.asarray(np.asarray(condition))
    return condition if condition.dtype == xp.bool_ else xp.not_equal(condition, 0)


def _mask_where(routine: str, condition: Any, arr: MaskedArray, fill_value: Any = None) -> MaskedArray:
    """*arr* with *condition* added to its mask (a 0-d condition applies everywhere)."""
    backend = arr.backend
    cond = _condition(condition, backend)
    if cond.ndim and tuple(cond.shape) != arr.shape:
        raise ArrayShapeError(
            f"{_PREFIX}{routine}: the condition's shape {tuple(cond.shape)} differs from the "
            f"array's shape {arr.shape}; they must be equal (or the condition a scalar)"
        )
    xp = backend.xp
    mask = xp.broadcast_to(xp.logical_or(arr.mask, cond), arr.shape)
    return MaskedArray._new(arr.data, mask, backend, arr._fill_value if fill_value is None else fill_value)


def _scalar_fill(value: Any) -> Any:
    """*value* as a fill value when it is a host scalar, else ``None`` (keep the array's)."""
    if isinstance(value, (bool, int, float, complex)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return None


def masked_where(condition: Any, a: Any, copy: bool = True) -> MaskedArray:
    """*a* with the elements where *condition* is true masked (added to any existing mask).

    Parameters
    ----------
    condition : array_like of bool
        Same shape as *a*, or a scalar. Non-boolean values count as true when
        non-zero; masked elements of a masked condition count as true.
    a : array_like or MaskedArray
        The values.
    copy : bool
        Ignored (arrays are immutable).

    Returns
    -------
    MaskedArray

    Raises
    ------
    ArrayShapeError
        If *condition* is not a scalar and its shape differs from *a*'s.
    """
    backend = resolve_backend(_PREFIX + "masked_where", condition, a)
    return _mask_where("masked_where", condition, _as_masked(a, backend))


def _make_comparison(name: str, ufunc_name: str, fill_with_value: bool) -> Callable[..., MaskedArray]:
    compare = UFUNCS[ufunc_name]

    def masked_comparison(x: Any, value: Any, copy: bool = True) -> MaskedArray:
        backend = resolve_backend(_PREFIX + name, x, value)
        arr = _as_masked(x, backend)
        fill = _scalar_fill(value) if fill_with_value else None
        return _mask_where(name, compare(arr.data, value), arr, fill)

    masked_comparison.__name__ = masked_comparison.__qualname__ = name
    masked_comparison.__doc__ = (
        f"*x* with the elements where ``{ufunc_name}(x, value)`` is true masked (kept: any\n"
        f"existing mask), like ``numpy.ma.{name}``."
        + (" The result's fill value becomes *value*." if fill_with_value else "")
        + "\n\n*value* broadcasts against *x*; *copy* is ignored (arrays are immutable)."
    )
    return masked_comparison


#: public name -> (ufunc whose true elements get masked, whether *value* becomes the fill value).
_COMPARISONS: dict[str, tuple[str, bool]] = {
    "masked_equal": ("equal", True),
    "masked_not_equal": ("not_equal", False),
    "masked_greater": ("greater", False),
    "masked_greater_equal": ("greater_equal", False),
    "masked_less": ("less", False),
    "masked_less_equal": ("less_equal", False),
}
for _name, (_ufunc, _fill) in _COMPARISONS.items():
    globals()[_name] = _make_comparison(_name, _ufunc, _fill)


def _interval(routine: str, x: Any, v1: Any, v2: Any) -> tuple[MaskedArray, Any, Any]:
    """*x* as a MaskedArray and the interval ends in increasing order (swapped as numpy.ma does)."""
    backend = resolve_backend(_PREFIX + routine, x, v1, v2)
    arr = _as_masked(x, backend)
    if isinstance(v1, _HOST_SCALARS) and isinstance(v2, _HOST_SCALARS):
        return (arr, v2, v1) if v2 < v1 else (arr, v1, v2)
    return arr, UFUNCS["minimum"](v1, v2), UFUNCS["maximum"](v1, v2)


def masked_inside(x: Any, v1: Any, v2: Any, copy: bool = True) -> MaskedArray:
    """*x* with the elements in the closed interval between *v1* and *v2* masked.

    The ends may be given in either order. *copy* is ignored.
    """
    arr, low, high = _interval("masked_inside", x, v1, v2)
    inside = UFUNCS["logical_and"](UFUNCS["greater_equal"](arr.data, low), UFUNCS["less_equal"](arr.data, high))
    return _mask_where("masked_inside", inside, arr)


def masked_outside(x: Any, v1: Any, v2: Any, copy: bool = True) -> MaskedArray:
    """*x* with the elements outside the closed interval between *v1* and *v2* masked.

    The ends may be given in either order. *copy* is ignored.
    """
    arr, low, high = _interval("masked_outside", x, v1, v2)
    outside = UFUNCS["logical_or"](UFUNCS["less"](arr.data, low), UFUNCS["greater"](arr.data, high))
    return _mask_where("masked_outside", outside, arr)


def masked_invalid(a: Any, copy: bool = True) -> MaskedArray:
    """*a* with its NaN and infinite elements masked (nothing new is masked for integers).

    *copy* is ignored.
    """
    backend = resolve_backend(_PREFIX + "masked_invalid", a)
    arr = _as_masked(a, backend)
    return _mask_where("masked_invalid", backend.xp.logical_not(backend.xp.isfinite(arr.data)), arr)


def masked_values(x: Any, value: Any, rtol: float = 1e-5, atol: float = 1e-8, copy: bool = True,
                  shrink: bool = True) -> MaskedArray:
    """*x* with the elements (approximately) equal to *value* masked; *value* becomes the fill value.

    Float data is compared with ``isclose(x, value, rtol=rtol, atol=atol)``,
    other data exactly. Masked elements of *x* stay masked and their data is
    replaced by *value*, as numpy.ma does (numpy.ma unmasks them when *value*
    is NaN, as a side effect of refilling them; gpucompute never drops a mask).

    Parameters
    ----------
    x : array_like or MaskedArray
    value : scalar
    rtol, atol : float
        Relative and absolute tolerance for float data.
    copy : bool
        Ignored (arrays are immutable).
    shrink : bool
        Ignored: numpy.ma uses it to drop an all-False mask, and gpucompute
        always keeps a full mask.

    Returns
    -------
    MaskedArray
    """
    backend = resolve_backend(_PREFIX + "masked_values", x, value)
    xp = backend.xp
    arr = _as_masked(x, backend)
    if arr.dtype.kind == "f":
        hits = xp.isclose(arr.data, value, rtol=rtol, atol=atol)
    else:
        hits = UFUNCS["equal"](arr.data, value)
    fill = _scalar_fill(value)
    data = arr.filled(value) if fill is not None else arr.data
    out = MaskedArray._new(data, arr.mask, backend, fill if fill is not None else arr._fill_value)
    return _mask_where("masked_values", hits, out)


def fix_invalid(a: Any, mask: Any = False, copy: bool = True, fill_value: Any = None) -> MaskedArray:
    """*a* (with *mask* added) with NaN and infinite elements masked and their data set to *fill_value*.

    *fill_value* defaults to the array's fill value (numpy.ma's default for
    the dtype, e.g. ``1e20`` for floats). *copy* is ignored.
    """
    backend = resolve_backend(_PREFIX + "fix_invalid", a, mask)
    xp = backend.xp
    arr = MaskedArray(a, mask, backend=backend)
    invalid = xp.logical_not(xp.isfinite(arr.data))
    fill = arr.fill_value if fill_value is None else fill_value
    data = xp.where(invalid, xp.asarray(fill).astype(arr.dtype), arr.data)
    return MaskedArray._new(data, xp.logical_or(arr.mask, invalid), backend, arr._fill_value)


def filled(a: Any, fill_value: Any = None) -> Any:
    """The data of *a* with masked elements replaced by *fill_value*, as a plain backend array.

    *fill_value* defaults to the array's fill value. A plain array is returned
    as an array of its backend, unchanged.
    """
    backend = resolve_backend(_PREFIX + "filled", a)
    if is_masked(a) or isinstance(a, np.ma.MaskedArray):
        return _as_masked(a, backend).filled(fill_value)
    return a if backend.is_native(a) else backend.asarray(a)


def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False, *,
            keepdims: bool = False) -> Any:
    """The masked (weighted) average of *a*, like ``numpy.ma.average``.

    A plain array is treated as a MaskedArray with nothing masked, so the
    result is always masked-array shaped (masked where no element is valid or
    the valid weights sum to zero). The work is done by
    :func:`gpucompute.array.average`, which documents *axis*, *weights*,
    *returned* and *keepdims*.
    """
    from . import _reductions  # imported when called: the reductions family is built separately

    backend = resolve_backend(_PREFIX + "average", a, weights)
    return _reductions.average(_as_masked(a, backend), axis=axis, weights=weights, returned=returned,
                               keepdims=keepdims)


for _name in __all__:
    if _name != "masked_array":
        globals()[_name].__module__ = __name__
