"""Indexing-style structural routines (take, compress, diagonal, tril, triu, repeat, tile, roll).

Every public routine here is a *core*: a function of the backend followed by
the NumPy signature, written once over ``backend.xp``. The core never sees a
mask; :mod:`gpucompute.array._manipulation` turns each core into the public
routine through one table and a factory that runs the core on the data and,
for MaskedArray inputs, again on the mask. Several cores are written as one
gather (``xp.take`` with an index array computed on the host) so they behave
the same on every backend and stay jit-compatible when their shape-setting
arguments are host values.

This module also holds the few helpers the manipulation family shares (turning
operands into device data and masks, host-side index checks).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import ArrayDTypeError, ArrayShapeError, AxisError

from ._dispatch import is_masked, normalize_axis, qualname

ArrayLike = Any
Array = Any

__all__: list[str] = []  # the public names are made in _manipulation from the cores below


# -- shared helpers ------------------------------------------------------------------------------
def data_of(value: Any, backend: Backend, *, keep_scalars: bool = False) -> Any:
    """The data of *value* as a device array of *backend* (Python scalars kept if asked)."""
    if is_masked(value):
        return value.data if value.backend is backend else value.to_backend(backend).data
    if keep_scalars and isinstance(value, (bool, int, float, complex)):
        return value  # weakly typed, as NumPy and JAX treat Python scalars
    if backend.is_native(value):
        return value
    return backend.asarray(value)


def mask_of(value: Any, backend: Backend, data: Any) -> Any:
    """The mask of *value* on *backend*; all-False of *data*'s shape for plain values."""
    if is_masked(value):
        return value.mask if value.backend is backend else value.to_backend(backend).mask
    return backend.xp.zeros(np.shape(data), dtype=bool)


def eager_namespace(backend: Backend) -> tuple[Any, Callable[[Any], Any], Callable[[Any], Any]]:
    """Where an eager, data-dependent step runs: ``(namespace, to_it, back)``.

    A tracing backend (JAX) compiles a new program for every output size (and
    for every shape of an eager reduction), so for concrete values it is far
    cheaper to run such steps with NumPy on the host and move the (small)
    result back. Other backends run them natively on the device.
    """
    if backend.traces:
        return np, backend.to_numpy, backend.asarray
    return backend.xp, _same, _same


def _same(value: Any) -> Any:
    return value


def host_ints(routine: str, name: str, value: Any) -> np.ndarray:
    """*value* (a host value) as a NumPy integer array, or :class:`ArrayDTypeError`."""
    arr = np.asarray(value)
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iu":
        if arr.size == 0:
            return arr.astype(np.intp)
        raise ArrayDTypeError(
            f"{qualname(routine)}: {name} must be integers, got {value!r} (dtype {arr.dtype})"
        )
    return arr.astype(np.intp)


def check_index_range(routine: str, backend: Backend, index: Any, low: int, high: int, what: str) -> None:
    """Raise :class:`AxisError` if a concrete *index* has values outside ``[low, high)``.

    Traced indices (inside ``jax.jit``) cannot be checked and are left to the backend.
    """
    if backend.is_tracer(index) or np.size(index) == 0:
        return
    if backend.is_native(index):
        namespace, to_host, _ = eager_namespace(backend)
        index = to_host(index) if namespace is np else index
    else:
        namespace, index = np, np.asarray(index)
    lo, hi = int(namespace.min(index)), int(namespace.max(index))
    bad = lo if lo < low else hi if hi >= high else None
    if bad is not None:
        raise AxisError(f"{qualname(routine)}: index {bad} is out of bounds for {what}; "
                        f"valid indices are {low} .. {high - 1}")


def gather(backend: Backend, a: Any, host_index: np.ndarray, axis: int) -> Any:
    """``take`` of a host index array along *axis*: the one gather several cores share."""
    return backend.xp.take(a, backend.asarray(host_index), axis=axis)


# -- cores ---------------------------------------------------------------------------------------
def take(backend: Backend, a: ArrayLike, indices: ArrayLike, axis: int | None = None) -> Array:
    """Pick elements of an array by integer position.

    Parameters
    ----------
    a : array_like or MaskedArray
        Source array.
    indices : array_like of int or MaskedArray
        Positions to pick; negative positions count from the end. The result
        has the shape of *indices* in place of the chosen axis.
    axis : int, optional
        Axis to pick along; by default *a* is flattened first.

    Returns
    -------
    array or MaskedArray
        Masked input: the mask is picked with the data. As in ``numpy.ma.take``,
        masked *indices* are read as ``0`` and their results are masked.

    Raises
    ------
    AxisError
        If *axis* is out of range, or a (concrete) index is out of bounds.
        Inside ``jax.jit`` traced indices are not checked: JAX returns its fill
        value for out-of-bounds positions.
    ArrayDTypeError
        If *indices* are not integers.
    """
    xp = backend.xp
    if axis is None:
        a, axis = xp.reshape(a, (-1,)), 0
    axis = normalize_axis(axis, a.ndim, "take")
    size = a.shape[axis]
    if backend.is_native(indices):
        if np.dtype(indices.dtype).kind not in "biu":
            raise ArrayDTypeError(f"{qualname('take')}: indices must be integers, got dtype {indices.dtype}")
    else:
        indices = host_ints("take", "indices", indices)
    check_index_range("take", backend, indices, -size, size, f"axis {axis} with size {size}")
    if backend.is_native(indices):
        indices = xp.where(indices < 0, indices + size, indices)
    else:
        indices = backend.asarray(np.where(indices < 0, indices + size, indices))
    return xp.take(a, indices, axis=axis)


