"""Masked median and percentiles over the time axis of an image stack.

Semantics (shared by every implementation):

* The statistic of each pixel (each element of ``stack[0]``) is taken over
  the *valid* (unmasked) values along axis 0.
* Percentiles interpolate linearly between the two nearest ranks, as
  ``numpy.percentile`` does on the pixel's valid values; the median is the
  mean of the two middle values, as ``numpy.ma.median`` computes it.
* A pixel with no valid value is masked; a pixel whose valid values include a
  NaN gives NaN (numpy.ma.median's rule).
* Floating input keeps its dtype; integer input gives float64 (float32 on
  JAX without 64-bit mode).

Implementation signature (reference and specialisations)::

    impl(backend, data, mask, qs, out_dtype) -> (values, out_mask)

``qs`` is a tuple of fractions in [0, 1] or ``None`` for the median;
``values`` has shape ``(len(qs) or 1,) + data.shape[1:]`` and ``out_mask``
``data.shape[1:]``.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from gpucompute.array._masked_array import MaskedArray

from . import _registry
from ._common import as_stack, check_dtype, high_sentinel, normalize_q, quantile_dtype, quantile_tables

__all__ = ["masked_median", "masked_percentile", "quantiles_reference", "combine", "run_quantiles"]


def combine(xp: Any, a: Any, b: Any, gamma: Any, median: bool) -> Any:
    """Mix the two selected order statistics *a* and *b* (already in the result dtype).

    The median takes ``(a + b) / 2`` (numpy.ma.median's formula); percentiles
    use NumPy's linear interpolation, which steps from the nearer end so that
    ``gamma == 1`` gives exactly ``b``.
    """
    if median:
        return (a + b) / 2
    diff = b - a
    return xp.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)


def quantiles_reference(backend: Any, data: Any, mask: Any, qs: tuple[float, ...] | None,
                        out_dtype: np.dtype) -> tuple[Any, Any]:
    """Masked quantiles over axis 0 with ``xp.sort`` (runs on every backend, also under jit).

    Masked values are replaced by a value that sorts last (``+inf``, or the
    integer maximum, which can only tie with valid values equal to it), the
    stack is sorted along time, and the two rows around each quantile's
    position are read with ``take_along_axis``.
    """
    xp = backend.xp
    length = data.shape[0]
    filled = xp.where(mask, xp.asarray(high_sentinel(data.dtype), dtype=data.dtype), data)
    ordered = xp.sort(filled, axis=0)
    valid = xp.logical_not(mask)
    count = xp.sum(valid.astype(xp.int32), axis=0)
    lo_table, hi_table, gamma_table = (backend.asarray(t) for t in quantile_tables(length, qs, out_dtype))
    lo = lo_table[:, count]
    hi = hi_table[:, count]
    a = xp.take_along_axis(ordered, lo, axis=0).astype(out_dtype)
    b = xp.take_along_axis(ordered, hi, axis=0).astype(out_dtype)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf under masks and NaN pixels
        values = combine(xp, a, b, gamma_table[:, count], qs is None)
    if data.dtype.kind == "f":
        has_nan = xp.any(xp.logical_and(xp.isnan(data), valid), axis=0)
        values = xp.where(has_nan, xp.asarray(np.nan, dtype=out_dtype), values)
    empty = count == 0
    values = xp.where(empty, xp.zeros((), dtype=out_dtype), values)
    return values, empty


def run_quantiles(routine: str, stack: Any, qs: tuple[float, ...] | None, impl: str) -> tuple[Any, Any, Any]:
    """Validate *stack*, pick the implementation and run it; returns ``(values, mask, backend)``."""
    stack = as_stack(routine, stack)
    check_dtype(routine, stack.dtype, "iuf", "the stack")
    backend = stack.backend
    out_dtype = quantile_dtype(stack.dtype, backend)
    fn = _registry.resolve("quantiles", backend.name, impl, routine)
    values, mask = fn(backend, stack.data, stack.mask, qs, out_dtype)
    return values, mask, backend


def masked_median(stack: Any, *, impl: str = "auto") -> MaskedArray:
    """Median over time of the valid values of every pixel.

    Parameters
    ----------
    stack : MaskedArray
        Time stack shaped ``(T, ...)``, typically ``(T, B, Y, X)``; masked
        elements are ignored.
    impl : {"auto", "reference", "specialized"}
        ``"auto"`` uses the backend's specialised kernel (a sorting network on
        JAX and CuPy), ``"reference"`` the sort-based version.

    Returns
    -------
    MaskedArray
        Shape ``stack.shape[1:]``, on the stack's backend; masked where a
        pixel has no valid value, NaN where its valid values include NaN.
        Floating input keeps its dtype, integer input gives float64 (float32
        on JAX without 64-bit mode).

    Raises
    ------
    ArrayShapeError
        If the stack is 0-d or has no images.
    ArrayDTypeError
        If the stack is not of an integer or floating dtype.
    ConfigError
        If *impl* is not recognised.

    See Also
    --------
    masked_percentile : Any percentile, same rules.
    numpy.ma.median : The oracle this matches (``axis=0``).
    """
    values, mask, backend = run_quantiles("masked_median", stack, None, impl)
    return MaskedArray._new(values[0], mask, backend)


def masked_percentile(stack: Any, q: float | Sequence[float], *, impl: str = "auto") -> MaskedArray:
    """Percentile(s) over time of the valid values of every pixel.

    Interpolates linearly between the two closest ranks, like
    ``numpy.percentile(values, q)`` applied to each pixel's valid values.

    Parameters
    ----------
    stack : MaskedArray
        Time stack shaped ``(T, ...)``.
    q : float or sequence of float
        Percentile(s) between 0 and 100 inclusive. Must be concrete (not a
        traced value): each distinct *q* compiles its own kernel on JAX.
    impl : {"auto", "reference", "specialized"}
        Which implementation runs (see :func:`masked_median`).

    Returns
    -------
    MaskedArray
        Shape ``stack.shape[1:]`` for a scalar *q*, ``(len(q),) +
        stack.shape[1:]`` for a sequence; masking, NaN and dtype rules as in
        :func:`masked_median`. (``numpy.percentile`` returns float64 for a
        float32 input and a sequence *q*; here float input always keeps its
        dtype.)

    Raises
    ------
    ArrayValueError
        If *q* is outside [0, 100], not finite, empty or more than 1-D.
    DataDependentShapeError
        If *q* is a traced value.
    ArrayShapeError, ArrayDTypeError
        As for :func:`masked_median`.
    """
    stack = as_stack("masked_percentile", stack)
    qs, scalar = normalize_q("masked_percentile", q, stack.backend)
    values, mask, backend = run_quantiles("masked_percentile", stack, qs, impl)
    if scalar:
        return MaskedArray._new(values[0], mask, backend)
    full_mask = backend.xp.broadcast_to(mask[None], values.shape).copy()
    return MaskedArray._new(values, full_mask, backend)
