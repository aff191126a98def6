"""sum, prod, min, max, all, any, argmin, argmax, ptp, count and count_nonzero.

Each is a thin wrapper around the identity-substitution core of
:mod:`gpucompute.array._reduction_core`; the ``make_*`` builders are reused by
:mod:`gpucompute.array._nanreductions` for the ``nan*`` variants.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ._reduction_loops import loop_leading_arg
from ._reduction_core import (
    NUMERIC,
    Reduction,
    check_ordered,
    identity_for,
    make_doc,
    masked_reduce,
    prepare,
)

__all__ = [
    "sum", "prod", "min", "max", "all", "any", "argmin", "argmax", "ptp", "count", "count_nonzero",
    "make_dtype_reduction", "make_axis_reduction", "make_arg_reduction",
]

_MASKED_NOTE = (
    "For a MaskedArray the result is a MaskedArray (0-d for ``axis=None``), masked where the\n"
    "reduced slice has no valid element."
)


def _canonical(r: Reduction, dtype: Any) -> Any:
    return None if dtype is None else r.backend.canonical_dtype(dtype)


def make_dtype_reduction(name: str, op: str, plain: str, *, mask_nan: bool = False,
                         summary: str = "") -> Callable[..., Any]:
    """Build a reduction with NumPy's ``(a, axis, dtype, out, keepdims)`` signature (sum, prod)."""

    def reduction(a: Any, axis: int | Sequence[int] | None = None, dtype: Any = None,
                  out: None = None, keepdims: bool = False) -> Any:
        r = prepare(name, a, axis, keepdims, out=out, mask_nan=mask_nan)
        dtype = _canonical(r, dtype)
        if not r.masked:
            return r.plain(plain, dtype=dtype)
        return r.finish(*r.compiled(masked_reduce, op=op, dtype=dtype))

    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = make_doc(
        summary, ("a", "axis", "dtype", "out", "keepdims"),
        "result : array or MaskedArray\n    The reduction; NumPy's result dtype (e.g. uint64 for uint8 sums).",
        _MASKED_NOTE + f"\nMasked elements count as {identity_for(op, np.float64)!r} (the identity of {op}).",
    )
    return reduction


def make_axis_reduction(name: str, op: str, plain: str, *, mask_nan: bool = False,
                         summary: str = "") -> Callable[..., Any]:
    """Build a reduction with the ``(a, axis, out, keepdims)`` signature (min, max, all, any)."""
    ordered = op in ("min", "max")

    def reduction(a: Any, axis: int | Sequence[int] | None = None, out: None = None,
                  keepdims: bool = False) -> Any:
        r = prepare(name, a, axis, keepdims, out=out, mask_nan=mask_nan)
        if not r.masked:
            return r.plain(plain)
        if ordered:
            check_ordered(r)
        return r.finish(*r.compiled(masked_reduce, op=op))

    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = make_doc(
        summary, ("a", "axis", "out", "keepdims"),
        "result : array or MaskedArray\n    The reduction, in the input's dtype (bool for all/any).",
        _MASKED_NOTE + "\nMasked elements are replaced by the operation's identity before reducing "
        "(the dtype's extreme\nvalue for min and max).",
    )
    return reduction


def _masked_arg(r: Reduction, op: str) -> tuple[Any, Any]:
    """Index of the first valid extreme: never a masked element while a valid one exists."""
    xp = r.xp
    mask = xp.all(r.mask, axis=r.axis, keepdims=r.keepdims)
    if r.empty:
        return xp.zeros(mask.shape, dtype=r.backend.canonical_dtype(np.intp)), mask
    looped = loop_leading_arg(r, op, identity_for(op, r.dtype))
    if looped is not None:
        return looped
    filled = r.fill(identity_for(op, r.dtype))
    best = getattr(xp, op)(filled, axis=r.axis, keepdims=True)
    hit = filled == best
    if r.dtype.kind == "f":  # NumPy's argmin/argmax point at the first NaN
        hit = xp.logical_or(hit, xp.isnan(filled))
    hit = xp.logical_and(hit, xp.logical_not(r.mask))
    index = xp.argmax(hit, axis=r.axis, keepdims=r.keepdims)
    return index, mask


def make_arg_reduction(name: str, op: str, plain: str, *, mask_nan: bool = False,
                       summary: str = "") -> Callable[..., Any]:
    """Build argmin/argmax-style reductions ``(a, axis, out, *, keepdims)`` over one axis."""

    def reduction(a: Any, axis: int | None = None, out: None = None, *, keepdims: bool = False) -> Any:
        r = prepare(name, a, axis, keepdims, out=out, single_axis=True, mask_nan=mask_nan)
        if not r.masked:
            return r.plain(plain)
        check_ordered(r)
        return r.finish(*r.compiled(_masked_arg, op=op))

    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = make_doc(
        summary, ("a", "axis1", "out", "keepdims"),
        "index : array or MaskedArray\n    Integer indices (into the flattened array for ``axis=None``).",
        "For a MaskedArray the result is a MaskedArray of indices, masked (data 0) where the slice\n"
        "has no valid element; numpy.ma returns a plain index 0 there. Ties are resolved among\n"
        "valid elements only, so a masked position is never returned while a valid one exists\n"
        "(numpy.ma can return one when a valid value equals its fill value).",
    )
    return reduction


