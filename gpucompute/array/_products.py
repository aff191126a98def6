"""Dot, outer and tensor products over a backend namespace.

Masked inputs
-------------
* ``dot`` follows ``numpy.ma.dot`` (``strict=False``): masked elements count
  as 0, and an output element is masked only when no pair of valid inputs
  contributed to it.
* ``outer`` follows ``numpy.ma.outer``: the inputs are flattened, masked
  elements count as 0, and ``out[i, j]`` is masked when ``a[i]`` or ``b[j]`` is.
* ``vdot``, ``tensordot`` and ``einsum`` have no numpy.ma version: a
  MaskedArray input raises :class:`RoutineNotSupportedError` (call
  ``.filled(0)`` first to treat masked elements as zeros).

Result dtypes are NumPy's (integers are not widened), up to the backend's
canonical dtypes.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import ArrayShapeError, AxisError, RoutineNotSupportedError

from ._dispatch import qualname, resolve_backend
from ._elementwise import as_array, has_mask, reject_masked, run_compiled, split_masked
from ._masked_array import MaskedArray

__all__ = ["dot", "vdot", "outer", "tensordot", "einsum"]


def _masked_product_core(backend: Backend, x: Any, x_mask: Any, y: Any, y_mask: Any, *, op: str) -> tuple[Any, Any]:
    """numpy.ma's dot/outer: masked elements count as 0; masked where no valid pair contributed."""
    xp = backend.xp
    product = getattr(xp, op)
    filled_x = xp.where(x_mask, 0, x).astype(x.dtype)
    filled_y = xp.where(y_mask, 0, y).astype(y.dtype)
    valid_x, valid_y = xp.logical_not(x_mask).astype(xp.float32), xp.logical_not(y_mask).astype(xp.float32)
    return product(filled_x, filled_y), product(valid_x, valid_y) <= 0


def _dot_shape_check(routine: str, a_shape: tuple[int, ...], b_shape: tuple[int, ...]) -> None:
    if not a_shape or not b_shape:
        return
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if a_shape[-1] != inner_b:
        raise ArrayShapeError(
            f"{qualname(routine)}: shapes {a_shape} and {b_shape} are not aligned: the last axis of a "
            f"({a_shape[-1]}) must match {'the' if len(b_shape) == 1 else 'the second-to-last'} axis of b ({inner_b})"
        )


def dot(a: Any, b: Any) -> Any:
    """Dot product: inner product of vectors, matrix product of 2-D arrays, and NumPy's N-D rule.

    Parameters
    ----------
    a, b : array_like or MaskedArray
        Factors; a 0-d factor multiplies elementwise.

    Returns
    -------
    array or MaskedArray
        ``numpy.ma.dot`` semantics for masked input (see the module docstring).

    Raises
    ------
    ArrayShapeError
        If the contracted axes differ in length.
    """
    backend = resolve_backend("dot", a, b)
    xp = backend.xp
    if not (has_mask(a) or has_mask(b)):
        x, y = as_array(a, backend), as_array(b, backend)
        _dot_shape_check("dot", tuple(x.shape), tuple(y.shape))
        return xp.dot(x, y)
    (x, x_mask), (y, y_mask) = split_masked(a, backend), split_masked(b, backend)
    _dot_shape_check("dot", tuple(x.shape), tuple(y.shape))
    return MaskedArray._new(*run_compiled(backend, _masked_product_core, x, x_mask, y, y_mask, op="dot"), backend)


def vdot(a: Any, b: Any) -> Any:
    """Dot product of the flattened inputs, conjugating the first; a 0-d array.

    Raises
    ------
    ArrayShapeError
        If *a* and *b* have different sizes.
    RoutineNotSupportedError
        If an input is a MaskedArray.
    """
    reject_masked("vdot", a, b)
    backend = resolve_backend("vdot", a, b)
    x, y = as_array(a, backend), as_array(b, backend)
    if x.size != y.size:
        raise ArrayShapeError(
            f"gpucompute.array.vdot: inputs of sizes {x.size} and {y.size} (shapes {tuple(x.shape)}, "
            f"{tuple(y.shape)}) cannot be multiplied; they need the same number of elements"
        )
    return backend.xp.vdot(x, y)