def take_index_mask(xp: Any, arguments: dict[str, Any], mask: Any, index_masks: dict[str, Any]) -> Any:
    """Extra mask for :func:`take`: positions read through a masked index are masked."""
    index_mask = index_masks.get("indices")
    if index_mask is None:
        return mask
    axis = arguments.get("axis")
    if axis is not None:
        source_ndim = mask.ndim - index_mask.ndim + 1
        axis = normalize_axis(axis, source_ndim, "take")
        index_mask = xp.reshape(index_mask, (1,) * axis + tuple(index_mask.shape)
                                + (1,) * (source_ndim - axis - 1))
    return xp.logical_or(mask, index_mask)


def compress(backend: Backend, condition: ArrayLike, a: ArrayLike, axis: int | None = None) -> Array:
    """Keep the slices of *a* along *axis* where *condition* is true.

    Parameters
    ----------
    condition : 1-D array_like of bool
        Which positions to keep. It may be shorter than the axis (missing
        entries count as false). Its values set the output's shape, so it
        must be concrete: a host value, or a device array outside ``jax.jit``.
    a : array_like or MaskedArray
        Source array. Masked: the mask is compressed with the data; a masked
        *condition* is read through its data, as ``numpy.ma.compress`` does.
    axis : int, optional
        Axis to compress along; by default *a* is flattened first.

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    DataDependentShapeError
        If *condition* is traced inside ``jax.jit``.
    ArrayShapeError
        If *condition* is not 1-D.
    AxisError
        If *axis* is out of range or *condition* selects past the axis end.
    """
    keep = np.asarray(condition)
    if keep.ndim != 1:
        raise ArrayShapeError(
            f"{qualname('compress')}: condition must be 1-D, got shape {keep.shape}; flatten it first"
        )
    if axis is None:
        a, axis = backend.xp.reshape(a, (-1,)), 0
    axis = normalize_axis(axis, a.ndim, "compress")
    picked = np.flatnonzero(keep)
    size = a.shape[axis]
    check_index_range("compress", backend, picked, 0, size, f"axis {axis} with size {size}")
    return gather(backend, a, picked, axis)


