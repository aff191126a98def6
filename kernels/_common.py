"""Argument checks and small host-side helpers shared by every kernel.

Everything here runs on the host with plain Python and NumPy values, before a
kernel touches the device: turning the input into a :class:`MaskedArray`
time stack, validating ``q``, ``band`` and ``operation``, choosing the result
dtype and building the per-count position tables the quantile kernels read.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from gpucompute.array._dispatch import is_masked, resolve_backend
from gpucompute.array._reduction_core import lower_fill as low_sentinel  # sorts before every valid value
from gpucompute.array._reduction_core import upper_fill as high_sentinel  # sorts after every valid value
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, ArrayValueError, DataDependentShapeError

__all__ = [
    "PREFIX",
    "as_stack",
    "check_dtype",
    "quantile_dtype",
    "normalize_q",
    "quantile_tables",
    "high_sentinel",
    "low_sentinel",
]

#: Public module path used at the start of every error message.
PREFIX = "gpucompute.kernels."


def as_stack(routine: str, stack: Any, *, min_ndim: int = 1) -> Any:
    """Return *stack* as a MaskedArray time stack (time on axis 0), or raise.

    A gpucompute :class:`~gpucompute.array.MaskedArray` passes through; a
    ``numpy.ma.MaskedArray``, a backend array or nested lists are wrapped on
    the backend :func:`~gpucompute.array._dispatch.resolve_backend` picks.
    """
    from gpucompute.array._masked_array import MaskedArray

    if not is_masked(stack):
        backend = resolve_backend(PREFIX + routine, stack)
        stack = MaskedArray(stack, backend=backend)
    if stack.ndim < min_ndim:
        layout = "(T, ...)" if min_ndim == 1 else "(T, B, ...) such as (T, B, Y, X)"
        raise ArrayShapeError(
            f"{PREFIX}{routine}: expected a time stack shaped {layout} with at least {min_ndim} "
            f"dimension(s), got shape {stack.shape}"
        )
    if stack.shape[0] == 0:
        raise ArrayShapeError(
            f"{PREFIX}{routine}: the stack has no images (shape {stack.shape}); "
            "give it at least one image along axis 0"
        )
    return stack


def check_dtype(routine: str, dtype: np.dtype, kinds: str, what: str) -> None:
    """Raise :class:`ArrayDTypeError` unless ``dtype.kind`` is one of *kinds*."""
    if np.dtype(dtype).kind not in kinds:
        raise ArrayDTypeError(
            f"{PREFIX}{routine}: {what} must be {_describe(kinds)}, got dtype {np.dtype(dtype)}; "
            "cast the stack first (e.g. stack.astype('float32'))"
        )


def _describe(kinds: str) -> str:
    names = {"b": "boolean", "i": "signed integer", "u": "unsigned integer", "f": "floating"}
    return " or ".join(names[k] for k in kinds)


def quantile_dtype(dtype: np.dtype, backend: Any) -> np.dtype:
    """The result dtype of a median or percentile: floats keep theirs, integers give float64.

    The float64 goes through ``backend.canonical_dtype`` (float32 on JAX
    without 64-bit mode), as numpy.ma.median gives float64 for integers.
    """
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return dtype
    return backend.canonical_dtype(np.float64)


def normalize_q(routine: str, q: Any, backend: Any) -> tuple[tuple[float, ...], bool]:
    """Percentiles *q* (0..100, scalar or 1-D) as a tuple of fractions, and whether *q* was scalar.

    Raises
    ------
    DataDependentShapeError
        If *q* is a traced value (it must be known when the kernel is compiled).
    ArrayValueError
        If *q* is not numeric, not 0-d or 1-d, empty, not finite, or outside [0, 100].
    """
    if is_masked(q):
        q = q.filled(np.nan)
    if backend.is_tracer(q):
        raise DataDependentShapeError(
            f"{PREFIX}{routine}: q must be a concrete value (Python number, list or NumPy array), "
            "not a traced array; pass it as a static argument of the jitted function"
        )
    if backend.is_native(q):
        q = backend.to_numpy(q)
    try:
        host = np.asarray(q, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArrayValueError(f"{PREFIX}{routine}: q must be a number or a 1-D sequence of numbers, got {q!r}") from None
    if host.ndim > 1 or host.size == 0:
        raise ArrayValueError(
            f"{PREFIX}{routine}: q must be a scalar or a non-empty 1-D sequence, got shape {host.shape}"
        )
    if not np.all(np.isfinite(host)) or np.any(host < 0) or np.any(host > 100):
        raise ArrayValueError(f"{PREFIX}{routine}: percentiles must lie in [0, 100], got q={q!r}")
    fractions = tuple(float(v) for v in np.true_divide(host.reshape(-1), 100))
    return fractions, host.ndim == 0


@functools.lru_cache(maxsize=256)
def quantile_tables(length: int, qs: tuple[float, ...] | None,
                    dtype: np.dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which sorted rows to read, and how to mix them, for every possible valid count.

    For a pixel with ``n`` valid values (``0 <= n <= length``) sorted
    ascending, quantile ``qs[k]`` is ``lerp(sorted[lo], sorted[hi], gamma)``
    with ``lo = lo_table[k, n]`` and so on. The positions follow NumPy's
    ``'linear'`` method exactly because they are computed here in float64.
    ``qs=None`` asks for the median rows ``(n - 1) // 2`` and ``n // 2``.

    Returns
    -------
    lo_table, hi_table : ndarray of int32, shape (len(qs), length + 1)
    gamma_table : ndarray of *dtype*, same shape
    """
    counts = np.arange(length + 1)
    last = np.maximum(counts - 1, 0)
    if qs is None:
        lo = np.maximum((counts - 1) // 2, 0)[None, :]
        hi = np.minimum(counts // 2, last)[None, :]
        gamma = np.full(lo.shape, 0.5)
    else:
        fractions = np.asarray(qs, dtype=np.float64)[:, None]
        virtual = (counts[None, :] - 1) * fractions
        floor = np.floor(virtual)
        gamma = np.where(virtual >= last, 0.0, virtual - floor)
        lo = np.clip(floor, 0, last).astype(np.int64)
        hi = np.minimum(lo + 1, last)
    return lo.astype(np.int32), hi.astype(np.int32), gamma.astype(dtype)