def outer(a: Any, b: Any) -> Any:
    """Outer product of the flattened inputs: ``out[i, j] = a[i] * b[j]``.

    A MaskedArray input gives ``numpy.ma.outer``'s result (see the module docstring).
    """
    backend = resolve_backend("outer", a, b)
    xp = backend.xp
    if not (has_mask(a) or has_mask(b)):
        return xp.outer(as_array(a, backend), as_array(b, backend))
    (x, x_mask), (y, y_mask) = split_masked(a, backend), split_masked(b, backend)
    return MaskedArray._new(*run_compiled(backend, _masked_product_core, x, x_mask, y, y_mask, op="outer"), backend)


def _tensordot_axes(axes: Any, a_ndim: int, b_ndim: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, (int, np.integer)):
        count = int(axes)
        if count < 0 or count > min(a_ndim, b_ndim):
            raise AxisError(
                f"gpucompute.array.tensordot: cannot contract {count} axes of arrays with {a_ndim} and "
                f"{b_ndim} dimensions"
            )
        return list(range(a_ndim - count, a_ndim)), list(range(count))
    try:
        a_axes, b_axes = axes
    except (TypeError, ValueError):
        raise AxisError(
            f"gpucompute.array.tensordot: axes must be an int or a pair of sequences, got {axes!r}"
        ) from None
    a_axes = [a_axes] if isinstance(a_axes, (int, np.integer)) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, (int, np.integer)) else list(b_axes)
    if len(a_axes) != len(b_axes):
        raise ArrayShapeError(f"gpucompute.array.tensordot: axes {axes!r} name different numbers of axes")
    for group, ndim in ((a_axes, a_ndim), (b_axes, b_ndim)):
        for ax in group:
            if not -ndim <= ax < ndim:
                raise AxisError(f"gpucompute.array.tensordot: axis {ax} is out of bounds for {ndim} dimensions")
    return [ax % a_ndim for ax in a_axes], [ax % b_ndim for ax in b_axes]


def tensordot(a: Any, b: Any, axes: int | Sequence[Any] = 2) -> Any:
    """Sum products over the given axes of *a* and *b*.

    Parameters
    ----------
    a, b : array_like
        Factors.
    axes : int or (sequence, sequence)
        ``N``: the last N axes of *a* with the first N of *b*; or the two lists of axes.

    Raises
    ------
    AxisError
        If an axis is out of range.
    ArrayShapeError
        If contracted axes differ in length.
    RoutineNotSupportedError
        If an input is a MaskedArray.
    """
    reject_masked("tensordot", a, b)
    backend = resolve_backend("tensordot", a, b)
    x, y = as_array(a, backend), as_array(b, backend)
    a_axes, b_axes = _tensordot_axes(axes, x.ndim, y.ndim)
    for i, j in zip(a_axes, b_axes):
        if x.shape[i] != y.shape[j]:
            raise ArrayShapeError(
                f"gpucompute.array.tensordot: axis {i} of a (length {x.shape[i]}) and axis {j} of b "
                f"(length {y.shape[j]}) differ"
            )
    return backend.xp.tensordot(x, y, axes=(a_axes, b_axes))


def einsum(subscripts: str, *operands: Any) -> Any:
    """Einstein summation over *operands* as described by *subscripts* (e.g. ``"ij,jk->ik"``).

    Only the string form of the subscripts is supported.

    Raises
    ------
    ArrayShapeError
        If the subscripts are malformed or do not fit the operands' shapes.
    RoutineNotSupportedError
        If *subscripts* is not a string, or an operand is a MaskedArray.
    """
    if not isinstance(subscripts, str):
        raise RoutineNotSupportedError(
            "gpucompute.array.einsum: only string subscripts are supported (e.g. 'ij,jk->ik'), got "
            f"{type(subscripts).__name__}"
        )
    reject_masked("einsum", *operands)
    backend = resolve_backend("einsum", *operands)
    arrays = [as_array(op, backend) for op in operands]
    # Validate subscripts and shapes on the host with stride-0 stand-ins (no data is copied).
    stand_ins = [np.broadcast_to(np.zeros((), dtype=np.float32), tuple(arr.shape)) for arr in arrays]
    try:
        np.einsum_path(subscripts, *stand_ins, optimize="greedy")
    except (ValueError, TypeError) as exc:
        shapes = ", ".join(str(tuple(arr.shape)) for arr in arrays)
        raise ArrayShapeError(
            f"gpucompute.array.einsum: {subscripts!r} does not fit operands of shapes {shapes}: {exc}"
        ) from None
    return backend.xp.einsum(subscripts, *arrays)