def diagonal(backend: Backend, a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
    """The diagonal of the 2-D sub-arrays spanned by *axis1* and *axis2*.

    Parameters
    ----------
    a : array_like or MaskedArray
        Array of at least two dimensions.
    offset : int, default 0
        Diagonal above (``> 0``) or below (``< 0``) the main one.
    axis1, axis2 : int, default 0, 1
        The two axes holding the matrices; the diagonal becomes the last axis.

    Returns
    -------
    array or MaskedArray
        Masked input gives the diagonal of the mask too (``numpy.ma.diagonal``).

    Raises
    ------
    ArrayShapeError
        If *a* has fewer than two dimensions.
    AxisError
        If an axis is out of range or the two axes are the same.
    """
    if a.ndim < 2:
        raise ArrayShapeError(f"{qualname('diagonal')}: needs at least 2 dimensions, got shape {tuple(a.shape)}")
    first = normalize_axis(axis1, a.ndim, "diagonal")
    second = normalize_axis(axis2, a.ndim, "diagonal")
    if first == second:
        raise AxisError(f"{qualname('diagonal')}: axis1 and axis2 are the same axis ({axis1}, {axis2})")
    return backend.xp.diagonal(a, int(offset), first, second)


def _triangle(routine: str, backend: Backend, m: Any, k: int, lower: bool) -> Any:
    xp = backend.xp
    if m.ndim == 0:
        raise ArrayShapeError(f"{qualname(routine)}: needs at least 1 dimension, got a 0-d array")
    rows, cols = (m.shape[-1], m.shape[-1]) if m.ndim == 1 else m.shape[-2:]
    keep = np.tri(rows, cols, int(k) if lower else int(k) - 1, dtype=bool)  # a host constant
    return xp.where(backend.asarray(keep if lower else ~keep), m, xp.zeros((), dtype=m.dtype))


def tril(backend: Backend, m: ArrayLike, k: int = 0) -> Array:
    """Zero the elements above the *k*-th diagonal of the last two axes.

    Parameters
    ----------
    m : array_like or MaskedArray
        Input; a 1-D input is first broadcast to a square matrix (as NumPy does).
    k : int, default 0
        Diagonal at and below which elements are kept (``> 0``: above the main one).

    Returns
    -------
    array or MaskedArray
        Masked input: the zeroed elements are valid zeros (their mask is cleared),
        i.e. the same triangle is taken of the data and of the mask.

    Raises
    ------
    ArrayShapeError
        If *m* is 0-d.
    """
    return _triangle("tril", backend, m, k, lower=True)


def triu(backend: Backend, m: ArrayLike, k: int = 0) -> Array:
    """Zero the elements below the *k*-th diagonal of the last two axes.

    Parameters
    ----------
    m : array_like or MaskedArray
        Input; a 1-D input is first broadcast to a square matrix (as NumPy does).
    k : int, default 0
        Diagonal at and above which elements are kept.

    Returns
    -------
    array or MaskedArray
        Masked input: the zeroed elements are valid zeros (see :func:`tril`).

    Raises
    ------
    ArrayShapeError
        If *m* is 0-d.
    """
    return _triangle("triu", backend, m, k, lower=False)


def repeat(backend: Backend, a: ArrayLike, repeats: int | Sequence[int], axis: int | None = None) -> Array:
    """Repeat each element (or each slice along *axis*) a number of times.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input. Masked: every copy keeps its element's mask (``numpy.ma.repeat``).
    repeats : int or 1-D sequence of int
        One count for all, or one per position along the axis. The counts set
        the output's shape, so they must be concrete (not traced by ``jax.jit``).
    axis : int, optional
        Axis to repeat along; by default *a* is flattened first.

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    DataDependentShapeError
        If *repeats* is traced inside ``jax.jit``.
    ArrayShapeError
        If *repeats* is negative or does not match the axis length.
    ArrayDTypeError
        If *repeats* are not integers.
    AxisError
        If *axis* is out of range.
    """
    counts = host_ints("repeat", "repeats", repeats)
    if axis is None:
        a, axis = backend.xp.reshape(a, (-1,)), 0
    axis = normalize_axis(axis, a.ndim, "repeat")
    size = a.shape[axis]
    if counts.ndim > 1 or counts.size not in (1, size) or (counts < 0).any():
        raise ArrayShapeError(
            f"{qualname('repeat')}: repeats {repeats!r} must be one non-negative count or "
            f"{size} of them (the length of axis {axis})"
        )
    return gather(backend, a, np.repeat(np.arange(size), np.broadcast_to(counts.reshape(-1), (size,))), axis)


def tile(backend: Backend, A: ArrayLike, reps: int | Sequence[int]) -> Array:
    """Build an array by repeating *A* as a whole, *reps* times along each axis.

    Parameters
    ----------
    A : array_like or MaskedArray
        The tile. Masked: the mask is tiled with the data.
    reps : int or sequence of int
        Copies per axis (aligned with the trailing axes; missing ones count as 1).

    Returns
    -------
    array or MaskedArray
        ``max(A.ndim, len(reps))`` dimensions.

    Raises
    ------
    ArrayShapeError
        If a count is negative.
    ArrayDTypeError
        If the counts are not integers.
    """
    counts = host_ints("tile", "reps", reps)
    if counts.ndim > 1 or (counts < 0).any():
        raise ArrayShapeError(f"{qualname('tile')}: reps must be non-negative integers, got {reps!r}")
    return backend.xp.tile(A, tuple(int(c) for c in counts.reshape(-1)))


def roll(backend: Backend, a: ArrayLike, shift: int | Sequence[int],
         axis: int | Sequence[int] | None = None) -> Array:
    """Shift elements cyclically along one or more axes.

    Parameters
    ----------
    a : array_like or MaskedArray
        Input. Masked: the mask rolls with the data.
    shift : int or sequence of int
        Steps to shift (negative: backwards); paired with *axis*, broadcasting
        a single value to every axis.
    axis : int or sequence of int, optional
        Axes to shift (repeats add up); by default the flattened array is
        rolled and the shape restored.

    Returns
    -------
    array or MaskedArray

    Raises
    ------
    AxisError
        If an axis is out of range.
    ArrayShapeError
        If *shift* and *axis* cannot be paired.
    """
    xp = backend.xp
    if axis is None:
        return xp.reshape(xp.roll(xp.reshape(a, (-1,)), shift), a.shape)
    axes = [normalize_axis(ax, a.ndim, "roll") for ax in np.atleast_1d(np.asarray(axis)).tolist()]
    if backend.is_tracer(shift):  # a traced shift: the backend pairs it with the axes
        return xp.roll(a, shift, axis=tuple(axes) if np.ndim(axis) else axes[0])
    try:
        pairs = np.broadcast(backend.to_numpy(shift) if backend.is_native(shift) else np.asarray(shift),
                             np.asarray(axes))
    except ValueError:
        raise ArrayShapeError(
            f"{qualname('roll')}: shift {shift!r} and axis {axis!r} must be scalars or "
            "sequences of the same length"
        ) from None
    total: dict[int, int] = {}
    for step, ax in pairs:
        total[int(ax)] = total.get(int(ax), 0) + int(step)
    return xp.roll(a, tuple(total.values()), axis=tuple(total))