_DTYPE_TABLE = (
    ("sum", "Sum of the elements over the given axes."),
    ("prod", "Product of the elements over the given axes."),
)
_AXIS_TABLE = (
    ("min", "Smallest element over the given axes."),
    ("max", "Largest element over the given axes."),
    ("all", "Whether every element over the given axes is true."),
    ("any", "Whether any element over the given axes is true."),
)
_ARG_TABLE = (
    ("argmin", "min", "Index of the smallest element along an axis (the first one on ties)."),
    ("argmax", "max", "Index of the largest element along an axis (the first one on ties)."),
)

_BUILT: dict[str, Callable[..., Any]] = {}
for _name, _summary in _DTYPE_TABLE:
    _BUILT[_name] = make_dtype_reduction(_name, _name, _name, summary=_summary)
for _name, _summary in _AXIS_TABLE:
    _BUILT[_name] = make_axis_reduction(_name, _name, _name, summary=_summary)
for _name, _op, _summary in _ARG_TABLE:
    _BUILT[_name] = make_arg_reduction(_name, _op, _name, summary=_summary)

sum = _BUILT["sum"]  # noqa: A001 - NumPy's names on purpose
prod = _BUILT["prod"]
min = _BUILT["min"]  # noqa: A001
max = _BUILT["max"]  # noqa: A001
all = _BUILT["all"]  # noqa: A001
any = _BUILT["any"]  # noqa: A001
argmin = _BUILT["argmin"]
argmax = _BUILT["argmax"]


def ptp(a: Any, axis: int | Sequence[int] | None = None, out: None = None, keepdims: bool = False) -> Any:
    """Range (maximum minus minimum) of the elements over the given axes.

    Parameters
    ----------
    a : array_like or MaskedArray
        The values (not bool: NumPy cannot subtract booleans).
    axis : None, int or tuple of int, optional
        Axes to reduce; ``None`` (the default) reduces all.
    out : None, optional
        Not supported; results are always new arrays.
    keepdims : bool, optional
        Keep reduced axes as dimensions of length one.

    Returns
    -------
    range : array or MaskedArray
        ``max - min`` in the input's dtype; for a MaskedArray, masked where the
        slice has no valid element.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ArrayDTypeError
        If the input is boolean or not numeric.
    """
    r = prepare("ptp", a, axis, keepdims, out=out, kinds="iufc")
    if not r.masked:
        return r.plain("ptp")
    check_ordered(r)
    return r.finish(*r.compiled(_masked_ptp))


def _masked_ptp(r: Reduction) -> tuple[Any, Any]:
    xp = r.xp
    high, mask = masked_reduce(r, "max")
    low, _ = masked_reduce(r, "min")
    zero = xp.asarray(0, dtype=r.dtype)  # keeps all-masked slices free of overflow / inf - inf
    return xp.where(mask, zero, high) - xp.where(mask, zero, low), mask


def count(a: Any, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Any:
    """Number of valid (unmasked) elements over the given axes.

    Parameters
    ----------
    a : array_like or MaskedArray
        The values; for a plain array every element is valid.
    axis : None, int or tuple of int, optional
        Axes to count over; ``None`` (the default) counts all.
    keepdims : bool, optional
        Keep reduced axes as dimensions of length one.

    Returns
    -------
    count : array
        A plain integer backend array (NumPy's ``intp``, canonicalised), never masked;
        0-d for ``axis=None``.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    """
    r = prepare("count", a, axis, keepdims)
    if r.masked:
        return r.compiled(_count)
    size = int(np.prod([r.data.shape[ax] for ax in r.axes], dtype=np.int64))
    return r.xp.full(r.result_shape(), size, dtype=r.backend.canonical_dtype(np.intp))


def count_nonzero(a: Any, axis: int | Sequence[int] | None = None, *, keepdims: bool = False) -> Any:
    """Number of non-zero elements over the given axes.

    Parameters
    ----------
    a : array_like or MaskedArray
        The values; for a MaskedArray only valid elements are counted.
    axis : None, int or tuple of int, optional
        Axes to count over; ``None`` (the default) counts all.
    keepdims : bool, optional
        Keep reduced axes as dimensions of length one.

    Returns
    -------
    count : array
        A plain integer backend array (never masked), 0-d for ``axis=None``.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ArrayDTypeError
        If the input is not numeric.
    """
    r = prepare("count_nonzero", a, axis, keepdims, kinds=NUMERIC)
    if not r.masked:
        return r.plain("count_nonzero")
    return r.compiled(_count_nonzero)


def _count(r: Reduction) -> Any:
    return r.count()


def _count_nonzero(r: Reduction) -> Any:
    xp = r.xp
    hits = xp.logical_and(xp.logical_not(r.mask), r.data != 0)
    return r.reduce("sum", hits, dtype=r.backend.canonical_dtype(np.intp))
