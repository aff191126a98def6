"""Searching routines whose masked meaning is not structural: where, nonzero and friends.

``nonzero``, ``flatnonzero``, ``argwhere`` and ``unique`` return as many
elements as the data holds hits, so they cannot run inside ``jax.jit``: given
a traced value they raise :class:`~gpucompute.errors.DataDependentShapeError`.
``where`` (three arguments) and ``unravel_index`` keep their shapes and are
jit-compatible. The public names are re-exported by
:mod:`gpucompute.array._manipulation`.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from gpucompute.errors import ArrayDTypeError, ArrayShapeError, DataDependentShapeError

from ._dispatch import check_broadcast, is_masked, qualname, resolve_backend
from ._indexing import Array, ArrayLike, check_index_range, data_of, eager_namespace, host_ints
from ._masked_array import MaskedArray

__all__ = ["where", "nonzero", "flatnonzero", "argwhere", "unique", "unravel_index"]


def _hits(routine: str, a: Any) -> tuple[Any, Any, Callable[[Any], Any]]:
    """Non-zero and (if masked) unmasked elements, as a boolean array of :func:`eager_namespace`.

    Returns the namespace, the hits and the function that moves results back to the backend.
    """
    backend = resolve_backend(routine, a)
    data = data_of(a, backend)
    if backend.is_tracer(data):
        raise DataDependentShapeError(
            f"{qualname(routine)}: the size of the result depends on the values, which are traced "
            "inside jax.jit; call it outside jit, or use a shape-stable form such as "
            "gpucompute.array.where(condition, x, y)"
        )
    namespace, to_it, back = eager_namespace(backend)
    hits = to_it(data).astype(bool)
    if is_masked(a):
        hits = namespace.logical_and(hits, namespace.logical_not(to_it(a.to_backend(backend).mask)))
    return namespace, hits, back


def _nonzero(routine: str, a: Any) -> tuple[Array, ...]:
    namespace, hits, back = _hits(routine, a)
    if hits.ndim == 0:
        raise ArrayShapeError(f"{qualname(routine)}: not defined for 0-d arrays; call atleast_1d first")
    return tuple(back(i) for i in namespace.nonzero(hits))


def nonzero(a: ArrayLike) -> tuple[Array, ...]:
    """Positions of the non-zero elements, one index array per axis.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input of at least one dimension. Masked elements count as zero
        (``numpy.ma.nonzero``).

    Returns
    -------
    tuple of array
        Plain integer arrays of equal length, in C order of the hits.

    Raises
    ------
    DataDependentShapeError
        If *a* is traced inside ``jax.jit``.
    ArrayShapeError
        If *a* is 0-d (use :func:`atleast_1d` first, as NumPy asks).
    """
    return _nonzero("nonzero", a)


def flatnonzero(a: ArrayLike) -> Array:
    """Positions of the non-zero elements in the flattened array.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input; masked elements count as zero.

    Returns
    -------
    array
        1-D plain integer array.

    Raises
    ------
    DataDependentShapeError
        If *a* is traced inside ``jax.jit``.
    """
    namespace, hits, back = _hits("flatnonzero", a)
    return back(namespace.nonzero(hits.reshape(-1))[0])


def argwhere(a: ArrayLike) -> Array:
    """Positions of the non-zero elements, one row of coordinates per element.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input; masked elements count as zero (as ``np.argwhere`` does on a
        ``numpy.ma.MaskedArray``).

    Returns
    -------
    array
        Plain integer array of shape ``(hits, a.ndim)``; a 0-d input gives
        ``(hits, 0)``.

    Raises
    ------
    DataDependentShapeError
        If *a* is traced inside ``jax.jit``.
    """
    namespace, hits, back = _hits("argwhere", a)
    if hits.ndim == 0:
        found = namespace.nonzero(hits.reshape(1))[0]
        return back(found.reshape(-1, 1)[:, :0])
    return back(namespace.stack(namespace.nonzero(hits), axis=-1))


def unique(ar: ArrayLike) -> Array:
    """The sorted distinct values of an array (flattened).

    Parameters
    ----------
    ar : array_like or MaskedArray
        Input. NaNs count as one value.

    Returns
    -------
    array or MaskedArray
        1-D. For a MaskedArray, as ``numpy.ma.unique``: the distinct unmasked
        values, followed by one masked element if anything was masked.

    Raises
    ------
    DataDependentShapeError
        If *ar* is traced inside ``jax.jit``.
    """
    backend = resolve_backend("unique", ar)
    data = data_of(ar, backend)
    if backend.is_tracer(data):
        raise DataDependentShapeError(
            f"{qualname('unique')}: the number of distinct values depends on the data, which is traced "
            "inside jax.jit; call it outside jit"
        )
    namespace, to_it, back = eager_namespace(backend)
    data = to_it(data).reshape(-1)
    if not is_masked(ar):
        return back(namespace.unique(data))
    mask = to_it(ar.to_backend(backend).mask).reshape(-1)
    values = namespace.unique(data[namespace.logical_not(mask)])
    tail = 1 if bool(mask.any()) else 0
    out = namespace.concatenate([values, namespace.zeros((tail,), dtype=values.dtype)])
    out_mask = namespace.concatenate([namespace.zeros(values.shape, dtype=bool), namespace.ones((tail,), dtype=bool)])
    return MaskedArray._new(back(out), back(out_mask), backend)


def unravel_index(indices: ArrayLike, shape: int | Sequence[int]) -> tuple[Array, ...]:
    """Turn flat (C-order) positions into one coordinate array per axis of *shape*.

    Parameters
    ----------
    indices : array_like of int or MaskedArray
        Flat positions, ``0 <= index < prod(shape)``.
    shape : int or sequence of int
        The array shape the positions refer to.

    Returns
    -------
    tuple of array or MaskedArray
        One array per axis, each of the shape of *indices*. A masked
        *indices* is read as ``0`` under its mask and every output carries
        that mask (numpy.ma has no ``unravel_index``; this is the structural
        reading).

    Raises
    ------
    ArrayDTypeError
        If *indices* are not integers.
    AxisError
        If a (concrete) position is outside the array. Traced positions
        inside ``jax.jit`` are not checked.
    """
    backend = resolve_backend("unravel_index", indices)
    xp = backend.xp
    dims = tuple(int(n) for n in host_ints("unravel_index", "shape", shape).reshape(-1))
    source = indices.to_backend(backend).filled(0) if is_masked(indices) else data_of(indices, backend)
    if np.dtype(source.dtype).kind not in "iu":
        raise ArrayDTypeError(
            f"{qualname('unravel_index')}: indices must be integers, got dtype {source.dtype}"
        )
    size = int(np.prod(dims, dtype=np.int64))
    check_index_range("unravel_index", backend, source, 0, size, f"an array of shape {dims}")
    index_dtype = backend.canonical_dtype(np.intp)
    coords = tuple(xp.asarray(c).astype(index_dtype) for c in xp.unravel_index(source, dims))
    if not is_masked(indices):
        return coords
    mask = indices.to_backend(backend).mask
    return tuple(MaskedArray._new(c, mask, backend) for c in coords)


def where(condition: ArrayLike, x: ArrayLike | None = None, y: ArrayLike | None = None) -> Any:
    """Choose elements from *x* where *condition* holds and from *y* elsewhere.

    With only *condition*, this is :func:`nonzero`.

    Parameters
    ----------
    condition : array_like or MaskedArray
        Selector, read as booleans.
    x, y : array_like, scalar or MaskedArray
        Alternatives, broadcast together with *condition*.

    Returns
    -------
    array, MaskedArray or tuple of array
        With any MaskedArray argument the result is masked as in
        ``numpy.ma.where``: a masked condition masks the element (and picks
        *y*'s data), otherwise the mask comes from the chosen input.

    Raises
    ------
    TypeError
        If exactly one of *x* and *y* is given.
    ArrayShapeError
        If the arguments do not broadcast together.
    """
    if x is None and y is None:
        return _nonzero("where", condition)
    if x is None or y is None:
        raise TypeError(f"{qualname('where')}: give both x and y, or neither (then it is nonzero)")
    backend = resolve_backend("where", condition, x, y)
    xp = backend.xp
    chosen = data_of(condition, backend).astype(bool)
    x_data = data_of(x, backend, keep_scalars=True)
    y_data = data_of(y, backend, keep_scalars=True)
    check_broadcast("where", np.shape(chosen), np.shape(x_data), np.shape(y_data))
    cond_mask = condition.to_backend(backend).mask if is_masked(condition) else None
    if cond_mask is not None:
        chosen = xp.logical_and(chosen, xp.logical_not(cond_mask))
    data = xp.where(chosen, x_data, y_data)
    if not any(is_masked(v) for v in (condition, x, y)):
        return data
    x_mask = x.to_backend(backend).mask if is_masked(x) else False
    y_mask = y.to_backend(backend).mask if is_masked(y) else False
    mask = xp.where(chosen, x_mask, y_mask)
    if cond_mask is not None:
        mask = xp.logical_or(mask, cond_mask)
    return MaskedArray._new(data, xp.broadcast_to(mask, data.shape), backend)
