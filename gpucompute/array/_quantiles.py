"""median, percentile and quantile (method ``linear``), plain and masked.

The masked version is the generic, jit-compatible reference (a faster kernel
for the time axis lives in :mod:`gpucompute.kernels`):

1. move the reduced axes to the end and flatten them into one;
2. push masked elements to the end of each slice by filling them with the
   dtype's largest value (``+inf`` for floats) and sorting;
3. count the valid elements ``n`` per slice and interpolate linearly between
   the sorted positions around ``q * (n - 1)``, gathered with
   ``take_along_axis`` (no data-dependent shapes);
4. mask slices with ``n == 0``; a slice holding an unmasked NaN gives NaN
   (as ``numpy.ma.median`` does).

Plain arrays use the backend's own ``median``/``percentile``/``quantile``.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from gpucompute.errors import ArrayShapeError, RoutineNotSupportedError

from ._dispatch import qualname
from ._reduction_core import Reduction, check_ordered, invalid_value, prepare, upper_fill

__all__ = ["median", "percentile", "quantile"]


def _check_method(routine: str, method: str) -> None:
    if method != "linear":
        raise RoutineNotSupportedError(
            f"{qualname(routine)}: method={method!r} is not supported; only method='linear' "
            "(NumPy's default) is implemented"
        )


def _quantile_arg(r: Reduction, q: Any, scale: float) -> tuple[Any, bool, np.dtype]:
    """*q* / *scale* as a 1-D device array, whether it was a scalar, and the result dtype.

    Host values are checked (``0 <= q <= 1`` after scaling, at most 1-D); a
    traced *q* cannot be checked and is used as given.
    """
    backend, xp = r.backend, r.xp
    weak = type(q) in (int, float)
    if backend.is_native(q) and backend.is_tracer(q):
        values = q / scale if scale != 1 else q
        q_dtype, scalar = np.dtype(values.dtype), values.ndim == 0
    else:
        host = backend.to_numpy(q) if backend.is_native(q) else np.asarray(q)
        values = np.true_divide(host, scale) if scale != 1 else host
        if values.ndim > 1:
            raise ArrayShapeError(
                f"{qualname(r.routine)}: q must be a scalar or 1-D, got shape {values.shape}"
            )
        if values.dtype.kind not in "biuf" or not np.all((values >= 0) & (values <= 1)):
            top = "100" if scale != 1 else "1"
            raise invalid_value(r.routine, f"q must lie in [0, {top}], got {q!r}")
        q_dtype, scalar = values.dtype, values.ndim == 0
    if q_dtype.kind in "biu":  # whole positions: NumPy returns order statistics in the input dtype
        result = r.dtype
    elif weak:
        result = r.dtype if r.dtype.kind == "f" else np.dtype(np.float64)
    else:
        result = np.result_type(r.dtype, q_dtype)
    index_dtype = backend.canonical_dtype(q_dtype if q_dtype.kind == "f" else np.float64)
    values = xp.reshape(xp.asarray(values, dtype=index_dtype), (-1,))
    return values, scalar, backend.canonical_dtype(result)


def _sorted_slices(r: Reduction) -> tuple[Any, Any, Any]:
    """The data as ``(*kept, m)`` slices sorted with masked elements last, valid counts, NaN flags."""
    xp = r.xp
    shape = tuple(r.data.shape)
    kept = [ax for ax in range(len(shape)) if ax not in r.axes]
    order = kept + list(r.axes)
    flat_shape = tuple(shape[ax] for ax in kept) + (-1,)
    data = xp.reshape(xp.transpose(r.data, order), flat_shape)
    mask = xp.reshape(xp.transpose(r.mask, order), flat_shape)
    valid = xp.logical_not(mask)
    ordered = xp.sort(xp.where(mask, xp.asarray(upper_fill(r.dtype), dtype=r.dtype), data), axis=-1)
    n = xp.sum(valid, axis=-1, keepdims=True, dtype=r.backend.canonical_dtype(np.intp))
    has_nan = None
    if r.dtype.kind == "f":
        has_nan = xp.any(xp.logical_and(xp.isnan(data), valid), axis=-1, keepdims=True)
    return ordered, n, has_nan


def _take(r: Reduction, ordered: Any, index: Any, dtype: Any, empty: Any) -> Any:
    """Sorted values at *index* as *dtype*, 0 in slices without valid elements."""
    xp = r.xp
    values = xp.asarray(xp.take_along_axis(ordered, index, axis=-1), dtype=dtype)
    return xp.where(empty, xp.asarray(0, dtype=dtype), values)


def _arrange(r: Reduction, value: Any, n: Any, has_nan: Any, scalar: bool) -> tuple[Any, Any]:
    """Mask empty slices, propagate NaNs, put the q axis first and apply keepdims."""
    xp = r.xp
    if has_nan is not None:
        value = xp.where(has_nan, xp.asarray(np.nan, dtype=value.dtype), value)
    mask = xp.broadcast_to(n == 0, value.shape)
    value, mask = xp.moveaxis(value, -1, 0), xp.moveaxis(mask, -1, 0)
    if r.keepdims:
        shape = (value.shape[0],) + r.result_shape()
        value, mask = xp.reshape(value, shape), xp.reshape(mask, shape)
    if scalar:
        value, mask = value[0], mask[0]
    return value, mask


def _empty_axis(r: Reduction, dtype: Any, count: int, scalar: bool) -> Any:
    """The all-masked result for slices of length zero (static shapes, so no data to sort)."""
    xp = r.xp
    shape = r.result_shape() if scalar else (count,) + r.result_shape()
    return r.finish(xp.zeros(shape, dtype=dtype), xp.ones(shape, dtype=bool))


def _masked_quantile(r: Reduction, q: Any, scale: float) -> Any:
    check_ordered(r)
    q, scalar, dtype = _quantile_arg(r, q, scale)
    if r.empty:
        return _empty_axis(r, dtype, q.shape[0], scalar)
    return r.finish(*r.compiled(_quantile_program, q, dtype=dtype, scalar=scalar))


def _quantile_program(r: Reduction, q: Any, dtype: Any, scalar: bool) -> tuple[Any, Any]:
    """Linear interpolation between the sorted valid values around ``q * (n - 1)``."""
    xp = r.xp
    ordered, n, has_nan = _sorted_slices(r)
    top = xp.maximum(n - 1, 0)
    virtual = q * xp.asarray(n - 1, dtype=q.dtype)
    below = xp.floor(virtual)
    gamma = xp.asarray(virtual - below, dtype=dtype)
    low = xp.minimum(xp.maximum(xp.asarray(below, dtype=n.dtype), 0), top)
    high = xp.minimum(low + 1, top)
    empty = n == 0  # (their +inf fill values would make NaN warnings below)
    # like NumPy, float input is differenced in its own dtype, integers after the cast
    work = r.dtype if r.dtype.kind == "f" else dtype
    a, b = _take(r, ordered, low, work, empty), _take(r, ordered, high, work, empty)
    diff = xp.asarray(b - a, dtype=dtype)
    a, b = xp.asarray(a, dtype=dtype), xp.asarray(b, dtype=dtype)
    value = xp.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    return _arrange(r, value, n, has_nan, scalar)


def _plain_q(r: Reduction, q: Any) -> Any:
    """*q* as the backend's ``percentile`` wants it: Python scalars stay weak, sequences become arrays."""
    if type(q) in (int, float) or r.backend.is_native(q):
        return q
    return r.backend.asarray(np.asarray(q))


