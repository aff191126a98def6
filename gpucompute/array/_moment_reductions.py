"""mean, var, std and average: count-carrying reductions on the identity-substitution core.

``mean = sum / count``; ``var`` is two-pass (the mean first, then the sum of
squared deviations of the valid elements), which stays accurate in float32 on
data with a large offset. Result dtypes follow NumPy: float64 for integer and
bool input, the input's float dtype otherwise (canonicalised by the backend).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from gpucompute.errors import ArrayShapeError

from ._dispatch import is_masked, qualname, resolve_backend
from ._elementwise import has_mask
from ._masked_array import MaskedArray
from ._reduction_core import Reduction, float_result_dtype, make_doc, prepare

__all__ = ["mean", "var", "std", "average", "make_mean", "make_variance"]

_REAL = "biuf"


def _safe_divisor(xp: Any, n: Any, dtype: Any) -> Any:
    """*n* as *dtype*, with non-positive counts replaced by 1 (their results are masked)."""
    return xp.where(n > 0, n, 1).astype(dtype)


def _masked_mean(r: Reduction, dtype: Any, *, keepdims: bool | None = None) -> tuple[Any, Any]:
    """(mean, count) of the valid elements, in *dtype*."""
    xp = r.xp
    zero = xp.asarray(0, dtype=r.dtype)
    n = r.count(keepdims=keepdims)
    total = r.map_reduce("sum", lambda d, m: xp.where(m, zero, d), r.data, r.mask, keepdims=keepdims,
                         dtype=dtype)
    return total / _safe_divisor(xp, n, dtype), n


def _mean_program(r: Reduction, dtype: Any) -> tuple[Any, Any, Any]:
    """(mean, mask, count): the compiled body of masked mean and unweighted average."""
    value, n = _masked_mean(r, dtype)
    return value, n == 0, n


def _var_program(r: Reduction, dtype: Any, ddof: int, root: bool) -> tuple[Any, Any]:
    value, mask = _masked_var(r, dtype, ddof)
    return (r.xp.sqrt(value) if root else value), mask


def _masked_var(r: Reduction, dtype: Any, ddof: int) -> tuple[Any, Any]:
    """(variance, result mask) of the valid elements: two passes, masked where ``count - ddof <= 0``."""
    xp = r.xp
    centre, n = _masked_mean(r, dtype, keepdims=True)
    zero = xp.asarray(0, dtype=dtype)

    def square(d: Any, m: Any, c: Any) -> Any:
        deviation = xp.where(m, zero, xp.asarray(d, dtype=dtype) - c)
        return deviation * deviation

    squares = r.map_reduce("sum", square, r.data, r.mask, centre)
    n = n if r.keepdims else r.xp.reshape(n, squares.shape)
    dof = n - ddof
    mask = xp.logical_or(n == 0, dof <= 0)
    return squares / _safe_divisor(xp, dof, dtype), mask


def make_mean(name: str, plain: str, *, mask_nan: bool = False, summary: str = "") -> Callable[..., Any]:
    """Build ``mean``-style reductions ``(a, axis, dtype, out, keepdims)``."""

    def reduction(a: Any, axis: int | Sequence[int] | None = None, dtype: Any = None,
                  out: None = None, keepdims: bool = False) -> Any:
        r = prepare(name, a, axis, keepdims, out=out, mask_nan=mask_nan)
        if not r.masked:
            return r.plain(plain, dtype=None if dtype is None else r.backend.canonical_dtype(dtype))
        value, mask, _ = r.compiled(_mean_program, dtype=float_result_dtype(r.dtype, dtype, r.backend))
        return r.finish(value, mask)

    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = make_doc(
        summary, ("a", "axis", "dtype", "out", "keepdims"),
        "mean : array or MaskedArray\n    float64 for integer/bool input, else the input's dtype "
        "(canonicalised).",
        "For a MaskedArray: the sum of the valid elements divided by their count, masked where\n"
        "the count is 0. float32 input gives float32 (as ``numpy.mean``); numpy.ma returns\n"
        "float64 there, an artefact of dividing by its integer count array.",
    )
    return reduction


def make_variance(name: str, plain: str, *, root: bool, mask_nan: bool = False,
                  summary: str = "") -> Callable[..., Any]:
    """Build ``var``/``std``-style reductions ``(a, axis, dtype, out, ddof, keepdims)``."""

    def reduction(a: Any, axis: int | Sequence[int] | None = None, dtype: Any = None,
                  out: None = None, ddof: int = 0, keepdims: bool = False) -> Any:
        r = prepare(name, a, axis, keepdims, out=out, mask_nan=mask_nan,
                    kinds="biufc" if not is_masked(a) else _REAL)
        if not r.masked:
            return r.plain(plain, dtype=None if dtype is None else r.backend.canonical_dtype(dtype),
                           ddof=ddof)
        dtype = float_result_dtype(r.dtype, dtype, r.backend)
        return r.finish(*r.compiled(_var_program, dtype=dtype, ddof=int(ddof), root=root))

    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = make_doc(
        summary, ("a", "axis", "dtype", "out", "ddof", "keepdims"),
        f"{name} : array or MaskedArray\n    float64 for integer/bool input, else the input's dtype "
        "(canonicalised).",
        "Two passes: the mean of the valid elements, then the sum of their squared deviations,\n"
        "divided by ``count - ddof``. For a MaskedArray the result is masked where the slice has\n"
        "no valid element or ``count - ddof <= 0`` (as numpy.ma for array results).",
    )
    return reduction


mean = make_mean("mean", "mean", summary="Arithmetic mean over the given axes.")
var = make_variance("var", "var", root=False, summary="Variance over the given axes.")
std = make_variance("std", "std", root=True, summary="Standard deviation over the given axes.")


def _weights_for(r: Reduction, weights: Any, axis: Any) -> tuple[Any, Any]:
    """Weights (and their mask, or None) on the backend, shaped to broadcast against the data."""
    backend, xp = r.backend, r.xp
    wmask = None
    if is_masked(weights) or isinstance(weights, np.ma.MaskedArray):
        weights = MaskedArray(weights, backend=backend)
        weights, wmask = weights.data, weights.mask
    elif not backend.is_native(weights):
        weights = backend.asarray(weights)
    shape, wshape = tuple(r.data.shape), tuple(weights.shape)
    if wshape == shape:
        return weights, wmask
    reduced = tuple(shape[ax] for ax in r.axes)
    if axis is None or wshape != reduced:
        hint = "give an axis when the weights span only the reduced axes" if axis is None else \
            f"they must have the data's shape or the reduced axes' lengths {reduced}"
        raise ArrayShapeError(
            f"{qualname(r.routine)}: weights of shape {wshape} do not fit data of shape {shape}; {hint}"
        )
    full = tuple(n if ax in r.axes else 1 for ax, n in enumerate(shape))
    return xp.reshape(weights, full), None if wmask is None else xp.reshape(wmask, full)


def average(a: Any, axis: int | Sequence[int] | None = None, weights: Any = None,
            returned: bool = False, *, keepdims: bool = False) -> Any:
    """Weighted average over the given axes.

    Parameters
    ----------
    a : array_like or MaskedArray
        The values.
    axis : None, int or tuple of int, optional
        Axes to average over; ``None`` (the default) averages all.
    weights : array_like or MaskedArray, optional
        One weight per element: the data's shape, or (with *axis*) the shape of
        the reduced axes. Masked weights drop their element. Unweighted by default.
    returned : bool, optional
        Also return the sum of the weights.
    keepdims : bool, optional
        Keep reduced axes as dimensions of length one.

    Returns
    -------
    average : array or MaskedArray
        ``sum(a * w) / sum(w)``; for a MaskedArray, masked where no valid element
        or where the valid weights sum to zero (numpy.ma.average).
    sum_of_weights : array or MaskedArray
        Only with ``returned=True``: broadcast to the average's shape. For masked
        input it is the plain count (in the average's dtype) when unweighted and a
        MaskedArray when weighted, as in numpy.ma.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ArrayShapeError
        If the weights' shape fits neither the data nor the reduced axes.
    """
    backend = resolve_backend("average", a, weights)
    if not any(has_mask(v) for v in (a, weights)):
        r = prepare("average", a if backend.is_native(a) else backend.asarray(a), axis, keepdims)
        xp = r.xp
        if weights is not None and not backend.is_native(weights):
            weights = backend.asarray(weights)
        result = xp.average(r.data, axis=None if axis is None else r.axes, weights=weights,
                            returned=returned, keepdims=keepdims)
        return tuple(xp.asarray(v) for v in result) if returned else xp.asarray(result)
    if not is_masked(a):
        a = MaskedArray(a, backend=backend)
    r = prepare("average", a, axis, keepdims, kinds=_REAL)
    xp = r.xp
    if weights is None:
        value, mask, n = r.compiled(_mean_program, dtype=float_result_dtype(r.dtype, None, r.backend))
        result = r.finish(value, mask)
        scale = xp.broadcast_to(xp.asarray(n, dtype=value.dtype), value.shape)
        return (result, scale) if returned else result
    w, wmask = _weights_for(r, weights, axis)
    base = r.dtype if r.dtype.kind == "f" else np.result_type(r.dtype, np.float64)
    dtype = r.backend.canonical_dtype(np.result_type(base, w.dtype))
    value, mask, scale, empty = r.compiled(_weighted_program, w, wmask, dtype=dtype)
    result = r.finish(value, mask)
    if not returned:
        return result
    return result, MaskedArray._new(scale, empty, r.backend)


def _weighted_program(r: Reduction, w: Any, wmask: Any, dtype: Any) -> tuple[Any, Any, Any, Any]:
    """(average, mask, sum of valid weights, no-valid-element mask) of a weighted masked average."""
    xp = r.xp
    zero = xp.asarray(0, dtype=dtype)
    valid = xp.logical_not(r.mask if wmask is None else xp.logical_or(r.mask, wmask))
    w = xp.where(valid, xp.asarray(w, dtype=dtype), zero)
    weighted = xp.where(valid, xp.asarray(r.data, dtype=dtype) * w, zero)
    empty = xp.logical_not(r.reduce("any", valid))
    scale = r.reduce("sum", w)
    mask = xp.logical_or(empty, scale == 0)
    value = r.reduce("sum", weighted) / xp.where(mask, xp.asarray(1, dtype=dtype), scale)
    return value, mask, scale, empty