def quantile(a: Any, q: Any, axis: int | Sequence[int] | None = None, out: None = None,
             overwrite_input: bool = False, method: str = "linear", keepdims: bool = False) -> Any:
    """The *q*-th quantile(s) over the given axes (``0 <= q <= 1``), interpolated linearly.

    Parameters
    ----------
    a : array_like or MaskedArray
        The values (int or float). Host values go to the configured backend.
    q : float or 1-D sequence of float
        Quantile(s) in ``[0, 1]``. A sequence puts its axis first in the result.
    axis : None, int or tuple of int, optional
        Axes to reduce; ``None`` (the default) reduces all.
    out : None, optional
        Not supported; results are always new arrays.
    overwrite_input : bool, optional
        Accepted for NumPy compatibility; inputs are never modified.
    method : str, optional
        Only ``"linear"``.
    keepdims : bool, optional
        Keep reduced axes as dimensions of length one.

    Returns
    -------
    quantile : array or MaskedArray
        NumPy's dtype (float64 for integer input). For a MaskedArray, computed from
        the valid elements only, masked where a slice has none, NaN where a slice
        holds an unmasked NaN.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ArrayDTypeError
        If the input is bool, complex or not numeric.
    ArrayShapeError
        If *q* has more than one dimension.
    ArrayValueError
        If *q* lies outside ``[0, 1]``.
    RoutineNotSupportedError
        For any method but ``"linear"``, or if *out* is given.
    """
    return _quantile_entry("quantile", a, q, 1, axis, out, method, keepdims)


def percentile(a: Any, q: Any, axis: int | Sequence[int] | None = None, out: None = None,
               overwrite_input: bool = False, method: str = "linear", keepdims: bool = False) -> Any:
    """The *q*-th percentile(s) over the given axes (``0 <= q <= 100``), interpolated linearly.

    Same as :func:`quantile` with ``q / 100``; see there for the parameters,
    the masked semantics and the errors (*q* must lie in ``[0, 100]``).
    """
    return _quantile_entry("percentile", a, q, 100, axis, out, method, keepdims)


def _quantile_entry(name: str, a: Any, q: Any, scale: float, axis: Any, out: Any, method: str,
                    keepdims: bool) -> Any:
    _check_method(name, method)
    r = prepare(name, a, axis, keepdims, out=out, kinds="iuf")
    if r.masked:
        return _masked_quantile(r, q, scale)
    _quantile_arg(r, q, scale)  # same checks as the masked path
    return r.plain(name, _plain_q(r, q), method="linear")


def median(a: Any, axis: int | Sequence[int] | None = None, out: None = None,
           overwrite_input: bool = False, keepdims: bool = False) -> Any:
    """Median over the given axes: the middle value, or the mean of the two middle values.

    Parameters
    ----------
    a : array_like or MaskedArray
        The values.
    axis : None, int or tuple of int, optional
        Axes to reduce; ``None`` (the default) reduces all.
    out : None, optional
        Not supported; results are always new arrays.
    overwrite_input : bool, optional
        Accepted for NumPy compatibility; inputs are never modified.
    keepdims : bool, optional
        Keep reduced axes as dimensions of length one.

    Returns
    -------
    median : array or MaskedArray
        float64 for integer/bool input, else the input's dtype (canonicalised). For
        a MaskedArray: the median of the valid elements, masked where a slice has
        none, NaN where a slice holds an unmasked NaN (numpy.ma.median).

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ArrayDTypeError
        If the input is complex or not numeric.
    RoutineNotSupportedError
        If *out* is given.
    """
    r = prepare("median", a, axis, keepdims, out=out, kinds="biuf")
    if not r.masked:
        return r.plain("median")
    check_ordered(r)
    dtype = r.backend.canonical_dtype(r.dtype if r.dtype.kind == "f" else np.float64)
    if r.empty:
        return _empty_axis(r, dtype, 1, True)
    return r.finish(*r.compiled(_median_program, dtype=dtype))


def _median_program(r: Reduction, dtype: Any) -> tuple[Any, Any]:
    """The mean of the two middle valid values (the same one for odd counts)."""
    xp = r.xp
    ordered, n, has_nan = _sorted_slices(r)
    top = xp.maximum(n - 1, 0)
    low = xp.maximum((n - 1) // 2, 0)
    high = xp.minimum(n // 2, top)
    empty = n == 0
    value = (_take(r, ordered, low, dtype, empty) + _take(r, ordered, high, dtype, empty)) / 2
    return _arrange(r, value, n, has_nan, True)
